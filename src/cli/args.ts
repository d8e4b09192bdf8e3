/**
 * A small strict argument parser for the CLI: `--name value`, `--name=value` and boolean flags.
 * Unknown options are errors, so a typo never silently changes what a command does.
 */
export interface OptionSpec {
  /** Takes a value (`--config F`) or is a boolean flag (`--json`). */
  type: 'string' | 'boolean';
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
}

export interface ParsedArgs {
  options: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(args: string[], spec: Record<string, OptionSpec>): ParsedArgs {
  // No prototype: an option named `--__proto__` or `--constructor` is just unknown.
  const options: ParsedArgs['options'] = Object.create(null);
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const def = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!def) throw new UsageError(`unknown option --${name}`);
    let value: string | boolean;
    if (def.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`option --${name} takes no value`);
      value = true;
    } else if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined) throw new UsageError(`option --${name} needs a value`);
      value = next;
      i++;
    }
    if (def.multiple) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(String(value));
      options[name] = list;
    } else {
      // Giving an option twice is almost always a mistake (which file did the user mean?).
      if (Object.hasOwn(options, name)) throw new UsageError(`option --${name} given more than once`);
      options[name] = value;
    }
  }
  return { options, positionals };
}
