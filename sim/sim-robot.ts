// The simulated robot as a ros2_control robot: the plant (hardware) plus the robot-side
// controllers a real arm runs behind rosbridge — forward position / velocity / effort command
// controllers, a joint trajectory controller (the control folder's JointTrajectoryController in a
// ControlPipeline forwarding positions to the drives) and motor-current commands. The last
// controller to receive a command is the active one, as when ros2_control switches to it.
// Faults can be injected: sensor dropout, communication delay (applied by the endpoint), motor
// overheating.
import { createLoopTime, type LoopTime } from '../control/loop.ts';
import { ControlPipeline } from '../control/pipeline.ts';
import { JointTrajectoryController, type SubmitResult } from '../control/joint-trajectory.ts';
import { PositionForwardController } from '../control/joint-controllers.ts';
import type { JointTrajectoryInput } from '../control/trajectory-input.ts';
import type { RobotModel } from '../robot/model.ts';
import { createRobotPorts, type RobotPorts } from '../robot/ports.ts';
import { ActuatorMode } from './actuators.ts';
import { applyCommandPorts, writeStatePorts } from './hardware-ports.ts';
import { createPlant, type Plant, type PlantOptions } from './plant.ts';
import type { Payload } from './payload.ts';

/** Robot-side controllers, named as their ros2_control counterparts. */
export const ROBOT_CONTROLLERS = ['forward_position_controller', 'forward_velocity_controller', 'forward_effort_controller', 'joint_trajectory_controller', 'motor_current_controller'] as const;
/** One of ROBOT_CONTROLLERS. */
export type RobotControllerName = (typeof ROBOT_CONTROLLERS)[number];

/** Options for a SimRobot. */
export interface SimRobotOptions extends PlantOptions {
  /** URDF text, published on /robot_description. */
  urdfText?: string;
}

/** A simulated robot with its robot-side controllers. Call `step()` once per physics step. */
export class SimRobot {
  readonly plant: Plant;
  readonly model: RobotModel;
  readonly urdfText: string;
  /** Hardware state as the robot's controllers see it (sensor values), refreshed every step. */
  readonly ports: RobotPorts;
  readonly trajectory: JointTrajectoryController;
  readonly trajectoryPipeline: ControlPipeline;
  /** The controller that received the last command ('none' at start: the drives hold position). */
  active: RobotControllerName | 'none' = 'none';
  /** One-way delay (s) the endpoint applies to state and commands (communication-delay fault). */
  commDelay = 0;
  private readonly initialQ: Float64Array;
  private readonly loopTime: LoopTime = createLoopTime();

  constructor(model: RobotModel, options: SimRobotOptions = {}) {
    this.plant = createPlant(model, options);
    this.model = model;
    this.urdfText = options.urdfText ?? '';
    this.initialQ = Float64Array.from(this.plant.q);
    this.ports = createRobotPorts(model.jointNames);
    this.trajectory = new JointTrajectoryController({ jointNames: model.jointNames, interpolation: 'quintic' });
    this.trajectoryPipeline = new ControlPipeline({ model, ports: this.ports, controller: new PositionForwardController(), reference: this.trajectory });
    this.holdHere();
  }

  /** Simulated time (s). */
  get time(): number {
    return this.plant.time;
  }

  /** Drives hold the current joint positions (position mode). */
  holdHere(): void {
    const c = this.plant.command;
    c.mode.fill(ActuatorMode.position);
    c.position.set(this.plant.q);
    c.velocity.fill(0);
    c.effort.fill(0);
  }

  /** One physics step, then the robot-side controllers on the fresh sensor values. @realtime */
  step(): void {
    this.plant.step();
    writeStatePorts(this.plant, this.ports, this.plant.time);
    if (this.active === 'joint_trajectory_controller') {
      this.loopTime.t = this.plant.time;
      this.loopTime.dt = this.plant.dt;
      this.trajectoryPipeline.update(this.loopTime);
      applyCommandPorts(this.ports, this.plant);
    }
  }

