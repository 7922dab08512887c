// Step 1: the shortest duration of one DoF and the durations it cannot take (blocked intervals).
//
// For a fixed duration T the reachable end positions form an interval (the dynamics are linear and
// the limits convex), bounded by the profile family of DofProblem: the upper bound comes from the
// largest vp with T(vp) <= T (cruising at vMax once T(vMax) <= T), the lower bound from the
// smallest. T is feasible when the target lies between the two bounds. Following each bound as T
// grows gives a path in vp; the target distance crossing a bound is a root of D(vp) = distance on
// that path. Sorting those crossings yields the minimum duration and the blocked intervals.
import type { DofProblem } from './dof-problem.ts';
import { findRoot, RootMode } from './roots.ts';

/** Scratch for step 1, allocated once per generator. */
export class Step1Scratch {
  /** Events: duration, which bound (0 upper, 1 lower), and whether that bound now admits the target. */
  readonly eventTime = new Float64Array(48);
  readonly eventBound = new Uint8Array(48);
  readonly eventGood = new Uint8Array(48);
  /** The profile at each event: peak velocity and kind (EventKind). */
  readonly eventPeak = new Float64Array(48);
  readonly eventKind = new Uint8Array(48);
  count = 0;
  /** Path or piece being scanned: ends in vp and D - distance there (fields, not arguments: no boxing). */
  start = 0;
  end = 0;
  gStart = 0;
  gEnd = 0;
  /** T(vp) at the path's ends (T is monotone along each path). */
  timeStart = 0;
  timeEnd = 0;
  /** Latest event time per bound: events along one path never go back in time (rounding aside). */
  readonly latest = new Float64Array(2);

  /** Time and peak velocity of the next `push` (fields, not arguments: no boxing). */
  time = 0;
  peak = 0;

  /** Appends one event at `time` with profile `peak`. */
  push(bound: number, good: boolean, kind: number): void {
    if (this.count >= 48) return;
    let time = this.time;
    const peak = this.peak;
    if (time < this.latest[bound]) time = this.latest[bound];
    this.latest[bound] = time;
    this.eventTime[this.count] = time;
    this.eventBound[this.count] = bound;
    this.eventGood[this.count] = good ? 1 : 0;
    this.eventPeak[this.count] = peak;
    this.eventKind[this.count] = kind;
    this.count++;
  }
}

/** What profile an event stands for: the family at its peak velocity (cruise included), or none (a jump of a bound). */
export const EventKind = { Profile: 0, Jump: 1 } as const;

/** Interior samples taken where D(vp) may be non-monotone. */
const MIXED_SAMPLES = 6;

/**
 * Computes `minimumDuration`, `blocked` and `blockedCount` of a prepared problem; false if none found.
 * @realtime
 */
export function solveMinimumDuration(problem: DofProblem, scratch: Step1Scratch): boolean {
  scratch.count = 0;
  scratch.latest[0] = 0;
  scratch.latest[1] = 0;
  const distance = problem.distance;
  const lower = problem.lower;
  const upper = problem.upper;
  const hump = upper > lower;
  const gLower = problem.distanceLower - distance;
  const gUpper = problem.distanceUpper - distance;

  // Upper bound path: [lower, q] on the rising side of the hump (if lower is the global minimum of T),
  // then [upper, vMax], then cruise at vMax.
  let upGood: boolean;
  if (hump && problem.timeLower < problem.timeUpper && !steadyHump(problem, 0, gLower >= 0 === gUpper >= 0)) {
    upGood = gLower >= 0;
    problem.rootValue = problem.timeUpper;
    problem.rootA = lower;
    problem.rootB = problem.peak;
    problem.rootFa = problem.timeLower - problem.timeUpper;
    problem.rootFb = problem.timePeak - problem.timeUpper;
    findRoot(problem, RootMode.Time);
    const gQ = problem.dist - distance;
    scratch.start = lower;
    scratch.end = problem.candidate;
    scratch.gStart = gLower;
    scratch.gEnd = gQ;
    scratch.timeStart = problem.timeLower;
    scratch.timeEnd = problem.timeUpper;
    scanPath(problem, scratch, 0);
    if (gQ >= 0 !== gUpper >= 0) {
      scratch.time = problem.timeUpper;
      scratch.peak = upper;
      scratch.push(0, gUpper >= 0, EventKind.Jump);
    }
  } else {
    upGood = hump && problem.timeLower < problem.timeUpper ? gLower >= 0 : gUpper >= 0;
  }
  const gVMax = problem.distanceVMax - distance;
  scratch.start = upper;
  scratch.end = problem.vMax;
  scratch.gStart = gUpper;
  scratch.gEnd = gVMax;
  scratch.timeStart = problem.timeUpper;
  scratch.timeEnd = problem.timeVMax;
  scanPath(problem, scratch, 0);
  if (gVMax < 0) {
    scratch.time = problem.timeVMax - gVMax / problem.vMax;
    scratch.peak = problem.vMax;
    scratch.push(0, true, EventKind.Profile);
  }

  // Lower bound path: [upper, q'] on the falling side of the hump (if upper is the global minimum),
  // then [lower, vMin] downwards, then cruise at vMin.
  let lowGood: boolean;
  if (hump && problem.timeUpper < problem.timeLower && !steadyHump(problem, 1, gUpper <= 0 === gLower <= 0)) {
    lowGood = gUpper <= 0;
    problem.rootValue = problem.timeLower;
    problem.rootA = problem.peak;
    problem.rootB = upper;
    problem.rootFa = problem.timePeak - problem.timeLower;
    problem.rootFb = problem.timeUpper - problem.timeLower;
    findRoot(problem, RootMode.Time);
    const gQ = problem.dist - distance;
    scratch.start = upper;
    scratch.end = problem.candidate;
    scratch.gStart = gUpper;
    scratch.gEnd = gQ;
    scratch.timeStart = problem.timeUpper;
    scratch.timeEnd = problem.timeLower;
    scanPath(problem, scratch, 1);
    if (gQ <= 0 !== gLower <= 0) {
      scratch.time = problem.timeLower;
      scratch.peak = lower;
      scratch.push(1, gLower <= 0, EventKind.Jump);
    }
  } else {
    lowGood = hump && problem.timeUpper < problem.timeLower ? gUpper <= 0 : gLower <= 0;
  }
  const gVMin = problem.distanceVMin - distance;
  scratch.start = lower;
  scratch.end = problem.vMin;
  scratch.gStart = gLower;
  scratch.gEnd = gVMin;
  scratch.timeStart = problem.timeLower;
  scratch.timeEnd = problem.timeVMin;
  scanPath(problem, scratch, 1);
  if (gVMin > 0) {
    scratch.time = problem.timeVMin - gVMin / problem.vMin;
    scratch.peak = problem.vMin;
    scratch.push(1, true, EventKind.Profile);
  }

  return walkEvents(problem, scratch, upGood, lowGood);
}

