// The client's 'auto' compression: CBOR for high-rate types on our own server (it says who it is
// through rosapi get_ros_version), JSON on any other, and a fall-back to JSON when a CBOR
// subscription is refused with a status error or delivers nothing while its topic has publishers.
// Other servers are played by a proxy in front of ours that changes what they would change.
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { RosbridgeClient, RosbridgeServer } from '../../bridge/node.ts';
import type { MergedSubscription } from '../../bridge/session-subscription.ts';
import { sleep, startServer, waitFor } from './helpers.ts';

const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

async function serve(): Promise<RosbridgeServer> {
  const server = await startServer();
  closers.push(() => server.close());
  return server;
}

async function connect(url: string, options: Partial<ConstructorParameters<typeof RosbridgeClient>[0]> = {}): Promise<RosbridgeClient> {
  const client = new RosbridgeClient({ url, reconnect: false, ...options });
  closers.push(() => client.close());
  await client.connect();
  return client;
}

/** What a proxy in front of our server changes, to play another server. */
interface Impersonation {
  /** get_ros_version answers this distro (a real rosbridge_server: its ROS distro). */
  distro?: string;
  /** A subscribe with cbor is answered with a status error and not passed on (a server without cbor). */
  refuseCbor?: boolean;
  /** Binary frames to the client are dropped (rosbridge 0.11's cbor of string[], a text-only gateway). */
  dropBinary?: boolean;
}

