/**
 * `checks-out validate`: checks a repository's `.checks-out` (or legacy `.lgtm`) and MAINTAINERS files the way
 * the service would, and prints every problem as `file:line:col: message`. Exit 0 valid (warnings allowed),
 * 1 errors found, 2 a file is missing or unreadable.
 */
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';
import { err, out } from '../io.js';
import { InputError } from '../files.js';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.js';
import { checkRepository, type RepositoryCheck } from '../repository.js';
import { repoFromOptions, repoOptionSpec, repoOptionUsage } from '../repo-option.js';
import type { RepoContext } from '../../policy/index.js';

const usage = `Usage: checks-out validate [--config F] [--maintainers F] [--members F] [--format text|json] [--repo OWNER/NAME]

Checks the approval configuration and the MAINTAINERS file as the service would, including every policy's
match, antimatch and authormatch against the expanded MAINTAINERS.

Options:
  --config F        the configuration (default ./.checks-out, or ./.lgtm when there is no .checks-out)
  --maintainers F   the MAINTAINERS file (default: maintainers.path of the configuration, MAINTAINERS)
  --members F       GitHub memberships used to expand github-org/-team/-collab directives (JSON, see docs/cli.md)
  --format F        text (default): one "file:line:col: message" per problem; json: one JSON object
${repoOptionUsage}

Exit status: 0 valid (warnings allowed), 1 errors found, 2 a file is missing or unreadable, or bad usage.
`;

export const command: CommandModule = {
  summary: 'check .checks-out and MAINTAINERS for errors',
  usage,
  async run(args) {
    let options: { config?: string; maintainers?: string; members?: string; format: 'text' | 'json'; repo: RepoContext };
    try {
      const parsed = parseArgs(args, {
        config: { type: 'string' },
        maintainers: { type: 'string' },
        members: { type: 'string' },
        format: { type: 'string' },
        ...repoOptionSpec,
      });
      if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
      const format = (parsed.options.format as string | undefined) ?? 'text';
      if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not '${format}'`);
      options = {
        config: parsed.options.config as string | undefined,
        maintainers: parsed.options.maintainers as string | undefined,
        members: parsed.options.members as string | undefined,
        format,
        repo: repoFromOptions(parsed.options),
      };
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err(`checks-out validate: ${e.message}\n${usage}`);
      return 2;
    }

    let check: RepositoryCheck;
    try {
      check = await checkRepository(options);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      err(`checks-out validate: ${e.message}\n`);
      return 2;
    }
    const errors = sortDiagnostics(check.diagnostics.filter((d) => d.severity === 'error'));
    const warnings = sortDiagnostics(check.diagnostics.filter((d) => d.severity === 'warning'));
    if (options.format === 'json') {
      out(`${JSON.stringify({ valid: errors.length === 0, files: check.files, errors: strip(errors), warnings: strip(warnings) }, null, 2)}\n`);
    } else {
      const lines = [...errors, ...warnings].map(formatDiagnostic);
      const files = [check.files.config, check.files.maintainers].filter((f) => f !== undefined).join(' and ');
      lines.push(
        errors.length === 0
          ? `${files}: valid${warnings.length > 0 ? ` (${plural(warnings.length, 'warning')})` : ''}`
          : `${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}`,
      );
      out(`${lines.join('\n')}\n`);
    }
    return errors.length === 0 ? 0 : 1;
  },
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function strip(list: Diagnostic[]): Omit<Diagnostic, 'severity'>[] {
  return list.map(({ severity: _severity, ...rest }) => rest);
}
