/**
 * Binds an Azure Direct Line conversation to the browser that opened it, with no server memory (so any instance
 * behind a load balancer can check it): the ticket is an HMAC of the browser's user id and the conversation id,
 * under a key derived from the encryption key for this purpose only (services/crypto/keyDerivation.ts). The page
 * keeps it with the conversation id and shows both on reload; a ticket made for another browser, another
 * conversation, or by anyone without the key does not verify, so knowing a conversation id is not enough to join it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export class ResumeTickets {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('ResumeTickets: the signing key must be at least 32 bytes');
  }

  /** `userId` is the Direct Line user (`dl_<browser id>`); neither it nor a browser id contains `|`. */
  issue(userId: string, conversationId: string): string {
    return createHmac('sha256', this.key).update(`${userId}|${conversationId}`).digest('base64url');
  }

  verify(userId: string, conversationId: string, ticket: string): boolean {
    const expected = Buffer.from(this.issue(userId, conversationId));
    const given = Buffer.from(ticket);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
