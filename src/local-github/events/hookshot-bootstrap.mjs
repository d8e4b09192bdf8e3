// Entry of the webhook sender thread: threads do not inherit the TypeScript loader, so register it here.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./hookshot-thread.ts', import.meta.url).href);
