/** botbuilder-dialogs' memory configuration is built on the first turn and handed to every later one. */
import { ConversationState, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { DialogSet, DialogState, WaterfallDialog } from 'botbuilder-dialogs';
import { keepDialogMemoryConfiguration, reuseDialogMemoryConfiguration } from '../../../dialogs/dialogMemory.js';

describe('dialog memory configuration', () => {
  it('is the same object on every turn, and the memory scopes still read each turn', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState'));
    const seen: unknown[] = [];
    const texts: unknown[] = [];
    dialogs.add(
      new WaterfallDialog('echo', [
        async (step) => {
          texts.push(step.state.getValue('turn.activity.text'));
          return step.endDialog();
        },
      ]),
    );
    const adapter = new TestAdapter(async (context: TurnContext) => {
      reuseDialogMemoryConfiguration(context);
      const dc = await dialogs.createContext(context);
      keepDialogMemoryConfiguration(dc);
      seen.push(dc.state.configuration);
      await dc.beginDialog('echo');
      await state.saveChanges(context);
    });
    await adapter.send('first');
    await adapter.send('second');
    expect(seen[1]).toBe(seen[0]);
    expect(texts).toEqual(['first', 'second']);
  });
});
