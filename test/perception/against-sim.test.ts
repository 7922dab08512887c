// Every estimator on the simulator's sensors, against the simulator's ground truth.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../robot/model.ts';
import { builtinRobotFiles } from '../../robot/robots/index.ts';
import { createPlant, type Plant } from '../../sim/plant.ts';
import { ActuatorMode } from '../../sim/actuators.ts';
import { JointStateEstimator } from '../../perception/joint-state-estimator.ts';
import { MahonyFilter, quaternionAngle } from '../../perception/imu-attitude.ts';
import { MomentumObserver } from '../../perception/momentum-observer.ts';
import { jointFriction } from '../../robot/dynamics.ts';
import { identifyPayload, type StaticWrenchSample } from '../../perception/wrench.ts';

const servoArm = () => buildModel(readFileSync(builtinRobotFiles('servo-arm').urdf, 'utf8'));

/** Drives every joint along a sine around `center` with the given amplitude and frequency (position mode with velocity feed-forward). */
function track(plant: Plant, t: number, amplitude: number, frequency: number, center = 0.3): void {
  const c = plant.command, w = 2 * Math.PI * frequency;
  for (let k = 0; k < plant.model.nv; k++) {
    c.mode[k] = ActuatorMode.position;
    c.position[k] = center + amplitude * Math.sin(w * t + k);
    c.velocity[k] = amplitude * w * Math.cos(w * t + k);
  }
}

