/**
 * Registry of the 17 vector kinds of conformance README §4. Each kind's adapter lives in `./<kind>.ts`
 * (exporting `adapter`) and is imported only when a vector of that kind is run, so a kind whose adapter
 * is not written yet fails its own vectors ("adapter not implemented") without affecting the others.
 */
import { fileURLToPath } from 'node:url';
import type { KindAdapter } from '../kind.js';

export const KINDS = [
  'dsl-parse',
  'dsl-eval',
  'approval-status',
  'status-description',
  'scope',
  'glob',
  'regex',
  'config-parse',
  'legacy-config',
  'tag-template',
  'semver-tag',
  'merge-delete',
  'notification-filter',
  'deployment',
  'slack-targets',
  'maintainers-parse',
  'maintainers-snapshot',
] as const;

export type Kind = (typeof KINDS)[number];

const known: ReadonlySet<string> = new Set(KINDS);

export function isKnownKind(kind: string): kind is Kind {
  return known.has(kind);
}

export type AdapterLoad = { status: 'ok'; adapter: KindAdapter } | { status: 'unavailable'; reason: string };

/** Loads the adapter of a known kind; never throws. */
export async function loadAdapter(kind: string): Promise<AdapterLoad> {
  if (!isKnownKind(kind)) return { status: 'unavailable', reason: `unknown kind ${JSON.stringify(kind)}` };
  // The specifier is built at run time so that the type checker does not require every adapter to exist.
  const url = new URL(`./${kind}.js`, import.meta.url).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    // Only the adapter module itself being absent means "not implemented"; a missing dependency is a bug.
    const self = e.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes(`'${fileURLToPath(url)}'`);
    if (self) return { status: 'unavailable', reason: 'adapter not implemented' };
    return { status: 'unavailable', reason: `adapter failed to load: ${oneLine(e.message ?? String(err))}` };
  }
  const adapter = pickAdapter(mod);
  if (!adapter) return { status: 'unavailable', reason: `adapter module for ${kind} exports no KindAdapter (expected \`export const adapter\`)` };
  return { status: 'ok', adapter };
}

function pickAdapter(mod: Record<string, unknown>): KindAdapter | undefined {
  const candidates = [mod.adapter, mod.default, ...Object.values(mod)];
  return candidates.find(isAdapter);
}

function isAdapter(v: unknown): v is KindAdapter {
  if (v === null || typeof v !== 'object') return false;
  const a = v as Partial<KindAdapter>;
  return typeof a.run === 'function' && Array.isArray(a.normative);
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
