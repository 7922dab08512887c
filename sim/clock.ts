// The simulator's clock. Lockstep: the caller advances time (a scenario, a test, or the `step`
// service), as fast as the machine allows. Real time: a pacer runs the steps that are due on
// wall time scaled by a real-time factor, in slices from a coarse timer, and measures the factor
// it actually reaches. Simulated time never depends on wall time inside a step, so a run is the
// same whichever clock drives it.

/** Options of the real-time pacer. */
export interface PacerOptions {
  /** Physics step (s). */
  dt: number;
  /** Runs one physics step (and whatever publishes on it). */
  step: () => void;
  /** Wanted simulated seconds per wall second (default 1). */
  realTimeFactor?: number;
  /** Most steps per slice, so a stalled process does not try to catch up forever (default 200). */
  maxStepsPerSlice?: number;
  /** Wall clock in seconds (default performance.now()/1000). */
  now?: () => number;
}

/** A real-time pacer; `start()` begins stepping, `stop()` ends it. */
export interface Pacer {
  readonly running: boolean;
  /** While paused no steps run; simulated time stands still. */
  paused: boolean;
  /** Target real-time factor; changing it takes effect from now. */
  realTimeFactor: number;
  /** Real-time factor measured over the last second of wall time. */
  readonly measuredFactor: number;
  /** Steps dropped because the machine could not keep up (the sim slows rather than jumps). */
  readonly droppedSteps: number;
  start(): void;
  stop(): void;
}

/** Makes a pacer that calls `step` at `realTimeFactor / dt` steps per wall second. */
export function createPacer(options: PacerOptions): Pacer {
  const now = options.now ?? (() => performance.now() / 1000);
  const maxSteps = options.maxStepsPerSlice ?? 200;
  if (!(options.dt > 0)) throw new Error(`pacer dt = ${options.dt}: expected > 0 s`);
  let factor = options.realTimeFactor ?? 1;
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`realTimeFactor = ${factor}: expected a finite number > 0`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let paused = false;
  let anchorWall = 0;
  let stepsSinceAnchor = 0;
  let measured = 0;
  let windowWall = 0;
  let windowSteps = 0;
  let dropped = 0;
  const reanchor = () => {
    anchorWall = now();
    stepsSinceAnchor = 0;
  };
  const slice = () => {
    if (!running) return;
    const wall = now();
    if (!paused) {
      const due = Math.floor(((wall - anchorWall) * factor) / options.dt) - stepsSinceAnchor;
      const n = Math.min(due, maxSteps);
      for (let i = 0; i < n; i++) options.step();
      stepsSinceAnchor += n;
      windowSteps += n;
      if (due > maxSteps) {
        // Too far behind: drop the backlog instead of running faster than real time later.
        dropped += due - maxSteps;
        stepsSinceAnchor += due - maxSteps;
      }
    }
    if (wall - windowWall >= 1) {
      measured = (windowSteps * options.dt) / (wall - windowWall);
      windowWall = wall;
      windowSteps = 0;
    }
    timer = setTimeout(slice, 1);
  };
  return {
    get running() { return running; },
    get paused() { return paused; },
    set paused(value: boolean) {
      paused = value;
      reanchor();
    },
    get realTimeFactor() { return factor; },
    set realTimeFactor(value: number) {
      if (!(value > 0) || !Number.isFinite(value)) throw new Error(`realTimeFactor = ${value}: expected a finite number > 0`);
      factor = value;
      reanchor();
    },
    get measuredFactor() { return measured; },
    get droppedSteps() { return dropped; },
    start() {
      if (running) return;
      running = true;
      reanchor();
      windowWall = anchorWall;
      windowSteps = 0;
      timer = setTimeout(slice, 1);
    },
    stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
