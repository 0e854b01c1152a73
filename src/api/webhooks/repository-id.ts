import { isUuid } from '../../domain/input-rules.js';
import { parseGlobalId } from '../ids.js';

/** Where Git hosts post push events: `POST /webhooks/git/:repositoryId`. */
export const GIT_WEBHOOK_PREFIX = '/webhooks/git/';

/**
 * The repository's database id from the webhook path. Both the GraphQL id (what the API shows)
 * and the raw UUID are accepted, so a URL copied from either place works; anything else is null.
 */
export function repositoryIdFromPath(pathname: string): string | null {
  if (!pathname.startsWith(GIT_WEBHOOK_PREFIX)) return null;
  const segment = pathname.slice(GIT_WEBHOOK_PREFIX.length);
  if (isUuid(segment.toLowerCase())) return segment.toLowerCase();
  const parsed = parseGlobalId(segment);
  return parsed?.type === 'GitRepository' ? parsed.id : null;
}
