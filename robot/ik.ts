// Inverse kinematics: damped least squares (Levenberg-Marquardt) with joint limits, random
// restarts inside a time budget, position / orientation weights and a position-only mode.
//
// Each iteration solves (Jᵀ·W·J + λ·I)·dq = Jᵀ·W·e with λ = k·eᵀ·W·e + λ₀, the error-scaled damping of
// Sugihara ("Solvability-unconcerned inverse kinematics by the Levenberg-Marquardt method", IEEE
// T-RO 2011): large steps are damped far from the goal, Gauss-Newton speed near it. The step is
// projected onto the joint limits. An attempt that stops improving restarts from a random
// configuration inside the limits (seeded generator: the same call gives the same answer unless
// the time budget cuts it short).
import type { RobotModel } from './model.ts';
import { createData, LinkCode, type RobotData } from './data.ts';
import { chainForwardKinematics } from './kinematics.ts';
import { isRotation, rotationLog, rotationMultiplyTranspose } from './se3.ts';
import { choleskyFactor, choleskySolve } from './dynamics-bodies.ts';
import { Random } from './random.ts';

/** Outcome of a solve: `converged` (within tolerances and limits), `time-budget` (best effort in `out`), `unreachable` (farther than the arm reaches), `invalid-input`. */
export type IkStatus = 'converged' | 'time-budget' | 'unreachable' | 'invalid-input';

/** A goal pose of the tip in the base frame: p (3, m) and R (9, row-major; its columns are the tip axes). R may be omitted in position-only mode. */
export interface IkTarget {
  p: ArrayLike<number>;
  R?: ArrayLike<number>;
}

/** Solver settings; each has a default. */
export interface IkOptions {
  /** Tip link (name or index; default model.tip). */
  tip?: string | number;
  /** Weight of the position error (1/m) and of the orientation error (1/rad) (default 1 and 1). */
  positionWeight?: number;
  orientationWeight?: number;
  /** Solve for the position only (default false). */
  positionOnly?: boolean;
  /** Success tolerances: position (m) and orientation angle (rad) (default 1e-6 each). */
  positionTolerance?: number;
  orientationTolerance?: number;
  /** Wall-clock budget of one solve (s, default 0.005). */
  timeBudget?: number;
  /** Iterations of one attempt before a restart (default 40). */
  maxIterations?: number;
  /** Seed of the restart generator (default 1). */
  randomSeed?: number;
  /** Damping floor λ₀ added to the error-scaled damping (default 1e-6). */
  dampingFloor?: number;
  /** An attempt restarts after this many iterations without a 0.5 % improvement (default 4). */
  stallIterations?: number;
}

/** Per-call overrides of a solve. */
export interface IkSolveOptions {
  positionOnly?: boolean;
  timeBudget?: number;
  randomSeed?: number;
}

/** An IK solver bound to one model and tip; it owns every buffer it uses. */
export class IkSolver {
  readonly model: RobotModel;
  readonly data: RobotData;
  /** Link whose origin is placed. */
  readonly tip: number;
  /** q indices the solver moves (those that move the tip), and their count. */
  readonly variables: Int32Array;
  readonly n: number;
  positionWeight: number;
  orientationWeight: number;
  positionOnly: boolean;
  positionTolerance: number;
  orientationTolerance: number;
  timeBudget: number;
  maxIterations: number;
  randomSeed: number;
  dampingFloor: number;
  /** Damping per unit squared weighted error (default 0.05; Sugihara's E = ½·eᵀ·W·e would be 0.5, measured slower here). */
  dampingGain = 0.05;
  stallIterations: number;
  /** After a solve: iterations, attempts (1 + restarts), and the position (m) / orientation (rad) error of `out`. */
  iterations = 0;
  attempts = 0;
  positionError = 0;
  orientationError = 0;
  /** After each iteration: [position error (m), orientation error (rad)] before its step. */
  readonly error = new Float64Array(2);
  /** Distance bound from the first moving joint's origin to the tip (m), and that origin in the base frame. */
  readonly reach: number;
  private readonly reachOrigin = new Float64Array(3);
  private readonly variableOf: Int32Array;
  private readonly targetP = new Float64Array(3);
  private readonly targetR = new Float64Array(9);
  private readonly rotation = new Float64Array(9);
  private readonly residual = new Float64Array(6);
  private readonly J: Float64Array;
  private readonly normal: Float64Array;
  private readonly step: Float64Array;
  private readonly held: Uint8Array;
  private readonly q: Float64Array;
  private readonly best: Float64Array;
  private readonly rng = new Random(1);

