// The page's tuning messages: every value typed is clamped or rejected (never non-finite on the
// wire), and what the page encodes is what the control loop's own decoder (control/wire.ts) reads.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildGains, buildTuningTest, clampField, decodeLabeled, encodeLabeled, testFields, type JointRange } from '../../web/src/tuning-wire.ts';
import { decodeGains, decodeLabeled as loopDecodeLabeled } from '../../control/wire.ts';

const anyValue = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.constant(Infinity), fc.constant(-Infinity), fc.string(), fc.constant(undefined), fc.constant(null), fc.double().map(String));
const RANGE: JointRange = { lower: -2, upper: 2, velocity: 3, effort: 40 };

describe('tuning wire (page side)', () => {
  it('clampField returns a finite value inside [min, max] or throws naming the field', () => {
    fc.assert(fc.property(anyValue, fc.double({ min: -100, max: 0, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (raw, min, max) => {
      try {
        const { value, clamped } = clampField({ name: 'kp', min, max, unit: '' }, raw);
        const typed = typeof raw === 'string' ? Number(raw) : raw;
        return Number.isFinite(value) && value >= min && value <= max && clamped === (value !== typed);
      } catch (error) {
        return String(error).includes('kp = ');
      }
    }), { seed: 81, numRuns: 2000 });
    expect(clampField({ name: 'kp', min: 0, max: 10, unit: '' }, '12')).toEqual({ value: 10, clamped: true });
    expect(() => clampField({ name: 'kp', min: 0, max: 10, unit: '' }, 'abc')).toThrow(/kp = "abc", expected a finite number in \[0, 10\]/);
  });

  it('every test message the page builds from random input is finite and inside the joint-derived ranges', () => {
    for (const kind of ['step', 'relay', 'chirp'] as const) {
      const specs = testFields(kind, RANGE);
      fc.assert(fc.property(fc.array(anyValue, { minLength: specs.length, maxLength: specs.length }), (values) => {
        const raw = Object.fromEntries(specs.map((s, i) => [s.name, values[i]]));
        try {
          const { message } = buildTuningTest(kind, 'joint2', RANGE, raw);
          const decoded = loopDecodeLabeled(message);
          expect(decoded.path).toEqual(['tune', kind, 'joint2']);
          return specs.every((s) => Number.isFinite(decoded.fields[s.name]) && decoded.fields[s.name] >= s.min && decoded.fields[s.name] <= s.max);
        } catch (error) {
          return /expected/.test(String(error));
        }
      }), { seed: 82, numRuns: 1000 });
    }
  });

  it('step amplitude stays within a quarter of the joint range; chirp needs f1 > f0', () => {
    const step = buildTuningTest('step', 'j', { lower: -0.2, upper: 0.2, velocity: 1, effort: 1 }, { amplitude: '5', duration: 2 });
    expect(step.values.amplitude).toBeCloseTo(0.1, 12);
    expect(step.clamped.length).toBe(1);
    expect(() => buildTuningTest('step', 'j', RANGE, { amplitude: 0, duration: 2 })).toThrow(/amplitude = 0, expected a non-zero value/);
    expect(() => buildTuningTest('chirp', 'j', RANGE, { f0: 5, f1: 2, duration: 10, amplitude: 0.01 })).toThrow(/f1 = 2 Hz, expected above f0 = 5 Hz/);
    const chirp = buildTuningTest('chirp', 'j', RANGE, { f0: 0.5, f1: 20, duration: 10, amplitude: 0.01 });
    expect(chirp.message.layout.dim[0].label).toBe('tune/chirp/j:f0,f1,duration,amplitude');
    expect(chirp.message.data).toEqual([0.5, 20, 10, 0.01]);
  });

  it('gains the page sends are read back unchanged by the loop\'s decodeGains (partial updates)', () => {
    const { message, clamped } = buildGains('joint3', 'position', { kp: '120', kd: 2.5 });
    expect(clamped).toEqual([]);
    expect(decodeGains(message)).toEqual({ joint: 'joint3', loop: 'position', gains: { kp: 120, kd: 2.5 } });
    const negative = buildGains('joint3', 'velocity', { ki: -4 });
    expect(negative.clamped).toEqual(['ki → 0']);
    expect(decodeGains(negative.message).gains).toEqual({ ki: 0 });
    expect(() => buildGains('joint3', 'position', { kp: Number.NaN })).toThrow(/gains joint3\/position\.kp = null/);
    expect(() => buildGains('joint3', 'position', { gain: 1 })).toThrow(/gain field "gain"/);
    expect(() => buildGains('a/b', 'position', { kp: 1 })).toThrow(/label segment "a\/b"/);
  });

  it('decodes results and names the field of a malformed one', () => {
    const result = encodeLabeled(['result', 'relay', 'joint2'], { ku: 12.5, tu: 0.2, kp: 7.5 });
    expect(decodeLabeled(result)).toEqual({ path: ['result', 'relay', 'joint2'], fields: { ku: 12.5, tu: 0.2, kp: 7.5 } });
    expect(decodeLabeled({ ...result, data: [null, 0.2, 1] }).fields.ku).toBeNaN();
    expect(() => decodeLabeled({ layout: { dim: [], data_offset: 0 }, data: [] })).toThrow(/layout\.dim = \[\], expected exactly one dimension/);
    expect(() => decodeLabeled({ ...result, data: [1, 2] })).toThrow(/^data = \[1,2\], expected 3 numbers/);
    expect(() => decodeLabeled({ ...result, data: [1, 'x', 2] })).toThrow(/data\[1\] \(tu\)/);
    expect(() => decodeLabeled('x')).toThrow(/message = "x"/);
  });
});
