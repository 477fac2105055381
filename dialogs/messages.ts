/**
 * Every sentence the bot says, in one place so a reviewer can read them together. Every piece of data (titles,
 * space and site names, what the user typed) goes through `literal` here, so it shows as typed in Markdown
 * (messages, and Adaptive Card TextBlocks, whose text is Markdown too).
 */
import type { ConfluenceErrorKind } from './failures.js';
import type { AuthMode, AuthType } from '../services/auth/types.js';
import type { ContentDraft } from './draft.js';
import { typeLabel } from './draft.js';
import { linkTarget, literal } from './markdownText.js';
import type { PageChoice } from './pageDraft.js';

export const MAX_TITLE_LENGTH = 255;

export const PAGE_WINDOW = 10;

export function connectionLine(info: { type: AuthType; mode: AuthMode; profileName: string; sandbox: boolean }): string {
  const where = info.sandbox
    ? 'the built-in **Confluence sandbox** (demo data, not a real Atlassian site)'
    : 'Atlassian Confluence Cloud';
  const how = info.type === 'system' ? 'the system app' : `the custom profile "${literal(info.profileName)}"`;
  const mode = info.mode === 'user' ? 'each person signs in with their own account' : 'a shared, pre-authorized connection';
  return `I'm connected to ${where} through ${how}; ${mode}.`;
}

