/**
 * The shapes of the sandbox's grant records (keys in recordLayout.ts). Each carries its own `expiresAt` on the
 * sandbox's clock; the record store's expiry only collects what is past it.
 */
import { z } from 'zod';

const scopes = z.array(z.string());

export const codeGrantSchema = z.object({
  clientId: z.string(),
  redirectUri: z.string(),
  scopes,
  expiresAt: z.number(),
});

/** An access or refresh token. Every token issued from one authorization code shares its `familyId`. */
export const tokenGrantSchema = z.object({
  clientId: z.string(),
  scopes,
  familyId: z.string(),
  expiresAt: z.number(),
});

/** A refresh token that was exchanged: presenting it again is a replay, which revokes its family. */
export const rotatedTokenSchema = z.object({
  clientId: z.string(),
  familyId: z.string(),
  expiresAt: z.number(),
});

export type CodeGrant = z.infer<typeof codeGrantSchema>;
export type TokenGrant = z.infer<typeof tokenGrantSchema>;
export type RotatedToken = z.infer<typeof rotatedTokenSchema>;
/** What the gateway knows about the bearer of an access token. */
export type TokenRecord = TokenGrant;
