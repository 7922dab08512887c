// Command-line values checked once, with errors that name the flag, the value and what was expected.
import { readFileSync } from 'node:fs';

/** A TCP port 0..65535 (0 lets the system pick a free one). */
export function parsePort(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${flag} = "${text}": expected a port number 0-65535 (0 picks a free one)`);
  return value;
}

/** A finite number, > 0 when `positive`, ≥ 0 otherwise; whole when `integer`. */
export function parseNumber(text: string, flag: string, options: { positive?: boolean; integer?: boolean } = {}): number {
  const value = Number(text);
  const ok = text.trim() !== '' && Number.isFinite(value) && (options.positive ? value > 0 : value >= 0) && (!options.integer || Number.isInteger(value));
  if (!ok) throw new Error(`${flag} = "${text}": expected a ${options.positive ? 'positive' : 'non-negative'} ${options.integer ? 'integer' : 'number'}`);
  return value;
}

/** One of `choices`. */
export function parseChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new Error(`${flag} = "${text}": expected ${choices.join(', ')}`);
  return text as T;
}

/** Resolves on the first SIGINT or SIGTERM (Ctrl-C, or a supervisor stopping the command). */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The text of the file a flag names; a missing or unreadable file is an error naming flag and path. */
export function readTextFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${flag} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

/** Environment variable that holds the rosbridge token when --token is not given (so it need not show in `ps`). */
export const TOKEN_VARIABLE = 'EMBODIED_TOKEN';

/**
 * The rosbridge token of `run`, `view`, `start` and `sim`: --token's value, else EMBODIED_TOKEN's,
 * else undefined (no token). An empty or blank one is an error naming where it came from.
 */
export function resolveToken(flag: string | undefined, environment: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (flag !== undefined) {
    if (flag.trim() === '') throw new Error(`--token = ${JSON.stringify(flag)}: expected a non-empty token (or leave --token out and set ${TOKEN_VARIABLE})`);
    return flag;
  }
  const value = environment[TOKEN_VARIABLE];
  if (value === undefined) return undefined;
  if (value.trim() === '') throw new Error(`${TOKEN_VARIABLE} = ${JSON.stringify(value)} (the default of --token): expected a non-empty token, or unset it`);
  return value;
}