  /** Forward command for every joint (URDF order): position (rad), velocity (rad/s) or effort (N·m); returns '' or an error. */
  forward(kind: 'position' | 'velocity' | 'effort', values: ArrayLike<number>): string {
    const nv = this.model.nv;
    if (values.length !== nv) return `expected ${nv} values (joints ${this.model.jointNames.join(', ')}), got ${values.length}`;
    for (let k = 0; k < nv; k++) if (!Number.isFinite(values[k])) return `value ${k} (joint ${this.model.jointNames[k]}) = ${values[k]} is not finite`;
    const c = this.plant.command;
    for (let k = 0; k < nv; k++) {
      if (kind === 'position') {
        c.mode[k] = ActuatorMode.position;
        c.position[k] = values[k];
        c.velocity[k] = 0;
        c.effort[k] = 0;
      } else if (kind === 'velocity') {
        c.mode[k] = ActuatorMode.velocity;
        c.velocity[k] = values[k];
        c.effort[k] = 0;
      } else {
        c.mode[k] = ActuatorMode.effort;
        c.effort[k] = values[k];
      }
    }
    this.switchTo(kind === 'position' ? 'forward_position_controller' : kind === 'velocity' ? 'forward_velocity_controller' : 'forward_effort_controller');
    return '';
  }

  /** Motor-level command: winding current per joint (A, motor side); returns '' or an error. */
  motorCurrents(values: ArrayLike<number>): string {
    const nv = this.model.nv;
    if (values.length !== nv) return `expected ${nv} motor currents, got ${values.length}`;
    for (let k = 0; k < nv; k++) if (!Number.isFinite(values[k])) return `current ${k} = ${values[k]} is not finite`;
    const c = this.plant.command;
    for (let k = 0; k < nv; k++) {
      c.mode[k] = ActuatorMode.current;
      c.current[k] = values[k];
    }
    this.switchTo('motor_current_controller');
    return '';
  }

  /** Hands a trajectory to the joint trajectory controller (topic or action goal semantics). */
  followTrajectory(input: JointTrajectoryInput): SubmitResult {
    const result = this.trajectory.setTrajectory(input);
    if (result.accepted) this.switchTo('joint_trajectory_controller');
    return result;
  }

  private switchTo(name: RobotControllerName): void {
    if (this.active === name) return;
    if (this.active === 'joint_trajectory_controller' && name !== 'joint_trajectory_controller') this.trajectory.cancel();
    if (name === 'joint_trajectory_controller') {
      // Bumpless: the trajectory starts from the joints' current (measured) position.
      this.holdHere();
    }
    this.active = name;
  }

  /** Back to the initial state: joints at the initial positions, at rest, holding; faults cleared. */
  reset(): void {
    this.plant.reset(this.initialQ);
    this.trajectory.cancel();
    this.active = 'none';
    this.clearFaults();
    this.holdHere();
  }

  /** Attaches a payload at the tip (null removes it). */
  setPayload(payload: Payload | null): void {
    this.plant.setPayload(payload);
  }

  /** Sensor dropout fault: every sensor stops delivering (true) or resumes (false). */
  setSensorDropout(on: boolean): void {
    for (const channel of this.plant.sensors.all) channel.dropout = on;
  }

  /** Motor overheating fault: extra heat (W) into each joint's winding (length nv). */
  setOverheat(watts: ArrayLike<number>): string {
    if (watts.length !== this.model.nv) return `expected ${this.model.nv} heat values (W), got ${watts.length}`;
    for (let k = 0; k < watts.length; k++) if (!(Number.isFinite(watts[k]) && watts[k] >= 0)) return `heat ${k} = ${watts[k]} must be finite and >= 0 W`;
    this.plant.actuators.faultHeat.set(watts);
    return '';
  }

  /** Clears every injected fault. */
  clearFaults(): void {
    this.setSensorDropout(false);
    this.plant.actuators.faultHeat.fill(0);
    this.commDelay = 0;
  }
}
