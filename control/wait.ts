// Waiting strategies for the fixed-rate loop: how the loop sleeps until its next absolute deadline.
//
// Deadlines and clocks are in seconds on the loop clock's scale. Measured on this kind of machine
// (see shared/TOOLCHAIN.md): setTimeout is coarse (~0.5 ms late at p50); Atomics.wait on a
// SharedArrayBuffer is close to clock_nanosleep (~75 µs p50) and does not spin; spinning reaches
// the deadline exactly but burns a core. Atomics.wait blocks the thread, so that strategy first
// yields to the event loop (setImmediate where it exists) so that I/O (the bridge socket) is served
// once per tick. Browsers forbid Atomics.wait on the main thread: use `timeoutWait` there.

/** Sleeps until a deadline and then calls the wake function. One pending wait at a time. */
export interface WaitStrategy {
  /** Name reported in diagnostics and benchmarks. */
  readonly name: string;
  /** Arranges for `wake` to be called at or after `deadline` (seconds on `clock`). */
  schedule(deadline: number, clock: () => number, wake: () => void): void;
  /** Cancels a pending wake (no-op when none is pending). */
  cancel(): void;
}

type Handle = ReturnType<typeof setTimeout>;

/** setTimeout to the deadline (browser-safe; coarse, ~0.5–1 ms late). */
export function timeoutWait(): WaitStrategy {
  let handle: Handle | undefined;
  return {
    name: 'setTimeout',
    schedule(deadline, clock, wake) {
      const ms = (deadline - clock()) * 1000;
      handle = setTimeout(wake, ms > 0 ? ms : 0);
    },
    cancel() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}

const hasImmediate = typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function';

/** Yields to the event loop once, then calls `fn` (setImmediate in Node, setTimeout(0) elsewhere). */
function yieldThen(fn: () => void): { cancel(): void } {
  if (hasImmediate) {
    const h = setImmediate(fn);
    return { cancel: () => clearImmediate(h) };
  }
  const h = setTimeout(fn, 0);
  return { cancel: () => clearTimeout(h) };
}

/**
 * Atomics.wait on a private SharedArrayBuffer with a fractional-millisecond timeout, after one
 * yield to the event loop; `spin_s` > 0 makes it the hybrid: sleep until `spin_s` before the
 * deadline, then spin on the clock.
 */
export function atomicsWait(options: { spin_s?: number } = {}): WaitStrategy {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics?.wait !== 'function') {
    throw new Error('atomicsWait: SharedArrayBuffer/Atomics.wait are unavailable here (use timeoutWait in a browser main thread)');
  }
  const spin = options.spin_s ?? 0;
  if (!(spin >= 0 && spin < 1)) throw new Error(`atomicsWait: spin_s = ${spin}, expected 0 <= spin_s < 1`);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  let pending: { cancel(): void } | undefined;
  let target = 0;
  let clockRef: () => number = () => 0;
  let wakeRef: () => void = () => {};
  const run = () => {
    pending = undefined;
    const remaining = target - spin - clockRef();
    if (remaining > 0) Atomics.wait(cell, 0, 0, remaining * 1000);
    while (clockRef() < target) {
      // Spin: only the last `spin_s` seconds (hybrid) or after a short Atomics timeout.
    }
    wakeRef();
  };
  return {
    name: spin > 0 ? `atomics+spin(${spin * 1e6} µs)` : 'atomics',
    schedule(deadline, clock, wake) {
      target = deadline;
      clockRef = clock;
      wakeRef = wake;
      pending = yieldThen(run);
    },
    cancel() {
      pending?.cancel();
      pending = undefined;
    },
  };
}

/** setTimeout until `spin_s` before the deadline, then spin (works in browsers too). */
export function sleepThenSpinWait(spin_s = 0.0015): WaitStrategy {
  if (!(spin_s > 0 && spin_s < 1)) throw new Error(`sleepThenSpinWait: spin_s = ${spin_s}, expected 0 < spin_s < 1`);
  let handle: Handle | undefined;
  let target = 0;
  let clockRef: () => number = () => 0;
  let wakeRef: () => void = () => {};
  const run = () => {
    handle = undefined;
    while (clockRef() < target) {
      // Spin to the deadline.
    }
    wakeRef();
  };
  return {
    name: `setTimeout+spin(${spin_s * 1e6} µs)`,
    schedule(deadline, clock, wake) {
      target = deadline;
      clockRef = clock;
      wakeRef = wake;
      const ms = (deadline - spin_s - clock()) * 1000;
      handle = setTimeout(run, ms > 0 ? ms : 0);
    },
    cancel() {
      if (handle !== undefined) clearTimeout(handle);
      handle = undefined;
    },
  };
}

/** Names accepted by `waitStrategyByName` (CLI and config). */
export const WAIT_STRATEGIES = ['atomics', 'timeout', 'hybrid', 'spin'] as const;

/** Builds a strategy from its config name; 'hybrid' = Atomics.wait then spin the last 200 µs. */
export function waitStrategyByName(name: string): WaitStrategy {
  switch (name) {
    case 'atomics':
      return atomicsWait();
    case 'timeout':
      return timeoutWait();
    case 'hybrid':
      return atomicsWait({ spin_s: 200e-6 });
    case 'spin':
      return atomicsWait({ spin_s: 0.999 });
    default:
      throw new Error(`wait strategy "${name}": expected one of ${WAIT_STRATEGIES.join(', ')}`);
  }
}

/** The default clock: performance.now() in seconds (monotonic, browser and Node). */
export function performanceClock(): number {
  return performance.now() / 1000;
}
