/**
 * Executes a parsed tag template (template-parse.ts) against `{ Version }`, with Go's printing rules and
 * Go-worded execution errors: `template: tag:<line>:<col>: executing "tag" at <node>: <what>`.
 */
import { PolicyError } from '../errors.js';
import { TEMPLATE_NAME, type Command, type Node, type Operand } from './template-parse.js';

/** The template's data: the original's struct with one exported field, `Version`. */
const DATA_TYPE = 'model.TemplateTag';

type Value = { t: 'string'; v: string } | { t: 'int' | 'float'; v: number } | { t: 'bool'; v: boolean } | { t: 'data'; v: string };

export function executeTemplate(src: string, nodes: readonly Node[], version: string): string {
  let out = '';
  for (const node of nodes) {
    out += node.kind === 'text' ? node.text : show(new Exec(src, version).pipeline(node.pipeline));
  }
  return out;
}

const encoder = new TextEncoder();

function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** Go's %v of a value. */
function show(value: Value): string {
  switch (value.t) {
    case 'string':
      return value.v;
    case 'int':
      return String(value.v);
    case 'float':
      return goFloat(value.v);
    case 'bool':
      return String(value.v);
    case 'data':
      return `{${value.v}}`;
  }
}

function goFloat(n: number): string {
  const s = String(n);
  // Go prints large/small floats with a signed two-digit exponent (1e+21, 1e-07).
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

class Exec {
  constructor(
    private readonly src: string,
    private readonly version: string,
  ) {}

  private fail(pos: number, at: string, what: string): never {
    const before = this.src.slice(0, pos);
    const line = before.split('\n').length;
    const col = utf8Length(before.slice(before.lastIndexOf('\n') + 1));
    throw new PolicyError(`template: ${TEMPLATE_NAME}:${line}:${col}: executing "${TEMPLATE_NAME}" at <${at}>: ${what}`);
  }

  pipeline(commands: readonly Command[]): Value {
    let last: Value | undefined;
    for (const cmd of commands) last = this.command(cmd, last);
    // The parser never produces an empty pipeline.
    return last ?? { t: 'string', v: '' };
  }

  private command(cmd: Command, piped: Value | undefined): Value {
    const [head, ...rest] = cmd.operands;
    if (head.kind !== 'func') {
      if (rest.length > 0 || piped !== undefined) {
        this.fail(head.pos, label(head), `can't give argument to non-function ${label(head)}`);
      }
      return this.operand(head);
    }
    const args = rest.map((a) => this.operand(a));
    if (piped !== undefined) args.push(piped);
    return this.call(head, args);
  }

  private operand(op: Operand): Value {
    switch (op.kind) {
      case 'dot':
        return { t: 'data', v: this.version };
      case 'string':
        return { t: 'string', v: op.value };
      case 'number':
        return { t: Number.isInteger(op.value) && !/[.eE]/.test(op.text) ? 'int' : 'float', v: op.value };
      case 'bool':
        return { t: 'bool', v: op.value };
      case 'pipeline':
        return this.pipeline(op.pipeline);
      case 'func':
        return this.call(op, []);
      case 'field':
        return this.field(op);
    }
  }

  private field(op: Extract<Operand, { kind: 'field' }>): Value {
    let value: Value = { t: 'data', v: this.version };
    for (const name of op.path) {
      if (value.t === 'data' && name === 'Version') {
        value = { t: 'string', v: this.version };
        continue;
      }
      const type = goType(value);
      this.fail(op.pos, op.text, `can't evaluate field ${name} in type ${type}`);
    }
    return value;
  }

  private call(fn: Extract<Operand, { kind: 'func' }>, args: Value[]): Value {
    const at = fn.name;
    switch (fn.name) {
      case 'print':
        return { t: 'string', v: sprint(args) };
      case 'println':
        return { t: 'string', v: args.map(showArg).join(' ') + '\n' };
      case 'printf': {
        if (args.length === 0) this.fail(fn.pos, at, 'wrong number of args for printf: want at least 1 got 0');
        const [format, ...rest] = args;
        if (format.t !== 'string') {
          this.fail(fn.pos, at, `wrong type for value; expected string; got ${goType(format)}`);
        }
        return { t: 'string', v: sprintf(format.v, rest) };
      }
      case 'len': {
        if (args.length !== 1) this.fail(fn.pos, at, `wrong number of args for len: want 1 got ${args.length}`);
        const [a] = args;
        if (a.t !== 'string') this.fail(fn.pos, at, `error calling len: len of type ${goType(a)}`);
        return { t: 'int', v: utf8Length(a.v) };
      }
      case 'html':
        return { t: 'string', v: htmlEscape(sprint(args)) };
      case 'urlquery':
        return { t: 'string', v: queryEscape(sprint(args)) };
      default:
        this.fail(fn.pos, at, `function "${fn.name}" not defined`);
    }
  }
}

function label(op: Operand): string {
  switch (op.kind) {
    case 'field':
      return op.text;
    case 'dot':
      return '.';
    case 'string':
      return JSON.stringify(op.value);
    case 'number':
      return op.text;
    case 'bool':
      return String(op.value);
    case 'func':
      return op.name;
    case 'pipeline':
      return '(...)';
  }
}

function goType(v: Value): string {
  if (v.t === 'data') return DATA_TYPE;
  if (v.t === 'float') return 'float64';
  return v.t;
}

function showArg(v: Value): string {
  return show(v);
}

/** fmt.Sprint: a space between operands when neither side is a string. */
function sprint(args: readonly Value[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && a.t !== 'string' && args[i - 1].t !== 'string') out += ' ';
    out += showArg(a);
  });
  return out;
}

/** fmt.Sprintf for the verbs %s %v %d %q %%; others render Go's `%!verb(type=value)`. */
function sprintf(format: string, args: readonly Value[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    const verb = format[++i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[next++];
    if (verb === 's' || verb === 'v') out += showArg(arg);
    else if (verb === 'q' && arg.t === 'string') out += JSON.stringify(arg.v);
    else if (verb === 'd' && arg.t === 'int') out += String(arg.v);
    else out += `%!${verb}(${goType(arg)}=${showArg(arg)})`;
  }
  if (next < args.length) {
    out += `%!(EXTRA ${args
      .slice(next)
      .map((a) => `${goType(a)}=${showArg(a)}`)
      .join(', ')})`;
  }
  return out;
}

function htmlEscape(s: string): string {
  const map: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' };
  return s.replace(/[<>&'"\0]/g, (ch) => map[ch]);
}

/** Go url.QueryEscape: unreserved bytes kept, space → `+`, everything else %XX of its UTF-8 bytes. */
function queryEscape(s: string): string {
  let out = '';
  for (const byte of encoder.encode(s)) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
