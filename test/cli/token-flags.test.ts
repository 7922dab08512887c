// --token on run, view and start: the flag, else EMBODIED_TOKEN; an empty one is an error naming
// where it came from, before anything starts; `run` hands the token and the compression of the
// state stream to the control client.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveToken } from '../../cli/options.ts';

const root = join(import.meta.dirname, '..', '..');
const embodied = (args: string[], environment: Record<string, string> = {}) => {
  const env: Record<string, string | undefined> = { ...process.env, ...environment };
  if (!('EMBODIED_TOKEN' in environment)) delete env.EMBODIED_TOKEN;
  return spawnSync(process.execPath, [join(root, 'cli', 'embodied.js'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000, env });
};

const started = vi.hoisted(() => [] as Record<string, unknown>[]);
vi.mock('../../cli/control-client.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../cli/control-client.ts')>()),
  startControlClient: async (options: Record<string, unknown>) => {
    started.push(options);
    return { stop: async () => {} };
  },
}));

describe('resolveToken', () => {
  it('takes the flag, else EMBODIED_TOKEN, else none; refuses an empty or blank one naming its source', () => {
    expect(resolveToken('flag', { EMBODIED_TOKEN: 'environment' })).toBe('flag');
    expect(resolveToken(undefined, { EMBODIED_TOKEN: 'environment' })).toBe('environment');
    expect(resolveToken(undefined, {})).toBeUndefined();
    expect(() => resolveToken('', {})).toThrow('--token = "": expected a non-empty token (or leave --token out and set EMBODIED_TOKEN)');
    expect(() => resolveToken('  ', { EMBODIED_TOKEN: 'environment' })).toThrow(/^--token = "  ": expected a non-empty token/);
    expect(() => resolveToken(undefined, { EMBODIED_TOKEN: '' })).toThrow('EMBODIED_TOKEN = "" (the default of --token): expected a non-empty token, or unset it');
  });
});

describe('embodied run --token', () => {
  it('hands the token (flag or EMBODIED_TOKEN) and the compression of the state stream to the control client', async () => {
    const { runControl } = await import('../../cli/commands/run.ts');
    await runControl({ url: 'ws://127.0.0.1:9', robot: 'servo-arm', token: 'abc' }, {});
    await runControl({ url: 'ws://127.0.0.1:9', robot: 'servo-arm', compression: 'none' }, { EMBODIED_TOKEN: 'from-env' });
    await runControl({ url: 'ws://127.0.0.1:9', robot: 'servo-arm' }, {});
    expect(started.map((o) => [o.token, o.compression])).toEqual([['abc', 'auto'], ['from-env', 'none'], [undefined, 'auto']]);
    expect('token' in started[2]).toBe(false);
    await expect(runControl({ url: 'ws://127.0.0.1:9', robot: 'servo-arm', compression: 'cbor' }, {})).rejects.toThrow('--compression = "cbor": expected auto, none');
    await expect(runControl({ url: 'ws://127.0.0.1:9', robot: 'servo-arm', token: '' }, {})).rejects.toThrow(/^--token = ""/);
    expect(started).toHaveLength(3);
  });

  it('refuses an empty token from the flag or the environment before connecting', () => {
    const flag = embodied(['run', '--url', 'ws://127.0.0.1:9', '--robot', 'servo-arm', '--token', '']);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toMatch(/--token = "": expected a non-empty token/);
    expect(flag.stderr).not.toMatch(/connecting/);
    const environment = embodied(['run', '--url', 'ws://127.0.0.1:9', '--robot', 'servo-arm'], { EMBODIED_TOKEN: '' });
    expect(environment.status).toBe(1);
    expect(environment.stderr).toMatch(/EMBODIED_TOKEN = "" \(the default of --token\)/);
  }, 60_000);
});

describe('embodied view and start --token', () => {
  it('refuse an empty token and start nothing', () => {
    const view = embodied(['view', '--port', '0', '--token', '']);
    expect(view.status).toBe(1);
    expect(view.stderr).toMatch(/--token = "": expected a non-empty token/);
    expect(view.stdout).not.toMatch(/http:\/\//);
    const start = embodied(['start', '--sim-port', '0', '--web-port', '0'], { EMBODIED_TOKEN: ' ' });
    expect(start.status).toBe(1);
    expect(start.stderr).toMatch(/EMBODIED_TOKEN = " " \(the default of --token\)/);
    expect(start.stderr).not.toMatch(/listening|simulator|building/);
  }, 60_000);
});
