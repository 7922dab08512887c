// A payload held at the tip: a rigid body (mass, centre of mass and inertia in the tip frame)
// combined with the tip link's own inertia into a model copy, so the dynamics see the arm
// carrying it. Changing a payload builds a new model (an event, not a step: it may allocate).
import type { RobotModel } from '../robot/model.ts';

/** A rigid payload fixed to a link. */
export interface Payload {
  /** kg, >= 0 */
  mass: number;
  /** Centre of mass in the link frame (3, m). */
  com: readonly number[];
  /** Rotational inertia about the COM in link axes (9 row-major or 3 diagonal, kg·m²); default: a point mass. */
  inertia?: readonly number[];
}

/** Validates a payload from `unknown`, naming the field that is wrong. */
export function parsePayload(value: unknown, field = 'payload'): Payload {
  if (typeof value !== 'object' || value === null) throw new Error(`${field}: expected an object {mass, com, inertia?}, got ${JSON.stringify(value)}`);
  const record = value as Record<string, unknown>;
  const mass = record.mass;
  if (typeof mass !== 'number' || !(mass >= 0) || !Number.isFinite(mass)) throw new Error(`${field}.mass = ${JSON.stringify(mass)}: expected a finite number >= 0 (kg)`);
  const vector = (key: string, lengths: number[]): number[] | undefined => {
    const raw = record[key];
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || !lengths.includes(raw.length) || !raw.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`${field}.${key} = ${JSON.stringify(raw)}: expected ${lengths.join(' or ')} finite numbers`);
    }
    return raw as number[];
  };
  return { mass, com: vector('com', [3]) ?? [0, 0, 0], inertia: vector('inertia', [3, 9]) };
}

/**
 * Returns a copy of `model` whose link `link` also carries `payload` (from the link's values in
 * `base`, the model without payload). Mass, COM and inertia arrays are fresh; the rest is shared.
 */
export function modelWithPayload(base: RobotModel, link: number, payload: Payload | null): RobotModel {
  const mass = Float64Array.from(base.mass);
  const com = Float64Array.from(base.com);
  const inertia = Float64Array.from(base.inertia);
  if (payload && payload.mass > 0) {
    const m1 = base.mass[link], m2 = payload.mass, m = m1 + m2;
    const c1 = [base.com[3 * link], base.com[3 * link + 1], base.com[3 * link + 2]];
    const c2 = payload.com;
    const c = [0, 1, 2].map((j) => (m1 * c1[j] + m2 * c2[j]) / m);
    const I2 = payload.inertia === undefined ? [0, 0, 0, 0, 0, 0, 0, 0, 0]
      : payload.inertia.length === 3 ? [payload.inertia[0], 0, 0, 0, payload.inertia[1], 0, 0, 0, payload.inertia[2]]
      : [...payload.inertia];
    // Parallel-axis theorem: I_c = Σ I_i + m_i (|d_i|² 1 − d_i d_iᵀ), d_i = c_i − c.
    const shifted = (mi: number, ci: readonly number[], r: number, s: number) => {
      const d = [ci[0] - c[0], ci[1] - c[1], ci[2] - c[2]];
      const dd = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
      return mi * ((r === s ? dd : 0) - d[r] * d[s]);
    };
    for (let r = 0; r < 3; r++) {
      for (let s = 0; s < 3; s++) {
        inertia[9 * link + 3 * r + s] = base.inertia[9 * link + 3 * r + s] + I2[3 * r + s] + shifted(m1, c1, r, s) + shifted(m2, c2, r, s);
      }
    }
    mass[link] = m;
    com.set(c, 3 * link);
  }
  return Object.freeze({ ...base, mass, com, inertia });
}
