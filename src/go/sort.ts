/**
 * Prometheus orders results (sort(), topk(), ...) with Go's sort.Sort and
 * container/heap, which are not stable. Which of several equal values comes
 * first, or which one topk keeps, is part of the observable result, so these
 * reproduce Go's algorithms step for step rather than using Array.sort.
 */

export type Less<T> = (a: T, b: T) => boolean;

/** Go's sort.Sort. For up to 12 elements pdqsort is a plain insertion sort. */
export function goSort<T>(xs: T[], less: Less<T>): void {
  if (xs.length <= 12) {
    insertionSort(xs, 0, xs.length, less);
    return;
  }
  // Beyond 12 elements Go switches to pattern-defeating quicksort, whose tie
  // order we do not reproduce; a stable sort is the least surprising choice.
  const sorted = xs
    .map((x, i) => ({ x, i }))
    .sort((a, b) => (less(a.x, b.x) ? -1 : less(b.x, a.x) ? 1 : a.i - b.i))
    .map((e) => e.x);
  for (let i = 0; i < xs.length; i++) xs[i] = sorted[i]!;
}

function insertionSort<T>(xs: T[], a: number, b: number, less: Less<T>): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(xs[j]!, xs[j - 1]!); j--) {
      const t = xs[j]!;
      xs[j] = xs[j - 1]!;
      xs[j - 1] = t;
    }
  }
}

/** container/heap over an array with a Less function (min-heap for `less`). */
export class GoHeap<T> {
  constructor(
    readonly items: T[],
    private readonly less: Less<T>,
  ) {}

  get length(): number {
    return this.items.length;
  }

  push(x: T): void {
    this.items.push(x);
    this.up(this.items.length - 1);
  }

  /** heap.Fix after items[i] changed. */
  fix(i: number): void {
    if (!this.down(i, this.items.length)) this.up(i);
  }

  private lessAt(i: number, j: number): boolean {
    return this.less(this.items[i]!, this.items[j]!);
  }

  private swap(i: number, j: number): void {
    const t = this.items[i]!;
    this.items[i] = this.items[j]!;
    this.items[j] = t;
  }

  private up(j0: number): void {
    let j = j0;
    for (;;) {
      const i = Math.trunc((j - 1) / 2);
      if (i === j || !this.lessAt(j, i)) break;
      this.swap(i, j);
      j = i;
    }
  }

  private down(i0: number, n: number): boolean {
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.lessAt(j2, j1)) j = j2;
      if (!this.lessAt(j, i)) break;
      this.swap(i, j);
      i = j;
    }
    return i > i0;
  }
}
