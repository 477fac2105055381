/** Browser links built from Confluence's `_links`: these are shown to users as clickable links, so only http(s). */

/** `_links.base + _links.webui`, or undefined when either is missing or would not make an http(s) link on the site. */
export function joinWebUrl(base: string | undefined | null, webui: string | undefined | null): string | undefined {
  if (webui === undefined || webui === null || webui === '' || base === undefined || base === null) return undefined;
  if (!/^https?:\/\/[^/\s]/i.test(base)) return undefined;
  if (!webui.startsWith('/') || webui.startsWith('//')) return undefined;
  return base.replace(/\/+$/, '') + webui;
}
