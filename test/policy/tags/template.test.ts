import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { PolicyError } from '../../../src/policy/errors.js';
import { checkTagName, compileTagTemplate } from '../../../src/policy/tags/template.js';
import { runKind } from '../maintainers/vector-helpers.js';

const REF_TAIL =
  '. Illegal characters are\n\t\t\tASCII control character, space, tilde, caret, colon,\n' +
  '\t\t\tquestion-mark, asterisk, closing bracket,\n\t\t\tand backslash';

function message(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof PolicyError, `not a PolicyError: ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a PolicyError');
}

test('renders .Version with literal text, spaces and trim markers', () => {
  assert.equal(compileTagTemplate('{{.Version}}', false).render('0.5.0'), '0.5.0');
  assert.equal(compileTagTemplate('v{{ .Version }}', false).render('1.2.3'), 'v1.2.3');
  assert.equal(compileTagTemplate('rel- {{- .Version -}} -x', false).render('2.0.0'), 'rel-2.0.0-x');
  assert.equal(compileTagTemplate('{{/* note */}}{{.Version}}', false).render('1.0.1'), '1.0.1');
  assert.equal(compileTagTemplate('a {{- /* c */ -}} b{{.Version}}', false).render('1'), 'ab1');
  const t = compileTagTemplate('{{.Version}}', true);
  assert.equal(t.source, '{{.Version}}');
  assert.equal(t.docker, true);
});

test('functions and pipelines of the subset', () => {
  assert.equal(compileTagTemplate('{{printf "v%s" .Version}}', false).render('1.2.3'), 'v1.2.3');
  assert.equal(compileTagTemplate('{{.Version | printf "r%s"}}', false).render('1.2.3'), 'r1.2.3');
  assert.equal(compileTagTemplate('{{print "a" .Version}}', false).render('1'), 'a1');
  assert.equal(compileTagTemplate('{{(print "x" .Version)}}', false).render('1'), 'x1');
  assert.equal(compileTagTemplate('{{len .Version}}', false).render('1.2.3'), '5');
  assert.equal(compileTagTemplate('{{`raw`}}-{{.Version}}', false).render('1'), 'raw-1');
  assert.equal(compileTagTemplate('{{.Version | urlquery}}', false).render('a/b'), 'a%2Fb');
});

test('parse errors use Go wording', () => {
  assert.equal(message(() => compileTagTemplate('{{.Version', false)), 'template: tag:1: unclosed action');
  assert.equal(message(() => compileTagTemplate('a\n{{', false)), 'template: tag:2: unclosed action');
  assert.equal(message(() => compileTagTemplate('{{}}', false)), 'template: tag:1: missing value for command');
  assert.equal(message(() => compileTagTemplate('{{foo}}', false)), 'template: tag:1: function "foo" not defined');
  assert.equal(message(() => compileTagTemplate('{{/* x', false)), 'template: tag:1: unclosed comment');
  assert.equal(message(() => compileTagTemplate('{{/* x */ .Version}}', false)), 'template: tag:1: comment ends before closing delimiter');
  assert.equal(message(() => compileTagTemplate('{{"abc}}', false)), 'template: tag:1: unterminated quoted string');
  assert.match(message(() => compileTagTemplate('{{if .Version}}x{{end}}', false)), /^template: tag:1: "if" is not supported/);
  assert.match(message(() => compileTagTemplate('{{$x := 1}}', false)), /^template: tag:1: variables are not supported/);
});

test('execution errors name the node and position', () => {
  assert.equal(
    message(() => compileTagTemplate('{{.Foo}}', false)),
    'template: tag:1:2: executing "tag" at <.Foo>: can\'t evaluate field Foo in type model.TemplateTag',
  );
  assert.equal(
    message(() => compileTagTemplate('x\nab{{.Version.Major}}', false)),
    'template: tag:2:4: executing "tag" at <.Version.Major>: can\'t evaluate field Major in type string',
  );
  assert.match(message(() => compileTagTemplate('{{.Version "x"}}', false)), /can't give argument to non-function \.Version/);
});

test('docker check comes first and names the template', () => {
  assert.equal(
    message(() => compileTagTemplate('hello+world', true)),
    'Illegal template tag hello+world with Docker validation enabled:\n\t\t\tonly [A-Za-z0-9_.-] characters are allowed',
  );
  assert.equal(
    message(() => compileTagTemplate('hello world', true)),
    'Illegal template tag hello world with Docker validation enabled:\n\t\t\tonly [A-Za-z0-9_.-] characters are allowed',
  );
  assert.doesNotThrow(() => compileTagTemplate('hello+world', false));
});

test('ref-format check rejects control chars, space ~ ^ : ? * \\ and ], names the character', () => {
  assert.equal(message(() => compileTagTemplate('hello world', false)), `Illegal template tag hello world:\n\t\t\tcannot have the illegal character  ${REF_TAIL}`);
  for (const ch of ['~', '^', ':', '?', '*', '\\', ']', '\x01', '\x7f']) {
    assert.equal(message(() => compileTagTemplate(`v${ch}{{.Version}}`, false)), `Illegal template tag v${ch}{{.Version}}:\n\t\t\tcannot have the illegal character ${ch}${REF_TAIL}`);
  }
  // `[`, `..`, `@{` and `.lock` are not checked (spec §2.5).
  for (const ok of ['v[{{.Version}}', 'a..b', 'x@{y', 'a.lock']) assert.doesNotThrow(() => compileTagTemplate(ok, false), ok);
  // The message names `]`, not the open bracket of the original.
  assert.doesNotMatch(message(() => compileTagTemplate('x]', false)), /open bracket/);
});

test('checkTagName can check a real rendering', () => {
  assert.doesNotThrow(() => checkTagName('v1.2.3', 'v{{.Version}}', true));
  assert.throws(() => checkTagName('v1:2', 'v{{.Version}}', false), PolicyError);
});

test('render with other versions does not re-check', () => {
  const t = compileTagTemplate('v{{.Version}}', false);
  assert.equal(t.render('1 2'), 'v1 2');
});

test('property: any template compiles or fails with a PolicyError', () => {
  const pieces = fc.constantFrom('{{', '}}', '{{-', '-}}', ' ', '.Version', '.', '"', '`', '|', '(', ')', 'printf', 'print', '/*', '*/', 'x', '-', '1', '$', '\n', 'if', '%s', 'len');
  const templates = fc.oneof(fc.array(pieces, { maxLength: 12 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 30 }));
  fc.assert(
    fc.property(templates, fc.boolean(), fc.string({ maxLength: 10 }), (tpl, docker, version) => {
      try {
        compileTagTemplate(tpl, docker).render(version);
      } catch (e) {
        assert.ok(e instanceof PolicyError, `${String(e)} for ${JSON.stringify(tpl)}`);
      }
    }),
    { numRuns: 1500 },
  );
});

