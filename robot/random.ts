// Seeded pseudo-random numbers (sensor noise, scenario jitter, IK restarts, tests and benchmark
// workloads): the same seed gives the same run, on any machine. mulberry32 (a 32-bit state generator, public domain by Tommy Ettinger)
// for uniforms, Box-Muller for normals with the spare value kept. A class (not closures) so that
// every instance shares one map and its methods inline at monomorphic call sites; state lives in
// typed arrays, since a field or closure variable holding a double or a uint32 above 2^30 would
// box a fresh heap number on every write.

/** A deterministic random source. Every method is @realtime (no allocation). */
export class Random {
  private readonly state = new Uint32Array(1);
  private readonly spare = new Float64Array(1);
  private hasSpare = false;

  constructor(seed: number) {
    this.state[0] = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state[0] = this.state[0] + 0x6d2b79f5;
    let t = this.state[0] | 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (mean 0, standard deviation 1). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare[0];
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const u = 1 - this.uniform();
    const w = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare[0] = r * Math.sin(2 * Math.PI * w);
    this.hasSpare = true;
    return r * Math.cos(2 * Math.PI * w);
  }

  /**
   * Writes `count` standard normals into out[offset..]. The generator is written out inline here
   * (not calls to uniform/normal): a double returned from a call V8 does not inline is boxed, and
   * this is the form the sensors use every step.
   */
  fillNormal(out: Float64Array, offset: number, count: number): void {
    const state = this.state;
    let i = 0;
    if (this.hasSpare && count > 0) {
      out[offset] = this.spare[0];
      this.hasSpare = false;
      i = 1;
    }
    for (; i < count; i += 2) {
      state[0] = state[0] + 0x6d2b79f5;
      let t = state[0] | 0;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const u = 1 - ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      state[0] = state[0] + 0x6d2b79f5;
      t = state[0] | 0;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      const w = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      const r = Math.sqrt(-2 * Math.log(u));
      out[offset + i] = r * Math.cos(2 * Math.PI * w);
      const second = r * Math.sin(2 * Math.PI * w);
      if (i + 1 < count) out[offset + i + 1] = second;
      else {
        this.spare[0] = second;
        this.hasSpare = true;
      }
    }
  }

  /** Restarts the sequence from `seed`. */
  reseed(seed: number): void {
    this.state[0] = seed >>> 0;
    this.hasSpare = false;
  }
}

/** Makes a random source seeded with `seed` (any finite number; its low 32 bits are used). */
export function createRandom(seed: number): Random {
  return new Random(seed);
}

/**
 * mulberry32 as a plain function of no arguments, exactly as WORKLOADS.md writes it: for tests,
 * benchmark workloads and tools (a closure: not for hot paths, where `Random` is allocation-free).
 */
export function mulberry32(seed: number): () => number {
  const random = new Random(seed);
  return () => random.uniform();
}
