// `embodied sim [--robot NAME|FILE] [--drive FILE] [--host 127.0.0.1] [--port 9090] [--rate 1000]
// [--sensors FILE] [--seed N] [--lockstep]`: the simulated robot behind a rosbridge v2 server, as a
// ros2_control robot behind rosbridge_server looks. Topics, services and the action are listed in
// sim/endpoint.ts; the sensor file's keys in sim/sensor-file.ts (without one, sensors are ideal).
// --lockstep: physics moves only on /sim/step and /sim/step_simulation calls, as fast as they come.
import type { Command } from 'commander';
import { startSimServer } from '../../sim/server.ts';
import { parseSensorFile } from '../../sim/sensor-file.ts';
import { parseChoice, parseNumber, parsePort, readTextFile, resolveToken, untilStopped } from '../options.ts';

interface SimFlags {
  robot: string;
  drive?: string;
  host: string;
  port: string;
  rate: string;
  realTimeFactor: string;
  coupling: string;
  fidelity: string;
  seed?: string;
  sensors?: string;
  lockstep?: boolean;
  token?: string;
}


/** Registers `embodied sim`. */
export function register(program: Command): void {
  program
    .command('sim')
    .description('simulate a robot (drives, sensors, robot-side controllers) behind a rosbridge v2 server')
    .option('--robot <name|file>', 'built-in robot (servo-arm, ur5e, panda) or URDF file', 'servo-arm')
    .option('--drive <file>', 'drive file (YAML/JSON) overriding the robot\'s own')
    .option('--host <address>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', '9090')
    .option('--rate <hz>', 'publish rate of /joint_states, /imu/data, /ft_sensor/wrench and /clock (Hz of sim time)', '1000')
    .option('--real-time-factor <factor>', 'simulated seconds per wall second (real time only)', '1')
    .option('--token <token>', 'token the rosbridge server requires in an auth op before anything else (default: $EMBODIED_TOKEN, which ps does not show)')
    .option('--lockstep', 'start paused in lockstep: physics advances only when a client calls /sim/step (std_srvs/Trigger, one step) or /sim/step_simulation (simulation_interfaces/StepSimulation, N steps), as fast as the calls come; each call answers after /clock and the sensor topics of the instant reached are published')
    .option('--coupling <kind>', 'drive coupling: rigid, compliant (reducer stiffness, sub-stepped) or ideal (no drives)', 'rigid')
    .option('--fidelity <model>', 'drive model: averaged (current loop as its closed-loop response) or switching (current loop at its own rate, ~3x slower)', 'averaged')
    .option('--sensors <file>', 'YAML or JSON sensor file: rate, noise, bias and delay per channel, encoder resolution, IMU link (default: ideal sensors)')
    .option('--seed <n>', 'sensor noise seed (default: the sensor file\'s, else 1)')
    .action(async (flags: SimFlags) => {
      const rate = parseNumber(flags.rate, '--rate');
      if (rate === 0 || rate > 1000) throw new Error(`--rate = ${flags.rate}: expected 0 < rate <= 1000 Hz (the physics rate)`);
      const realTimeFactor = parseNumber(flags.realTimeFactor, '--real-time-factor', { positive: true });
      const coupling = parseChoice(flags.coupling, '--coupling', ['rigid', 'compliant', 'ideal'] as const);
      const fidelity = parseChoice(flags.fidelity, '--fidelity', ['averaged', 'switching'] as const);
      const sensors = flags.sensors !== undefined ? parseSensorFile(readTextFile(flags.sensors, '--sensors'), flags.sensors) : {};
      if (flags.seed !== undefined) sensors.seed = parseNumber(flags.seed, '--seed', { integer: true });
      const sim = await startSimServer({
        robot: flags.robot, drive: flags.drive, host: flags.host, port: parsePort(flags.port, '--port'),
        stateRate: rate, realTimeFactor, coupling, fidelity, sensors, clock: flags.lockstep ? 'lockstep' : 'realtime',
        server: { token: resolveToken(flags.token) },
        log: (line) => process.stderr.write(`\nembodied sim: ${line}\n`),
      });
      process.stderr.write(`embodied sim: ${sim.robotName} (${sim.sim.model.nv} joints, ${sim.sim.plant.actuators.kind} actuators) on ${sim.url}\n`);
      if (flags.lockstep) process.stderr.write(`embodied sim: lockstep: waiting for /sim/step or /sim/step_simulation calls (${sim.sim.plant.dt} s a step)\n`);
      const report = setInterval(() => {
        const clock = sim.pacer ? `real-time factor ${sim.pacer.measuredFactor.toFixed(2)}` : 'lockstep';
        process.stderr.write(`\rsim time ${sim.sim.time.toFixed(sim.pacer ? 1 : 3)} s  ${clock}  controller ${sim.sim.active}   `);
      }, 1000);
      await untilStopped();
      clearInterval(report);
      process.stderr.write('\nembodied sim: stopping\n');
      await sim.close();
    });
}
