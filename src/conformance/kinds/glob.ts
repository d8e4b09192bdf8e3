/** Conformance kind `glob` (README §4.6): compile a scope path glob and test paths against it. */
import { compileGlob } from '../../policy/glob.js';
import type { KindAdapter } from '../kind.js';
import { str, strings } from './_input.js';

export const adapter: KindAdapter = {
  normative: ['matches'],
  run(input) {
    const glob = compileGlob(str(input.glob));
    const matches = new Map<string, boolean>();
    for (const path of strings(input.paths)) matches.set(path, glob.test(path));
    return { matches, regex: glob.source };
  },
};
