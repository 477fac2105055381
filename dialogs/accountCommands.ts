/** "status" and "sign out": answers that work at any step, and when no dialog is running. */
import type { Connector, Requester } from '../services/auth/types.js';
import { OAuthUnavailableError } from './failures.js';
import { linkTarget, literal } from './markdownText.js';
import { connectionLine, messages } from './messages.js';

export async function statusMessage(connector: Connector, requester: Requester): Promise<string> {
  const info = await connector.describe();
  const how = connectionLine(info);
  let connection;
  try {
    connection = await connector.getConnection(requester);
  } catch (error) {
    if (error instanceof OAuthUnavailableError) return `${how}\n\n${messages.statusCannotCheck}`;
    throw error;
  }
  switch (connection.status) {
    case 'connected': {
      const sites = connection.sites.map((site) => `**${literal(site.name)}** (${linkTarget(site.url) ?? literal(site.url)})`);
      return `${how}\n\n${messages.statusConnected(connection.mode, sites)}`;
    }
    case 'sign-in-required':
      return `${how}\n\n${messages.statusSignInRequired(connection.reason === 'refresh-refused')}`;
    case 'admin-action-required':
      return `${how}\n\n${messages.sharedConnectionStatus(connection.reason)}`;
  }
}

export async function signOutMessage(connector: Connector, requester: Requester): Promise<string> {
  const info = await connector.describe();
  if (info.mode === 'preauthorized') {
    return messages.nothingToSignOutOf;
  }
  const forgotten = await connector.signOut(requester);
  return forgotten ? messages.signedOut : messages.notSignedIn;
}
