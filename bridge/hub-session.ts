// One connected client of a hub, independent of the socket library: raw frames in (text or
// CBOR bytes), every op handled, replies and topic traffic out through a `Transport` with
// compression, fragmentation, a send-buffer cap and a drop-oldest backlog. Never throws.
import { Decoder } from 'cbor-x';
import { decodePngData, encodePngFrame } from './codec-png.ts';
import { encodeCborFrame } from './codec-cbor.ts';
import { FragmentAssembler, splitIntoFragments } from './fragments.ts';
import type { Reply } from './hub-calls.ts';
import type { BridgeHub } from './hub.ts';
import type { Delivery, JoinedTextEncoder } from './hub-topics.ts';
import { type Compression, type Frame, type StatusLevel, absoluteName, parseFrame, parseFrameText } from './protocol.ts';
import { serviceSchema } from './message-schema.ts';
import { validateAgainst } from './message-validate.ts';
import { MergedSubscription, type SubscriptionOutput } from './session-subscription.ts';
import { handleActionFrame } from './session-actions.ts';

/** What a session needs from its socket. */
export interface Transport {
  /** Sends a frame: strings as text; bytes as binary, or as text when `text` is true (UTF-8 JSON). */
  send(data: string | Uint8Array, text?: boolean): void;
  /** Bytes queued in the socket and not yet written. */
  bufferedAmount(): number;
  /**
   * UTF-8 of `head + body + tail` (a JSON frame in parts), the fastest way the platform has (Node's
   * Buffer writes beat TextEncoder 2x), without joining the strings; default TextEncoder.
   */
  encodeText?(head: string, body: string, tail: string): Uint8Array;
  close(code: number, reason: string): void;
}

/** Per-session limits. */
export interface SessionLimits {
  /** When set, `auth` with this token must come before anything else. */
  token?: string;
  /** Largest accepted frame in bytes (also the fragment reassembly cap). */
  maxMessageSize: number;
  /** Topic traffic waits in the backlog while the socket holds more than this many bytes. */
  sendBufferBytes: number;
  /** Messages the backlog holds before it drops the oldest. */
  backlogMessages: number;
  /** Subscriptions (topics) per client. */
  maxSubscriptions: number;
  /** Fragments of one message must all arrive within this time (ms). */
  fragmentTimeoutMs: number;
}

const LEVEL_RANK: Record<StatusLevel, number> = { none: 0, error: 1, warning: 2, info: 3 };
const cborDecoder = new Decoder({ useRecords: false, mapsAsObjects: true });
/** UTF-8 size of `text` when it might exceed `limit`; cheap bounds first, exact count only if needed. */
function utf8Size(text: string, limit: number): number {
  if (text.length > limit || text.length * 3 <= limit) return text.length;
  return new TextEncoder().encode(text).length;
}

/** One client: its subscriptions, advertisements, pending goals and output queue. */
export class Session implements SubscriptionOutput {
  /** Node name reported by rosapi for this client. */
  readonly node: string;
  /** Topic messages dropped because the send buffer was full. */
  dropped = 0;
  /** Frames rejected with a status error. */
  rejected = 0;
  /** Goals this client sent: its id -> hub id. */
  readonly goals = new Map<string, string>();
  private readonly subscriptions = new Map<string, MergedSubscription>();
  private readonly assembler: FragmentAssembler;
  private readonly backlog: { delivery: Delivery; subscription: MergedSubscription }[] = [];
  private drainTimer: ReturnType<typeof setTimeout> | undefined;
  private fragmentTimer: ReturnType<typeof setTimeout> | undefined;
  private authenticated: boolean;
  private level: StatusLevel = 'error';
  private closed = false;
  private fragmentCounter = 0;
  /** The JSON text of the frame being handled, while it is (undefined for CBOR frames). */
  private frameText: string | undefined;
  private readonly encodeText: JoinedTextEncoder | undefined;

  constructor(
    /** The hub this session belongs to. */
    readonly hub: BridgeHub,
    private readonly transport: Transport,
    private readonly limits: SessionLimits,
    readonly id: number,
  ) {
    this.node = `/rosbridge_client_${id}`;
    this.encodeText = transport.encodeText?.bind(transport);
    this.authenticated = limits.token === undefined;
    this.assembler = new FragmentAssembler(limits.fragmentTimeoutMs, limits.maxMessageSize);
  }

