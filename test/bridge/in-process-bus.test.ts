// The hub as an in-process bus: same interface as the client, synchronous and deterministic.
import { describe, expect, it } from 'vitest';
import { BridgeHub, type Bus } from '../../bridge/index.ts';

describe('in-process bus', () => {
  it('delivers synchronously, in publish order, with latching', () => {
    const bus: Bus = new BridgeHub();
    const log: string[] = [];
    bus.subscribe('/a', 'std_msgs/String', (m) => log.push(`1:${(m as { data: string }).data}`));
    bus.subscribe('/a', 'std_msgs/String', (m) => log.push(`2:${(m as { data: string }).data}`));
    bus.publish('/a', 'std_msgs/String', { data: 'x' });
    bus.publish('/a', 'std_msgs/String', { data: 'y' });
    expect(log).toEqual(['1:x', '2:x', '1:y', '2:y']);
    bus.publish('/latched', 'std_msgs/String', { data: 'kept' }, { latch: true });
    const late: unknown[] = [];
    bus.subscribe('/latched', 'std_msgs/String', (m) => late.push(m));
    expect(late).toEqual([{ data: 'kept' }]);
  });

  it('validates in-process publications and turns typed arrays into plain arrays', () => {
    const bus = new BridgeHub();
    const got: { position: unknown }[] = [];
    bus.subscribe('/js', 'sensor_msgs/JointState', (m) => got.push(m as never));
    bus.publish('/js', 'sensor_msgs/JointState', { name: ['a'], position: Float64Array.of(1.5) });
    expect(got[0].position).toEqual([1.5]);
    expect(() => bus.publish('/js', 'sensor_msgs/JointState', { name: [1] })).toThrow(/field "name\[0\]": got number 1, expected a string/);
    expect(() => bus.publish('/js', 'std_msgs/String', { data: '' })).toThrow(/already has type sensor_msgs\/JointState/);
  });

  it('serves services and actions with the same calls as the socket client', async () => {
    const bus: Bus = new BridgeHub();
    bus.advertiseService('/double', 'std_srvs/SetBool', (args) => ({ success: (args as { data: boolean }).data, message: 'ok' }));
    expect(await bus.callService('/double', 'std_srvs/SetBool', { data: true })).toEqual({ success: true, message: 'ok' });
    await expect(bus.callService('/missing', 'std_srvs/Trigger', {})).rejects.toThrow(/does not exist/);
    bus.advertiseAction('/act', 'control_msgs/FollowJointTrajectory', (_goal, ctx) => {
      ctx.feedback({ joint_names: ['a'] });
      ctx.onCancel(() => ctx.canceled({ error_code: 0, error_string: 'stopped' }));
    });
    const feedback: unknown[] = [];
    const goal = bus.sendGoal('/act', 'control_msgs/FollowJointTrajectory', {}, (f) => feedback.push(f));
    expect(feedback).toEqual([{ joint_names: ['a'] }]);
    goal.cancel();
    expect(await goal.result).toEqual({ status: 5, values: { error_code: 0, error_string: 'stopped' } });
  });
});
