// Per-client send-buffer cap with a drop-oldest backlog, and fresh ids for forwarded calls.
import { afterAll, describe, expect, it } from 'vitest';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { rawClient, sleep, startServer, waitFor, type RawClient } from './helpers.ts';

const servers: RosbridgeServer[] = [];
const closers: (() => void)[] = [];
afterAll(async () => {
  for (const c of closers) c();
  for (const s of servers) await s.close();
});
async function setup(options: Parameters<typeof startServer>[0] = {}): Promise<{ server: RosbridgeServer; raw: () => Promise<RawClient> }> {
  const server = await startServer(options);
  servers.push(server);
  return {
    server,
    raw: async () => {
      const c = await rawClient(server.url);
      closers.push(() => c.close());
      return c;
    },
  };
}

describe('flow control', () => {
  it('drops the oldest messages for a client that does not read, while a reading client gets all', async () => {
    const { server, raw } = await setup({ sendBufferBytes: 64 * 1024, backlogMessages: 100 });
    const slow = await raw();
    const fast = await raw();
    for (const c of [slow, fast]) c.send({ op: 'subscribe', topic: '/flood', type: 'std_msgs/String' });
    await sleep(50);
    const tcp = (slow.socket as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    const padding = 'x'.repeat(10_000); // 30 MB in all: more than the kernel's loopback buffers hold
    const total = 2000;
    for (let i = 0; i < total; i++) {
      server.publish('/flood', 'std_msgs/String', { data: `${i} ${padding}` });
      // Paced so that a reading client's socket keeps up with the 64 kB cap.
      await new Promise((r) => setImmediate(r));
      if (fast.socket.bufferedAmount > 0 || i % 20 === 0) await sleep(1);
    }
    await waitFor(() => fast.frames.length === total, 30_000, 'every message at the reading client');
    await sleep(100);
    const [slowStats, fastStats] = server.clientStats();
    const dropped = slowStats.dropped;
    expect(dropped).toBeGreaterThan(0);
    expect(fastStats.dropped).toBe(0);
    tcp.resume();
    await waitFor(() => slow.frames.length + dropped >= total, 10_000, 'the slow client to drain');
    const numbers = slow.frames.map((f) => Number(String((f.msg as { data: string }).data).split(' ')[0]));
    expect(numbers.at(-1)).toBe(total - 1);
    expect(numbers.length).toBe(total - dropped);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
  });
});

describe('forwarded calls', () => {
  it('reach the provider under a fresh id and come back under the caller id', async () => {
    const { raw } = await setup();
    const provider = await raw();
    const caller = await raw();
    provider.send({ op: 'advertise_service', service: '/svc', type: 'std_srvs/Trigger' });
    await sleep(30);
    caller.send({ op: 'call_service', id: 'mine', service: '/svc', args: {} });
    caller.send({ op: 'call_service', id: 'mine-too', service: 'svc', args: {} });
    await waitFor(() => provider.frames.length === 2);
    const ids = provider.frames.map((f) => f.id as string);
    expect(ids).not.toContain('mine');
    expect(new Set(ids).size).toBe(2);
    provider.send({ op: 'service_response', id: ids[1], service: '/svc', values: { success: true, message: 'second' }, result: true });
    provider.send({ op: 'service_response', id: ids[0], service: '/svc', values: { success: true, message: 'first' }, result: true });
    await waitFor(() => caller.frames.length === 2);
    expect(caller.frames).toEqual([
      { op: 'service_response', id: 'mine-too', service: 'svc', values: { success: true, message: 'second' }, result: true },
      { op: 'service_response', id: 'mine', service: '/svc', values: { success: true, message: 'first' }, result: true },
    ]);
  });
});
