/** "status" and "sign out": answers that work at any step, and when no dialog is running. */
import type { Connector, Requester } from '../services/auth/types.js';
import { OAuthUnavailableError } from '../services/auth/oauthClient.js';
import { linkTarget, literal } from './markdownText.js';
import { connectionLine } from './messages.js';

export async function statusMessage(connector: Connector, requester: Requester): Promise<string> {
  const info = await connector.describe();
  const how = connectionLine(info);
  let connection;
  try {
    connection = await connector.getConnection(requester);
  } catch (error) {
    if (error instanceof OAuthUnavailableError) return `${how}\n\nI cannot check your connection right now: Atlassian's sign-in service is not responding.`;
    throw error;
  }
  switch (connection.status) {
    case 'connected': {
      const sites = connection.sites.map((site) => `**${literal(site.name)}** (${linkTarget(site.url) ?? literal(site.url)})`).join(', ');
      const whose = connection.mode === 'user' ? 'You are signed in' : 'The shared connection is authorized';
      return `${how}\n\n${whose}; Confluence site${connection.sites.length === 1 ? '' : 's'}: ${sites || 'none'}.`;
    }
    case 'sign-in-required':
      return `${how}\n\nYou are not signed in${connection.reason === 'refresh-refused' ? ' (your last sign-in expired or was revoked)' : ''}; I will ask you to sign in when you create content or list pages.`;
    case 'admin-action-required':
      return `${how}\n\nThe shared connection is not authorized${connection.reason === 'refresh-refused' ? ' any more' : ' yet'}; an administrator must run \`npm run admin -- authorize\`.`;
  }
}

export async function signOutMessage(connector: Connector, requester: Requester): Promise<string> {
  const info = await connector.describe();
  if (info.mode === 'preauthorized') {
    return 'This bot uses a shared Confluence connection managed by an administrator, so there is nothing for you to sign out of.';
  }
  const forgotten = await connector.signOut(requester);
  return forgotten
    ? 'Signed out: I forgot your Confluence sign-in. I will ask you to sign in again next time.'
    : 'You were not signed in, so there was nothing to forget.';
}
