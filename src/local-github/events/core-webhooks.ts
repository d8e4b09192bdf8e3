/** Turns bus events from the core (push, pull_request, ...) into webhook deliveries. */
import type { LocalGitHubContext } from '../context.js';

export function wireCoreWebhooks(_ctx: LocalGitHubContext): void {}
