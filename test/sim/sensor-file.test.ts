// Sensor files (`embodied sim --sensors FILE`): parsed with units and checked with errors naming
// file, field and value; in the plant they give the noise asked for, the same for the same seed.
import { describe, expect, it } from 'vitest';
import { parseSensorFile } from '../../sim/sensor-file.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';

const FILE = `
seed: 7
imuLink: link6
encoder: {side: joint, countsPerRevolution: 131072}
velocity: {noise: 0.01}
torque: {rate: 500 Hz, noise: 0.05, delay: 2 ms}
gyro: {rate: "1 kHz", noise: 0.001, bias: [0.002, -0.001, 0.0005]}
forceTorque: {noise: 0.2, bias: 0.5, rate: every step}
`;

describe('sensor file', () => {
  it('parses channels with units, the encoder and the IMU link', () => {
    expect(parseSensorFile(FILE, 'noisy.yaml')).toEqual({
      seed: 7, imuLink: 'link6',
      encoder: { side: 'joint', countsPerRevolution: 131072 },
      velocity: { noise: 0.01 },
      torque: { rate: 500, noise: 0.05, delay: 0.002 },
      gyro: { rate: 1000, noise: 0.001, bias: [0.002, -0.001, 0.0005] },
      forceTorque: { noise: 0.2, bias: 0.5, rate: Infinity },
    });
    expect(parseSensorFile('', 'empty.yaml')).toEqual({});
  });

  it('refuses what it cannot use, naming file, field, value and what was expected', () => {
    const refuse = (text: string) => () => parseSensorFile(text, 'noisy.yaml');
    expect(refuse('lidar: {noise: 1}')).toThrow(/noisy\.yaml: lidar = \{"noise":1\}: expected no such key; the keys are seed, imuLink, encoder/);
    expect(refuse('velocity: {noise: -1}')).toThrow(/velocity\.noise = -1: expected a standard deviation >= 0/);
    expect(refuse('torque: {rate: 3 kg}')).toThrow(/noisy\.yaml: torque\.rate = "3 kg": expected Hz/);
    expect(refuse('torque: {delay: 5 s}')).toThrow(/torque\.delay = "5 s": expected a delay from 0 to 1 s/);
    expect(refuse('gyro: {bias: [1, x]}')).toThrow(/gyro\.bias = \[1,"x"\]: expected a finite number or an array/);
    expect(refuse('encoder: {side: left}')).toThrow(/encoder\.side = "left": expected "motor" or "joint"/);
    expect(refuse('encoder: {countsPerRevolution: 2.5}')).toThrow(/encoder\.countsPerRevolution = 2\.5: expected a whole number/);
    expect(refuse('velocity: {jitter: 1}')).toThrow(/velocity\.jitter = 1: expected no such key; a channel has rate, noise, bias, delay/);
    expect(refuse('seed: 1.5')).toThrow(/seed = 1\.5: expected an integer/);
    expect(refuse('velocity: [')).toThrow(/noisy\.yaml: not YAML or JSON/);
  });

  it('in the plant: the velocity noise asked for, reproducible for a seed, different for another', () => {
    const run = (seed: number) => {
      const { sim } = loadSimRobot('servo-arm', { coupling: 'ideal', sensors: { ...parseSensorFile(FILE, 'noisy.yaml'), seed } });
      const plant = sim.plant;
      const readings: number[] = [];
      for (let i = 0; i < 2000; i++) {
        plant.step();
        readings.push(plant.sensors.velocity.value[0] - plant.v[0]);
      }
      return readings.slice(10);
    };
    const a = run(7), b = run(7), c = run(8);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length);
    expect(std).toBeGreaterThan(0.008);
    expect(std).toBeLessThan(0.012);
  });
});
