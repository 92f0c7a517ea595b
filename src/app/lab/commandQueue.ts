/**
 * Runs commands one after another, in the order they were given: a click never interleaves
 * with a reload. A command that fails rejects its own promise and the next one still runs.
 */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();

  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
