// Command ports -> topics: std_msgs/Float64MultiArray on the ros2_control forward command
// controllers (position, velocity or effort by `ports.command.mode`), or a one-point
// trajectory_msgs/JointTrajectory for the joint trajectory controller. One message object per
// publish (the wire encoding needs it anyway); non-finite commands are never sent.
import type { CommandMode, RobotPorts } from '../robot/ports.ts';
import type { Bus } from './bus.ts';
import { makeTime } from './message-build.ts';

/** Forward-command topics per mode (ros2_control forward_command_controller defaults). */
export interface ForwardTopics {
  position: string;
  velocity: string;
  effort: string;
}

/** Default topics of the three forward command controllers. */
export const DEFAULT_FORWARD_TOPICS: Readonly<ForwardTopics> = {
  position: '/forward_position_controller/commands',
  velocity: '/forward_velocity_controller/commands',
  effort: '/forward_effort_controller/commands',
};

/** Outcome of one write: sent, nothing to send (mode none), or refused (non-finite values). */
export type WriteStatus = 'sent' | 'idle' | 'non-finite';

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * Publishes the command ports on forward-command topics. A forward command controller takes one
 * value per joint of its `joints` parameter, in that order, which need not be the ports' order or
 * cover every port: `joints` gives it (default: the ports' joints, in their order).
 */
export class ForwardCommandWriter {
  /** Messages published. */
  sent = 0;
  private readonly topics: ForwardTopics;
  /** Port index of each value the controllers take, in their order. */
  private readonly order: Int32Array;

  constructor(
    private readonly ports: RobotPorts,
    private readonly bus: Bus,
    topics: Partial<ForwardTopics> = {},
    joints: readonly string[] = ports.jointNames,
  ) {
    this.topics = { ...DEFAULT_FORWARD_TOPICS, ...topics };
    if (joints.length === 0) throw new Error('forward command joints: expected at least one joint');
    this.order = Int32Array.from(joints, (name, i) => {
      const index = ports.jointNames.indexOf(name);
      if (index < 0) throw new Error(`forward command joints[${i}] = ${JSON.stringify(name)}: not a joint of the robot (${ports.jointNames.join(', ')})`);
      if (joints.indexOf(name) !== i) throw new Error(`forward command joints[${i}] = ${JSON.stringify(name)}: listed twice`);
      return index;
    });
  }

  /** Publishes the array selected by the command mode (or `mode` when given), in the controllers' joint order. */
  write(mode: CommandMode = this.ports.command.mode): WriteStatus {
    if (mode === 'none') return 'idle';
    const values = this.ports.command[mode];
    const data = Array.from(this.order, (index) => values[index]);
    for (const x of data) if (!Number.isFinite(x)) return 'non-finite';
    this.bus.publish(this.topics[mode], 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data });
    this.sent++;
    return 'sent';
  }
}

/** Publishes the command ports as one-point joint trajectories. */
export class TrajectoryCommandWriter {
  /** Messages published. */
  sent = 0;

  /** `horizon` is time_from_start of the point (s): how far ahead the controller should reach it. */
  constructor(
    private readonly ports: RobotPorts,
    private readonly bus: Bus,
    private readonly topic = '/joint_trajectory_controller/joint_trajectory',
    private readonly horizon = 0.01,
  ) {}

  /** Publishes position (with velocity and acceleration when finite) as a single point. */
  write(): WriteStatus {
    const command = this.ports.command;
    if (command.mode === 'none') return 'idle';
    if (!allFinite(command.position)) return 'non-finite';
    const point: Record<string, unknown> = {
      positions: Array.from(command.position),
      time_from_start: makeTime(this.horizon, this.bus.dialect),
    };
    if (allFinite(command.velocity)) point.velocities = Array.from(command.velocity);
    if (allFinite(command.acceleration)) point.accelerations = Array.from(command.acceleration);
    this.bus.publish(this.topic, 'trajectory_msgs/JointTrajectory', {
      // A zero stamp means "start now" to ros2_control's joint trajectory controller.
      header: { stamp: makeTime(0, this.bus.dialect), frame_id: '' },
      joint_names: this.ports.jointNames,
      points: [point],
    });
    this.sent++;
    return 'sent';
  }
}