  constructor(model: RobotModel, options: IkOptions = {}) {
    this.model = model;
    this.data = createData(model);
    const tip = options.tip === undefined ? model.tip : typeof options.tip === 'number' ? options.tip : model.linkNames.indexOf(options.tip);
    if (!(tip >= 0 && tip < model.nlinks && Number.isInteger(tip))) {
      throw new Error(`IK tip = ${JSON.stringify(options.tip)}: expected a link of "${model.name}" (${model.linkNames.join(', ')})`);
    }
    this.tip = tip;
    this.variableOf = new Int32Array(model.nq).fill(-1);
    const variables: number[] = [];
    const data = this.data;
    let firstMoving = -1;
    for (let k = data.pathStart[tip]; k < data.pathStart[tip + 1]; k++) {
      const link = data.pathLinks[k];
      if (data.linkCode[link] === LinkCode.fixed) continue;
      if (firstMoving < 0) firstMoving = k;
      const index = model.linkQ[link];
      if (this.variableOf[index] < 0) {
        this.variableOf[index] = variables.length;
        variables.push(index);
      }
    }
    this.variables = Int32Array.from(variables);
    this.n = variables.length;
    this.J = new Float64Array(6 * Math.max(1, this.n));
    this.normal = new Float64Array(Math.max(1, this.n * this.n));
    this.step = new Float64Array(Math.max(1, this.n));
    this.held = new Uint8Array(Math.max(1, this.n));
    this.q = new Float64Array(model.nq);
    this.best = new Float64Array(model.nq);
    // Reach: the segments after the first moving joint keep their lengths; prismatic travel adds at most its largest extent.
    chainForwardKinematics(model, data, this.q, tip);
    let reach = 0;
    if (firstMoving >= 0) {
      const first = data.pathLinks[firstMoving];
      for (let r = 0; r < 3; r++) this.reachOrigin[r] = data.X_WL[12 * first + 9 + r];
      for (let k = firstMoving + 1; k < data.pathStart[tip + 1]; k++) {
        const link = data.pathLinks[k], o = 12 * link + 9;
        reach += Math.hypot(model.origin[o], model.origin[o + 1], model.origin[o + 2]);
      }
      for (let k = firstMoving; k < data.pathStart[tip + 1]; k++) {
        const link = data.pathLinks[k];
        if (data.linkCode[link] !== LinkCode.prismatic) continue;
        const index = model.linkQ[link], m = Math.abs(model.linkMultiplier[link]);
        reach += m * Math.max(Math.abs(model.lowerLimit[index]), Math.abs(model.upperLimit[index])) + Math.abs(model.linkOffset[link]);
      }
    }
    this.reach = reach;
    this.positionWeight = positive(options.positionWeight, 1, 'positionWeight');
    this.orientationWeight = positive(options.orientationWeight, 1, 'orientationWeight');
    this.positionOnly = options.positionOnly ?? false;
    this.positionTolerance = positive(options.positionTolerance, 1e-6, 'positionTolerance');
    this.orientationTolerance = positive(options.orientationTolerance, 1e-6, 'orientationTolerance');
    this.timeBudget = positive(options.timeBudget, 0.005, 'timeBudget');
    this.maxIterations = positive(options.maxIterations, 40, 'maxIterations');
    this.randomSeed = options.randomSeed ?? 1;
    this.dampingFloor = positive(options.dampingFloor, 1e-6, 'dampingFloor');
    this.stallIterations = positive(options.stallIterations, 4, 'stallIterations');
  }

  /** Copies and checks a target; false when it is not finite or R is not a rotation. */
  setTarget(target: IkTarget, positionOnly: boolean): boolean {
    const p = target.p, R = target.R;
    if (p === undefined || p === null || p.length !== 3) return false;
    for (let k = 0; k < 3; k++) {
      if (!Number.isFinite(p[k])) return false;
      this.targetP[k] = p[k];
    }
    if (R === undefined || R === null) {
      if (!positionOnly) return false;
      for (let k = 0; k < 9; k++) this.targetR[k] = k % 4 === 0 ? 1 : 0;
      return true;
    }
    if (R.length !== 9 || !isRotation(R, 1e-6)) return false;
    for (let k = 0; k < 9; k++) this.targetR[k] = R[k];
    return true;
  }

