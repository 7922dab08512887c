// JointStateReader decodes /joint_states into the ports without allocating per message. A heap
// probe, so it runs in the serial `alloc` project (another worker's garbage would read as ours).
import { describe, expect, it } from 'vitest';
import { createRobotPorts } from '../../robot/ports.ts';
import { JointStateReader } from '../../bridge/node.ts';
import { measureHeapGrowthAsync } from '../support/heap.ts';

describe('JointStateReader allocation', () => {
  const ports = createRobotPorts(['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7']);
  // Every JS clock read boxes a double; a loop-supplied time keeps the whole apply allocation-free.
  const loop = { tick: 0 };
  const reader = new JointStateReader(ports, () => loop.tick);
  const msg = { header: { stamp: { sec: 1, nanosec: 0 } }, name: ['j7', 'j6', 'j5', 'j4', 'j3', 'j2', 'j1'], position: [1, 2, 3, 4, 5, 6, 7], velocity: [0, 0, 0, 0, 0, 0, 0], effort: [] };

  it('the measurement sees an allocating apply (so the next test can fail)', async () => {
    const result = await measureHeapGrowthAsync(() => reader.apply({ ...msg, position: [...msg.position] }), { calls: 200_000 });
    expect(result.collections > 0 || result.bytes > 1 << 20).toBe(true);
  });

  it('applies a million messages without a garbage collection (no per-message allocation)', async () => {
    // Up to 3 runs, the first clean one decides: a one-off collection in one run (the JIT
    // installing code) does not fail it; garbage made per message is in every run.
    let result = await measureHeapGrowthAsync(() => reader.apply(msg), { calls: 1_000_000, warmup: { calls: 20_000 } });
    for (let run = 1; run < 3 && (result.collections > 0 || result.bytes >= 1 << 20); run++) {
      result = await measureHeapGrowthAsync(() => reader.apply(msg), { calls: 1_000_000 });
    }
    // One 16-byte object per message would be 16 MB over 1e6 messages and several scavenges.
    expect(result.collections).toBe(0);
    expect(result.bytes).toBeLessThan(1 << 20);
    expect(ports.state.position[0]).toBe(7);
  });
});
