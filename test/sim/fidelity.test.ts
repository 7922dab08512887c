// Fidelity of the plant against closed forms: a pendulum's period, energy conservation without
// losses, and ABA against solving the CRBA mass matrix.
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../sim/load-robot.ts';
import { createData } from '../../robot/data.ts';
import { aba, crba, rnea } from '../../robot/dynamics.ts';
import { buildModel, withArmature } from '../../robot/model.ts';
import { ActuatorMode } from '../../sim/actuators.ts';
import { createPlant } from '../../sim/plant.ts';
import { createRandom } from '../../sim/random.ts';

/** A one-joint pendulum about y: a rod-free bob of mass m at distance L below the pivot, with inertia Ic about its COM. */
function pendulumUrdf(m: number, L: number, Ic: number): string {
  return `<robot name="pendulum">
    <link name="world"/>
    <link name="bob"><inertial><origin xyz="0 0 ${-L}"/><mass value="${m}"/>
      <inertia ixx="${Ic}" ixy="0" ixz="0" iyy="${Ic}" iyz="0" izz="${Ic}"/></inertial></link>
    <joint name="pivot" type="continuous"><parent link="world"/><child link="bob"/><axis xyz="0 1 0"/></joint>
  </robot>`;
}

/** Complete elliptic integral of the first kind K(k) by the arithmetic-geometric mean. */
function ellipticK(k: number): number {
  let a = 1, b = Math.sqrt(1 - k * k);
  for (let i = 0; i < 30; i++) [a, b] = [(a + b) / 2, Math.sqrt(a * b)];
  return Math.PI / (2 * a);
}

/** Times between successive downward zero crossings of q, linearly interpolated. */
function periods(plant: ReturnType<typeof createPlant>, seconds: number): number[] {
  const crossings: number[] = [];
  let previous = plant.q[0];
  const n = Math.round(seconds / plant.dt);
  for (let i = 0; i < n; i++) {
    const t0 = plant.time;
    plant.step();
    const now = plant.q[0];
    if (previous > 0 && now <= 0) crossings.push(t0 + (plant.dt * previous) / (previous - now));
    previous = now;
  }
  return crossings.slice(1).map((t, i) => t - crossings[i]);
}

describe('plant fidelity', () => {
  it('swings a pendulum at the closed-form large-amplitude period (RK4 and semi-implicit Euler)', () => {
    const m = 2, L = 0.5, Ic = 0.01, g = 9.81, theta0 = 1.0;
    const model = buildModel(pendulumUrdf(m, L, Ic));
    // Physical pendulum: T = 4·sqrt(I_O / (m g L))·K(sin(θ0/2)), I_O = Ic + m L².
    const expected = 4 * Math.sqrt((Ic + m * L * L) / (m * g * L)) * ellipticK(Math.sin(theta0 / 2));
    for (const integrator of ['rk4', 'semi-implicit-euler'] as const) {
      const plant = createPlant(model, { integrator, q0: [theta0], jointLosses: false });
      const measured = periods(plant, 6);
      expect(measured.length).toBeGreaterThanOrEqual(3);
      const tolerance = integrator === 'rk4' ? 1e-6 : 2e-3;
      for (const T of measured) expect(Math.abs(T - expected) / expected).toBeLessThan(tolerance);
    }
    // Losses on: the URDF damping must make the amplitude decay.
  });

  it('conserves energy over 10 s with losses off (RK4, relative drift <= 1e-6)', () => {
    // Each arm with a reflected rotor inertia like its drives' (servo-arm's light wrist would otherwise
    // whip to > 200 rad/s in free fall, which no 1 ms integrator follows to 1e-6).
    for (const name of ['ur5e', 'servo-arm']) {
      const loaded = loadRobot(name).model;
      const model = withArmature(loaded, new Float64Array(loaded.nv).fill(0.05));
      const q0 = Array.from({ length: model.nv }, (_, k) => 0.3 + 0.2 * k);
      const plant = createPlant(model, { integrator: 'rk4', jointLosses: false, jointStops: false, q0 });
      plant.v.set(Array.from({ length: model.nv }, (_, k) => 0.5 - 0.15 * k));
      const e0 = plant.mechanicalEnergy();
      let scale = 0;
      let worst = 0;
      const steps = Math.round(10 / plant.dt);
      for (let i = 0; i < steps; i++) {
        plant.step();
        if (i % 100 === 99) {
          const e = plant.mechanicalEnergy();
          worst = Math.max(worst, Math.abs(e - e0));
          scale = Math.max(scale, Math.abs(e0));
        }
      }
      // Relative to the total energy (potential measured from the base origin: every link above or
      // below it contributes, so the scale is the arm's energy, not an arbitrary reference).
      expect(Number.isFinite(worst)).toBe(true);
      expect(worst / scale).toBeLessThanOrEqual(1e-6);
    }
  });

  it('URDF damping takes energy out when losses are on', () => {
    const model = buildModel(pendulumUrdf(2, 0.5, 0.01).replace('<axis xyz="0 1 0"/>', '<axis xyz="0 1 0"/><dynamics damping="0.5" friction="0.05"/>'));
    const plant = createPlant(model, { integrator: 'rk4', q0: [1] });
    const e0 = plant.mechanicalEnergy();
    for (let i = 0; i < 3000; i++) plant.step();
    expect(plant.mechanicalEnergy()).toBeLessThan(e0 - 0.5 * (e0 - -2 * 9.81 * 0.5));
  });

  it('ABA agrees with solving M·qdd = tau - rnea(q, v, 0) for random states of every built-in arm', () => {
    const random = createRandom(11);
    for (const name of ['servo-arm', 'ur5e', 'panda']) {
      const { model } = loadRobot(name);
      const data = createData(model);
      const nv = model.nv;
      const q = new Float64Array(nv), v = new Float64Array(nv), tau = new Float64Array(nv), zero = new Float64Array(nv);
      for (let trial = 0; trial < 50; trial++) {
        for (let k = 0; k < nv; k++) {
          q[k] = -2 + 4 * random.uniform();
          v[k] = -2 + 4 * random.uniform();
          tau[k] = -20 + 40 * random.uniform();
        }
        const qdd = Float64Array.from(aba(model, data, q, v, tau));
        const bias = Float64Array.from(rnea(model, data, q, v, zero));
        const M = Float64Array.from(crba(model, data, q));
        // Residual M·qdd + bias − tau must vanish.
        for (let r = 0; r < nv; r++) {
          let sum = bias[r] - tau[r];
          for (let c = 0; c < nv; c++) sum += M[r * nv + c] * qdd[c];
          expect(Math.abs(sum)).toBeLessThan(1e-8 * (1 + Math.abs(tau[r])));
        }
      }
    }
  });

  it('holds a joint stop: the joint pushed into its limit stays within a degree of it', () => {
    const { model } = loadRobot('servo-arm');
    const plant = createPlant(model, { integrator: 'semi-implicit-euler' });
    const k = 1;
    plant.command.mode.fill(ActuatorMode.effort);
    plant.command.effort[k] = model.effortLimit[k];
    for (let i = 0; i < 2000; i++) plant.step();
    expect(plant.q[k]).toBeGreaterThan(model.upperLimit[k] - 1e-3);
    expect(plant.q[k]).toBeLessThan(model.upperLimit[k] + (1 * Math.PI) / 180);
    expect(Math.abs(plant.v[k])).toBeLessThan(1e-2);
  });
});

