// The page's timing recorder: arrival-to-frame latency counts from the first message not yet drawn
// to the frame that draws it, across frames that deferred drawing (the software frame-rate cap),
// and frame work adds message handling to the frame callback.
import { describe, expect, it } from 'vitest';
import { createPagePerf } from '../../web/src/page-perf.ts';

describe('page perf', () => {
  it('a deferred frame carries the waiting arrival to the frame that draws', () => {
    const perf = createPagePerf();
    perf.message(0, 0.5, true, 3, 2); // three messages drained, the first arrived at t = 0 ms, the last at 2
    perf.frameStart(5);
    perf.frameEnd(6, false, true); // deferred by the cap
    perf.message(20, 0.1, true);
    perf.frameStart(40);
    perf.frameEnd(41, true);
    const summary = perf.summary();
    expect(summary.arrivalToFrameMs.n).toBe(1);
    expect(summary.arrivalToFrameMs.median).toBe(40); // from t = 0, not from the later arrival at 20
    expect(summary.newestToFrameMs.median).toBe(20); // the newest shown arrived at 20
    expect(summary.messages).toBe(4);
    expect(summary.frames).toBe(2);
    expect(summary.drawn).toBe(1);
  });

  it('a frame with nothing to draw settles the arrival without a sample; frame work adds handler time', () => {
    const perf = createPagePerf();
    perf.message(0, 2, true);
    perf.frameStart(10);
    perf.frameEnd(11, false, false);
    perf.frameStart(30);
    perf.frameEnd(31.5, true);
    const summary = perf.summary();
    expect(summary.arrivalToFrameMs.n).toBe(0);
    expect(summary.frameWorkMs.max).toBe(3); // 1 ms callback + 2 ms handling
    expect(summary.frameWorkMs.mean).toBe(2.25); // (3 + 1.5) / 2
  });
});
