// Safety supervisor: the state machine (inactive, active, holding, fault, e-stopped), watchdogs for
// stale state and stale command streams, and the latched e-stop with its reason. Pure data and
// @realtime checks; the pipeline acts on the state it reports.
//
// Transitions:
//   inactive --activate (fresh state)--> active
//   active --stale command stream / hold()--> holding --new input / resume()--> active
//   any --stale state / non-finite estimate / non-finite command--> fault --reset() (fresh state)--> inactive
//   any --estop(reason)--> e-stopped (latched) --releaseEstop()--> inactive
// In holding and e-stopped the pipeline brings the reference to rest at the stop deceleration
// (a category-2 stop: controlled, power kept) and holds it; in fault (state unusable) it stops the
// command sequence from the last command without feedback.

/** The supervisor's states. */
export const SAFETY_STATES = ['inactive', 'active', 'holding', 'fault', 'e-stopped'] as const;
/** One of SAFETY_STATES. */
export type SafetyState = (typeof SAFETY_STATES)[number];

/** Why the supervisor left 'active' (constant strings: no allocation in a tick). */
export type SafetyReason =
  | ''
  | 'stale state'
  | 'stale command stream'
  | 'non-finite estimate'
  | 'non-finite command'
  | 'hold requested'
  | 'reference aborted'
  | string; // e-stop reasons come from the caller

/** Watchdog settings (seconds). */
export interface SafetyOptions {
  /** Fault when the state ports' sequence has not changed for this long; default 0.1 s. */
  stateTimeout?: number;
  /** Hold when a streaming reference source has had no input for this long; default 0.1 s (MoveIt Servo's incoming_command_timeout). */
  commandTimeout?: number;
}

/** The supervisor state, as data. */
export class SafetySupervisor {
  state: SafetyState = 'inactive';
  reason: SafetyReason = '';
  /** Loop time (s) of the last state change. */
  since = 0.5;
  /** Loop time (s) of the last `update` (events raised inside a tick are stamped with it). */
  now = 0.5;
  // Initialised with doubles so V8 keeps double fields (no boxing when read into double math).
  readonly stateTimeout: number = 0.5;
  readonly commandTimeout: number = 0.5;
  /** Loop time of the last fresh state sample and of the last new reference input. */
  lastStateTime = Number.NaN;
  lastInputTime = Number.NaN;
  private lastStateSequence = -1;
  private lastInputSequence = -1;
  /** Counts of each event since construction. */
  faults = 0;
  estops = 0;
  holds = 0;
  private pendingActivate = false;
  private pendingResume = false;
  private pendingReset = false;
  private pendingHold = false;
  private pendingEstop: string | undefined;
  private pendingRelease = false;

  constructor(options: SafetyOptions = {}) {
    const stateTimeout = options.stateTimeout ?? 0.1;
    const commandTimeout = options.commandTimeout ?? 0.1;
    if (!(stateTimeout > 0)) throw new Error(`safety.stateTimeout = ${stateTimeout}, expected > 0 s`);
    if (!(commandTimeout > 0)) throw new Error(`safety.commandTimeout = ${commandTimeout}, expected > 0 s`);
    this.stateTimeout = stateTimeout;
    this.commandTimeout = commandTimeout;
    // Fields above start at 0.5 so V8 gives them a double representation; the real start is 0.
    this.since = 0;
    this.now = 0;
  }

  /** Requests inactive -> active at the next tick (refused there unless the state is fresh). */
  activate(): void {
    this.pendingActivate = true;
  }
  /** Requests a controlled stop and hold. */
  hold(): void {
    this.pendingHold = true;
  }
  /** Requests holding -> active. */
  resume(): void {
    this.pendingResume = true;
  }
  /** Requests fault -> inactive (refused while the state is stale). */
  reset(): void {
    this.pendingReset = true;
  }
  /** Latches the e-stop with a reason (takes effect at the next tick, before anything is written). */
  estop(reason: string): void {
    this.pendingEstop = reason.length > 0 ? reason : 'e-stop';
  }
  /** Releases a latched e-stop: e-stopped -> inactive. */
  releaseEstop(): void {
    this.pendingRelease = true;
  }

  private enter(state: SafetyState, reason: SafetyReason): void {
    if (this.state === state) return;
    this.state = state;
    this.reason = reason;
    this.since = this.now;
    if (state === 'fault') this.faults++;
    if (state === 'e-stopped') this.estops++;
    if (state === 'holding') this.holds++;
  }

  /**
   * One supervisor step at loop time `time.t` (s; an object field, so no double crosses the call). @realtime
   * `stateSequence`: the state ports' sequence; `estimateOk`: finite estimate;
   * `streaming`/`inputSequence`: the active reference source's; returns the state to act on.
   */
  update(time: { readonly t: number }, stateSequence: number, estimateOk: boolean, streaming: boolean, inputSequence: number): SafetyState {
    const t = time.t;
    this.now = t;
    if (stateSequence !== this.lastStateSequence) {
      this.lastStateSequence = stateSequence;
      this.lastStateTime = t;
    }
    let newInput = false;
    if (inputSequence !== this.lastInputSequence) {
      this.lastInputSequence = inputSequence;
      this.lastInputTime = t;
      newInput = true;
    }
    const stateFresh = t - this.lastStateTime <= this.stateTimeout && stateSequence > 0;
    if (this.pendingEstop !== undefined) {
      this.enter('e-stopped', this.pendingEstop);
      this.pendingEstop = undefined;
    }
    if (this.pendingRelease) {
      this.pendingRelease = false;
      if (this.state === 'e-stopped') this.enter('inactive', '');
    }
    if (this.state === 'e-stopped') return this.state;
    if (!stateFresh && this.state !== 'inactive') this.enter('fault', 'stale state');
    else if (!estimateOk && this.state !== 'inactive') this.enter('fault', 'non-finite estimate');
    if (this.pendingReset) {
      this.pendingReset = false;
      if (this.state === 'fault' && stateFresh && estimateOk) this.enter('inactive', '');
    }
    if (this.pendingActivate) {
      this.pendingActivate = false;
      if (this.state === 'inactive' && stateFresh && estimateOk) {
        this.enter('active', '');
        this.lastInputTime = t;
      }
    }
    if (this.pendingHold) {
      this.pendingHold = false;
      if (this.state === 'active') this.enter('holding', 'hold requested');
    }
    if (this.state === 'active' && streaming && t - this.lastInputTime > this.commandTimeout) {
      this.enter('holding', 'stale command stream');
    }
    if (this.state === 'holding' && (this.pendingResume || (newInput && this.reason === 'stale command stream'))) {
      this.enter('active', '');
    }
    this.pendingResume = false;
    return this.state;
  }

  /** Moves to fault from inside a tick (e.g. non-finite command caught by the sweep), stamped with the last update's time. @realtime */
  fault(reason: SafetyReason): void {
    if (this.state !== 'e-stopped') this.enter('fault', reason);
  }

  /** Moves active -> holding from inside a tick (e.g. a trajectory aborted on tolerance). @realtime */
  holdNow(reason: SafetyReason): void {
    if (this.state === 'active') this.enter('holding', reason);
  }
}
