// Validating a forwarded message allocates nothing per message: the server checks every publish
// field by field, and a per-element check call boxed each double of a JSON-parsed number array
// (16 B each, ~180 B per 7-joint JointState), which fed the server's scavenges at 1 kHz.
import { describe, expect, it } from 'vitest';
import { BridgeHub } from '../../bridge/hub.ts';
import { measureHeapGrowth } from '../support/heap.ts';

const joints = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'];
// Parsed from JSON, as the server gets them: packed double arrays, distinct objects.
const messages = Array.from({ length: 256 }, (_, i) => JSON.parse(JSON.stringify({
  header: { stamp: { sec: 1, nanosec: i }, frame_id: String(i) }, name: joints,
  position: joints.map((_, k) => Math.sin(i + k)), velocity: joints.map((_, k) => Math.cos(i + k)), effort: joints.map((_, k) => 0.5 + k),
})) as unknown);

describe('message validation', () => {
  it('checks a JointState from JSON with no per-message allocation (heap growth over 1e5 calls)', () => {
    const hub = new BridgeHub();
    let failures = 0;
    const report = measureHeapGrowth((i) => {
      if (hub.checkMessage('sensor_msgs/JointState', messages[i & 255]) !== null) failures++;
    }, { calls: 100_000, warmup: { calls: 50_000 }, rounds: 3, stopBelow: 1e5 });
    expect(failures).toBe(0);
    // 1e5 calls: one boxed double per call would read 1.6 MB; 21 of them 34 MB.
    expect(report.bytes).toBeLessThan(1e6);
    expect(hub.checkMessage('sensor_msgs/JointState', { position: [0.5, 'x'] })).toMatch(/field "position\[1\]": got "x"/);
  });
});
