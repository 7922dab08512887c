// Frames the server writes to the socket itself: every length form of the WebSocket header (7-bit,
// 16-bit, 64-bit, each side of its boundary), text and binary, batched in one turn and split
// across turns, copied or written as a writev when large, arrive intact and in order at a ws client.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decoder } from 'cbor-x';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { type RawClient, rawClient, sleep, startServer, waitFor } from './helpers.ts';

let server: RosbridgeServer;
const clients: RawClient[] = [];
beforeAll(async () => {
  server = await startServer({ maxMessageSize: 4 * 1024 * 1024 });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.close();
});

const OVERHEAD = JSON.stringify({ op: 'publish', topic: '/frames', msg: { data: '' } }).length;
// Payload sizes of the JSON frames: both sides of 126 and 65536, and one over the 256 kB copy limit.
const SIZES = [OVERHEAD, 125, 126, 127, 65535, 65536, 65537, 300_000];
const texts = SIZES.map((size, i) => String.fromCharCode(97 + i).repeat(size - OVERHEAD));

describe('frames written by the server', () => {
  it('arrive intact and in order for every header length, in one batch and one by one', async () => {
    const c = await rawClient(server.url);
    clients.push(c);
    c.send({ op: 'subscribe', topic: '/frames', type: 'std_msgs/String' });
    await sleep(30);
    // One event-loop turn: all frames leave in one write (a writev: the batch is over the copy limit).
    for (const data of texts) server.publish('/frames', 'std_msgs/String', { data });
    await waitFor(() => c.frames.length === texts.length, 5000, 'batched frames');
    // One frame per turn.
    for (const data of texts) {
      server.publish('/frames', 'std_msgs/String', { data });
      await sleep(1);
    }
    await waitFor(() => c.frames.length === 2 * texts.length, 5000, 'single frames');
    const received = c.frames.map((f) => (f.msg as { data: string }).data);
    expect(received.map((d) => d.length)).toEqual([...texts, ...texts].map((d) => d.length));
    expect(received).toEqual([...texts, ...texts]);
    expect(JSON.stringify(c.frames[1]).length).toBe(125);
  });

  it('sends CBOR subscriptions as binary frames of every header length', async () => {
    const c = await rawClient(server.url);
    clients.push(c);
    c.send({ op: 'subscribe', topic: '/frames', type: 'std_msgs/String', compression: 'cbor' });
    await sleep(30);
    for (const data of texts) server.publish('/frames', 'std_msgs/String', { data });
    await waitFor(() => c.binary.length === texts.length, 5000, 'binary frames');
    const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
    expect(c.binary.map((b) => (decoder.decode(b) as { msg: { data: string } }).msg.data)).toEqual(texts);
    expect(c.frames).toEqual([]);
  });
});