  /** Handles one raw frame from the socket. */
  receive(data: string | Uint8Array): void {
    if (this.closed) return;
    try {
      const size = typeof data === 'string' ? utf8Size(data, this.limits.maxMessageSize) : data.byteLength;
      if (size > this.limits.maxMessageSize) {
        this.error(`frame of ${size}${typeof data === 'string' ? '+' : ''} bytes exceeds the maximum message size of ${this.limits.maxMessageSize} bytes`);
        return;
      }
      if (typeof data === 'string') {
        this.receiveText(data);
        return;
      }
      let value: unknown;
      try {
        value = cborDecoder.decode(data);
      } catch (e) {
        this.error(`binary frame is not CBOR: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      this.dispatch(parseFrame(value));
    } catch (error) {
      // Defensive: a bug in a handler must cost one frame, not the server.
      this.error(`internal error handling frame: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private receiveText(text: string): void {
    const outer = this.frameText;
    this.frameText = text;
    try {
      this.dispatch(parseFrameText(text));
    } finally {
      this.frameText = outer;
    }
  }

  private dispatch(result: ReturnType<typeof parseFrame>): void {
    if (!result.ok) {
      this.error(result.error, result.id);
      return;
    }
    const frame = result.frame;
    if (!this.authenticated && frame.op !== 'auth') {
      this.error(`${frame.op}: not authenticated; send {"op":"auth","token":...} first`, 'id' in frame ? frame.id : undefined);
      return;
    }
    this.handle(frame);
  }

  private handle(frame: Frame): void {
    const hub = this.hub;
    switch (frame.op) {
      case 'auth':
        if (this.limits.token === undefined || frame.token === this.limits.token) {
          this.authenticated = true;
        } else {
          this.error('auth: wrong token');
          this.transport.close(4001, 'authentication failed');
        }
        return;
      case 'advertise': {
        const topic = absoluteName(frame.topic);
        if (!this.knownType(frame.type, frame.id, 'advertise')) return;
        const entry = hub.topics.entry(topic);
        const check = hub.topics.declareType(entry, frame.type);
        if (!check.ok) return this.error(`advertise: ${check.error}`, frame.id);
        const previous = entry.publishers.get(this);
        entry.publishers.set(this, { latch: (previous?.latch ?? false) || frame.latch === true, node: this.node });
        return;
      }
      case 'unadvertise': {
        const entry = hub.topics.find(absoluteName(frame.topic));
        if (!entry || !entry.publishers.has(this)) return this.warn(`unadvertise: topic ${frame.topic} is not advertised by this client`, frame.id);
        hub.removePublisher(entry, this);
        hub.topics.release(entry);
        return;
      }
      case 'publish': {
        const entry = hub.topics.find(absoluteName(frame.topic));
        if (!entry?.type) return this.error(`publish: cannot infer the type of topic ${frame.topic}: advertise it first`, frame.id);
        const error = hub.checkMessage(entry.type, frame.msg);
        if (error !== null) return this.error(`publish ${entry.name}: ${error}`, frame.id);
        // Validation without time normalisation leaves a JSON-decoded msg as it was parsed, so
        // its text in the frame can be forwarded instead of re-serialized.
        const source = hub.options.normalizeTime ? undefined : this.frameText;
        hub.topics.publish(entry, frame.msg, frame.latch === true || entry.publishers.get(this)?.latch === true, source);
        return;
      }
      case 'subscribe': {
        const topic = absoluteName(frame.topic);
        if (frame.type !== undefined && !this.knownType(frame.type, frame.id, 'subscribe')) return;
        let subscription = this.subscriptions.get(topic);
        if (!subscription && this.subscriptions.size >= this.limits.maxSubscriptions) {
          return this.error(`subscribe: this client already has the maximum of ${this.limits.maxSubscriptions} subscriptions`, frame.id);
        }
        const entry = hub.topics.entry(topic);
        const check = hub.topics.declareType(entry, frame.type);
        if (!check.ok) {
          hub.topics.release(entry);
          return this.error(`subscribe: ${check.error}`, frame.id);
        }
        if (frame.compression === 'cbor-raw') this.warn('subscribe: cbor-raw is not supported, using cbor', frame.id);
        if (!subscription) {
          subscription = new MergedSubscription(topic, this);
          this.subscriptions.set(topic, subscription);
          entry.sinks.add(subscription);
          entry.subscriberNodes.set(this, this.node);
        }
        subscription.add(frame.compression === 'cbor-raw' ? { ...frame, compression: 'cbor' } : frame);
        if (entry.latched) subscription.deliver(entry.latched);
        return;
      }
      case 'unsubscribe': {
        const topic = absoluteName(frame.topic);
        const subscription = this.subscriptions.get(topic);
        if (!subscription) return this.warn(`unsubscribe: not subscribed to ${frame.topic}`, frame.id);
        if (!subscription.has(frame.id)) return this.warn(`unsubscribe: no subscription ${frame.id ?? ''} on ${frame.topic}`, frame.id);
        if (subscription.remove(frame.id)) this.dropSubscription(topic, subscription);
        return;
      }
      case 'call_service': {
        const name = absoluteName(frame.service);
        const reply: Reply = (result, values) =>
          this.sendReply({ op: 'service_response', id: frame.id, service: frame.service, values, result }, frame.compression, frame.fragment_size);
        if (name.endsWith('/_action/cancel_goal') && hub.calls.actions.has(name.slice(0, -'/_action/cancel_goal'.length))) {
          hub.calls.cancelAll(name.slice(0, -'/_action/cancel_goal'.length));
          reply(true, { return_code: 0, goals_canceling: [] });
          return;
        }
        const timeout = frame.timeout !== undefined && frame.timeout > 0 ? frame.timeout * 1000 : 0;
        hub.calls.invoke(name, frame.args, timeout, reply);
        return;
      }
      case 'advertise_service': {
        const error = hub.calls.addService(absoluteName(frame.service), frame.type, this, (id, args) => {
          this.sendReply({ op: 'call_service', id, service: frame.service, args });
        });
        if (error) this.error(`advertise_service: ${error}`);
        return;
      }
      case 'unadvertise_service':
        if (!hub.calls.removeService(absoluteName(frame.service), this)) this.warn(`unadvertise_service: ${frame.service} is not advertised by this client`);
        return;
      case 'service_response': {
        const name = absoluteName(frame.service);
        const schema = serviceSchema(hub.calls.services.get(name)?.type ?? '');
        const problem = frame.result && schema ? validateAgainst(schema.response, frame.values ?? {}) : null;
        const done = problem
          ? hub.calls.complete(frame.id ?? '', this, false, `service_response ${name}: ${problem}`)
          : hub.calls.complete(frame.id ?? '', this, frame.result, frame.values ?? (frame.result ? {} : ''));
        if (problem) this.error(`service_response ${name}: ${problem}`, frame.id);
        else if (!done) this.warn(`service_response: no call ${frame.id ?? '(no id)'} is waiting for this client's answer`, frame.id);
        return;
      }
      case 'set_level':
        this.level = frame.level;
        return;
      case 'status':
        return;
      case 'fragment': {
        const now = performance.now();
        this.expireFragments(now);
        const outcome = this.assembler.add(frame.id, frame.num, frame.total, frame.data, now);
        if (outcome.kind === 'error') this.error(outcome.error, frame.id);
        else if (outcome.kind === 'complete') this.receiveText(outcome.text);
        else this.scheduleFragmentExpiry();
        return;
      }
      case 'png': {
        let text: string;
        try {
          text = decodePngData(frame.data);
        } catch (e) {
          return this.error(`png: cannot decode: ${e instanceof Error ? e.message : String(e)}`, frame.id);
        }
        this.receiveText(text);
        return;
      }
      default:
        handleActionFrame(this, frame);
    }
  }

  private expireFragments(now: number): void {
    for (const expired of this.assembler.expire(now)) this.error(`fragment ${expired}: reassembly timed out after ${this.limits.fragmentTimeoutMs} ms`, expired);
  }

  private scheduleFragmentExpiry(): void {
    if (this.fragmentTimer !== undefined) return;
    this.fragmentTimer = setTimeout(() => {
      this.fragmentTimer = undefined;
      if (this.closed) return;
      this.expireFragments(performance.now());
      if (this.assembler.size > 0) this.scheduleFragmentExpiry();
    }, this.limits.fragmentTimeoutMs / 2 + 1);
  }

  private knownType(type: string, id: string | undefined, op: string): boolean {
    const error = this.hub.checkMessage(type, {});
    if (error !== null && error.startsWith('unknown message type')) {
      this.error(`${op}: ${error}`, id);
      return false;
    }
    return true;
  }

  private dropSubscription(topic: string, subscription: MergedSubscription): void {
    subscription.stop();
    this.subscriptions.delete(topic);
    const entry = this.hub.topics.find(topic);
    if (!entry) return;
    entry.sinks.delete(subscription);
    entry.subscriberNodes.delete(this);
    this.hub.topics.release(entry);
  }

  /** Sends a control frame (never dropped), with optional png/cbor compression and fragmentation. */
  sendReply(frame: Record<string, unknown>, compression?: Compression, fragmentSize?: number): void {
    if (this.closed) return;
    if (compression === 'cbor' || compression === 'cbor-raw') {
      this.transport.send(encodeCborFrame(frame));
      return;
    }
    let text = JSON.stringify(frame);
    if (compression === 'png') text = encodePngFrame(text, typeof frame.id === 'string' ? frame.id : undefined);
    this.sendText(text, fragmentSize, typeof frame.id === 'string' ? frame.id : undefined);
  }

  private sendText(text: string, fragmentSize: number | undefined, id: string | undefined): void {
    if (fragmentSize !== undefined && fragmentSize < text.length) {
      const fragmentId = id ?? `fragment:${this.id}:${++this.fragmentCounter}`;
      for (const piece of splitIntoFragments(text, fragmentSize, fragmentId)) this.transport.send(piece);
    } else {
      this.transport.send(text);
    }
  }

  /** Sends (or backlogs) one topic message for a subscription. */
  sendTopic(delivery: Delivery, subscription: MergedSubscription): void {
    if (this.closed) return;
    if (this.backlog.length > 0 || this.transport.bufferedAmount() > this.limits.sendBufferBytes) {
      this.backlog.push({ delivery, subscription });
      while (this.backlog.length > this.limits.backlogMessages) {
        this.backlog.shift();
        this.dropped++;
      }
      this.scheduleDrain();
      return;
    }
    this.write(delivery, subscription);
  }

  private write(delivery: Delivery, subscription: MergedSubscription): void {
    const compression = subscription.compression;
    if (compression === 'cbor' || compression === 'cbor-raw') {
      this.transport.send(delivery.cbor());
      return;
    }
    if (compression === 'png') {
      this.sendText(encodePngFrame(delivery.json()), Number.isFinite(subscription.fragmentSize) ? subscription.fragmentSize : undefined, undefined);
      return;
    }
    if (Number.isFinite(subscription.fragmentSize) && delivery.json().length > subscription.fragmentSize) {
      this.sendText(delivery.json(), subscription.fragmentSize, undefined);
      return;
    }
    // Encoded to UTF-8 once per message, however many clients subscribe.
    this.transport.send(delivery.jsonBytes(this.encodeText), true);
  }

  private scheduleDrain(): void {
    if (this.drainTimer !== undefined) return;
    this.drainTimer = setTimeout(() => {
      this.drainTimer = undefined;
      while (this.backlog.length > 0 && !this.closed && this.transport.bufferedAmount() <= this.limits.sendBufferBytes) {
        const next = this.backlog.shift()!;
        if (this.subscriptions.get(next.subscription.topic) === next.subscription) this.write(next.delivery, next.subscription);
      }
      if (this.backlog.length > 0) this.scheduleDrain();
    }, 1);
  }

  /** Sends a status frame if the client's level lets it through. */
  status(level: StatusLevel, msg: string, id?: string): void {
    if (LEVEL_RANK[level] > LEVEL_RANK[this.level]) return;
    const frame: Record<string, unknown> = { op: 'status', level, msg };
    if (id !== undefined) frame.id = id;
    this.sendReply(frame);
  }

  /** Reports a rejected frame. */
  error(msg: string, id?: string): void {
    this.rejected++;
    this.status('error', msg, id);
  }

  /** Reports a questionable but harmless frame. */
  warn(msg: string, id?: string): void {
    this.status('warning', msg, id);
  }

  /** Number of topics this client subscribes to. */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Cleans up after the socket closed: subscriptions, advertisements, services, actions, goals. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer);
    if (this.fragmentTimer !== undefined) clearTimeout(this.fragmentTimer);
    this.backlog.length = 0;
    for (const [topic, subscription] of [...this.subscriptions]) this.dropSubscription(topic, subscription);
    for (const hubId of this.goals.values()) this.hub.calls.cancelGoal(hubId);
    this.goals.clear();
    this.hub.dropOwner(this);
  }
}
