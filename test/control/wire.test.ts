// Wire builders: the diagnostics and controller-state messages match the standard ROS types (the
// bridge's schema validator) and carry the pipeline's state and the loop's timing.
import { describe, expect, it } from 'vitest';
import { buildControllerState, buildDiagnosticArray, rosTime } from '../../control/wire.ts';
import { createControlContext } from '../../control/context.ts';
import { validateMessage } from '../../bridge/message-validate.ts';
import type { PipelineStatus } from '../../control/pipeline.ts';
import type { LoopTiming } from '../../control/loop.ts';

const status: PipelineStatus = {
  state: 'e-stopped', reason: 'e-stop from /embodied/estop', since: 1, ticks: 1234, reference: 'joint-trajectory', controller: 'position-forward',
  mode: 'position', faults: 0, estops: 1, holds: 0, nonFiniteReplaced: 0, limitedLastTick: 2, lastStateAge: 0.002, lastInputAge: 0.5,
};
const summary = (p50: number) => ({ count: 10, p50, p99: 2 * p50, max: 3 * p50, mean: p50 });
const timing: LoopTiming = { rate: 1000, period: 0.001, ticks: 1234, overruns: 1, skipped: 2, caughtUp: 0, waitStrategy: 'atomics', lateness: summary(80e-6), compute: summary(3e-6) };

describe('wire builders', () => {
  it('DiagnosticArray: valid, ERROR level when e-stopped, reason and timing figures in µs', () => {
    const message = buildDiagnosticArray(status, timing, { name: 'panda', stamp: 12.5 });
    expect(validateMessage('diagnostic_msgs/DiagnosticArray', message, { plainArrays: true })).toBeNull();
    const [control, loop] = message.status;
    expect(control.level).toBe(2);
    expect(control.message).toBe('e-stopped: e-stop from /embodied/estop');
    const value = (s: typeof control, key: string) => s.values.find((v) => v.key === key)?.value;
    expect(value(control, 'state')).toBe('e-stopped');
    expect(value(control, 'estops')).toBe('1');
    expect(value(loop, 'lateness_p50_us')).toBe('80.0');
    expect(value(loop, 'lateness_p99_us')).toBe('160.0');
    expect(message.header.stamp).toEqual({ sec: 12, nanosec: 500_000_000 });
    expect(buildDiagnosticArray({ ...status, state: 'active', reason: '' }, undefined).status[0].level).toBe(0);
    expect(buildDiagnosticArray({ ...status, state: 'holding', reason: 'stale command stream' }, undefined).status[0].level).toBe(1);
  });

  it('JointTrajectoryControllerState: valid, error = reference − feedback, ROS 1 aliases filled', () => {
    const ctx = createControlContext(2);
    ctx.qRef.set([1, 2]);
    ctx.vRef.set([0.1, 0.2]);
    ctx.q.set([0.5, 2.5]);
    ctx.v.set([0, 0.3]);
    ctx.command.position.set([0.9, 2.1]);
    const message = buildControllerState(ctx, ['a', 'b'], 3, 'ros2');
    expect(validateMessage('control_msgs/JointTrajectoryControllerState', message, { plainArrays: true })).toBeNull();
    expect(message.error.positions).toEqual([0.5, -0.5]);
    expect(message.error.velocities[0]).toBeCloseTo(0.1, 12);
    expect(message.error.velocities[1]).toBeCloseTo(-0.1, 12);
    expect(message.reference.positions).toEqual([1, 2]);
    expect(message.feedback.positions).toEqual([0.5, 2.5]);
    expect(message.output.positions).toEqual([0.9, 2.1]);
    expect(message.desired).toBe(message.reference);
    expect(message.actual).toBe(message.feedback);
    expect(buildControllerState(ctx, ['a', 'b'], 3, 'ros1').header.stamp).toEqual({ secs: 3, nsecs: 0 });
  });

  it('rosTime rounds to nanoseconds and maps non-finite or negative times to 0', () => {
    expect(rosTime(1.9999999999)).toEqual({ sec: 1, nanosec: 999_999_999 });
    expect(rosTime(Number.NaN)).toEqual({ sec: 0, nanosec: 0 });
    expect(rosTime(-3, 'ros1')).toEqual({ secs: 0, nsecs: 0 });
  });
});
