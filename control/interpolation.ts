// Polynomial segments between two joint states: linear, cubic (Hermite: position + velocity) and
// quintic (position + velocity + acceleration). Pure scalar functions, @realtime.

/** Interpolation methods; 'auto' picks by what the points carry (positions only: linear, + velocities: cubic, + accelerations: quintic), as ros2_control's joint_trajectory_controller. */
export type Interpolation = 'linear' | 'cubic' | 'quintic' | 'auto';

/** Sample of one joint: written into out[0..2] = position, velocity, acceleration. */
export type Sample3 = Float64Array;

/** Indices into a segment buffer (Float64Array of SEGMENT_SIZE): start state, end state, duration T (s), sample time s (s). */
export const Segment = { p0: 0, v0: 1, a0: 2, p1: 3, v1: 4, a1: 5, T: 6, s: 7 } as const;
/** Length of a segment buffer. */
export const SEGMENT_SIZE = 8;

/**
 * Samples a segment of duration T at time s (0 <= s <= T, clamped) from (p0, v0, a0) to (p1, v1, a1),
 * all read from `segment` (layout `Segment`); writes position, velocity, acceleration into
 * out[offset..offset+2]. Values travel in typed arrays so no double is boxed across the call. @realtime
 */
export function sampleSegment(method: 'linear' | 'cubic' | 'quintic', segment: Float64Array, out: Float64Array, offset = 0): void {
  const p0 = segment[0], v0 = segment[1], a0 = segment[2];
  const p1 = segment[3], v1 = segment[4], a1 = segment[5];
  const T = segment[6], s = segment[7];
  if (!(T > 0)) {
    out[offset] = p1;
    out[offset + 1] = v1;
    out[offset + 2] = a1;
    return;
  }
  const t = s < 0 ? 0 : s > T ? T : s;
  const h = p1 - p0;
  if (method === 'linear') {
    out[offset] = p0 + (h * t) / T;
    out[offset + 1] = h / T;
    out[offset + 2] = 0;
    return;
  }
  if (method === 'cubic') {
    // p(t) = p0 + v0 t + c2 t² + c3 t³
    const c2 = (3 * h - (2 * v0 + v1) * T) / (T * T);
    const c3 = (-2 * h + (v0 + v1) * T) / (T * T * T);
    out[offset] = p0 + t * (v0 + t * (c2 + t * c3));
    out[offset + 1] = v0 + t * (2 * c2 + 3 * c3 * t);
    out[offset + 2] = 2 * c2 + 6 * c3 * t;
    return;
  }
  // Quintic: p(t) = p0 + v0 t + a0/2 t² + c3 t³ + c4 t⁴ + c5 t⁵
  const T2 = T * T, T3 = T2 * T, T4 = T3 * T, T5 = T4 * T;
  const c3 = (20 * h - (8 * v1 + 12 * v0) * T - (3 * a0 - a1) * T2) / (2 * T3);
  const c4 = (-30 * h + (14 * v1 + 16 * v0) * T + (3 * a0 - 2 * a1) * T2) / (2 * T4);
  const c5 = (12 * h - 6 * (v1 + v0) * T + (a1 - a0) * T2) / (2 * T5);
  out[offset] = p0 + t * (v0 + t * (a0 / 2 + t * (c3 + t * (c4 + t * c5))));
  out[offset + 1] = v0 + t * (a0 + t * (3 * c3 + t * (4 * c4 + t * 5 * c5)));
  out[offset + 2] = a0 + t * (6 * c3 + t * (12 * c4 + t * 20 * c5));
}
