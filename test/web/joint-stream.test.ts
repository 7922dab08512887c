// The worker -> page batch check of the /joint_states worker: typed from unknown, each wrong field
// named; the row layout the worker and the page share.
import { describe, expect, it } from 'vitest';
import { parseStreamBatch, ROW_HEADER, rowLength } from '../../web/src/joint-stream.ts';

describe('joint stream batches', () => {
  it('a row holds arrival, stamp, then position, velocity and effort per joint', () => {
    expect(ROW_HEADER).toBe(2);
    expect(rowLength(6)).toBe(2 + 18);
    expect(rowLength(0)).toBe(ROW_HEADER);
  });

  it('accepts a well-formed batch and returns its fields', () => {
    const rows = new Float64Array(2 * rowLength(3));
    const batch = parseStreamBatch({ kind: 'batch', generation: 1, count: 2, rows, rejected: 4, lastError: 'JointState.position: expected 3 finite numbers' }, 3);
    expect(batch).toEqual({ kind: 'batch', generation: 1, count: 2, rows, rejected: 4, lastError: 'JointState.position: expected 3 finite numbers' });
  });

  it('names the field of a malformed batch', () => {
    const rows = new Float64Array(rowLength(3));
    expect(parseStreamBatch(null, 3)).toMatch(/expected an object/);
    expect(parseStreamBatch({ kind: 'start' }, 3)).toMatch(/^joint stream\.kind: expected "batch", got start/);
    expect(parseStreamBatch({ kind: 'batch', count: 0, rows, rejected: 0, lastError: '' }, 3)).toMatch(/^joint stream\.generation: expected a number/);
    expect(parseStreamBatch({ kind: 'batch', generation: 1, count: 1.5, rows, rejected: 0, lastError: '' }, 3)).toMatch(/^joint stream\.count: .* got 1\.5/);
    expect(parseStreamBatch({ kind: 'batch', generation: 1, count: -1, rows, rejected: 0, lastError: '' }, 3)).toMatch(/^joint stream\.count/);
    // Two rows claimed, one row's numbers sent.
    expect(parseStreamBatch({ kind: 'batch', generation: 1, count: 2, rows, rejected: 0, lastError: '' }, 3)).toMatch(/^joint stream\.rows: expected a Float64Array of at least 22 numbers/);
    expect(parseStreamBatch({ kind: 'batch', generation: 1, count: 1, rows: Array.from(rows), rejected: 0, lastError: '' }, 3)).toMatch(/^joint stream\.rows/);
    expect(parseStreamBatch({ kind: 'batch', generation: 1, count: 1, rows, rejected: '0', lastError: '' }, 3)).toMatch(/rejected\/lastError/);
  });
});
