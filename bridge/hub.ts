// The hub: topics, services, actions and parameters of one rosbridge endpoint, with the
// in-process side of the `Bus` interface. The socket server attaches sessions to a hub; on its
// own a hub is the deterministic in-process bus (synchronous delivery, no socket). No Node API.
import type {
  ActionHandler, Advertisement, Bus, GoalContext, GoalHandle, GoalOutcome, MessageHandler, PublishOptions, ServiceHandler, Subscription,
} from './bus.ts';
import { GOAL_STATUS } from './bus.ts';
import { HubCalls } from './hub-calls.ts';
import { type TopicEntry, TopicTable } from './hub-topics.ts';
import type { Dialect } from './message-build.ts';
import { timeToSeconds } from './message-build.ts';
import { messageSchema } from './message-schema.ts';
import { type ValidateOptions, validateMessage } from './message-validate.ts';
import { absoluteName } from './protocol.ts';
import { registerRosapi } from './rosapi.ts';

/** Hub settings. */
export interface HubOptions {
  /** Dialect the hub answers in (rosapi get_ros_version, get_time, typedefs). Default 'ros2'. */
  dialect?: Dialect;
  /** Rewrite time fields of every accepted message into `dialect`. Default false (pass through). */
  normalizeTime?: boolean;
  /** Accept messages of types the bridge does not know, without field checks. Default false. */
  allowUnknownTypes?: boolean;
  /** Service call timeout when the caller gives none (ms). Default 10 000. */
  serviceTimeoutMs?: number;
  /** Wall time in seconds; default Date.now()/1000. The latest /clock message wins when present. */
  wallTime?: () => number;
}

/** Topics, services, actions and parameters shared by sockets and in-process users. */
export class BridgeHub implements Bus {
  /** Topic table (sessions use it directly). */
  readonly topics = new TopicTable();
  /** Service and action routing. */
  readonly calls: HubCalls;
  /** Parameter server (rosapi get/set/has/delete_param). */
  readonly params = new Map<string, unknown>();
  /** Dialect of this hub. */
  readonly dialect: Dialect;
  /** Settings as given, with defaults filled in. */
  readonly options: Required<HubOptions>;
  private readonly localOwner = { node: '/embodied_local' };
  /** Validation options without and with typed-array flattening, made once (not per message). */
  private readonly validateOptions: readonly [ValidateOptions, ValidateOptions];

  constructor(options: HubOptions = {}) {
    this.options = {
      dialect: options.dialect ?? 'ros2',
      normalizeTime: options.normalizeTime ?? false,
      allowUnknownTypes: options.allowUnknownTypes ?? false,
      serviceTimeoutMs: options.serviceTimeoutMs ?? 10_000,
      wallTime: options.wallTime ?? (() => Date.now() / 1000),
    };
    this.dialect = this.options.dialect;
    const dialect = this.options.normalizeTime ? this.dialect : undefined;
    this.validateOptions = [{ dialect, plainArrays: false }, { dialect, plainArrays: true }];
    this.calls = new HubCalls(this.options.serviceTimeoutMs, this.options.allowUnknownTypes);
    registerRosapi(this);
  }

  /** Checks `msg` against `type`: null when acceptable, else the error text. */
  checkMessage(type: string, msg: unknown, plainArrays = false): string | null {
    if (!messageSchema(type)) return this.options.allowUnknownTypes ? null : `unknown message type "${type}"`;
    return validateMessage(type, msg, this.validateOptions[plainArrays ? 1 : 0]);
  }

  /** Current time in seconds: the latest /clock message when there is one, else wall time. */
  now(): number {
    const clock = this.topics.find('/clock')?.last?.msg as { clock?: unknown } | undefined;
    const sim = clock ? timeToSeconds(clock.clock) : Number.NaN;
    return Number.isFinite(sim) ? sim : this.options.wallTime();
  }

  /** Removes every publisher, service and action of `owner` (a session that went away). */
  dropOwner(owner: object): void {
    this.calls.dropOwner(owner);
    for (const { name } of this.topics.list()) {
      const entry = this.topics.find(name)!;
      this.removePublisher(entry, owner);
      entry.subscriberNodes.delete(owner);
      this.topics.release(entry);
    }
  }

  /** Unregisters a publisher; the latched message goes when its last publisher does. */
  removePublisher(entry: TopicEntry, owner: object): void {
    if (!entry.publishers.delete(owner)) return;
    if (entry.publishers.size === 0) entry.latched = undefined;
  }

  // ---- Bus, in process ----

  /** Declares an in-process publisher; throws on a type conflict. */
  advertise(topic: string, type: string, options: PublishOptions = {}): void {
    const entry = this.topics.entry(absoluteName(topic));
    const check = this.topics.declareType(entry, type);
    if (!check.ok) throw new Error(check.error);
    const existing = entry.publishers.get(this.localOwner);
    entry.publishers.set(this.localOwner, { latch: (existing?.latch ?? false) || options.latch === true, node: this.localOwner.node });
  }

