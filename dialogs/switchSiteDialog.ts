/** "switch site" when no conversation is running: choose which of the user's sites to use from now on. */
import {
  ChoiceFactory,
  ComponentDialog,
  DialogTurnResult,
  FoundChoice,
  WaterfallDialog,
  WaterfallStepContext,
} from './dialogsLib.js';
import type { Connector } from '../services/auth/types.js';
import type { ConfluenceSite } from '../services/confluence/types.js';
import { messages } from './messages.js';
import { requesterOf } from './requester.js';
import { StrictChoicePrompt } from './strictChoicePrompt.js';
import type { SitePreference } from './sitePreference.js';

export const SWITCH_SITE_DIALOG = 'switchSiteDialog';
const CHOICE = 'siteChoice';

export class SwitchSiteDialog extends ComponentDialog {
  constructor(
    private readonly connector: Connector,
    private readonly sitePreference: SitePreference,
  ) {
    super(SWITCH_SITE_DIALOG);
    this.addDialog(new StrictChoicePrompt(CHOICE)).addDialog(
      new WaterfallDialog(`${SWITCH_SITE_DIALOG}Steps`, [this.askStep.bind(this), this.saveStep.bind(this)]),
    );
    this.initialDialogId = `${SWITCH_SITE_DIALOG}Steps`;
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const connection = await this.connector.getConnection(requesterOf(step.context));
    if (connection.status !== 'connected') {
      await step.context.sendActivity(messages.switchSiteSignInFirst);
      return step.endDialog();
    }
    if (connection.sites.length <= 1) {
      await step.context.sendActivity(messages.onlyOneSite(connection.sites[0]?.name));
      return step.endDialog();
    }
    (step.values as { sites: ConfluenceSite[] }).sites = connection.sites;
    return step.prompt(CHOICE, {
      prompt: messages.chooseSiteToUse,
      choices: ChoiceFactory.toChoices(connection.sites.map((site) => site.name)),
    });
  }

  private async saveStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const site = (step.values as { sites: ConfluenceSite[] }).sites[(step.result as FoundChoice).index]!;
    await this.sitePreference.set(step.context, site.cloudId);
    await step.context.sendActivity(messages.siteSwitched(site.name));
    return step.endDialog();
  }
}
