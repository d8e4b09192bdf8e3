/**
 * Errors and warnings of `checks-out validate` (and the input checks of `simulate`) in one shape, printed as
 * `file:line:col: message` (the format editors and CI annotators understand) or as JSON.
 */
import { PolicyErrors, type PolicyError, type SourceLocation } from '../policy/errors.js';

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export function diagnostic(severity: Severity, message: string, location: SourceLocation = {}, fallbackFile?: string): Diagnostic {
  const d: Diagnostic = { severity, message };
  const file = location.file ?? fallbackFile;
  if (file !== undefined) d.file = file;
  if (location.line !== undefined) d.line = location.line;
  if (location.line !== undefined && location.column !== undefined) d.column = location.column;
  return d;
}

/** One diagnostic per leaf error (a PolicyErrors list is split so every error keeps its own location). */
export function fromPolicyError(err: PolicyError, fallbackFile?: string): Diagnostic[] {
  return PolicyErrors.flatten(err).map((e) => diagnostic('error', e.message, e.location, fallbackFile));
}

/** `file:line:col: message`, `warning: ` marking warnings; multi-line messages are indented to stay together. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = [d.file, d.line, d.column].filter((p) => p !== undefined).join(':');
  const text = `${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`.replace(/\n/g, '\n    ');
  return where === '' ? text : `${where}: ${text}`;
}

/** Orders by file, then line, then column; diagnostics without a position keep their place first. */
export function sortDiagnostics(list: Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const fa = a.d.file ?? '';
      const fb = b.d.file ?? '';
      if (fa !== fb) return fa < fb ? -1 : 1;
      const la = a.d.line ?? 0;
      const lb = b.d.line ?? 0;
      if (la !== lb) return la - lb;
      const ca = a.d.column ?? 0;
      const cb = b.d.column ?? 0;
      return ca !== cb ? ca - cb : a.i - b.i;
    })
    .map((e) => e.d);
}
