// The floor the bridge/latency and bridge/fanout figures are compared with: the least a rosbridge
// relay can do over `ws`. It parses each frame to read its op and topic, routes `publish` frames as
// received to the sockets that subscribed to the topic, and ignores every other op: no validation,
// no re-encoding, no queues, no statistics, no safety caps. Run with the same roslib clients,
// threads and pacing as the real server, it shows what part of a figure is this machine's (thread
// wake-ups, loopback TCP, the clients' own work) rather than the server's. Not a server to use.
import { WebSocketServer, type WebSocket } from 'ws';

type Handler = (msg: unknown) => void;

/** The part of RosbridgeServer the bridge benchmarks drive. */
export interface BenchServer {
  start(at: { host: string; port: number }): Promise<unknown>;
  readonly url: string;
  publish(topic: string, type: string, msg: unknown): void;
  subscribe(topic: string, handler: Handler, type: string): unknown;
  close(): Promise<void>;
}

export class FloorRelay implements BenchServer {
  private wss?: WebSocketServer;
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly handlers = new Map<string, Handler[]>();

  async start(at: { host: string; port: number }): Promise<number> {
    const wss = new WebSocketServer({ host: at.host, port: at.port });
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => {
      if (!isBinary) this.receive(ws, data.toString());
    }));
    return this.port;
  }

  private get port(): number {
    const address = this.wss?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  private receive(ws: WebSocket, text: string): void {
    let frame: { op?: unknown; topic?: unknown; msg?: unknown };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame.topic !== 'string') return;
    if (frame.op === 'subscribe') {
      let set = this.sockets.get(frame.topic);
      if (!set) this.sockets.set(frame.topic, (set = new Set()));
      set.add(ws);
      ws.once('close', () => set.delete(ws));
    } else if (frame.op === 'publish') {
      for (const handler of this.handlers.get(frame.topic) ?? []) handler(frame.msg);
      this.send(frame.topic, text);
    }
  }

  private send(topic: string, text: string): void {
    for (const ws of this.sockets.get(topic) ?? []) ws.send(text);
  }

  publish(topic: string, _type: string, msg: unknown): void {
    this.send(topic, JSON.stringify({ op: 'publish', topic, msg }));
  }

  subscribe(topic: string, handler: Handler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async close(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
