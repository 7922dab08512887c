// Sensor files for `embodied sim --sensors FILE` (YAML or JSON): each sensor channel's rate, noise,
// bias and delay, the encoder's side and resolution, the IMU link and the noise seed. Every key is
// optional; a channel left out stays ideal (every step, exact). Rates and delays take a plain SI
// number or a string with a unit ("500 Hz", "2 ms"); noise and bias are in the channel's own unit
// (rad, rad/s, N·m, A, K, rad/s, m/s², N and N·m). Errors name the file, the field, the value and
// what was expected.
//
//   seed: 7
//   imuLink: link6
//   encoder: {side: motor, countsPerRevolution: 131072}
//   velocity: {noise: 0.001}
//   torque: {rate: 500 Hz, noise: 0.05, delay: 2 ms}
//   gyro: {rate: 1 kHz, noise: 0.001, bias: [0.002, -0.001, 0.0005]}
//   accelerometer: {noise: 0.02}
//   forceTorque: {noise: 0.2, bias: 0.5}
import { isRecord, parseSettingsFile } from './settings-file.ts';
import type { SensorOptionsInput } from './sensors.ts';
import type { ChannelSpec } from './sensor-channel.ts';

const CHANNELS = ['encoder', 'velocity', 'torque', 'current', 'temperature', 'gyro', 'accelerometer', 'forceTorque'] as const;
const CHANNEL_KEYS = ['rate', 'noise', 'bias', 'delay'] as const;
const KEYS = ['seed', 'imuLink', ...CHANNELS] as const;

/** Parses a sensor file's text; `file` names it in errors. */
export function parseSensorFile(text: string, file: string): SensorOptionsInput {
  const { raw, fail, measure } = parseSettingsFile(text, file, KEYS, 'sensors');
  const out: SensorOptionsInput = {};
  if (raw.seed !== undefined) {
    if (typeof raw.seed !== 'number' || !Number.isInteger(raw.seed)) fail('seed', raw.seed, 'an integer');
    out.seed = raw.seed as number;
  }
  if (raw.imuLink !== undefined) {
    if (typeof raw.imuLink !== 'string' || raw.imuLink === '') fail('imuLink', raw.imuLink, 'a link name');
    out.imuLink = raw.imuLink as string;
  }
  for (const name of CHANNELS) {
    const spec = raw[name];
    if (spec === undefined) continue;
    if (!isRecord(spec)) fail(name, spec, `a mapping of ${name === 'encoder' ? 'side, countsPerRevolution, ' : ''}${CHANNEL_KEYS.join(', ')}`);
    const channel: Partial<ChannelSpec> & { side?: 'motor' | 'joint'; countsPerRevolution?: number } = {};
    for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
      const field = `${name}.${key}`;
      if (key === 'rate') {
        if (value === 'every step' || value === Infinity) channel.rate = Infinity;
        else {
          const rate = measure(field, value, 'Hz');
          if (!(rate > 0)) fail(field, value, 'a positive rate, or "every step"');
          channel.rate = rate;
        }
      } else if (key === 'delay') {
        const delay = measure(field, value, 's');
        if (!(delay >= 0 && delay <= 1)) fail(field, value, 'a delay from 0 to 1 s');
        channel.delay = delay;
      } else if (key === 'noise') {
        if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) fail(field, value, 'a standard deviation >= 0 in the channel\'s unit');
        channel.noise = value as number;
      } else if (key === 'bias') {
        const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
        if (!(finite(value) || (Array.isArray(value) && value.length > 0 && value.every(finite)))) fail(field, value, 'a finite number or an array of them (one per component)');
        channel.bias = value as number | number[];
      } else if (name === 'encoder' && key === 'side') {
        if (value !== 'motor' && value !== 'joint') fail(field, value, '"motor" or "joint"');
        channel.side = value as 'motor' | 'joint';
      } else if (name === 'encoder' && key === 'countsPerRevolution') {
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) fail(field, value, 'a whole number of counts >= 0 (0: not quantized)');
        channel.countsPerRevolution = value as number;
      } else {
        fail(field, value, `no such key; a channel has ${CHANNEL_KEYS.join(', ')}${name === 'encoder' ? ', side, countsPerRevolution' : ''}`);
      }
    }
    (out as Record<string, unknown>)[name] = channel;
  }
  return out;
}
