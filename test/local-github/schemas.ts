/**
 * Schema checks for the core emulator: REST responses through the Checks team's OpenAPI subset validator,
 * webhook payloads against @octokit/openapi-webhooks (including events without an action, like push).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { Ajv, type ValidateFunction } from 'ajv';
import { Octokit } from '@octokit/rest';

const require = createRequire(import.meta.url);
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => void;

const SUBSET = new URL('../fixtures/openapi/github-subset.json', import.meta.url);
let rest: { ajv: Ajv; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>; cache: Map<string, ValidateFunction> } | null = null;

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** Validates a REST body against the subset (the same file, and the same Ajv set-up, the Checks tests use). */
export function responseProblems(method: string, path: string, status: number, body: unknown): string[] {
  if (!rest) {
    const spec = JSON.parse(readFileSync(SUBSET, 'utf8')) as { paths: NonNullable<typeof rest>['paths'] };
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv as unknown as Ajv2020);
    ajv.addSchema(spec as object, 'subset.json');
    rest = { ajv, paths: spec.paths, cache: new Map() };
  }
  const m = method.toLowerCase();
  const key = `${m} ${path} ${status}`;
  let validate = rest.cache.get(key);
  if (!validate) {
    const op = rest.paths[path]?.[m];
    // Operations outside the committed subset (e.g. review edits) cannot be checked here.
    if (!op) return [];
    if (!op.responses[String(status)]?.content?.['application/json']) return status >= 400 ? [] : [`${method} ${path} documents no JSON ${status} response`];
    validate = rest.ajv.compile({ $ref: `subset.json#/${pointer('paths', path, m, 'responses', String(status), 'content', 'application/json', 'schema')}` });
    rest.cache.set(key, validate);
  }
  if (validate(body)) return [];
  const errors = validate.errors ?? [];
  if (errors.length === 0) return [];
  return [`${method} ${path} ${status}: ${errors.slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ')}`];
}

let hooks: { ajv: Ajv2020; cache: Map<string, ValidateFunction> } | null = null;

/** Problems found in a webhook payload (empty when it validates). */
export function webhookProblems(event: string, action: string | null, payload: unknown): string[] {
  if (!hooks) {
    const spec = JSON.parse(readFileSync(require.resolve('@octokit/openapi-webhooks/generated/api.github.com.json'), 'utf8')) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(spec, 'webhooks.json');
    hooks = { ajv, cache: new Map() };
  }
  const name = `webhook-${event.replace(/_/g, '-')}${action ? `-${action.replace(/_/g, '-')}` : ''}`;
  let validate = hooks.cache.get(name);
  if (!validate) {
    validate = hooks.ajv.compile({ $ref: `webhooks.json#/components/schemas/${name}` });
    hooks.cache.set(name, validate);
  }
  if (validate(payload)) return [];
  return (validate.errors ?? []).slice(0, 8).map((e) => `${name} ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** An Octokit whose every JSON response (success or error) is checked; problems are appended to `problems`. */
export function validatingOctokit(baseUrl: string, auth: string | undefined, problems: string[]): Octokit {
  const o = new Octokit({ baseUrl, auth, log: { debug() {}, info() {}, warn() {}, error() {} } });
  const check = (method: string, url: string, status: number, data: unknown): void => {
    if (status === 204 || status === 304 || data === undefined || data === '') return;
    problems.push(...responseProblems(method, url, status, data));
  };
  o.hook.after('request', (response, options) => check(options.method, options.url, response.status, response.data));
  o.hook.error('request', (error, options) => {
    const e = error as { status?: number; response?: { data?: unknown } };
    if (e.status && e.status >= 400) check(options.method, options.url, e.status, e.response?.data);
    throw error;
  });
  return o;
}
