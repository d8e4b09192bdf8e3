import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from '../../src/cli/args.js';

const spec = { config: { type: 'string' as const }, json: { type: 'boolean' as const }, kind: { type: 'string' as const, multiple: true } };

test('values, =values, flags, repeatable options, positionals and --', () => {
  const r = parseArgs(['a', '--config', 'c', '--json', '--kind=x', '--kind', 'y', '-', '--', '--not-an-option'], spec);
  assert.deepEqual({ ...r.options }, { config: 'c', json: true, kind: ['x', 'y'] });
  assert.deepEqual(r.positionals, ['a', '-', '--not-an-option']);
  assert.equal(parseArgs(['--config='], spec).options.config, '');
});

test('mistakes are usage errors', () => {
  for (const args of [['--bogus'], ['--config'], ['--json=yes'], ['--config', 'a', '--config', 'b'], ['--__proto__'], ['--constructor', 'x'], ['--toString']]) {
    assert.throws(() => parseArgs(args, spec), UsageError, args.join(' '));
  }
});
