// A typed rosbridge client over roslib 2.x (Node and browser) implementing `Bus`: connection with
// exponential-backoff reconnect that re-advertises and re-subscribes, an `auth` token sent first on
// every connection, per-topic age and rate, CBOR subscriptions on request or chosen automatically
// ('auto', see ClientOptions.compression), and the ROS 1 / ROS 2 dialect chosen or detected through
// rosapi get_ros_version. Type names go out in the dialect's spelling.
import { Action, Ros, Service, Topic } from 'roslib';
import type {
  ActionHandler, Advertisement, Bus, GoalContext, GoalHandle, GoalOutcome, MessageHandler, PublishOptions, ServiceHandler,
  SubscribeOptions, Subscription,
} from './bus.ts';
import { GOAL_STATUS } from './bus.ts';
import type { Dialect } from './message-build.ts';
import { canonicalTypeName, dialectTypeName, messageSchema } from './message-schema.ts';
import { validateMessage } from './message-validate.ts';
import { SERVER_DISTRO } from './rosapi.ts';
import { TopicStats } from './topic-stats.ts';
import { asJsonShape, fastCborTransportFactory } from './cbor-transport.ts';

/** Message types a client with `compression: 'auto'` subscribes to with 'auto': the state streams robots publish at up to 1 kHz. */
export const HIGH_RATE_TYPES: readonly string[] = ['sensor_msgs/JointState', 'sensor_msgs/Imu', 'geometry_msgs/WrenchStamped'];

/** How a subscription is encoded on the wire: rosbridge's compressions, or 'auto' (ClientOptions.compression). */
export type ClientCompression = 'none' | 'cbor' | 'png' | 'auto';

/** Subscription options of this client: the Bus's, and 'auto' compression. */
export type ClientSubscribeOptions = Omit<SubscribeOptions, 'compression'> & { compression?: ClientCompression };

/** Client settings. */
export interface ClientOptions {
  /** ws:// URL of the rosbridge server. */
  url: string;
  /** Dialect to speak, or 'auto' to ask rosapi get_ros_version (ROS 1 when it is missing). Default 'auto'. */
  dialect?: Dialect | 'auto';
  /** Reconnect delays: first, cap and growth factor; false disables reconnecting. */
  reconnect?: { initialMs?: number; maxMs?: number; factor?: number } | false;
  /**
   * Default compression of subscriptions. Default 'none' (JSON). 'auto' applies to subscriptions of
   * HIGH_RATE_TYPES (others stay JSON) and picks CBOR only where it is known to work: on a server that
   * identifies itself as ours (rosapi get_ros_version answers distro SERVER_DISTRO; asked again on
   * every connection), which encodes every type. Elsewhere it subscribes with JSON: rosbridge_server
   * 0.11's cbor cannot encode string[] (JointState.name) and delivers nothing, silently, and a control
   * loop must not gamble its state stream on a guess. A CBOR subscription falls back to JSON for the
   * client's life when the server refuses it with a status error (as a server without cbor does), or
   * when it delivers nothing for `cborSilenceMs` while rosapi lists publishers of the topic (a proxy
   * or gateway that drops binary frames). Messages of an 'auto' subscription have JSON's shape
   * whichever way they came: plain arrays, uint8[] as base64 text, so handlers cannot tell.
   */
  compression?: ClientCompression;
  /** How long an 'auto' CBOR subscription may deliver nothing while its topic has publishers before it falls back to JSON (ms). Default 1000. */
  cborSilenceMs?: number;
  /** Token sent in an `auth` op on every connection, before any other frame. */
  token?: string;
  /** Validate outgoing messages of known types before sending (throws on mismatch). Default true. */
  validate?: boolean;
  /** Clock in seconds for message ages; default performance.now()/1000. */
  clock?: () => number;
  /** Connection events as log lines (lost, retrying, reconnected), the server's errors about no frame in particular (a wrong token) and 'auto' fallbacks to JSON; default none. */
  log?: (line: string) => void;
  /** roslib transport factory; default roslib's WebSocket transport with cbor-x decoding. */
  transportFactory?: ConstructorParameters<typeof Ros>[0] extends infer O ? (O extends { transportFactory?: infer F } ? F : never) : never;
}

type WireCompression = 'none' | 'cbor' | 'png';

