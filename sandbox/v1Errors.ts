/** Confluence v1's error bodies (swagger.v3.json, "Status codes"), for the v1 paths the sandbox serves or refuses. */
import type { Response } from 'restify';

const V1_DATA = { authorized: true, valid: false, errors: [], successful: false };

export function sendV1BadRequest(res: Response, message: string): void {
  res.send(400, { statusCode: 400, data: V1_DATA, message: `com.atlassian.confluence.api.service.exceptions.BadRequestException: ${message}` });
}

/** The observed answer of the OAuth gateway to a removed v1 call (sooperset/mcp-atlassian#1598). */
export function sendV1Gone(res: Response): void {
  res.send(410, { statusCode: 410, data: V1_DATA, message: 'com.atlassian.confluence.api.service.exceptions.GoneException: This deprecated endpoint has been removed.' });
}
