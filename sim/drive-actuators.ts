// Actuators made of the robot's drives (robot/drive): per joint the firmware loops, winding,
// rotor and reducer, at the firmware's own rates: the plant calls update once per velocity-loop
// period (maxStableStep), and the 'switching' fidelity sub-steps the current loop inside it.
// Rigid drives put their reflected rotor inertia into the rigid-body dynamics (armature);
// compliant drives integrate their rotor themselves (simulationArmatureOf gives 0 for them).
//
// Ports: in — ActuatorCommand (mode and setpoints per joint), joint q and v (held over the step);
// out — joint torque averaged over the call, motor current and joint-side friction averaged over
// the physics step's calls, winding temperature, motor angle and rate, and the electrical energy
// drawn (cumulative, per joint).
import type { RobotModel } from '../robot/model.ts';
import {
  createDriveCommand, createDriveOutput, createDriveState, DriveMode, driveStepAveragedStaged, driveStepStaged, maxStableStep, resetDriveState, simulationArmatureOf,
  type DriveFidelity, type DriveSet, type DriveState,
} from '../robot/drive/index.ts';
import { ActuatorMode, createActuatorCommand, type Actuators } from './actuators.ts';

/** Actuators backed by a DriveSet, plus the drive state for inspection. */
export interface DriveActuators extends Actuators {
  readonly kind: 'drive';
  readonly set: DriveSet;
  readonly state: DriveState;
  /** Electrical energy drawn from the bus since reset (J), per joint. */
  readonly electricalEnergy: Float64Array;
  /** Joint-side friction inside the drive torque over the last step (N·m), per joint. */
  readonly frictionTorque: Float64Array;
  /** The drive model stepped: 'switching' (current loop at its rate) or 'averaged' (its closed-loop response). */
  readonly fidelity: DriveFidelity;
}

/** Options for createDriveActuators. */
export interface DriveActuatorOptions {
  /**
   * Drive model; default 'averaged' (current loop as its closed-loop response, ~4x cheaper; in the
   * plant within 0.3 % in position, 2 % in velocity and 8 % in step-mean motor current of the
   * reference, test/sim/drive-fidelity.test.ts), or 'switching' (the current loop at its rate).
   */
  fidelity?: DriveFidelity;
}

/** A copy of `set` with every joint's drive rigid (rotor slaved to the joint, armature in the dynamics): no stiff sub-stepping. */
export function rigidDriveSet(set: DriveSet): DriveSet {
  return Object.freeze({ ...set, rigid: new Uint8Array(set.nq).fill(1) });
}

