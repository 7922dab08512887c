// The page's link to a rosbridge server over the bridge's client (roslib underneath): subscriptions that survive reconnects,
// publishers that never queue while disconnected (a stale jog must not be replayed on reconnect),
// service calls with a timeout, automatic reconnection with back-off, and a round-trip probe that
// also tells an authenticated link from one the server refuses (no token, or a wrong one).
import { RosbridgeClient } from '../../bridge/client.ts';
import type { Dialect } from '../../bridge/message-build.ts';

/** Link state shown in the status bar; 'refused': the server wants a token this page lacks or got wrong. */
export type LinkState = 'connecting' | 'connected' | 'disconnected' | 'refused';

/** What a rosbridge server that wants a token answers a page without it (ours: "op: not authenticated; ...", "auth: wrong token"). */
const REFUSAL = /not authenticated|wrong token|authentication failed/i;
/** The round-trip probe's service: any answer (even "does not exist") has crossed the link twice. */
const PROBE_SERVICE = '/rosapi/get_time';
const PROBE_TIMEOUT_MS = 3000;

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
  /** The server's reason while the state is 'refused', else ''. */
  readonly refusal: string;
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
 * token, every connection sends it in an `auth` op before anything else. An open socket is not an
 * authenticated link: a server that wants a token accepts the socket and then refuses every frame
 * (or, after a wrong token, closes it), so the state turns 'refused' on such an answer and stays so
 * across reconnects until a probe is answered.
 */
export function createConnection(url: string, dialect: Dialect = 'ros2', token: string | null = null): Connection {
  const client = new RosbridgeClient({ url, dialect, reconnect: { initialMs: 250, maxMs: 2000, factor: 2 }, ...(token !== null ? { token } : {}) });
  let state: LinkState = 'connecting';
  let roundTripMs = Number.NaN;
  let connectCount = 0;
  let refusal = '';
  const listeners: ((s: LinkState) => void)[] = [];
  const setState = (next: LinkState) => {
    if (state === next) return;
    state = next;
    for (const listener of listeners) listener(next);
  };
  const refuse = (reason: string) => {
    refusal = reason;
    setState('refused');
  };
  // Round trip: any reply to a service call, a response (success or "does not exist") or an error
  // status, has crossed the link twice. Sent as a bare frame with its own id, so that an error
  // status for it (roslib emits `status:<id>`, which its Service ignores) is seen: a refusal.
  let probeInFlight: (() => void) | undefined; // ends the probe in flight
  let probeCount = 0;
  const probe = () => {
    if (!client.connected || probeInFlight) return;
    const id = `embodied-link-probe:${++probeCount}`;
    const started = performance.now();
    const finish = () => {
      probeInFlight = undefined;
      clearTimeout(timer);
      client.ros.off(id, onResponse);
      client.ros.off(`status:${id}`, onStatus as never);
    };
    const onResponse = () => {
      finish();
      roundTripMs = performance.now() - started;
      if (state === 'refused') {
        refusal = '';
        setState('connected');
      }
    };
    const onStatus = (status: { level?: unknown; msg?: unknown }) => {
      if (status.level !== 'error') return; // a warning or info; the answer may follow
      finish();
      roundTripMs = performance.now() - started;
      if (REFUSAL.test(String(status.msg))) refuse(String(status.msg));
    };
    const timer = setTimeout(finish, PROBE_TIMEOUT_MS);
    probeInFlight = finish;
    client.ros.on(id, onResponse);
    client.ros.on(`status:${id}`, onStatus as never);
    client.ros.callOnConnection({ op: 'call_service', id, service: PROBE_SERVICE, args: {} });
  };
  const probeTimer = setInterval(probe, 1000);

  client.ros.on('connection', () => {
    connectCount++;
    // After a refusal the same token is likely refused again: 'connected' waits for an answer.
    if (state !== 'refused') setState('connected');
    probe(); // at once: a refusal shows within a round trip
  });
  client.ros.on('close', () => {
    probeInFlight?.(); // its answer is lost with the socket
    if (state !== 'refused') setState('disconnected');
  });
  // Errors about no frame in particular: "auth: wrong token" (then the server closes the socket).
  client.ros.on('status', ((status: { level?: unknown; msg?: unknown }) => {
    if (status.level === 'error' && REFUSAL.test(String(status.msg))) refuse(String(status.msg));
  }) as never);
  client.connect().catch(() => {
    if (state !== 'refused') setState('disconnected');
  });

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
    get refusal() {
      return refusal;
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
      probeInFlight?.();
      client.close();
      setState('disconnected');
    },
  };
}
