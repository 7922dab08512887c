// Friction on one side of a drive: Coulomb + viscous + Stribeck (static curve) or LuGre (bristle
// state, pre-sliding), for a velocity imposed from outside. The drive step has its own copy of
// these formulas (drive-kernel.ts, with an implicit stick for the rotor it integrates). All @realtime.
import type { FrictionSet } from './drive-set.ts';

/** Sliding-friction magnitude at speed |v| (N·m): Coulomb + (breakaway - Coulomb)·exp(-(v/vs)²), no viscous. @realtime */
export function stribeckMagnitude(f: FrictionSet, joint: number, speed: number): number {
  const ratio = speed / f.stribeckVelocity[joint];
  const coulomb = f.coulomb[joint];
  return coulomb + (f.breakaway[joint] - coulomb) * Math.exp(-ratio * ratio);
}

/** Static-curve friction torque opposing velocity v, sign regularized linearly within ±smoothingVelocity, plus viscous. @realtime */
export function regularizedFriction(f: FrictionSet, joint: number, v: number): number {
  const speed = v < 0 ? -v : v;
  const eps = f.smoothingVelocity[joint];
  const magnitude = stribeckMagnitude(f, joint, speed);
  const sign = speed >= eps ? (v > 0 ? 1 : -1) : v / eps;
  return magnitude * sign + f.viscous[joint] * v;
}

/**
 * LuGre friction torque over a step h at velocity v; advances the bristle deflection in
 * `bristle[joint]` (implicit in z, stable for any h): τ = σ0·z + σ1·ż + viscous·v. @realtime
 */
export function lugreFriction(f: FrictionSet, joint: number, bristle: Float64Array, v: number, h: number): number {
  const speed = v < 0 ? -v : v;
  const sigma0 = f.sigma0[joint];
  const z = bristle[joint];
  const magnitude = stribeckMagnitude(f, joint, speed);
  const next = magnitude > 0 ? (z + h * v) / (1 + (h * sigma0 * speed) / magnitude) : 0;
  bristle[joint] = next;
  return sigma0 * next + f.sigma1[joint] * ((next - z) / h) + f.viscous[joint] * v;
}
