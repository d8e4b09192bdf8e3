/**
 * The `hjson` MAINTAINERS format (spec §4.3):
 * `{ people: { <login>: { name, email, login } }, org: { <group>: { people: [ … ] } } }`.
 * Decoded like the original (HJSON → Go encoding/json into a struct): keys match fields case-insensitively,
 * unknown keys are ignored, a later duplicate key wins, wrong types are Go decoder errors. Every error is
 * located at the offending node (file, line, column).
 */
import { parseHjson, type HEntry, type HNode } from '../config/hjson-parse.js';
import { PolicyError, type SourceLocation } from '../errors.js';
import type { Person } from '../types.js';
import { emptyRaw } from './text.js';
import type { RawMaintainers } from './types.js';
import { makeGroup, validateStructuredRaw } from './validate-raw.js';

function at(file: string, node: { pos: { line: number; column: number } }): SourceLocation {
  return { file, line: node.pos.line, column: node.pos.column };
}

function keyAt(file: string, entry: HEntry): SourceLocation {
  return { file, line: entry.keyPos.line, column: entry.keyPos.column };
}

/** Go's JSON type names in "cannot unmarshal X" messages. */
function jsonKind(node: HNode): string {
  return node.kind === 'bool' ? 'bool' : node.kind;
}

function typeError(file: string, node: HNode, field: string, goType: string): PolicyError {
  return new PolicyError(`json: cannot unmarshal ${jsonKind(node)} into Go struct field ${field} of type ${goType}`, at(file, node));
}

/** The last entry whose key matches `field` case-insensitively (Go's decoder keeps the last one). */
function fieldOf(node: Extract<HNode, { kind: 'object' }>, field: string): HEntry | undefined {
  let found: HEntry | undefined;
  for (const e of node.entries) if (e.key.toLowerCase() === field) found = e;
  return found;
}

function stringField(file: string, obj: Extract<HNode, { kind: 'object' }>, field: string): string {
  const entry = fieldOf(obj, field);
  if (entry === undefined || entry.value.kind === 'null') return '';
  if (entry.value.kind !== 'string') throw typeError(file, entry.value, `Person.people.${field}`, 'string');
  return entry.value.value;
}

function decodePerson(file: string, node: HNode): Person {
  // A null person is an empty record (the original crashed on it).
  if (node.kind === 'null') return { name: '', email: '', login: '' };
  if (node.kind !== 'object') throw typeError(file, node, 'Maintainer.people', 'model.Person');
  return { name: stringField(file, node, 'name'), email: stringField(file, node, 'email'), login: stringField(file, node, 'login') };
}

function decodeGroupMembers(file: string, node: HNode): Array<{ value: string; location: SourceLocation }> {
  if (node.kind === 'null') return [];
  if (node.kind !== 'object') throw typeError(file, node, 'Maintainer.org', 'model.OrgSerde');
  const people = fieldOf(node, 'people');
  if (people === undefined || people.value.kind === 'null') return [];
  if (people.value.kind !== 'array') throw typeError(file, people.value, 'OrgSerde.org.people', '[]string');
  return people.value.items.map((item) => {
    if (item.kind !== 'string') throw typeError(file, item, 'OrgSerde.org.people', 'string');
    return { value: item.value, location: at(file, item) };
  });
}

export function parseMaintainersHjson(text: string, file: string): RawMaintainers {
  const doc = parseHjson(text, file);
  const root = doc.root;
  const raw = emptyRaw(file);
  const rootLoc = at(file, root);
  if (root.kind === 'null') throw new PolicyError('Invalid HJSON format. Missing people section.', rootLoc);
  if (root.kind !== 'object') {
    throw new PolicyError(`json: cannot unmarshal ${jsonKind(root)} into Go value of type model.Maintainer`, rootLoc);
  }
  const people = fieldOf(root, 'people');
  const org = fieldOf(root, 'org');
  // Decode errors come before the "missing people" check, as in the original.
  if (people !== undefined && people.value.kind !== 'null') {
    if (people.value.kind !== 'object') {
      throw typeError(file, people.value, 'Maintainer.people', 'map[string]*model.Person');
    }
    for (const entry of people.value.entries) {
      raw.people.delete(entry.key);
      raw.people.set(entry.key, decodePerson(file, entry.value));
      raw.peopleLocations.set(entry.key, keyAt(file, entry));
    }
  }
  if (org !== undefined && org.value.kind !== 'null') {
    if (org.value.kind !== 'object') throw typeError(file, org.value, 'Maintainer.org', 'map[string]*model.OrgSerde');
    for (const entry of org.value.entries) {
      raw.orgs.delete(entry.key);
      raw.orgs.set(entry.key, makeGroup(keyAt(file, entry), decodeGroupMembers(file, entry.value)));
    }
  }
  if (people === undefined || people.value.kind === 'null') {
    throw new PolicyError('Invalid HJSON format. Missing people section.', people ? keyAt(file, people) : rootLoc);
  }
  return validateStructuredRaw(raw);
}
