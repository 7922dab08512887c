// Topics of the hub: who publishes and subscribes each topic, its type, the latched message, and
// one shared encoding per published message (JSON text and CBOR bytes, made at most once).
import { encodeCborPublish } from './codec-cbor.ts';
import { jsonMemberText } from './json-member.ts';
import { canonicalTypeName } from './message-schema.ts';

const utf8 = new TextEncoder();

/** UTF-8 of `head + body + tail` in one byte array, made without joining the strings. */
export type JoinedTextEncoder = (head: string, body: string, tail: string) => Uint8Array;

/** One published message on its way to subscribers; encodings are computed once, on demand. */
export class Delivery {
  private jsonText: string | undefined;
  private jsonUtf8: Uint8Array | undefined;
  private cborBytes: Uint8Array | undefined;
  /**
   * `prefix` is the topic's `{"op":"publish","topic":"…","msg":` text; `sourceFrame`, when given,
   * is the JSON frame `msg` was parsed from, unchanged since: its `msg` text is forwarded as is.
   */
  constructor(
    readonly topic: string,
    readonly type: string | undefined,
    readonly msg: unknown,
    private readonly prefix: string,
    private sourceFrame?: string,
  ) {}

  /** The JSON `publish` frame. */
  json(): string {
    if (this.jsonText === undefined) {
      const body = this.msgText();
      this.jsonText = `${this.prefix}${body}}`;
    }
    return this.jsonText;
  }

  /** The `msg` member's JSON text: from the source frame while it is held, else serialized. */
  private msgText(): string {
    const source = this.sourceFrame;
    this.sourceFrame = undefined;
    const text = source === undefined ? undefined : jsonMemberText(source, 'msg');
    return text ?? JSON.stringify(this.msg);
  }

  /**
   * The JSON `publish` frame as UTF-8, encoded once for every subscriber (sent as a text frame).
   * `encode` writes the UTF-8 of its three parts one after the other (the topic's prefix, the msg
   * text, the closing brace), so the frame text is never concatenated; TextEncoder when not given.
   */
  jsonBytes(encode?: JoinedTextEncoder): Uint8Array {
    if (this.jsonUtf8 === undefined) {
      if (!encode) this.jsonUtf8 = utf8.encode(this.json());
      else if (this.jsonText !== undefined) this.jsonUtf8 = encode(this.jsonText, '', '');
      else this.jsonUtf8 = encode(this.prefix, this.msgText(), '}');
    }
    return this.jsonUtf8;
  }

  /** The CBOR `publish` frame. */
  cbor(): Uint8Array {
    return (this.cborBytes ??= encodeCborPublish(this.topic, this.type, this.msg));
  }

  /**
   * Lets go of the source frame once every subscriber had the message (a latched or last message
   * must not keep it alive); encodings made later re-serialize `msg`.
   */
  release(): void {
    this.sourceFrame = undefined;
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

  constructor(readonly name: string) {
    this.prefix = `{"op":"publish","topic":${JSON.stringify(name)},"msg":`;
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
   * JSON frame `msg` was parsed from when `msg` is unchanged since (its text is then reused).
   */
  publish(entry: TopicEntry, msg: unknown, latch: boolean, sourceFrame?: string): Delivery {
    const delivery = new Delivery(entry.name, entry.type, msg, entry.prefix, sourceFrame);
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
