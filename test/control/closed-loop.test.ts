// Integration: the pipeline closes the loop on the ABA plant (Panda), in lockstep.
import { describe, expect, it } from 'vitest';
import { ControlPipeline } from '../../control/pipeline.ts';
import { ComputedTorqueController, GravityCompensation } from '../../control/model-based.ts';
import { CascadeController } from '../../control/joint-controllers.ts';
import { JointTrajectoryController } from '../../control/joint-trajectory.ts';
import { SetpointStream } from '../../control/hold-reference.ts';
import { stepMetrics } from '../../control/tuning/step-metrics.ts';
import { TrajectoryErrorCode } from '../../control/trajectory-input.ts';
import { crba, gravityTorques } from '../../robot/dynamics.ts';
import { createData } from '../../robot/data.ts';
import { AbaPlant, PANDA_HOME, panda } from './plant.ts';

const model = panda();
const dt = 0.001;

function run(pipeline: ControlPipeline, plant: AbaPlant, t0: number, seconds: number, each?: (t: number) => void): number {
  let t = t0;
  const steps = Math.round(seconds / dt);
  for (let i = 0; i < steps; i++) {
    pipeline.tick(t, dt);
    plant.step(t, dt);
    t += dt;
    each?.(t);
  }
  return t;
}

/** The PID cascade with gravity feedforward: velocity-loop gains scaled by each joint's own inertia (M_kk at home), 50 rad/s bandwidth. */
function effortCascade(): CascadeController {
  const gravity = new GravityCompensation(model);
  const M = crba(model, createData(model), PANDA_HOME);
  const inertia = model.jointNames.map((_, k) => M[k * model.nq + k]);
  return new CascadeController(model.nq, {
    output: 'effort',
    position: { kp: 30 },
    velocity: inertia.map((m) => ({ kp: 50 * m, ki: 500 * m, integralMin: -20, integralMax: 20 })),
    feedforward: gravity.compute,
  });
}