export const messages = {
  welcome: (connection: string) =>
    `Hi! I find, read and create Confluence pages and blog posts for you, comment on them, add to them, and list the pages of a space.\n\n${connection}\n\nTry **find pages about onboarding**, **create a page called Release notes in ENG** or **list pages in DEMO**. Type **help** at any time, or **cancel** to stop.`,

  help: (step: string | undefined) =>
    [
      step ? `Right now ${step}` : 'I find, read and create Confluence pages and blog posts, comment on them, add to them, and list the pages of a space.',
      [
        'For example:',
        '- **find pages about onboarding**, **search release notes in ENG**, **what do we have on SSO?** (then **more**, or **open 2**)',
        '- **show Release notes in ENG** reads a page here',
        '- **comment on Release notes in ENG: looks good to me**',
        '- **add to Meeting notes in TEAM: - decided to ship Friday** adds lines at the end of a page',
        '- **create page**, or in one go: **create a page called Release notes in ENG**',
        '- **new blog post in DEMO titled Sprint 12**',
        '- **list pages in ENG**, or with a filter: **pages in ENG about release**',
        '- **sign in**, **status** (how I am connected), **sign out**, **switch site**',
        '- **cancel** stops what we are doing, at any step',
      ].join('\n'),
    ].join('\n\n'),

  greeting:
    'Hello! I find, read, create and add to Confluence pages. Try **find pages about onboarding**, **create a page called Release notes in ENG** or **list pages in DEMO**, or **help** for more.',
  youAreWelcome: "You're welcome! Say **create page** or **list pages** whenever you need me again.",
  acknowledged: 'All right. Say **create page** or **list pages** whenever you need me, or **help** for examples.',
  didNotUnderstand:
    'I did not catch that. Try **find pages about onboarding**, **create a page called Release notes in ENG**, **list pages in DEMO**, or **help** for more examples.',
  cancelled: (what: string) => `Cancelled. ${what}`,
  nothingToCancel: 'There is nothing to cancel. Say **create page** or **list pages** to start.',

  signInPrompt: 'First, sign in to Confluence so I can act on your behalf. The link works once and for 10 minutes.',
  signInButton: 'Sign in to Confluence',
  stillWaitingForSignIn:
    "I'm still waiting for you to sign in. Here is a fresh link (the earlier one no longer works); or type **cancel** to stop.",
  enterSignInCode:
    'Almost done: type the 6-digit code shown on the **Connected** page here, in this chat. It works for 5 minutes.',
  wrongSignInCode: (attemptsLeft: number) =>
    attemptsLeft > 0
      ? `That code does not match. Type the 6-digit code shown on the **Connected** page (${attemptsLeft} ${attemptsLeft === 1 ? 'attempt' : 'attempts'} left).`
      : 'That code did not match three times, so that sign-in was discarded. Sign in again with the new link below.',
  noSignInCodeWaiting:
    'No sign-in is waiting for a code in this chat (a code works for 5 minutes, in the chat that asked for the sign-in). Sign in again with the new link below.',
  signedIn: 'Thanks, you are signed in to Confluence.',
  signInDeclined: 'Sign-in was declined in Confluence, so I cannot create content. Say **create page** to try again.',
  signInFailed:
    'Signing in did not complete (Atlassian did not accept the sign-in). Say **create page** to try again; if it keeps failing, ask your administrator to check the app settings.',
  signInAgain:
    'Your Confluence sign-in has expired or was revoked, so you need to sign in again. Your draft is kept.',
  // The two below are read by chat users, who cannot run the admin CLI: the command goes to the log and to
  // `npm run admin -- status` instead (AuthService, admin/format.ts).
  adminMustAuthorize:
    "I can't reach Confluence yet: the administrator of this bot has not connected it to Confluence. Please try again later, or let your administrator know.",
  adminMustReauthorize:
    "The bot's shared connection to Confluence has expired or was revoked, so the administrator needs to connect it again. Your draft is kept: say **retry** once it is fixed.",
  sharedConnectionStatus: (reason: 'no-shared-token' | 'refresh-refused') =>
    reason === 'no-shared-token'
      ? 'The administrator has not connected this bot to Confluence yet.'
      : 'The shared connection to Confluence has expired or was revoked; the administrator needs to connect it again.',

  authUnavailable:
    "Atlassian's sign-in service is not responding right now. Your draft is kept: say **retry** in a moment, or **cancel**.",
  authMisconfigured:
    'The Confluence connection of this bot is not set up correctly, so an administrator must fix it (see `npm run admin -- status`). Your draft is kept: say **retry** once it is fixed.',
  signInPrivately:
    'To keep your Confluence account yours, I only send sign-in links in a 1:1 chat. Open a chat with me, type **sign in** there, then come back here and ask again.',
  statusCannotCheck: "I cannot check your connection right now: Atlassian's sign-in service is not responding.",
  /** `sites` is Markdown already: each name with its link. */
  statusConnected: (mode: 'user' | 'preauthorized', sites: string[]) =>
    `${mode === 'user' ? 'You are signed in' : 'The shared connection is authorized'}; Confluence site${sites.length === 1 ? '' : 's'}: ${sites.join(', ') || 'none'}.`,
  statusSignInRequired: (refreshRefused: boolean) =>
    `You are not signed in${refreshRefused ? ' (your last sign-in expired or was revoked)' : ''}; I will ask you to sign in when you create content or list pages.`,
  nothingToSignOutOf: 'This bot uses a shared Confluence connection managed by an administrator, so there is nothing for you to sign out of.',
  signedOut: 'Signed out: I forgot your Confluence sign-in. I will ask you to sign in again next time.',
  notSignedIn: 'You were not signed in, so there was nothing to forget.',
  alreadySignedIn: (mode: 'user' | 'preauthorized', sites: string[]) =>
    mode === 'user'
      ? `You are already signed in to Confluence (${sites.map(literal).join(', ') || 'no site'}). Say **sign out** to switch accounts.`
      : `This bot uses a shared Confluence connection (${sites.map(literal).join(', ') || 'no site'}), so there is nothing for you to sign in to.`,
  whatNow: 'Now try **create a page called Release notes in ENG** or **list pages in DEMO**.',
  noSites: 'Your Confluence account cannot reach any Confluence site. Ask your administrator for access, then try again.',
  chooseSite: 'Which Confluence site?',
  chooseSpace: (shown: number, total: number) =>
    total > shown
      ? `Which space? Type a space key (like **DEMO**) or pick one of these ${shown} of your ${total} spaces.`
      : 'Which space? Type a space key (like **DEMO**) or pick one.',
  noSpaces: 'You cannot see any space on this site, so there is nowhere to create content. Ask a Confluence administrator for access.',
  /** Said in the same message as chooseSpace, which follows it: so no "type a key or pick one" here. */
  unknownSpace: (typed: string, closeMatches: string[]) =>
    closeMatches.length > 0
      ? `I can't find a space "${literal(typed)}" that you can see. Did you mean ${closeMatches.map((m) => `**${literal(m)}**`).join(', ')}?`
      : `I can't find a space "${literal(typed)}" that you can see.`,
  /** Said in the same message as chooseSpace, like unknownSpace. `what`: "pages", "blog posts" or both. */
  readOnlySpace: (spaceKey: string, what: string) =>
    `You can read **${literal(spaceKey)}** but not create ${what} there; pick another space.`,
  noCreatableSpaces:
    'You can see spaces on this site but cannot create pages or blog posts in any of them. Ask a space administrator for permission to add content.',

  chooseType: 'Should this be a page or a blog post?',
  askTitle: (type: string) => `What is the title of the ${type}?`,
  titleBlank: 'The title cannot be blank. What should it be?',
  titleTooLong: (length: number) =>
    `That title is ${length} characters long; Confluence accepts at most ${MAX_TITLE_LENGTH}. Please type a shorter one.`,
  titleTaken: (title: string, spaceKey: string) =>
    `A page called "${literal(title)}" already exists in ${literal(spaceKey)}. Please choose another title.`,
  titleControlCharacters: 'That title contains invisible control characters that Confluence cannot store. Please type it again.',
  bodyTooLarge: (bytes: number) =>
    `That content is ${(bytes / 1024 / 1024).toFixed(1)} MB; Confluence accepts at most 5 MB. Please send a shorter text, or **skip**.`,
  /**
   * `newLineKey`: the client's send box takes several lines (Web Chat: Shift+Enter). `formShown`: the form, whose
   * Content box takes several lines too, was offered earlier in this conversation.
   */
  askBody: (howToWrite: { newLineKey: boolean; formShown: boolean }) =>
    [
      'Now the content, in Markdown (headings, lists, **bold**, links…).',
      ...(howToWrite.newLineKey ? ['For a new line press **Shift+Enter**; pasted text keeps its lines.'] : []),
      ...(howToWrite.formShown ? ['Or use the form above: its **Content** box takes several lines.'] : []),
      'Type **skip** to leave it empty.',
    ].join(' '),

  summary: (draft: ContentDraft) =>
    [
      `Ready to create this ${typeLabel(draft.type!)}:`,
      `- **Site:** ${literal(draft.site?.name ?? '')}`,
      `- **Space:** ${literal(draft.space?.name ?? '')} (${literal(draft.space?.key ?? '')})`,
      `- **Title:** ${literal(draft.title ?? '')}`,
      `- **Body:** ${bodyPreview(draft.body ?? '')}`,
    ].join('\n'),
  confirmChoices: ['Create', 'Change', 'Cancel'],
  whatToChange: 'What would you like to change?',
  changeChoices: ['Space', 'Type', 'Title', 'Body'],
  creating: (type: string) => `Creating the ${type}…`,
  createdSummary: (type: string, title: string, spaceName: string, spaceKey: string) =>
    `Done! The ${type} **${literal(title)}** is in ${literal(spaceName)} (${literal(spaceKey)}).`,
  orUseTheForm: 'Or fill in the form below and press **Create**.',
  /** A form was submitted after the flow that sent it had ended (cancelled, or another request started). */
  formRestarted: 'That form belongs to a request that has ended, so I started a new one with its values. Check them before I create anything.',
  formAlreadyUsed:
    'That form was already used to create content, so I did not create it again. Say **create page** to start a new one.',
  formHeading: 'New Confluence content',
  formHasProblems: 'Please fix the fields marked below.',
  formTypeTitle: 'Type a title.',
  formChooseSpace: 'Choose a space.',
  formUnknownSpace: (typed: string) => `There is no space "${literal(typed.slice(0, 100))}" that you can see.`,
  formReadOnlySpace: (spaceKey: string, what: string) => `You can read ${literal(spaceKey)} but not create ${what} there; choose another space.`,
  created: (type: string, title: string, spaceName: string, spaceKey: string, url: string) => {
    const target = linkTarget(url);
    return `Done! The ${type} **${literal(title)}** is in ${literal(spaceName)} (${literal(spaceKey)})${target === undefined ? '.' : `: ${target}`}`;
  },
  draftDropped: 'Your draft was dropped; nothing was created in Confluence.',
  retryChoices: ['Retry', 'Change', 'Cancel'],
  retryOrCancel: ['Retry', 'Cancel'],
  whatNext: 'What would you like to do?',
  /** A choice was answered with something that names none of the choices. */
  answerWithOneOf: (labels: string[]) => `Please answer ${oneOf(labels)}, or press one of the buttons.`,
  switchSiteNeedsSignIn: 'You need to be connected to Confluence before choosing a site.',
  switchSiteSignInFirst: 'You need to be connected to Confluence before choosing a site. Say **list pages** or **create page** to sign in.',
  onlyOneSite: (name: string | undefined) =>
    name ? `Your account reaches only one Confluence site, **${literal(name)}**, so there is no other site to switch to.` : 'Your account reaches no Confluence site to switch to.',
  siteSwitched: (name: string) => `From now on I will use **${literal(name)}**.`,
  chooseSiteToUse: 'Which Confluence site should I use?',

  /** `space` in these is Markdown already: spaceHeading(space). */
  listingStarted: (space: string) => `Fetching the pages of ${space}…`,
  listingProgress: (fetched: number) => `Fetched ${fetched.toLocaleString('en-US')} pages so far…`,
  spaceHasNoPages: (space: string) => `${space} has no pages yet. Say **create a page in …** to add one.`,
  noPageMatches: (space: string, total: number, filter: string) =>
    `${space} has ${count(total, 'page')}, but none has "${literal(filter)}" in its title. Try another word, or **list pages** without a filter.`,
  pageListHeading: (space: string, total: number, matched: number, filter: string | undefined, from: number, to: number) =>
    filter
      ? `${space} has ${count(total, 'page')}; ${count(matched, 'title')} match "${literal(filter)}". ${from === to ? `Match ${from}` : `Matches ${from}–${to}`}:`
      : `${space} has ${count(total, 'page')}. ${from === to ? `Page ${from}` : `Pages ${from}–${to}`}:`,
  pageListContinued: (from: number, to: number, of: number, filter: string | undefined) =>
    filter
      ? `${from === to ? `Match ${from}` : `Matches ${from}–${to}`} of ${of.toLocaleString('en-US')}:`
      : `${from === to ? `Page ${from}` : `Pages ${from}–${to}`} of ${of.toLocaleString('en-US')}:`,
  sayMore: (remaining: number) => `Say **more** for the next ${Math.min(remaining, PAGE_WINDOW)} (${remaining.toLocaleString('en-US')} left), or anything else to stop.`,
  moreButton: 'More',
  endOfList: 'That was the last one.',
  cannotReadPages: (space: string) =>
    `I cannot read the pages of ${space}: the space is gone or you lack permission to view its pages. Ask a space administrator, or pick another space.`,
  listDropped: 'Nothing was changed in Confluence.',

  /** For help: where the user is ("Right now …"). */
  atStep: {
    signIn: 'I am waiting for you to sign in to Confluence with the button above.',
    site: 'you are choosing the Confluence site.',
    space: 'you are choosing the space (type its key, like DEMO).',
    retry: 'something failed; say Retry or Cancel.',
    type: 'you are choosing between a page and a blog post.',
    title: 'you are typing the title (1 to 255 characters, not already used in the space).',
    body: 'you are typing the content in Markdown, or "skip" for none.',
    confirm: 'you are confirming: Create, Change or Cancel.',
    change: 'you are choosing what to change.',
    more: 'you are reading a list of pages; say "more" for the next ones.',
    searchText: 'you are typing what to search for.',
    results: 'you are looking at search results; say "more", or "open 2" to read the second one here.',
    pageTitle: 'you are typing the title of the page (add "in KEY" for one space).',
    pageChoice: 'you are choosing which page you mean.',
    commentText: 'you are typing your comment, in Markdown.',
    commentConfirm: 'you are confirming the comment: Post, Change or Cancel.',
    appendText: 'you are typing what to add to the page, in Markdown.',
    appendConfirm: 'you are confirming what to add: Add, Change or Cancel.',
  },

  askSearchText: 'What should I look for? Type a few words, like **onboarding** or **release notes**.',
  nothingSearchable: (typed: string) =>
    `There is nothing I can search for in "${literal(typed)}": I search for words and numbers. What should I look for?`,
  /** Plain text (a card heading); the text channel escapes it. */
  resultsHeading: (text: string, spaceKey: string | undefined, from: number, to: number, total: number | undefined) =>
    `${from === to ? `Result ${from}` : `Results ${from}–${to}`}${total !== undefined && total >= to ? ` of ${total.toLocaleString('en-US')}` : ''} for "${text.slice(0, 100)}"${spaceKey ? ` in ${spaceKey}` : ''}`,
  /** `first`–`last`: the numbers of the results just shown. */
  afterResults: (first: number, last: number, more: boolean) =>
    `Say **open ${first}**${last > first ? ` (or another number up to ${last})` : ''} to read it here${more ? ', **more** for the next 5,' : ''} or ask me something else.`,
  openButton: (number: number) => `Open ${number}`,
  /** `remembered`: how many of the `shown` results "open N" reaches; later ones open with their button. */
  noSuchResult: (shown: number, remembered: number) =>
    remembered < shown
      ? `I can open the first ${remembered} results by number (**open 1** to **open ${remembered}**); use the **Open** button of a later one.`
      : `There is no result with that number: I showed ${count(shown, 'result')}. Say **open 1** to **open ${shown}**.`,
  endOfResults: 'That was the last result.',
  searchExpired: 'That search can no longer be continued, so I ran it again from the start.',
  noResults: (text: string, spaceKey: string | undefined) =>
    spaceKey
      ? `Nothing in ${literal(spaceKey)} that you can see matches "${literal(text.slice(0, 100))}". Try other words, or search all spaces.`
      : `Nothing that you can see matches "${literal(text.slice(0, 100))}". Try other or fewer words, or a word from the title.`,
  searchAllSpacesButton: 'Search all spaces',
  searchGone:
    "Confluence's search is not available to this bot any more (Atlassian answered that the API is gone), so I cannot search. You can still open a page by its title and space, like **show Release notes in ENG**, or **list pages in ENG**. Please let the administrator of this bot know.",
  nameTheSpace: (title: string) =>
    `Confluence's search is not available to this bot, so I can only find "${literal(title)}" in a space you name: say it again with **in** and the space key, like **show ${literal(title)} in ENG**.`,
  openResultWithoutSearch: 'There are no search results here to open. Say **find** and a few words first, for example **find release notes**.',

  askPageTitle: 'Which page? Type its title, like **Release notes**, and add **in KEY** to look in one space.',
  noPageTitled: (title: string, spaceKey: string | undefined) =>
    `I can't find a page "${literal(title)}"${spaceKey ? ` in ${literal(spaceKey)}` : ''} that you can see. Check the title, or say **find** and a word from it.`,
  severalPagesTitled: (title: string) => `More than one page is called "${literal(title)}". Which one do you mean?`,
  didYouMeanPage: (title: string, spaceKey: string | undefined) =>
    `No page is called exactly "${literal(title)}"${spaceKey ? ` in ${literal(spaceKey)}` : ''}. Did you mean one of these?`,
  pageGone: (title: string) =>
    `**${literal(title)}** is gone, or you can no longer see it. Nothing was changed. Say **find** and a few words to look for it.`,
  commentButton: 'Comment',
  addToPageButton: 'Add to this page',
  afterPage: 'Say **comment** to comment on it, **add to this page** to add lines at its end, or ask me something else.',
  emptyPage: '(This page has no text yet.)',
  latestComments: 'Latest comments',
  olderComments: 'Older comments are in Confluence.',
  someone: 'Someone',
  pageContinues: '(Continued in Confluence.)',

  textBlank: 'There is nothing to send in that. Please type the text.',
  textTooLarge: (bytes: number) => `That text is ${(bytes / 1024 / 1024).toFixed(1)} MB; Confluence accepts at most 5 MB. Please send a shorter one.`,
  askComment: (title: string) => `What is your comment on **${literal(title)}**? Markdown works (lists, **bold**, links…).`,
  commentSummary: (page: PageChoice, text: string) =>
    [`Ready to comment on **${literal(page.title)}**${page.spaceKey ? ` (${literal(page.spaceKey)})` : ''}:`, bodyPreview(text)].join('\n\n'),
  commentChoices: ['Post', 'Change', 'Cancel'],
  nothingPosted: 'Nothing was posted to Confluence.',
  commented: (title: string, url: string | undefined) => {
    const target = linkTarget(url);
    return `Done! Your comment is on **${literal(title)}**${target === undefined ? '.' : `: ${target}`}`;
  },
  cannotComment: (title: string) =>
    `Confluence did not let you comment on **${literal(title)}**: you can read it but lack permission to add comments there. Nothing was posted; ask a space administrator.`,

  askAddition: (title: string) =>
    `What should I add at the end of **${literal(title)}**? Markdown works (lists, headings, **bold**, links…).`,
  appendSummary: (page: PageChoice, version: number, text: string) =>
    [
      `Ready to add this at the end of **${literal(page.title)}**${page.spaceKey ? ` (${literal(page.spaceKey)})` : ''}, now at version ${version}. Nothing already there changes.`,
      bodyPreview(text),
    ].join('\n\n'),
  appendChoices: ['Add', 'Change', 'Cancel'],
  pageUnchanged: 'The page was not changed.',
  cannotEdit: (title: string) =>
    `Confluence did not let you edit **${literal(title)}**: you can read it but lack permission to change it. Nothing was changed; ask a space administrator.`,
  pageChangedMeanwhile: (title: string, version: number, by: string | undefined) =>
    `${by ? literal(by) : 'Someone else'} saved **${literal(title)}** in the meantime (it is now at version ${version}), so I added nothing: their change stays as it is. Your text is kept; check it against the new version and confirm again.`,
  appended: (title: string, version: number, url: string) => {
    const target = linkTarget(url);
    return `Done! Added to **${literal(title)}**, now at version ${version}${target === undefined ? '.' : `: ${target}`}`;
  },

  changedMeanwhile:
    'This conversation changed somewhere else at the same moment (another window, or a message sent twice), so I did not act on your last message. Please send it again.',
  unexpectedError:
    'Sorry, something went wrong on my side. Your draft is kept: send your last answer again, or type **cancel** to stop.',
};

