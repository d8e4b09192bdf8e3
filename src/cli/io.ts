/**
 * Where the CLI commands write and read. Commands go through these functions instead of touching
 * `process.stdout` directly so that tests can run `main()` in-process and capture the output without
 * hijacking the process streams (which the test runner itself uses).
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input as UTF-8. */
  readStdin(): Promise<string>;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
};

let current: CliIo = processIo;

export function out(text: string): void {
  current.stdout(text);
}

export function err(text: string): void {
  current.stderr(text);
}

export function readStdin(): Promise<string> {
  return current.readStdin();
}

/** Runs `fn` with `io` in place of the process streams (tests); restores them afterwards. */
export async function withIo<T>(io: CliIo, fn: () => Promise<T>): Promise<T> {
  const previous = current;
  current = io;
  try {
    return await fn();
  } finally {
    current = previous;
  }
}
