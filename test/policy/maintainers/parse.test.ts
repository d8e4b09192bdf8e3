import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError, PolicyErrors } from '../../../src/policy/errors.js';
import {
  maintainersParsePrefix,
  parseMaintainers,
  type RawMaintainers,
  type RepoContext,
} from '../../../src/policy/maintainers/index.js';
import { runKind } from './vector-helpers.js';

const ORG_REPO: RepoContext = { owner: 'Acme', name: 'widget', isOrg: true, enablingUser: 'jdoe' };
const USER_REPO: RepoContext = { owner: 'bob', name: 'tool', isOrg: false, enablingUser: 'jdoe' };

function parse(text: string, format = 'text', repo = ORG_REPO): RawMaintainers {
  return parseMaintainers(text, format, { file: 'MAINTAINERS', repo });
}

function failure(f: () => unknown): PolicyError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e;
  }
  assert.fail('expected a PolicyError');
}

function people(raw: RawMaintainers): Record<string, unknown> {
  return Object.fromEntries([...raw.people].map(([k, p]) => [k, { ...p }]));
}

function orgs(raw: RawMaintainers): Record<string, string[]> {
  return Object.fromEntries([...raw.orgs].map(([k, g]) => [k, g.members]));
}

test('text: person line forms, comments, CRLF', () => {
  const raw = parse(
    [
      '# comment',
      '',
      'alice',
      'Bob Builder <bob@x.io> (@Bob) # trailing comment',
      'carol <carol@x.io>\r',
      'Dan Smith <d@x.io>',
      'bob#x',
      '  eve  ',
      'github-org',
    ].join('\n'),
  );
  assert.deepEqual(people(raw), {
    alice: { name: '', email: '', login: 'alice' },
    Bob: { name: 'Bob Builder', email: 'bob@x.io', login: 'Bob' },
    carol: { name: '', email: 'carol@x.io', login: 'carol' },
    'Dan Smith': { name: '', email: 'd@x.io', login: 'Dan Smith' },
    'bob#x': { name: '', email: '', login: 'bob#x' },
    eve: { name: '', email: '', login: 'eve' },
    'github-org': { name: '', email: '', login: 'github-org' },
  });
  assert.deepEqual(raw.peopleLocations.get('carol'), { file: 'MAINTAINERS', line: 5, column: 1 });
});

test('text: duplicate logins, last wins', () => {
  const raw = parse('alice\nAlice Z <a@z> (@alice)');
  assert.deepEqual(people(raw), { alice: { name: 'Alice Z', email: 'a@z', login: 'alice' } });
});

test('text: directives become lower-cased groups holding the line', () => {
  const raw = parse(
    'github-org Illuminati\ngithub-team a-team Org1\ngithub-team b-team\ngithub-collab repo-self\ngithub-collab x/Y\ngithub-org repo-self',
  );
  assert.deepEqual(orgs(raw), {
    illuminati: ['github-org Illuminati'],
    'org1-a-team': ['github-team a-team Org1'],
    'b-team': ['github-team b-team'],
    'acme/widget-collaborators': ['github-collab repo-self'],
    'x/y-collaborators': ['github-collab x/Y'],
    acme: ['github-org repo-self'],
  });
  assert.deepEqual(raw.orgs.get('b-team')?.location, { file: 'MAINTAINERS', line: 3, column: 1 });
});

test('text: github-team repo-self adds the hidden group and a listing', () => {
  const raw = parse('github-team repo-self\ngithub-team repo-self Other');
  assert.deepEqual(orgs(raw), { _: ['github-org repo-self'], _other: ['github-org Other'] });
  assert.deepEqual(
    raw.teamListings.map((l) => [l.org, l.location.line]),
    [
      ['', 1],
      ['Other', 2],
    ],
  );
});

test('text: errors with exact messages and line numbers', () => {
  let e = failure(() => parse('alice\n   \nbob'));
  assert.equal(e.message, 'Unable to parse line:    ');
  assert.deepEqual(e.location, { file: 'MAINTAINERS', line: 2, column: 1 });
  e = failure(() => parse('alice\n  github-org x'));
  assert.equal(e.message, 'Unable to parse line:   github-org x');
  assert.equal(e.location.line, 2);
  e = failure(() => parse('github-org a\ngithub-org A'));
  assert.equal(e.message, 'Duplicate organization detected a');
  assert.equal(e.location.line, 2);
  e = failure(() => parse('x\ngithub-team repo-self', 'text', USER_REPO));
  assert.equal(e.message, 'Cannot expand GitHub teams for user repository bob/tool');
  assert.equal(e.location.line, 2);
  assert.doesNotThrow(() => parse('github-team repo-self acme', 'text', USER_REPO));
});

test('hjson: people, groups, case-insensitive keys, login filled from key', () => {
  const raw = parse(
    `{
  PEOPLE: {
    Foo: { name: "Mr. Foo", Login: "Foo" }
    bar: {}
    baz: null
  }
  org: {
    G1: { people: ["github-org a", "Foo", "Foo"] }
    empty: {}
  }
}`,
    'hjson',
  );
  assert.deepEqual(people(raw), {
    Foo: { name: 'Mr. Foo', email: '', login: 'Foo' },
    bar: { name: '', email: '', login: 'bar' },
    baz: { name: '', email: '', login: 'baz' },
  });
  assert.deepEqual(orgs(raw), { G1: ['github-org a', 'Foo'], empty: [] });
  assert.deepEqual(raw.orgs.get('G1')?.memberLocations[1], { file: 'MAINTAINERS', line: 8, column: 36 });
});

