/**
 * Group commit: the first item is written at once; items that arrive while a write is in flight
 * go together in the next write (one statement for the lot). Under load this turns N round trips
 * into a few; alone, an item waits for nothing. A failed group is written again one item at a
 * time, so one bad item does not fail the others.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private writing = false;

  /** `write` returns one result per item, in order; an Error result rejects that item only. */
  constructor(
    private readonly write: (items: T[]) => Promise<(R | Error)[]>,
    private readonly maxGroup = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        const results = await this.write(group.map((g) => g.item));
        group.forEach((g, i) => {
          settle(g, results[i]);
        });
      } catch (err) {
        if (group.length === 1) group[0].reject(err);
        else {
          for (const g of group) {
            await this.write([g.item]).then(
              ([r]) => settle(g, r),
              (e: unknown) => g.reject(e),
            );
          }
        }
      }
    }
    this.writing = false;
  }
}

function settle<R>(g: { resolve: (r: R) => void; reject: (e: unknown) => void }, r: R | Error): void {
  if (r instanceof Error) g.reject(r);
  else g.resolve(r);
}
