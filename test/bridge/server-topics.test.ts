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

  it('carries ROS 1 and ROS 2 spellings between clients; a normalising server rewrites time to its dialect', async () => {
    const { startServer: start } = await import('./helpers.ts');
    const normalising = await start({ dialect: 'ros2', normalizeTime: true });
    try {
      const ros1 = await connectRos(normalising.url);
      const ros2 = await connectRos(normalising.url);
      const got: unknown[] = [];
      new Topic({ ros: ros2, name: '/js', messageType: 'sensor_msgs/msg/JointState' }).subscribe((m) => got.push(m));
      await sleep(30);
      new Topic({ ros: ros1, name: '/js', messageType: 'sensor_msgs/JointState' }).publish({ header: { seq: 1, stamp: { secs: 5, nsecs: 6 }, frame_id: '' }, name: ['a'], position: [1] });
      await waitFor(() => got.length === 1);
      expect(got[0]).toEqual({ header: { seq: 1, stamp: { sec: 5, nanosec: 6 }, frame_id: '' }, name: ['a'], position: [1] });
      ros1.close();
      ros2.close();
    } finally {
      await normalising.close();
    }
  });
});