  /** Tip pose at q and the weighted residual; writes `error`; true when within the tolerances. @realtime */
  private measure(q: Float64Array, positionOnly: boolean): boolean {
    const data = this.data, tip = this.tip, e = this.residual;
    chainForwardKinematics(this.model, data, q, tip);
    const X = data.X_WL, t = 12 * tip;
    const ex = this.targetP[0] - X[t + 9], ey = this.targetP[1] - X[t + 10], ez = this.targetP[2] - X[t + 11];
    const positionError = Math.sqrt(ex * ex + ey * ey + ez * ez);
    const wp = this.positionWeight, wo = this.orientationWeight;
    e[0] = wp * ex; e[1] = wp * ey; e[2] = wp * ez;
    let orientationError = 0;
    if (!positionOnly) {
      rotationMultiplyTranspose(this.targetR, 0, X, t, this.rotation, 0);
      rotationLog(this.rotation, 0, e, 3);
      orientationError = Math.sqrt(e[3] * e[3] + e[4] * e[4] + e[5] * e[5]);
      e[3] *= wo; e[4] *= wo; e[5] *= wo;
    }
    this.error[0] = positionError;
    this.error[1] = orientationError;
    return positionError <= this.positionTolerance && (positionOnly || orientationError <= this.orientationTolerance);
  }

  /**
   * One damped least-squares step on q (nq, in place) towards the target of the last setTarget;
   * writes the errors before the step to `error`. Returns true when q already met the
   * tolerances (no step taken). @realtime
   */
  iterate(q: Float64Array, positionOnly: boolean = this.positionOnly): boolean {
    if (this.measure(q, positionOnly)) return true;
    const model = this.model, data = this.data, tip = this.tip, n = this.n, J = this.J, e = this.residual;
    const X = data.X_WL, t = 12 * tip, wp = this.positionWeight, wo = this.orientationWeight;
    const rows = positionOnly ? 3 : 6;
    // Jacobian of the weighted residual's pose (rows vx vy vz wx wy wz) for the variables.
    J.fill(0, 0, 6 * n);
    const A = model.axis, px = X[t + 9], py = X[t + 10], pz = X[t + 11];
    const path = data.pathLinks, end = data.pathStart[tip + 1];
    for (let k = data.pathStart[tip]; k < end; k++) {
      const i = path[k], code = data.linkCode[i];
      if (code === LinkCode.fixed) continue;
      const o = 12 * i, m = model.linkMultiplier[i], col = this.variableOf[model.linkQ[i]];
      const ux = A[3 * i], uy = A[3 * i + 1], uz = A[3 * i + 2];
      const zx = m * (X[o] * ux + X[o + 1] * uy + X[o + 2] * uz);
      const zy = m * (X[o + 3] * ux + X[o + 4] * uy + X[o + 5] * uz);
      const zz = m * (X[o + 6] * ux + X[o + 7] * uy + X[o + 8] * uz);
      if (code === LinkCode.prismatic) {
        J[col] += wp * zx; J[n + col] += wp * zy; J[2 * n + col] += wp * zz;
      } else {
        const rx = px - X[o + 9], ry = py - X[o + 10], rz = pz - X[o + 11];
        J[col] += wp * (zy * rz - zz * ry); J[n + col] += wp * (zz * rx - zx * rz); J[2 * n + col] += wp * (zx * ry - zy * rx);
        J[3 * n + col] += wo * zx; J[4 * n + col] += wo * zy; J[5 * n + col] += wo * zz;
      }
    }
    // Normal equations (Jᵀ·J + λ·I)·dq = Jᵀ·e over the free variables. A variable resting on a
    // limit that the step pushes further out is held there and the step solved again without it,
    // so the other joints take up the motion instead of it being lost to the projection.
    let energy = 0;
    for (let r = 0; r < rows; r++) energy += e[r] * e[r];
    const lambda = this.dampingGain * energy + this.dampingFloor;
    const N = this.normal, g = this.step, held = this.held, lower = model.lowerLimit, upper = model.upperLimit;
    held.fill(0);
    for (let round = 0; round < 3; round++) {
      for (let a = 0; a < n; a++) {
        if (held[a] === 1) {
          for (let b = 0; b < n; b++) N[a * n + b] = N[b * n + a] = 0;
          N[a * n + a] = 1;
          g[a] = 0;
          continue;
        }
        let s = 0;
        for (let r = 0; r < rows; r++) s += J[r * n + a] * e[r];
        g[a] = s;
        for (let b = 0; b <= a; b++) {
          let sum = 0;
          if (held[b] === 0) for (let r = 0; r < rows; r++) sum += J[r * n + a] * J[r * n + b];
          N[a * n + b] = sum;
          N[b * n + a] = sum;
        }
        N[a * n + a] += lambda;
      }
      if (!choleskyFactor(N, n)) return false;
      choleskySolve(N, n, g);
      let changed = false;
      for (let a = 0; a < n; a++) {
        if (held[a] === 1) continue;
        const index = this.variables[a], value = q[index];
        if ((value <= lower[index] && g[a] < 0) || (value >= upper[index] && g[a] > 0)) {
          held[a] = 1;
          changed = true;
        }
      }
      if (!changed) break;
    }
    for (let a = 0; a < n; a++) {
      if (held[a] === 1) continue;
      const index = this.variables[a];
      let value = q[index] + g[a];
      if (value < lower[index]) value = lower[index];
      else if (value > upper[index]) value = upper[index];
      q[index] = value;
    }
    return false;
  }

