// rosbridge `fragment` frames: splitting a long JSON text into numbered slices, and putting
// slices back together with a size cap and a reassembly timeout. No Node API.

/** Splits `text` into fragment frames of at most `size` characters of payload each. */
export function splitIntoFragments(text: string, size: number, id: string): string[] {
  const step = Math.max(1, Math.floor(size));
  const total = Math.ceil(text.length / step);
  const frames: string[] = [];
  for (let num = 0; num < total; num++) {
    frames.push(JSON.stringify({ op: 'fragment', id, data: text.slice(num * step, (num + 1) * step), num, total }));
  }
  return frames;
}

interface Pending {
  parts: (string | undefined)[];
  received: number;
  chars: number;
  started: number;
}

/** Outcome of adding one fragment: still waiting, a complete text, or an error to report. */
export type FragmentOutcome = { kind: 'pending' } | { kind: 'complete'; text: string } | { kind: 'error'; error: string };

/** Collects fragments per id; drops sets older than `timeoutMs` or over `maxChars` in total. */
export class FragmentAssembler {
  private readonly pending = new Map<string, Pending>();
  private buffered = 0;

  /** `maxChars` caps all partially received text together; `maxSets` the number of open ids. */
  constructor(
    private readonly timeoutMs: number,
    private readonly maxChars: number,
    private readonly maxSets = 64,
  ) {}

  /** Adds one fragment received at time `now` (ms). */
  add(id: string, num: number, total: number, data: string, now: number): FragmentOutcome {
    let set = this.pending.get(id);
    if (set && set.parts.length !== total) {
      this.drop(id);
      return { kind: 'error', error: `fragment ${id}: total changed from ${set.parts.length} to ${total}` };
    }
    if (!set) {
      if (this.pending.size >= this.maxSets) return { kind: 'error', error: `fragment ${id}: too many fragmented messages in progress (max ${this.maxSets})` };
      set = { parts: new Array<string | undefined>(total), received: 0, chars: 0, started: now };
      this.pending.set(id, set);
    }
    if (set.parts[num] !== undefined) return { kind: 'pending' };
    if (this.buffered + data.length > this.maxChars) {
      this.drop(id);
      return { kind: 'error', error: `fragment ${id}: reassembled message exceeds ${this.maxChars} characters` };
    }
    set.parts[num] = data;
    set.received++;
    set.chars += data.length;
    this.buffered += data.length;
    if (set.received < total) return { kind: 'pending' };
    this.drop(id);
    return { kind: 'complete', text: (set.parts as string[]).join('') };
  }

  /** Drops sets started before `now - timeoutMs`; returns their ids. */
  expire(now: number): string[] {
    const expired: string[] = [];
    for (const [id, set] of this.pending) {
      if (now - set.started > this.timeoutMs) {
        expired.push(id);
        this.drop(id);
      }
    }
    return expired;
  }

  /** Number of ids being reassembled. */
  get size(): number {
    return this.pending.size;
  }

  private drop(id: string): void {
    const set = this.pending.get(id);
    if (!set) return;
    this.buffered -= set.chars;
    this.pending.delete(id);
  }
}
