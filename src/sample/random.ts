/**
 * A small seeded pseudo-random source, so that the same seed always writes the same files.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's "small fast counting" generator, 128 bits of
 * state, passes PractRand), seeded through splitmix32 so that nearby seeds give unrelated
 * sequences. It is not for secrets: sample data only.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T;
  /** A string of n decimal digits (leading zeros allowed). */
  digits(n: number): string;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A random source for a seed and a named stream: different streams of one seed are independent,
 * so adding draws to one part of the generator does not shift every other part.
 */
export function createRandom(seed: number, stream = 0): Random {
  const high = Math.floor(seed / 0x1_0000_0000);
  const mix = splitmix32(
    (seed >>> 0) ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream, 0x165667b1),
  );
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();

  const nextUint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  // Warm-up: the first outputs of sfc32 still show the seed.
  for (let i = 0; i < 12; i++) nextUint32();

  const next = () => nextUint32() / 0x1_0000_0000;
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));

  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    weighted: <T>(items: readonly T[], weight: (item: T) => number): T => {
      let total = 0;
      for (const item of items) total += weight(item);
      let r = next() * total;
      for (const item of items) {
        r -= weight(item);
        if (r < 0) return item;
      }
      return items[items.length - 1] as T;
    },
    digits: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += String(int(0, 9));
      return s;
    },
  };
}
