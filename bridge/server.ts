// The rosbridge v2 server on `ws` (Node only): binds 127.0.0.1 by default, checks Origins and
// client caps at the handshake, and attaches each socket to the hub as a Session. The hub's
// in-process API is re-exposed here so a simulator can publish and serve without a socket.
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { ActionHandler, Advertisement, GoalHandle, MessageHandler, PublishOptions, ServiceHandler, Subscription } from './bus.ts';
import { BridgeHub, type HubOptions } from './hub.ts';
import { Session, type SessionLimits } from './hub-session.ts';
import { FrameWriter, type FrameSocket, encodeJoined } from './frame-writer.ts';

/** Server settings; every limit has the default noted. */
export interface ServerOptions extends HubOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. Default 9090. */
  port?: number;
  /** Token required in an `auth` op before anything else. Default none. */
  token?: string;
  /** Origins browsers may connect from (exact match); clients sending no Origin are allowed. Default any. */
  allowedOrigins?: readonly string[];
  /**
   * Largest accepted frame in bytes. Default 10 MB, as rosbridge_server. A larger frame up to 4x this
   * is read and answered with a status error; beyond that the connection is closed (1009) without
   * reading the frame, after a status error naming its size and the limit.
   */
  maxMessageSize?: number;
  /** Per-client bytes queued in the socket before topic traffic goes to the backlog. Default 8 MB. */
  sendBufferBytes?: number;
  /** Per-client backlog of topic messages, drop-oldest beyond. Default 1000. */
  backlogMessages?: number;
  /** Simultaneous clients. Default 100. */
  maxClients?: number;
  /** Subscribed topics per client. Default 1000. */
  maxSubscriptions?: number;
  /** Time for all fragments of one message to arrive (ms). Default 10 000. */
  fragmentTimeoutMs?: number;
  /** An existing hub to serve (e.g. shared with in-process users); default a new one. */
  hub?: BridgeHub;
}

/** A rosbridge v2 server. `start()` resolves with the port it listens on. */
export class RosbridgeServer {
  /** Topics, services, actions and parameters; also the in-process bus. */
  readonly hub: BridgeHub;
  private readonly limits: SessionLimits;
  private readonly sessions = new Map<WebSocket, Session>();
  private wss: WebSocketServer | undefined;
  private nextId = 0;
  private boundPort = 0;
  private boundHost = '127.0.0.1';

  constructor(private readonly options: ServerOptions = {}) {
    this.hub = options.hub ?? new BridgeHub(options);
    this.limits = {
      token: options.token,
      maxMessageSize: options.maxMessageSize ?? 10 * 1024 * 1024,
      sendBufferBytes: options.sendBufferBytes ?? 8 * 1024 * 1024,
      backlogMessages: options.backlogMessages ?? 1000,
      maxSubscriptions: options.maxSubscriptions ?? 1000,
      fragmentTimeoutMs: options.fragmentTimeoutMs ?? 10_000,
    };
  }

  /** Starts listening; resolves with the actual port. */
  async start(at: { host?: string; port?: number } = {}): Promise<number> {
    if (this.wss) throw new Error('RosbridgeServer.start: already started');
    const host = at.host ?? this.options.host ?? '127.0.0.1';
    const port = at.port ?? this.options.port ?? 9090;
    const origins = this.options.allowedOrigins;
    const wss = new WebSocketServer({
      host,
      port,
      perMessageDeflate: false,
      // Frames up to 4x the limit are read and answered with a status error; beyond, ws closes (1009)
      // as soon as it has read the frame's length (see watchHardLimit).
      maxPayload: this.hardLimit,
      verifyClient: origins === undefined ? undefined : (info: { origin: string; req: IncomingMessage }) => !info.origin || origins.includes(info.origin),
    });
    this.wss = wss;
    wss.on('connection', (socket) => this.accept(socket));
    wss.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    const address = wss.address();
    this.boundPort = typeof address === 'object' && address !== null ? address.port : port;
    this.boundHost = host;
    return this.boundPort;
  }

  /** ws://host:port of the listening server. */
  get url(): string {
    const host = this.boundHost.includes(':') ? `[${this.boundHost}]` : this.boundHost;
    return `ws://${host}:${this.boundPort}`;
  }

  /** Number of connected clients. */
  get clientCount(): number {
    return this.sessions.size;
  }

  /** Per-client counters: subscriptions, topic messages dropped, frames rejected. */
  clientStats(): { id: number; subscriptions: number; dropped: number; rejected: number }[] {
    return [...this.sessions.values()].map((s) => ({ id: s.id, subscriptions: s.subscriptionCount, dropped: s.dropped, rejected: s.rejected }));
  }

  /** Frames longer than this close the connection unread: 4x the maximum message size. */
  private get hardLimit(): number {
    return this.limits.maxMessageSize * 4;
  }

