// Small seeded PRNG helpers. Every random choice in a run derives from the scenario seed plus a
// stable key (group, client index, ...), so a shard on any host computes the same values
// without coordination, and a rerun with the same seed reproduces them.

/** 32-bit FNV-1a hash of a string; a stable way to turn names into seed material. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes integers into one well-scrambled 32-bit seed (murmur3 finaliser per step). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** mulberry32: fast, 32-bit state, good enough for load shaping (not for cryptography). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters from [a-z0-9] drawn from `next`. */
export function randomChars(next: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return out;
}

/** Advances the xorshift32 state kept at `state[k]` (never 0) and returns a uniform number in [0, 1). */
export function nextXorshift32(state: Uint32Array, k: number): number {
  let x = state[k];
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  state[k] = x >>> 0;
  return (x >>> 0) / 4_294_967_296;
}
