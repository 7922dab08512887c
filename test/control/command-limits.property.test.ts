// Property: whatever the controller asks and whatever the sensors report (NaN, ±Infinity, huge
// values, jumps), no command leaves the pipeline non-finite or outside its limits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControlPipeline } from '../../control/pipeline.ts';
import { jointLimitsFromModel } from '../../control/limiter.ts';
import type { ControlContext, Controller } from '../../control/context.ts';
import { createRobotPorts } from '../../robot/ports.ts';
import { panda } from './plant.ts';

const model = panda();
const n = model.nq;
const limits = jointLimitsFromModel(model);
const dt = 0.001;

/** A controller that writes whatever the test scripts. */
class Hostile implements Controller {
  readonly name = 'hostile';
  mode: 'position' | 'velocity' | 'effort' = 'position';
  values: number[] = [];
  start(): void {}
  update(ctx: ControlContext): void {
    ctx.command.mode = this.mode;
    for (let k = 0; k < n; k++) {
      ctx.command.position[k] = this.values[k];
      ctx.command.velocity[k] = this.values[k + n];
      ctx.command.effort[k] = this.values[k + 2 * n];
    }
  }
}

const wild = fc.oneof(
  { weight: 4, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Infinity, -Infinity, 1e308, -1e308, Number.MIN_VALUE, -0) },
  { weight: 1, arbitrary: fc.double() },
);
const tick = fc.record({
  command: fc.array(wild, { minLength: 3 * n, maxLength: 3 * n }),
  measured: fc.array(wild, { minLength: 2 * n, maxLength: 2 * n }),
  fresh: fc.boolean(),
});

describe('command limits', () => {
  it('every written command is finite and within position, velocity, acceleration and effort limits (1e5 cases)', () => {
    const tol = 1e-9;
    fc.assert(
      fc.property(fc.constantFrom('position', 'velocity', 'effort') as fc.Arbitrary<'position' | 'velocity' | 'effort'>, fc.array(tick, { minLength: 1, maxLength: 4 }), (mode, ticks) => {
        const ports = createRobotPorts(model.jointNames);
        const controller = new Hostile();
        controller.mode = mode;
        const pipeline = new ControlPipeline({ model, ports, controller, limits });
        // A sane first state so the pipeline activates, then the scripted chaos.
        ports.state.position.fill(0.1);
        ports.state.velocity.fill(0);
        ports.state.sequence++;
        controller.values = new Array(3 * n).fill(0.1);
        pipeline.tick(0, dt);
        let prevP = Float64Array.from(ports.command.position);
        let prevV = Float64Array.from(ports.command.velocity);
        let prevSeq = ports.command.sequence;
        let t = dt;
        for (const step of ticks) {
          controller.values = step.command;
          for (let k = 0; k < n; k++) {
            ports.state.position[k] = step.measured[k];
            ports.state.velocity[k] = step.measured[k + n];
          }
          if (step.fresh) ports.state.sequence++;
          pipeline.tick(t, dt);
          t += dt;
          const c = ports.command;
          if (c.sequence === prevSeq) continue; // nothing written (inactive)
          prevSeq = c.sequence;
          for (let k = 0; k < n; k++) {
            for (const arr of [c.position, c.velocity, c.effort, c.acceleration]) if (!Number.isFinite(arr[k])) return false;
            if (c.position[k] < limits.lower[k] - tol || c.position[k] > limits.upper[k] + tol) return false;
            if (Math.abs(c.velocity[k]) > limits.velocity[k] * (1 + tol)) return false;
            if (Math.abs(c.effort[k]) > limits.effort[k] * (1 + tol)) return false;
            if (c.mode === 'position') {
              if (Math.abs(c.position[k] - prevP[k]) > limits.velocity[k] * dt * (1 + 1e-6)) return false;
              if (Math.abs(c.velocity[k] - prevV[k]) > limits.acceleration[k] * dt * (1 + 1e-6)) return false;
            }
          }
          prevP = Float64Array.from(c.position);
          prevV = Float64Array.from(c.velocity);
        }
        return true;
      }),
      { numRuns: Number(process.env.CONTROL_PROPERTY_RUNS ?? 100_000), seed: 20240605 },
    );
  }, 600_000);

  it('can fail: a command written without the limiter breaks the same check', () => {
    // Guard against a vacuous property: the raw hostile values do violate the limits.
    const raw = [Number.NaN, 1e308, -5];
    expect(raw.some((x) => !Number.isFinite(x) || Math.abs(x) > limits.velocity[0])).toBe(true);
  });
});
