// The whole stack as a user starts it: `node cli/embodied.js start` on free ports (or on given ones,
// to restart in place), with its stdout parsed for the page and rosbridge URLs; and a rosbridge
// observer that keeps the latest /joint_states and /diagnostics for the assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RosbridgeClient } from '../../../bridge/client.ts';

const ENTRY = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'), 'cli', 'embodied.js');

/** A running `embodied start`. */
export interface Stack {
  readonly child: ChildProcess;
  readonly webUrl: string;
  readonly rosbridgeUrl: string;
  readonly simPort: number;
  readonly webPort: number;
  /** Everything it wrote to stderr (log lines). */
  readonly log: string[];
  /** Ctrl-C to its process group, then waits until every process of the group has exited (SIGKILL after 8 s). */
  stop(): Promise<void>;
}

/** Spawns `embodied start --sim-port P --web-port Q` (0: free ports) and resolves once it prints its URLs. */
export async function startStack(options: { simPort?: number; webPort?: number; extra?: string[]; timeoutMs?: number } = {}): Promise<Stack> {
  const args = [ENTRY, 'start', '--sim-port', String(options.simPort ?? 0), '--web-port', String(options.webPort ?? 0), ...(options.extra ?? [])];
  // Its own process group: cli/embodied.js runs main.ts in a grandchild (spawnSync through tsx), so
  // a signal to the wrapper's pid alone would orphan the stack; the group gets it as a terminal's Ctrl-C would.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log: string[] = [];
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => log.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== '')));
  const urls = await new Promise<{ web: string; ros: string }>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`embodied start printed no URL within ${options.timeoutMs ?? 120_000} ms; log:\n${log.join('\n')}`)), options.timeoutMs ?? 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /open (http:\/\/\S+) \(rosbridge (ws:\/\/[^\s)]+)\)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolvePromise({ web: match[1], ros: match[2] });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`embodied start exited (${signal ?? code}) before printing its URL; log:\n${log.join('\n')}`));
    });
  });
  const portOf = (url: string) => Number(new URL(url).port);
  return {
    child, log,
    webUrl: urls.web,
    rosbridgeUrl: urls.ros,
    simPort: portOf(urls.ros.replace(/^ws/, 'http')),
    webPort: portOf(urls.web),
    async stop() {
      const group = -child.pid!;
      const alive = () => {
        try {
          process.kill(group, 0);
          return true;
        } catch {
          return false;
        }
      };
      if (!alive()) return;
      process.kill(group, 'SIGINT');
      const deadline = Date.now() + 8000;
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (alive()) process.kill(group, 'SIGKILL');
      while (alive()) await new Promise((r) => setTimeout(r, 100));
    },
  };
}

/** Latest values seen by a plain rosbridge client of the simulator. */
export interface Observer {
  readonly client: RosbridgeClient;
  /** Latest /joint_states positions and velocities by joint name, and the count received. */
  readonly position: Map<string, number>;
  readonly velocity: Map<string, number>;
  readonly jointMessages: number;
  /** Latest control state from /diagnostics ("active", "e-stopped", ...) and its reason. */
  readonly controlState: string;
  readonly controlReason: string;
  /** The loop's fault counter from /diagnostics, and every state change seen ("t_s state: reason"). */
  readonly faults: number;
  readonly history: string[];
  close(): void;
}

/** Connects a client to `url` and records /joint_states and /diagnostics. */
export async function observe(url: string): Promise<Observer> {
  const client = new RosbridgeClient({ url, dialect: 'ros2', reconnect: false });
  await client.connect();
  const position = new Map<string, number>();
  const velocity = new Map<string, number>();
  let jointMessages = 0;
  let controlState = '';
  let controlReason = '';
  let faults = 0;
  const history: string[] = [];
  client.subscribe('/joint_states', 'sensor_msgs/JointState', (message) => {
    const m = message as { name?: unknown; position?: unknown; velocity?: unknown };
    if (!Array.isArray(m.name) || !Array.isArray(m.position)) return;
    jointMessages++;
    m.name.forEach((name, i) => {
      position.set(String(name), Number((m.position as unknown[])[i]));
      if (Array.isArray(m.velocity)) velocity.set(String(name), Number(m.velocity[i]));
    });
  }, { queueLength: 1 });
  client.subscribe('/diagnostics', 'diagnostic_msgs/DiagnosticArray', (message) => {
    const statuses = (message as { status?: unknown }).status;
    if (!Array.isArray(statuses)) return;
    for (const status of statuses as { name?: unknown; values?: { key: string; value: string }[] }[]) {
      if (typeof status.name !== 'string' || !status.name.endsWith(': control') || !Array.isArray(status.values)) continue;
      const state = status.values.find((v) => v.key === 'state')?.value ?? '';
      const reason = status.values.find((v) => v.key === 'reason')?.value ?? '';
      if (state !== controlState || reason !== controlReason) history.push(`${(performance.now() / 1000).toFixed(1)} ${state}: ${reason}`);
      controlState = state;
      controlReason = reason;
      faults = Number(status.values.find((v) => v.key === 'faults')?.value ?? faults);
    }
  });
  return {
    client, position, velocity,
    get jointMessages() {
      return jointMessages;
    },
    get controlState() {
      return controlState;
    },
    get controlReason() {
      return controlReason;
    },
    get faults() {
      return faults;
    },
    history,
    close: () => client.close(),
  };
}
