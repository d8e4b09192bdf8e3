/**
 * Reading the files a CLI command is given, with one-line messages for the ways that fails (the commands
 * turn an InputError into exit status 2).
 */
import { readFile, stat } from 'node:fs/promises';
import { readStdin } from './io.js';

export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Files larger than this are refused: a policy file is small, and a hostile one must not exhaust memory. */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** Reads a UTF-8 text file; `-` reads standard input. */
export async function readInput(path: string): Promise<string> {
  if (path === '-') return readStdin();
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${path}: is a directory`);
    if (info.size > MAX_INPUT_BYTES) throw new InputError(`${path}: larger than ${MAX_INPUT_BYTES} bytes`);
    return await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read: ${(e as Error).message}`);
  }
}

/** Whether a path exists (any kind of entry). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads and parses a JSON file; syntax errors become InputError with the file name. */
export async function readJson(path: string): Promise<unknown> {
  const text = await readInput(path);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}
