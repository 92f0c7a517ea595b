/**
 * Which kept runs a live page of the lab is training, across the tabs of one browser. The page
 * that trains a run holds a Web Lock named after it (`navigator.locks`, shared by every page of
 * the origin and released by the browser when the page goes away, a crash included). Another
 * page then leaves that run alone: it does not mark it interrupted, resume, delete, rename or
 * pin it (the run library asks `heldRuns`). Without Web Locks (an insecure origin, an old
 * browser) there is no such knowledge: `heldRuns` answers null and each page sees only its own
 * run as live, as before.
 */

const PREFIX = 'nc-lab-run:';

type Locks = Pick<LockManager, 'request' | 'query'>;

function lockManager(): Locks | null {
  return (globalThis.navigator as Navigator | undefined)?.locks ?? null;
}

/** The runs this page holds: their release, or the claim still being answered. */
const mine = new Map<string, Promise<(() => void) | null>>();

/** Whether this browser tells the pages which runs are held (Web Locks). */
export function locksAvailable(): boolean {
  return lockManager() !== null;
}

/**
 * Hold run `id` for this page, until `releaseRun(id)` or the page goes away. False when another
 * page holds it; true when this page holds it (already or now), or nothing can be known.
 */
export async function claimRun(id: string): Promise<boolean> {
  let claim = mine.get(id);
  if (!claim) {
    claim = acquire(id);
    mine.set(id, claim);
  }
  const release = await claim;
  if (!release) mine.delete(id);
  return release !== null;
}

function acquire(id: string): Promise<(() => void) | null> {
  const locks = lockManager();
  if (!locks) return Promise.resolve(() => undefined);
  return new Promise((resolve, reject) => {
    locks
      .request(PREFIX + id, { ifAvailable: true }, (lock) => {
        if (!lock) {
          resolve(null);
          return undefined;
        }
        // The lock is held until this promise settles.
        return new Promise<void>((release) => resolve(release));
      })
      .catch(reject);
  });
}

/** Whether this page holds run `id` (claimed, or being claimed). */
export function holdsRun(id: string): boolean {
  return mine.has(id);
}

/** Let other pages have run `id` (this page no longer trains it). */
export function releaseRun(id: string): void {
  const claim = mine.get(id);
  mine.delete(id);
  void claim?.then((release) => release?.());
}

export interface HeldRuns {
  /** every run some live page holds, this one included */
  all: Set<string>;
  /** those held by other pages */
  elsewhere: Set<string>;
}

/** The runs live pages hold now; null where the browser cannot say (no Web Locks). */
export async function heldRuns(): Promise<HeldRuns | null> {
  const locks = lockManager();
  if (!locks) return null;
  const { held = [] } = await locks.query();
  const all = new Set(
    held
      .map((lock) => lock.name ?? '')
      .filter((name) => name.startsWith(PREFIX))
      .map((name) => name.slice(PREFIX.length)),
  );
  return { all, elsewhere: new Set([...all].filter((id) => !mine.has(id))) };
}

/** The message for an action refused on a run another page trains. */
export function heldElsewhereMessage(name: string): string {
  return `"${name}" is training in another tab of the lab: stop it there (or close that tab) first`;
}
