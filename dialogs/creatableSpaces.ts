/**
 * Which spaces a create conversation offers: only those where Confluence says the user may create (space operations).
 * v2 has no batch form of that question, so only as many spaces are asked about as the buttons need, a batch at a
 * time, and each answer is kept for the turn (ConfluenceAccess.createRights).
 */
import type { TurnContext } from 'botbuilder';
import { ConfluenceError } from './failures.js';
import type { ContentType, CreateRights, Space } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';

/** Spaces asked about at once: a few parallel requests, not a burst that invites a 429. */
const BATCH = 5;
/** Beyond this many checks the rest of the spaces are offered unchecked: Create still catches a refusal. */
const MAX_CHECKS = 30;

/** Whether the rights allow this type, or, with no type chosen yet, either type. */
export function allows(rights: CreateRights, type: ContentType | undefined): boolean {
  return type === undefined ? rights.page || rights.blogpost : rights[type];
}

/** What the user cannot create, in words: "pages", "blog posts", or both. */
export function refusedContent(type: ContentType | undefined): string {
  if (type === 'page') return 'pages';
  if (type === 'blogpost') return 'blog posts';
  return 'pages or blog posts';
}

/**
 * The rights, or undefined when Confluence could not say (unavailable, rate-limited, …). Not knowing is not a
 * refusal: the space stays on offer, and a create Confluence refuses keeps the draft and asks for another space.
 * A missing sign-in (NotConnectedError) is not caught: the dialog's guard sends the user to sign in.
 */
export async function rightsIn(access: ConfluenceAccess, logger: Logger, context: TurnContext, cloudId: string, space: Space): Promise<CreateRights | undefined> {
  try {
    return await access.createRights(context, cloudId, space.id);
  } catch (error) {
    if (!(error instanceof ConfluenceError)) throw error;
    // Gone or not visible since the list was read: nothing can be created there.
    if (error.kind === 'not-found') return { page: false, blogpost: false };
    logger.warn('space operations check failed', { kind: error.kind, status: error.status });
    return undefined;
  }
}

/**
 * The spaces to offer, in list order: those found to allow `type`, checking until `max` are found (the buttons), then
 * those never checked (the form lists them; picking a read-only one there is answered when the form is sent).
 */
export async function creatableSpaces(
  access: ConfluenceAccess,
  logger: Logger,
  context: TurnContext,
  cloudId: string,
  spaces: Space[],
  type: ContentType | undefined,
  max: number,
): Promise<{ spaces: Space[]; total: number }> {
  const offered: Space[] = [];
  let checked = 0;
  while (offered.length < max && checked < Math.min(spaces.length, MAX_CHECKS)) {
    const batch = spaces.slice(checked, Math.min(checked + BATCH, MAX_CHECKS));
    const answers = await Promise.all(batch.map((space) => rightsIn(access, logger, context, cloudId, space)));
    batch.forEach((space, index) => {
      const rights = answers[index];
      if (rights === undefined || allows(rights, type)) offered.push(space);
    });
    checked += batch.length;
  }
  const all = [...offered, ...spaces.slice(checked)];
  return { spaces: all, total: all.length };
}