describe('closed loop on the ABA plant', () => {
  it('a joint step under the PID cascade with gravity feedforward settles within spec', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const controller = effortCascade();
    const stream = new SetpointStream(model.nq);
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller, safety: { commandTimeout: 10 } });
    let t = run(pipeline, plant, 0, 0.2);
    expect(pipeline.safety.state).toBe('active');
    const target = Float64Array.from(PANDA_HOME);
    target[3] += 0.2;
    stream.setPositions(target);
    pipeline.setReference(stream);
    const times: number[] = [];
    const ys: number[] = [];
    t = run(pipeline, plant, t, 2, (time) => {
      times.push(time);
      ys.push(plant.q[3]);
    });
    const m = stepMetrics(times, ys, PANDA_HOME[3], target[3]);
    // Spec: 2 % settling within 1 s, overshoot below 10 %, steady-state error below 1 mrad.
    expect(m.settlingTime).toBeLessThan(1);
    expect(m.overshoot).toBeLessThan(0.1);
    expect(Math.abs(m.steadyStateError)).toBeLessThan(1e-3);
    // The other joints stayed put.
    for (const k of [0, 1, 2, 4, 5, 6]) expect(Math.abs(plant.q[k] - PANDA_HOME[k])).toBeLessThan(5e-3);
  });

  it('tracks a quintic trajectory under computed torque within its path tolerance and succeeds', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const controller = new ComputedTorqueController(model, { kp: 400 });
    const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller, reference: jtc });
    let t = run(pipeline, plant, 0, 0.05);
    const goal = PANDA_HOME.map((q, k) => q + (k % 2 === 0 ? 0.3 : -0.2));
    const mid = PANDA_HOME.map((q, k) => (q + goal[k]) / 2);
    const result = jtc.setTrajectory({
      jointNames: model.jointNames,
      points: [
        { positions: mid, velocities: goal.map((g, k) => (g - PANDA_HOME[k]) / 1.5), accelerations: new Array(7).fill(0), timeFromStart: 0.75 },
        { positions: goal, velocities: new Array(7).fill(0), accelerations: new Array(7).fill(0), timeFromStart: 1.5 },
      ],
      pathTolerance: model.jointNames.map((name) => ({ name, position: 0.01, velocity: 0, acceleration: 0 })),
      goalTolerance: model.jointNames.map((name) => ({ name, position: 0.002, velocity: 0.01, acceleration: 0 })),
    });
    expect(result).toEqual({ accepted: true, errorCode: 0, errorString: '' });
    let worst = 0;
    t = run(pipeline, plant, t, 2, () => {
      for (let k = 0; k < 7; k++) worst = Math.max(worst, Math.abs(pipeline.ctx.qRef[k] - plant.q[k]));
    });
    expect(jtc.status).toBe('succeeded');
    expect(worst).toBeLessThan(0.01);
    for (let k = 0; k < 7; k++) expect(Math.abs(plant.q[k] - goal[k])).toBeLessThan(0.002);
  });

  it('aborts with PATH_TOLERANCE_VIOLATED when the arm cannot follow, and the reference comes to rest', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: new ComputedTorqueController(model, { kp: 400 }), reference: jtc });
    let t = run(pipeline, plant, 0, 0.05);
    plant.frozen = true;
    jtc.setTrajectory({
      jointNames: [model.jointNames[0]],
      points: [{ positions: [0.5], timeFromStart: 1 }],
      pathTolerance: [{ name: model.jointNames[0], position: 0.05, velocity: 0, acceleration: 0 }],
    });
    t = run(pipeline, plant, t, 1.5);
    expect(jtc.status).toBe('aborted');
    expect(jtc.errorCode).toBe(TrajectoryErrorCode.PATH_TOLERANCE_VIOLATED);
    expect(Math.abs(pipeline.ctx.vRef[0])).toBeLessThan(1e-9);
  });

  it('an e-stop brings the arm to rest and latches until released', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const stream = new SetpointStream(model.nq);
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: new ComputedTorqueController(model, { kp: 400 }), reference: stream });
    let t = run(pipeline, plant, 0, 0.05);
    const velocities = [0.5, -0.4, 0.3, 0.4, 0.5, 0.5, 0.8];
    t = run(pipeline, plant, t, 0.5, () => stream.setVelocities(velocities));
    expect(Math.abs(plant.v[0])).toBeGreaterThan(0.4);
    pipeline.safety.estop('operator button');
    t = run(pipeline, plant, t, 0.6, () => stream.setVelocities(velocities));
    expect(pipeline.safety.state).toBe('e-stopped');
    expect(pipeline.safety.reason).toBe('operator button');
    const q = Float64Array.from(plant.q);
    for (let k = 0; k < 7; k++) expect(Math.abs(plant.v[k])).toBeLessThan(0.01);
    t = run(pipeline, plant, t, 0.5, () => stream.setVelocities(velocities));
    for (let k = 0; k < 7; k++) expect(Math.abs(plant.q[k] - q[k])).toBeLessThan(0.005);
    expect(pipeline.status().state).toBe('e-stopped');
    pipeline.safety.releaseEstop();
    run(pipeline, plant, t, 0.01);
    expect(pipeline.safety.state).toBe('active'); // released -> inactive -> auto-activated
  });

  it('a stale command stream brings the arm to a controlled stop (holding), and a fresh one resumes', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const stream = new SetpointStream(model.nq);
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: new ComputedTorqueController(model, { kp: 400 }), reference: stream, safety: { commandTimeout: 0.1 } });
    let t = run(pipeline, plant, 0, 0.01);
    t = run(pipeline, plant, t, 0.4, () => stream.setVelocities([0.6, 0, 0, 0, 0, 0, 0]));
    expect(plant.v[0]).toBeGreaterThan(0.5);
    t = run(pipeline, plant, t, 0.5); // the stream stops
    expect(pipeline.safety.state).toBe('holding');
    expect(pipeline.safety.reason).toBe('stale command stream');
    expect(Math.abs(plant.v[0])).toBeLessThan(0.01);
    const q0 = plant.q[0];
    t = run(pipeline, plant, t, 0.3);
    expect(Math.abs(plant.q[0] - q0)).toBeLessThan(0.002);
    run(pipeline, plant, t, 0.2, () => stream.setVelocities([-0.3, 0, 0, 0, 0, 0, 0]));
    expect(pipeline.safety.state).toBe('active');
    expect(plant.v[0]).toBeLessThan(-0.2);
  });

  it('stale state (sensor stops) faults, freezes position commands and refuses reset until state returns', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const stream = new SetpointStream(model.nq);
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller: new CascadeController(model.nq, { output: 'velocity', position: { kp: 20 } }), reference: stream, safety: { stateTimeout: 0.05, commandTimeout: 10 } });
    let t = run(pipeline, plant, 0, 0.01);
    t = run(pipeline, plant, t, 0.3, () => stream.setVelocities([0.5, 0, 0, 0, 0, 0, 0]));
    plant.publishing = false;
    t = run(pipeline, plant, t, 0.5);
    expect(pipeline.safety.state).toBe('fault');
    expect(pipeline.safety.reason).toBe('stale state');
    expect(plant.ports.command.velocity[0]).toBe(0);
    pipeline.safety.reset();
    t = run(pipeline, plant, t, 0.01);
    expect(pipeline.safety.state).toBe('fault');
    plant.publishing = true;
    t = run(pipeline, plant, t, 0.005);
    pipeline.safety.reset();
    run(pipeline, plant, t, 0.01);
    expect(pipeline.safety.state).toBe('active');
  });

  it('stale state in effort mode holds the gravity torque of the last pose, not the last torque', () => {
    const plant = new AbaPlant(model, PANDA_HOME);
    const controller = effortCascade();
    const stream = new SetpointStream(model.nq);
    const pipeline = new ControlPipeline({ model, ports: plant.ports, controller, reference: stream, safety: { stateTimeout: 0.02, commandTimeout: 10 } });
    let t = run(pipeline, plant, 0, 0.2);
    // Move the shoulder, then lose the state stream mid-motion.
    t = run(pipeline, plant, t, 0.15, () => stream.setVelocities([0, 0.3, 0, 0, 0, 0, 0]));
    plant.publishing = false;
    let lastActive = 0;
    t = run(pipeline, plant, t, 0.1, () => {
      if (pipeline.safety.state === 'active') lastActive = plant.ports.command.effort[1];
    });
    expect(pipeline.safety.state).toBe('fault');
    // The command is gravity at the last pose the loop saw, joint by joint, not the last torque
    // (which the loop, acting on a frozen state inside the timeout, had driven away from it).
    const expected = Array.from(gravityTorques(model, createData(model), pipeline.ctx.q));
    for (let k = 0; k < model.nq; k++) expect(plant.ports.command.effort[k]).toBeCloseTo(expected[k], 9);
    expect(Math.abs(lastActive - expected[1])).toBeGreaterThan(0.5);
    // It stays that torque while the fault lasts (no feedback: nothing to correct it with).
    run(pipeline, plant, t, 0.1);
    for (let k = 0; k < model.nq; k++) expect(plant.ports.command.effort[k]).toBeCloseTo(expected[k], 9);
  });
});
