// Step 2: a profile of one DoF with a prescribed duration (the synchronized one).
//
// For a duration T the peak velocities with T(vp) <= T form one interval, or two when T is below
// the hump of T(vp); on each, the distance with cruise E(vp) = D + vp·(T - T(vp)) rises with vp.
// The target is found on one of them by root finding, or, when it lies in the gap between the two,
// as a convex blend of the two profiles at the gap's edges (same duration, so the blend of their
// jerks stays within the limits and ends in the target state).
import type { DofProblem } from './dof-problem.ts';
import { EventKind } from './profile-step1.ts';
import { findRoot, RootMode } from './roots.ts';

/** Most segments of one DoF's profile: 4 brake phases, and a blend of two 7-phase profiles. */
export const MAX_SEGMENTS = 20;

/** A piecewise-constant-jerk profile as durations and jerks, allocated once. */
export class SegmentList {
  /** Segment durations in s; MAX_SEGMENTS entries. */
  readonly durations = new Float64Array(MAX_SEGMENTS);
  /** Segment jerks; MAX_SEGMENTS entries. */
  readonly jerks = new Float64Array(MAX_SEGMENTS);
  /** 1 where the segment starts at zero acceleration exactly (a cruise): rounding is not carried on. */
  readonly cruises = new Uint8Array(MAX_SEGMENTS);
  count = 0;
  /**
   * The segment the next `add` or `addCruise` appends: [duration in s, jerk]. A slot, not
   * arguments: V8 boxes a double passed to a call it does not inline, and with the CLI's inlining
   * budget (cli/v8-flags.js) `calculate` inlines appendFamily and appendBrake so late that their
   * calls to `add` are never considered and stay real calls.
   */
  readonly next = new Float64Array(2);

  /** Appends the segment in `next`; zero-length segments are skipped. */
  add(): void {
    const duration = this.next[0];
    if (!(duration > 0) || this.count >= MAX_SEGMENTS) return;
    this.durations[this.count] = duration;
    this.jerks[this.count] = this.next[1];
    this.cruises[this.count] = 0;
    this.count++;
  }

  /** Appends a cruise (zero jerk from zero acceleration) of duration `next[0]`; skipped when empty. */
  addCruise(): void {
    const duration = this.next[0];
    if (!(duration > 0) || this.count >= MAX_SEGMENTS) return;
    this.durations[this.count] = duration;
    this.jerks[this.count] = 0;
    this.cruises[this.count] = 1;
    this.count++;
  }
}

/** Scratch for step 2, allocated once per generator. */
export class Step2Scratch {
  readonly first = new SegmentList();
  readonly second = new SegmentList();
  /** Weight of `first` in a blend. */
  weight = 0;
}

/** Appends the brake phases of a prepared problem. */
export function appendBrake(problem: DofProblem, list: SegmentList): void {
  const next = list.next;
  for (let i = 0; i < problem.brakeCount; i++) {
    next[0] = problem.brakeTimes[i];
    next[1] = problem.brakeJerks[i];
    list.add();
  }
}

/** Appends the profile of the last `evaluate` with cruise time `problem.cruise`. */
function appendFamily(problem: DofProblem, list: SegmentList): void {
  const next = list.next;
  const jerkA = problem.signA * problem.jerk;
  const jerkB = problem.signB * problem.jerk;
  next[0] = problem.timeA1;
  next[1] = jerkA;
  list.add();
  next[0] = problem.timeA2;
  next[1] = 0;
  list.add();
  next[0] = problem.timeA3;
  next[1] = -jerkA;
  list.add();
  next[0] = problem.cruise;
  list.addCruise();
  next[0] = problem.timeB1;
  next[1] = jerkB;
  list.add();
  next[0] = problem.timeB2;
  next[1] = 0;
  list.add();
  next[0] = problem.timeB3;
  next[1] = -jerkB;
  list.add();
}

/**
 * Writes into `list` (after clearing it) a profile of total duration `problem.requestedDuration`
 * (brake included). Returns false when the duration is not feasible for this DoF.
 * @realtime
 */