/**
 * True when the hump part of a bound's path (from its global-minimum vertex to q, inside
 * [vertex, peak]) cannot change whether the bound admits the target, and neither can the jump
 * after it (`sameAcrossJump`): then q need not be found. Uses the spread bound of scanPath over
 * the whole vertex..peak interval.
 */
function steadyHump(problem: DofProblem, bound: number, sameAcrossJump: boolean): boolean {
  if (!sameAcrossJump) return false;
  const vertex = bound === 0 ? problem.lower : problem.upper;
  const gVertex = (bound === 0 ? problem.distanceLower : problem.distanceUpper) - problem.distance;
  const gPeak = problem.distancePeak - problem.distance;
  const spread = Math.max(Math.abs(vertex), Math.abs(problem.peak)) * Math.abs(problem.timePeak - (bound === 0 ? problem.timeLower : problem.timeUpper));
  const gLow = Math.min(gVertex, gPeak) - spread;
  const gHigh = Math.max(gVertex, gPeak) + spread;
  return bound === 0 ? gLow >= 0 || gHigh < 0 : gHigh <= 0 || gLow > 0;
}

/**
 * Finds the roots of D(vp) - distance on the path from scratch.start to scratch.end and records an
 * event for each. On the upper path T rises with vp (D is monotone where vp >= 0); on the lower
 * path T falls with vp (D is monotone where vp <= 0); elsewhere the interval is sampled.
 */
function scanPath(problem: DofProblem, scratch: Step1Scratch, bound: number): void {
  const start = scratch.start;
  const end = scratch.end;
  const gStart = scratch.gStart;
  const gEnd = scratch.gEnd;
  if (start === end) return;
  // The mixed part is vp < 0 on the upper path and vp > 0 on the lower path.
  const mixedStart = bound === 0 ? start < 0 : start > 0;
  const mixedEnd = bound === 0 ? end < 0 : end > 0;
  if (!mixedStart && !mixedEnd) {
    scanPiece(problem, scratch, bound);
    return;
  }
  let split = end;
  let gSplit = gEnd;
  let timeSplit = scratch.timeEnd;
  const timeStart = scratch.timeStart;
  const timeEnd = scratch.timeEnd;
  if (mixedStart !== mixedEnd) {
    split = 0;
    problem.candidate = 0;
    problem.evaluate();
    gSplit = problem.dist - problem.distance;
    timeSplit = problem.time;
  }
  const mixedFrom = mixedStart ? start : split;
  const mixedTo = mixedStart ? split : end;
  // On the mixed part |vp·T'| <= M·|T'| with M = max |vp|, and D' = vp·T' + K with K > 0, so D
  // stays within M·|ΔT| of its end values: skip the sampling when no sign change fits in that.
  const gFrom = mixedStart ? gStart : gSplit;
  const gTo = mixedStart ? gSplit : gEnd;
  const spread = Math.max(Math.abs(mixedFrom), Math.abs(mixedTo)) * Math.abs((mixedStart ? timeStart : timeSplit) - (mixedStart ? timeSplit : timeEnd));
  const gLow = Math.min(gFrom, gTo) - spread;
  const gHigh = Math.max(gFrom, gTo) + spread;
  const steady = bound === 0 ? gLow >= 0 || gHigh < 0 : gHigh <= 0 || gLow > 0;
  if (!mixedStart) {
    scratch.start = start;
    scratch.end = split;
    scratch.gStart = gStart;
    scratch.gEnd = gSplit;
    scanPiece(problem, scratch, bound);
  }
  let x = mixedFrom;
  let g = gFrom;
  for (let i = steady ? MIXED_SAMPLES + 1 : 1; i <= MIXED_SAMPLES; i++) {
    let xNext: number;
    let gNext: number;
    if (i === MIXED_SAMPLES) {
      xNext = mixedTo;
      gNext = mixedStart ? gSplit : gEnd;
    } else {
      xNext = mixedFrom + ((mixedTo - mixedFrom) * i) / MIXED_SAMPLES;
      problem.candidate = xNext;
      problem.evaluate();
      gNext = problem.dist - problem.distance;
    }
    scratch.start = x;
    scratch.end = xNext;
    scratch.gStart = g;
    scratch.gEnd = gNext;
    scanPiece(problem, scratch, bound);
    x = xNext;
    g = gNext;
  }
  if (mixedStart && mixedStart !== mixedEnd) {
    scratch.start = split;
    scratch.end = end;
    scratch.gStart = gSplit;
    scratch.gEnd = gEnd;
    scanPiece(problem, scratch, bound);
  }
}

