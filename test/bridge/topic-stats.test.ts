// TopicStats on a scripted clock: the rate of a jittery stream, its decay in silence, count and age.
import { describe, expect, it } from 'vitest';
import { TopicStats } from '../../bridge/topic-stats.ts';
import { mulberry32 } from '../../robot/random.ts';

describe('TopicStats', () => {
  it('has no rate before two messages, and the first interval\'s after two', () => {
    const stats = new TopicStats();
    expect(stats.rate(0)).toBe(0);
    expect(stats.age(0)).toBe(Infinity);
    stats.record(1);
    expect(stats.rate(1)).toBe(0);
    stats.record(1.02);
    expect(stats.rate(1.02)).toBeCloseTo(50, 2);
    expect(stats.age(1.05)).toBeCloseTo(0.03, 12);
  });

  it('reads 100 Hz from a 100 Hz stream with ±9 ms of arrival jitter (a mean of 1/dt would read high)', () => {
    const stats = new TopicStats();
    const random = mulberry32(3);
    let last = 0;
    for (let k = 0; k < 500; k++) {
      last = k * 0.01 + 0.009 * random();
      stats.record(last);
    }
    expect(stats.count).toBe(500);
    expect(stats.rate(last)).toBeGreaterThan(95);
    expect(stats.rate(last)).toBeLessThan(105);
    // Within twice the interval the rate holds; a longer silence bounds it by 1/silence.
    expect(stats.rate(last + 0.015)).toBeCloseTo(stats.rate(last), 12);
    expect(stats.rate(last + 0.5)).toBeCloseTo(2, 12);
    expect(stats.rate(last + 10)).toBeCloseTo(0.1, 12);
  });

  it('follows a rate change within about its time constant', () => {
    const stats = new TopicStats(0.5);
    let t = 0;
    for (let k = 0; k < 200; k++) stats.record((t += 0.01));
    for (let k = 0; k < 150; k++) stats.record((t += 0.02)); // 3 s at 50 Hz
    expect(stats.rate(t)).toBeCloseTo(50, 0);
  });
});
