// Seeded pseudo-random numbers (sensor noise, scenario jitter, IK restarts, tests and benchmark
// workloads): the same seed gives the same run, on any machine. mulberry32 (a 32-bit state generator, public domain by Tommy Ettinger)
// for uniforms; normals by the ziggurat method (G. Marsaglia and W. W. Tsang, "The Ziggurat Method
// for Generating Random Variables", J. Stat. Software 5(8), 2000: 128 layers, its constants r and v
// below), with the layer index and the abscissa from separate bits of one draw (J. A. Doornik,
// "An Improved Ziggurat Method to Generate Normal Random Samples", 2005, on why). Most normals cost
// one draw, a multiply and a compare; Box-Muller cost a logarithm, a root, a sine and a cosine per
// pair. A class (not closures) so that every instance shares one map and its methods inline at
// monomorphic call sites; state lives in typed arrays, since a field or closure variable holding a
// double or a uint32 above 2^30 would box a fresh heap number on every write.

const LAYERS = 128;
/** Right edge of the base layer's rectangle, and the area of every layer (Marsaglia and Tsang, 128 layers). */
const R = 3.442619855899;
const AREA = 9.91256303526217e-3;
/** Layer j spans |x| < WIDTH[j]; |x| < WIDTH[j + 1] lies wholly under the density (the fast accept). */
const WIDTH = new Float64Array(LAYERS + 1);
/** WIDTH[j + 1] / WIDTH[j]: the fast-accept bound on |u|, u uniform in [-1, 1). */
const INNER = new Float64Array(LAYERS);
/** The unnormalized density e^(−x²/2) at WIDTH[j]. */
const DENSITY = new Float64Array(LAYERS + 1);
WIDTH[0] = AREA / Math.exp(-0.5 * R * R); // the base layer: rectangle [0, r] plus the tail, as one width
WIDTH[1] = R;
for (let j = 1; j < LAYERS - 1; j++) WIDTH[j + 1] = Math.sqrt(-2 * Math.log(AREA / WIDTH[j] + Math.exp(-0.5 * WIDTH[j] * WIDTH[j])));
WIDTH[LAYERS] = 0;
for (let j = 0; j <= LAYERS; j++) DENSITY[j] = Math.exp(-0.5 * WIDTH[j] * WIDTH[j]);
for (let j = 0; j < LAYERS; j++) INNER[j] = WIDTH[j + 1] / WIDTH[j];
/** 2^−24: a signed 25-bit integer to [-1, 1). */
const SCALE = 1 / 16777216;

/** A deterministic random source. Every method is @realtime (no allocation). */
export class Random {
  private readonly state = new Uint32Array(1);
  /** normal() passes its value through here (a double returned from fillNormal's caller would be boxed). */
  private readonly scratch = new Float64Array(1);

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
    this.fillNormal(this.scratch, 0, 1);
    return this.scratch[0];
  }

  /**
   * Writes `count` standard normals into out[offset..] (ziggurat). The generator is written out
   * inline, on the fast path and on the rare wedge and tail draws (about 1.2 %): a double returned
   * from a call V8 does not inline is boxed.
   */
  fillNormal(out: Float64Array, offset: number, count: number): void {
    const state = this.state;
    let seed = state[0] | 0; // the generator's state as an int32 in a register; stored back after
    for (let i = 0; i < count; i++) {
      for (;;) {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = seed;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        t ^= t >>> 14;
        const layer = t & (LAYERS - 1);
        const u = (t >> 7) * SCALE; // the other 25 bits, signed
        const x = u * WIDTH[layer];
        if ((u < 0 ? -u : u) < INNER[layer]) {
          out[offset + i] = x;
          break;
        }
        // The rare paths draw their uniforms inline from the same generator, in this function: a
        // call to uniform() is compiled apart and, being rare, can stay unoptimized, where the
        // double it returns is boxed (seen in CI: 4-7 B a simulator step, every round).
        if (layer === 0) {
          // The tail beyond r (Marsaglia's exponential rejection).
          let a = 0;
          for (;;) {
            seed = (seed + 0x6d2b79f5) | 0;
            let v = Math.imul(seed ^ (seed >>> 15), seed | 1);
            v ^= v + Math.imul(v ^ (v >>> 7), v | 61);
            a = -Math.log(1 - ((v ^ (v >>> 14)) >>> 0) / 4294967296) / R;
            seed = (seed + 0x6d2b79f5) | 0;
            v = Math.imul(seed ^ (seed >>> 15), seed | 1);
            v ^= v + Math.imul(v ^ (v >>> 7), v | 61);
            const b = -Math.log(1 - ((v ^ (v >>> 14)) >>> 0) / 4294967296);
            if (b + b >= a * a) break;
          }
          out[offset + i] = u < 0 ? -(R + a) : R + a;
          break;
        }
        // The wedge between the layer's rectangle and the curve.
        seed = (seed + 0x6d2b79f5) | 0;
        let v = Math.imul(seed ^ (seed >>> 15), seed | 1);
        v ^= v + Math.imul(v ^ (v >>> 7), v | 61);
        const y = DENSITY[layer] + (((v ^ (v >>> 14)) >>> 0) / 4294967296) * (DENSITY[layer + 1] - DENSITY[layer]);
        if (y < Math.exp(-0.5 * x * x)) {
          out[offset + i] = x;
          break;
        }
      }
    }
    state[0] = seed;
  }

  /** Restarts the sequence from `seed`. */
  reseed(seed: number): void {
    this.state[0] = seed >>> 0;
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
