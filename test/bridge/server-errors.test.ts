// Bad frames get a status error naming the problem and the connection goes on; auth, Origins,
// caps on clients and subscriptions, and the maximum message size.
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { rawClient, sleep, startServer, waitFor, type RawClient } from './helpers.ts';

const servers: RosbridgeServer[] = [];
const closers: (() => void)[] = [];
async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<RosbridgeServer> {
  const s = await startServer(options);
  servers.push(s);
  return s;
}
async function raw(server: RosbridgeServer, headers: Record<string, string> = {}): Promise<RawClient> {
  const c = await rawClient(server.url, headers);
  closers.push(() => c.close());
  return c;
}
afterAll(async () => {
  for (const c of closers) c();
  for (const s of servers) await s.close();
});

async function statusFor(c: RawClient, frame: unknown): Promise<string> {
  const before = c.frames.length;
  c.send(frame);
  await waitFor(() => c.frames.length > before, 2000, 'a reply');
  const reply = c.frames[before];
  expect(reply.op).toBe('status');
  expect(reply.level).toBe('error');
  return String(reply.msg);
}

describe('bad frames', () => {
  it('names the problem of each kind of bad frame and keeps the connection', async () => {
    const server = await serve({ maxMessageSize: 4096 });
    const c = await raw(server);
    c.send({ op: 'advertise', topic: '/js', type: 'sensor_msgs/JointState' });
    expect(await statusFor(c, '{not json')).toMatch(/not JSON/);
    expect(await statusFor(c, '[1,2]')).toMatch(/field "frame": got an array of length 2, expected an object/);
    expect(await statusFor(c, { topic: '/x' })).toMatch(/field "op": got nothing, expected a string/);
    expect(await statusFor(c, { op: 'teleport' })).toMatch(/field "op": got "teleport", expected one of auth, advertise/);
    expect(await statusFor(c, { op: 'subscribe', topic: 42 })).toMatch(/subscribe: field "topic": got number 42, expected a string/);
    expect(await statusFor(c, { op: 'subscribe', topic: '/a', throttle_rate: 'fast' })).toMatch(/field "throttle_rate": got "fast"/);
    expect(await statusFor(c, { op: 'advertise', topic: '/b', type: 'nonsense' })).toMatch(/field "type": got "nonsense", expected a type name/);
    expect(await statusFor(c, { op: 'advertise', topic: '/b', type: 'made_up/Thing' })).toMatch(/unknown message type "made_up\/Thing"/);
    expect(await statusFor(c, { op: 'publish', topic: '/js', msg: { name: ['a'], position: ['x'] } })).toMatch(
      /sensor_msgs\/JointState: field "position\[0\]": got "x", expected a number \(float64\)/,
    );
    expect(await statusFor(c, { op: 'publish', topic: '/js', msg: { header: { stamp: { sec: 1.5 } } } })).toMatch(/field "header.stamp.sec": got number 1.5, expected an integer/);
    expect(await statusFor(c, { op: 'publish', topic: '/js', msg: { positions: [] } })).toMatch(/field "positions": .*no such field in sensor_msgs\/JointState/);
    expect(await statusFor(c, { op: 'publish', topic: '/never_advertised', msg: {} })).toMatch(/cannot infer the type of topic/);
    expect(await statusFor(c, { op: 'publish', topic: '/js', msg: { name: ['x'.repeat(5000)] } })).toMatch(/exceeds the maximum message size of 4096 bytes/);
    expect(await statusFor(c, { op: 'advertise', topic: '/js', type: 'std_msgs/String' })).toMatch(/already has type sensor_msgs\/JointState/);
    // Still serving this connection:
    c.send({ op: 'subscribe', topic: '/js', type: 'sensor_msgs/JointState' });
    await sleep(20);
    c.send({ op: 'publish', topic: '/js', msg: { name: ['a'], position: [1] } });
    await waitFor(() => c.frames.some((f) => f.op === 'publish'));
  });

  it('echoes the id of a bad frame in its status', async () => {
    const server = await serve();
    const c = await raw(server);
    c.send({ op: 'subscribe', id: 'sub-7', topic: '/a', type: 'bad' });
    await waitFor(() => c.frames.length === 1);
    expect(c.frames[0]).toMatchObject({ op: 'status', id: 'sub-7', level: 'error' });
  });

  it('stays silent about warnings unless set_level asks for them', async () => {
    const server = await serve();
    const c = await raw(server);
    c.send({ op: 'unsubscribe', topic: '/not_subscribed' });
    await sleep(50);
    expect(c.frames).toHaveLength(0);
    c.send({ op: 'set_level', level: 'warning' });
    c.send({ op: 'unsubscribe', topic: '/not_subscribed' });
    await waitFor(() => c.frames.length === 1);
    expect(c.frames[0]).toMatchObject({ op: 'status', level: 'warning' });
  });
});

describe('server safety', () => {
  it('requires the auth token before anything else and closes on a wrong one', async () => {
    const server = await serve({ token: 's3cret' });
    const c = await raw(server);
    expect(await statusFor(c, { op: 'subscribe', topic: '/a', type: 'std_msgs/String' })).toMatch(/not authenticated/);
    c.send({ op: 'auth', token: 's3cret' });
    c.send({ op: 'subscribe', topic: '/a', type: 'std_msgs/String' });
    await sleep(30);
    server.publish('/a', 'std_msgs/String', { data: 'ok' });
    await waitFor(() => c.frames.some((f) => f.op === 'publish'));
    const d = await raw(server);
    const closed = new Promise<number>((r) => d.socket.once('close', (code) => r(code)));
    d.send({ op: 'auth', mac: 'wrong' });
    expect(await closed).toBe(4001);
  });

  it('refuses browsers from Origins not on the list and accepts listed ones', async () => {
    const server = await serve({ allowedOrigins: ['http://127.0.0.1:8080'] });
    const ok = await raw(server, { Origin: 'http://127.0.0.1:8080' });
    expect(ok.socket.readyState).toBe(WebSocket.OPEN);
    await expect(rawClient(server.url, { Origin: 'http://evil.example' })).rejects.toThrow(/401|403/);
  });

  it('caps clients and subscriptions', async () => {
    const server = await serve({ maxClients: 1, maxSubscriptions: 2 });
    const c = await raw(server);
    const extra = new WebSocket(server.url);
    const code = await new Promise<number>((r) => extra.once('close', (n) => r(n)));
    expect(code).toBe(1013);
    c.send({ op: 'subscribe', topic: '/s1', type: 'std_msgs/String' });
    c.send({ op: 'subscribe', topic: '/s2', type: 'std_msgs/String' });
    expect(await statusFor(c, { op: 'subscribe', topic: '/s3', type: 'std_msgs/String' })).toMatch(/maximum of 2 subscriptions/);
  });

  it('binds 127.0.0.1 by default', async () => {
    const server = await serve();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
  });
});
