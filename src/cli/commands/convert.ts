/**
 * `checks-out convert [FILE]`: prints the `.checks-out` equivalent of a legacy `.lgtm` file, exactly as the
 * service's conversion endpoint serves it (spec §2.7).
 */
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';
import { err, out } from '../io.js';
import { readInput, InputError } from '../files.js';
import { legacyOptionsFromEnv } from '../env.js';
import { isPolicyError, lgtmToChecksOut } from '../../policy/index.js';

const usage = `Usage: checks-out convert [FILE]

Reads a legacy .lgtm file (TOML; default ./.lgtm, - for standard input) and prints the equivalent
.checks-out file on standard output.

The values the legacy format leaves out come from the environment, as in the service:
  CHECKS_OUT_APPROVALS (default 2), CHECKS_OUT_PATTERN (default (?i)LGTM), CHECKS_OUT_SELF_APPROVAL_OFF (default false).

Exit status: 0 converted, 1 the file is not a valid .lgtm file, 2 the file cannot be read or bad usage.
`;

export const command: CommandModule = {
  summary: 'convert a legacy .lgtm file to .checks-out',
  usage,
  async run(args) {
    let file: string;
    try {
      const parsed = parseArgs(args, {});
      if (parsed.positionals.length > 1) throw new UsageError('expected at most one FILE');
      file = parsed.positionals[0] ?? '.lgtm';
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err(`checks-out convert: ${e.message}\n${usage}`);
      return 2;
    }
    let text: string;
    let options;
    try {
      text = await readInput(file);
      options = legacyOptionsFromEnv(process.env, file === '-' ? '.lgtm' : file);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      err(`checks-out convert: ${e.message}\n`);
      return 2;
    }
    let converted: string;
    try {
      converted = lgtmToChecksOut(text, options);
    } catch (e) {
      if (!isPolicyError(e)) throw e;
      err(`${e.format()}\n`);
      return 1;
    }
    out(converted.endsWith('\n') ? converted : `${converted}\n`);
    return 0;
  },
};
