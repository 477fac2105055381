/** The prompts' own base: ask, read the answer, end with it or ask again, as botbuilder's Prompt does for a waterfall. */
import { ActivityTypes, ConversationState, InputHints, MemoryStorage, TestAdapter, TurnContext } from 'botbuilder';
import { DialogSet, DialogState, DialogTurnStatus, WaterfallDialog } from 'botbuilder-dialogs';
import { TextAnswerPrompt } from '../../../dialogs/answerPrompt.js';

function botWith(promptOptions: object) {
  const state = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(state.createProperty<DialogState>('dialogState'));
  const answers: unknown[] = [];
  dialogs.add(new TextAnswerPrompt('text'));
  dialogs.add(
    new WaterfallDialog('ask', [
      async (step) => step.prompt('text', promptOptions),
      async (step) => {
        answers.push(step.result);
        return step.endDialog();
      },
    ]),
  );
  const adapter = new TestAdapter(async (context: TurnContext) => {
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog('ask');
    await state.saveChanges(context);
  });
  return { adapter, answers };
}

describe('AnswerPrompt (TextAnswerPrompt)', () => {
  it('asks, takes a typed answer and ends with it', async () => {
    const { adapter, answers } = botWith({ prompt: 'Title?' });
    await adapter
      .send('start')
      .assertReply((reply) => {
        expect(reply.text).toBe('Title?');
        expect(reply.inputHint).toBe(InputHints.ExpectingInput);
      })
      .send('Release notes')
      .startTest();
    expect(answers).toEqual(['Release notes']);
  });

  it('marks a question given as an activity as expecting input, and asks the retry wording after an empty answer', async () => {
    const { adapter, answers } = botWith({ prompt: { type: ActivityTypes.Message, text: 'Body?' }, retryPrompt: 'Type the body, please.' });
    await adapter
      .send('start')
      .assertReply((reply) => expect([reply.text, reply.inputHint]).toEqual(['Body?', InputHints.ExpectingInput]))
      .send({ type: ActivityTypes.Message, text: '' })
      .assertReply('Type the body, please.')
      .send('- one')
      .startTest();
    expect(answers).toEqual(['- one']);
  });

  it('takes no answer from an activity that is not a message', async () => {
    const { adapter, answers } = botWith({ prompt: 'Title?' });
    await adapter.send('start').assertReply('Title?').send({ type: ActivityTypes.Typing }).send('Now').startTest();
    expect(answers).toEqual(['Now']);
  });
});
