/**
 * What a new sandbox site holds. A space is plain data, so a bigger seed (say, a space with thousands of pages)
 * is one more entry built with `Array.from`, handed to createSandbox as `seed`: DOCS_SPACE is one.
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
  /** Default true. False: the sandbox user sees the space but not its pages (listing them answers 404). */
  canReadPages?: boolean;
  /** Default true. False: no homepage, so a space without `pages` has no pages at all. */
  homepage?: boolean;
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

const GENERATED_BODY = paragraph('Kept for the record.');
const API_RESOURCES = ['Accounts', 'Billing', 'Comments', 'Exports', 'Groups', 'Labels', 'Permissions', 'Search', 'Spaces', 'Webhooks'];
const TOPICS = ['Caching', 'Logging', 'Retries', 'Storage', 'Timeouts'];
const TASKS = ['Rotate credentials', 'Restore a backup', 'Add a team member', 'Archive a space', 'Export a report'];
const FIRST_MEETING = Date.UTC(2018, 0, 1);
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

/**
 * The title of generated page `index`: six kinds in turn, each numbered, so titles are unique in the space (as
 * Confluence requires), read like a real wiki and a filter such as "release" matches one page in six.
 */
export function generatedTitle(index: number): string {
  const n = Math.floor(index / 6);
  switch (index % 6) {
    case 0:
      return `Release notes ${1 + Math.floor(n / 20)}.${n % 20}`;
    case 1:
      return `API guide: ${API_RESOURCES[n % API_RESOURCES.length]} (part ${1 + Math.floor(n / API_RESOURCES.length)})`;
    case 2:
      return `Runbook ${pad(n + 1, 4)}`;
    case 3:
      return `Meeting notes ${new Date(FIRST_MEETING + n * WEEK_MS).toISOString().slice(0, 10)}`;
    case 4:
      return `Design decision ${pad(n + 1, 3)}: ${TOPICS[n % TOPICS.length]}`;
    default:
      return `How-to ${pad(n + 1, 3)}: ${TASKS[n % TASKS.length]}`;
  }
}

/** `count` pages with generatedTitle titles and a tiny body, for spaces that must be large. */
export function generatedPages(count: number): SeedContent[] {
  return Array.from({ length: count }, (_, index) => ({ title: generatedTitle(index), body: GENERATED_BODY }));
}

/**
 * A space big enough to need pagination: its homepage and 2,999 pages under it make 3,000 pages, 12 full requests
 * of 250. Not in DEFAULT_SEED, whose four spaces other tests list exactly: pass SEED_WITH_DOCS as `seed` to get it.
 */
export const DOCS_SPACE: SeedSpace = {
  key: 'DOCS',
  name: 'Documentation archive',
  description: 'Thousands of archived documents, for trying page listings.',
  // Made when a new site is seeded, not at import, and not kept: once seeded, the pages live in the sandbox's records.
  get pages() {
    return generatedPages(2999);
  },
};

export const SEED_WITH_DOCS: SeedSpace[] = [...DEFAULT_SEED, DOCS_SPACE];

/** Adds the spaces to a site, each with a homepage titled after the space. Does not save: returns the new space ids. */
export function seedSite(store: SandboxStore, cloudId: string, spaces: SeedSpace[], createdAt: string): string[] {
  const authorId = store.data.user.accountId;
  return spaces.map((seed) => {
    const spaceId = store.newId();
    const homepage =
      seed.homepage === false
        ? undefined
        : newContent(store, { cloudId, spaceId, authorId, createdAt, type: 'page', title: seed.name, body: paragraph(seed.description) });
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
      homepageId: homepage?.id,
      canCreate: seed.canCreate ?? true,
      canReadPages: seed.canReadPages ?? true,
    };
    store.addSpace(space);
    if (homepage) store.addContent(homepage);
    (seed.pages ?? []).forEach((page, position) => {
      store.addContent(newContent(store, { cloudId, spaceId, authorId, createdAt, type: 'page', parentId: homepage?.id, position, ...page }));
    });
    for (const post of seed.blogposts ?? []) {
      store.addContent(newContent(store, { cloudId, spaceId, authorId, createdAt, type: 'blogpost', ...post }));
    }
    return spaceId;
  });
}

function newContent(
  store: SandboxStore,
  fields: Omit<ContentRecord, 'id' | 'status' | 'versionNumber'>,
): ContentRecord {
  return { id: store.newId(), status: 'current', versionNumber: 1, ...fields };
}
