// A typed rosbridge client over roslib 2.x (Node and browser) implementing `Bus`: connection with
// exponential-backoff reconnect that re-advertises and re-subscribes, per-topic age and rate,
// CBOR subscriptions on request, and the ROS 1 / ROS 2 dialect chosen or detected through
// rosapi get_ros_version. Type names go out in the dialect's spelling.
import { Action, Ros, Service, Topic } from 'roslib';
import type {
  ActionHandler, Advertisement, Bus, GoalContext, GoalHandle, GoalOutcome, MessageHandler, PublishOptions, ServiceHandler,
  SubscribeOptions, Subscription,
} from './bus.ts';
import { GOAL_STATUS } from './bus.ts';
import type { Dialect } from './message-build.ts';
import { dialectTypeName, messageSchema } from './message-schema.ts';
import { validateMessage } from './message-validate.ts';
import { TopicStats } from './topic-stats.ts';
import { fastCborTransportFactory } from './cbor-transport.ts';

/** Client settings. */
export interface ClientOptions {
  /** ws:// URL of the rosbridge server. */
  url: string;
  /** Dialect to speak, or 'auto' to ask rosapi get_ros_version (ROS 1 when it is missing). Default 'auto'. */
  dialect?: Dialect | 'auto';
  /** Reconnect delays: first, cap and growth factor; false disables reconnecting. */
  reconnect?: { initialMs?: number; maxMs?: number; factor?: number } | false;
  /** Default compression for subscriptions ('cbor' for high-rate topics). Default 'none'. */
  compression?: 'none' | 'cbor' | 'png';
  /** Token sent in an `auth` op on every connection. */
  token?: string;
  /** Validate outgoing messages of known types before sending (throws on mismatch). Default true. */
  validate?: boolean;
  /** Clock in seconds for message ages; default performance.now()/1000. */
  clock?: () => number;
  /** Connection events as log lines (lost, retrying, reconnected); default none. */
  log?: (line: string) => void;
  /** roslib transport factory; default roslib's WebSocket transport with cbor-x decoding. */
  transportFactory?: ConstructorParameters<typeof Ros>[0] extends infer O ? (O extends { transportFactory?: infer F } ? F : never) : never;
}

interface TopicRecord { type: string; topic: Topic; handlers: Set<MessageHandler>; stats: TopicStats }
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
      if (this.everConnected) {
        this.readvertiseServices();
        options.log?.(`reconnected to ${options.url}`);
      }
      this.everConnected = true;
    });
    this.ros.on('close', () => {
      if (this.takeLoss()) options.log?.(`connection to ${options.url} lost`);
      this.scheduleReconnect();
    });
    this.ros.on('error', () => {});
  }

  /** Dialect in use (settled after `connect` when 'auto'). */
  get dialect(): Dialect {
    return this.dialectInUse;
  }

  /** True while the socket is open. */
  get connected(): boolean {
    return this.ros.isConnected;
  }

  /** Opens the connection (retrying with backoff) and settles the dialect. */
  async connect(): Promise<void> {
    this.closing = false;
    const opened = new Promise<void>((resolve) => this.ros.once('connection', () => resolve()));
    await this.ros.connect(this.options.url).catch(() => this.scheduleReconnect());
    await opened;
    if ((this.options.dialect ?? 'auto') === 'auto') this.dialectInUse = await this.detectDialect();
  }

  /** Asks rosapi which ROS this is; ROS 1 when the service is missing or silent. */
  async detectDialect(): Promise<Dialect> {
    try {
      const answer = (await this.callService('/rosapi/get_ros_version', 'rosapi/GetROSVersion', {}, 2000)) as { version?: unknown };
      return answer.version === 1 ? 'ros1' : 'ros2';
    } catch {
      return 'ros1';
    }
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

  /** Subscribes; handlers of one topic share one server subscription. */
  subscribe(topic: string, type: string, handler: MessageHandler, options: SubscribeOptions = {}): Subscription {
    let record = this.subscriptions.get(topic);
    if (!record) {
      const handle = new Topic({
        ros: this.ros, name: topic, messageType: this.spell(type),
        compression: options.compression ?? this.options.compression ?? 'none',
        throttle_rate: options.throttleMs ?? 0, queue_length: options.queueLength ?? 0,
      });
      const created: TopicRecord = { type, topic: handle, handlers: new Set(), stats: new TopicStats() };
      handle.subscribe((msg) => {
        created.stats.record(this.clock());
        for (const h of created.handlers) h(msg);
      });
      this.subscriptions.set(topic, created);
      record = created;
    }
    const owned = record;
    owned.handlers.add(handler);
    return {
      unsubscribe: () => {
        owned.handlers.delete(handler);
        if (owned.handlers.size === 0 && this.subscriptions.get(topic) === owned) {
          owned.topic.unsubscribe();
          this.subscriptions.delete(topic);
        }
      },
    };
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