export function buildForDuration(problem: DofProblem, list: SegmentList, scratch: Step2Scratch): boolean {
  const total = problem.requestedDuration;
  list.count = 0;
  appendBrake(problem, list);
  let duration = total - problem.brakeDuration;
  const timeTolerance = 1e-12 * (1 + total);
  // Snap to a landmark of T(vp) within rounding (the brake offset was added and taken away),
  // so that the branch tests below see it exactly. Written out, not a snap(value, landmark,
  // tolerance) helper: a double passed to or returned from a call V8 does not inline is boxed.
  duration = Math.abs(duration - problem.timeUpper) <= timeTolerance ? problem.timeUpper : duration;
  duration = Math.abs(duration - problem.timeLower) <= timeTolerance ? problem.timeLower : duration;
  duration = Math.abs(duration - problem.timeVMax) <= timeTolerance ? problem.timeVMax : duration;
  duration = Math.abs(duration - problem.timeVMin) <= timeTolerance ? problem.timeVMin : duration;
  duration = Math.abs(duration - problem.timePeak) <= timeTolerance ? problem.timePeak : duration;
  if (duration < problem.timeVelocityChange) {
    if (duration < problem.timeVelocityChange - timeTolerance) return false;
    duration = problem.timeVelocityChange;
  }
  // At a duration step 1 ended on, rebuild its profile: recomputing the peak velocity from the
  // duration loses precision near the square-root corners of T(vp).
  let peakVelocity = Number.NaN;
  if (total === problem.minimumDuration && problem.minimumKind === EventKind.Profile) peakVelocity = problem.minimumPeak;
  for (let b = 0; b < problem.blockedCount; b++) {
    if (total === problem.blocked[2 * b + 1] && problem.blockedKind[b] === EventKind.Profile) peakVelocity = problem.blockedPeak[b];
  }
  if (peakVelocity === peakVelocity) {
    problem.candidate = peakVelocity;
    problem.evaluate();
    const rest = duration - problem.time;
    problem.cruise = rest > 0 ? rest : 0;
    appendFamily(problem, list);
    return true;
  }
  const distance = problem.distance;
  const lower = problem.lower;
  const upper = problem.upper;
  const hump = upper > lower;

  problem.mainDuration = duration;
  if (fastRetime(problem, list)) return true;

  // Right end u of the peak-velocity range, and E there.
  let right: number;
  if (duration >= problem.timeVMax) {
    right = problem.vMax;
  } else {
    if (duration >= problem.timeUpper) {
      problem.rootValue = duration;
      problem.rootA = upper;
      problem.rootB = problem.vMax;
      problem.rootFa = problem.timeUpper - duration;
      problem.rootFb = problem.timeVMax - duration;
    } else {
      problem.rootValue = duration;
      problem.rootA = lower;
      problem.rootB = problem.peak;
      problem.rootFa = problem.timeLower - duration;
      problem.rootFb = problem.timePeak - duration;
    }
    findRoot(problem, RootMode.Time);
    right = problem.candidate;
  }
  problem.candidate = right;
  problem.evaluate();
  const eRight = problem.dist + right * (duration - problem.time) - distance;
  // Left end l.
  let left: number;
  if (duration >= problem.timeVMin) {
    left = problem.vMin;
  } else {
    if (duration >= problem.timeLower) {
      problem.rootValue = duration;
      problem.rootA = problem.vMin;
      problem.rootB = lower;
      problem.rootFa = problem.timeVMin - duration;
      problem.rootFb = problem.timeLower - duration;
    } else {
      problem.rootValue = duration;
      problem.rootA = problem.peak;
      problem.rootB = upper;
      problem.rootFa = problem.timePeak - duration;
      problem.rootFb = problem.timeUpper - duration;
    }
    findRoot(problem, RootMode.Time);
    left = problem.candidate;
  }
  problem.candidate = left;
  problem.evaluate();
  const eLeft = problem.dist + left * (duration - problem.time) - distance;

  // Rounding of the distances compared, plus a sliver of the reachable span [eLeft, eRight].
  const tolerance = 1e-12 * (Math.abs(distance) + (Math.abs(problem.v0) + Math.abs(problem.vf)) * duration) + 1e-8 * (eRight - eLeft) + 1e-300;
  if (eLeft > tolerance || eRight < -tolerance) return false;

  let from = left;
  let to = right;
  let eFrom = eLeft;
  let eTo = eRight;
  if (hump && duration < problem.timePeak && duration >= problem.timeLower && duration >= problem.timeUpper) {
    // Two intervals [left, m1] and [m2, right] with a gap between.
    problem.rootValue = duration;
    problem.rootA = lower;
    problem.rootB = problem.peak;
    problem.rootFa = problem.timeLower - duration;
    problem.rootFb = problem.timePeak - duration;
    findRoot(problem, RootMode.Time);
    const m1 = problem.candidate;
    const e1 = problem.dist - distance;
    problem.rootValue = duration;
    problem.rootA = problem.peak;
    problem.rootB = upper;
    problem.rootFa = problem.timePeak - duration;
    problem.rootFb = problem.timeUpper - duration;
    findRoot(problem, RootMode.Time);
    const m2 = problem.candidate;
    const e2 = problem.dist - distance;
    if (e1 >= -tolerance) {
      to = m1;
      eTo = e1;
    } else if (e2 <= tolerance) {
      from = m2;
      eFrom = e2;
    } else {
      // Gap: blend the two profiles without cruise at m1 and m2.
      const first = scratch.first;
      const second = scratch.second;
      first.count = 0;
      second.count = 0;
      problem.cruise = 0;
      problem.candidate = m1;
      problem.evaluate();
      appendFamily(problem, first);
      problem.candidate = m2;
      problem.evaluate();
      appendFamily(problem, second);
      scratch.weight = e2 / (e2 - e1);
      blend(scratch, list);
      return true;
    }
  }
  if (eFrom >= 0 || eTo <= 0) {
    problem.candidate = eFrom >= 0 ? from : to;
    problem.evaluate();
  } else {
    problem.rootValue = duration;
    problem.rootA = from;
    problem.rootB = to;
    problem.rootFa = eFrom;
    problem.rootFb = eTo;
    findRoot(problem, RootMode.Cruise);
  }
  const cruise = duration - problem.time;
  problem.cruise = cruise > 0 ? cruise : 0;
  appendFamily(problem, list);
  return true;
}

