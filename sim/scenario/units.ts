// Quantities in scenario files: a plain number (SI) or a string with a unit ("20 ms", "10 deg",
// "2 kg", "25 degC"), parsed once at load time with mathjs and checked against the expected
// dimension. Errors name the field, the value and the unit expected.
import { unit } from 'mathjs';

/** SI units a scenario field may expect. '%' takes "12 %" or a plain number. */
export type SiUnit = 's' | 'rad' | 'rad/s' | 'kg' | 'm' | 'N' | 'N m' | 'A' | 'K' | 'J' | 'Hz' | '%' | '1';

/** Error in a scenario file; the message names file and field. */
export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

/** Parses a number or a "value unit" string into SI; throws ScenarioError naming `field`. */
export function quantity(value: unknown, expected: SiUnit, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ScenarioError(`${field} = ${value}: expected a finite number (${expected})`);
    return value;
  }
  if (typeof value !== 'string') throw new ScenarioError(`${field} = ${JSON.stringify(value)}: expected a number or a string with a unit (${expected}, e.g. ${example(expected)})`);
  const text = value.trim();
  if (expected === '%') {
    const match = /^(-?[\d.eE+-]+)\s*%?$/.exec(text);
    const number = match ? Number(match[1]) : Number.NaN;
    if (!Number.isFinite(number)) throw new ScenarioError(`${field} = "${value}": expected a percentage such as "10 %"`);
    return number;
  }
  if (/^-?[\d.]+([eE][+-]?\d+)?$/.test(text)) return Number(text);
  try {
    if (expected === 'Hz') return unit(text).toNumber('Hz');
    if (expected === '1') throw new Error('a plain number');
    return unit(text).toNumber(expected);
  } catch (error) {
    throw new ScenarioError(`${field} = "${value}": expected ${expected} (e.g. ${example(expected)}); ${error instanceof Error ? error.message : String(error)}`);
  }
}

function example(expected: SiUnit): string {
  const examples: Record<SiUnit, string> = {
    s: '"20 ms"', rad: '"10 deg"', 'rad/s': '"90 deg/s"', kg: '"2 kg"', m: '"5 cm"', N: '"40 N"', 'N m': '"3 N m"',
    A: '"4 A"', K: '"80 degC"', J: '"1 kJ"', Hz: '"1 kHz"', '%': '"10 %"', '1': '0.5',
  };
  return examples[expected];
}

/** A vector of quantities (array of numbers or strings) of the given length. */
export function quantityVector(value: unknown, expected: SiUnit, length: number, field: string): number[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw new ScenarioError(`${field} = ${JSON.stringify(value)}: expected an array of ${length} values (${expected})`);
  }
  return value.map((x, i) => quantity(x, expected, `${field}[${i}]`));
}
