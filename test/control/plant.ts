// Test plant: the robot core's forward dynamics (ABA) integrated by semi-implicit Euler, with
// URDF damping and friction, driven through the robot ports like real hardware.
import { aba } from '../../robot/dynamics.ts';
import { createData, type RobotData } from '../../robot/data.ts';
import type { RobotModel } from '../../robot/model.ts';
import { createRobotPorts, type RobotPorts } from '../../robot/ports.ts';
import { loadRobot } from '../../sim/load-robot.ts';
import { ControlPipeline } from '../../control/pipeline.ts';
import { CascadeController } from '../../control/joint-controllers.ts';
import { GravityCompensation } from '../../control/model-based.ts';
import { HoldReference } from '../../control/hold-reference.ts';

/** Panda model, loaded once per test file. */
export function panda(): RobotModel {
  return loadRobot('panda').model;
}

/** A rigid-body plant on ports; `step` applies the command, integrates, and publishes state. */
export class AbaPlant {
  readonly q: Float64Array;
  readonly v: Float64Array;
  readonly ports: RobotPorts;
  readonly data: RobotData;
  private readonly tau: Float64Array;
  /** Set false to stop publishing state (a dead sensor). */
  publishing = true;
  /** Set true to freeze the arm (brakes on / blocked joint). */
  frozen = false;
  /** External joint torque (nq, N·m) added in effort mode: a scripted contact or impact. */
  readonly external: Float64Array;
  /** Plant time (s) and step (s) used by `advance()` (double fields: no boxing). */
  t = 0.5;
  dt = 0.5;
  constructor(readonly model: RobotModel, q0: ArrayLike<number>) {
    this.q = Float64Array.from(q0);
    this.v = new Float64Array(model.nq);
    this.tau = new Float64Array(model.nq);
    this.external = new Float64Array(model.nq);
    this.data = createData(model);
    this.ports = createRobotPorts(model.jointNames);
    this.t = 0;
    this.dt = 0.001;
    this.publish();
  }
  /** Advances from t by dt (s) (convenience: the doubles may be boxed at the call site). */
  step(t: number, dt: number): void {
    this.t = t;
    this.dt = dt;
    this.advance();
  }
  /** Advances `dt` from `t`: effort mode applies command.effort; position/velocity modes act as ideal servos. No allocation. */
  advance(): void {
    const dt = this.dt;
    const c = this.ports.command;
    const n = this.model.nq;
    if (!this.frozen) {
      if (c.mode === 'effort') {
        for (let k = 0; k < n; k++) this.tau[k] = c.effort[k] - this.model.damping[k] * this.v[k] + this.external[k];
        const qdd = aba(this.model, this.data, this.q, this.v, this.tau);
        for (let k = 0; k < n; k++) {
          this.v[k] += qdd[k] * dt;
          this.q[k] += this.v[k] * dt;
        }
      } else if (c.mode === 'position') {
        for (let k = 0; k < n; k++) {
          this.v[k] = (c.position[k] - this.q[k]) / dt;
          this.q[k] = c.position[k];
        }
      } else if (c.mode === 'velocity') {
        for (let k = 0; k < n; k++) {
          this.v[k] = c.velocity[k];
          this.q[k] += this.v[k] * dt;
        }
      }
    } else {
      this.v.fill(0);
    }
    this.t += dt;
    if (this.publishing) this.publish();
  }
  private publish(): void {
    const t = this.t;
    const s = this.ports.state;
    s.position.set(this.q);
    s.velocity.set(this.v);
    s.valid.fill(1);
    s.stamp = t;
    s.received = t;
    s.sequence++;
  }
}

/** A mid-range Panda configuration away from limits and singularities. */
export const PANDA_HOME = [0, -0.3, 0, -2.2, 0, 2.0, 0.8];

/**
 * Panda at PANDA_HOME on an AbaPlant under a gravity-compensated effort cascade holding its pose,
 * run for 0.5 s at dt so it has settled: the starting point of the relay tests.
 */
export function settledCascade(model: RobotModel, dt: number): { plant: AbaPlant; cascade: CascadeController; pipeline: ControlPipeline } {
  const plant = new AbaPlant(model, PANDA_HOME);
  plant.dt = dt;
  const gravity = new GravityCompensation(model);
  const cascade = new CascadeController(model.nq, { output: 'effort', position: { kp: 20 }, velocity: { kp: 20, ki: 50, integralMin: -20, integralMax: 20 }, feedforward: gravity.compute });
  const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: cascade, reference: new HoldReference(model.nq) });
  for (let i = 0; i < 500; i++) {
    pipeline.tick(plant.t, dt);
    plant.advance();
  }
  return { plant, cascade, pipeline };
}
