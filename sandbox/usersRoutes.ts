/**
 * `POST /wiki/api/v2/users-bulk` (createBulkUserLookup, scope read:user:confluence): `{accountIds: [1..250]}` →
 * `MultiEntityResult<User>` with the people the sandbox knows (users.ts); unknown ids are left out, as the
 * document allows ("`results` may be empty if no account IDs were found").
 */
import type { Server } from 'restify';
import { z } from 'zod';
import { wikiBase, type SandboxContext } from './context.js';
import { parseBody } from './contentRequest.js';
import { REQUIRED_SCOPE } from './scopes.js';
import { findPerson, userJson, type SandboxPerson } from './users.js';
import { v2Route } from './v2Route.js';

const bulkRequest = z.object({ accountIds: z.array(z.string()).min(1).max(250) });

export function mountUsersRoutes(server: Server, context: SandboxContext, v2Prefix: string): void {
  server.post(
    `${v2Prefix}/users-bulk`,
    v2Route(context, REQUIRED_SCOPE.readUser, (call) => {
      const request = parseBody(call, bulkRequest);
      if (request === undefined) return;
      const people = [...new Set(request.accountIds)]
        .map((accountId) => findPerson(context.store, accountId))
        .filter((person): person is SandboxPerson => person !== undefined);
      call.res.send(200, { results: people.map(userJson), _links: { base: wikiBase(context, call.cloudId) } });
    }),
  );
}
