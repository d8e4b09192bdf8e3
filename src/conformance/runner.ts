/**
 * The conformance runner (README §1–§5 of the shared vector directory): runs every vector through its
 * kind's adapter, decides passed / failed / skipped, and renders the report. Rendering and exit status are
 * pure functions of the summary so the CLI command stays a thin shell.
 */
import { readFile } from 'node:fs/promises';
import { isPolicyError } from '../policy/errors.js';
import { compareValues, compilePaths, show, toJsonShape } from './compare.js';
import { SkipVector, type KindAdapter } from './kind.js';
import { isKnownKind, loadAdapter as loadRegisteredAdapter, type AdapterLoad } from './kinds/index.js';

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface VectorResult {
  /** 0-based index in the file's `vectors`. */
  index: number;
  kind: string;
  source: string;
  outcome: Outcome;
  /** One line; absent for passed vectors. */
  reason?: string;
}

export interface KindCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Every kind present (unknown ones included), in order of first appearance. */
  byKind: Map<string, KindCounts>;
  results: VectorResult[];
}

export interface RunOptions {
  /** Resolves a kind to its adapter; defaults to the registry in `kinds/index.ts`. */
  loadAdapter?: (kind: string) => Promise<AdapterLoad>;
  /** Only vectors of these kinds are run (our `--kind` extension); others are left out of the summary. */
  kinds?: readonly string[];
  /** First index to run; earlier vectors are left out (used to resume after a vector timed out). */
  from?: number;
  /** Called just before vector `index` runs. */
  onStart?(index: number): void;
  /** Called with each result as soon as it is known. */
  onResult?(result: VectorResult): void;
}

/** The file cannot be read or is not a vector file (exit status 2, README §5.3). */
export class VectorFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VectorFileError';
  }
}

export interface VectorFile {
  vectors: unknown[];
}

