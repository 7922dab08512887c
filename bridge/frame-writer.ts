// WebSocket frames written straight to a client's TCP socket (Node only), batched per event-loop
// turn: every frame queued while the server handles one burst of input leaves in one write of one
// buffer. Server-to-client frames are unmasked, final, uncompressed (RFC 6455 §5.2), so the header
// is two, four or ten bytes in front of the payload. Going around ws's Sender saves its per-frame
// work (a header buffer, two stream writes, a writev of two iovecs per frame); ws still reads, and
// sends its own control frames (pong, close), which may legally go between whole data frames.

/** The part of a net.Socket the writer uses. */
export interface FrameSocket {
  write(chunk: Uint8Array): boolean;
  readonly writable: boolean;
  readonly writableLength: number;
  cork(): void;
  uncork(): void;
}

/** Batches up to this size are copied into one buffer; larger ones go out as a writev. */
const COPY_LIMIT = 256 * 1024;

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const FIN = 0x80;

/** Queues frames for one socket and writes them once per turn. */
export class FrameWriter {
  private chunks: Uint8Array[] = [];
  private pending = 0;
  private scheduled = false;
  private readonly flushBound = (): void => this.flush();

  /** `isOpen` is false once the WebSocket closes: frames still queued then are dropped. */
  constructor(
    private readonly socket: FrameSocket,
    private readonly isOpen: () => boolean,
  ) {}

  /** Queues one text frame; `payload` is UTF-8 (bytes, or a string encoded here). */
  text(payload: Uint8Array | string): void {
    this.frame(OPCODE_TEXT, typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload);
  }

  /** Queues one binary frame. */
  binary(payload: Uint8Array): void {
    this.frame(OPCODE_BINARY, payload);
  }

  /** Bytes queued here and in the socket, not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.pending + this.socket.writableLength;
  }

  private frame(opcode: number, payload: Uint8Array): void {
    const length = payload.byteLength;
    let header: Buffer;
    if (length < 126) {
      header = Buffer.allocUnsafe(2);
      header[1] = length;
    } else if (length < 65536) {
      header = Buffer.allocUnsafe(4);
      header[1] = 126;
      header.writeUInt16BE(length, 2);
    } else {
      header = Buffer.allocUnsafe(10);
      header[1] = 127;
      header.writeUInt32BE(Math.floor(length / 0x100000000), 2);
      header.writeUInt32BE(length >>> 0, 6);
    }
    header[0] = FIN | opcode;
    this.chunks.push(header, payload);
    this.pending += header.length + length;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushBound);
    }
  }

  /** Writes everything queued now (also before ws sends a close frame, to keep the order). */
  flush(): void {
    this.scheduled = false;
    if (this.pending === 0) return;
    const chunks = this.chunks;
    const total = this.pending;
    this.chunks = [];
    this.pending = 0;
    const socket = this.socket;
    if (!socket.writable || !this.isOpen()) return;
    if (total <= COPY_LIMIT) {
      socket.write(Buffer.concat(chunks, total));
      return;
    }
    // Large payloads (images, point clouds) are not copied: one writev of every chunk.
    socket.cork();
    for (const chunk of chunks) socket.write(chunk);
    socket.uncork();
  }
}
