/**
 * Tag templates (spec §2.5, §9): a Go text/template subset over `{Version}` (see template-parse.ts),
 * compiled once with a trial render (Version `1.0.0`) followed by the Docker and git ref-format checks,
 * exactly in the order of the original `TagConfig.Compile`.
 */
import { PolicyError } from '../errors.js';
import { executeTemplate } from './template-exec.js';
import { parseTemplate } from './template-parse.js';

export interface TagTemplate {
  /** The template text as written. */
  readonly source: string;
  readonly docker: boolean;
  /** The tag name for a version (no checks). Throws PolicyError when the template cannot be executed. */
  render(version: string): string;
}

/** The version used for the trial render at compile time. */
export const TRIAL_VERSION = '1.0.0';

/** Upper bound on template length: tag names are short; this keeps hostile configs cheap. */
const MAX_TEMPLATE_LENGTH = 64 * 1024;

/**
 * Parses, trial-renders and checks a tag template. Errors (PolicyError) carry Go's wording:
 * `template: tag:1: unclosed action`, execution errors, the Docker message, the ref-format message.
 */
export function compileTagTemplate(template: string, docker: boolean): TagTemplate {
  if (typeof template !== 'string') throw new PolicyError('tag template must be a string');
  if (template.length > MAX_TEMPLATE_LENGTH) throw new PolicyError('template: tag:1: template too long');
  const nodes = parseTemplate(template);
  const compiled: TagTemplate = {
    source: template,
    docker: docker === true,
    render: (version: string) => executeTemplate(template, nodes, version),
  };
  checkTagName(compiled.render(TRIAL_VERSION), template, compiled.docker);
  return compiled;
}

const DOCKER_TAG = /^[A-Za-z0-9_.-]+$/;

/** Characters git rejects in a ref name that the original checks (controls, space, ~ ^ : ? * \ and `]`). */
function isIllegalRefChar(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || ' ~^:?*\\]'.includes(ch);
}

/**
 * The checks the original runs on the trial rendering (also usable on a real rendering before tagging).
 * Docker first, then ref format; messages name the template, not the rendered text.
 */
export function checkTagName(rendered: string, template: string, docker: boolean): void {
  if (docker && !DOCKER_TAG.test(rendered)) {
    throw new PolicyError(
      `Illegal template tag ${template} with Docker validation enabled:\n\t\t\tonly [A-Za-z0-9_.-] characters are allowed`,
    );
  }
  for (const ch of rendered) {
    if (isIllegalRefChar(ch)) {
      // The original lists "open bracket" although it rejects `]` (spec §19.5): we name what we reject.
      throw new PolicyError(
        `Illegal template tag ${template}:\n\t\t\tcannot have the illegal character ${ch}. Illegal characters are\n` +
          '\t\t\tASCII control character, space, tilde, caret, colon,\n' +
          '\t\t\tquestion-mark, asterisk, closing bracket,\n' +
          '\t\t\tand backslash',
      );
    }
  }
}
