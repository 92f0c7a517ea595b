// Whether this browser has dismissed the introduction (remembered in localStorage). Reading or
// writing storage can throw (private mode, storage disabled): the intro then shows once per load.

export const INTRO_KEY = 'nclab.intro.dismissed';

/** The part of the Storage API used here, so tests can pass a fake. */
export type KeyValueStore = Pick<Storage, 'getItem' | 'setItem'>;

function browserStorage(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

export function introDismissed(store: KeyValueStore | null = browserStorage()): boolean {
  try {
    return store?.getItem(INTRO_KEY) === '1';
  } catch {
    return false;
  }
}

export function rememberIntroDismissed(store: KeyValueStore | null = browserStorage()): void {
  try {
    store?.setItem(INTRO_KEY, '1');
  } catch {
    // Not remembered: the intro shows again on the next visit, nothing else breaks.
  }
}
