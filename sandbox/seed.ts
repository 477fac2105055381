/**
 * What a new sandbox site holds. A space is plain data, so a bigger seed (say, a space with thousands of pages)
 * is one more entry built with `Array.from`, handed to createSandbox as `seed`.
 */
import type { ContentRecord, SandboxStore, SpaceRecord } from './store.js';

export interface SeedContent {
  title: string;
  /** Storage-format XHTML. */
  body: string;
}

export interface SeedSpace {
  key: string;
  name: string;
  description: string;
  /** Default true. False: the sandbox user can read the space but not create in it. */
  canCreate?: boolean;
  /** Children of the homepage. */
  pages?: SeedContent[];
  blogposts?: SeedContent[];
}

const paragraph = (text: string): string => `<p>${text}</p>`;

export const DEFAULT_SEED: SeedSpace[] = [
  {
    key: 'DEMO',
    name: 'Demo space',
    description: 'A place to try the assistant.',
    pages: [
      { title: 'Getting started', body: paragraph('Ask the assistant to create a page or a blog post in this space.') },
      { title: 'Meeting notes', body: '<h2>Agenda</h2><ul><li>Welcome</li><li>Questions</li></ul>' },
      { title: 'How-to articles', body: paragraph('Short guides for common tasks.') },
    ],
    blogposts: [{ title: 'Welcome to the demo space', body: paragraph('This blog post was seeded by the sandbox.') }],
  },
  {
    key: 'ENG',
    name: 'Engineering',
    description: 'Designs, runbooks and decisions.',
    pages: [
      { title: 'Architecture overview', body: paragraph('Channel → bot → dialogs → services → Confluence.') },
      { title: 'Runbook', body: '<h2>On call</h2><ol><li>Check the logs.</li><li>Restart the service.</li></ol>' },
      { title: 'Decision log', body: paragraph('Decisions with their reasons.') },
    ],
    blogposts: [{ title: 'Release notes', body: paragraph('What changed this week.') }],
  },
  {
    key: 'TEAM',
    name: 'Team space',
    description: 'Everything about the team.',
    pages: [
      { title: 'Team members', body: '<table><tbody><tr><th>Name</th><th>Role</th></tr><tr><td>Sandbox User</td><td>Everything</td></tr></tbody></table>' },
      { title: 'Onboarding', body: paragraph('Welcome aboard.') },
    ],
  },
  {
    key: 'ARCHIVE',
    name: 'Archive (read-only)',
    description: 'Old material. You can read it but not add to it.',
    canCreate: false,
    pages: [{ title: 'Old project', body: paragraph('Kept for reference.') }],
  },
];

/** Adds the spaces to a site, each with a homepage titled after the space. Does not save. */
export function seedSite(store: SandboxStore, cloudId: string, spaces: SeedSpace[], createdAt: string): void {
  const authorId = store.data.user.accountId;
  for (const seed of spaces) {
    const spaceId = store.newId();
    const homepage = newContent(store, { cloudId, spaceId, authorId, createdAt, type: 'page', title: seed.name, body: paragraph(seed.description) });
    const space: SpaceRecord = {
      id: spaceId,
      cloudId,
      key: seed.key,
      name: seed.name,
      description: seed.description,
      type: 'global',
      status: 'current',
      createdAt,
      authorId,
      homepageId: homepage.id,
      canCreate: seed.canCreate ?? true,
    };
    store.data.spaces.push(space);
    store.data.contents.push(homepage);
    (seed.pages ?? []).forEach((page, position) => {
      store.data.contents.push(
        newContent(store, { cloudId, spaceId, authorId, createdAt, type: 'page', parentId: homepage.id, position, ...page }),
      );
    });
    for (const post of seed.blogposts ?? []) {
      store.data.contents.push(newContent(store, { cloudId, spaceId, authorId, createdAt, type: 'blogpost', ...post }));
    }
  }
}

function newContent(
  store: SandboxStore,
  fields: Omit<ContentRecord, 'id' | 'status' | 'versionNumber'>,
): ContentRecord {
  return { id: store.newId(), status: 'current', versionNumber: 1, ...fields };
}
