// One client's subscription to one topic: several `subscribe` ids merged (lowest throttle_rate,
// largest queue_length, smallest fragment_size, latest compression), throttling with a
// drop-oldest queue, and hand-off of due messages to the session.
import type { Compression, SubscribeFrame } from './protocol.ts';
import type { Delivery, TopicSink } from './hub-topics.ts';

/** Where a subscription sends messages that are due. */
export interface SubscriptionOutput {
  sendTopic(delivery: Delivery, subscription: MergedSubscription): void;
}

/** The merged subscription of one client to one topic. */
export class MergedSubscription implements TopicSink {
  /** The subscribe frames by id (frames without id share the key ''). */
  readonly requests = new Map<string, SubscribeFrame>();
  throttleMs = 0;
  queueLength = 0;
  compression: Compression = 'none';
  fragmentSize = Infinity;
  /** Messages dropped by the throttle queue. */
  dropped = 0;
  private lastSent = -Infinity;
  private readonly queue: Delivery[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly topic: string,
    private readonly output: SubscriptionOutput,
  ) {}

  /** Adds or replaces one subscribe request and recomputes the merged settings. */
  add(frame: SubscribeFrame): void {
    this.requests.delete(frame.id ?? '');
    this.requests.set(frame.id ?? '', frame);
    this.merge();
  }

  /** True when a request with this id (or, for undefined, any request) exists. */
  has(id: string | undefined): boolean {
    return id === undefined ? this.requests.size > 0 : this.requests.has(id);
  }

  /** Removes one request (or all when `id` is undefined); true when none is left. */
  remove(id: string | undefined): boolean {
    if (id === undefined) this.requests.clear();
    else this.requests.delete(id);
    if (this.requests.size > 0) this.merge();
    else this.stop();
    return this.requests.size === 0;
  }

  private merge(): void {
    let throttle = Infinity;
    let queue = 0;
    let fragment = Infinity;
    let compression: Compression = 'none';
    for (const r of this.requests.values()) {
      throttle = Math.min(throttle, r.throttle_rate ?? 0);
      queue = Math.max(queue, r.queue_length ?? 0);
      fragment = Math.min(fragment, r.fragment_size ?? Infinity);
      compression = r.compression ?? compression;
    }
    this.throttleMs = throttle === Infinity ? 0 : throttle;
    this.queueLength = queue;
    this.fragmentSize = fragment;
    this.compression = compression;
  }

  /** Takes one published message: sent now, queued behind the throttle, or dropped. */
  deliver(delivery: Delivery): void {
    if (this.throttleMs <= 0) {
      this.output.sendTopic(delivery, this);
      return;
    }
    const now = performance.now();
    if (this.queue.length === 0 && now - this.lastSent >= this.throttleMs) {
      this.lastSent = now;
      this.output.sendTopic(delivery, this);
      return;
    }
    this.queue.push(delivery);
    // queue_length 0 still keeps the newest message, so a throttled reader ends on fresh data.
    const capacity = Math.max(1, this.queueLength);
    while (this.queue.length > capacity) {
      this.queue.shift();
      this.dropped++;
    }
    this.schedule(now);
  }

  private schedule(now: number): void {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const wait = Math.max(0, this.lastSent + this.throttleMs - now);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const next = this.queue.shift();
      if (!next) return;
      this.lastSent = performance.now();
      this.output.sendTopic(next, this);
      this.schedule(this.lastSent);
    }, wait);
  }

  /** Cancels pending sends. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }
}
