// Named state and command interfaces, ros2_control style (`joint1/position`).
//
// Controllers and hardware meet only here: a bridge adapter, the simulator or a test writes the
// state side and reads the command side; the control loop does the opposite. Every buffer is
// allocated once when the ports are made; reads and writes in a tick touch only typed arrays.

/** Interface kinds a joint may expose, in the order ros2_control names them. */
export const JOINT_INTERFACES = ['position', 'velocity', 'effort'] as const;
export type JointInterface = (typeof JOINT_INTERFACES)[number];

/** Control mode of the command side: which command array the hardware should act on. */
export const COMMAND_MODES = ['none', 'position', 'velocity', 'effort'] as const;
export type CommandMode = (typeof COMMAND_MODES)[number];

/** Joint-space state as the hardware reports it. Arrays are length nq, in `jointNames` order. */
export interface JointStatePorts {
  readonly position: Float64Array; // rad or m
  readonly velocity: Float64Array; // rad/s or m/s
  readonly effort: Float64Array; // N·m or N
  /** 1 where the last message carried that joint's position, else 0 (subsets are legal). */
  readonly valid: Uint8Array;
  /** Motor-side quantities where the hardware has them (NaN where unknown). */
  readonly motorCurrent: Float64Array; // A
  readonly motorTemperature: Float64Array; // K
  /** Hardware time stamp of the last update in seconds, and the local receive time (s). */
  stamp: number;
  received: number;
  /** Incremented on every update, so a reader can tell fresh data from stale. */
  sequence: number;
}

/** An IMU reading (sensor_msgs/Imu, in the sensor's frame). */
export interface ImuPorts {
  readonly orientation: Float64Array; // 4: x y z w
  readonly angularVelocity: Float64Array; // 3, rad/s
  readonly linearAcceleration: Float64Array; // 3, m/s², includes gravity reaction (+9.81 z at rest)
  stamp: number;
  received: number;
  sequence: number;
}

/** A force/torque reading (geometry_msgs/WrenchStamped, sensor frame). */
export interface WrenchPorts {
  readonly force: Float64Array; // 3, N
  readonly torque: Float64Array; // 3, N·m
  stamp: number;
  received: number;
  sequence: number;
}

/** Joint commands the controller writes. Arrays are length nq, in `jointNames` order. */
export interface JointCommandPorts {
  mode: CommandMode;
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
  /** Optional feed-forward acceleration for trajectory-aware hardware (rad/s²). */
  readonly acceleration: Float64Array;
  /** Local time (s) of the last write, and a counter, so writers can be watched for staleness. */
  stamp: number;
  sequence: number;
}

/** Every port a robot exposes: what the control loop reads and writes in one tick. */
export interface RobotPorts {
  readonly jointNames: readonly string[];
  readonly state: JointStatePorts;
  readonly command: JointCommandPorts;
  readonly imu: ImuPorts;
  readonly wrench: WrenchPorts;
}

/** Makes the ports for the given joints; all values NaN (unknown) until the first update. */
export function createRobotPorts(jointNames: readonly string[]): RobotPorts {
  const n = jointNames.length;
  const nan = (len: number) => new Float64Array(len).fill(Number.NaN);
  return {
    jointNames: Object.freeze([...jointNames]),
    state: {
      position: nan(n),
      velocity: nan(n),
      effort: nan(n),
      valid: new Uint8Array(n),
      motorCurrent: nan(n),
      motorTemperature: nan(n),
      stamp: Number.NaN,
      received: Number.NaN,
      sequence: 0,
    },
    command: {
      mode: 'none',
      position: nan(n),
      velocity: new Float64Array(n),
      effort: new Float64Array(n),
      acceleration: new Float64Array(n),
      stamp: Number.NaN,
      sequence: 0,
    },
    imu: {
      orientation: Float64Array.of(0, 0, 0, 1),
      angularVelocity: nan(3),
      linearAcceleration: nan(3),
      stamp: Number.NaN,
      received: Number.NaN,
      sequence: 0,
    },
    wrench: { force: nan(3), torque: nan(3), stamp: Number.NaN, received: Number.NaN, sequence: 0 },
  };
}

/**
 * Resolves a ros2_control interface name (`joint1/position`) to its array and index, once, at
 * wiring time. Throws with the name when the joint or the interface is unknown.
 */
export function resolveInterface(
  ports: RobotPorts,
  side: 'state' | 'command',
  name: string,
): { array: Float64Array; index: number } {
  const slash = name.lastIndexOf('/');
  const joint = slash > 0 ? name.slice(0, slash) : '';
  const kind = name.slice(slash + 1);
  const index = ports.jointNames.indexOf(joint);
  if (index < 0) throw new Error(`interface "${name}": no joint named "${joint}" (joints: ${ports.jointNames.join(', ')})`);
  if (!(JOINT_INTERFACES as readonly string[]).includes(kind)) {
    throw new Error(`interface "${name}": unknown interface "${kind}", expected one of ${JOINT_INTERFACES.join(', ')}`);
  }
  const group = side === 'state' ? ports.state : ports.command;
  return { array: group[kind as JointInterface], index };
}