/** Makes drive actuators for `model` from `set` (built for the same model: same joints in q order). */
export function createDriveActuators(model: RobotModel, set: DriveSet, options: DriveActuatorOptions = {}): DriveActuators {
  const fidelity = options.fidelity ?? 'averaged';
  if (fidelity !== 'switching' && fidelity !== 'averaged') throw new Error(`fidelity = ${JSON.stringify(fidelity)}: expected "switching" or "averaged"`);
  const averaged = fidelity === 'averaged';
  const nv = model.nv;
  if (set.nq !== nv) throw new Error(`drive set has ${set.nq} joints, the model "${model.name}" has ${nv}`);
  for (let k = 0; k < nv; k++) {
    if (set.jointNames[k] !== model.jointNames[k]) throw new Error(`drive joint ${k} is "${set.jointNames[k]}", the model's is "${model.jointNames[k]}"`);
  }
  const command = createActuatorCommand(nv);
  const state = createDriveState(set);
  const driveCommand = createDriveCommand();
  const out = createDriveOutput();
  const current = new Float64Array(nv);
  const temperature = new Float64Array(nv);
  const motorPosition = new Float64Array(nv);
  const motorVelocity = new Float64Array(nv);
  const electricalEnergy = new Float64Array(nv);
  const frictionTorque = new Float64Array(nv);
  const faultHeat = new Float64Array(nv);
  const gearRatio = Float64Array.from(set.ratio);
  const actuators: DriveActuators = {
    kind: 'drive',
    set,
    state,
    command,
    armature: simulationArmatureOf(set),
    current,
    temperature,
    motorPosition,
    motorVelocity,
    gearRatio,
    faultHeat,
    electricalEnergy,
    frictionTorque,
    fidelity,
    update(q, v, dt, tau, substep = 0) {
      // Running means over the physics step's sub-steps: weight of this call.
      const weight = 1 / (substep + 1);
      for (let k = 0; k < nv; k++) {
        switch (command.mode[k]) {
          case ActuatorMode.position: driveCommand.mode = DriveMode.position; break;
          case ActuatorMode.velocity: driveCommand.mode = DriveMode.velocity; break;
          case ActuatorMode.effort: driveCommand.mode = DriveMode.torque; break;
          case ActuatorMode.current: driveCommand.mode = DriveMode.current; break;
          case ActuatorMode.voltage: driveCommand.mode = DriveMode.voltage; break;
          default: driveCommand.mode = DriveMode.current; // off: no current commanded, the motor coasts
        }
        // Plain stores, no `off ? 0 : x`: a phi of a small integer and a double can make V8 box it.
        driveCommand.position = command.position[k];
        driveCommand.velocity = command.velocity[k];
        driveCommand.effort = command.effort[k];
        driveCommand.current = command.current[k];
        driveCommand.voltage = command.voltage[k];
        if (command.mode[k] === ActuatorMode.off) {
          driveCommand.velocity = -0;
          driveCommand.effort = -0;
          driveCommand.current = -0;
          driveCommand.voltage = -0;
        }
        // Staged through the state: doubles passed to the (non-inlined) step would be boxed.
        state.jointPosition[k] = q[k];
        state.jointVelocity[k] = v[k];
        state.subStep[k] = dt;
        if (averaged) driveStepAveragedStaged(set, state, k, driveCommand, out);
        else driveStepStaged(set, state, k, driveCommand, out);
        tau[k] = out.tau;
        frictionTorque[k] += (out.tauFriction - frictionTorque[k]) * weight;
        electricalEnergy[k] += out.electricalEnergy;
        // An injected overheating fault: extra heat into the winding's thermal capacity.
        if (faultHeat[k] !== 0 && set.thermalCapacity[k] > 0) state.temperature[k] += (faultHeat[k] * dt) / set.thermalCapacity[k];
        // The current a drive reports: its filtered (mean) current, here the mean over the physics
        // step of the drive's last sub-step means (averaged fidelity: the velocity period's mean).
        current[k] += (state.meanCurrent[k] - current[k]) * weight;
        temperature[k] = state.temperature[k];
        motorPosition[k] = state.motorAngle[k];
        motorVelocity[k] = state.motorVelocity[k];
      }
    },
    maxStableStep(inertia) {
      let smallest = Infinity;
      for (let k = 0; k < nv; k++) {
        if (set.rigid[k] === 1) {
          // The firmware's velocity loop acts on a joint whose motion is held over the sub-step:
          // its loop gain per sub-step, Kv·Kt·N²·h / J, must stay well under 1 (measured: at 1 ms
          // the servo-arm wrist chatters at 500 Hz with ±3.6 A; at 0.5 ms it is quiet). And every
          // velocity-loop run should see the joint's motion since the last: h ≤ its period.
          const J = inertia[k] + actuators.armature[k];
          const gain = (set.velocityKp[k] * set.torqueConstant[k] * set.ratio[k] * set.ratio[k]) / J;
          if (gain > 0) smallest = Math.min(smallest, 0.6 / gain);
          smallest = Math.min(smallest, set.velocityDivider[k] / set.currentRate[k]);
        } else {
          smallest = Math.min(smallest, maxStableStep(set, k, inertia[k]));
        }
      }
      return smallest;
    },
    reset(q) {
      resetDriveState(set, state, q);
      electricalEnergy.fill(0);
      for (let k = 0; k < nv; k++) {
        current[k] = 0;
        temperature[k] = state.temperature[k];
        motorPosition[k] = state.motorAngle[k];
        motorVelocity[k] = 0;
      }
    },
  };
  return actuators;
}
