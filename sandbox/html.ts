/** Escaping and sending of the sandbox's HTML, with headers that keep scripts out. */
import type { Response } from 'restify';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** For our own pages: no scripts, no framing (the consent page must not be clickjacked). */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

/** For pages that embed stored content: also a sandboxed document, so no forms, popups or navigation either. */
export const CONTENT_CSP = `${PAGE_CSP}; form-action 'none'; sandbox`;

export function sendHtml(res: Response, status: number, html: string, csp: string = PAGE_CSP): void {
  res.sendRaw(status, html, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // Authorize URLs carry `state`; never leak them to another origin.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  });
}

export function redirect(res: Response, location: string): void {
  res.sendRaw(302, '', { Location: location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
}
