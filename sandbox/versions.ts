/**
 * Content versions: the current one is the record itself (title, body, versionNumber, lastEdit); earlier ones are
 * kept whole in `previousVersions`, so the viewer and `GET /pages/{id}/versions` can show the history and
 * `GET /pages/{id}?version=N` can answer an old body.
 */
import type { ContentRecord, EditRecord, StoredVersion } from './store.js';

/** Who made the current version; a content never updated is at its creation. */
export function currentEdit(content: ContentRecord): EditRecord {
  return content.lastEdit ?? { authorId: content.authorId, createdAt: content.createdAt, message: '', minorEdit: false };
}

export function currentVersion(content: ContentRecord): StoredVersion {
  return { ...currentEdit(content), number: content.versionNumber, title: content.title, body: content.body };
}

/** Every version, oldest first. */
export function allVersions(content: ContentRecord): StoredVersion[] {
  return [...(content.previousVersions ?? []), currentVersion(content)];
}

export function findVersion(content: ContentRecord, number: number): StoredVersion | undefined {
  return allVersions(content).find((version) => version.number === number);
}

/** The last time anyone saved the content: what Confluence sorts and shows as "modified". */
export function modifiedAt(content: ContentRecord): string {
  return currentEdit(content).createdAt;
}

export interface Edit {
  title: string;
  body: string;
  authorId: string;
  createdAt: string;
  message: string;
}

/** Saves a new version (current + 1), keeping the one it replaces. Does not save: call saveSpace. */
export function applyEdit(content: ContentRecord, edit: Edit): void {
  content.previousVersions = allVersions(content);
  content.versionNumber += 1;
  content.title = edit.title;
  content.body = edit.body;
  content.lastEdit = { authorId: edit.authorId, createdAt: edit.createdAt, message: edit.message, minorEdit: false };
}
