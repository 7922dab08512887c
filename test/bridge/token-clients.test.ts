// Every client of ours authenticates with the server's token before anything else: the bridge's
// RosbridgeClient (what `embodied run` uses), the page's connection and its /joint_states worker,
// against our server and against the simulator's (what `embodied sim --token` and `start` run).
// "Before anything else": the server rejected no frame of theirs (each frame before `auth` would be).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RosbridgeClient, type RosbridgeServer } from '../../bridge/node.ts';
import { startSimServer, type SimServer } from '../../sim/server.ts';
import { createConnection, type Connection } from '../../web/src/connection.ts';
import type { StreamBatch, StreamStart } from '../../web/src/joint-stream.ts';
import { pageAddressWithToken, parsePageConfig } from '../../web/src/page-config.ts';
import { startServer, waitFor } from './helpers.ts';

const TOKEN = 's3cret &#=/ token';
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function serve(token = TOKEN): Promise<RosbridgeServer> {
  const server = await startServer({ token });
  closers.push(() => server.close());
  return server;
}

function client(url: string, options: Partial<ConstructorParameters<typeof RosbridgeClient>[0]> = {}): RosbridgeClient {
  const c = new RosbridgeClient({ url, reconnect: false, ...options });
  closers.push(() => c.close());
  return c;
}

const STATE = { name: ['a', 'b'], position: [0.5, -0.5], velocity: [0, 0], effort: [0, 0] };

describe('token', () => {
  it('RosbridgeClient: auth goes first, then subscriptions, calls and dialect detection work; without it nothing does', async () => {
    const server = await serve();
    const withToken = client(server.url, { token: TOKEN });
    const got: unknown[] = [];
    withToken.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m)); // queued before the connection
    await withToken.connect();
    expect(withToken.dialect).toBe('ros2'); // rosapi answered
    await waitFor(() => server.hub.topics.find('/joint_states')?.sinks.size === 1);
    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => got.length === 1);
    expect(server.clientStats().map((s) => s.rejected)).toEqual([0]);

    const without = client(server.url, { dialect: 'ros2' });
    const nothing: unknown[] = [];
    without.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => nothing.push(m));
    await without.connect();
    await waitFor(() => server.clientStats().some((s) => s.rejected > 0), 3000, 'the refused subscribe');
    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => got.length === 2);
    expect(nothing).toEqual([]);
  });

  it('RosbridgeClient: a wrong token is logged as the server says it', async () => {
    const server = await serve();
    const lines: string[] = [];
    const wrong = client(server.url, { token: 'wrong', dialect: 'ros2', log: (line) => lines.push(line) });
    await wrong.connect();
    await waitFor(() => lines.length > 0, 3000, 'a log line');
    expect(lines[0]).toBe(`${server.url}: auth: wrong token`);
  });

  it("the page's connection authenticates, then subscribes and calls", async () => {
    const server = await serve();
    const page: Connection = createConnection(server.url, 'ros2', TOKEN);
    closers.push(() => page.close());
    const got: unknown[] = [];
    page.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m));
    await waitFor(() => page.state === 'connected' && server.hub.topics.find('/joint_states')?.sinks.size === 1, 3000, 'the page subscribed');
    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => got.length === 1);
    expect(await page.call('/rosapi/get_ros_version', 'rosapi/GetROSVersion', {})).toMatchObject({ version: 2 });
    expect(server.clientStats().map((s) => s.rejected)).toEqual([0]);
  });

  it("the page's /joint_states worker authenticates with the token it is started with", async () => {
    const server = await serve();
    // The worker module talks to `self`; here a stand-in records what it posts.
    const posted: StreamBatch[] = [];
    let onMessage: ((event: MessageEvent<unknown>) => void) | undefined;
    vi.stubGlobal('self', {
      postMessage: (message: StreamBatch) => posted.push(message),
      addEventListener: (_type: 'message', listener: (event: MessageEvent<unknown>) => void) => (onMessage = listener),
    });
    closers.push(() => {
      vi.unstubAllGlobals();
    });
    await import('../../web/src/joint-stream-worker.ts');
    const start: StreamStart = {
      kind: 'start', url: server.url, dialect: 'ros2', topic: '/joint_states', jointNames: ['b', 'a'],
      timeOrigin: performance.timeOrigin, generation: 1, token: TOKEN,
    };
    onMessage!({ data: start } as MessageEvent<unknown>);
    await waitFor(() => server.hub.topics.find('/joint_states')?.sinks.size === 1, 3000, 'the worker subscribed');
    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => posted.some((b) => b.count > 0), 3000, 'a posted row');
    const batch = posted.find((b) => b.count > 0)!;
    expect(batch.rejected).toBe(0);
    expect([...batch.rows.subarray(2, 4)]).toEqual([-0.5, 0.5]); // positions of b, a
    expect(server.clientStats().map((s) => s.rejected)).toEqual([0]);
    // A start without the token is a new connection, refused.
    onMessage!({ data: { ...start, token: undefined, generation: 2 } } as MessageEvent<unknown>);
    await waitFor(() => server.clientStats().some((s) => s.rejected > 0), 3000, 'the refused subscribe');
  });

  it("the simulator's server requires the token; 'auto' compression streams /joint_states over cbor to a client that has it", async () => {
    const sim: SimServer = await startSimServer({ robot: 'servo-arm', port: 0, stateRate: 100, server: { token: TOKEN } });
    closers.push(() => sim.close());
    const loop = client(sim.url, { token: TOKEN, compression: 'auto' });
    await loop.connect();
    const got: { name: unknown; position: unknown }[] = [];
    loop.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m as never));
    await waitFor(() => got.length >= 3, 5000, '/joint_states');
    expect(loop.wireCompression('/joint_states')).toBe('cbor');
    expect(Array.isArray(got[0].position)).toBe(true);
    expect(got[0].name).toEqual(sim.sim.model.jointNames);
    expect(sim.server.clientStats().map((s) => s.rejected)).toEqual([0]);
  });
});

describe('page config token', () => {
  it('travels in the page address fragment and is checked like every other field', () => {
    const address = pageAddressWithToken('http://127.0.0.1:8080/', TOKEN);
    expect(address.startsWith('http://127.0.0.1:8080/#token=')).toBe(true);
    expect(new URLSearchParams(new URL(address).hash.slice(1)).get('token')).toBe(TOKEN);
    expect(pageAddressWithToken('http://127.0.0.1:8080/', undefined)).toBe('http://127.0.0.1:8080/');
    const base = { rosbridgeUrl: 'ws://127.0.0.1:9090' };
    expect(parsePageConfig(base).token).toBeNull();
    expect(parsePageConfig({ ...base, token: TOKEN }).token).toBe(TOKEN);
    expect(() => parsePageConfig({ ...base, token: '' })).toThrow('config.token = "", expected a non-empty string or null');
    expect(() => parsePageConfig({ ...base, token: 7 })).toThrow('config.token = 7, expected a non-empty string or null');
  });
});
