/**
 * The OAuth scope each Confluence call needs (openapi-v2.v3.json `x-atlassian-oauth2-scopes`, state Current; search:
 * swagger.v3.json). A call names its scope so that a 401 "scope does not match" can say which one the token lacks.
 */
export const SCOPES = {
  /** `GET /spaces`, `/spaces/{id}/operations`. */
  readSpace: 'read:space:confluence',
  /** `GET /pages`, `/blogposts`, `/spaces/{id}/pages`, `/pages/{id}`, `/blogposts/{id}`. */
  readPage: 'read:page:confluence',
  /** `POST /pages`, `/blogposts`; `PUT /pages/{id}`, `/blogposts/{id}`. */
  writePage: 'write:page:confluence',
  /** `GET /wiki/rest/api/search` (v1 CQL search). */
  search: 'search:confluence',
  /** `GET /pages/{id}/footer-comments`, `/blogposts/{id}/footer-comments`. */
  readComment: 'read:comment:confluence',
  /** `POST /footer-comments`. */
  writeComment: 'write:comment:confluence',
  /** `POST /users-bulk`. */
  readUser: 'read:user:confluence',
} as const;

export type ConfluenceScope = (typeof SCOPES)[keyof typeof SCOPES];
