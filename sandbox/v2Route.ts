/**
 * The common front of every v2 route, in the order the gateway and Confluence apply it:
 * bearer token (401) → cloudId (404) → granular scope (401 scope mismatch) → the operation (400 on bad input).
 */
import type { Request, Response } from 'restify';
import { findSite, type SandboxContext } from './context.js';
import { authenticate, requireScope } from './gatewayAuth.js';
import { asQuery, BadRequest, type Query } from './queryParams.js';
import type { TokenRecord } from './grantRecords.js';
import { sendNotFound, sendV2Error } from './v2Errors.js';

export interface V2Call {
  req: Request;
  res: Response;
  query: Query;
  cloudId: string;
  token: TokenRecord;
}

export type RouteHandler = (req: Request, res: Response) => Promise<void>;

/** restify puts path parameters on `req.params` (typed `any` there); read one as text. */
export function pathParam(req: Request, name: string): string {
  const params: unknown = req.params;
  const value = params !== null && typeof params === 'object' ? (params as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

export function v2Route(
  context: SandboxContext,
  scope: string,
  handler: (call: V2Call) => Promise<void> | void,
): RouteHandler {
  return async (req, res) => {
    const token = authenticate(context, req, res);
    if (token === undefined) return;
    const cloudId = pathParam(req, 'cloudId');
    if (findSite(context, cloudId) === undefined) return sendNotFound(res);
    if (!requireScope(token, scope, res)) return;
    try {
      await handler({ req, res, query: asQuery(req.query), cloudId, token });
    } catch (error) {
      if (error instanceof BadRequest) return sendV2Error(res, 400, error.title);
      throw error;
    }
  };
}
