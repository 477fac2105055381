/**
 * Confluence v2 error bodies: `{"errors":[{"status","code","title","detail"}]}` (ENDPOINTS.md §8; 409 CONFLICT is
 * what an update with a stale version number gets, see updateContent.ts).
 */
import type { Response } from 'restify';

const CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'REQUEST_ENTITY_TOO_LARGE',
};

export const DUPLICATE_TITLE = 'A page with this title already exists: A page already exists with the same TITLE in this space';

export function sendV2Error(res: Response, status: 400 | 404 | 409 | 413, title: string, detail: string | null = null): void {
  res.send(status, { errors: [{ status, code: CODES[status], title, detail }] });
}

export function sendNotFound(res: Response): void {
  sendV2Error(res, 404, 'Not Found');
}
