/**
 * The sandbox's consent page names the app the way a person knows it (the system app, or the admin's profile),
 * never by a bare client id, and it learns the name from the bot's app registry (app.ts sandboxClientResolver).
 */
import { CUSTOM_PROFILE, createWorld, type World } from '../../helpers/world.js';

async function consentPageOf(world: World): Promise<string> {
  const link = await world.auth.createPreauthorizationLink();
  const providerUrl = await world.auth.beginAuthorization(new URL(link.url).searchParams.get('id')!);
  const response = await fetch(providerUrl!);
  expect(response.status).toBe(200);
  return response.text();
}

describe('the sandbox consent page', () => {
  it.each([
    ['system' as const, 'Confluence assistant (system app) wants to access your Confluence', 'sandbox-system-app'],
    ['custom' as const, `Confluence assistant (profile &quot;${CUSTOM_PROFILE}&quot;) wants to access your Confluence`, 'corporate-app'],
  ])('names the %s app by its display name, not its client id', async (type, heading, clientId) => {
    const world = await createWorld({ type, mode: 'preauthorized' });
    try {
      const html = await consentPageOf(world);
      expect(html).toContain(`<h1>${heading}</h1>`);
      expect(html).not.toMatch(new RegExp(`<h1>[^<]*${clientId}`));
    } finally {
      await world.close();
    }
  });
});
