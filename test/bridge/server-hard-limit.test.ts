// Frames over 4x the maximum message size: ws closes the connection (1009) on the frame's header,
// without reading it; the client gets a status error naming the size and the limit first. Frames
// between the limit and 4x are read, refused with a status error, and the connection stays.
import { afterAll, describe, expect, it } from 'vitest';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { rawClient, startServer, waitFor } from './helpers.ts';

const servers: RosbridgeServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('frames over the hard limit', () => {
  it('get a status error naming size and limit, then the close (1009); other clients go on', async () => {
    const server = await startServer({ maxMessageSize: 1000 });
    servers.push(server);
    const bystander = await rawClient(server.url);
    bystander.send({ op: 'subscribe', topic: '/still', type: 'std_msgs/String' });
    const c = await rawClient(server.url);
    const closed = new Promise<number>((resolve) => c.socket.once('close', (code) => resolve(code)));

    // Over the limit but under 4x: read, refused, the connection stays.
    c.send(JSON.stringify({ op: 'publish', topic: '/big', msg: { data: 'x'.repeat(2500) } }));
    await waitFor(() => c.frames.length === 1, 3000, 'the status of a 2.5 kB frame');
    expect(c.frames[0]).toMatchObject({ op: 'status', level: 'error' });
    expect(String(c.frames[0].msg)).toMatch(/exceeds the maximum message size of 1000 bytes/);

    // Over 4x: the status names the frame's size and the hard limit, then ws closes with 1009.
    const huge = JSON.stringify({ op: 'publish', topic: '/big', msg: { data: 'x'.repeat(6000) } });
    c.send(huge);
    expect(await closed).toBe(1009);
    expect(c.frames).toHaveLength(2);
    expect(c.frames[1]).toMatchObject({ op: 'status', level: 'error' });
    expect(c.frames[1].msg).toBe(
      `frame of ${Buffer.byteLength(huge)} bytes exceeds 4000 bytes, 4x the maximum message size of 1000 bytes: closing the connection (1009) without reading it`,
    );

    // The server and its other client go on.
    server.publish('/still', 'std_msgs/String', { data: 'here' });
    await waitFor(() => bystander.frames.some((f) => f.op === 'publish'), 3000, 'delivery to the other client');
    expect(server.clientCount).toBe(1);
    bystander.close();
  });
});
