#!/usr/bin/env node
// Extracts the part of GitHub's OpenAPI description (npm @octokit/openapi, api.github.com.json) that the local
// GitHub serves, as committed test data: test/fixtures/openapi/github-subset.json.
//
// Operations kept: every (method, path) the emulator registers — found by scanning route path literals in
// src/local-github/**/*.ts (`:param` and `{param}` compare equal) — plus the explicit list below.
// Parameters, request bodies, responses and headers are inlined; component schemas stay as `$ref`s and only
// the transitively referenced ones are copied. Descriptions and examples are dropped to keep the file small.
//
// Usage: npm install --no-save @octokit/openapi@23 && node scripts/gen-openapi-subset.mjs
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const OUT = 'test/fixtures/openapi/github-subset.json';
const require = createRequire(import.meta.url);

/** Always included, whether or not a route literal was found (the Checks API and what clients call first). */
const EXPLICIT = [
  'POST /repos/{owner}/{repo}/check-runs',
  'GET /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  'GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations',
  'POST /repos/{owner}/{repo}/check-runs/{check_run_id}/rerequest',
  'POST /repos/{owner}/{repo}/check-suites',
  'PATCH /repos/{owner}/{repo}/check-suites/preferences',
  'GET /repos/{owner}/{repo}/check-suites/{check_suite_id}',
  'GET /repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs',
  'POST /repos/{owner}/{repo}/check-suites/{check_suite_id}/rerequest',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-runs',
  'GET /repos/{owner}/{repo}/commits/{ref}/check-suites',
  'POST /app/installations/{installation_id}/access_tokens',
  'GET /repos/{owner}/{repo}/installation',
];

/** GitHub produces `stale` runs (14 days incomplete) but the check-run response enum lacks it (spec §1.4). */
function patch(spec) {
  const conclusion = spec.components.schemas['check-run']?.properties?.conclusion;
  if (conclusion && !conclusion.enum.includes('stale')) conclusion.enum = [...conclusion.enum, 'stale'];
  // OpenAPI 3.0 `nullable` does not extend `enum`; Ajv (and JSON Schema) need null listed explicitly.
  let nullableEnums = 0;
  const walk = (node) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    if (node.nullable === true && Array.isArray(node.enum) && !node.enum.includes(null)) {
      node.enum = [...node.enum, null];
      nullableEnums++;
    }
    Object.values(node).forEach(walk);
  };
  walk(spec);
  // GitHub's inlined installation schema (GET /app/installations) writes `account` as allOf[simple-user,
  // enterprise], which no account satisfies; its components (and the API) say anyOf.
  let accountUnions = 0;
  const union = (node) => {
    if (Array.isArray(node)) return node.forEach(union);
    if (!node || typeof node !== 'object') return;
    const titles = Array.isArray(node.allOf) ? node.allOf.map((s) => s?.title ?? s?.$ref).sort() : [];
    const isAccount = (t) => t === 'Simple User' || t === '#/components/schemas/simple-user';
    const isEnterprise = (t) => t === 'Enterprise' || t === '#/components/schemas/enterprise';
    if (titles.length === 2 && isEnterprise(titles[0]) && isAccount(titles[1])) {
      node.anyOf = node.allOf;
      delete node.allOf;
      accountUnions++;
    }
    Object.values(node).forEach(union);
  };
  union(spec);
  // OpenAPI 3.0 `nullable` only means something next to `type`; on a bare allOf/anyOf/oneOf/$ref, JSON Schema
  // validators (Ajv) cannot compile it. Written as anyOf [schema, null] once here so every validator agrees.
  let nullableUnions = 0;
  const nullable = (node) => {
    if (Array.isArray(node)) return node.map(nullable);
    if (!node || typeof node !== 'object') return node;
    const out = {};
    for (const [k, v] of Object.entries(node)) out[k] = nullable(v);
    if (out.nullable === true && out.type === undefined) {
      delete out.nullable;
      nullableUnions++;
      return { anyOf: [out, { type: 'null' }] };
    }
    return out;
  };
  spec.paths = nullable(spec.paths);
  spec.components.schemas = nullable(spec.components.schemas);
  spec['x-emulator-patches'] = [
    'components.schemas.check-run.properties.conclusion.enum += "stale"',
    `null added to ${nullableEnums} nullable enums`,
    `${accountUnions} installation account allOf[simple-user, enterprise] → anyOf`,
    `${nullableUnions} typeless nullable schemas → anyOf [schema, {type: null}]`,
  ];
}

const norm = (path) => path.replace(/\{[^}]+\}|:[A-Za-z_][A-Za-z0-9_]*/g, '{}');

