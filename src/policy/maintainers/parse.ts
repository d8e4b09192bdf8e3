/**
 * MAINTAINERS parsing by `maintainers.type` (spec §4.2–§4.4), without expansion.
 * Errors are bare PolicyErrors located in the file; the caller reports them after
 * `maintainersParsePrefix(format)` as the original does (§4.1).
 */
import { PolicyError } from '../errors.js';
import { parseMaintainersHjson } from './hjson.js';
import { parseMaintainersText } from './text.js';
import { parseMaintainersToml } from './toml.js';
import { MAINTAINERS_FORMATS, type MaintainersFormat, type RawMaintainers, type RepoContext } from './types.js';

export interface ParseMaintainersOptions {
  /** Path of the file, used in error locations; default `MAINTAINERS`. */
  file?: string;
  /** Needed by the text format (`repo-self`, user repositories). */
  repo: RepoContext;
}

export const DEFAULT_MAINTAINERS_FILE = 'MAINTAINERS';

export function isMaintainersFormat(format: string): format is MaintainersFormat {
  return (MAINTAINERS_FORMATS as readonly string[]).includes(format);
}

/** `Parsing maintainers file with <type> format. ` — what the original puts before a parse failure. */
export function maintainersParsePrefix(format: string): string {
  return `Parsing maintainers file with ${format} format. `;
}

/**
 * Parses a MAINTAINERS file. `legacy` tries TOML and falls back to text on any TOML failure.
 * An unknown format is `<t> is not one of the permitted MAINTAINER types [hjson legacy text toml]`
 * (sorted, like the config validation's message).
 */
export function parseMaintainers(text: string, format: string, options: ParseMaintainersOptions): RawMaintainers {
  const file = options.file ?? DEFAULT_MAINTAINERS_FILE;
  if (typeof text !== 'string') throw new PolicyError('MAINTAINERS content must be text', { file });
  switch (format) {
    case 'text':
      return parseMaintainersText(text, file, options.repo);
    case 'hjson':
      return parseMaintainersHjson(text, file);
    case 'toml':
      return parseMaintainersToml(text, file);
    case 'legacy':
      try {
        return parseMaintainersToml(text, file);
      } catch (e) {
        if (!(e instanceof PolicyError)) throw e;
        return parseMaintainersText(text, file, options.repo);
      }
    default:
      throw new PolicyError(`${format} is not one of the permitted MAINTAINER types [${[...MAINTAINERS_FORMATS].sort().join(' ')}]`);
  }
}
