// The simulator behind a rosbridge v2 server: `startSimServer` loads the robot and its drives,
// serves it on ws://host:port (the bridge's RosbridgeServer) and paces it in real time, or, in
// lockstep, steps it only when asked: by a client's /sim/step or /sim/step_simulation call (each
// answered after its steps ran and the state reached was published) or by `advance()`.
// `embodied sim` and `embodied start` both use it.
import { RosbridgeServer, type ServerOptions } from '../bridge/node.ts';
import { createPacer, type Pacer } from './clock.ts';
import { attachSimEndpoint, type EndpointOptions, type PausableEndpoint } from './endpoint.ts';
import { loadSimRobot, type LoadSimRobotOptions } from './load-sim-robot.ts';
import type { SimRobot } from './sim-robot.ts';

/** Options of startSimServer. */
export interface SimServerOptions extends LoadSimRobotOptions, Omit<EndpointOptions, 'step' | 'lockstep'> {
  /** Built-in robot name or URDF path (default 'servo-arm'). */
  robot?: string;
  /** Interface and port to bind (defaults 127.0.0.1 and 9090; port 0 picks a free one). */
  host?: string;
  port?: number;
  /**
   * 'realtime' (default): paced by the wall clock (while paused, the step services step it).
   * 'lockstep': paused for good, nothing runs but the step services' and `advance()`'s steps.
   */
  clock?: 'realtime' | 'lockstep';
  /** Simulated seconds per wall second in real-time mode (default 1). */
  realTimeFactor?: number;
  /** Further rosbridge server settings (token, origins, limits, dialect...). */
  server?: ServerOptions;
}

/** A running simulator server. */
export interface SimServer {
  /** The port actually bound, and ws://host:port. */
  readonly port: number;
  readonly url: string;
  readonly robotName: string;
  readonly sim: SimRobot;
  readonly server: RosbridgeServer;
  readonly endpoint: PausableEndpoint;
  /** The real-time pacer (undefined in lockstep mode). */
  readonly pacer: Pacer | undefined;
  /** Runs `steps` physics steps now (lockstep use; also allowed while paced). */
  advance(steps: number): void;
  /** Stops pacing, detaches and closes the server. */
  close(): Promise<void>;
}

/** Starts the simulator server; resolves once it listens. */
export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const { sim, name } = loadSimRobot(options.robot ?? 'servo-arm', options);
  const server = new RosbridgeServer({ ...(options.server ?? {}) });
  const host = options.host ?? '127.0.0.1';
  const port = await server.start({ host, port: options.port ?? 9090 });
  const lockstep = options.clock === 'lockstep';
  const advance = (steps: number) => {
    for (let i = 0; i < steps; i++) {
      sim.step();
      endpoint.afterStep();
    }
  };
  const endpoint = attachSimEndpoint(server.hub, sim, { ...options, step: advance, lockstep });
  let pacer: Pacer | undefined;
  if (!lockstep) {
    pacer = createPacer({
      dt: sim.plant.dt,
      realTimeFactor: options.realTimeFactor ?? 1,
      // While paused, the step services run their steps themselves.
      step: () => {
        if (!endpoint.paused) advance(1);
      },
    });
    pacer.start();
  }
  return {
    port,
    url: `ws://${host}:${port}`,
    robotName: name,
    sim,
    server,
    endpoint,
    pacer,
    advance,
    async close() {
      pacer?.stop();
      endpoint.close();
      await server.close();
    },
  };
}
