/**
 * What /api/messages accepts, checked before the adapter sees it. Channels always send the fields below, within
 * these sizes; anything else is a malformed or hostile request, answered 400. Parts of the activity the bot keeps
 * (the conversation and the two accounts go into stored conversation references) are cut down to their documented
 * fields, so a crafted request cannot make what is stored grow.
 *
 * Sizes: the whole body is already capped (256 KB) while it is read; these caps are per field, generous next to
 * what channels send. Teams ids are the longest seen: a personal chat's conversation id (`a:1…`) and a user id
 * (`29:1…`) run to 100–300 characters, a channel thread's (`19:…@thread.tacv2;messageid=…`) to about 100, so ids
 * may have 1,000. Tenant and Azure AD object ids are GUIDs (36).
 */
import { z } from 'zod';
import type { ServiceUrlPolicy } from '../bots/serviceUrlPolicy.js';

const ID_MAX = 1000;
const NAME_MAX = 512;
const GUID_MAX = 100;
const SHORT_MAX = 64;
const LIST_MAX = 50;
const MEMBERS_MAX = 1000;
/** Adaptive Card submissions and channelData nest a few levels; 64 is far beyond any real one. */
const DEPTH_MAX = 64;
/**
 * A BCP 47 language tag as channels send it ("en-US", "zh-Hant-TW", "de-DE-u-co-phonebk"). Underscores are let
 * through ("en_US"): some channels pass on their platform's spelling, and it is harmless to store.
 */
const LOCALE = /^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,7}$/;
const LOCALE_MAX = 35;

const text = (max: number) => z.string().max(max);

// z.object drops keys it does not list: only the documented ChannelAccount and ConversationAccount fields remain.
const channelAccount = z.object({
  id: text(ID_MAX),
  name: text(NAME_MAX).nullish(),
  aadObjectId: text(GUID_MAX).nullish(),
  role: text(SHORT_MAX).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

const conversationAccount = z.object({
  id: text(ID_MAX).min(1),
  name: text(NAME_MAX).nullish(),
  isGroup: z.boolean().nullish(),
  conversationType: text(SHORT_MAX).nullish(),
  tenantId: text(GUID_MAX).nullish(),
  role: text(SHORT_MAX).nullish(),
  aadObjectId: text(GUID_MAX).nullish(),
  properties: z.record(z.string(), z.unknown()).nullish(),
});

// Fields not listed here pass through unchanged: channels add their own, and the body cap bounds them.
const activitySchema = z
  .object({
    type: z.string().min(1).max(SHORT_MAX),
    id: text(ID_MAX).nullish(),
    replyToId: text(ID_MAX).nullish(),
    channelId: z.string().min(1).max(SHORT_MAX),
    serviceUrl: z.string().url().max(2000),
    conversation: conversationAccount,
    from: channelAccount.extend({ id: text(ID_MAX).min(1) }).optional(),
    recipient: channelAccount.optional(),
    locale: z
      .string()
      .max(LOCALE_MAX)
      .refine((value) => value === '' || LOCALE.test(value), 'not a BCP 47 language tag (like "en-US")')
      .nullish(),
    name: text(NAME_MAX).nullish(),
    text: text(100_000).nullish(),
    attachments: z.array(z.unknown()).max(LIST_MAX).nullish(),
    entities: z.array(z.unknown()).max(LIST_MAX).nullish(),
    membersAdded: z.array(channelAccount).max(MEMBERS_MAX).nullish(),
    membersRemoved: z.array(channelAccount).max(MEMBERS_MAX).nullish(),
  })
  .loose()
  .superRefine((activity, context) => {
    if (!withinDepth(activity, DEPTH_MAX)) context.addIssue({ code: 'custom', message: `nested deeper than ${DEPTH_MAX} levels` });
  });

export type Activity = z.infer<typeof activitySchema>;

/** Either the activity to process (cut down as described above) or the answer to send instead. */
export type ActivityVerdict =
  | { activity: Activity; refusal?: undefined }
  | { activity?: undefined; refusal: { status: 400 | 403; body: { error: string; detail: string } } };

export function inspectActivity(body: unknown, serviceUrls: ServiceUrlPolicy): ActivityVerdict {
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
      .join('; ');
    return { refusal: { status: 400, body: { error: 'Not a Bot Framework activity', detail } } };
  }
  const refused = serviceUrls(parsed.data.serviceUrl);
  if (refused !== undefined) return { refusal: { status: 403, body: { error: 'serviceUrl not allowed', detail: refused } } };
  return { activity: parsed.data };
}

/** Iterative, so a hostile nesting cannot exhaust the stack; stops at the first level past the limit. */
function withinDepth(root: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return false;
    for (const child of Object.values(value)) pending.push([child, depth + 1]);
  }
  return true;
}
