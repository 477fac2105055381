/**
 * Finding one page or blog post by id for the single-content routes, as Confluence decides what a user may see:
 * content in another site, in a space whose pages the user may not view, or of the other type is "not found" (404),
 * never "forbidden".
 */
import { spacesOf, type SandboxContext } from './context.js';
import type { ContentRecord, SpaceRecord } from './store.js';

export interface Located {
  space: SpaceRecord;
  content: ContentRecord;
}

export function locateContent(
  context: SandboxContext,
  cloudId: string,
  type: ContentRecord['type'],
  id: string,
  statuses: readonly string[] = ['current', 'archived'],
): Located | undefined {
  const content = context.store.findContent(id);
  if (content === undefined || content.type !== type || content.cloudId !== cloudId || !statuses.includes(content.status)) return undefined;
  const space = spacesOf(context, cloudId).find((candidate) => candidate.id === content.spaceId);
  if (space === undefined || !space.canReadPages) return undefined;
  return { space, content };
}

/** Updating and commenting need the space's "add" permissions too; the sandbox has one flag for all of them. */
export function mayContribute(space: SpaceRecord): boolean {
  return space.canCreate && space.status === 'current';
}
