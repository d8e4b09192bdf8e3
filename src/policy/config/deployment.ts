/**
 * The deployment file (spec §2.8): an HJSON object mapping base-branch names to `{tasks: [string], env: string}`
 * (both optional). `null` in the result means "absent in the file", which differs from an empty value (§11).
 */
import { PolicyError, PolicyErrors } from '../errors.js';
import { Decoder } from './decode.js';
import { parseHjson } from './hjson-parse.js';
import type { DeploymentEntry, Deployments } from './types.js';

/** Parses a deployment file; `file` names it in error locations (default `DEPLOYMENTS`). */
export function parseDeployments(text: string, file = 'DEPLOYMENTS'): Deployments {
  const doc = parseHjson(text, file);
  const d = new Decoder(file, doc.position);
  const out: Deployments = new Map();
  const root = doc.root;
  if (root.kind === 'object') {
    // Branch names are map keys in the original: case-sensitive, the last duplicate wins.
    for (const { key, value } of root.entries) {
      const entry: DeploymentEntry = { tasks: null, env: null };
      const ctx = { struct: 'map[string]model.DeploymentConfig', path: key, goType: 'model.DeploymentConfig' };
      d.struct(value, ctx, {
        tasks: (v) => {
          const list = d.stringList(v, { struct: 'DeploymentConfig', path: `${key}.tasks`, goType: '[]string' });
          if (list !== undefined) entry.tasks = list;
        },
        env: (v) => {
          if (v.kind === 'null') entry.env = null;
          else if (v.kind === 'string') entry.env = v.value;
          else d.typeError(v, { struct: 'DeploymentConfig', path: `${key}.env`, goType: 'string' });
        },
      });
      out.set(key, entry);
    }
  } else if (root.kind !== 'null') {
    d.error(`json: cannot unmarshal ${root.kind} into Go value of type map[string]model.DeploymentConfig`, root.pos);
  }
  const err = PolicyErrors.of(d.errors);
  if (err !== undefined) throw err;
  if (out.size === 0) throw new PolicyError('No content in deployment map', { file });
  return out;
}