test('long hostile templates are handled quickly', () => {
  assert.equal(compileTagTemplate(`{{.Version}}${'x'.repeat(50_000)}`, false).render('1').length, 50_001);
  assert.throws(() => compileTagTemplate(`a${' '.repeat(60_000)}x{{- .Version}}`, false), PolicyError);
  assert.throws(() => compileTagTemplate('x'.repeat(70_000), false), PolicyError);
});

test('conformance vectors of kind tag-template all pass', async () => {
  const r = await runKind('tag-template');
  assert.equal(r.failed, 0, r.report);
  assert.equal(r.skipped, 0, r.report);
  assert.ok(r.passed > 0);
});

test('unknown characters in actions use Go %#U wording; comments must follow the delimiter', () => {
  assert.equal(message(() => compileTagTemplate('{{ /* x */}}v', false)), "template: tag:1: unrecognized character in action: U+002F '/'");
  assert.equal(message(() => compileTagTemplate('{{@}}', false)), "template: tag:1: unrecognized character in action: U+0040 '@'");
  assert.equal(message(() => compileTagTemplate('{{\x01}}', false)), 'template: tag:1: unrecognized character in action: U+0001');
  assert.equal(compileTagTemplate('{{- /* x */ -}}v', false).render('1'), 'v');
});