/**
 * The common case without finding the ends of the peak-velocity range: when T(vp) <= duration
 * (`problem.mainDuration`, brake excluded) on
 * all of [lower, upper], E is known for free at lower, upper, vMin and vMax (with a negative cruise
 * beyond the range's ends); a root bracketed by them is valid when its cruise is not negative.
 */
function fastRetime(problem: DofProblem, list: SegmentList): boolean {
  const duration = problem.mainDuration;
  if (problem.upper > problem.lower && duration < problem.timePeak) return false;
  const distance = problem.distance;
  const eLower = problem.distanceLower + problem.lower * (duration - problem.timeLower) - distance;
  const eUpper = problem.distanceUpper + problem.upper * (duration - problem.timeUpper) - distance;
  problem.rootValue = duration;
  if (eLower <= 0 && eUpper >= 0) {
    problem.rootA = problem.lower;
    problem.rootB = problem.upper;
    problem.rootFa = eLower;
    problem.rootFb = eUpper;
  } else if (eUpper < 0) {
    const eVMax = problem.distanceVMax + problem.vMax * (duration - problem.timeVMax) - distance;
    if (eVMax < 0) return false;
    problem.rootA = problem.upper;
    problem.rootB = problem.vMax;
    problem.rootFa = eUpper;
    problem.rootFb = eVMax;
  } else {
    const eVMin = problem.distanceVMin + problem.vMin * (duration - problem.timeVMin) - distance;
    if (eVMin > 0) return false;
    problem.rootA = problem.vMin;
    problem.rootB = problem.lower;
    problem.rootFa = eVMin;
    problem.rootFb = eLower;
  }
  findRoot(problem, RootMode.Cruise);
  const cruise = duration - problem.time;
  if (cruise < -1e-12 * (1 + duration)) return false;
  problem.cruise = cruise > 0 ? cruise : 0;
  appendFamily(problem, list);
  return true;
}

/** Appends weight·first + (1 - weight)·second (jerk-wise, over the same duration) to `out`. */
function blend(scratch: Step2Scratch, out: SegmentList): void {
  const first = scratch.first;
  const second = scratch.second;
  const weight = scratch.weight;
  let i = 0;
  let j = 0;
  let leftFirst = first.count > 0 ? first.durations[0] : 0;
  let leftSecond = second.count > 0 ? second.durations[0] : 0;
  const other = 1 - weight;
  while (i < first.count && j < second.count) {
    const step = leftFirst < leftSecond ? leftFirst : leftSecond;
    out.next[0] = step;
    out.next[1] = weight * first.jerks[i] + other * second.jerks[j];
    out.add();
    leftFirst -= step;
    leftSecond -= step;
    if (leftFirst <= 1e-15) {
      i++;
      leftFirst = i < first.count ? first.durations[i] + leftFirst : 0;
    }
    if (leftSecond <= 1e-15) {
      j++;
      leftSecond = j < second.count ? second.durations[j] + leftSecond : 0;
    }
  }
}
