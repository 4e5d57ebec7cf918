// The store this device (a till, a tablet) serves. It is remembered in the browser, so that every
// customer, a reload and the next shift start at the same store; only an explicit change moves it.
import { useCallback, useSyncExternalStore } from 'react';
import type { Store } from '@regulars/contracts';
import { useSession } from '../session.js';

const STORAGE_KEY = 'regulars.staff.deviceStore';

export type DeskStore = {
  /** The store purchases and redemptions are recorded at; null when the program has no store. */
  store: Store | null;
  /** The signed-in staff member is bound to this store: the device setting does not apply to them. */
  isBound: boolean;
};

/**
 * Which store the desk records at: the staff member's own store when they are bound to one, else the
 * store remembered on this device if it is still active, else the first active store.
 */
export function resolveDeskStore({
  boundStoreId,
  rememberedStoreId,
  stores,
}: {
  boundStoreId: string | null;
  rememberedStoreId: string | null;
  stores: readonly Store[];
}): DeskStore {
  if (boundStoreId) return { store: stores.find((s) => s.id === boundStoreId) ?? null, isBound: true };
  const remembered = rememberedStoreId ? stores.find((s) => s.id === rememberedStoreId) : undefined;
  return { store: remembered ?? stores[0] ?? null, isBound: false };
}

const listeners = new Set<() => void>();

function readRemembered(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage blocked (private mode settings): the desk still works, it just forgets on reload.
    return null;
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Another tab of the same device changed the store.
  const onStorage = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY) listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

/** Remembers `storeId` as this device's store. */
export function rememberDeviceStore(storeId: string): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, storeId);
  } catch {
    // See readRemembered.
  }
  for (const listener of listeners) listener();
}

/** The desk's store for the signed-in staff member, and the explicit way to change it. */
export function useDeskStore(): DeskStore & { canChange: boolean; choose(storeId: string): void } {
  const { staff, stores } = useSession();
  const rememberedStoreId = useSyncExternalStore(subscribe, readRemembered, () => null);
  const resolved = resolveDeskStore({ boundStoreId: staff.storeId, rememberedStoreId, stores });
  const choose = useCallback((storeId: string) => rememberDeviceStore(storeId), []);
  return { ...resolved, canChange: !resolved.isBound && stores.length > 1, choose };
}