/** What happened and what to do next, for each Confluence failure at the moment of creating. */
export function createFailure(kind: ConfluenceErrorKind, draft: ContentDraft, retryAfterSeconds?: number): string {
  const key = draft.space?.key === undefined ? 'that space' : literal(draft.space.key);
  switch (kind) {
    case 'duplicate-title':
      return `Confluence says "${literal(draft.title ?? '')}" already exists in ${key}. Please choose another title.`;
    case 'not-found':
    case 'forbidden':
      return `Confluence did not let you create content in ${key}: the space is gone or you lack permission to add content there. Please choose another space.`;
    case 'too-large':
      return 'Confluence refused the content because it is larger than 5 MB. Please send a shorter body.';
    case 'rate-limited':
      return `Confluence is busy and asked me to slow down${retryAfterSeconds ? ` (about ${retryAfterSeconds} s)` : ''}. Your draft is kept: say **retry** in a moment.`;
    case 'unavailable':
      return 'Confluence is not responding right now. Your draft is kept: say **retry** in a moment, or **cancel**.';
    case 'invalid-request':
      return 'Confluence rejected the request as invalid. Your draft is kept: say **change** to edit it, **retry**, or **cancel**.';
    case 'unauthorized':
    case 'missing-scope':
      return messages.signInAgain;
    case 'conflict':
      return 'Someone else changed it in Confluence at the same moment. Your draft is kept: say **retry**.';
  }
}

