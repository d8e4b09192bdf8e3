import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyErrors } from '../../../src/policy/errors.js';
import { ast, e, parseFails } from './helpers.js';

test('keyword nouns, constants and entities', () => {
  for (const t of ['all', 'universe', 'us', 'them'] as const) assert.deepEqual(ast(t), { type: t, count: 1, self: true });
  for (const t of ['true', 'false', 'off', 'issue-author'] as const) assert.deepEqual(ast(t), { type: t });
  // Keywords are case-sensitive; entities are lower-cased.
  assert.deepEqual(ast('ALL'), e('all'));
  assert.deepEqual(ast('True'), e('true'));
  assert.deepEqual(ast('Security-Team'), e('security-team'));
  assert.deepEqual(ast('atleast'), e('atleast'));
});

test('issue-author ignores its attributes', () => {
  assert.deepEqual(ast('issue-author[count=5,whatever=x]'), { type: 'issue-author' });
});

test('anonymous groups are lower-cased, de-duplicated and sorted', () => {
  assert.deepEqual(ast('{Foo,bar,baz,foo}'), { type: 'anonymous', members: ['bar', 'baz', 'foo'], count: 1, self: true });
  assert.deepEqual(ast('{}'), { type: 'anonymous', members: [], count: 1, self: true });
});

test('count is parsed like Go strconv.Atoi', () => {
  assert.equal((ast('a[count=+2]') as { count: number }).count, 2);
  assert.equal((ast('a[count=-1]') as { count: number }).count, -1);
  assert.equal((ast('a[count=0]') as { count: number }).count, 0);
  assert.equal((ast('a[count=007]') as { count: number }).count, 7);
  parseFails('a[count=x]', 'Expected number, found x for count attribute on &{Approvals:1 Self:true}', 9);
  parseFails('a[count=1.5]', 'Expected number, found 1.5 for count attribute on', 9);
  parseFails('a[count=0x10]', 'Expected number, found 0x10', 9);
  parseFails('a[count=99999999999999999999]', 'Expected number, found 99999999999999999999', 9);
  parseFails('all[count=]', "invalid ']' at position 11");
});

test('self is parsed like Go strconv.ParseBool', () => {
  for (const v of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal((ast(`a[self=${v}]`) as { self: boolean }).self, true);
  for (const v of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal((ast(`a[self=${v}]`) as { self: boolean }).self, false);
  parseFails('a[self=yes]', 'Expected true or false, found yes for self attribute on &{', 8);
  parseFails('us[self=tRUE]', 'Expected true or false, found tRUE for self attribute on &{');
});

test('unknown attributes and attributes on constants', () => {
  parseFails('a[color=red]', 'Unexpected attributes found on &{', 3);
  parseFails('{a}[count=1,color=red]', 'Unexpected attributes found on &{', 13);
  parseFails('true[count=1]', 'Attributes are not allowed for true', 5);
  parseFails('false[self=false]', 'Attributes are not allowed for false');
  parseFails('x and off[count=2]', 'Attributes are not allowed for off', 10);
});

test('atleast', () => {
  assert.deepEqual(ast('atleast(2, a, b or c)'), {
    type: 'atleast',
    count: 2,
    children: [e('a'), { type: 'or', children: [e('b'), e('c')] }],
  });
  assert.deepEqual(ast('atleast(1)'), { type: 'atleast', count: 1, children: [] });
  assert.deepEqual(ast('atleast(+3[x=y], a)'), { type: 'atleast', count: 3, children: [e('a')] });
  parseFails('atleast(two, a)', 'atleast() function first argument expected number, observed two map[]', 9);
  parseFails('atleast(two[self=false,count=2], a)', 'observed two map[count:2 self:false]');
  parseFails('atleast((1), a)', 'atleast() function first argument expected number', 9);
  parseFails('atleast(a and b, c)', 'atleast() function first argument expected number');
});

test('atleast reports the errors of all its choices together', () => {
  const err = parseFails('atleast(1, true[x=1], f(a), b)', '2 error(s) occurred');
  assert.ok(err instanceof PolicyErrors);
  assert.deepEqual(
    err.errors.map((x) => [x.message, x.location.column]),
    [
      ['Attributes are not allowed for true', 16],
      ["Unknown function 'f'", 23],
    ],
  );
});

test('author', () => {
  assert.deepEqual(ast('author(a or b)'), { type: 'author', child: { type: 'or', children: [e('a'), e('b')] } });
  parseFails('author(a, b)', 'author() function must have one argument', 1);
});

test('unknown functions', () => {
  parseFails('all(a)', "Unknown function 'all'", 1);
  parseFails('x and Atleast(1, a)', "Unknown function 'Atleast'", 7);
  parseFails('a(x[self=false],y(3),(z and b(2,3)),1)', "Unknown function 'a'", 1);
});
