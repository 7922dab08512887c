// The page's /joint_states copy: maps names to model order, rejects malformed messages with the
// field named, and allocates nothing per message once the name list is known.
import { describe, expect, it } from 'vitest';
import { createJointStateStore, ingestJointState } from '../../web/src/joint-state-store.ts';
import { measureHeapGrowth } from '../support/heap.ts';

// What 1e5 messages leave on the heap: two collections before and after one round, no warm-up.
const RETAINED = { calls: 100_000, collectBefore: 2, collectAfter: 2 };

describe('joint state store', () => {
  it('copies by name into model order, subsets and unknown joints included', () => {
    const store = createJointStateStore(['a', 'b', 'c']);
    expect(ingestJointState(store, { name: ['c', 'x', 'a'], position: [3, 99, 1], velocity: [30, 0, 10], effort: [] }, 5)).toBe(true);
    expect(Array.from(store.position)).toEqual([1, 0, 3]);
    expect(store.velocity[0]).toBe(10);
    expect(Number.isNaN(store.effort[0])).toBe(true);
    expect(store.receivedAt).toBe(5);
    expect(ingestJointState(store, { name: ['a'], position: [Number.NaN] }, 6)).toBe(false);
    expect(store.lastError).toBe('JointState.position: expected 1 finite numbers');
    expect(ingestJointState(store, { name: 'a', position: [] }, 6)).toBe(false);
    expect(store.lastError).toMatch(/JointState.name/);
    expect(store.rejected).toBe(2);
  });

  it('allocates nothing per message once the names are known (negative control: changing names does)', () => {
    const names = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6'];
    const store = createJointStateStore(names);
    const message = { header: { stamp: { sec: 1, nanosec: 5 } }, name: names, position: [1, 2, 3, 4, 5, 6], velocity: [0, 0, 0, 0, 0, 0], effort: [] };
    for (let i = 0; i < 1000; i++) ingestJointState(store, message, i);
    let sink = 0;
    const growth = measureHeapGrowth((i) => {
      message.position[0] = i;
      ingestJointState(store, message, i);
      sink += store.position[0];
    }, RETAINED).bytes;
    expect(sink).toBeGreaterThan(0);
    expect(growth).toBeLessThan(200_000);

    // Negative control: a fresh name list per message forces a remap each time and must show up.
    const control = createJointStateStore(names);
    const retained: Int32Array[] = [];
    const controlGrowth = measureHeapGrowth((i) => {
      ingestJointState(control, { name: i % 2 ? names : [...names].reverse(), position: message.position }, i);
      if (i % 10 === 0) retained.push(control.map);
    }, RETAINED).bytes;
    expect(controlGrowth).toBeGreaterThan(200_000);
    expect(retained.length).toBe(10_000);
  });
});
