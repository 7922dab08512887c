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

/**
 * UTF-8 of `head + body + tail` in one Buffer, each part written in place: no joined string (a
 * concatenation would be flattened, that is copied, before encoding).
 */
export function encodeJoined(head: string, body: string, tail: string): Buffer {
  const headBytes = Buffer.byteLength(head, 'utf8');
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const out = Buffer.allocUnsafe(headBytes + bodyBytes + Buffer.byteLength(tail, 'utf8'));
  out.write(head, 0, headBytes, 'utf8');
  out.write(body, headBytes, bodyBytes, 'utf8');
  if (tail.length > 0) out.write(tail, headBytes + bodyBytes, 'utf8');
  return out;
}

/** Bytes of the header in front of a server frame of `length` payload bytes. */
function headerSize(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes the header of a final, unmasked frame at `at` in `out`; returns the offset after it. */
function writeHeader(out: Buffer, at: number, opcode: number, length: number): number {
  out[at] = FIN | opcode;
  if (length < 126) {
    out[at + 1] = length;
    return at + 2;
  }
  if (length < 65536) {
    out[at + 1] = 126;
    out.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  out[at + 1] = 127;
  out.writeUInt32BE(Math.floor(length / 0x100000000), at + 2);
  out.writeUInt32BE(length >>> 0, at + 6);
  return at + 10;
}

/**
 * Queues frames for one socket and writes them once per turn. Headers are written at flush time
 * into the one output buffer (no header buffer per frame); the queue arrays are reused.
 */
export class FrameWriter {
  private readonly payloads: Uint8Array[] = [];
  private readonly opcodes: number[] = [];
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
    this.payloads.push(payload);
    this.opcodes.push(opcode);
    this.pending += headerSize(length) + length;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flushBound);
    }
  }

  /** Writes everything queued now (also before ws sends a close frame, to keep the order). */
  flush(): void {
    this.scheduled = false;
    if (this.pending === 0) return;
    const { payloads, opcodes } = this;
    const total = this.pending;
    this.pending = 0;
    const socket = this.socket;
    try {
      if (!socket.writable || !this.isOpen()) return;
      if (total <= COPY_LIMIT) {
        const out = Buffer.allocUnsafe(total);
        let at = 0;
        for (let i = 0; i < payloads.length; i++) {
          const payload = payloads[i];
          at = writeHeader(out, at, opcodes[i], payload.byteLength);
          out.set(payload, at);
          at += payload.byteLength;
        }
        socket.write(out);
        return;
      }
      // Large payloads (images, point clouds) are not copied: one writev of every chunk.
      socket.cork();
      for (let i = 0; i < payloads.length; i++) {
        const payload = payloads[i];
        const header = Buffer.allocUnsafe(headerSize(payload.byteLength));
        writeHeader(header, 0, opcodes[i], payload.byteLength);
        socket.write(header);
        socket.write(payload);
      }
      socket.uncork();
    } finally {
      payloads.length = 0;
      opcodes.length = 0;
    }
  }
}