  /**
   * Tells a client why its connection closes when it sends a frame over the hard limit. The close
   * stays: rosbridge_server reads an oversize frame and answers it, but reading one of 40 MB and more
   * just to answer would let any client make the server buffer that much (a memory DoS), so ws
   * closes with 1009 on the frame's header. Its receiver reports that error (code
   * WS_ERR_UNSUPPORTED_MESSAGE_LENGTH) to the WebSocket's listener, which writes the close frame, and
   * ws's own 'error' event comes only after that; a listener put in front of ws's on the receiver
   * still sees an open socket, so the status goes out before the close frame. `_receiver` is ws 8's
   * (8.23 checked, and test/bridge/server-hard-limit.test.ts fails without it): without it the close
   * comes unexplained, as before.
   */
  private watchHardLimit(socket: WebSocket, session: Session, flush: () => void): void {
    type Receiver = { prependListener(event: 'error', listener: (error: Error & { code?: string }) => void): void; _totalPayloadLength?: unknown };
    const receiver = (socket as unknown as { _receiver?: Partial<Receiver> })._receiver;
    if (typeof receiver?.prependListener !== 'function') return;
    receiver.prependListener('error', (error) => {
      if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || socket.readyState !== socket.OPEN) return;
      const length = receiver._totalPayloadLength;
      const size = typeof length === 'number' && length > 0 ? `${length} bytes` : `more than ${this.hardLimit} bytes`;
      session.error(
        `frame of ${size} exceeds ${this.hardLimit} bytes, 4x the maximum message size of ${this.limits.maxMessageSize} bytes: closing the connection (1009) without reading it`,
      );
      flush();
    });
  }

  private accept(socket: WebSocket): void {
    socket.on('error', () => {});
    const maxClients = this.options.maxClients ?? 100;
    if (this.sessions.size >= maxClients) {
      socket.send(JSON.stringify({ op: 'status', level: 'error', msg: `server full: ${maxClients} clients connected` }));
      socket.close(1013, 'too many clients');
      return;
    }
    // Frames go straight to the TCP socket, one write per event-loop turn (frame-writer.ts). ws
    // keeps `_socket` public in practice; without a usable one, frames go through ws.send.
    const tcp = (socket as unknown as { _socket?: Partial<FrameSocket> })._socket;
    const writer = tcp && typeof tcp.write === 'function' && typeof tcp.cork === 'function' && typeof tcp.uncork === 'function'
      && typeof tcp.writableLength === 'number' ? new FrameWriter(tcp as FrameSocket, () => socket.readyState === socket.OPEN) : undefined;
    const session = new Session(
      this.hub,
      {
        send: (data, text) => {
          if (socket.readyState !== socket.OPEN) return;
          const binary = typeof data !== 'string' && text !== true;
          if (!writer) socket.send(data, { binary });
          else if (binary) writer.binary(data as Uint8Array);
          else writer.text(data);
        },
        bufferedAmount: () => (writer ? writer.bufferedAmount : socket.bufferedAmount),
        encodeText: encodeJoined,
        close: (code, reason) => {
          writer?.flush();
          socket.close(code, reason);
        },
      },
      this.limits,
      ++this.nextId,
    );
    this.sessions.set(socket, session);
    this.watchHardLimit(socket, session, () => writer?.flush());
    socket.on('message', (data, isBinary) => {
      if (isBinary) {
        const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
        session.receive(bytes);
      } else {
        session.receive(data.toString());
      }
    });
    socket.on('close', () => {
      this.sessions.delete(socket);
      session.close();
    });
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    this.wss = undefined;
    for (const [socket, session] of this.sessions) {
      session.close();
      socket.terminate();
    }
    this.sessions.clear();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  // ---- in-process API (delegates to the hub) ----

  /** Publishes from this process; throws when `msg` does not match `type`. */
  publish(topic: string, type: string, msg: unknown, options?: PublishOptions): void {
    this.hub.publish(topic, type, msg, options);
  }

  /** Declares an in-process publisher (latched if asked). */
  advertise(topic: string, type: string, options?: PublishOptions): void {
    this.hub.advertise(topic, type, options);
  }

  /** Subscribes in process (type '' when unknown). */
  subscribe(topic: string, handler: MessageHandler, type = ''): Subscription {
    return this.hub.subscribe(topic, type, handler);
  }

  /** Serves a service from this process. */
  advertiseService(name: string, type: string, handler: ServiceHandler): Advertisement {
    return this.hub.advertiseService(name, type, handler);
  }

  /** Serves an action from this process. */
  advertiseAction(name: string, type: string, handler: ActionHandler): Advertisement {
    return this.hub.advertiseAction(name, type, handler);
  }

  /** Calls a service (served in process or by a client). */
  callService(name: string, args: unknown, timeoutMs?: number): Promise<unknown> {
    return this.hub.callService(name, '', args, timeoutMs);
  }

  /** Sends an action goal (served in process or by a client). */
  sendGoal(action: string, type: string, goal: unknown, onFeedback?: (values: unknown) => void): GoalHandle {
    return this.hub.sendGoal(action, type, goal, onFeedback);
  }
}
