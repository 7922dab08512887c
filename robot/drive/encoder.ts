// Encoders: incremental/absolute angle sensors with a whole number of counts per revolution, on
// the motor side and optionally on the joint side (with an absolute offset). All @realtime.
import type { DriveSet } from './drive-set.ts';

const TWO_PI = 2 * Math.PI;

/** Angle quantized down to whole counts of 2π/counts (counts ≤ 0: unchanged). @realtime */
export function quantizeAngle(angle: number, counts: number): number {
  if (counts <= 0) return angle;
  const step = TWO_PI / counts;
  return Math.floor(angle / step) * step;
}

/** What the motor encoder reports for motor angle θ (rad): quantizeAngle(θ, motorCounts). @realtime */
export function motorEncoderAngle(set: DriveSet, joint: number, motorAngle: number): number {
  const perRadian = set.motorCountsPerRadian[joint];
  if (perRadian <= 0) return motorAngle;
  return Math.floor(motorAngle * perRadian) / perRadian;
}

/** Raw joint-encoder reading for joint position q: quantize(q + absolute offset) (rad). @realtime */
export function jointEncoderReading(set: DriveSet, joint: number, q: number): number {
  return quantizeAngle(q + set.jointEncoderOffset[joint], set.jointCounts[joint]);
}

/** Joint position (rad) the firmware derives from the joint encoder: reading - absolute offset. @realtime */
export function jointEncoderPosition(set: DriveSet, joint: number, q: number): number {
  return jointEncoderReading(set, joint, q) - set.jointEncoderOffset[joint];
}

/** Joint position (rad) seen through the motor encoder and the ratio: (quantized θ_motor - offset)/N. @realtime */
export function motorSidePosition(set: DriveSet, joint: number, motorAngle: number): number {
  return (motorEncoderAngle(set, joint, motorAngle) - set.offset[joint]) / set.ratio[joint];
}
