// Tuning runs over the wire: labelled std_msgs/Float64MultiArray commands ("tune/step|relay|chirp/
// <joint>:fields", on /embodied/tuning) start a run on the pipeline; results go out as labelled
// arrays ("result/<kind>/<joint>:fields", on /embodied/tuning/result; see control/WIRE.md). One
// run at a time; the loop's previous reference (or controller, for the relay) comes back when the
// run ends. No bridge import: the caller hands messages in and publishes what comes out.
import type { RobotModel } from '../../robot/model.ts';
import type { Controller } from '../context.ts';
import type { ControlPipeline } from '../pipeline.ts';
import { decodeLabeled, encodeLabeled, type Float64MultiArrayMessage } from '../wire.ts';
import { RelayEffortController, TuningRun } from './tuning-run.ts';

/** Topics of the tuning wire. */
export const TUNING_TOPICS = { command: '/embodied/tuning', result: '/embodied/tuning/result' } as const;

const FIELDS = {
  step: ['amplitude', 'duration'],
  relay: ['amplitude', 'hysteresis', 'setpoint'],
  chirp: ['f0', 'f1', 'duration', 'amplitude'],
} as const;

/** A tuning dispatcher: `handle` each message of the command topic; `stop` ends a run in progress. */
export interface TuningDispatch {
  handle(message: unknown): void;
  stop(): void;
}

/** Creates the dispatcher for a pipeline; `publish` sends one result message (labelled Float64MultiArray). */
export function createTuningDispatch(pipeline: ControlPipeline, model: RobotModel, period: number, publish: (message: Float64MultiArrayMessage) => void, log: (line: string) => void): TuningDispatch {
  let running: { poll: ReturnType<typeof setInterval>; finish: () => void } | undefined;
  const fail = (kind: string, joint: string, text: string) => {
    log(`tuning ${kind} ${joint}: ${text}`);
    publish(encodeLabeled(['result', kind || 'unknown', joint || 'unknown', 'error'], { code: -1 }));
  };
  const handle = (msg: unknown) => {
    let decoded;
    try {
      decoded = decodeLabeled(msg);
    } catch (error) {
      return fail('', '', (error as Error).message);
    }
    const [head, kind, joint] = decoded.path;
    if (head !== 'tune' || decoded.path.length !== 3 || (kind !== 'step' && kind !== 'relay' && kind !== 'chirp')) {
      return fail(kind ?? '', joint ?? '', `label path "${decoded.path.join('/')}", expected "tune/step|relay|chirp/<joint>"`);
    }
    const k = model.jointNames.indexOf(joint);
    if (k < 0) return fail(kind, joint, `joint "${joint}" is not one of ${model.jointNames.join(', ')}`);
    const f = decoded.fields;
    for (const name of FIELDS[kind]) if (!Number.isFinite(f[name])) return fail(kind, joint, `field ${name} = ${f[name]}, expected a finite number`);
    if (running) return fail(kind, joint, 'a tuning run is already in progress');
    if (pipeline.safety.state !== 'active') return fail(kind, joint, `the loop is ${pipeline.safety.state}, expected active`);
    try {
      if (kind === 'relay') startRelay(k, joint, f);
      else startReference(kind, k, joint, f);
    } catch (error) {
      fail(kind, joint, (error as Error).message);
    }
  };

  function startReference(kind: 'step' | 'chirp', k: number, joint: string, f: Record<string, number>): void {
    const run = new TuningRun(model.nq, kind === 'step'
      ? { kind, joint: k, amplitude: f.amplitude, duration: f.duration }
      : { kind, joint: k, f0: f.f0, f1: f.f1, duration: f.duration, amplitude: f.amplitude }, period);
    const previous = pipeline.activeReference;
    pipeline.setReference(run);
    log(`tuning ${kind} on ${joint} started`);
    const finish = () => {
      clearInterval(poll);
      running = undefined;
      pipeline.setReference(previous);
    };
    const poll = setInterval(() => {
      if (pipeline.activeReference !== run && run.count > 0) return finish(); // replaced by another reference
      if (!run.done) return;
      finish();
      try {
        if (kind === 'step') {
          const m = run.stepResult();
          publish(encodeLabeled(['result', 'step', joint], {
            riseTime: m.riseTime, overshoot: m.overshoot, peak: m.peak, peakTime: m.peakTime, settlingTime: m.settlingTime,
            steadyStateError: m.steadyStateError, iae: m.iae, itae: m.itae,
          }));
        } else {
          const { response, summary } = run.chirpResult();
          publish(encodeLabeled(['result', 'chirp', joint], { ...summary, points: response.frequency.length }));
          publish(responseArrays(joint, response.frequency, response.magnitude, response.phaseDeg));
        }
        log(`tuning ${kind} on ${joint} finished`);
      } catch (error) {
        fail(kind, joint, (error as Error).message);
      }
    }, 50);
    running = { poll, finish };
  }

  function startRelay(k: number, joint: string, f: Record<string, number>): void {
    const inner: Controller = pipeline.activeController;
    const relay = new RelayEffortController(inner, k, { setpoint: f.setpoint, amplitude: Math.abs(f.amplitude), hysteresis: f.hysteresis });
    pipeline.setController(relay);
    log(`tuning relay on ${joint} started`);
    const finish = () => {
      clearInterval(poll);
      running = undefined;
      pipeline.setController(inner);
    };
    const poll = setInterval(() => {
      const status = relay.relay.status;
      if (status === 'running' && pipeline.safety.state === 'active') return;
      finish();
      if (status !== 'done') return fail('relay', joint, status === 'running' ? `stopped: the loop went ${pipeline.safety.state}` : 'no steady oscillation before the timeout');
      const ku = relay.relay.ku, tu = relay.relay.tu;
      const g = relay.relay.gains('ziegler-nichols-pid');
      publish(encodeLabeled(['result', 'relay', joint], { ku, tu, amplitude: relay.relay.oscillation, kp: g.kp, ki: g.ki, kd: g.kd }));
      log(`tuning relay on ${joint}: Ku ${ku.toPrecision(4)}, Tu ${tu.toPrecision(4)} s`);
    }, 50);
    running = { poll, finish };
  }

  return { handle, stop: () => running?.finish() };
}

/** The chirp's arrays as a 2-D labelled Float64MultiArray: 3 rows (frequency Hz, magnitude, phase deg) × points. */
export function responseArrays(joint: string, frequency: Float64Array, magnitude: Float64Array, phaseDeg: Float64Array): Float64MultiArrayMessage {
  const n = frequency.length;
  return {
    layout: {
      dim: [
        { label: `result/chirp/${joint}/response:frequency,magnitude,phaseDeg`, size: 3, stride: 3 * n },
        { label: 'point', size: n, stride: n },
      ],
      data_offset: 0,
    },
    data: [...frequency, ...magnitude, ...phaseDeg],
  };
}
