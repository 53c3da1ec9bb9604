/** A small seeded PRNG (mulberry32): the same seed gives the same cases on every machine. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) out[i] = this.int(256);
    return out;
  }

  /** Characters from `alphabet`, `length` of them. */
  string(length: number, alphabet: string): string {
    let s = '';
    for (let i = 0; i < length; i++) s += alphabet[this.int(alphabet.length)];
    return s;
  }
}

/** The seed from `WAIZANT_FUZZ_SEED` (decimal or 0x-hex), or the suite's fixed default. */
export function fuzzSeed(fallback: number): number {
  const raw = process.env.WAIZANT_FUZZ_SEED;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`WAIZANT_FUZZ_SEED must be an integer, got ${raw}`);
  return value >>> 0;
}

/** The case count from `WAIZANT_FUZZ_CASES`, or the suite's default. */
export function fuzzCases(fallback: number): number {
  const raw = process.env.WAIZANT_FUZZ_CASES;
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`WAIZANT_FUZZ_CASES must be a positive integer, got ${raw}`);
  return value;
}
