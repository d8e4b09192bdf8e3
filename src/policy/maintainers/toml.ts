/**
 * The `toml` MAINTAINERS format (spec §4.4): `[people.<key>]` tables with optional string `login`
 * (default: the key), `name`, `email`; `[org.<name>]` tables with `people = [strings]`. The original's
 * messages, checks in its order (people, org, then whether people was present), then the hjson validations.
 * smol-toml reports no positions for keys, so errors about a key are located at the first line that
 * mentions it (a table header or an assignment), else at 1:1.
 */
import { parse, TomlDate, TomlError } from 'smol-toml';
import { PolicyError, type SourceLocation } from '../errors.js';
import type { Person } from '../types.js';
import { emptyRaw } from './text.js';
import type { RawMaintainers } from './types.js';
import { makeGroup, validateStructuredRaw } from './validate-raw.js';

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof TomlDate);
}

/**
 * Where a key is mentioned: `[section.key]` (quotes allowed), else a `key = …` / `key.… =` line, else 1:1.
 * One pass over the text builds the index, so locating stays linear on large files.
 */
function locator(text: string, file: string): (section: string, key?: string) => SourceLocation {
  const headers = new Map<string, SourceLocation>();
  const assignments = new Map<string, SourceLocation>();
  text.split('\n').forEach((line, index) => {
    const column = line.search(/\S|$/) + 1;
    const t = line.trim();
    const loc = { file, line: index + 1, column };
    if (t.startsWith('[')) {
      const end = t.indexOf(']');
      const header = t.slice(1, end < 0 ? t.length : end).replace(/["' \t]/g, '');
      if (!headers.has(header)) headers.set(header, loc);
      return;
    }
    const eq = t.search(/[=.]/);
    const key = (eq < 0 ? '' : t.slice(0, eq)).replace(/["' \t]/g, '');
    if (key !== '' && !assignments.has(key)) assignments.set(key, loc);
  });
  return (section, key) =>
    (key === undefined ? headers.get(section) : (headers.get(`${section}.${key}`) ?? assignments.get(key))) ?? {
      file,
      line: 1,
      column: 1,
    };
}

/** Go's `%v` of a decoded TOML value, for messages. */
function show(v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof TomlDate) return v.toISOString();
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? String(x) : x)) ?? String(v);
  } catch {
    return String(v);
  }
}

function extractString(person: Table, field: string, dflt: string, loc: SourceLocation): string {
  if (!Object.hasOwn(person, field)) return dflt;
  const v = person[field];
  if (typeof v !== 'string') throw new PolicyError(`Invalid toml format. Invalid field ${field}`, loc);
  return v;
}

export function parseMaintainersToml(text: string, file: string): RawMaintainers {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      throw new PolicyError(e.message.split('\n')[0], { file, line: e.line, column: e.column });
    }
    // smol-toml only throws TomlError; a stack overflow on absurd nesting is reported as a syntax error.
    if (e instanceof RangeError) throw new PolicyError('Invalid TOML document: too deeply nested', { file, line: 1, column: 1 });
    throw e;
  }
  const where = locator(text, file);
  const raw = emptyRaw(file);
  const hasPeople = Object.hasOwn(doc, 'people');
  if (hasPeople) {
    const people = doc.people;
    if (!isTable(people)) throw new PolicyError('Invalid Toml format. People section is invalid.', where('people'));
    for (const key of Object.keys(people)) {
      const value = people[key];
      const loc = where('people', key);
      if (!isTable(value)) throw new PolicyError(`Invalid toml format. Person ${key} is invalid.`, loc);
      const person: Person = {
        login: extractString(value, 'login', key, loc),
        name: extractString(value, 'name', '', loc),
        email: extractString(value, 'email', '', loc),
      };
      raw.people.set(key, person);
      raw.peopleLocations.set(key, loc);
    }
  }
  if (Object.hasOwn(doc, 'org')) {
    const org = doc.org;
    if (!isTable(org)) throw new PolicyError('Invalid Toml format. Org section is invalid.', where('org'));
    for (const name of Object.keys(org)) {
      const value = org[name];
      const loc = where('org', name);
      if (!isTable(value)) throw new PolicyError(`Invalid toml format. Org ${name} is invalid.`, loc);
      const members = value.people;
      if (!Object.hasOwn(value, 'people') || !Array.isArray(members)) {
        throw new PolicyError(`Invalid toml format. Org ${name} people isn't a slice of strings`, loc);
      }
      const entries = members.map((m: unknown) => {
        if (typeof m !== 'string') throw new PolicyError(`Invalid toml format. Org ${name} people had invalid person ${show(m)}`, loc);
        return { value: m, location: loc };
      });
      raw.orgs.set(name, makeGroup(loc, entries));
    }
  }
  if (!hasPeople) throw new PolicyError('Invalid Toml format. Missing people section.', { file, line: 1, column: 1 });
  return validateStructuredRaw(raw);
}
