/**
 * Authorization requests waiting for the user's Accept or Decline. Kept in memory only, because they carry
 * the client's `state`, which must never reach a data file; a restart simply asks the user to start again.
 * The consent form posts back only the random request id, so the decision cannot be forged from hidden fields.
 */
import { randomBytes } from 'node:crypto';

const CONSENT_TTL_MS = 10 * 60 * 1000;
const MAX_PENDING = 1000;

export interface PendingConsent {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
}

export class ConsentRequests {
  private readonly pending = new Map<string, PendingConsent & { expiresAt: number }>();

  constructor(private readonly now: () => number) {}

  add(request: PendingConsent): string {
    this.prune();
    const id = randomBytes(24).toString('base64url');
    this.pending.set(id, { ...request, expiresAt: this.now() + CONSENT_TTL_MS });
    return id;
  }

  /** Single use. */
  take(id: string): PendingConsent | undefined {
    const request = this.pending.get(id);
    this.pending.delete(id);
    if (request === undefined || request.expiresAt <= this.now()) return undefined;
    return { clientId: request.clientId, redirectUri: request.redirectUri, scopes: request.scopes, state: request.state };
  }

  private prune(): void {
    const now = this.now();
    for (const [id, request] of this.pending) {
      if (request.expiresAt <= now) this.pending.delete(id);
    }
    // A flood of abandoned consent pages must not grow memory without bound; the oldest go first.
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) break;
      this.pending.delete(oldest);
    }
  }
}
