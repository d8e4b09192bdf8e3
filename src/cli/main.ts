/**
 * `checks-out` command-line entry point. Each command lives in its own module under ./commands and is
 * loaded only when invoked, so `checks-out validate` does not pay for the server's dependencies.
 */
export interface CommandModule {
  /** One line for `checks-out --help`. */
  summary: string;
  /** Full usage text for `checks-out <command> --help`. */
  usage: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

const commands: Record<string, () => Promise<CommandModule>> = {
  validate: () => import('./commands/validate.js').then((m) => m.command),
  simulate: () => import('./commands/simulate.js').then((m) => m.command),
  convert: () => import('./commands/convert.js').then((m) => m.command),
  conformance: () => import('./commands/conformance.js').then((m) => m.command),
  'local-github': () => import('./commands/local-github.js').then((m) => m.command),
  serve: () => import('./commands/serve.js').then((m) => m.command),
  demo: () => import('./commands/demo.js').then((m) => m.command),
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await helpText());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`checks-out: unknown command '${name}'. Run 'checks-out --help' for the list.\n`);
    return 2;
  }
  let mod: CommandModule;
  try {
    mod = await load();
  } catch (err) {
    process.stderr.write(`checks-out: command '${name}' is not available: ${(err as Error).message}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(mod.usage.endsWith('\n') ? mod.usage : `${mod.usage}\n`);
    return 0;
  }
  return mod.run(rest);
}

async function helpText(): Promise<string> {
  const lines = ['Usage: checks-out <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const summary = await load().then((m) => m.summary, () => '(not available)');
    lines.push(`  ${name.padEnd(14)}${summary}`);
  }
  lines.push('', "Run 'checks-out <command> --help' for a command's options.", '');
  return lines.join('\n');
}
