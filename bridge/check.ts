// Small readers that turn `unknown` into typed values, or say which field was wrong, with what
// value, and what was expected. Used by frame and message validation; no Node API.

/**
 * A validation failure: the dotted field path, the offending value and what was expected.
 * Deliberately not an Error: it is thrown and caught inside validation for every bad frame,
 * and capturing a stack trace each time made rejecting a frame cost 30-150 µs.
 */
export class ValidationError {
  readonly name = 'ValidationError';
  /** Dotted path of the field, e.g. `msg.position[2]`. */
  readonly field: string;
  /** Short rendering of the value found there. */
  readonly value: string;
  /** What the field should have held. */
  readonly expected: string;
  constructor(field: string, value: unknown, expected: string, shown = describeValue(value)) {
    this.field = field;
    this.value = shown;
    this.expected = expected;
  }

  /** `field "…": got …, expected …`. */
  get message(): string {
    return `field "${this.field}": got ${this.value}, expected ${this.expected}`;
  }

  /** The same failure seen from a parent: `prefix` joined before this field path. */
  under(prefix: string): ValidationError {
    const field = this.field === '' ? prefix : this.field.startsWith('[') ? `${prefix}${this.field}` : `${prefix}.${this.field}`;
    return new ValidationError(field, undefined, this.expected, this.value);
  }
}

/** Renders a value for an error message, truncated so huge inputs do not bloat replies. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return `${typeof value} ${String(value)}`;
}

/** Plain object record view of a value, or a ValidationError at `field`. */
export function asRecord(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) {
    throw new ValidationError(field, value, 'an object');
  }
  return value as Record<string, unknown>;
}

/** Required string field. */
export function requireString(record: Record<string, unknown>, key: string, path = key): string {
  const value = record[key];
  if (typeof value !== 'string') throw new ValidationError(path, value, 'a string');
  return value;
}

/** Optional string field (absent or null gives undefined). */
export function optionalString(record: Record<string, unknown>, key: string, path = key): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ValidationError(path, value, 'a string');
  return value;
}

/** Optional finite number field, checked against an inclusive range. */
export function optionalNumber(
  record: Record<string, unknown>,
  key: string,
  min = -Infinity,
  max = Infinity,
  path = key,
): number | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new ValidationError(path, value, `a number in [${min}, ${max}]`);
  }
  return value;
}

/** Required finite number field. */
export function requireNumber(record: Record<string, unknown>, key: string, min = -Infinity, max = Infinity, path = key): number {
  const value = optionalNumber(record, key, min, max, path);
  if (value === undefined) throw new ValidationError(path, undefined, `a number in [${min}, ${max}]`);
  return value;
}

/** Optional boolean field. */
export function optionalBoolean(record: Record<string, unknown>, key: string, path = key): boolean | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ValidationError(path, value, 'a boolean');
  return value;
}

/** Optional string-or-number id (rosbridge ids are strings, some clients send numbers). */
export function optionalId(record: Record<string, unknown>, key = 'id'): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ValidationError(key, value, 'a string id');
}
