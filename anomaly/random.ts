/**
 * Seeded pseudo-random generators. Every random choice in the library goes through one of these so a
 * replay (or a restore from saved state) makes exactly the same choices.
 */

/** Murmur3's 32-bit finaliser: a cheap, well-mixed hash step. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform number in (0, 1) that depends only on (seed, index): lets a sampler re-derive the random
 * priority of any point it holds instead of storing it.
 */
export function hashUniform(seed: number, index: number): number {
  const lo = index >>> 0;
  const hi = Math.floor(index / 4294967296) >>> 0;
  const h = mix32(mix32(seed ^ 0x9e3779b9) ^ lo ^ mix32(hi + 0x632be5ab));
  return (h + 0.5) / 4294967296;
}

/** xoshiro128** (Blackman & Vigna): small, fast, 2^128 - 1 period, state is four uint32 words. */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix-style expansion of one seed into four non-zero words
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** Next uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  getState(): number[] {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  static fromState(state: readonly number[]): Random {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new Error(`random state must be four uint32 words, got ${JSON.stringify(state)}`);
    }
    const r = new Random(0);
    [r.s0, r.s1, r.s2, r.s3] = state.map((w) => w | 0);
    return r;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
