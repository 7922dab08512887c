// The smallest inertia each joint sees, over a few configurations: 1 / (M⁻¹)_kk, the inertia
// felt when every other joint is free. Sizes the stiff joint stops and the ideal servos so they
// stay stable for the step (computed once when a plant is built; allocates).
import { createData } from '../robot/data.ts';
import { crba } from '../robot/dynamics.ts';
import type { RobotModel } from '../robot/model.ts';
import { createRandom } from './random.ts';

/** Per joint (nv), min over q = 0 and 16 seeded random in-limit configurations of 1/(M⁻¹)_kk (kg·m² or kg). */
export function effectiveInertia(model: RobotModel, samples = 16): Float64Array {
  const nv = model.nv;
  const data = createData(model);
  const random = createRandom(7);
  const out = new Float64Array(nv).fill(Infinity);
  const q = new Float64Array(nv);
  const A = new Float64Array(nv * nv);
  for (let s = 0; s <= samples; s++) {
    for (let k = 0; k < nv; k++) {
      const lo = Number.isFinite(model.lowerLimit[k]) ? model.lowerLimit[k] : -Math.PI;
      const hi = Number.isFinite(model.upperLimit[k]) ? model.upperLimit[k] : Math.PI;
      q[k] = s === 0 ? Math.min(Math.max(0, lo), hi) : lo + (hi - lo) * random.uniform();
    }
    crba(model, data, q);
    A.set(data.M);
    // Cholesky A = L Lᵀ in place (lower triangle); (M⁻¹)_kk = |L⁻¹ e_k|².
    for (let j = 0; j < nv; j++) {
      let d = A[j * nv + j];
      for (let p = 0; p < j; p++) d -= A[j * nv + p] * A[j * nv + p];
      d = Math.sqrt(Math.max(d, 1e-12));
      A[j * nv + j] = d;
      for (let i = j + 1; i < nv; i++) {
        let x = A[i * nv + j];
        for (let p = 0; p < j; p++) x -= A[i * nv + p] * A[j * nv + p];
        A[i * nv + j] = x / d;
      }
    }
    const y = new Float64Array(nv);
    for (let k = 0; k < nv; k++) {
      // Forward substitution L y = e_k.
      y.fill(0);
      for (let i = k; i < nv; i++) {
        let x = i === k ? 1 : 0;
        for (let p = k; p < i; p++) x -= A[i * nv + p] * y[p];
        y[i] = x / A[i * nv + i];
      }
      let sum = 0;
      for (let i = k; i < nv; i++) sum += y[i] * y[i];
      out[k] = Math.min(out[k], 1 / sum);
    }
  }
  for (let k = 0; k < nv; k++) if (!(out[k] > 0) || !Number.isFinite(out[k])) out[k] = 1e-3;
  return out;
}