/** A WebSocket proxy to `target` that plays another server; resolves with its ws:// URL. */
async function impersonate(target: string, as: Impersonation): Promise<string> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  closers.push(() => new Promise<void>((resolve) => {
    for (const client of wss.clients) client.terminate();
    wss.close(() => resolve());
  }));
  wss.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const waiting: RawData[] = [];
    upstream.on('open', () => {
      for (const data of waiting) upstream.send(data, { binary: false });
      waiting.length = 0;
    });
    client.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { op?: string; compression?: string; id?: string };
      if (as.refuseCbor && frame.op === 'subscribe' && frame.compression === 'cbor') {
        client.send(JSON.stringify({ op: 'status', level: 'error', id: frame.id, msg: 'subscribe: cbor compression is not supported' }));
        return;
      }
      if (upstream.readyState === upstream.OPEN) upstream.send(data, { binary: false });
      else waiting.push(data);
    });
    upstream.on('message', (data, isBinary) => {
      if (isBinary) {
        if (!as.dropBinary) client.send(data, { binary: true });
        return;
      }
      const frame = JSON.parse(data.toString()) as { op?: string; service?: string; values?: { distro?: string } };
      if (as.distro !== undefined && frame.op === 'service_response' && frame.service === '/rosapi/get_ros_version' && frame.values) {
        frame.values.distro = as.distro;
        client.send(JSON.stringify(frame));
        return;
      }
      client.send(data, { binary: false });
    });
    client.on('close', () => upstream.close());
    upstream.on('close', () => client.close());
    upstream.on('error', () => client.close());
  });
  const address = wss.address();
  return `ws://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
}

/** The compression our server uses for its one subscriber of `topic`. */
function serverCompression(server: RosbridgeServer, topic: string): string | undefined {
  const sinks = [...(server.hub.topics.find(topic)?.sinks ?? [])] as MergedSubscription[];
  return sinks.length === 1 ? sinks[0].compression : `${sinks.length} subscriptions`;
}

const STATE = { header: { stamp: { sec: 1, nanosec: 5 }, frame_id: 'base' }, name: ['a', 'b'], position: [0.25, -1], velocity: [1.5, 2], effort: [] };

describe("RosbridgeClient compression 'auto'", () => {
  it('uses cbor on our server for high-rate types only, and hands over messages in the shape JSON gives', async () => {
    const server = await serve();
    const auto = await connect(server.url, { compression: 'auto' });
    const json = await connect(server.url);
    const viaAuto: unknown[] = [];
    const viaJson: unknown[] = [];
    const commands: unknown[] = [];
    auto.subscribe('/joint_states', 'sensor_msgs/msg/JointState', (m) => viaAuto.push(m));
    auto.subscribe('/commands', 'std_msgs/Float64MultiArray', (m) => commands.push(m));
    json.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => viaJson.push(m));
    await waitFor(() => server.hub.topics.find('/joint_states')?.sinks.size === 2 && server.hub.topics.find('/commands')?.sinks.size === 1);
    expect(auto.wireCompression('/joint_states')).toBe('cbor');
    expect(auto.wireCompression('/commands')).toBe('none');
    expect([...server.hub.topics.find('/joint_states')!.sinks].map((s) => (s as MergedSubscription).compression).sort()).toEqual(['cbor', 'none']);
    expect(serverCompression(server, '/commands')).toBe('none');

    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    server.publish('/commands', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [1, 2] });
    await waitFor(() => viaAuto.length === 1 && viaJson.length === 1 && commands.length === 1);
    // Plain arrays, not the Float64Arrays a 'cbor' subscription hands over: handlers cannot tell.
    expect(viaAuto[0]).toEqual(viaJson[0]);
    expect(Array.isArray((viaAuto[0] as { position: unknown }).position)).toBe(true);
    expect((viaAuto[0] as { position: number[] }).position).toEqual([0.25, -1]);
  });

  it('moves a subscription made with auto after the connection to cbor once the server is known', async () => {
    const server = await serve();
    const client = await connect(server.url);
    const got: unknown[] = [];
    client.subscribe('/imu', 'std_msgs/Float64MultiArray', (m) => got.push(m), { compression: 'auto' });
    await waitFor(() => client.wireCompression('/imu') === 'cbor', 3000, 'the switch to cbor');
    await waitFor(() => serverCompression(server, '/imu') === 'cbor', 3000, 'one cbor subscription on the server');
    server.publish('/imu', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [3] });
    await waitFor(() => got.length === 1);
    expect((got[0] as { data: unknown }).data).toEqual([3]);
  });

  it('uses JSON on a server that is not ours (a real rosbridge_server)', async () => {
    const server = await serve();
    const url = await impersonate(server.url, { distro: 'noetic', dropBinary: true });
    const client = await connect(url, { compression: 'auto' });
    const got: unknown[] = [];
    client.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m));
    await waitFor(() => server.hub.topics.find('/joint_states')?.sinks.size === 1);
    expect(client.wireCompression('/joint_states')).toBe('none');
    expect(serverCompression(server, '/joint_states')).toBe('none');
    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => got.length === 1);
    expect((got[0] as { name: string[] }).name).toEqual(['a', 'b']);
  });

  it('falls back to JSON when the server refuses cbor with a status error', async () => {
    const server = await serve();
    const url = await impersonate(server.url, { refuseCbor: true });
    const lines: string[] = [];
    const client = await connect(url, { compression: 'auto', log: (line) => lines.push(line) });
    const got: unknown[] = [];
    client.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m));
    await waitFor(() => client.wireCompression('/joint_states') === 'none', 3000, 'the fall-back');
    await waitFor(() => server.hub.topics.find('/joint_states')?.sinks.size === 1);
    server.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => got.length === 1);
    expect(serverCompression(server, '/joint_states')).toBe('none');
    expect(lines).toEqual(['/joint_states: the server refused cbor: subscribe: cbor compression is not supported; subscribing with JSON']);
  });

  it('falls back to JSON when cbor delivers nothing while the topic has publishers, not while nobody publishes', async () => {
    const server = await serve();
    const url = await impersonate(server.url, { dropBinary: true });
    const lines: string[] = [];
    const client = await connect(url, { compression: 'auto', cborSilenceMs: 200, log: (line) => lines.push(line) });
    const got: { position: number[] }[] = [];
    client.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m as never));
    await waitFor(() => serverCompression(server, '/joint_states') === 'cbor');
    // Nobody publishes: silence is no evidence, the subscription stays cbor.
    await sleep(500);
    expect(client.wireCompression('/joint_states')).toBe('cbor');
    expect(lines).toEqual([]);
    // A publisher at 100 Hz whose cbor frames never arrive.
    let i = 0;
    const timer = setInterval(() => server.publish('/joint_states', 'sensor_msgs/JointState', { ...STATE, position: [i++, 0] }), 10);
    closers.push(() => clearInterval(timer));
    await waitFor(() => got.length > 0, 5000, 'messages over JSON after the fall-back');
    clearInterval(timer);
    expect(client.wireCompression('/joint_states')).toBe('none');
    expect(serverCompression(server, '/joint_states')).toBe('none');
    expect(lines).toEqual(['/joint_states: no message over cbor in 0.2 s while it has publishers (/embodied_local); subscribing with JSON']);
    expect(client.topicStats('/joint_states')!.count).toBe(got.length);
  });

  it('asks again after a reconnect: a server restarted as ours keeps cbor', async () => {
    const first = await serve();
    const port = Number(new URL(first.url).port);
    const client = await connect(first.url, { compression: 'auto', reconnect: { initialMs: 20, maxMs: 100 } });
    const got: unknown[] = [];
    client.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => got.push(m));
    await waitFor(() => serverCompression(first, '/joint_states') === 'cbor');
    await first.close();
    const second = new RosbridgeServer();
    closers.push(() => second.close());
    await second.start({ host: '127.0.0.1', port });
    await waitFor(() => serverCompression(second, '/joint_states') === 'cbor', 5000, 'the cbor re-subscription');
    second.publish('/joint_states', 'sensor_msgs/JointState', STATE);
    await waitFor(() => got.length === 1);
    expect(client.wireCompression('/joint_states')).toBe('cbor');
    expect((got[0] as { velocity: unknown }).velocity).toEqual([1.5, 2]);
  });
});