describe('IMU', () => {
  it('reads the specific force (acceleration minus gravity) and the rate of its link, checked by finite differences', () => {
    const { model } = loadRobot('ur5e');
    const dt = 1e-4;
    const plant = createPlant(model, { integrator: 'rk4', dt, jointLosses: false, jointStops: false, q0: [0.3, -1.2, 1.0, -0.5, 0.8, 0.2] });
    plant.v.set([0.4, -0.3, 0.5, 0.6, -0.4, 0.7]);
    const tip = model.tip;
    // Tip origin positions at three successive steps give its acceleration by central differences.
    const p: number[][] = [];
    const R: number[][] = [];
    let f: number[] = [], w: number[] = [];
    for (let i = 0; i < 3; i++) {
      plant.step(); // sensors sample at the start of a step, from the state before it
      const X = plant.data.X_WL;
      p.push([X[12 * tip + 9], X[12 * tip + 10], X[12 * tip + 11]]);
      R.push(Array.from(X.subarray(12 * tip, 12 * tip + 9)));
      if (i === 1) {
        f = Array.from(plant.sensors.accelerometer.value);
        w = Array.from(plant.sensors.gyro.value);
      }
    }
    // plant.data.X_WL after step i holds the pose at the start of step i (forward kinematics runs first).
    const a = [0, 1, 2].map((j) => (p[2][j] - 2 * p[1][j] + p[0][j]) / (dt * dt));
    const world = [a[0] - 0, a[1] - 0, a[2] + 9.81];
    const Rm = R[1];
    const expected = [0, 1, 2].map((c) => Rm[c] * world[0] + Rm[3 + c] * world[1] + Rm[6 + c] * world[2]);
    expected.forEach((x, j) => expect(Math.abs(f[j] - x)).toBeLessThan(2e-3 * (1 + Math.abs(x))));
    // Rate: R1ᵀ·R2 ≈ I + [w]× dt in the link frame.
    const Rn = R[2];
    const rel = (r: number, c: number) => Rm[r] * Rn[c] + Rm[3 + r] * Rn[3 + c] + Rm[6 + r] * Rn[6 + c];
    const wfd = [(rel(2, 1) - rel(1, 2)) / (2 * dt), (rel(0, 2) - rel(2, 0)) / (2 * dt), (rel(1, 0) - rel(0, 1)) / (2 * dt)];
    wfd.forEach((x, j) => expect(Math.abs(w[j] - x)).toBeLessThan(5e-3 * (1 + Math.abs(x))));
  });
});
