// Runs one scenario in lockstep, as fast as the machine allows: the simulated robot (plant +
// drives + sensors), the stack's control pipeline (control/) at its loop rate behind a delay
// line, the reference, the scheduled disturbances; records every tick and evaluates the metrics.
import { isAbsolute, resolve } from 'node:path';
import type { Controller, ReferenceSource } from '../../control/context.ts';
import { CascadeController, PositionForwardController } from '../../control/joint-controllers.ts';
import { JointTrajectoryController } from '../../control/joint-trajectory.ts';
import { JogReference } from '../../control/jog.ts';
import { jointLimitsFromModel } from '../../control/limiter.ts';
import { createLoopTime } from '../../control/loop.ts';
import { ComputedTorqueController, GravityCompensation } from '../../control/model-based.ts';
import { ControlPipeline } from '../../control/pipeline.ts';
import { HoldReference } from '../../control/hold-reference.ts';
import type { PidGains } from '../../control/pid.ts';
import { createRobotPorts } from '../../robot/ports.ts';
import { isBuiltinRobot } from '../../robot/robots/index.ts';
import { applyCommandPorts } from '../hardware-ports.ts';
import { loadSimRobot } from '../load-sim-robot.ts';
import { createRecording, evaluateMetrics, type MetricResult } from './metrics.ts';
import { PortsLink } from './ports-link.ts';
import { fullSpeedPoints, StepReference } from './references.ts';
import type { GainSet, Scenario } from './schema.ts';
import { ScenarioError } from './units.ts';

/** A disturbance or reference event, for the report. */
export interface ScenarioEvent { t: number; label: string }

/** The outcome of one scenario. */
export interface ScenarioResult {
  name: string;
  file: string;
  description: string;
  robot: string;
  passed: boolean;
  /** One line per failed metric, or the error that stopped the run. */
  failures: string[];
  metrics: MetricResult[];
  simTime: number;
  wallTime: number;
  realTimeFactor: number;
  events: ScenarioEvent[];
  /** Decimated traces for plots: time and, per joint, reference and response (rad). */
  plot: { t: number[]; joints: { name: string; reference: number[]; response: number[] }[] };
}

/** Where the scenario came from (for relative robot/drive paths and the report). */
export interface RunOptions {
  file?: string;
  baseDir?: string;
  /** Most samples per joint in the plot (default 600). */
  plotPoints?: number;
  /** Called with the fraction of simulated time done, about every 5 %. */
  onProgress?: (fraction: number) => void;
}

function pidGains(set: GainSet, k: number): Partial<PidGains> {
  const pick = (value: number | number[] | undefined) => (Array.isArray(value) ? value[k] : value);
  const out: Partial<PidGains> = {};
  const kp = pick(set.kp), ki = pick(set.ki), kd = pick(set.kd);
  if (kp !== undefined) out.kp = kp;
  if (ki !== undefined) out.ki = ki;
  if (kd !== undefined) out.kd = kd;
  return out;
}

