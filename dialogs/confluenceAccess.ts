/**
 * Runs a Confluence call as the person who sent the turn: shows that the bot is working, gets the connection for the
 * active authorization, and when Confluence refuses the access token (expired early, revoked) refreshes it once and
 * tries again before giving up.
 */
import type { TurnContext } from 'botbuilder';
import type { Connection, Connector, Requester } from '../services/auth/types.js';
import { ConfluenceError } from '../services/confluence/errors.js';
import type { ConfluenceApi, ConfluenceTarget, CreateRights } from '../services/confluence/types.js';
import { requesterOf } from './requester.js';
import { showTyping } from './typing.js';

/** Per turn: the same space is asked about once, however many steps of the turn need to know. */
const CREATE_RIGHTS = Symbol('createRights');

type NotConnected = Exclude<Connection, { status: 'connected' }>;

/** The requester has no usable token: the dialog must send them to sign in (or tell them an admin must act). */
export class NotConnectedError extends Error {
  constructor(readonly connection: NotConnected) {
    super(`Not connected to Confluence: ${connection.status}`);
    this.name = 'NotConnectedError';
  }
}

/**
 * Confluence refused a call because the token lacks the OAuth scope it needs (an older sign-in, or a profile with
 * fewer scopes). Refreshing cannot help: an administrator must add the scope and the token be granted again.
 */
export class MissingPermissionError extends Error {
  constructor(
    readonly scope: string,
    readonly mode: 'user' | 'preauthorized',
  ) {
    super(`The Confluence token lacks the scope ${scope}`);
    this.name = 'MissingPermissionError';
  }
}

export class ConfluenceAccess {
  constructor(
    readonly connector: Connector,
    readonly confluence: ConfluenceApi,
  ) {}

  async run<T>(context: TurnContext, cloudId: string, work: (api: ConfluenceApi, target: ConfluenceTarget) => Promise<T>): Promise<T> {
    await showTyping(context);
    const requester = requesterOf(context);
    const first = await this.connection(requester);
    try {
      return await work(this.confluence, { apiUrl: first.apiUrl, cloudId, accessToken: first.accessToken });
    } catch (error) {
      throwIfMissingScope(error, first.mode);
      if (!(error instanceof ConfluenceError) || error.kind !== 'unauthorized') throw error;
    }
    const refreshed = await this.connection(requester, true);
    try {
      return await work(this.confluence, { apiUrl: refreshed.apiUrl, cloudId, accessToken: refreshed.accessToken });
    } catch (error) {
      throwIfMissingScope(error, refreshed.mode);
      if (error instanceof ConfluenceError && error.kind === 'unauthorized') {
        // A token Confluence keeps refusing after a fresh refresh is useless; in user mode drop it so the
        // next attempt asks for a new sign-in instead of failing the same way.
        if (refreshed.mode === 'user') await this.connector.signOut(requester);
        throw new NotConnectedError(
          refreshed.mode === 'user'
            ? { status: 'sign-in-required', reason: 'refresh-refused', mode: 'user', profileName: refreshed.profileName }
            : { status: 'admin-action-required', reason: 'refresh-refused', mode: 'preauthorized', profileName: refreshed.profileName },
        );
      }
      throw error;
    }
  }

  /**
   * What the user may create in the space, asked of Confluence once per turn and space. Not kept longer: a space
   * administrator may grant the permission while the user is deciding. Rejects like `run` (ConfluenceError,
   * NotConnectedError); a failure is not cached.
   */
  async createRights(context: TurnContext, cloudId: string, spaceId: string): Promise<CreateRights> {
    let cache = context.turnState.get(CREATE_RIGHTS) as Map<string, CreateRights> | undefined;
    if (cache === undefined) {
      cache = new Map();
      context.turnState.set(CREATE_RIGHTS, cache);
    }
    const key = `${cloudId} ${spaceId}`;
    const known = cache.get(key);
    if (known !== undefined) return known;
    const rights = await this.run(context, cloudId, (api, target) => api.createRights(target, spaceId));
    cache.set(key, rights);
    return rights;
  }

  private async connection(requester: Requester, forceRefresh = false): Promise<Extract<Connection, { status: 'connected' }>> {
    const connection = await this.connector.getConnection(requester, { forceRefresh });
    if (connection.status !== 'connected') throw new NotConnectedError(connection);
    return connection;
  }
}

function throwIfMissingScope(error: unknown, mode: 'user' | 'preauthorized'): void {
  if (error instanceof ConfluenceError && error.kind === 'missing-scope') throw new MissingPermissionError(error.scope ?? 'unknown', mode);
}
