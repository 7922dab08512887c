// Input validation: finds the first malformed field and names it with its DoF index and value.
import type { TrajectoryInput } from './types.ts';

/** Returns null when `input` is well formed for `dofs` DoFs, else a message naming field, DoF and value. */
export function validateTrajectoryInput(input: TrajectoryInput, dofs: number): string | null {
  if (input.dofs !== dofs) return `dofs: expected ${dofs} (the generator's DoF count), got ${input.dofs}`;
  if (input.synchronization !== 'time' && input.synchronization !== 'none') {
    return `synchronization: expected "time" or "none", got ${JSON.stringify(input.synchronization)}`;
  }
  const minVelocity = input.minVelocity;
  const minAcceleration = input.minAcceleration;
  // Field by field, so that a valid input allocates nothing.
  const shape =
    checkShape('currentPosition', input.currentPosition, dofs) ??
    checkShape('currentVelocity', input.currentVelocity, dofs) ??
    checkShape('currentAcceleration', input.currentAcceleration, dofs) ??
    checkShape('targetPosition', input.targetPosition, dofs) ??
    checkShape('targetVelocity', input.targetVelocity, dofs) ??
    checkShape('targetAcceleration', input.targetAcceleration, dofs) ??
    checkShape('maxVelocity', input.maxVelocity, dofs) ??
    checkShape('maxAcceleration', input.maxAcceleration, dofs) ??
    checkShape('maxJerk', input.maxJerk, dofs) ??
    checkShape('minVelocity', minVelocity, dofs) ??
    checkShape('minAcceleration', minAcceleration, dofs);
  if (shape !== null) return shape;
  for (let i = 0; i < dofs; i++) {
    const finite =
      checkFinite('currentPosition', input.currentPosition, i) ??
      checkFinite('currentVelocity', input.currentVelocity, i) ??
      checkFinite('currentAcceleration', input.currentAcceleration, i) ??
      checkFinite('targetPosition', input.targetPosition, i) ??
      checkFinite('targetVelocity', input.targetVelocity, i) ??
      checkFinite('targetAcceleration', input.targetAcceleration, i) ??
      checkFinite('maxVelocity', input.maxVelocity, i) ??
      checkFinite('maxAcceleration', input.maxAcceleration, i) ??
      checkFinite('maxJerk', input.maxJerk, i) ??
      checkFinite('minVelocity', minVelocity, i) ??
      checkFinite('minAcceleration', minAcceleration, i);
    if (finite !== null) return finite;
    const vMax = input.maxVelocity[i];
    const aMax = input.maxAcceleration[i];
    const jerk = input.maxJerk[i];
    if (!(vMax > 0)) return `maxVelocity[${i}]: expected a value > 0, got ${vMax}`;
    if (!(aMax > 0)) return `maxAcceleration[${i}]: expected a value > 0, got ${aMax}`;
    if (!(jerk > 0)) return `maxJerk[${i}]: expected a value > 0, got ${jerk}`;
    const vMin = minVelocity === null ? -vMax : minVelocity[i];
    const aMin = minAcceleration === null ? -aMax : minAcceleration[i];
    if (!(vMin < 0)) return `minVelocity[${i}]: expected a value < 0, got ${vMin}`;
    if (!(aMin < 0)) return `minAcceleration[${i}]: expected a value < 0, got ${aMin}`;
    const vf = input.targetVelocity[i];
    const af = input.targetAcceleration[i];
    if (vf > vMax || vf < vMin) return `targetVelocity[${i}]: expected a value within [${vMin}, ${vMax}] (velocity limits), got ${vf}`;
    if (af > aMax || af < aMin) return `targetAcceleration[${i}]: expected a value within [${aMin}, ${aMax}] (acceleration limits), got ${af}`;
    // The target must be reachable without crossing a velocity limit just before it.
    const before = vf - (af * Math.abs(af)) / (2 * jerk);
    if (before > vMax * (1 + 1e-12) || before < vMin * (1 + 1e-12)) {
      return `targetAcceleration[${i}]: expected a value reachable within the velocity limits [${vMin}, ${vMax}] at target velocity ${vf}, got ${af}`;
    }
  }
  return null;
}

/** Message if `array` is not a Float64Array of length `dofs` (null arrays are optional fields). */
function checkShape(name: string, array: Float64Array | null, dofs: number): string | null {
  if (array === null) return null;
  if (array instanceof Float64Array && array.length === dofs) return null;
  return `${name}: expected a Float64Array of length ${dofs}, got ${array instanceof Float64Array ? `length ${array.length}` : typeof array}`;
}

/** Message if entry `i` of `array` is not finite. */
function checkFinite(name: string, array: Float64Array | null, i: number): string | null {
  if (array === null || Number.isFinite(array[i])) return null;
  return `${name}[${i}]: expected a finite number, got ${array[i]}`;
}
