// The common start of the settings files (`embodied run --config`, `embodied sim --sensors`): YAML
// (JSON is a subset) whose top level must be a mapping of known keys; errors name the file, the
// field, the value and what was expected.
import { parse as parseYaml } from 'yaml';
import { quantity, type SiUnit } from './scenario/units.ts';

/** Throws `<file>: <field> = <value>: expected <expected>`. */
export type SettingsFail = (field: string, value: unknown, expected: string) => never;
/** A number or a "value unit" string in SI `unit` (sim/scenario/units.ts `quantity`), its errors prefixed with the file. */
export type SettingsMeasure = (field: string, value: unknown, unit: SiUnit) => number;

/** True for a plain mapping (not null, not an array). */
export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Parses `text` into its top-level mapping (empty for an empty file), refusing anything else and
 * any key not in `keys`; `what` names the file's contents ("settings", "sensors") in errors.
 */
export function parseSettingsFile(text: string, file: string, keys: readonly string[], what: string): { raw: Record<string, unknown>; fail: SettingsFail; measure: SettingsMeasure } {
  const fail: SettingsFail = (field, value, expected) => {
    throw new Error(`${file}: ${field} = ${JSON.stringify(value)}: expected ${expected}`);
  };
  const measure: SettingsMeasure = (field, value, unit) => {
    try {
      return quantity(value, unit, field);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  };
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new Error(`${file}: not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || raw === undefined) return { raw: {}, fail, measure };
  if (!isRecord(raw)) return fail('the file', raw, `a mapping of ${what}`);
  for (const key of Object.keys(raw)) if (!keys.includes(key)) fail(key, raw[key], `no such key; the keys are ${keys.join(', ')}`);
  return { raw, fail, measure };
}
