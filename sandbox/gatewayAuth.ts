/**
 * What api.atlassian.com does before a request reaches a product: check the bearer token, then its scopes.
 * Bodies follow the gateway's `{code, message}` shape (contract §A5, ENDPOINTS.md §8).
 */
import type { Request, Response } from 'restify';
import type { SandboxContext } from './context.js';
import type { TokenRecord } from './grantRecords.js';

function bearerToken(req: Request): string | undefined {
  const header = req.header('authorization');
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** The caller's live token, or undefined after answering 401 (missing, unknown, revoked or expired). */
export function authenticate(context: SandboxContext, req: Request, res: Response): TokenRecord | undefined {
  const presented = bearerToken(req);
  const token = presented === undefined ? undefined : context.grants.findAccessToken(presented);
  if (token === undefined) {
    res.header('WWW-Authenticate', 'Bearer');
    res.send(401, { code: 401, message: 'Unauthorized' });
  }
  return token;
}

/** True when the token holds the scope; otherwise answers the gateway's scope-mismatch 401. */
export function requireScope(token: TokenRecord, scope: string, res: Response): boolean {
  if (token.scopes.includes(scope)) return true;
  res.header('X-Failure-Category', 'FAILURE_CLIENT_SCOPE_CHECK');
  res.send(401, { code: 401, message: 'Unauthorized; scope does not match' });
  return false;
}
