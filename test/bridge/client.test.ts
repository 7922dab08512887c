// The roslib-based client: pub/sub, services and actions through our server, dialect detection,
// topic age and rate, CBOR, and reconnect after the server restarts on the same port.
import { afterAll, describe, expect, it } from 'vitest';
import { RosbridgeClient, RosbridgeServer } from '../../bridge/node.ts';
import { sleep, startServer, waitFor } from './helpers.ts';

const servers: RosbridgeServer[] = [];
const clients: RosbridgeClient[] = [];
async function serve(options: ConstructorParameters<typeof RosbridgeServer>[0] = {}): Promise<RosbridgeServer> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}
async function connect(url: string, options: Partial<ConstructorParameters<typeof RosbridgeClient>[0]> = {}): Promise<RosbridgeClient> {
  const c = new RosbridgeClient({ url, reconnect: { initialMs: 20, maxMs: 200 }, ...options });
  clients.push(c);
  await c.connect();
  return c;
}
afterAll(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.close();
});

describe('RosbridgeClient', () => {
  it('detects the dialect through rosapi and spells types in it', async () => {
    const ros1 = await serve({ dialect: 'ros1' });
    const ros2 = await serve({ dialect: 'ros2' });
    const a = await connect(ros1.url);
    const b = await connect(ros2.url);
    expect(a.dialect).toBe('ros1');
    expect(b.dialect).toBe('ros2');
    a.advertise('/typed', 'sensor_msgs/msg/JointState');
    b.advertise('/typed', 'sensor_msgs/JointState');
    await sleep(50);
    expect(ros1.hub.topics.find('/typed')?.type).toBe('sensor_msgs/JointState');
    expect(ros2.hub.topics.find('/typed')?.type).toBe('sensor_msgs/msg/JointState');
  });

  it('publishes and subscribes, with message count, age and rate', async () => {
    const server = await serve();
    const c = await connect(server.url);
    const got: unknown[] = [];
    // The stats as the 20th message arrives (read later, a silence would already lower the rate).
    let atLast: { count: number; age: number; rate: number } | undefined;
    c.subscribe('/rate', 'std_msgs/Float64', (m) => {
      got.push(m);
      if (got.length === 20) atLast = c.topicStats('/rate');
    });
    await sleep(30);
    const start = performance.now();
    for (let i = 0; i < 20; i++) {
      c.publish('/rate', 'std_msgs/Float64', { data: i });
      await sleep(10);
    }
    // The rate the test actually published at (10 ms sleeps stretch on a loaded machine).
    const published = 19 / ((performance.now() - start - 10) / 1000);
    await waitFor(() => got.length === 20);
    expect(atLast!.count).toBe(20);
    expect(atLast!.age).toBeLessThan(0.05);
    expect(atLast!.rate).toBeGreaterThan(published / 2);
    expect(atLast!.rate).toBeLessThan(Math.min(200, published * 2));
    // Silence: the rate decays towards 0.
    await sleep(300);
    const quiet = c.topicStats('/rate')!;
    expect(quiet.count).toBe(20);
    expect(quiet.rate).toBeLessThan(1 / 0.3 + 1e-9);
    expect(() => c.publish('/rate', 'std_msgs/Float64', { data: 'x' })).toThrow(/field "data"/);
  });

  it('subscribes with CBOR and gets typed arrays', async () => {
    const server = await serve();
    const c = await connect(server.url, { compression: 'cbor' });
    const got: { velocity: unknown }[] = [];
    c.subscribe('/cbor', 'sensor_msgs/JointState', (m) => got.push(m as never));
    await sleep(30);
    server.publish('/cbor', 'sensor_msgs/JointState', { name: ['a', 'b'], velocity: [0.25, -1] });
    await waitFor(() => got.length === 1);
    expect(got[0].velocity).toEqual(Float64Array.of(0.25, -1));
  });

  it('calls services and actions served by another client', async () => {
    const server = await serve();
    const provider = await connect(server.url);
    const caller = await connect(server.url);
    provider.advertiseService('/trigger', 'std_srvs/Trigger', () => ({ success: true, message: 'fired' }));
    provider.advertiseAction('/follow', 'control_msgs/FollowJointTrajectory', (_goal, ctx) => {
      ctx.feedback({ joint_names: ['j1'] });
      setTimeout(() => ctx.succeed({ error_code: 0, error_string: '' }), 10);
    });
    await sleep(50);
    expect(await caller.callService('/trigger', 'std_srvs/Trigger', {})).toEqual({ success: true, message: 'fired' });
    const feedback: unknown[] = [];
    const goal = caller.sendGoal('/follow', 'control_msgs/FollowJointTrajectory', { trajectory: { joint_names: ['j1'] } }, (f) => feedback.push(f));
    expect(await goal.result).toEqual({ status: 4, values: { error_code: 0, error_string: '' } });
    expect(feedback).toEqual([{ joint_names: ['j1'] }]);
  });

  it('reconnects after the server restarts, re-subscribing, re-advertising and re-serving', async () => {
    const first = await serve();
    const port = Number(new URL(first.url).port);
    const lines: string[] = [];
    const subscriber = await connect(first.url, { log: (line) => lines.push(line) });
    const provider = await connect(first.url);
    const got: number[] = [];
    subscriber.subscribe('/survives', 'std_msgs/Int32', (m) => got.push((m as { data: number }).data));
    provider.advertise('/from_provider', 'std_msgs/Int32', { latch: true });
    provider.advertiseService('/still_here', 'std_srvs/Trigger', () => ({ success: true, message: 'yes' }));
    await sleep(30);
    first.publish('/survives', 'std_msgs/Int32', { data: 1 });
    await waitFor(() => got.length === 1);
    await first.close();
    await sleep(100);
    expect(subscriber.connected).toBe(false);
    const second = new RosbridgeServer();
    servers.push(second);
    await second.start({ host: '127.0.0.1', port });
    await waitFor(() => subscriber.connected && provider.connected && second.clientCount === 2, 5000, 'reconnect');
    await waitFor(() => second.hub.topics.find('/survives')?.sinks.size === 1, 2000, 're-subscription');
    second.publish('/survives', 'std_msgs/Int32', { data: 2 });
    await waitFor(() => got.length === 2);
    expect(got).toEqual([1, 2]);
    expect(second.hub.topics.find('/from_provider')?.publishers.size).toBe(1);
    await waitFor(() => second.hub.calls.services.has('/still_here'), 2000, 're-advertised service');
    expect(await subscriber.callService('/still_here', 'std_srvs/Trigger', {})).toEqual({ success: true, message: 'yes' });
    // What the client said meanwhile: the loss once, its retries, the reconnection.
    const url = first.url;
    expect(lines[0]).toBe(`connection to ${url} lost`);
    expect(lines.filter((l) => l.startsWith('connection to')).length).toBe(1);
    expect(lines).toContain(`no connection to ${url}; retrying in 0.0 s`);
    expect(lines.at(-1)).toBe(`reconnected to ${url}`);
  });
});