/** Parses the text of a vector file: a JSON object with a `vectors` array. */
export function parseVectorFile(text: string, name = 'vector file'): VectorFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new VectorFileError(`${name}: not valid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(data) || !Array.isArray(data.vectors)) {
    throw new VectorFileError(`${name}: not a vector file (expected a JSON object with a "vectors" array)`);
  }
  return { vectors: data.vectors };
}

/** Reads and parses a vector file; `-` reads standard input (through `stdin` when given). */
export async function readVectorFile(path: string, stdin: () => Promise<string> = readStdin): Promise<VectorFile> {
  let text: string;
  try {
    text = path === '-' ? await stdin() : await readFile(path, 'utf8');
  } catch (err) {
    throw new VectorFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseVectorFile(text, path);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** How a vector is named in reports: its kind (as text) and source (`""` when absent). */
export function identify(vector: unknown): { kind: string; source: string } {
  const rawKind = isPlainObject(vector) ? vector.kind : undefined;
  const kind = typeof rawKind === 'string' ? rawKind : rawKind === undefined ? '(no kind)' : show(rawKind);
  const source = isPlainObject(vector) && typeof vector.source === 'string' ? vector.source : '';
  return { kind, source };
}

/** Totals and per-kind counts of results given in file order. */
export function summarize(results: readonly VectorResult[]): RunSummary {
  const summary: RunSummary = { total: 0, passed: 0, failed: 0, skipped: 0, byKind: new Map(), results: [...results] };
  for (const r of results) {
    const counts = summary.byKind.get(r.kind) ?? { passed: 0, failed: 0, skipped: 0 };
    summary.byKind.set(r.kind, counts);
    counts[r.outcome]++;
    summary[r.outcome]++;
    summary.total++;
  }
  return summary;
}

/** A result for vector `index` (reason made one line). */
export function vectorResult(index: number, vector: unknown, outcome: Outcome, reason?: string): VectorResult {
  const result: VectorResult = { index, ...identify(vector), outcome };
  if (reason !== undefined) result.reason = oneLine(reason);
  return result;
}

export async function runVectors(file: VectorFile, options: RunOptions = {}): Promise<RunSummary> {
  const load = options.loadAdapter ?? loadRegisteredAdapter;
  const filter = options.kinds && options.kinds.length > 0 ? new Set(options.kinds) : undefined;
  const adapters = new Map<string, Promise<AdapterLoad>>();
  const results: VectorResult[] = [];

  for (let index = options.from ?? 0; index < file.vectors.length; index++) {
    const vector = file.vectors[index];
    const { kind } = identify(vector);
    if (filter && !filter.has(kind)) continue;
    options.onStart?.(index);

    let verdict: { outcome: Outcome; reason?: string };
    if (!isPlainObject(vector)) {
      verdict = { outcome: 'failed', reason: 'malformed vector: not a JSON object' };
    } else if (typeof vector.kind !== 'string' || !isKnownKind(vector.kind)) {
      verdict = { outcome: 'skipped', reason: `unknown kind ${show(vector.kind)}` };
    } else {
      let pending = adapters.get(kind);
      if (!pending) {
        pending = load(kind);
        adapters.set(kind, pending);
      }
      try {
        verdict = await runOne(vector, await pending);
      } catch (err) {
        // e.g. a stack overflow comparing an absurdly deep value: this vector fails, the run goes on.
        verdict = { outcome: 'failed', reason: `could not be compared: ${describeCrash(err)}` };
      }
    }
    const result = vectorResult(index, vector, verdict.outcome, verdict.reason);
    results.push(result);
    options.onResult?.(result);
  }
  return summarize(results);
}

/** Error fields compared only when the vector names them (README §4.17: absent = no validation step). */
const ALWAYS_OPTIONAL = ['validate_error'];

async function runOne(vector: Record<string, unknown>, loaded: AdapterLoad): Promise<{ outcome: Outcome; reason?: string }> {
  const { expect } = vector;
  const input = vector.input ?? {};
  if (!isPlainObject(expect)) return { outcome: 'failed', reason: 'malformed vector: "expect" is not an object' };
  if (!isPlainObject(input)) return { outcome: 'failed', reason: 'malformed vector: "input" is not an object' };
  if (loaded.status !== 'ok') return { outcome: 'failed', reason: loaded.reason };
  const adapter = loaded.adapter;

  const errorFields = adapter.errorFields ?? ['error'];
  const anyStage = new Set(adapter.messageNotCompared ?? []);
  const prefixes = adapter.normativePrefixes ?? [];
  const isNormative = (f: string): boolean => adapter.normative.includes(f) || prefixes.some((p) => f.startsWith(p));
  const recognised = (f: string): boolean => isNormative(f) || errorFields.includes(f) || anyStage.has(f);
  if (!Object.keys(expect).some(recognised)) {
    return { outcome: 'skipped', reason: 'expect has no normative field for this kind' };
  }

  let raw: unknown;
  try {
    raw = await adapter.run(input, expect);
  } catch (err) {
    if (err instanceof SkipVector || (err instanceof Error && err.name === 'SkipVector')) {
      return { outcome: 'skipped', reason: (err as Error).message };
    }
    if (!isPolicyError(err)) return { outcome: 'failed', reason: `crash: ${describeCrash(err)}` };
    raw = { [errorFields[0] ?? 'error']: err.message };
  }
  if (!isPlainObject(raw)) return { outcome: 'failed', reason: `adapter returned ${show(raw)} instead of an object` };

  // Error fields may hold the engine's error itself; everything else is brought to JSON shape.
  // A non-PolicyError handed back as the error is still a crash (README §2), not an engine error.
  const withMessages: Record<string, unknown> = { ...raw };
  for (const f of [...errorFields, ...anyStage]) {
    const v = withMessages[f];
    if (v instanceof Error && !isPolicyError(v)) return { outcome: 'failed', reason: `crash: ${describeCrash(v)}` };
    if (v instanceof Error) withMessages[f] = v.message;
  }
  const result = toJsonShape(withMessages) as Record<string, unknown>;

  const diffs: string[] = [];
  let compared = 0;
  const count = (diff: string | undefined): void => {
    compared++;
    if (diff !== undefined) diffs.push(diff);
  };

  if (anyStage.size > 0) {
    const expected = [...anyStage].some((f) => isFailure(expect[f]));
    const actual = [...anyStage].find((f) => isFailure(result[f]));
    if (expected && actual === undefined) count('expected the operation to fail, but it succeeded');
    else if (!expected && actual !== undefined) count(`unexpected ${actual}: ${show(result[actual], 300)}`);
    else count(undefined);
  }
  const optional = new Set([...ALWAYS_OPTIONAL, ...(adapter.optionalErrorFields ?? [])]);
  for (const field of errorFields) {
    if (anyStage.has(field)) continue;
    if (!Object.hasOwn(expect, field)) {
      if (optional.has(field)) continue;
      count(isFailure(result[field]) ? `unexpected ${field}: ${show(result[field], 300)}` : undefined);
      continue;
    }
    count(compareError(field, expect, result[field]));
  }

  const setPaths = compilePaths(adapter.setValued);
  // Read after `run`: an adapter may still extend its `normative` list for the vector at hand.
  for (const field of Object.keys(expect)) {
    if (!isNormative(field) || errorFields.includes(field) || anyStage.has(field)) continue;
    const custom = adapter.compare?.[field];
    count(custom ? custom(expect[field], result[field]) : compareValues(expect[field], result[field], [field], setPaths));
  }

  if (diffs.length > 0) return { outcome: 'failed', reason: diffs[0] };
  if (compared === 0) return { outcome: 'skipped', reason: 'no normative comparison could be made' };
  return { outcome: 'passed' };
}

function isFailure(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false;
}

/** README §3.2: a string is a required substring; `true` defers to `error_prefix` / `error_contains`. */
function compareError(field: string, expect: Record<string, unknown>, actual: unknown): string | undefined {
  const expected = expect[field];
  if (expected === null) {
    return isFailure(actual) ? `${field}: expected success, got error ${show(actual, 300)}` : undefined;
  }
  if (typeof expected !== 'string' && expected !== true) return `malformed vector: ${field} is ${show(expected)}`;
  if (!isFailure(actual)) return `${field}: expected an error${typeof expected === 'string' ? ` containing ${show(expected)}` : ''}, but the operation succeeded`;
  const message = typeof actual === 'string' ? actual : show(actual, 1000);
  if (typeof expected === 'string') {
    return message.includes(expected) ? undefined : `${field}: message ${show(message, 300)} does not contain ${show(expected, 300)}`;
  }
  const prefix = expect.error_prefix;
  if (prefix !== undefined) {
    if (typeof prefix !== 'string') return 'malformed vector: error_prefix is not a string';
    if (!message.startsWith(prefix)) return `${field}: message ${show(message, 300)} does not start with ${show(prefix, 300)}`;
  }
  const contains = expect.error_contains;
  if (contains !== undefined) {
    if (!Array.isArray(contains) || !contains.every((c) => typeof c === 'string')) {
      return 'malformed vector: error_contains is not an array of strings';
    }
    const absent = contains.find((c) => !message.includes(c));
    if (absent !== undefined) return `${field}: message ${show(message, 300)} does not contain ${show(absent, 300)}`;
  }
  return undefined;
}

function describeCrash(err: unknown): string {
  if (!(err instanceof Error)) return `non-Error thrown: ${show(err)}`;
  const frame = err.stack?.split('\n').find((l) => l.trim().startsWith('at '))?.trim();
  return `${err.name}: ${err.message}${frame ? ` (${frame})` : ''}`;
}

function oneLine(s: string): string {
  return s.replace(/\r\n|\r|\n/g, '\\n');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** README §5.1. Ends with the totals line and a newline. */
export function formatHuman(summary: RunSummary): string {
  const lines: string[] = [];
  const line = (tag: string, r: VectorResult): string => `${tag} [${r.index}] ${oneLine(r.kind)} ${oneLine(r.source)}: ${r.reason ?? ''}`;
  for (const r of summary.results) if (r.outcome === 'failed') lines.push(line('FAIL', r));
  for (const r of summary.results) if (r.outcome === 'skipped') lines.push(line('SKIP', r));
  for (const [kind, c] of summary.byKind) lines.push(`${oneLine(kind)}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  lines.push(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

/** README §5.2: exactly one JSON object. */
export function formatJson(summary: RunSummary): string {
  const byKind: Record<string, KindCounts> = Object.create(null);
  for (const [kind, c] of summary.byKind) byKind[kind] = { ...c };
  const failures = summary.results
    .filter((r) => r.outcome === 'failed')
    .map((r) => ({ source: r.source, kind: r.kind, reason: `vector ${r.index}: ${r.reason ?? ''}` }));
  const out = { total: summary.total, passed: summary.passed, failed: summary.failed, skipped: summary.skipped, byKind, failures };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** README §5.3 for a file that was run. */
export function exitCode(summary: RunSummary): 0 | 1 {
  return summary.failed === 0 && summary.skipped === 0 ? 0 : 1;
}

export type { KindAdapter };