  /**
   * Solves for q placing the tip at `target`, starting from `seed` (nq); the answer (or the best
   * found) lands in `out` (nq), always inside the joint limits. Allocates nothing.
   */
  solve(target: IkTarget, seed: ArrayLike<number>, out: Float64Array, options?: IkSolveOptions): IkStatus {
    const model = this.model, nq = model.nq, q = this.q, best = this.best;
    const positionOnly = options?.positionOnly ?? this.positionOnly;
    const budget = 1000 * (options?.timeBudget ?? this.timeBudget);
    this.rng.reseed(options?.randomSeed ?? this.randomSeed);
    this.iterations = 0;
    this.attempts = 0;
    if (seed === null || seed === undefined || seed.length !== nq || out === null || out === undefined || out.length !== nq) return 'invalid-input';
    for (let k = 0; k < nq; k++) if (!Number.isFinite(seed[k])) return 'invalid-input';
    if (!this.setTarget(target, positionOnly)) return 'invalid-input';
    const lower = model.lowerLimit, upper = model.upperLimit;
    for (let k = 0; k < nq; k++) q[k] = Math.min(upper[k], Math.max(lower[k], seed[k]));
    best.set(q);
    const dx = this.targetP[0] - this.reachOrigin[0], dy = this.targetP[1] - this.reachOrigin[1], dz = this.targetP[2] - this.reachOrigin[2];
    if (Math.sqrt(dx * dx + dy * dy + dz * dz) > this.reach * (1 + 1e-9) + this.positionTolerance) {
      return this.finish(best, out, 'unreachable', positionOnly);
    }
    const start = performance.now();
    let bestScore = Infinity;
    for (;;) {
      this.attempts++;
      let attemptBest = Infinity, stalled = 0;
      for (let it = 0; it < this.maxIterations; it++) {
        this.iterations++;
        if (this.iterate(q, positionOnly)) {
          best.set(q);
          return this.finish(best, out, 'converged', positionOnly);
        }
        const score = this.error[0] * this.positionWeight + (positionOnly ? 0 : this.error[1] * this.orientationWeight);
        if (score < bestScore) {
          bestScore = score;
          best.set(q);
        }
        if (score < attemptBest * 0.995) {
          attemptBest = score;
          stalled = 0;
        } else if (++stalled >= this.stallIterations) break;
        if ((this.iterations & 7) === 0 && performance.now() - start > budget) return this.finish(best, out, 'time-budget', positionOnly);
      }
      if (performance.now() - start > budget) return this.finish(best, out, 'time-budget', positionOnly);
      // Restart from a random configuration inside the limits (continuous joints: [-π, π]).
      q.set(best);
      for (let a = 0; a < this.n; a++) {
        const index = this.variables[a];
        const lo = Number.isFinite(lower[index]) ? lower[index] : -Math.PI;
        const hi = Number.isFinite(upper[index]) ? upper[index] : Math.PI;
        q[index] = lo + (hi - lo) * this.rng.uniform();
      }
    }
  }

  /** Copies q to out and records its errors. */
  private finish(q: Float64Array, out: Float64Array, status: IkStatus, positionOnly: boolean): IkStatus {
    out.set(q);
    this.measure(out, positionOnly);
    this.positionError = this.error[0];
    this.orientationError = this.error[1];
    return status;
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(typeof value === 'number' && value > 0 && Number.isFinite(value))) throw new Error(`IK option ${name} = ${String(value)}: expected a positive finite number`);
  return value;
}

/** Creates an IK solver for `model` (see IkOptions for the tip, weights, tolerances and budget). */
export function createIkSolver(model: RobotModel, options: IkOptions = {}): IkSolver {
  return new IkSolver(model, options);
}