/** For failures while reading (spaces, title checks), where there is no draft to speak of yet. */
export function readFailure(kind: ConfluenceErrorKind): string {
  switch (kind) {
    case 'rate-limited':
      return 'Confluence is busy and asked me to slow down. Your answers so far are kept: say **retry** in a moment.';
    case 'unavailable':
      return 'Confluence is not responding right now. Your answers so far are kept: say **retry** in a moment, or **cancel**.';
    default:
      return 'Confluence refused to answer that request. Your answers so far are kept: say **retry**, or **cancel**.';
  }
}

/** What each OAuth scope lets the bot do, as the user reads it. */
const PERMISSIONS: Record<string, string> = {
  'read:space:confluence': 'see spaces',
  'read:page:confluence': 'read pages and blog posts',
  'write:page:confluence': 'create and update pages and blog posts',
  'search:confluence': 'search Confluence',
  'read:comment:confluence': 'read comments',
  'write:comment:confluence': 'add comments',
  'read:user:confluence': "see people's names",
};

/**
 * A call refused for a missing OAuth scope: which permission, who must add it, and how the user gets it. What the
 * connection still allows keeps working, and the draft is kept for "retry" once it is granted.
 */
export function missingPermission(scope: string, mode: 'user' | 'preauthorized'): string {
  const what = PERMISSIONS[scope] ?? 'do this';
  const permission = `**${what}** (\`${scope.replace(/[^a-z:._-]/gi, '')}\`)`;
  const fix =
    mode === 'user'
      ? 'An administrator must add it to the Atlassian app of this bot; then say **sign out** and **retry**, and sign in again to grant it.'
      : 'An administrator must add it to the Atlassian app of this bot and authorize the shared connection again (`npm run admin -- authorize`); then say **retry**.';
  return `Confluence did not let me ${what}: this connection was not given the permission to ${permission}. ${fix} Everything else keeps working, and your request is kept.`;
}

