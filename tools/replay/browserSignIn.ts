/**
 * What a person's browser does during sign-in, over real HTTP: open the chat's sign-in link (our `/oauth/start`,
 * which redirects to the provider), press Accept or Decline on the sandbox's consent page, and follow the redirect
 * back to the bot's `/oauth/callback`.
 */
export interface SignInTrail {
  /** The provider's authorize URL (it carries the fresh `state`). */
  authorizeUrl: string;
  /** The bot's callback URL (it carries `state` and the `code`, or an error). */
  callbackUrl: string;
  callbackStatus: number;
  /** The code the Connected page shows when the sign-in waits for confirmation from the chat (or the admin CLI). */
  confirmationCode?: string;
}

export async function signInThroughBrowser(signInLink: string, decision: 'accept' | 'decline' = 'accept'): Promise<SignInTrail> {
  const authorizeUrl = await followRedirect(signInLink);
  const callbackUrl = await decideOnConsentPage(authorizeUrl, decision);
  const callback = await fetch(callbackUrl);
  const page = await callback.text();
  const confirmationCode = /data-code="(\d{6})"/.exec(page)?.[1];
  return { authorizeUrl, callbackUrl, callbackStatus: callback.status, ...(confirmationCode ? { confirmationCode } : {}) };
}

export async function followRedirect(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`expected a redirect from ${new URL(url).pathname}, got ${response.status}`);
  }
  return new URL(location, url).toString();
}

/** Opens the consent page, submits the decision, and returns where the provider redirects the browser. */
export async function decideOnConsentPage(authorizeUrl: string, decision: 'accept' | 'decline'): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`the consent page answered ${page.status}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !request) throw new Error('no consent form on the page (only the sandbox consent page can be automated)');
  const response = await fetch(new URL(decodeEntities(action), authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: decodeEntities(request), decision }).toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (!location) throw new Error(`the consent decision answered ${response.status} without a redirect`);
  return new URL(location, authorizeUrl).toString();
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
