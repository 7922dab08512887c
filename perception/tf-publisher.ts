// /tf and /tf_static from joint states and the URDF, for robots without a robot_state_publisher.
//
// Builds tf2_msgs/TFMessage-shaped plain objects: one transform per link (parent link frame ->
// child link frame). Fixed joints go to /tf_static once; moving joints to /tf at each publish.
import { JointType, type RobotModel } from '../robot/model.ts';

/** Time stamp spellings of ROS 1 ({secs, nsecs}) and ROS 2 ({sec, nanosec}). */
export type StampDialect = 'ros1' | 'ros2';

/** geometry_msgs/TransformStamped as a plain object. */
export interface TransformStampedMessage {
  header: { stamp: Record<string, number>; frame_id: string; seq?: number };
  child_frame_id: string;
  transform: { translation: { x: number; y: number; z: number }; rotation: { x: number; y: number; z: number; w: number } };
}

/** tf2_msgs/TFMessage as a plain object. */
export interface TfMessage {
  transforms: TransformStampedMessage[];
}

/** Converts seconds to a stamp in the dialect's spelling. */
export function stampOf(seconds: number, dialect: StampDialect): Record<string, number> {
  const whole = Math.floor(seconds);
  const nanos = Math.min(999_999_999, Math.round((seconds - whole) * 1e9));
  return dialect === 'ros1' ? { secs: whole, nsecs: nanos } : { sec: whole, nanosec: nanos };
}

/** Quaternion (x y z w) of a row-major rotation matrix, written into out[offset..offset+3]. */
export function matrixToQuaternion(R: ArrayLike<number>, r: number, out: Float64Array, offset = 0): void {
  const m00 = R[r], m01 = R[r + 1], m02 = R[r + 2], m10 = R[r + 3], m11 = R[r + 4], m12 = R[r + 5], m20 = R[r + 6], m21 = R[r + 7], m22 = R[r + 8];
  const trace = m00 + m11 + m22;
  let x: number, y: number, z: number, w: number;
  if (trace > 0) {
    const s = 2 * Math.sqrt(trace + 1);
    w = 0.25 * s; x = (m21 - m12) / s; y = (m02 - m20) / s; z = (m10 - m01) / s;
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    w = (m21 - m12) / s; x = 0.25 * s; y = (m01 + m10) / s; z = (m02 + m20) / s;
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    w = (m02 - m20) / s; x = (m01 + m10) / s; y = 0.25 * s; z = (m12 + m21) / s;
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    w = (m10 - m01) / s; x = (m02 + m20) / s; y = (m12 + m21) / s; z = 0.25 * s;
  }
  out[offset] = x; out[offset + 1] = y; out[offset + 2] = z; out[offset + 3] = w;
}

/** Computes each link's transform in its parent frame at configuration q and builds TF messages. */
export class TfPublisher {
  /** Per link: translation (3) and rotation quaternion x y z w (4) in the parent frame. */
  readonly local: Float64Array;
  // Quaternion of each joint origin's rotation, computed once.
  private readonly originQuaternion: Float64Array;

  constructor(readonly model: RobotModel, readonly dialect: StampDialect = 'ros2') {
    this.local = new Float64Array(7 * model.nlinks);
    this.originQuaternion = new Float64Array(4 * model.nlinks);
    for (let i = 1; i < model.nlinks; i++) matrixToQuaternion(model.origin, 12 * i, this.originQuaternion, 4 * i);
  }

  /** Updates `local` for configuration q (nq). @realtime */
  update(q: ArrayLike<number>): void {
    const m = this.model, o = m.origin, out = this.local, quat = this.originQuaternion;
    for (let i = 1; i < m.nlinks; i++) {
      const r = 12 * i;
      let px = o[r + 9], py = o[r + 10], pz = o[r + 11];
      let qx = quat[4 * i], qy = quat[4 * i + 1], qz = quat[4 * i + 2], qw = quat[4 * i + 3];
      const type = m.linkJointType[i];
      if (type !== JointType.fixed) {
        const value = m.linkMultiplier[i] * q[m.linkQ[i]] + m.linkOffset[i];
        const ax = m.axis[3 * i], ay = m.axis[3 * i + 1], az = m.axis[3 * i + 2];
        if (type === JointType.revolute) {
          const s = Math.sin(value / 2), c = Math.cos(value / 2);
          const bx = ax * s, by = ay * s, bz = az * s;
          // q_origin ⊗ q_joint
          const nx = qw * bx + qx * c + qy * bz - qz * by;
          const ny = qw * by - qx * bz + qy * c + qz * bx;
          const nz = qw * bz + qx * by - qy * bx + qz * c;
          const nw = qw * c - qx * bx - qy * by - qz * bz;
          qx = nx; qy = ny; qz = nz; qw = nw;
        } else {
          // Translation along the axis expressed in the parent frame: p += R_origin · axis · value.
          px += (o[r] * ax + o[r + 1] * ay + o[r + 2] * az) * value;
          py += (o[r + 3] * ax + o[r + 4] * ay + o[r + 5] * az) * value;
          pz += (o[r + 6] * ax + o[r + 7] * ay + o[r + 8] * az) * value;
        }
      }
      const k = 7 * i;
      out[k] = px; out[k + 1] = py; out[k + 2] = pz;
      out[k + 3] = qx; out[k + 4] = qy; out[k + 5] = qz; out[k + 6] = qw;
    }
  }

  /** The /tf message for the moving joints at time `stamp` (s), from the last `update`. */
  dynamicMessage(stamp: number): TfMessage {
    return this.message(stamp, false);
  }

  /** The /tf_static message for the fixed joints. */
  staticMessage(stamp: number): TfMessage {
    this.update(new Float64Array(this.model.nq));
    return this.message(stamp, true);
  }

  private message(stamp: number, fixed: boolean): TfMessage {
    const m = this.model, l = this.local, transforms: TransformStampedMessage[] = [];
    const header = stampOf(stamp, this.dialect);
    for (let i = 1; i < m.nlinks; i++) {
      if ((m.linkJointType[i] === JointType.fixed) !== fixed) continue;
      const k = 7 * i;
      transforms.push({
        header: { stamp: { ...header }, frame_id: m.linkNames[m.parent[i]] },
        child_frame_id: m.linkNames[i],
        transform: { translation: { x: l[k], y: l[k + 1], z: l[k + 2] }, rotation: { x: l[k + 3], y: l[k + 4], z: l[k + 5], w: l[k + 6] } },
      });
    }
    return { transforms };
  }
}
