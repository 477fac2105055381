/**
 * Display names for account ids (`POST /wiki/api/v2/users-bulk` {accountIds}; openapi-v2.v3.json BulkUsersRequest →
 * MultiEntityResult<User>). Validation and mapping only; client.ts sends the requests.
 */
import { z } from 'zod';

/** The spec allows 250 ids a request; a card names a handful of people, and smaller requests fail less. */
export const MAX_IDS_PER_REQUEST = 100;

export const usersSchema = z.object({
  results: z.array(
    z.object({
      accountId: z.string().nullish(),
      displayName: z.string().nullish(),
      publicName: z.string().nullish(),
    }),
  ),
});

/** Distinct, non-empty ids, in groups small enough for one request each. */
export function accountIdBatches(accountIds: string[]): string[][] {
  const distinct = [...new Set(accountIds.map((id) => id.trim()).filter((id) => id !== ''))];
  const batches: string[][] = [];
  for (let from = 0; from < distinct.length; from += MAX_IDS_PER_REQUEST) batches.push(distinct.slice(from, from + MAX_IDS_PER_REQUEST));
  return batches;
}

/** Only ids that were asked for are kept: an answer cannot name somebody nobody asked about. */
export function addDisplayNames(names: Map<string, string>, asked: string[], answer: z.infer<typeof usersSchema>): void {
  const wanted = new Set(asked);
  for (const user of answer.results) {
    const name = user.displayName || user.publicName;
    if (user.accountId && wanted.has(user.accountId) && name) names.set(user.accountId, name);
  }
}
