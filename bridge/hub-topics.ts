// Topics of the hub: who publishes and subscribes each topic, its type, the latched message, and
// one shared encoding per published message (JSON text and CBOR bytes, made at most once).
import { encodeCborPublish } from './codec-cbor.ts';
import { jsonMemberRange } from './json-member.ts';
import { canonicalTypeName } from './message-schema.ts';

const utf8 = new TextEncoder();
const CLOSE_BRACE = 125;
// The range of `msg` in a source frame (jsonMemberRange's output), reused.
const msgRange = new Int32Array(2);

/** One published message on its way to subscribers; encodings are computed once, on demand. */
export class Delivery {
  private jsonText: string | undefined;
  private jsonUtf8: Uint8Array | undefined;
  private cborBytes: Uint8Array | undefined;
  /**
   * `prefix` is the topic's `{"op":"publish","topic":"…","msg":` text and `prefixBytes` its UTF-8;
   * `sourceFrame`, when given, is the JSON frame `msg` was parsed from, unchanged since: its `msg`
   * text is forwarded as is; `sourceBytes`, when given, is that frame's UTF-8 as received, so
   * the forwarded bytes are copied from it instead of encoded again.
   */
  constructor(
    readonly topic: string,
    readonly type: string | undefined,
    readonly msg: unknown,
    private readonly prefix: string,
    private readonly prefixBytes: Uint8Array,
    private sourceFrame?: string,
    private sourceBytes?: Uint8Array,
  ) {}

  /** The JSON `publish` frame. */
  json(): string {
    if (this.jsonText === undefined) {
      const source = this.sourceFrame;
      const text = source !== undefined && jsonMemberRange(source, 'msg', msgRange) ? source.slice(msgRange[0], msgRange[1]) : undefined;
      this.jsonText = `${this.prefix}${text ?? JSON.stringify(this.msg)}}`;
    }
    return this.jsonText;
  }

  /** The JSON `publish` frame as UTF-8, made once for every subscriber (sent as a text frame). */
  jsonBytes(): Uint8Array {
    if (this.jsonUtf8 !== undefined) return this.jsonUtf8;
    const source = this.sourceFrame;
    const bytes = this.sourceBytes;
    // An ASCII frame (as many bytes as characters) has the msg bytes at the msg text's indices.
    if (source !== undefined && bytes !== undefined && bytes.length === source.length && jsonMemberRange(source, 'msg', msgRange)) {
      const head = this.prefixBytes;
      const length = msgRange[1] - msgRange[0];
      const out = new Uint8Array(head.length + length + 1);
      out.set(head);
      out.set(bytes.subarray(msgRange[0], msgRange[1]), head.length);
      out[out.length - 1] = CLOSE_BRACE;
      this.jsonUtf8 = out;
    } else {
      this.jsonUtf8 = utf8.encode(this.json());
    }
    return this.jsonUtf8;
  }

  /** The CBOR `publish` frame. */
  cbor(): Uint8Array {
    return (this.cborBytes ??= encodeCborPublish(this.topic, this.type, this.msg));
  }

  /**
   * Lets go of the source frame once every subscriber had the message: a latched or last message
   * must not keep the socket's whole read buffer alive. Later encodings re-serialize `msg`.
   */
  release(): void {
    this.sourceFrame = undefined;
    this.sourceBytes = undefined;
  }
}

/** A remote subscription as the topic sees it: something that takes deliveries. */
export interface TopicSink {
  deliver(delivery: Delivery): void;
}

/** One topic: its type (the first one declared), publishers, subscribers and latched message. */
export class TopicEntry {
  type: string | undefined;
  readonly publishers = new Map<object, { latch: boolean; node: string }>();
  readonly sinks = new Set<TopicSink>();
  readonly subscriberNodes = new Map<object, string>();
  readonly local = new Set<(msg: unknown) => void>();
  latched: Delivery | undefined;
  last: Delivery | undefined;
  count = 0;
  readonly prefix: string;
  /** `prefix` as UTF-8. */
  readonly prefixBytes: Uint8Array;

  constructor(readonly name: string) {
    this.prefix = `{"op":"publish","topic":${JSON.stringify(name)},"msg":`;
    this.prefixBytes = utf8.encode(this.prefix);
  }

  /** True when nobody publishes or subscribes and nothing is latched. */
  get idle(): boolean {
    return this.publishers.size === 0 && this.sinks.size === 0 && this.local.size === 0 && this.latched === undefined;
  }
}

/** Result of declaring a type on a topic: ok, or the conflicting type already there. */
export type TypeCheck = { ok: true } | { ok: false; error: string };

/** The topic table. */
export class TopicTable {
  private readonly topics = new Map<string, TopicEntry>();

  /** The entry for `name`, created when missing. */
  entry(name: string): TopicEntry {
    let entry = this.topics.get(name);
    if (!entry) {
      entry = new TopicEntry(name);
      this.topics.set(name, entry);
    }
    return entry;
  }

  /** The entry for `name` if it exists. */
  find(name: string): TopicEntry | undefined {
    return this.topics.get(name);
  }

  /** Sets the topic's type, or reports a conflict (both spellings of one type agree). */
  declareType(entry: TopicEntry, type: string | undefined): TypeCheck {
    if (type === undefined) return { ok: true };
    if (entry.type === undefined) {
      entry.type = type;
      return { ok: true };
    }
    if (canonicalTypeName(entry.type) !== canonicalTypeName(type)) {
      return { ok: false, error: `topic ${entry.name} already has type ${entry.type}, not ${type}` };
    }
    return { ok: true };
  }

  /**
   * Sends `msg` to every subscriber; `latch` keeps it for later subscribers. `sourceFrame` is the
   * JSON frame `msg` was parsed from when `msg` is unchanged since (its text is then reused), and
   * `sourceBytes` that frame's UTF-8 as received.
   */
  publish(entry: TopicEntry, msg: unknown, latch: boolean, sourceFrame?: string, sourceBytes?: Uint8Array): Delivery {
    const delivery = new Delivery(entry.name, entry.type, msg, entry.prefix, entry.prefixBytes, sourceFrame, sourceBytes);
    entry.count++;
    entry.last = delivery;
    if (latch) entry.latched = delivery;
    for (const sink of entry.sinks) sink.deliver(delivery);
    for (const handler of entry.local) {
      try {
        handler(msg);
      } catch {
        // A local subscriber's failure must not stop delivery to the others.
      }
    }
    delivery.release();
    return delivery;
  }

  /** Removes a topic entry once nobody uses it. */
  release(entry: TopicEntry): void {
    if (entry.idle) this.topics.delete(entry.name);
  }

  /** Every topic that has a publisher or subscriber, with its type. */
  list(): { name: string; type: string }[] {
    return [...this.topics.values()].map((t) => ({ name: t.name, type: t.type ?? '' }));
  }
}
