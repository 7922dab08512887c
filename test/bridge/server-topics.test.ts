// Pub/sub through the server with roslib as the client over loopback sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type Ros } from 'roslib';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { connectRos, sleep, startServer, waitFor } from './helpers.ts';

let server: RosbridgeServer;
const clients: Ros[] = [];
async function client(): Promise<Ros> {
  const ros = await connectRos(server.url);
  clients.push(ros);
  return ros;
}

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

describe('topics over roslib', () => {
  it('delivers a publication to another client and back to the publisher itself (loopback)', async () => {
    const a = await client();
    const b = await client();
    const seenA: unknown[] = [];
    const seenB: unknown[] = [];
    new Topic({ ros: a, name: '/chatter', messageType: 'std_msgs/String' }).subscribe((m) => seenA.push(m));
    new Topic({ ros: b, name: '/chatter', messageType: 'std_msgs/msg/String' }).subscribe((m) => seenB.push(m));
    await sleep(50);
    new Topic({ ros: a, name: '/chatter', messageType: 'std_msgs/String' }).publish({ data: 'hello' });
    await waitFor(() => seenA.length === 1 && seenB.length === 1, 2000, 'both deliveries');
    expect(seenA[0]).toEqual({ data: 'hello' });
    expect(seenB[0]).toEqual({ data: 'hello' });
  });

  it('lets a subscriber come before any publisher and a late subscriber get the latched message', async () => {
    const a = await client();
    const early: unknown[] = [];
    new Topic({ ros: a, name: '/robot_description', messageType: 'std_msgs/String' }).subscribe((m) => early.push(m));
    await sleep(30);
    server.publish('/robot_description', 'std_msgs/String', { data: '<robot/>' }, { latch: true });
    await waitFor(() => early.length === 1);
    const b = await client();
    const late: unknown[] = [];
    new Topic({ ros: b, name: '/robot_description', messageType: 'std_msgs/String' }).subscribe((m) => late.push(m));
    await waitFor(() => late.length === 1, 2000, 'latched message');
    expect(late[0]).toEqual({ data: '<robot/>' });
  });

  it('latches a topic advertised with latch: true by a client', async () => {
    const a = await client();
    new Topic({ ros: a, name: '/latched_by_client', messageType: 'std_msgs/Int32', latch: true }).publish({ data: 7 });
    await sleep(50);
    const b = await client();
    const got: unknown[] = [];
    new Topic({ ros: b, name: '/latched_by_client', messageType: 'std_msgs/Int32' }).subscribe((m) => got.push(m));
    await waitFor(() => got.length === 1);
    expect(got[0]).toEqual({ data: 7 });
  });

  it('delivers in-process publications to roslib and roslib publications to in-process subscribers', async () => {
    const a = await client();
    const inProcess: unknown[] = [];
    server.subscribe('/in', (m) => inProcess.push(m), 'std_msgs/Float64');
    new Topic({ ros: a, name: '/in', messageType: 'std_msgs/Float64' }).publish({ data: 1.5 });
    await waitFor(() => inProcess.length === 1);
    expect(inProcess[0]).toEqual({ data: 1.5 });
  });
});
