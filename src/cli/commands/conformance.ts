/**
 * `checks-out conformance FILE [--json] [--kind K]...`: runs a conformance vector file against the engine
 * (contract: the shared conformance README §5). Exit 0 all passed, 1 failures or skips, 2 unusable input.
 */
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';
import { err, out, readStdin } from '../io.js';
import { exitCode, formatHuman, formatJson, readVectorFile, runVectors, VectorFileError, type RunSummary, type VectorFile } from '../../conformance/runner.js';
import { IsolationError, runVectorsIsolated } from '../../conformance/isolated.js';

const DEFAULT_TIMEOUT_MS = 30_000;

const usage = `Usage: checks-out conformance FILE [--json] [--kind K]... [--timeout MS]

Runs every vector of FILE (a conformance vector file; - reads standard input) against the engine.

Options:
  --json         print one JSON summary object instead of the text report
  --kind K       run only the vectors of kind K (repeatable)
  --timeout MS   time limit per vector (default ${DEFAULT_TIMEOUT_MS}); the vectors run in a worker thread so that a
                 vector that hangs fails instead of hanging the run. 0 runs them in-process without a limit.

Exit status: 0 all vectors passed, 1 some failed or were skipped, 2 FILE unreadable or not a vector file.
`;

export const command: CommandModule = {
  summary: 'run a conformance vector file against the policy engine',
  usage,
  async run(args) {
    let file: string;
    let json: boolean;
    let kinds: string[];
    let timeoutMs: number;
    try {
      const parsed = parseArgs(args, { json: { type: 'boolean' }, kind: { type: 'string', multiple: true }, timeout: { type: 'string' } });
      if (parsed.positionals.length !== 1) throw new UsageError('expected exactly one vector FILE');
      file = parsed.positionals[0];
      json = parsed.options.json === true;
      kinds = (parsed.options.kind as string[] | undefined) ?? [];
      const t = (parsed.options.timeout as string | undefined) ?? String(DEFAULT_TIMEOUT_MS);
      if (!/^\d{1,9}$/.test(t)) throw new UsageError(`--timeout must be a number of milliseconds, not '${t}'`);
      timeoutMs = Number(t);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      err(`checks-out conformance: ${e.message}\n${usage}`);
      return 2;
    }

    let vectors;
    try {
      vectors = await readVectorFile(file, readStdin);
    } catch (e) {
      if (!(e instanceof VectorFileError)) throw e;
      err(`checks-out conformance: ${e.message}\n`);
      return 2;
    }
    const summary = await run(vectors, kinds, timeoutMs);
    if (kinds.length > 0 && summary.total === 0) {
      err(`checks-out conformance: no vector of kind ${kinds.join(', ')} in ${file}\n`);
      return 2;
    }
    out(json ? formatJson(summary) : formatHuman(summary));
    return exitCode(summary);
  },
};

async function run(vectors: VectorFile, kinds: string[], timeoutMs: number): Promise<RunSummary> {
  if (timeoutMs === 0) return runVectors(vectors, { kinds });
  try {
    return await runVectorsIsolated(vectors, { kinds, timeoutMs });
  } catch (e) {
    if (!(e instanceof IsolationError)) throw e;
    // Without a worker there is no time limit, but the vectors can still be run.
    err(`checks-out conformance: ${e.message}; running in-process without a time limit\n`);
    return runVectors(vectors, { kinds });
  }
}
