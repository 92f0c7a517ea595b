/**
 * Which kept runs and grids a live page of the lab is training, across the tabs of one browser.
 * The page that trains a run (or runs a grid) holds a Web Lock named after it
 * (`navigator.locks`, shared by every page of the origin and released by the browser when the
 * page goes away, a crash included). Another page then leaves that run alone: it does not mark
 * it interrupted, resume, delete, rename or pin it (the run library asks `heldRuns`), and does
 * not run that grid a second time. Without Web Locks (an insecure origin, an old browser) there
 * is no such knowledge: `heldRuns` answers null and each page sees only its own run as live.
 */

const RUN_PREFIX = 'nc-lab-run:';
const GRID_PREFIX = 'nc-lab-grid:';

type Locks = Pick<LockManager, 'request' | 'query'>;

function lockManager(): Locks | null {
  return (globalThis.navigator as Navigator | undefined)?.locks ?? null;
}

/** The locks this page holds, by name: their release, or the claim still being answered. */
const mine = new Map<string, Promise<(() => void) | null>>();

/** Whether this browser tells the pages which runs are held (Web Locks). */
export function locksAvailable(): boolean {
  return lockManager() !== null;
}

/**
 * Hold run `id` for this page, until `releaseRun(id)` or the page goes away. False when another
 * page holds it; true when this page holds it (already or now), or nothing can be known.
 */
export function claimRun(id: string): Promise<boolean> {
  return claim(RUN_PREFIX + id);
}

/** Let other pages have run `id` (this page no longer trains it). */
export function releaseRun(id: string): void {
  release(RUN_PREFIX + id);
}

/** Whether this page holds run `id` (claimed, or being claimed). */
export function holdsRun(id: string): boolean {
  return mine.has(RUN_PREFIX + id);
}

/** Hold the grid of identity `key` (gridIdentityTag) while this page runs it. */
export function claimGrid(key: string): Promise<boolean> {
  return claim(GRID_PREFIX + key);
}

export function releaseGrid(key: string): void {
  release(GRID_PREFIX + key);
}

/** Whether another page runs the grid of identity `key` now (false where none can know). */
export async function gridHeldElsewhere(key: string): Promise<boolean> {
  const name = GRID_PREFIX + key;
  return !ours(name) && ((await heldNames()) ?? new Set()).has(name);
}

/** A held lock's release: resolves once the browser has let it go. */
type LetGo = () => Promise<void>;

/** Locks this page is letting go of (a query may still list them: they are not another's). */
const releasing = new Map<string, Promise<void>>();

async function claim(name: string): Promise<boolean> {
  await releasing.get(name);
  let claimed = mine.get(name);
  if (!claimed) {
    claimed = acquire(name);
    mine.set(name, claimed);
  }
  const letGo = await claimed;
  if (!letGo && mine.get(name) === claimed) mine.delete(name);
  return letGo !== null;
}

function acquire(name: string): Promise<LetGo | null> {
  const locks = lockManager();
  if (!locks) return Promise.resolve(() => Promise.resolve());
  return new Promise((resolve) => {
    const request: Promise<unknown> = locks.request(name, { ifAvailable: true }, (lock) => {
      if (!lock) {
        resolve(null);
        return undefined;
      }
      // The lock is held until this promise settles; `request` settles once it is let go.
      return new Promise<void>((done) =>
        resolve(() => {
          done();
          return request.then(() => undefined);
        }),
      );
    });
    // A browser that refuses locks here (a sandboxed frame: SecurityError) leaves the page as
    // one without Web Locks: it keeps its runs, knowing nothing of other tabs.
    request.catch(() => resolve(() => Promise.resolve()));
  });
}

function release(name: string): void {
  const claimed = mine.get(name);
  if (!claimed) return;
  mine.delete(name);
  const gone = claimed
    .then((letGo) => letGo?.())
    .catch(() => undefined)
    .finally(() => {
      if (releasing.get(name) === gone) releasing.delete(name);
    });
  releasing.set(name, gone);
}

/** Whether this page holds the lock `name`, or is letting go of it. */
function ours(name: string): boolean {
  return mine.has(name) || releasing.has(name);
}

/** The names of every lock held now, by any page; null without Web Locks. */
async function heldNames(): Promise<Set<string> | null> {
  const locks = lockManager();
  if (!locks) return null;
  try {
    const { held = [] } = await locks.query();
    return new Set(held.map((lock) => lock.name ?? ''));
  } catch {
    return null; // refused here (see acquire): as without Web Locks
  }
}

export interface HeldRuns {
  /** every run some live page holds, this one included */
  all: Set<string>;
  /** those held by other pages */
  elsewhere: Set<string>;
}

/** The runs live pages hold now; null where the browser cannot say (no Web Locks). */
export async function heldRuns(): Promise<HeldRuns | null> {
  const names = await heldNames();
  if (!names) return null;
  const all = new Set(
    [...names].filter((n) => n.startsWith(RUN_PREFIX)).map((n) => n.slice(RUN_PREFIX.length)),
  );
  return { all, elsewhere: new Set([...all].filter((id) => !ours(RUN_PREFIX + id))) };
}

/** The message for an action refused on a run another page trains. */
export function heldElsewhereMessage(name: string): string {
  return `"${name}" is training in another tab of the lab: stop it there (or close that tab) first`;
}

/** The message for a grid another page runs. */
export function gridElsewhereMessage(name: string): string {
  return `the grid "${name}" is running in another tab of the lab: its members join the Runs panel as they finish; cancel it there (or close that tab) to run it here`;
}