interface TopicRecord {
  name: string;
  type: string;
  handlers: Set<MessageHandler>;
  stats: TopicStats;
  throttleMs: number;
  queueLength: number;
  /** As asked; 'auto' is settled per connection into `wire`. */
  requested: ClientCompression;
  /** The roslib subscription in use (replaced when 'auto' changes its mind) and its compression. */
  handle: Topic | undefined;
  wire: WireCompression;
  /** Messages through `handle` since it was made or the link last came up. */
  received: number;
  /** 'auto' only: CBOR failed once for this topic; JSON from then on. */
  cborFailed: boolean;
  /** While the handle is an 'auto' CBOR one: its silence timer and its status listener. */
  silenceTimer: ReturnType<typeof setTimeout> | undefined;
  statusListener: { event: string; listener: (status: { level?: unknown; msg?: unknown }) => void } | undefined;
}

interface ServiceRecord { type: string; handler: ServiceHandler; service: Service }
interface ActionRecord { type: string; handler: ActionHandler; action: Action }

/** A rosbridge connection shaped as a `Bus`. */
export class RosbridgeClient implements Bus {
  /** The roslib connection underneath (for what this wrapper does not cover). */
  readonly ros: Ros;
  private dialectInUse: Dialect;
  private readonly subscriptions = new Map<string, TopicRecord>();
  private readonly publishers = new Map<string, Topic>();
  private readonly services = new Map<string, ServiceRecord>();
  private readonly actions = new Map<string, ActionRecord>();
  private readonly clock: () => number;
  private delayMs: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private closing = false;
  private everConnected = false;
  /** Number of times the connection opened (1 after the first connect). */
  connections = 0;
  private losses = 0;
  /** Whether this connection's server is known to encode every type in CBOR; undefined until asked. */
  private cborKnown: boolean | undefined;
  /** The get_ros_version answer of this connection (undefined: not asked, or no answer). */
  private probe: Promise<{ version?: unknown; distro?: unknown } | undefined> | undefined;

  constructor(private readonly options: ClientOptions) {
    this.ros = new Ros({ transportFactory: options.transportFactory ?? fastCborTransportFactory });
    this.dialectInUse = options.dialect === 'ros1' ? 'ros1' : 'ros2';
    this.clock = options.clock ?? (() => performance.now() / 1000);
    this.delayMs = this.reconnectSettings().initialMs;
    // Registered before any topic exists, so `auth` precedes every queued frame.
    this.ros.on('connection', () => {
      this.connections++;
      this.delayMs = this.reconnectSettings().initialMs;
      if (options.token !== undefined) this.ros.authenticate(options.token, '', '', '', 0, '', 0);
      this.probe = undefined;
      if (this.usesAuto()) this.probeServer();
      if (this.everConnected) {
        this.readvertiseServices();
        options.log?.(`reconnected to ${options.url}`);
      }
      this.everConnected = true;
    });
    this.ros.on('close', () => {
      this.cborKnown = undefined;
      this.probe = undefined;
      if (this.takeLoss()) options.log?.(`connection to ${options.url} lost`);
      this.scheduleReconnect();
    });
    this.ros.on('error', () => {});
    // Errors about no frame in particular: a wrong token ("auth: wrong token") before the server closes.
    this.ros.on('status', ((status: { level?: unknown; msg?: unknown }) => {
      if (status.level === 'error') options.log?.(`${options.url}: ${String(status.msg)}`);
    }) as never);
  }

  /** Dialect in use (settled after `connect` when 'auto'). */
  get dialect(): Dialect {
    return this.dialectInUse;
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.ros.isConnected;
  }

  /** Opens the connection (retrying with backoff), settles the dialect and what 'auto' compression picks. */
  async connect(): Promise<void> {
    this.closing = false;
    const opened = new Promise<void>((resolve) => this.ros.once('connection', () => resolve()));
    await this.ros.connect(this.options.url).catch(() => this.scheduleReconnect());
    await opened;
    if ((this.options.dialect ?? 'auto') === 'auto') this.dialectInUse = await this.detectDialect();
    await this.probe;
  }

  /** Asks rosapi which ROS this is; ROS 1 when the service is missing or silent. */
  async detectDialect(): Promise<Dialect> {
    const answer = await (this.probe ?? this.askRosVersion());
    return answer === undefined || answer.version === 1 ? 'ros1' : 'ros2';
  }

