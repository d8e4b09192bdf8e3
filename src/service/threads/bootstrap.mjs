// Entry of a worker thread. Threads do not inherit the TypeScript loader that bin/checks-out.js registers in
// the main thread, so register it here (harmless when `--import tsx` already did), then run the host.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./host.ts', import.meta.url).href);
