/**
 * Read: … → which page (PageDialog) → a card with its title, space, author, last update and its first ~600
 * characters as plain text → "Comment", "Add to this page", or anything else as a new request.
 */
import { ActionTypes, MessageFactory } from 'botbuilder';
import { DialogTurnResult, WaterfallStepContext } from './dialogsLib.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import { storageToText } from '../services/confluence/storageText.js';
import type { ConfluenceApi, ConfluenceTarget, RecentComments } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { rendersCards } from './cards.js';
import { ConfluenceError } from './failures.js';
import { messages } from './messages.js';
import { CommentView, pageCard, pageText, PageView, shortDate } from './pageCards.js';
import { PageDialog } from './pageDialog.js';
import type { ConversationEnd, PageChoice, PageDraft } from './pageDraft.js';
import { followUpFor, READ_PAGE_DIALOG } from './pageFollowUps.js';
import type { SitePreference } from './sitePreference.js';

export { READ_PAGE_DIALOG } from './pageFollowUps.js';

const NEXT_PROMPT = 'readNextPrompt';
const PREVIEW_CHARACTERS = 600;
/** The newest comments the card shows, and how much of each. */
const SHOWN_COMMENTS = 3;
const COMMENT_CHARACTERS = 160;

export class ReadPageDialog extends PageDialog {
  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(READ_PAGE_DIALOG, access, logger, sitePreference);
    this.addDialog(new TextAnswerPrompt(NEXT_PROMPT));
    this.addPageSteps([this.showStep, this.nextStep]);
  }

  private async showStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const page = draft.page!;
    let view: PageView;
    try {
      view = await this.access.run(step.context, draft.site!.cloudId, (api, target) => this.viewOf(api, target, page));
    } catch (error) {
      if (error instanceof ConfluenceError && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        await step.context.sendActivity(messages.pageGone(page.title));
        return step.endDialog({ reroute: false } satisfies ConversationEnd);
      }
      throw error;
    }
    const card = rendersCards(step.context.activity.channelId);
    await step.context.sendActivity(card ? MessageFactory.attachment(pageCard(view)) : pageText(view));
    const buttons = [
      { type: ActionTypes.ImBack, title: messages.commentButton, value: 'comment' },
      { type: ActionTypes.ImBack, title: messages.addToPageButton, value: 'add to this page' },
    ];
    return step.prompt(NEXT_PROMPT, { prompt: MessageFactory.suggestedActions(buttons, messages.afterPage) });
  }

  private async nextStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const followUp = followUpFor(String(step.result ?? ''), () => undefined, draft.site, draft.page);
    if (followUp === undefined || followUp === 'unknown-number') return step.endDialog({ reroute: true } satisfies ConversationEnd);
    return step.endDialog({ followUp } satisfies ConversationEnd);
  }

  /**
   * The page as the card shows it. The author's and commenters' names, and the comments, only when the connection
   * may read them: a card without them is still the page.
   */
  private async viewOf(api: ConfluenceApi, target: ConfluenceTarget, page: PageChoice): Promise<PageView> {
    const ref = { type: page.type, id: page.id };
    // Asked together: the card waits for the slower of the two, not for both one after the other.
    const [content, recent] = await Promise.all([
      api.getContent(target, ref),
      this.optional('comments', () => api.recentComments(target, ref, SHOWN_COMMENTS)),
    ]);
    const accountIds = [content.authorId, ...(recent?.comments ?? []).map((comment) => comment.authorId)].filter((id): id is string => id !== undefined);
    const names = accountIds.length === 0 ? undefined : await this.optional('names', () => api.userNames(target, accountIds));
    const author = content.authorId === undefined ? undefined : names?.get(content.authorId);
    const updated = shortDate(content.version.createdAt);
    const space = page.spaceName && page.spaceKey ? `${page.spaceName} (${page.spaceKey})` : (page.spaceName ?? page.spaceKey);
    const details = [
      space,
      content.type === 'blogpost' ? 'blog post' : undefined,
      author && `by ${author}`,
      updated && `updated ${updated} (version ${content.version.number})`,
    ]
      .filter(Boolean)
      .join(' · ');
    const { text, truncated } = await storageToText(content.storage, PREVIEW_CHARACTERS);
    const shown = text === '' ? messages.emptyPage : truncated ? `${text}\n\n${messages.pageContinues}` : text;
    const comments = recent === undefined ? undefined : commentsView(recent, names);
    return { title: content.title, details, text: shown, webUrl: content.webUrl, ...(comments ? { comments } : {}) };
  }

  /** What a card can go without: undefined when it fails for any reason but an expired token (which signs in again). */
  private async optional<T>(what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof ConfluenceError && error.kind !== 'unauthorized') {
        this.logger.info('page card shown without a part', { part: what, kind: error.kind });
        return undefined;
      }
      throw error;
    }
  }
}

function commentsView(recent: RecentComments, names: Map<string, string> | undefined): PageView['comments'] | undefined {
  const shown: CommentView[] = recent.comments.map((comment) => {
    const by = (comment.authorId && names?.get(comment.authorId)) || messages.someone;
    const when = shortDate(comment.createdAt);
    const { text } = storageToText(comment.storage, COMMENT_CHARACTERS);
    return { heading: when ? `${by} · ${when}` : by, text: text.replace(/\s+/g, ' ') };
  });
  if (shown.length === 0) return undefined;
  return { heading: messages.latestComments, shown, ...(recent.more ? { more: messages.olderComments } : {}) };
}