/** How many of a body's first non-empty lines the confirmation shows, and how much of each. */
const PREVIEW_LINES = 5;
const PREVIEW_LINE_LENGTH = 120;

/**
 * The body as the confirmation shows it: its first non-empty lines, as typed, in a code block. The Markdown source
 * rather than its rendering, so a body that lost its line breaks (pasted into a single-line box: the whole page one
 * heading) is seen as the one line it is before Create.
 */
function bodyPreview(body: string): string {
  const lines = body.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return '(empty)';
  const shown = lines
    .slice(0, PREVIEW_LINES)
    .map((line) => [...line])
    .map((chars) => (chars.length > PREVIEW_LINE_LENGTH ? `${chars.slice(0, PREVIEW_LINE_LENGTH).join('')}…` : chars.join('')));
  // A fence longer than any run of backticks in the lines, so the body cannot close the block early.
  const longestRun = Math.max(0, ...shown.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  const rest = lines.length - shown.length;
  const heading =
    lines.length === 1 ? '1 line:' : rest > 0 ? `${lines.length} lines; the first ${shown.length}:` : `${lines.length} lines:`;
  return [heading, '', fence, ...shown, fence].join('\n');
}

/** `**A**, **B** or **C**` */
function oneOf(labels: string[]): string {
  const shown = labels.map((label) => `**${literal(label)}**`);
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}` : (shown[0] ?? '');
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A space named in a message: `**Name (KEY)**`, both shown as they are. */
export function spaceHeading(space: { name: string; key: string }): string {
  return `**${literal(space.name)} (${literal(space.key)})**`;
}
