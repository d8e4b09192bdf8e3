/**
 * Test helpers: validate REST response bodies against GitHub's OpenAPI description (the committed subset
 * `test/fixtures/openapi/github-subset.json`, OpenAPI 3.0) and webhook payloads against
 * `@octokit/openapi-webhooks` (OpenAPI 3.1). Both throw an AssertionError listing Ajv's complaints.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AssertionError } from 'node:assert';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv | Ajv2020) => void;

const SUBSET_PATH = new URL('../../fixtures/openapi/github-subset.json', import.meta.url);

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
interface Subset {
  paths: Record<string, Record<string, Operation>>;
}

let rest: { ajv: Ajv; spec: Subset; cache: Map<string, ValidateFunction> } | null = null;

function restValidator() {
  if (!rest) {
    const spec = JSON.parse(readFileSync(SUBSET_PATH, 'utf8')) as Subset;
    const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(spec as object, 'github-subset.json');
    rest = { ajv, spec, cache: new Map() };
  }
  return rest;
}

function pointer(...parts: string[]): string {
  return parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

function fail(what: string, errors: ValidateFunction['errors']): never {
  const list = (errors ?? []).slice(0, 10).map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  throw new AssertionError({ message: `${what} does not match the schema:\n${list.join('\n')}` });
}

/** Lists (method, path template, status) triples the subset describes with a JSON body. */
export function describedResponses(): string[] {
  const { spec } = restValidator();
  const out: string[] = [];
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const status of Object.keys(op.responses)) out.push(`${method.toUpperCase()} ${path} ${status}`);
    }
  }
  return out;
}

/**
 * Validates `body` against the response schema of `method path` (path as in GitHub's description, e.g.
 * `/repos/{owner}/{repo}/check-runs/{check_run_id}`) for `status`.
 */
export function validateResponse(method: string, path: string, status: number, body: unknown): void {
  const { ajv, spec, cache } = restValidator();
  const key = `${method.toLowerCase()} ${path} ${status}`;
  let validate = cache.get(key);
  if (!validate) {
    const op = spec.paths[path]?.[method.toLowerCase()];
    if (!op) throw new AssertionError({ message: `the OpenAPI subset has no operation ${method} ${path}` });
    const response = op.responses[String(status)];
    if (!response) throw new AssertionError({ message: `${op.operationId} documents no ${status} response` });
    if (!response.content?.['application/json']?.schema) {
      throw new AssertionError({ message: `${op.operationId} ${status} has no JSON body schema` });
    }
    validate = ajv.compile({
      $ref: `github-subset.json#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`,
    });
    cache.set(key, validate);
  }
  if (!validate(body)) fail(`${method} ${path} ${status}`, validate.errors);
}

let hooks: { ajv: Ajv2020; cache: Map<string, ValidateFunction> } | null = null;

/** Validates a webhook payload against `webhook-<event>-<action>` from @octokit/openapi-webhooks. */
export function validateWebhook(event: string, action: string, payload: unknown): void {
  if (!hooks) {
    const file = require.resolve('@octokit/openapi-webhooks/generated/api.github.com.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as object;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
    addFormats(ajv);
    ajv.addSchema(spec, 'webhooks.json');
    hooks = { ajv, cache: new Map() };
  }
  const name = `webhook-${event.replace(/_/g, '-')}-${action.replace(/_/g, '-')}`;
  let validate = hooks.cache.get(name);
  if (!validate) {
    validate = hooks.ajv.compile({ $ref: `webhooks.json#/components/schemas/${name}` });
    hooks.cache.set(name, validate);
  }
  if (!validate(payload)) fail(`webhook ${event}.${action}`, validate.errors);
}
