/**
 * Read: … → which page (PageDialog) → a card with its title, space, author, last update and its first ~600
 * characters as plain text → "Comment", "Add to this page", or anything else as a new request.
 */
import { ActionTypes, MessageFactory } from 'botbuilder';
import { DialogTurnResult, WaterfallStepContext } from './dialogsLib.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import { storageToText } from '../services/confluence/storageText.js';
import type { ConfluenceApi, ConfluenceTarget, ContentDetail } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { rendersCards } from './cards.js';
import { ConfluenceError } from './failures.js';
import { messages } from './messages.js';
import { pageCard, pageText, PageView, shortDate } from './pageCards.js';
import { PageDialog } from './pageDialog.js';
import type { ConversationEnd, PageChoice, PageDraft } from './pageDraft.js';
import { followUpFor, READ_PAGE_DIALOG } from './pageFollowUps.js';
import type { SitePreference } from './sitePreference.js';

export { READ_PAGE_DIALOG } from './pageFollowUps.js';

const NEXT_PROMPT = 'readNextPrompt';
const PREVIEW_CHARACTERS = 600;

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

  /** The page as the card shows it; the author's name only when the connection may read people's names. */
  private async viewOf(api: ConfluenceApi, target: ConfluenceTarget, page: PageChoice): Promise<PageView> {
    const content = await api.getContent(target, { type: page.type, id: page.id });
    const author = await this.authorName(api, target, content);
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
    return { title: content.title, details, text: shown, webUrl: content.webUrl };
  }

  private async authorName(api: ConfluenceApi, target: ConfluenceTarget, content: ContentDetail): Promise<string | undefined> {
    const accountId = content.authorId;
    if (accountId === undefined) return undefined;
    try {
      return (await api.userNames(target, [accountId])).get(accountId);
    } catch (error) {
      // A name is a nicety: without the permission to read it (or when it fails), the card goes without.
      if (error instanceof ConfluenceError && error.kind !== 'unauthorized') {
        this.logger.info('author name not shown', { kind: error.kind });
        return undefined;
      }
      throw error;
    }
  }
}
