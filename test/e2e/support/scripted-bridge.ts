// A bare rosbridge server (bridge/server.ts) with a scripted publisher: the robot description
// (latched), joint states on demand or at a fixed rate, and recorders for what the page publishes.
import { readFileSync } from 'node:fs';
import { RosbridgeServer } from '../../../bridge/node.ts';
import { builtinRobotFiles } from '../../../robot/robots/index.ts';
import { fileURLToPath } from 'node:url';

/** A message the page sent, with its local arrival time (ms). */
export interface Received { at: number; msg: Record<string, unknown> }

/** The running scripted bridge. */
export interface ScriptedBridge {
  readonly server: RosbridgeServer;
  readonly port: number;
  readonly url: string;
  readonly urdf: string;
  /** Messages received per topic the page publishes on. */
  readonly received: Map<string, Received[]>;
  publishJointState(names: readonly string[], position: readonly number[], velocity?: readonly number[], effort?: readonly number[]): void;
  /** Publishes joint states at `rateHz` with positions from `positionAt(t)` until stopped; returns the stopper. */
  stream(rateHz: number, names: readonly string[], positionAt: (t: number) => number[]): () => void;
  /** Publishes a control_msgs/JointTrajectoryControllerState stamped `t` (s). */
  publishControllerState(names: readonly string[], t: number, reference: readonly number[], feedback: readonly number[]): void;
  /** Number of reset service calls answered. */
  readonly resets: number;
  close(): Promise<void>;
}

/** The servo-arm URDF text (the default robot). */
export function servoArmUrdf(): string {
  return readFileSync(fileURLToPath(builtinRobotFiles('servo-arm').urdf), 'utf8');
}

const RECORDED = [
  ['/servo_node/delta_joint_cmds', 'control_msgs/JointJog'],
  ['/servo_node/delta_twist_cmds', 'geometry_msgs/TwistStamped'],
  ['/embodied/estop', 'std_msgs/Bool'],
  ['/embodied/gains', 'std_msgs/Float64MultiArray'],
  ['/embodied/tuning', 'std_msgs/Float64MultiArray'],
] as const;

/** Starts the server on 127.0.0.1:`port` (0: any) with the robot description latched. */
export async function startScriptedBridge(options: { port?: number; urdf?: string } = {}): Promise<ScriptedBridge> {
  const server = new RosbridgeServer({});
  const port = await server.start({ host: '127.0.0.1', port: options.port ?? 0 });
  const urdf = options.urdf ?? servoArmUrdf();
  server.publish('/robot_description', 'std_msgs/String', { data: urdf }, { latch: true });
  const received = new Map<string, Received[]>();
  for (const [topic, type] of RECORDED) {
    received.set(topic, []);
    server.subscribe(topic, (msg) => received.get(topic)!.push({ at: performance.now(), msg: msg as Record<string, unknown> }), type);
  }
  let resets = 0;
  server.advertiseService('/embodied/reset', 'std_srvs/Trigger', () => {
    resets++;
    return { success: true, message: 'e-stop released (scripted)' };
  });
  const timers = new Set<ReturnType<typeof setInterval>>();
  const publishJointState = (names: readonly string[], position: readonly number[], velocity: readonly number[] = [], effort: readonly number[] = []) => {
    const now = Date.now() / 1000;
    server.publish('/joint_states', 'sensor_msgs/JointState', {
      header: { stamp: { sec: Math.floor(now), nanosec: Math.floor((now % 1) * 1e9) }, frame_id: '' },
      name: [...names], position: [...position], velocity: [...velocity], effort: [...effort],
    });
  };
  return {
    server,
    port,
    url: `ws://127.0.0.1:${port}`,
    urdf,
    received,
    publishJointState,
    stream(rateHz, names, positionAt) {
      const started = performance.now();
      const period = 1000 / rateHz;
      let sent = 0;
      // setInterval cannot go below 1 ms: publish the messages due since the last wake-up.
      const timer = setInterval(() => {
        const due = Math.floor((performance.now() - started) / period);
        for (; sent < due; sent++) publishJointState(names, positionAt((sent * period) / 1000));
      }, Math.max(1, period / 2));
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    publishControllerState(names, t, reference, feedback) {
      const point = (positions: readonly number[]) => ({ positions: [...positions], velocities: [], accelerations: [], effort: [], time_from_start: { sec: 0, nanosec: 0 } });
      server.publish('/embodied/controller_state', 'control_msgs/JointTrajectoryControllerState', {
        header: { stamp: { sec: Math.floor(t), nanosec: Math.round((t % 1) * 1e9) }, frame_id: '' },
        joint_names: [...names], reference: point(reference), feedback: point(feedback), error: point(reference.map((r, i) => r - feedback[i])),
      });
    },
    get resets() {
      return resets;
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      await server.close();
    },
  };
}