/** Runs a validated scenario; never throws: errors become a failed result naming them. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): ScenarioResult {
  const started = performance.now();
  const result: ScenarioResult = {
    name: scenario.name, file: options.file ?? '', description: scenario.description, robot: scenario.robot, passed: false,
    failures: [], metrics: [], simTime: 0, wallTime: 0, realTimeFactor: 0, events: [], plot: { t: [], joints: [] },
  };
  try {
    execute(scenario, options, result);
  } catch (error) {
    result.passed = false;
    result.failures.push(`error: ${error instanceof Error ? error.message : String(error)}`);
  }
  result.wallTime = (performance.now() - started) / 1000;
  result.realTimeFactor = result.wallTime > 0 ? result.simTime / result.wallTime : 0;
  return result;
}

function execute(scenario: Scenario, options: RunOptions, result: ScenarioResult): void {
  const baseDir = options.baseDir ?? process.cwd();
  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const robot = isBuiltinRobot(scenario.robot) ? scenario.robot : path(scenario.robot);
  const noise = scenario.sensorNoise;
  const { sim, driveSet } = loadSimRobot(robot, {
    drive: scenario.drive === undefined ? undefined : path(scenario.drive),
    coupling: scenario.coupling,
    dt: scenario.dt,
    integrator: scenario.integrator,
    q0: scenario.initial,
    sensors: {
      seed: scenario.seed,
      // A 17-bit motor encoder, as the built-in drives have, and modest noise on the rest.
      encoder: { side: scenario.coupling === 'ideal' ? 'joint' : 'motor', countsPerRevolution: noise ? 1 << 17 : 0 },
      velocity: { noise: noise ? 2e-3 : 0 },
      torque: { noise: noise ? 0.05 : 0 },
      gyro: { noise: noise ? 1e-3 : 0 },
      accelerometer: { noise: noise ? 0.02 : 0 },
      forceTorque: { noise: noise ? 0.2 : 0 },
    },
  });
  const model = sim.model;
  const nv = model.nv;
  const plant = sim.plant;
  if (scenario.initial && scenario.initial.length !== nv) throw new ScenarioError(`initial has ${scenario.initial.length} values, the robot has ${nv} joints (${model.jointNames.join(', ')})`);
  const resolveJoint = (ref: number | string, field: string): number => {
    const k = typeof ref === 'number' ? ref : model.jointNames.indexOf(ref);
    if (k < 0 || k >= nv) throw new ScenarioError(`${field} = ${JSON.stringify(ref)}: no such joint (joints: ${model.jointNames.join(', ')})`);
    return k;
  };
  const dynamicsModel = plant.model; // with the drives' armature
  const every = Math.round(1 / (scenario.controller.rate * scenario.dt));
  if (every < 1 || Math.abs(every * scenario.controller.rate * scenario.dt - 1) > 1e-6) {
    throw new ScenarioError(`controller.rate = ${scenario.controller.rate} Hz: expected a divisor of the physics rate ${1 / scenario.dt} Hz`);
  }
  const loopDt = every * scenario.dt;
  const limits = jointLimitsFromModel(model);
  // The limiter's jerk stage (control/limiter.ts) falls into a growing limit cycle on a position
  // step (measured: 0.3 rad step of servo-arm joint2 swings ±0.12 rad and grows); until its owner
  // fixes it, scenarios limit position, velocity and acceleration only.
  limits.jerk.fill(Infinity);

  // Controller.
  const c = scenario.controller;
  let controller: Controller;
  if (c.kind === 'position-forward') {
    controller = new PositionForwardController();
  } else if (c.kind === 'cascade-effort') {
    const gravity = c.gravity ? new GravityCompensation(dynamicsModel) : undefined;
    const inertia = plant.actuators.armature;
    controller = new CascadeController(nv, {
      output: 'effort',
      position: Array.from({ length: nv }, (_, k) => ({ kp: 30, ...pidGains(c.position, k) })),
      // Default velocity loop: ~60 rad/s bandwidth on the reflected inertia plus a link share.
      velocity: Array.from({ length: nv }, (_, k) => ({ kp: 60 * (inertia[k] + 0.05), ki: 600 * (inertia[k] + 0.05), outputMin: -model.effortLimit[k], outputMax: model.effortLimit[k], ...pidGains(c.velocity, k) })),
      feedforward: gravity ? gravity.compute : undefined,
    });
  } else {
    const kp = Array.from({ length: nv }, (_, k) => pidGains(c.position, k).kp ?? 400);
    const kd = Array.from({ length: nv }, (_, k) => pidGains(c.position, k).kd ?? 2 * Math.sqrt(kp[k]));
    controller = new ComputedTorqueController(dynamicsModel, { kp, kd });
  }

  // Reference.
  const r = scenario.reference;
  let reference: ReferenceSource;
  let jtc: JointTrajectoryController | undefined;
  let jog: JogReference | undefined;
  if (r.kind === 'steps') {
    const steps = [...r.steps].map((s, i) => ({ ...s, k: resolveJoint(s.joint, `reference.steps[${i}].joint`) })).sort((a, b) => a.at - b.at);
    reference = new StepReference(nv, Float64Array.from(steps, (s) => s.at), Int32Array.from(steps, (s) => s.k), Float64Array.from(steps, (s) => s.to));
    for (const s of steps) result.events.push({ t: s.at, label: `step ${model.jointNames[s.k]} to ${s.to.toFixed(3)} rad` });
  } else if (r.kind === 'waypoints' || r.kind === 'trajectory') {
    jtc = new JointTrajectoryController({ jointNames: model.jointNames, interpolation: 'quintic' });
    reference = jtc;
  } else if (r.kind === 'jog') {
    jog = new JogReference(model, limits, { timeout: c.commandTimeout });
    reference = jog;
  } else {
    reference = new HoldReference(nv);
  }

  const stackPorts = createRobotPorts(model.jointNames);
  const commandPorts = createRobotPorts(model.jointNames);
  const pipeline = new ControlPipeline({
    model: dynamicsModel, ports: stackPorts, controller, reference: new HoldReference(nv), limits,
    safety: { stateTimeout: Math.max(c.stateTimeout, 2 * loopDt), commandTimeout: Math.max(c.commandTimeout, 2 * loopDt) },
  });
  const link = new PortsLink(nv, Math.ceil(1 / loopDt) + 2);

  // Disturbance schedule, in time order; each entry runs once.
  type Action = { t: number; run: () => void; label: string };
  const actions: Action[] = [];
  let streamLost = false;
  let delayTicks = 0;
  let forceSlot = 0;
  scenario.disturbances.forEach((d, i) => {
    const until = d.kind !== 'payload' && d.kind !== 'estop' ? d.at + d.duration : Infinity;
    switch (d.kind) {
      case 'payload':
        actions.push({ t: d.at, label: `payload ${d.mass} kg`, run: () => sim.setPayload(d.mass > 0 ? { mass: d.mass, com: d.com } : null) });
        break;
      case 'force': {
        const link = model.linkNames.indexOf(d.link);
        if (link < 0) throw new ScenarioError(`disturbances[${i}].link = "${d.link}": no such link (links: ${model.linkNames.join(', ')})`);
        const slot = forceSlot++;
        if (slot >= plant.forces.count) throw new ScenarioError(`disturbances[${i}]: at most ${plant.forces.count} force disturbances`);
        actions.push({ t: d.at, label: `force [${d.force.join(', ')}] N on ${d.link}`, run: () => {
          plant.forces.link[slot] = link;
          plant.forces.force.set(d.force, 3 * slot);
          plant.forces.point.set(d.point, 3 * slot);
        } });
        actions.push({ t: until, label: 'force released', run: () => { plant.forces.link[slot] = -1; } });
        break;
      }
      case 'sensor-dropout':
        actions.push({ t: d.at, label: 'sensor dropout', run: () => sim.setSensorDropout(true) });
        actions.push({ t: until, label: 'sensors back', run: () => sim.setSensorDropout(false) });
        break;
      case 'stream-loss':
        actions.push({ t: d.at, label: 'command stream lost', run: () => { streamLost = true; } });
        actions.push({ t: until, label: 'command stream back', run: () => { streamLost = false; } });
        break;
      case 'delay':
        actions.push({ t: d.at, label: `delay ${Math.round(d.delay * 1000)} ms`, run: () => { delayTicks = Math.round(d.delay / loopDt); } });
        actions.push({ t: until, label: 'delay cleared', run: () => { delayTicks = 0; } });
        break;
      case 'estop':
        actions.push({ t: d.at, label: `e-stop: ${d.reason}`, run: () => pipeline.safety.estop(d.reason) });
        break;
    }
  });
  actions.sort((a, b) => a.t - b.t);
  for (const a of actions) if (Number.isFinite(a.t) && a.t <= scenario.duration) result.events.push({ t: a.t, label: a.label });
  result.events.sort((a, b) => a.t - b.t);

  const jogSegments = r.kind === 'jog' ? r.segments.map((s, i) => ({ ...s, k: resolveJoint(s.joint, `reference.segments[${i}].joint`) })) : [];
  const jogEvery = r.kind === 'jog' ? Math.max(1, Math.round(1 / (r.streamRate * loopDt))) : 1;
  const jogNames = [''];
  const jogVelocity = new Float64Array(1);

  const ticks = Math.floor(scenario.duration / loopDt + 1e-9);
  const rec = createRecording(nv, ticks);
  const time = createLoopTime();
  const energyOf = (plant.actuators as { electricalEnergy?: Float64Array }).electricalEnergy;
  let idealEnergy = 0;
  let nextAction = 0;
  let referenceStarted = false;
  const progressEvery = Math.max(1, Math.floor(ticks / 20));
  for (let tick = 0; tick < ticks; tick++) {
    if (options.onProgress && tick % progressEvery === 0) options.onProgress(tick / ticks);
    const t = plant.time;
    while (nextAction < actions.length && actions[nextAction].t <= t + 1e-9) actions[nextAction++].run();
    // The stack's loop tick on (possibly delayed) state, and its command to the hardware.
    link.pushState(sim.ports);
    link.deliverState(stackPorts, delayTicks, t);
    time.t = t;
    time.dt = loopDt;
    if (!referenceStarted && tick >= 1) {
      // After one tick the pipeline holds the measured pose; the scenario's reference takes over from it.
      pipeline.setReference(reference);
      if (jtc && (r.kind === 'waypoints' || r.kind === 'trajectory')) {
        const points = r.kind === 'waypoints'
          ? r.points.map((p, i) => {
            if (p.positions.length !== nv) throw new ScenarioError(`reference.points[${i}].positions has ${p.positions.length} values, expected ${nv}`);
            return { positions: p.positions, timeFromStart: p.time };
          })
          : fullSpeedPoints(stackPorts.state.position, r.positions.map((row, i) => {
            if (row.length !== nv) throw new ScenarioError(`reference.positions[${i}] has ${row.length} values, expected ${nv}`);
            return row;
          }), limits, r.speedScale).map((p) => ({ ...p, timeFromStart: p.timeFromStart + r.start }));
        const submitted = jtc.setTrajectory({ jointNames: model.jointNames, points });
        if (!submitted.accepted) throw new ScenarioError(`reference: trajectory rejected (${submitted.errorString})`);
        result.events.push({ t, label: `trajectory of ${points.length} points, ${points[points.length - 1].timeFromStart.toFixed(2)} s` });
      }
      referenceStarted = true;
    }
    if (jog && tick % jogEvery === 0 && !streamLost) {
      for (const s of jogSegments) {
        if (t + 1e-9 >= s.at && t < s.at + s.duration) {
          jogNames[0] = model.jointNames[s.k];
          jogVelocity[0] = s.velocity;
          jog.jointJog(jogNames, jogVelocity);
        }
      }
    }
    pipeline.update(time);
    link.pushCommand(stackPorts);
    link.deliverCommand(commandPorts, delayTicks);
    applyCommandPorts(commandPorts, plant);
    for (let s = 0; s < every; s++) {
      sim.step();
      if (!energyOf) for (let k = 0; k < nv; k++) idealEnergy += Math.max(0, plant.tauActuator[k] * plant.v[k]) * scenario.dt;
    }
    // Record: the reference the loop tracked this tick and the true response after it.
    const i = rec.count++;
    rec.t[i] = plant.time;
    // Before the loop first activates its reference is not defined yet: count it as on target.
    const tracking = pipeline.safety.state !== 'inactive';
    for (let k = 0; k < nv; k++) {
      rec.reference[i * nv + k] = tracking ? pipeline.ctx.qRef[k] : plant.q[k];
      rec.response[i * nv + k] = plant.q[k];
      rec.velocity[i * nv + k] = plant.v[k];
      rec.current[i * nv + k] = plant.actuators.current[k];
      rec.temperature[i * nv + k] = plant.actuators.temperature[k];
    }
    let energy = idealEnergy;
    if (energyOf) for (let k = 0; k < nv; k++) energy += energyOf[k];
    rec.energy[i] = energy;
    if (!Number.isFinite(plant.q[0])) throw new Error(`simulation diverged at t = ${plant.time.toFixed(3)} s (non-finite joint position)`);
  }
  result.simTime = plant.time;
  result.metrics = evaluateMetrics(rec, scenario.metrics, r, model.jointNames, resolveJoint);
  result.failures = result.metrics.filter((m) => !m.passed).map((m) => m.reason);
  result.passed = result.failures.length === 0;
  if (driveSet === undefined && scenario.coupling !== 'ideal') result.events.unshift({ t: 0, label: 'no drive file: ideal actuators' });
  // Plot: decimate to at most plotPoints samples.
  const points = options.plotPoints ?? 600;
  const stride = Math.max(1, Math.ceil(rec.count / points));
  const round = (x: number) => +x.toFixed(5);
  for (let i = 0; i < rec.count; i += stride) result.plot.t.push(round(rec.t[i]));
  result.plot.joints = model.jointNames.map((name, k) => {
    const reference: number[] = [], response: number[] = [];
    for (let i = 0; i < rec.count; i += stride) {
      reference.push(round(rec.reference[i * nv + k]));
      response.push(round(rec.response[i * nv + k]));
    }
    return { name, reference, response };
  });
}