  private async askRosVersion(): Promise<{ version?: unknown; distro?: unknown } | undefined> {
    try {
      const answer = await this.callService('/rosapi/get_ros_version', 'rosapi/GetROSVersion', {}, 2000);
      return typeof answer === 'object' && answer !== null ? (answer as { version?: unknown; distro?: unknown }) : undefined;
    } catch {
      return undefined;
    }
  }

  private usesAuto(): boolean {
    if (this.options.compression === 'auto') return true;
    for (const record of this.subscriptions.values()) if (record.requested === 'auto') return true;
    return false;
  }

  /** Asks this connection's server who it is (once), then moves every 'auto' subscription to what it supports. */
  private probeServer(): void {
    if (this.probe || !this.ros.isConnected) return;
    const probe = this.askRosVersion();
    this.probe = probe;
    void probe.then((answer) => {
      if (this.probe !== probe) return; // the connection it asked on is gone
      this.cborKnown = answer?.distro === SERVER_DISTRO;
      for (const record of this.subscriptions.values()) {
        if (record.requested !== 'auto') continue;
        record.received = 0;
        this.attach(record, this.autoWire(record));
      }
    });
  }

  private reconnectSettings(): { initialMs: number; maxMs: number; factor: number } {
    const r = this.options.reconnect === false ? {} : this.options.reconnect ?? {};
    return { initialMs: r.initialMs ?? 100, maxMs: r.maxMs ?? 5000, factor: r.factor ?? 2 };
  }

  /** True once for each connection that was open and closed (the close of a failed attempt is not a loss). */
  private takeLoss(): boolean {
    const lost = this.connections > this.losses && !this.closing;
    if (lost) this.losses = this.connections;
    return lost;
  }

