/**
 * A small `.env` reader: `KEY=value` lines, `#` comments, optional `export ` prefix, single quotes (literal)
 * and double quotes (with \n, \t, \", \\ escapes, may span lines). Values from the real environment win, so
 * a deployment can always override the file. Unparseable lines are reported, never silently skipped.
 */
import { readFileSync } from 'node:fs';

export interface EnvFileResult {
  values: Map<string, string>;
  errors: string[];
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseEnvFile(text: string, fileName = '.env'): EnvFileResult {
  const values = new Map<string, string>();
  const errors: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('export ')) line = line.slice(7).trimStart();
    const eq = line.indexOf('=');
    const key = eq === -1 ? line : line.slice(0, eq).trim();
    if (eq === -1 || !KEY.test(key)) {
      errors.push(`${fileName}:${lineNo}: expected KEY=value`);
      continue;
    }
    let rest = line.slice(eq + 1).trimStart();
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      if (end === -1) {
        errors.push(`${fileName}:${lineNo}: unterminated single-quoted value for ${key}`);
        continue;
      }
      values.set(key, rest.slice(1, end));
    } else if (rest.startsWith('"')) {
      // A double-quoted value may continue on the next lines until the closing quote.
      let body = rest.slice(1);
      let closed = findClosingQuote(body);
      const startLine = lineNo;
      while (closed === -1 && i + 1 < lines.length) {
        i++;
        body += `\n${lines[i]}`;
        closed = findClosingQuote(body);
      }
      if (closed === -1) {
        errors.push(`${fileName}:${startLine}: unterminated double-quoted value for ${key}`);
        continue;
      }
      values.set(key, unescapeDouble(body.slice(0, closed)));
    } else {
      // Unquoted: an inline comment starts at ` #`.
      const hash = rest.search(/\s#/);
      if (hash !== -1) rest = rest.slice(0, hash);
      values.set(key, rest.trim());
    }
  }
  return { values, errors };
}

function findClosingQuote(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

function unescapeDouble(s: string): string {
  return s.replace(/\\(.)/gs, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
}

/**
 * The effective environment: the `.env` file (if present) overlaid by the process environment.
 * Returns a null-prototype record so a key like `__proto__` in the file cannot pollute anything.
 */
export function readEnvironment(
  processEnv: Record<string, string | undefined>,
  envFilePath: string,
): { env: Record<string, string | undefined>; errors: string[] } {
  const env: Record<string, string | undefined> = Object.create(null) as Record<string, string | undefined>;
  let errors: string[] = [];
  let text: string | undefined;
  try {
    text = readFileSync(envFilePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push(`cannot read ${envFilePath}: ${(err as Error).message}`);
  }
  if (text !== undefined) {
    const parsed = parseEnvFile(text, envFilePath);
    errors = errors.concat(parsed.errors);
    for (const [k, v] of parsed.values) env[k] = v;
  }
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) env[k] = v;
  return { env, errors };
}
