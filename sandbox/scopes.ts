/**
 * Scopes the sandbox's authorization server accepts, with the sentence its consent page shows for each.
 * Atlassian refuses scopes the app has not added; the sandbox plays an app that has added all of these.
 */
export const SCOPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  'read:space:confluence': 'View details of Confluence spaces',
  'read:page:confluence': 'View pages and blog posts',
  'write:page:confluence': 'Create and update pages and blog posts',
  'search:confluence': 'Search Confluence content and space summaries',
  'read:comment:confluence': 'View comments on pages and blog posts',
  'write:comment:confluence': 'Create and update comments on pages and blog posts',
  'read:user:confluence': 'View user details, such as names',
  offline_access: 'Keep access while you are away (refresh tokens)',
  'read:me': 'View your user profile',
  'read:confluence-space.summary': 'Read a summary of spaces (classic)',
  'read:confluence-content.summary': 'Read a summary of content (classic)',
  'read:confluence-content.all': 'Read all content (classic)',
  'write:confluence-content': 'Write content (classic)',
  'read:content-details:confluence': 'View content details',
  'write:content:confluence': 'Create and update content',
};

export function isKnownScope(scope: string): boolean {
  return Object.hasOwn(SCOPE_DESCRIPTIONS, scope);
}

/** The granular scope each v2 operation checks, per the OpenAPI document's `x-atlassian-oauth2-scopes`. */
export const REQUIRED_SCOPE = {
  readSpace: 'read:space:confluence',
  readPage: 'read:page:confluence',
  writePage: 'write:page:confluence',
  readComment: 'read:comment:confluence',
  writeComment: 'write:comment:confluence',
  /** `POST /users-bulk`: display names for account ids. */
  readUser: 'read:user:confluence',
  /** v1 search (searchByCQL): the v1 document's current scope for it. */
  search: 'search:confluence',
} as const;
