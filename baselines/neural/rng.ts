/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) whose whole state is four numbers, so a
 * training checkpoint can store it and a resumed run draws exactly the numbers an uninterrupted
 * one would have drawn. Dropout masks, shuffling and initialisation all come from here, which
 * also makes them identical on every tfjs backend.
 */
export type RngState = [number, number, number, number];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | RngState) {
    if (typeof seed === 'number') {
      let s = seed >>> 0;
      const next = (): number => {
        s = (s + 0x9e3779b9) >>> 0;
        let z = s;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
        return (z ^ (z >>> 16)) >>> 0;
      };
      [this.a, this.b, this.c, this.d] = [next(), next(), next(), next()];
      for (let i = 0; i < 12; i++) this.nextUint32();
    } else {
      [this.a, this.b, this.c, this.d] = seed.map((x) => x >>> 0) as RngState;
    }
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** an integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** a standard normal draw (Box-Muller) */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** a 31-bit seed for tfjs ops that take one */
  seed(): number {
    return this.nextUint32() & 0x7fffffff;
  }

  /** Fisher-Yates, in place */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** values of a truncated normal (redrawn beyond 2 sd), as transformers' init uses normal(0, std) */
  normalArray(size: number, std: number, truncate = false): Float32Array {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let z = this.normal();
      while (truncate && Math.abs(z) > 2) z = this.normal();
      out[i] = z * std;
    }
    return out;
  }
}
