// Shared test helpers: a started server on port 0, roslib connections, and waiting for things.
import { Ros } from 'roslib';
import { WebSocket } from 'ws';
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

/** A raw ws client that records every text frame it receives (parsed) and binary frame. */
export interface RawClient {
  socket: WebSocket;
  frames: Record<string, unknown>[];
  binary: Uint8Array[];
  send(frame: unknown): void;
  close(): void;
}

/** Opens a raw ws connection (for frames roslib would never send). */
export async function rawClient(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
  const socket = new WebSocket(url, { headers });
  const frames: Record<string, unknown>[] = [];
  const binary: Uint8Array[] = [];
  socket.on('message', (data, isBinary) => {
    if (isBinary) binary.push(new Uint8Array(data as Buffer));
    else frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket, frames, binary,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    close: () => socket.close(),
  };
}
