// Seeded randomness for generated test cases: the same sequence on every
// machine and every run, so a failing case is replayed by its seed.

/** mulberry32: a small, fast PRNG returning numbers in [0, 1). */
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
 * `count` texts, each one of `seeds` with one character inserted, replaced
 * (by one of `alphabet`) or deleted at a random place: near misses of valid
 * input, for comparing a fast path with the reader it stands in for.
 */
export function randomEdits(seeds: readonly string[], alphabet: string, count: number, seed: number): string[] {
  const next = mulberry32(seed);
  const pick = (n: number): number => Math.floor(next() * n);
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const text = seeds[pick(seeds.length)]!;
    const at = pick(text.length + 1);
    const c = alphabet[pick(alphabet.length)]!;
    const edit = pick(3);
    out.push(edit === 0 ? text.slice(0, at) + c + text.slice(at) : edit === 1 ? text.slice(0, at) + c + text.slice(at + 1) : text.slice(0, at) + text.slice(at + 1));
  }
  return out;
}
