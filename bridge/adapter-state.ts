// Topics -> robot ports: sensor_msgs/JointState by joint name (any order, subsets, missing or
// short arrays, null for NaN), sensor_msgs/Imu, geometry_msgs/WrenchStamped and /clock.
// Applying a message allocates nothing: names are looked up in a Map built once, and values
// are read from plain or typed arrays (CBOR) in place. The receive clock is injected: the
// default (performance.now) boxes one number per read, a control loop's own tick time does not.
import type { ImuPorts, RobotPorts, WrenchPorts } from '../robot/ports.ts';
import type { Bus, Subscription } from './bus.ts';
import { timeToSeconds } from './message-build.ts';

type Numbers = ArrayLike<number | null>;
const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : Number.NaN);
const asNumbers = (v: unknown): Numbers | undefined => (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)) ? (v as unknown as Numbers) : undefined);
const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined);
const defaultClock = () => performance.now() / 1000;

function stampOf(msg: Record<string, unknown>): number {
  const header = record(msg.header);
  return header ? timeToSeconds(header.stamp) : Number.NaN;
}

/** Writes sensor_msgs/JointState messages into the state ports of `ports`. */
export class JointStateReader {
  private readonly indexByName = new Map<string, number>();
  /** Messages that carried no joint of ours. */
  unmatched = 0;

  constructor(
    private readonly ports: RobotPorts,
    private readonly clock: () => number = defaultClock,
  ) {
    ports.jointNames.forEach((name, i) => this.indexByName.set(name, i));
  }

  /**
   * Applies one message: joints found by name get position/velocity/effort where the message
   * has them; `valid` is 1 exactly for joints whose position it carried. Returns joints matched.
   */
  apply(msg: unknown): number {
    const m = record(msg);
    if (!m) return 0;
    const names = m.name;
    if (!Array.isArray(names)) return 0;
    const state = this.ports.state;
    const position = asNumbers(m.position);
    const velocity = asNumbers(m.velocity);
    const effort = asNumbers(m.effort);
    // A message about none of our joints (another device's /joint_states) changes nothing.
    let ours = false;
    for (let i = 0; i < names.length && !ours; i++) ours = typeof names[i] === 'string' && this.indexByName.has(names[i] as string);
    if (!ours) {
      this.unmatched++;
      return 0;
    }
    state.valid.fill(0);
    let matched = 0;
    for (let i = 0; i < names.length; i++) {
      const name: unknown = names[i];
      const j = typeof name === 'string' ? this.indexByName.get(name) : undefined;
      if (j === undefined) continue;
      matched++;
      if (position && i < position.length) {
        state.position[j] = num(position[i]);
        state.valid[j] = 1;
      }
      if (velocity && i < velocity.length) state.velocity[j] = num(velocity[i]);
      if (effort && i < effort.length) state.effort[j] = num(effort[i]);
    }
    state.stamp = stampOf(m);
    state.received = this.clock();
    state.sequence++;
    return matched;
  }

  /** Subscribes to `topic` on `bus` and applies every message. */
  attach(bus: Bus, topic = '/joint_states', options?: Parameters<Bus['subscribe']>[3]): Subscription {
    return bus.subscribe(topic, 'sensor_msgs/JointState', (msg) => this.apply(msg), options);
  }
}

function readVector(source: unknown, out: Float64Array, offset: number, keys: readonly string[]): void {
  const r = record(source);
  for (let k = 0; k < keys.length; k++) out[offset + k] = r ? num(r[keys[k]] as number | null | undefined) : Number.NaN;
}
const XYZ = ['x', 'y', 'z'] as const;
const XYZW = ['x', 'y', 'z', 'w'] as const;

/** Writes sensor_msgs/Imu messages into IMU ports. */
export class ImuReader {
  constructor(
    private readonly imu: ImuPorts,
    private readonly clock: () => number = defaultClock,
  ) {}

  /** Applies one message; returns false when it is not an object. */
  apply(msg: unknown): boolean {
    const m = record(msg);
    if (!m) return false;
    if (m.orientation !== undefined) readVector(m.orientation, this.imu.orientation, 0, XYZW);
    readVector(m.angular_velocity, this.imu.angularVelocity, 0, XYZ);
    readVector(m.linear_acceleration, this.imu.linearAcceleration, 0, XYZ);
    this.imu.stamp = stampOf(m);
    this.imu.received = this.clock();
    this.imu.sequence++;
    return true;
  }

  /** Subscribes to `topic` (default /imu/data). */
  attach(bus: Bus, topic = '/imu/data'): Subscription {
    return bus.subscribe(topic, 'sensor_msgs/Imu', (msg) => this.apply(msg));
  }
}

/** Writes geometry_msgs/WrenchStamped messages into wrench ports. */
export class WrenchReader {
  constructor(
    private readonly wrench: WrenchPorts,
    private readonly clock: () => number = defaultClock,
  ) {}

  /** Applies one message; returns false when it has no wrench. */
  apply(msg: unknown): boolean {
    const m = record(msg);
    const w = m ? record(m.wrench) : undefined;
    if (!m || !w) return false;
    readVector(w.force, this.wrench.force, 0, XYZ);
    readVector(w.torque, this.wrench.torque, 0, XYZ);
    this.wrench.stamp = stampOf(m);
    this.wrench.received = this.clock();
    this.wrench.sequence++;
    return true;
  }

  /** Subscribes to `topic` (default /ft_sensor/wrench). */
  attach(bus: Bus, topic = '/ft_sensor/wrench'): Subscription {
    return bus.subscribe(topic, 'geometry_msgs/WrenchStamped', (msg) => this.apply(msg));
  }
}

/** Sim time from rosgraph_msgs/Clock: `time` is the newest clock in seconds (NaN before any). */
export class SimClockReader {
  /** Newest sim time (s). */
  time = Number.NaN;
  /** Clock messages received. */
  sequence = 0;

  /** Applies one message; returns false when it carries no valid time. */
  apply(msg: unknown): boolean {
    const m = record(msg);
    const t = m ? timeToSeconds(m.clock) : Number.NaN;
    if (!Number.isFinite(t)) return false;
    this.time = t;
    this.sequence++;
    return true;
  }

  /** Subscribes to `topic` (default /clock). */
  attach(bus: Bus, topic = '/clock'): Subscription {
    return bus.subscribe(topic, 'rosgraph_msgs/Clock', (msg) => this.apply(msg));
  }
}
