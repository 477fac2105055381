/**
 * The people the sandbox knows: the signed-in sandbox user (the store's `user`) and a colleague, who is whoever
 * "someone else" is when tests simulate another person editing or commenting. Answers v2 `User` for `/users-bulk`.
 */
import type { SandboxStore } from './store.js';

export interface SandboxPerson {
  accountId: string;
  displayName: string;
}

/** Not a user anyone signs in as: tests make edits and comments in this name (Sandbox.editContent, addComment). */
export const SANDBOX_COLLEAGUE: SandboxPerson = { accountId: '712020:0c0ffee0-sandbox-colleague', displayName: 'Casey Colleague' };

export function knownPeople(store: SandboxStore): SandboxPerson[] {
  return [store.data.user, SANDBOX_COLLEAGUE];
}

export function findPerson(store: SandboxStore, accountId: string): SandboxPerson | undefined {
  return knownPeople(store).find((person) => person.accountId === accountId);
}

/** The name to print next to something a person did; an unknown id is shown as Confluence shows one. */
export function displayNameOf(store: SandboxStore, accountId: string): string {
  return findPerson(store, accountId)?.displayName ?? 'Unknown user';
}

/** v2 `User`, as Confluence answers it for an active Atlassian account that hides its email. */
export function userJson(person: SandboxPerson): Record<string, unknown> {
  return {
    accountId: person.accountId,
    accountType: 'atlassian',
    accountStatus: 'active',
    displayName: person.displayName,
    publicName: person.displayName,
    email: '',
    isExternalCollaborator: false,
    profilePicture: { path: '/wiki/aa-avatar/default.png', isDefault: true },
  };
}
