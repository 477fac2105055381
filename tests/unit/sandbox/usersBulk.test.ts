import { SANDBOX_COLLEAGUE, SANDBOX_USER } from '../../../sandbox/index.js';
import { validateRequestBody } from '../../helpers/openapiValidator.js';
import { errorTitle, setUp, type Setup } from './contentActionsSetup.js';
import { ALL_SCOPES, signIn } from './sandboxHarness.js';

describe('sandbox POST /users-bulk', () => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await setUp();
  });

  afterAll(async () => {
    await setup.harness.close();
  });

  it('names the signed-in user (who wrote the seeded content) and the colleague, leaving unknown ids out', async () => {
    const page = await setup.content('Getting started');
    const read = await setup.call('GET', `/pages/${page.id}`, '/pages/{id}');
    const request = { accountIds: [read.body.authorId as string, SANDBOX_COLLEAGUE.accountId, 'unknown-account', SANDBOX_USER.accountId] };
    expect(validateRequestBody('POST', '/users-bulk', request)).toEqual([]);
    const { status, body } = await setup.call('POST', '/users-bulk', '/users-bulk', request);
    expect(status).toBe(200);
    expect(body.results).toEqual([
      expect.objectContaining({ accountId: SANDBOX_USER.accountId, displayName: 'Sandbox User', accountType: 'atlassian', accountStatus: 'active' }),
      expect.objectContaining({ accountId: SANDBOX_COLLEAGUE.accountId, displayName: SANDBOX_COLLEAGUE.displayName }),
    ]);
    expect(body._links).toEqual({ base: `${setup.harness.url}/sandbox/wiki` });
    const none = await setup.call('POST', '/users-bulk', '/users-bulk', { accountIds: ['nobody'] });
    expect(none.body.results).toEqual([]);
  });

  it('answers 400 for no ids, an empty list, more than 250 or ids that are not text', async () => {
    for (const request of [{}, { accountIds: [] }, { accountIds: Array.from({ length: 251 }, (_, i) => `id-${i}`) }, { accountIds: [1] }]) {
      const answer = await setup.call('POST', '/users-bulk', '/users-bulk', request);
      expect(answer.status).toBe(400);
      expect(errorTitle(answer)).toBe('Invalid request');
    }
  });

  it('needs read:user:confluence', async () => {
    const pagesOnly = (await signIn(setup.harness, ALL_SCOPES)).access_token;
    const answer = await setup.call('POST', '/users-bulk', '/users-bulk', { accountIds: [SANDBOX_USER.accountId] }, pagesOnly);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-failure-category')).toBe('FAILURE_CLIENT_SCOPE_CHECK');
  });
});