describe('estimators on the simulator', () => {
  it('joint velocity from the simulated 16-bit encoders: Kalman RMS error far below plain differencing', () => {
    const plant = createPlant(servoArm(), { sensors: { seed: 3, encoder: { side: 'joint', countsPerRevolution: 2 ** 16 } } });
    const nv = plant.model.nv;
    const estimator = new JointStateEstimator(nv, { quantum: (2 * Math.PI) / 2 ** 16, jerkDensity: 1e3 });
    const previous = new Float64Array(nv);
    let sequence = -1, kalman = 0, plain = 0, count = 0;
    for (let i = 0; i < 4000; i++) {
      track(plant, plant.time, 0.4, 0.5);
      plant.step();
      const channel = plant.sensors.position;
      if (channel.sequence === sequence) continue;
      sequence = channel.sequence;
      estimator.update(channel.value, channel.stampSlot);
      if (i > 300) {
        for (let k = 0; k < nv; k++) {
          kalman += (estimator.velocity[k] - plant.v[k]) ** 2;
          plain += ((channel.value[k] - previous[k]) / plant.dt - plant.v[k]) ** 2;
          count++;
        }
      }
      previous.set(channel.value);
    }
    const figures = { kalman_rms_rad_s: Math.sqrt(kalman / count), differencing_rms_rad_s: Math.sqrt(plain / count) };
    console.log(JSON.stringify({ figure: 'sim-joint-velocity', ...figures }));
    expect(figures.kalman_rms_rad_s).toBeLessThan(figures.differencing_rms_rad_s / 4);
  });

  it('IMU attitude at the tool from the simulated gyro and accelerometer (noise and bias): tilt RMS under 2°', () => {
    const plant = createPlant(servoArm(), {
      sensors: { seed: 5, gyro: { noise: 0.003, bias: [0.01, -0.02, 0.005] }, accelerometer: { noise: 0.03 } },
    });
    const filter = new MahonyFilter(1.5, 0.1);
    let started = false, tiltSum = 0, angleSum = 0, count = 0, sequence = -1;
    for (let i = 0; i < 15_000; i++) {
      track(plant, plant.time, 0.3, 0.1);
      plant.step();
      const { gyro, accelerometer, orientation } = plant.sensors;
      if (gyro.sequence === sequence) continue;
      sequence = gyro.sequence;
      if (!started) {
        filter.reset(orientation);
        started = true;
        continue;
      }
      filter.update(gyro.value, accelerometer.value, plant.dt);
      if (plant.time > 5) {
        const e = filter.orientation, q = orientation;
        const up = (a: ArrayLike<number>) => [2 * (a[0] * a[2] - a[3] * a[1]), 2 * (a[1] * a[2] + a[3] * a[0]), a[3] ** 2 - a[0] ** 2 - a[1] ** 2 + a[2] ** 2];
        const u = up(q), v = up(e);
        const tilt = Math.acos(Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2]));
        tiltSum += tilt * tilt;
        angleSum += quaternionAngle(e, q) ** 2;
        count++;
      }
    }
    const figures = { tilt_rms_deg: (Math.sqrt(tiltSum / count) * 180) / Math.PI, attitude_rms_deg: (Math.sqrt(angleSum / count) * 180) / Math.PI };
    console.log(JSON.stringify({ figure: 'sim-imu-attitude', ...figures }));
    expect(figures.tilt_rms_deg).toBeLessThan(2);
  });

  it('payload mass within 2 % and COM within 5 mm from the simulated flange F/T sensor at six static poses', () => {
    const plant = createPlant(servoArm(), { sensors: { seed: 7, forceTorque: { noise: 0.05, bias: [0.4, -0.2, 1.0, 0.01, 0.02, -0.01] } } });
    const payload = { mass: 2.5, com: [0.01, -0.02, 0.06] };
    plant.setPayload(payload);
    const poses = [[0, 0, 0, 0, 0, 0], [0, 0.6, 0.4, 0, 1.2, 0], [0.5, -0.4, 0.8, 1.0, -0.9, 0.7], [0, 0.3, 0.3, 1.5, 1.4, 0], [1.0, 0.2, -0.6, -1.2, 0.5, 2.0], [0, -0.5, 1.2, 0.4, -1.4, -1.0]];
    const samples: StaticWrenchSample[] = poses.map((pose) => {
      const c = plant.command;
      for (let k = 0; k < plant.model.nv; k++) {
        c.mode[k] = ActuatorMode.position;
        c.position[k] = pose[k];
        c.velocity[k] = 0;
      }
      for (let i = 0; i < 3000; i++) plant.step();
      const force = new Float64Array(3), torque = new Float64Array(3);
      const n = 200;
      for (let i = 0; i < n; i++) {
        plant.step();
        for (let j = 0; j < 3; j++) {
          force[j] += plant.sensors.forceTorque.value[j] / n;
          torque[j] += plant.sensors.forceTorque.value[3 + j] / n;
        }
      }
      const R = plant.data.X_WL.slice(12 * plant.model.tip, 12 * plant.model.tip + 9);
      return { R_WS: R, force, torque };
    });
    const estimate = identifyPayload(samples);
    const massError = Math.abs(estimate.mass - payload.mass) / payload.mass;
    const comError = Math.hypot(...[0, 1, 2].map((i) => estimate.com[i] - payload.com[i]));
    console.log(JSON.stringify({ figure: 'sim-payload', mass_error_percent: 100 * massError, com_error_mm: 1000 * comError }));
    expect(massError).toBeLessThan(0.02);
    expect(comError).toBeLessThan(0.005);
  });

  it('momentum observer: a 30 N push on the forearm is detected within 20 ms; no false alarm in fast motion before it', () => {
    const start = [0, 1, 2, 3, 4, 5].map((k) => 0.3 + 0.5 * Math.sin(k));
    const plant = createPlant(servoArm(), { integrator: 'rk4', q0: start });
    const model = plant.model;
    const observer = new MomentumObserver(model, { gain: 300, threshold: 6 });
    const friction = new Float64Array(model.nv);
    let worst = 0;
    const forearm = model.linkNames.indexOf('link3');
    let falseAlarms = 0, detected = Number.NaN;
    const impact = 3.0;
    for (let i = 0; i < 3500; i++) {
      const t = plant.time;
      track(plant, t, 0.5, 0.4);
      // Ease in over the first second so the arm starts from rest.
      if (t < 1) for (let k = 0; k < model.nv; k++) plant.command.position[k] = start[k] + (plant.command.position[k] - start[k]) * t * t * (3 - 2 * t);
      if (t >= impact) {
        plant.forces.link[0] = forearm;
        plant.forces.force.set([30, 0, 0], 0);
      }
      plant.step();
      // The actuators' torque over the step just taken, and the URDF friction model at its start.
      jointFriction(model, plant.q, plant.v, friction);
      observer.update(plant.q, plant.v, plant.tauActuator, friction, plant);
      if (t < impact && t > 0.5) for (let k = 0; k < model.nv; k++) worst = Math.max(worst, Math.abs(observer.residual[k]));
      if (observer.collision) {
        if (t < impact) falseAlarms++;
        else if (Number.isNaN(detected)) detected = t - impact;
      }
    }
    console.log(JSON.stringify({ figure: 'sim-collision', detection_delay_ms: detected * 1e3, false_alarms: falseAlarms, worst_residual_before_nm: worst, peak_speed_rad_s: 0.5 * 2 * Math.PI * 0.4 }));
    expect(falseAlarms).toBe(0);
    expect(detected).toBeLessThan(0.02);
  });
});
