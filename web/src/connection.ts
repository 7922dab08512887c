// The page's link to a rosbridge server over the bridge's client (roslib underneath): subscriptions that survive reconnects,
// publishers that never queue while disconnected (a stale jog must not be replayed on reconnect),
// service calls with a timeout, automatic reconnection with back-off, and a round-trip probe.
import { RosbridgeClient } from '../../bridge/client.ts';
import type { Dialect } from '../../bridge/message-build.ts';

/** Link state shown in the status bar. */
export type LinkState = 'connecting' | 'connected' | 'disconnected';

/** A publisher on one topic: `publish` returns false (and sends nothing) while disconnected. */
export interface Publisher {
  readonly topic: string;
  publish(message: Record<string, unknown>): boolean;
}

/** The connection handle the page uses. */
export interface Connection {
  readonly url: string;
  readonly state: LinkState;
  /** Last round-trip time to the server (ms), NaN before the first probe. */
  readonly roundTripMs: number;
  /** Number of times the link was (re)established. */
  readonly connectCount: number;
  /** Subscribes for the life of the page; resubscribes after every reconnect. */
  subscribe(topic: string, type: string, handler: (message: unknown) => void, options?: { throttleMs?: number; queueLength?: number }): void;
  advertise(topic: string, type: string, latch?: boolean): Publisher;
  /** Calls a service; resolves with its values, rejects on failure or timeout (message says which). */
  call(service: string, type: string, request: Record<string, unknown>, timeoutMs?: number): Promise<unknown>;
  onStateChange(listener: (state: LinkState) => void): void;
  close(): void;
}

/**
 * Opens the link to `url` (through bridge/client.ts) and keeps it open until `close()`; with a
 * token, every connection sends it in an `auth` op before anything else.
 */
export function createConnection(url: string, dialect: Dialect = 'ros2', token: string | null = null): Connection {
  const client = new RosbridgeClient({ url, dialect, reconnect: { initialMs: 250, maxMs: 2000, factor: 2 }, ...(token !== null ? { token } : {}) });
  let state: LinkState = 'connecting';
  let roundTripMs = Number.NaN;
  let connectCount = 0;
  const listeners: ((s: LinkState) => void)[] = [];
  const setState = (next: LinkState) => {
    if (state === next) return;
    state = next;
    for (const listener of listeners) listener(next);
  };
  client.ros.on('connection', () => {
    connectCount++;
    setState('connected');
  });
  client.ros.on('close', () => setState('disconnected'));
  client.connect().catch(() => setState('disconnected'));

  // Round trip: any reply to a service call, success or "no such service", has crossed the link twice.
  let probeInFlight = false;
  const probeTimer = setInterval(() => {
    if (state !== 'connected' || probeInFlight) return;
    probeInFlight = true;
    const started = performance.now();
    const done = (answered: boolean) => {
      probeInFlight = false;
      if (answered) roundTripMs = performance.now() - started;
    };
    client.callService('/rosapi/get_time', 'rosapi/GetTime', {}, 3000).then(
      () => done(true),
      (error: unknown) => done(!String(error).includes('no answer')),
    );
  }, 1000);

  return {
    url,
    get state() {
      return state;
    },
    get roundTripMs() {
      return roundTripMs;
    },
    get connectCount() {
      return connectCount;
    },
    subscribe(topic, type, handler, options = {}) {
      client.subscribe(topic, type, handler, { throttleMs: options.throttleMs ?? 0, queueLength: options.queueLength ?? 1 });
    },
    advertise(topic, type, latch = false) {
      client.advertise(topic, type, { latch });
      return {
        topic,
        publish(message) {
          // roslib would queue a message sent while down and replay it on reconnect: never for commands.
          if (state !== 'connected' || !client.connected) return false;
          client.publish(topic, type, message, { latch });
          return true;
        },
      };
    },
    call(service, type, request, timeoutMs = 3000) {
      if (state !== 'connected') return Promise.reject(new Error(`${service}: not connected to ${url}`));
      return client.callService(service, type, request, timeoutMs).catch((error: unknown) => {
        throw new Error(`${service}: ${error instanceof Error ? error.message : String(error)}`);
      });
    },
    onStateChange(listener) {
      listeners.push(listener);
    },
    close() {
      clearInterval(probeTimer);
      client.close();
      setState('disconnected');
    },
  };
}
