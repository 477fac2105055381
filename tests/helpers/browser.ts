/**
 * What a person's browser does during sign-in, over real HTTP: follow our short link to the provider, press
 * Accept or Decline on the sandbox's consent page, and follow the redirect back to the bot's callback.
 */
export async function followRedirect(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`expected a redirect from ${new URL(url).pathname}, got ${response.status}: ${await response.text()}`);
  }
  return new URL(location, url).toString();
}

/** Opens the consent page at `authorizeUrl`, submits the decision, and returns where the provider redirects. */
export async function decideOnConsentPage(authorizeUrl: string, decision: 'accept' | 'decline'): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}: ${html}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !request) throw new Error('no consent form on the page');
  const response = await fetch(new URL(decodeEntities(action), authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: decodeEntities(request), decision }).toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (!location) throw new Error(`consent decision answered ${response.status} without a redirect`);
  return new URL(location, authorizeUrl).toString();
}

/** The whole sign-in as a person does it, from the chat's link to the bot's "Connected" page. */
export async function signInThroughBrowser(signInLink: string, decision: 'accept' | 'decline' = 'accept'): Promise<Response> {
  const authorizeUrl = await followRedirect(signInLink);
  const callbackUrl = await decideOnConsentPage(authorizeUrl, decision);
  return fetch(callbackUrl);
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}
