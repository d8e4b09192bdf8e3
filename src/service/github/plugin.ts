/** The shape of an Octokit plugin (our request hooks are registered through `Octokit.plugin`). */
import type { Octokit } from '@octokit/rest';

export type OctokitPlugin = Parameters<typeof Octokit.plugin>[0];
