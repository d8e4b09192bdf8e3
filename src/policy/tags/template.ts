/**
 * Tag templates (spec §2.5, §9): a Go text/template subset over `{Version}`, compiled once with a trial
 * render (Version `1.0.0`) followed by the Docker and git ref-format checks.
 * (First version: `{{.Version}}` actions and literal text; the full subset follows.)
 */
import { PolicyError } from '../errors.js';

export interface TagTemplate {
  readonly source: string;
  readonly docker: boolean;
  /** The tag name for a version. Throws PolicyError when the template cannot be executed. */
  render(version: string): string;
}

export function compileTagTemplate(template: string, docker: boolean): TagTemplate {
  const parts: Array<string | null> = [];
  let rest = template;
  while (rest.length > 0) {
    const open = rest.indexOf('{{');
    if (open < 0) {
      parts.push(rest);
      break;
    }
    parts.push(rest.slice(0, open));
    const close = rest.indexOf('}}', open + 2);
    if (close < 0) throw new PolicyError('template: tag:1: unclosed action');
    const action = rest.slice(open + 2, close).trim();
    if (action !== '.Version') throw new PolicyError(`template: tag:1: unsupported action {{${action}}}`);
    parts.push(null);
    rest = rest.slice(close + 2);
  }
  const compiled: TagTemplate = {
    source: template,
    docker,
    render: (version) => parts.map((p) => p ?? version).join(''),
  };
  checkTagName(compiled.render('1.0.0'), template, docker);
  return compiled;
}

const ILLEGAL_REF_CHARS = /[\x00-\x20\x7f~^:?*\\\]]/;

export function checkTagName(rendered: string, template: string, docker: boolean): void {
  if (docker && !/^[A-Za-z0-9_.-]+$/.test(rendered)) {
    throw new PolicyError(
      `Illegal template tag ${template} with Docker validation enabled:\n\t\t\tonly [A-Za-z0-9_.-] characters are allowed`,
    );
  }
  const bad = ILLEGAL_REF_CHARS.exec(rendered);
  if (bad) {
    throw new PolicyError(
      `Illegal template tag ${template}:\n\t\t\tcannot have the illegal character ${bad[0]}. Illegal characters are\n\t\t\tASCII control character, space, tilde, caret, colon,\n\t\t\tquestion-mark, asterisk, closing bracket,\n\t\t\tand backslash`,
    );
  }
}
