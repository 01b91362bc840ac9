export { StoreError } from './db';
export { openStore, type StoreConfig } from './open';
export type * from './store';
