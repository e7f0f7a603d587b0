// Seeded randomness: the same seed gives the same keys and the same chaos, so a run can be replayed.

/** mulberry32: tiny, fast, good enough for test randomness (not for secrets). Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Opaque, unique entity keys shaped like Makini's (14 digits, often with leading zeros), so that
 * a client treating keys as numbers or guessing their order breaks here as it would in production.
 */
export class KeyGenerator {
  private readonly random: () => number;
  private readonly used = new Set<string>();

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  next(): string {
    for (;;) {
      let key = '';
      for (let i = 0; i < 14; i++) key += Math.floor(this.random() * 10).toString();
      if (!this.used.has(key)) {
        this.used.add(key);
        return key;
      }
    }
  }
}
