// Shared test helpers: a started server on port 0, roslib connections, and waiting for things.
import { Ros } from 'roslib';
import { RosbridgeServer, type ServerOptions } from '../../bridge/node.ts';

/** Starts a server on 127.0.0.1:0. */
export async function startServer(options: ServerOptions = {}): Promise<RosbridgeServer> {
  const server = new RosbridgeServer(options);
  await server.start({ host: '127.0.0.1', port: 0 });
  return server;
}

/** A roslib connection that has opened. */
export async function connectRos(url: string): Promise<Ros> {
  const ros = new Ros({});
  const opened = new Promise<void>((resolve, reject) => {
    ros.once('connection', () => resolve());
    ros.once('error', (e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
  });
  await ros.connect(url);
  await opened;
  return ros;
}

/** Resolves when `predicate` holds, polling every 5 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Collects status frames a roslib connection receives. */
export function collectStatus(ros: Ros): { level: string; msg: string; id?: string }[] {
  const seen: { level: string; msg: string; id?: string }[] = [];
  const record = (m: { level: string; msg: string; id?: string }) => seen.push(m);
  ros.on('status', record);
  const original = ros.handleMessage.bind(ros);
  ros.handleMessage = (message: Parameters<typeof original>[0]) => {
    const m = message as { op?: string; id?: string };
    if (m.op === 'status' && m.id) record(message as unknown as { level: string; msg: string; id?: string });
    original(message);
  };
  return seen;
}