  /** Publishes from this process: validated (typed arrays become plain arrays), then delivered. */
  publish(topic: string, type: string, msg: unknown, options: PublishOptions = {}): void {
    const entry = this.topics.entry(absoluteName(topic));
    const check = this.topics.declareType(entry, type);
    if (!check.ok) throw new Error(`publish ${entry.name}: ${check.error}`);
    const publisher = entry.publishers.get(this.localOwner);
    if (!publisher || (options.latch === true && !publisher.latch)) this.advertise(topic, type, options);
    const error = this.checkMessage(entry.type ?? type, msg, true);
    if (error !== null) throw new Error(`publish ${entry.name}: ${error}`);
    this.topics.publish(entry, msg, entry.publishers.get(this.localOwner)!.latch);
  }

  /** Withdraws the in-process publisher of `topic`. */
  unadvertise(topic: string): void {
    const entry = this.topics.find(absoluteName(topic));
    if (!entry) return;
    this.removePublisher(entry, this.localOwner);
    this.topics.release(entry);
  }

  /** Subscribes in process; a latched message is delivered at once, synchronously. */
  subscribe(topic: string, type: string, handler: MessageHandler): Subscription {
    const entry = this.topics.entry(absoluteName(topic));
    const check = this.topics.declareType(entry, type === '' ? undefined : type);
    if (!check.ok) throw new Error(check.error);
    const wrapped = (msg: unknown) => handler(msg);
    entry.local.add(wrapped);
    if (entry.latched) handler(entry.latched.msg);
    return {
      unsubscribe: () => {
        entry.local.delete(wrapped);
        this.topics.release(entry);
      },
    };
  }

  /** Calls a service from this process (served here or by a client). */
  callService(name: string, _type: string, args: unknown, timeoutMs?: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.calls.invoke(absoluteName(name), args, timeoutMs ?? this.options.serviceTimeoutMs, (result, values) => {
        if (result) resolve(values);
        else reject(new Error(typeof values === 'string' ? values : JSON.stringify(values)));
      });
    });
  }

  /** Serves a service from this process; a throwing handler fails the call with its message. */
  advertiseService(name: string, type: string, handler: ServiceHandler): Advertisement {
    const owner = {};
    const service = absoluteName(name);
    const error = this.calls.addService(service, type, owner, (_id, args, reply) => {
      Promise.resolve()
        .then(() => handler(args))
        .then((values) => reply(true, values ?? {}), (e: unknown) => reply(false, e instanceof Error ? e.message : String(e)));
    });
    if (error) throw new Error(error);
    return { unadvertise: () => this.calls.removeService(service, owner) };
  }

  /** Sends a goal from this process. */
  sendGoal(action: string, type: string, goal: unknown, onFeedback?: (values: unknown) => void): GoalHandle {
    let settle: (outcome: GoalOutcome) => void = () => {};
    const result = new Promise<GoalOutcome>((resolve) => (settle = resolve));
    const id = this.calls.sendGoal(absoluteName(action), type, goal, onFeedback ?? (() => {}), (status, values) => settle({ status, values }));
    return { id, result, cancel: () => this.calls.cancelGoal(id) };
  }

  /** Serves an action from this process. */
  advertiseAction(action: string, type: string, handler: ActionHandler): Advertisement {
    const owner = {};
    const name = absoluteName(action);
    const cancels = new Map<string, () => void>();
    const error = this.calls.addAction(name, type, owner, {
      start: (id, goal) => {
        const context: GoalContext = {
          id,
          feedback: (values) => this.calls.goalFeedback(id, owner, values),
          succeed: (values) => this.calls.goalResult(id, owner, GOAL_STATUS.succeeded, values),
          abort: (values) => this.calls.goalResult(id, owner, GOAL_STATUS.aborted, values ?? {}),
          canceled: (values) => this.calls.goalResult(id, owner, GOAL_STATUS.canceled, values ?? {}),
          onCancel: (callback) => cancels.set(id, callback),
        };
        try {
          handler(goal, context);
        } catch (e) {
          context.abort(e instanceof Error ? e.message : String(e));
        }
      },
      cancel: (id) => {
        const callback = cancels.get(id);
        cancels.delete(id);
        if (callback) callback();
        else this.calls.goalResult(id, owner, GOAL_STATUS.canceled, {});
      },
    });
    if (error) throw new Error(error);
    return { unadvertise: () => this.calls.removeAction(name, owner) };
  }

  /** Sets a parameter (rosapi set_param does the same). */
  setParam(name: string, value: unknown): void {
    this.params.set(name, value);
  }

  /** A parameter's value, or undefined. */
  getParam(name: string): unknown {
    return this.params.get(name);
  }
}
