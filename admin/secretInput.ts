/**
 * Reads a client secret without it ever being a command-line argument (which every user of the machine can see
 * in the process list, and which lands in shell history): typed at a prompt with the echo off when a terminal is
 * attached, otherwise the first line of piped standard input, or the contents of a file.
 */
import { readFile } from 'node:fs/promises';

/** What the CLI needs of `process.stdin`; tests hand in a stream of their own. */
export interface SecretStdin extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

/** The secret could not be read; the message says why and what to do. */
export class SecretInputError extends Error {}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = /^[\u0008\u007f]$/;

/** From a terminal, with the echo off; otherwise one line from the pipe. */
export function readSecretFromStdin(stdin: SecretStdin, prompt: { write(text: string): unknown }, label: string): Promise<string> {
  if (stdin.isTTY === true && typeof stdin.setRawMode === 'function') {
    prompt.write(`${label} (typing is not shown; Enter to finish): `);
    return readHidden(stdin, prompt);
  }
  return readFirstLine(stdin);
}

export async function readSecretFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SecretInputError(`Could not read the client secret from ${file} (${code}). Check the path and that you may read the file.`);
  }
  // Editors and `echo` end a file with a newline that is not part of the secret.
  return text.replace(/\r?\n$/, '');
}

function readHidden(stdin: SecretStdin, prompt: { write(text: string): unknown }): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let secret = '';
    const finish = (error?: Error): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      prompt.write('\n');
      if (error === undefined) resolve(secret);
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n' || char === CTRL_D) return finish();
        if (char === CTRL_C) return finish(new SecretInputError('Cancelled: no profile was added.'));
        if (BACKSPACE.test(char)) secret = [...secret].slice(0, -1).join('');
        else if (char >= ' ') secret += char;
      }
    };
    const onEnd = (): void => finish();
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
  });
}

/** One line of standard input (typed, with echo, or piped), without its line break. */
export function readFirstLine(stdin: SecretStdin): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const finish = (): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', finish);
      stdin.removeListener('error', onError);
      // Only the first line is ours; stop reading so the process can exit with the rest unread.
      stdin.pause();
      resolve(text.replace(/\r?\n[\s\S]*$/, ''));
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n')) finish();
    };
    const onError = (error: Error): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', finish);
      reject(new SecretInputError(`Could not read standard input: ${error.message}`));
    };
    stdin.on('data', onData);
    stdin.once('end', finish);
    stdin.once('error', onError);
    stdin.resume();
  });
}
