// Seeded pseudo-random numbers for sensor noise and scenario jitter: the same seed gives the same
// run, on any machine. mulberry32 (a 32-bit state generator, public domain by Tommy Ettinger)
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

  /** Writes `count` standard normals into out[offset..]. */
  fillNormal(out: Float64Array, offset: number, count: number): void {
    for (let i = 0; i < count; i++) out[offset + i] = this.normal();
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
