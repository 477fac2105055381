/**
 * The least an incoming Bot Framework activity must carry for the bot to answer it. Channels always send these;
 * anything else is a malformed or hostile request, answered 400 before it reaches the adapter.
 */
import { z } from 'zod';

const activitySchema = z.object({
  type: z.string().min(1).max(100),
  channelId: z.string().min(1).max(200),
  serviceUrl: z.string().url().max(2000),
  conversation: z.object({ id: z.string().min(1).max(1000) }),
  from: z.object({ id: z.string().min(1).max(1000) }).optional(),
  text: z.string().max(100_000).optional(),
});

/** Undefined when the body is a processable activity; otherwise what is wrong, for the 400 answer. */
export function activityProblem(body: unknown): string | undefined {
  const parsed = activitySchema.safeParse(body);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
}
