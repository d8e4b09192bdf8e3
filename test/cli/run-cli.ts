/**
 * Runs the CLI in-process (`main` from src/cli/main.ts) and captures what the commands write through
 * src/cli/io.ts, so tests see exactly the text and exit code a user would. Optionally changes directory and
 * feeds standard input for the call.
 */
import { main } from '../../src/cli/main.js';
import { withIo } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], opts: { cwd?: string; stdin?: string } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const cwd = process.cwd();
  const io = {
    stdout: (t: string) => void (stdout += t),
    stderr: (t: string) => void (stderr += t),
    readStdin: async () => opts.stdin ?? '',
  };
  try {
    if (opts.cwd) process.chdir(opts.cwd);
    const code = await withIo(io, () => main(args));
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
  }
}
