/**
 * Deployments after a merge (spec §11): the deployment-map entry of the base branch yields one deployment
 * per task. An entry with an env but no tasks yields one deployment with the default task (the original
 * crashed there).
 */

/** An entry of the deployment file (structurally the config's DeploymentTarget). */
export interface DeploymentTarget {
  env?: string | null;
  tasks?: readonly string[] | null;
}

export interface DeploymentRequest {
  ref: string;
  /** `undefined` = GitHub's default task (`deploy`). */
  task?: string;
  environment: string;
}

/** Deployments to create for a merge into `baseBranch`; `[]` when the branch has no entry. */
export function plannedDeployments(
  deployments: ReadonlyMap<string, DeploymentTarget> | Readonly<Record<string, DeploymentTarget | undefined>>,
  baseBranch: string,
): DeploymentRequest[] {
  let entry: DeploymentTarget | undefined;
  if (deployments instanceof Map) entry = deployments.get(baseBranch);
  else if (Object.prototype.hasOwnProperty.call(deployments, baseBranch)) {
    entry = (deployments as Record<string, DeploymentTarget | undefined>)[baseBranch];
  }
  if (entry === undefined || entry === null) return [];
  const environment = entry.env ?? '';
  const tasks: readonly string[] = entry.tasks ?? [];
  if (tasks.length === 0) return environment === '' ? [] : [{ ref: baseBranch, environment }];
  return tasks.map((task) => ({ ref: baseBranch, task, environment }));
}
