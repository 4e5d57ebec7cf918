import { describe, expect, it } from 'vitest';
import type { Store } from '@regulars/contracts';
import { resolveDeskStore } from './device-store.js';

const store = (id: string, name: string): Store => ({ id, name }) as unknown as Store;
const centro = store('s-centro', 'Centro');
const malasana = store('s-malasana', 'Malasaña');
const stores = [centro, malasana];

describe('resolveDeskStore', () => {
  it('uses the store remembered on this device', () => {
    expect(resolveDeskStore({ boundStoreId: null, rememberedStoreId: 's-malasana', stores })).toEqual({
      store: malasana,
      isBound: false,
    });
  });

  it('starts at the first store when the device remembers none, or one that is no longer active', () => {
    expect(resolveDeskStore({ boundStoreId: null, rememberedStoreId: null, stores }).store).toBe(centro);
    expect(resolveDeskStore({ boundStoreId: null, rememberedStoreId: 's-closed', stores }).store).toBe(
      centro,
    );
  });

  it('always gives a staff member bound to a store their own store, whatever the device remembers', () => {
    expect(resolveDeskStore({ boundStoreId: 's-centro', rememberedStoreId: 's-malasana', stores })).toEqual({
      store: centro,
      isBound: true,
    });
  });

  it('has no store when the program has none', () => {
    expect(resolveDeskStore({ boundStoreId: null, rememberedStoreId: null, stores: [] })).toEqual({
      store: null,
      isBound: false,
    });
  });
});
