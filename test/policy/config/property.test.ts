/**
 * Properties: no input makes the parsers throw anything but a located PolicyError (or hang), and rendering a
 * valid configuration, re-parsing the rendering and rendering again changes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseConfig, parseDeployments, parseHjson, renderConfig } from '../../../src/policy/config/index.js';
import { PolicyError, PolicyErrors } from '../../../src/policy/errors.js';

/** Text built from HJSON-significant fragments, so that generated inputs get deep into the parsers. */
const hjsonish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '{', '}', '[', ']', ',', ':', '\n', ' ', '"', "'''", '#', '//', '/*', '*/', '\\', 'true', 'null', '-1.5e3',
        'approvals', 'match', 'scope', 'paths', 'merge', 'tag', 'enable', 'template', '{{', '}}', '"all[count=2]"',
        '"a and"', '"("', 'off', 'name: x\n', 'comment', 'targets', 'types', 'APPROVALS', '\u00e9', '\ud83d\ude00', '\r\n',
      ),
      fc.string({ maxLength: 5 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

const anyText = fc.oneof(fc.string({ maxLength: 200 }), hjsonish);

/** Runs `fn`; a failure must be a PolicyError whose every leaf carries a line and a column. */
function locatedOrOk(fn: () => unknown, allowUnlocated: (e: PolicyError) => boolean = () => false): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    for (const leaf of PolicyErrors.flatten(e)) {
      if (allowUnlocated(leaf)) continue;
      assert.equal(typeof leaf.location.line, 'number', `no line: ${leaf.message}`);
      assert.equal(typeof leaf.location.column, 'number', `no column: ${leaf.message}`);
    }
  }
}

test('parseHjson: any text gives a tree or a located PolicyError', () => {
  fc.assert(fc.property(anyText, (text) => locatedOrOk(() => parseHjson(text, 'f'))), { numRuns: 1500 });
});

test('parseConfig: any text gives a config or a located PolicyError', () => {
  fc.assert(fc.property(anyText, (text) => locatedOrOk(() => parseConfig(text))), { numRuns: 1500 });
});

test('parseDeployments: any text gives deployments or a PolicyError (located unless the map is empty)', () => {
  fc.assert(
    fc.property(anyText, (text) => locatedOrOk(() => parseDeployments(text), (e) => e.message === 'No content in deployment map')),
    { numRuns: 1000 },
  );
});

// ---- valid configurations ---------------------------------------------------------------------------

const word = fc.constantFrom('a', 'b', 'dev', 'Ops', 'x-y', 'release');
const leaf = fc.oneof(
  fc.constantFrom('all', 'universe', 'us', 'them', 'true', 'false'),
  fc.tuple(word, fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([w, n, s]) => `${w}[count=${n},self=${s}]`),
  fc.array(word, { maxLength: 3 }).map((ws) => `{${ws.join(',')}}`),
);
const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('e'), fc.constantFrom('and', 'or'), tie('e')).map(([l, op, r]) => `(${l}) ${op} (${r})`),
    tie('e').map((x) => `not (${x})`),
    fc.tuple(fc.integer({ min: 1, max: 2 }), fc.array(tie('e'), { maxLength: 3 })).map(([n, xs]) => `atleast(${[n, ...xs].join(', ')})`),
    tie('e').map((x) => `author(${x})`),
  ),
})).e;

const regex = fc.constantFrom('^a', '(?i)ok', 'x|y', '^release/.*$', '\\d+');
const glob = fc.constantFrom('*.md', 'docs/**', ' /a/ ', '**/x', 'a?[b]');
const template = fc.constantFrom('{{.Version}}', 'v{{.Version}}', '{{ .Version }}-rc');

const merge = fc.record({ enable: fc.boolean(), uptodate: fc.boolean(), method: fc.constantFrom('merge', 'squash', 'rebase'), delete: fc.boolean() }, { requiredKeys: [] });
const tag = fc.record(
  {
    enable: fc.boolean(),
    algorithm: fc.constantFrom('semver', 'explicit', 'timestamp-millis'),
    template,
    increment: fc.constantFrom('major', 'minor', 'patch', 'none'),
    docker: fc.boolean(),
  },
  { requiredKeys: [] },
);
const feedback = fc.record({ types: fc.subarray(['comment', 'review']), authoraffirm: fc.boolean() }, { requiredKeys: [] });

const scope = fc.oneof(
  fc.record({ branches: fc.array(word, { minLength: 1, maxLength: 2 }), paths: fc.array(glob, { minLength: 1, maxLength: 2 }) }, { requiredKeys: [] }),
  fc.record({ regexbase: fc.array(regex, { minLength: 1 }), regexpaths: fc.array(regex, { minLength: 1 }), regexcompare: fc.array(regex, { minLength: 1 }) }, { requiredKeys: [] }),
);

const policy = fc.record(
  {
    scope,
    match: expr,
    antimatch: expr,
    authormatch: expr,
    pattern: regex,
    antipattern: regex,
    antititle: regex,
    merge,
    tag,
    feedback,
  },
  { requiredKeys: [] },
);

const configValue = fc
  .record(
    {
      policies: fc.array(policy, { minLength: 1, maxLength: 4 }),
      names: fc.boolean(),
      pattern: regex,
      antipattern: regex,
      commit: fc.record({ range: fc.constantFrom('head', 'all'), antirange: fc.constantFrom('head', 'all'), tagrange: fc.constantFrom('head', 'all') }, { requiredKeys: [] }),
      maintainers: fc.record({ path: fc.constantFrom('MAINTAINERS', 'team.hjson'), type: fc.constantFrom('text', 'hjson', 'toml', 'legacy') }, { requiredKeys: [] }),
      merge,
      tag,
      feedback,
      comment: fc.record({
        enable: fc.boolean(),
        targets: fc.option(fc.array(fc.record({ target: fc.constantFrom('github', 'slack', 'chat.example.com'), pattern: fc.option(regex), types: fc.option(fc.subarray(['open', 'merge', 'tag'])), names: fc.option(fc.array(word)) }))),
      }, { requiredKeys: [] }),
      deploy: fc.record({ enable: fc.boolean(), path: fc.constantFrom('DEPLOYMENTS', 'deploy.hjson') }, { requiredKeys: [] }),
      audit: fc.record({ enable: fc.boolean(), branches: fc.array(word, { maxLength: 3 }) }, { requiredKeys: [] }),
    },
    { requiredKeys: ['policies'] },
  )
  .map(({ policies, names, ...rest }) => {
    const approvals = policies.map((p, i) => ({ ...(names ? { name: `p${i}` } : {}), ...p }));
    // Validation: the last scope must be empty.
    delete approvals[approvals.length - 1].scope;
    // `commit.ignoreuimerge: false` is not serialised (spec §2.6), so it is left at its default here.
    return { approvals, ...rest };
  });

test('render → re-parse → render is stable for valid configurations', () => {
  fc.assert(
    fc.property(configValue, (value) => {
      const first = renderConfig(parseConfig(JSON.stringify(value, null, 2)).config);
      const second = renderConfig(parseConfig(JSON.stringify(first)).config);
      assert.deepEqual(second, first);
    }),
    { numRuns: 200 },
  );
});
