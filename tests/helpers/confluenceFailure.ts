/** The ConfluenceError a client call rejects with; with `secret`, also that nothing of the error carries it. */
import { inspect } from 'node:util';
import { ConfluenceError } from '../../services/confluence/errors.js';

export async function failureOf(call: Promise<unknown>, secret?: string): Promise<ConfluenceError> {
  const error = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ConfluenceError);
  const failure = error as ConfluenceError;
  if (secret !== undefined) {
    expect(failure.message).not.toContain(secret);
    expect(inspect(failure, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(failure)).not.toContain(secret);
  }
  return failure;
}
