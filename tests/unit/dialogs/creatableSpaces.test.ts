/**
 * Which spaces a create conversation asks Confluence about, and how often: one operations request per space and
 * turn (ConfluenceAccess.createRights), only as many spaces as the buttons need, and an unanswerable check that
 * leaves the space on offer (Create still catches a refusal).
 */
import { TestAdapter, TurnContext } from 'botbuilder';
import { ConfluenceAccess } from '../../../dialogs/confluenceAccess.js';
import { creatableSpaces } from '../../../dialogs/creatableSpaces.js';
import { ConfluenceError } from '../../../services/confluence/errors.js';
import type { Connection, Connector } from '../../../services/auth/types.js';
import type { ConfluenceApi, CreateRights, Space } from '../../../services/confluence/types.js';
import { silentLogger } from '../../../services/logging/logger.js';

const CONNECTED: Connection = {
  status: 'connected',
  accessToken: 'at-secret',
  apiUrl: 'http://127.0.0.1:1',
  sites: [{ cloudId: 'c1', name: 'Site', url: 'http://127.0.0.1:1' }],
  type: 'system',
  mode: 'preauthorized',
  profileName: 'default',
} as Connection;

function setup(rightsOf: (spaceId: string) => CreateRights | ConfluenceError) {
  const asked: string[] = [];
  const api = {
    createRights: async (_target: unknown, spaceId: string): Promise<CreateRights> => {
      asked.push(spaceId);
      const answer = rightsOf(spaceId);
      if (answer instanceof ConfluenceError) throw answer;
      return answer;
    },
  } as unknown as ConfluenceApi;
  const connector = { getConnection: async () => CONNECTED } as unknown as Connector;
  const access = new ConfluenceAccess(connector, api);
  const newTurn = (): TurnContext => new TurnContext(new TestAdapter(), { type: 'message', text: 'create page', channelId: 'test', conversation: { id: 'c' }, from: { id: 'u' } } as never);
  return { access, asked, newTurn };
}

const spaces: Space[] = Array.from({ length: 40 }, (_, index) => ({ id: String(index + 1), key: `S${index + 1}`, name: `Space ${index + 1}` }));
const yes: CreateRights = { page: true, blogpost: true };
const no: CreateRights = { page: false, blogpost: false };

describe('creatableSpaces', () => {
  it('drops read-only spaces and stops asking once the buttons are full, offering the rest unchecked', async () => {
    const { access, asked, newTurn } = setup((id) => (Number(id) % 2 === 0 ? no : yes));
    const offered = await creatableSpaces(access, silentLogger, newTurn(), 'c1', spaces, 'page', 3);
    expect(offered.spaces.slice(0, 3).map((space) => space.key)).toEqual(['S1', 'S3', 'S5']);
    expect(offered.spaces.map((space) => space.key)).not.toContain('S2');
    expect(asked).toHaveLength(5);
    expect(offered.total).toBe(offered.spaces.length);
  });

  it('asks about each space once per turn, and again in a new turn', async () => {
    const { access, asked, newTurn } = setup(() => yes);
    const turn = newTurn();
    await access.createRights(turn, 'c1', '7');
    await creatableSpaces(access, silentLogger, turn, 'c1', spaces.slice(0, 8), undefined, 10);
    expect(asked.filter((id) => id === '7')).toHaveLength(1);
    await access.createRights(newTurn(), 'c1', '7');
    expect(asked.filter((id) => id === '7')).toHaveLength(2);
  });

  it('keeps a space whose check failed on offer, and drops one that is gone', async () => {
    const { access, newTurn } = setup((id) =>
      id === '1' ? new ConfluenceError('unavailable', 'down') : id === '2' ? new ConfluenceError('not-found', 'gone') : no,
    );
    const offered = await creatableSpaces(access, silentLogger, newTurn(), 'c1', spaces.slice(0, 3), 'blogpost', 10);
    expect(offered.spaces.map((space) => space.key)).toEqual(['S1']);
  });

  it('offers a space allowing only blog posts for a blog post or an undecided type, not for a page', async () => {
    const { access, newTurn } = setup(() => ({ page: false, blogpost: true }));
    const one = spaces.slice(0, 1);
    expect((await creatableSpaces(access, silentLogger, newTurn(), 'c1', one, 'blogpost', 10)).spaces).toHaveLength(1);
    expect((await creatableSpaces(access, silentLogger, newTurn(), 'c1', one, undefined, 10)).spaces).toHaveLength(1);
    expect((await creatableSpaces(access, silentLogger, newTurn(), 'c1', one, 'page', 10)).spaces).toHaveLength(0);
  });
});