/** Records the event of one sign change of D - distance on the piece in scratch, if any. */
function scanPiece(problem: DofProblem, scratch: Step1Scratch, bound: number): void {
  const gStart = scratch.gStart;
  const gEnd = scratch.gEnd;
  const goodStart = bound === 0 ? gStart >= 0 : gStart <= 0;
  const goodEnd = bound === 0 ? gEnd >= 0 : gEnd <= 0;
  if (goodStart === goodEnd) return;
  problem.rootValue = 0;
  problem.rootA = scratch.start;
  problem.rootB = scratch.end;
  problem.rootFa = gStart;
  problem.rootFb = gEnd;
  findRoot(problem, RootMode.Distance);
  scratch.time = problem.time;
  scratch.peak = problem.candidate;
  scratch.push(bound, goodEnd, EventKind.Profile);
}

/** Sorts the events and turns them into the minimum duration and blocked intervals (brake included). */
function walkEvents(problem: DofProblem, scratch: Step1Scratch, upGood: boolean, lowGood: boolean): boolean {
  const n = scratch.count;
  const times = scratch.eventTime;
  const bounds = scratch.eventBound;
  const goods = scratch.eventGood;
  const peaks = scratch.eventPeak;
  const kinds = scratch.eventKind;
  for (let i = 1; i < n; i++) {
    const t = times[i];
    const b = bounds[i];
    const g = goods[i];
    const v = peaks[i];
    const k = kinds[i];
    let j = i - 1;
    while (j >= 0 && times[j] > t) {
      times[j + 1] = times[j];
      bounds[j + 1] = bounds[j];
      goods[j + 1] = goods[j];
      peaks[j + 1] = peaks[j];
      kinds[j + 1] = kinds[j];
      j--;
    }
    times[j + 1] = t;
    bounds[j + 1] = b;
    goods[j + 1] = g;
    peaks[j + 1] = v;
    kinds[j + 1] = k;
  }
  const offset = problem.brakeDuration;
  let feasible = upGood && lowGood;
  let found = feasible;
  problem.minimumDuration = offset + problem.timeVelocityChange;
  problem.minimumPeak = problem.timeLower <= problem.timeUpper ? problem.lower : problem.upper;
  problem.minimumKind = EventKind.Profile;
  problem.blockedCount = 0;
  const blocked = problem.blocked;
  for (let i = 0; i < n; i++) {
    if (bounds[i] === 0) upGood = goods[i] === 1;
    else lowGood = goods[i] === 1;
    const now = upGood && lowGood;
    if (now === feasible) continue;
    feasible = now;
    const time = offset + times[i];
    if (now) {
      if (!found) {
        found = true;
        problem.minimumDuration = time;
        problem.minimumPeak = peaks[i];
        problem.minimumKind = kinds[i];
      } else if (problem.blockedCount > 0 && problem.blockedCount <= 4) {
        blocked[2 * problem.blockedCount - 1] = time;
        problem.blockedPeak[problem.blockedCount - 1] = peaks[i];
        problem.blockedKind[problem.blockedCount - 1] = kinds[i];
      }
    } else if (found) {
      // A blocked interval opens; it must close later.
      if (problem.blockedCount < 4) {
        blocked[2 * problem.blockedCount] = time;
        blocked[2 * problem.blockedCount + 1] = Infinity;
      }
      problem.blockedCount++;
    }
  }
  if (problem.blockedCount > 4) problem.blockedCount = 4;
  // Both bounds admit the target for long durations (cruising at vMax and vMin); ending blocked
  // means a spurious pair of events from rounding at a tie: drop that last interval.
  if (found && !feasible && problem.blockedCount > 0) problem.blockedCount--;
  return found;
}
