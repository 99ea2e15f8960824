import mt19937 from '@stdlib/random-base-mt19937';
import improvedZiggurat from '@stdlib/random-base-improved-ziggurat';
import { SpecError } from './errors.js';
import type { FloatArray } from './matrix.js';

/**
 * A seeded source of randomness. Every random draw in spec goes through one of these, so a run is
 * reproducible from its seed on any backend (weights are always drawn on the CPU).
 */
export interface Rng {
  /** The seed this stream was created from. */
  readonly seed: number;
  /** Uniform on [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** ±1 with probability 1/2 each. */
  rademacher(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fills `out[offset .. offset+length)` with N(0, 1) draws. */
  fillNormal(out: FloatArray, offset?: number, length?: number): void;
  /**
   * An independent child stream, determined by this stream's seed and `key` (not by how many draws
   * were taken), so adding a draw in one place never changes the numbers drawn elsewhere.
   */
  split(key: number | string): Rng;
}

/** 32-bit mixing (murmur3 finaliser) used to derive child seeds. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashKey(seed: number, key: number | string): number {
  let h = mix32(seed ^ 0x9e3779b9);
  const s = String(key);
  for (let i = 0; i < s.length; i++) h = mix32(h ^ s.charCodeAt(i)) + 0x6b43a9b5;
  return mix32(h) || 1;
}

/**
 * Creates a seeded {@link Rng}: Mersenne Twister (MT19937) uniforms and improved-ziggurat normals,
 * both from @stdlib. The seed must be a non-negative safe integer; it is reduced to 32 bits.
 */
export function createRng(seed = 0): Rng {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new SpecError('E_INPUT', `seed must be a non-negative integer, got ${seed}`);
  }
  // MT19937 seeds must lie in [1, 2^32 − 1]; map 0 and large seeds into that range deterministically.
  const s32 = (seed % 0xffffffff) + 1;
  // The typings omit `.normalized` (uniform on [0, 1)), which the runtime PRNG has.
  const uniformPrng = mt19937.factory({ seed: s32 }) as unknown as { normalized: () => number };
  const uniform = uniformPrng.normalized;
  const normal = improvedZiggurat.factory({ prng: uniform });
  return {
    seed,
    uniform: () => uniform(),
    normal: () => normal(),
    rademacher: () => (uniform() < 0.5 ? -1 : 1),
    int: (n: number) => Math.floor(uniform() * n),
    fillNormal(out: FloatArray, offset = 0, length = out.length - offset): void {
      for (let i = offset, end = offset + length; i < end; i++) out[i] = normal();
    },
    split: (key: number | string) => createRng(hashKey(s32, key)),
  };
}