function routeLiterals(root) {
  const found = new Set();
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    // The control API and web pages are not GitHub's REST API.
    .filter((f) => !/[/\\](control|web)[/\\.]/.test(f));
  const call = /\.(get|post|put|patch|delete)\(\s*(['`])([^'`]+)\2/g;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const bases = new Map();
    for (const m of text.matchAll(/const (\w+) = ['`](\/[^'`$]*)['`]/g)) bases.set(m[1], m[2]);
    for (const m of text.matchAll(call)) {
      const path = m[3].replace(/\$\{(\w+)\}/g, (all, name) => bases.get(name) ?? all);
      if (path.startsWith('/') && !path.includes('${')) found.add(`${m[1].toUpperCase()} ${path}`);
    }
  }
  return found;
}

function deref(spec, node, seen = new Set()) {
  // Inlines everything except component schemas (kept as $ref, collected separately).
  if (Array.isArray(node)) return node.map((n) => deref(spec, n, seen));
  if (!node || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string' && !node.$ref.startsWith('#/components/schemas/')) {
    const target = node.$ref.slice(2).split('/').reduce((o, k) => o?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
    return deref(spec, target, seen);
  }
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'description' || k === 'examples' || k === 'example' || k === 'x-github' || k === 'externalDocs') continue;
    out[k] = deref(spec, v, seen);
  }
  return out;
}

function collectSchemaRefs(node, names) {
  if (Array.isArray(node)) return node.forEach((n) => collectSchemaRefs(n, names));
  if (!node || typeof node !== 'object') return;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/components/schemas/')) names.add(node.$ref.slice(21));
  for (const v of Object.values(node)) collectSchemaRefs(v, names);
}

const spec = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'));
const wanted = new Set([...EXPLICIT, ...routeLiterals('src/local-github')].map((op) => {
  const [method, path] = op.split(' ');
  return `${method} ${norm(path)}`;
}));

/**
 * Fastify wildcard routes (`/branches/*`) serve a multi-segment parameter, plus — for branches — the
 * protection and required-status-checks resources the core implements.
 */
const wildcards = [...wanted].filter((w) => w.endsWith('*')).map((w) => w.slice(0, -1));
function isWanted(method, path) {
  const key = `${method} ${norm(path)}`;
  if (wanted.has(key)) return true;
  return wildcards.some((prefix) => key.startsWith(prefix) && /^\{\}(\/protection(\/required_status_checks(\/contexts)?)?)?$/.test(key.slice(prefix.length)));
}

const paths = {};
const kept = [];
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (!op || typeof op !== 'object' || !op.operationId) continue;
    if (!isWanted(method.toUpperCase(), path)) continue;
    paths[path] ??= {};
    paths[path][method] = deref(spec, {
      operationId: op.operationId,
      parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])],
      requestBody: op.requestBody,
      responses: op.responses,
    });
    kept.push(`${method.toUpperCase()} ${path}`);
  }
}

const names = new Set();
collectSchemaRefs(paths, names);
const schemas = {};
const queue = [...names];
while (queue.length) {
  const name = queue.shift();
  if (schemas[name]) continue;
  schemas[name] = deref(spec, spec.components.schemas[name]);
  const more = new Set();
  collectSchemaRefs(schemas[name], more);
  for (const m of more) if (!schemas[m]) queue.push(m);
}

// GitHub's own REST examples for the Checks API, reproduced field for field by the tests.
const EXAMPLES = [
  'check-run-example-of-in-progress-conclusion', 'check-run-example-of-completed-conclusion', 'check-run',
  'check-annotation-items', 'check-suite', 'check-suite-preference', 'check-run-paginated', 'check-suite-paginated',
];
const examples = Object.fromEntries(EXAMPLES.filter((n) => spec.components.examples?.[n]).map((n) => [n, spec.components.examples[n]]));

const subset = {
  openapi: spec.openapi,
  info: { title: 'GitHub REST API subset served by the local GitHub', version: spec.info.version, source: '@octokit/openapi generated/api.github.com.json' },
  paths,
  components: { schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))), examples },
};
patch(subset);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(subset, null, 1)}\n`);
const keptKeys = kept.map((k) => `${k.split(' ')[0]} ${norm(k.split(' ')[1])}`);
const unmatched = [...wanted].filter((w) => !keptKeys.some((k) => k === w || (w.endsWith('*') && k.startsWith(w.slice(0, -1)))));
console.log(`${kept.length} operations, ${Object.keys(schemas).length} schemas → ${OUT}`);
if (unmatched.length) console.log(`not in GitHub's description (emulator-only or misspelt): ${unmatched.join(', ')}`);