test('hjson: errors', () => {
  let e = failure(() => parse('{ org: {} }', 'hjson'));
  assert.equal(e.message, 'Invalid HJSON format. Missing people section.');
  assert.equal(e.location.file, 'MAINTAINERS');
  assert.equal(failure(() => parse('', 'hjson')).message, 'Invalid HJSON format. Missing people section.');
  assert.equal(failure(() => parse('people: null', 'hjson')).message, 'Invalid HJSON format. Missing people section.');

  e = failure(() => parse('people: {\n  a: { login: "b" }\n  c: { login: "c" }\n}\norg: { all: {}, All: {}, them: {} }', 'hjson'));
  assert.ok(e instanceof PolicyErrors);
  assert.deepEqual(
    e.errors.map((x) => [x.message, x.location.line]),
    [
      ['Mismatched key a and login field b', 2],
      ['The organization name all is a reserved name', 5],
      ['The organization name them is a reserved name', 5],
    ],
  );
  assert.match(e.message, /^3 error\(s\) occurred:\n\n\* Mismatched key a and login field b\n/);

  e = failure(() => parse('people: { a: { name: 5 } }', 'hjson'));
  assert.equal(e.message, 'json: cannot unmarshal number into Go struct field Person.people.name of type string');
  assert.deepEqual(e.location, { file: 'MAINTAINERS', line: 1, column: 22 });
  e = failure(() => parse('people: {}\norg: { g: { people: [1] } }', 'hjson'));
  assert.match(e.message, /^json: cannot unmarshal number into Go struct field/);
  assert.equal(e.location.line, 2);
  assert.match(failure(() => parse('[1]', 'hjson')).message, /^json: cannot unmarshal array/);
  assert.match(failure(() => parse('people: []', 'hjson')).message, /^json: cannot unmarshal array/);
  e = failure(() => parse('people: {\n  a: [', 'hjson'));
  assert.equal(e.location.file, 'MAINTAINERS');
  assert.ok(e.location.line !== undefined && e.location.column !== undefined);
});

test('hjson: hostile keys are ordinary names', () => {
  const raw = parse('people: { __proto__: {}, constructor: {} }\norg: { __proto__: { people: ["x"] } }', 'hjson');
  assert.deepEqual([...raw.people.keys()], ['__proto__', 'constructor']);
  assert.deepEqual(raw.orgs.get('__proto__')?.members, ['x']);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});

test('toml: tables, defaults, errors', () => {
  const raw = parse('[people.a]\nname = "A"\n[people.b]\nlogin = "b"\n[org.g]\npeople = ["a", "github-org x"]\n', 'toml');
  assert.deepEqual(people(raw), { a: { name: 'A', email: '', login: 'a' }, b: { name: '', email: '', login: 'b' } });
  assert.deepEqual(orgs(raw), { g: ['a', 'github-org x'] });

  const cases: Array<[string, string, number]> = [
    ['[org.g]\npeople = []', 'Invalid Toml format. Missing people section.', 1],
    ['people = 1', 'Invalid Toml format. People section is invalid.', 1],
    ['[people]\nx = 1', 'Invalid toml format. Person x is invalid.', 2],
    ['[people.a]\nemail = 1', 'Invalid toml format. Invalid field email', 1],
    ['[people]\norg = 2', 'Invalid toml format. Person org is invalid.', 2],
    ['[people]\n\norg = 2\n', 'Invalid toml format. Person org is invalid.', 3],
    ['[people]\n[org]\n[org.g]\nx = 1', "Invalid toml format. Org g people isn't a slice of strings", 3],
    ['[people]\n[org.g]\npeople = ["a", 2]', 'Invalid toml format. Org g people had invalid person 2', 2],
    ['[people]\n[org.g]\npeople = [true]', 'Invalid toml format. Org g people had invalid person true', 2],
    ['[people]\norg = "x"', 'Invalid toml format. Person org is invalid.', 2],
    ['[people.a]\nlogin = "b"', 'Mismatched key a and login field b', 1],
    ['[people]\n[org.us]\npeople = []', 'The organization name us is a reserved name', 2],
  ];
  for (const [text, msg, line] of cases) {
    const e = failure(() => parse(text, 'toml'));
    assert.equal(e.message, msg, text);
    assert.deepEqual([e.location.file, e.location.line], ['MAINTAINERS', line], text);
  }
  const org = failure(() => parse('org = 1\n[people]', 'toml'));
  assert.equal(org.message, 'Invalid Toml format. Org section is invalid.');
  const syntax = failure(() => parse('[people\nx', 'toml'));
  assert.equal(syntax.location.line, 1);
  assert.ok(syntax.location.column !== undefined);
});

test('legacy: TOML first, text on any TOML failure', () => {
  assert.deepEqual(orgs(parse('[people]\n[org.g]\npeople = ["a"]', 'legacy')), { g: ['a'] });
  assert.deepEqual(people(parse('alice\nbob', 'legacy')), {
    alice: { name: '', email: '', login: 'alice' },
    bob: { name: '', email: '', login: 'bob' },
  });
  // Valid TOML that is not a MAINTAINERS table falls back to text too, which then fails on its own terms.
  assert.equal(failure(() => parse('a = 1', 'legacy')).message, 'Unable to parse line: a = 1');
});

test('unknown format and prefix', () => {
  assert.match(failure(() => parse('x', 'yaml')).message, /^yaml is not one of the permitted MAINTAINER types \[hjson legacy text toml\]$/);
  assert.equal(maintainersParsePrefix('hjson'), 'Parsing maintainers file with hjson format. ');
});

test('conformance vectors of kind maintainers-parse all pass', async () => {
  const r = await runKind('maintainers-parse');
  assert.equal(r.failed, 0, r.report);
  assert.equal(r.skipped, 0, r.report);
  assert.ok(r.passed > 0);
});