  private scheduleReconnect(): void {
    if (this.closing || this.options.reconnect === false || this.reconnectTimer !== undefined) return;
    const settings = this.reconnectSettings();
    const delay = this.delayMs;
    this.options.log?.(`no connection to ${this.options.url}; retrying in ${(delay / 1000).toFixed(1)} s`);
    this.delayMs = Math.min(settings.maxMs, this.delayMs * settings.factor);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.closing || this.ros.isConnected) return;
      this.ros.connect(this.options.url).catch(() => this.scheduleReconnect());
    }, delay);
  }

  private readvertiseServices(): void {
    // The same roslib objects are reused: a new Service/Action would add a second listener.
    for (const record of this.services.values()) void record.service.advertiseAsync(async (args) => (await record.handler(args)) as never);
    for (const [name, record] of this.actions) {
      this.ros.callOnConnection({ op: 'advertise_action', type: this.spell(record.type, 'action'), action: name } as never);
    }
  }

  /** Closes the connection for good (no reconnect). */
  close(): void {
    this.closing = true;
    for (const record of this.subscriptions.values()) this.stopWatching(record);
    if (this.reconnectTimer !== undefined) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.ros.close();
  }

  private spell(type: string, kind: 'msg' | 'srv' | 'action' = 'msg'): string {
    return type.includes('/') ? dialectTypeName(type, this.dialectInUse, kind) : type;
  }

  /** Declares a publisher. */
  advertise(topic: string, type: string, options: PublishOptions = {}): void {
    if (this.publishers.has(topic)) return;
    const handle = new Topic({ ros: this.ros, name: topic, messageType: this.spell(type), latch: options.latch === true, queue_size: 1 });
    handle.advertise();
    this.publishers.set(topic, handle);
  }

  /** Publishes one message; throws when it does not match a known type. */
  publish(topic: string, type: string, msg: unknown, options: PublishOptions = {}): void {
    if ((this.options.validate ?? true) && messageSchema(type)) {
      const error = validateMessage(type, msg, { plainArrays: true });
      if (error !== null) throw new Error(`publish ${topic}: ${error}`);
    }
    if (!this.publishers.has(topic)) this.advertise(topic, type, options);
    this.publishers.get(topic)!.publish(msg as never);
  }

  /** Withdraws a publisher. */
  unadvertise(topic: string): void {
    this.publishers.get(topic)?.unadvertise();
    this.publishers.delete(topic);
  }

  /**
   * Subscribes; handlers of one topic share one server subscription, made with the first one's
   * options. Compression: the options', else the client's default (see ClientOptions.compression).
   */
  subscribe(topic: string, type: string, handler: MessageHandler, options: ClientSubscribeOptions = {}): Subscription {
    let record = this.subscriptions.get(topic);
    if (!record) {
      const fallback = this.options.compression ?? 'none';
      const highRate = HIGH_RATE_TYPES.includes(canonicalTypeName(type));
      const created: TopicRecord = {
        name: topic, type, handlers: new Set(), stats: new TopicStats(),
        throttleMs: options.throttleMs ?? 0, queueLength: options.queueLength ?? 0,
        requested: options.compression ?? (fallback === 'auto' && !highRate ? 'none' : fallback),
        handle: undefined, wire: 'none', received: 0, cborFailed: false, silenceTimer: undefined, statusListener: undefined,
      };
      this.subscriptions.set(topic, created);
      // 'auto' starts with JSON until this connection's server is known (connect() waits for that).
      this.attach(created, created.requested === 'auto' ? this.autoWire(created) : created.requested);
      if (created.requested === 'auto' && this.cborKnown === undefined) this.probeServer();
      record = created;
    }
    const owned = record;
    owned.handlers.add(handler);
    return {
      unsubscribe: () => {
        owned.handlers.delete(handler);
        if (owned.handlers.size === 0 && this.subscriptions.get(topic) === owned) {
          this.stopWatching(owned);
          owned.handle?.unsubscribe();
          this.subscriptions.delete(topic);
        }
      },
    };
  }

  /** The compression a subscription uses on the wire now (what 'auto' picked); undefined when not subscribed. */
  wireCompression(topic: string): WireCompression | undefined {
    return this.subscriptions.get(topic)?.wire;
  }

  private autoWire(record: TopicRecord): WireCompression {
    return this.cborKnown === true && !record.cborFailed ? 'cbor' : 'none';
  }

  /**
   * Subscribes `record` with `wire` compression, replacing its roslib subscription if it has one with
   * another: the new one first, then the old one's unsubscribe (a server merges the two meanwhile, so
   * no message is lost; the old handle's deliveries are ignored).
   */
  private attach(record: TopicRecord, wire: WireCompression): void {
    if (record.handle && record.wire === wire) {
      if (record.requested === 'auto' && wire === 'cbor') this.watchCbor(record, record.handle);
      return;
    }
    this.stopWatching(record);
    const normalize = record.requested === 'auto' && wire === 'cbor';
    const handle = new Topic({
      ros: this.ros, name: record.name, messageType: this.spell(record.type),
      compression: wire, throttle_rate: record.throttleMs, queue_length: record.queueLength,
    });
    handle.subscribe((msg) => {
      if (record.handle !== handle) return;
      record.received++;
      record.stats.record(this.clock());
      const value = normalize ? asJsonShape(msg) : msg;
      for (const h of record.handlers) h(value);
    });
    const previous = record.handle;
    record.handle = handle;
    record.wire = wire;
    record.received = 0;
    previous?.unsubscribe();
    if (normalize) this.watchCbor(record, handle);
  }

  /** An 'auto' CBOR subscription: falls back to JSON on a status error for it, or on silence while the topic has publishers. */
  private watchCbor(record: TopicRecord, handle: Topic): void {
    this.stopWatching(record);
    if (!handle.subscribeId) return;
    const event = `status:${handle.subscribeId}`;
    const listener = (status: { level?: unknown; msg?: unknown }) => {
      if (status.level === 'error' && record.handle === handle) this.fallBackToJson(record, `the server refused cbor: ${String(status.msg)}`);
    };
    this.ros.on(event, listener as never);
    record.statusListener = { event, listener };
    this.armSilence(record, handle, this.options.cborSilenceMs ?? 1000);
  }

  private armSilence(record: TopicRecord, handle: Topic, delayMs: number): void {
    const silenceMs = this.options.cborSilenceMs ?? 1000;
    record.silenceTimer = setTimeout(() => {
      record.silenceTimer = undefined;
      // Silence while the link is down means nothing: the next connection looks again.
      if (record.handle !== handle || record.received > 0 || this.closing || !this.ros.isConnected) return;
      this.callService('/rosapi/publishers', 'rosapi/Publishers', { topic: record.name }, 2000).then(
        (answer) => {
          if (record.handle !== handle || record.received > 0 || this.closing) return;
          const publishers = (answer as { publishers?: unknown } | null)?.publishers;
          if (Array.isArray(publishers) && publishers.length > 0) {
            this.fallBackToJson(record, `no message over cbor in ${(silenceMs / 1000).toFixed(1)} s while it has publishers (${publishers.join(', ')})`);
          } else {
            this.armSilence(record, handle, Math.min(10 * silenceMs, 2 * delayMs)); // nobody publishes yet: look again, less often
          }
        },
        () => {
          if (record.handle === handle) this.armSilence(record, handle, Math.min(10 * silenceMs, 2 * delayMs));
        },
      );
    }, delayMs);
  }

  private stopWatching(record: TopicRecord): void {
    if (record.silenceTimer !== undefined) clearTimeout(record.silenceTimer);
    record.silenceTimer = undefined;
    if (record.statusListener) this.ros.off(record.statusListener.event, record.statusListener.listener as never);
    record.statusListener = undefined;
  }

  private fallBackToJson(record: TopicRecord, why: string): void {
    record.cborFailed = true;
    this.options.log?.(`${record.name}: ${why}; subscribing with JSON`);
    this.attach(record, 'none');
  }

  /** Count, age (s) and smoothed rate (Hz) of a subscribed topic; undefined when not subscribed. */
  topicStats(topic: string): { count: number; age: number; rate: number } | undefined {
    const record = this.subscriptions.get(topic);
    if (!record) return undefined;
    const now = this.clock();
    return { count: record.stats.count, age: record.stats.age(now), rate: record.stats.rate(now) };
  }

  /** Calls a service; rejects with the server's message, or after `timeoutMs`. */
  callService(name: string, type: string, args: unknown, timeoutMs = 10_000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`service ${name}: no answer within ${timeoutMs} ms`)), timeoutMs);
      new Service({ ros: this.ros, name, serviceType: this.spell(type, 'srv') }).callService(
        args as never,
        (values) => {
          clearTimeout(timer);
          resolve(values);
        },
        (error) => {
          clearTimeout(timer);
          reject(new Error(typeof error === 'string' ? error : JSON.stringify(error)));
        },
        timeoutMs / 1000,
      );
    });
  }

  /** Serves a service (re-advertised after every reconnect). */
  advertiseService(name: string, type: string, handler: ServiceHandler): Advertisement {
    const service = new Service({ ros: this.ros, name, serviceType: this.spell(type, 'srv') });
    void service.advertiseAsync(async (args) => (await handler(args)) as never);
    this.services.set(name, { type, handler, service });
    return {
      unadvertise: () => {
        void this.services.get(name)?.service.unadvertise();
        this.services.delete(name);
      },
    };
  }

  /** Sends an action goal; the outcome carries the GoalStatus code the server reported. */
  sendGoal(action: string, type: string, goal: unknown, onFeedback?: (values: unknown) => void): GoalHandle {
    const client = new Action({ ros: this.ros, name: action, actionType: this.spell(type, 'action') });
    let settle: (outcome: GoalOutcome) => void = () => {};
    const result = new Promise<GoalOutcome>((resolve) => (settle = resolve));
    const id = client.sendGoal(goal as never, () => {}, (f) => onFeedback?.(f), () => {}) ?? '';
    const listener = (frame: { op?: string; status?: number; values?: unknown }) => {
      if (frame.op !== 'action_result') return;
      this.ros.off(id, listener as never);
      settle({ status: typeof frame.status === 'number' ? frame.status : GOAL_STATUS.unknown, values: frame.values });
    };
    this.ros.on(id, listener as never);
    return { id, result, cancel: () => client.cancelGoal(id) };
  }

  /** Serves an action (re-advertised after every reconnect). */
  advertiseAction(action: string, type: string, handler: ActionHandler): Advertisement {
    this.actions.set(action, { type, handler, action: this.makeActionServer(action, type, handler) });
    return {
      unadvertise: () => {
        this.actions.get(action)?.action.unadvertise();
        this.actions.delete(action);
      },
    };
  }

  private makeActionServer(name: string, type: string, handler: ActionHandler): Action {
    const server = new Action({ ros: this.ros, name, actionType: this.spell(type, 'action') });
    const cancels = new Map<string, () => void>();
    server.advertise(
      (goal, id) => {
        const context: GoalContext = {
          id,
          feedback: (values) => server.sendFeedback(id, values as never),
          succeed: (values) => server.setSucceeded(id, values as never),
          abort: () => server.setFailed(id),
          canceled: (values) => server.setCanceled(id, (values ?? {}) as never),
          onCancel: (callback) => cancels.set(id, callback),
        };
        handler(goal, context);
      },
      (id) => {
        const callback = cancels.get(id);
        cancels.delete(id);
        if (callback) callback();
        else server.setCanceled(id, {} as never);
      },
    );
    return server;
  }
}
