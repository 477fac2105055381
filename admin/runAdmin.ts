/**
 * The admin CLI's commands, as a function so tests run them in-process. It opens the same database (and key)
 * as the bot; the running bot re-reads the file on every use, so changes apply without a restart.
 * Exit codes: 0 done, 1 the command could not be done, 2 bad arguments (usage on stderr).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AuthService } from '../services/auth/authService.js';
import { ProfileError, ProfileValidationError } from '../services/auth/profiles.js';
import { loadConfig, type Config } from '../services/config/config.js';
import { checkRunningBot } from './botCheck.js';
import { formatProfileCheck, formatProfiles, formatStatus } from './format.js';
import { allPassed, runProfileCheck } from './profileCheck.js';
import { codeIn } from '../services/auth/signInConfirmations.js';
import type { ConfirmOutcome } from '../services/auth/types.js';
import { readFirstLine, readSecretFile, readSecretFromStdin, type SecretStdin } from './secretInput.js';
import { ADMIN, USAGE } from './usage.js';

export interface AdminIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Where `profile add` reads the client secret when no file names it. */
  stdin: SecretStdin;
  env: NodeJS.ProcessEnv;
}

export const CLIENT_SECRET_FLAG_WARNING =
  'Warning: --client-secret puts the secret in the process list and your shell history, where other users of this machine can read it. ' +
  'Next time use --client-secret-file <path>, or leave both out and type or pipe the secret on standard input.\n';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Wrong arguments: reported with the usage text and exit code 2. */
class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

const PROFILE_ADD_OPTIONS = {
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'client-secret-file': { type: 'string' },
  'authorization-url': { type: 'string' },
  'token-url': { type: 'string' },
  'refresh-token-url': { type: 'string' },
  scopes: { type: 'string' },
} satisfies Options;

const USE_OPTIONS = { mode: { type: 'string' } } satisfies Options;

export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io[command === undefined ? 'stderr' : 'stdout'].write(USAGE);
    return command === undefined ? EXIT_USAGE : EXIT_OK;
  }
  try {
    const run = await commandFor(command, rest, io);
    const config = loadConfig(io.env);
    const service = await AuthService.open({ config });
    const output = await run(service, config);
    if (typeof output === 'string') {
      io.stdout.write(output);
      return EXIT_OK;
    }
    io.stdout.write(output.text);
    return output.exitCode;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ProfileValidationError) {
      const message = error instanceof ProfileValidationError ? `profile add: ${inFlagTerms(error.message)}` : error.message;
      io.stderr.write(`${message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    // Our errors say what went wrong and what to do, and never carry a secret; show them without a stack.
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}

/** What a command prints, and with which exit code when it is not always 0 (`test`: 1 when a check failed). */
type CommandOutput = string | { text: string; exitCode: number };
type Command = (service: AuthService, config: Config) => Promise<CommandOutput>;

/** Parses the arguments (and reads a secret) before anything is opened, so bad arguments never touch the database. */
async function commandFor(command: string, rest: string[], io: AdminIo): Promise<Command> {
  switch (command) {
    case 'profile':
      return profileCommand(rest, io);
    case 'use':
      return useCommand(rest);
    case 'authorize':
      parse('authorize', rest, {}, 0);
      return (service, config) => authorizeCommand(service, config, io);
    case 'confirm': {
      const { positionals } = parse('confirm', rest, {}, 1);
      const code = codeIn(positionals[0]!);
      if (code === undefined) throw new UsageError('confirm: expected the 6-digit code shown on the Connected page.');
      return async (service) => describeConfirmation(await service.confirmPreauthorization(code), await service.describe());
    }
    case 'status':
      parse('status', rest, {}, 0);
      return async (service) => formatStatus(await service.status());
    case 'test': {
      const { positionals } = parse('test', rest, {}, rest.length === 0 ? 0 : 1);
      return async (service, config) => {
        const report = await runProfileCheck(service, config, { profileName: positionals[0] });
        return { text: formatProfileCheck(report), exitCode: allPassed(report) ? EXIT_OK : EXIT_FAILED };
      };
    }
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

async function profileCommand(rest: string[], io: AdminIo): Promise<Command> {
  const [action, ...args] = rest;
  switch (action) {
    case 'add': {
      const { values, positionals } = parse('profile add', args, PROFILE_ADD_OPTIONS, 1);
      const required = ['client-id', 'authorization-url', 'token-url', 'refresh-token-url'] as const;
      const missing = required.filter((name) => values[name] === undefined);
      if (missing.length > 0) throw new UsageError(`profile add: missing ${missing.map((name) => `--${name}`).join(', ')}.`);
      const scopes = values.scopes?.split(/\s+/).filter(Boolean);
      if (scopes !== undefined && scopes.length === 0) throw new UsageError('profile add: --scopes must name at least one scope.');
      const clientSecret = await clientSecretFor(values, positionals[0]!, io);
      return async (service) => {
        const added = await service.profiles.add({
          name: positionals[0]!,
          clientId: values['client-id']!,
          clientSecret,
          authorizationUrl: values['authorization-url']!,
          tokenUrl: values['token-url']!,
          refreshTokenUrl: values['refresh-token-url']!,
          scopes,
        });
        return `Added profile "${added.name}" (scopes: ${added.scopes.join(' ')}). Make it active with: ${ADMIN} use ${added.name} --mode <user|preauthorized>\n`;
      };
    }
    case 'list':
      parse('profile list', args, {}, 0);
      return async (service) => formatProfiles(await service.profiles.list());
    case 'remove': {
      const { positionals } = parse('profile remove', args, {}, 1);
      const name = positionals[0]!;
      return async (service) => {
        if (!(await service.profiles.remove(name))) throw new ProfileError(`There is no profile named "${name}".`);
        return `Removed profile "${name}" and the tokens stored for it.\n`;
      };
    }
    default:
      throw new UsageError(action === undefined ? 'profile: say add, list or remove.' : `Unknown profile command "${action}".`);
  }
}

/** From --client-secret-file, else standard input; the old --client-secret still works, with a warning. */
async function clientSecretFor(values: { 'client-secret'?: string; 'client-secret-file'?: string }, name: string, io: AdminIo): Promise<string> {
  const flag = values['client-secret'];
  const file = values['client-secret-file'];
  if (flag !== undefined && file !== undefined) throw new UsageError('profile add: give --client-secret-file or --client-secret, not both.');
  let secret: string;
  let from: string;
  if (flag !== undefined) {
    io.stderr.write(CLIENT_SECRET_FLAG_WARNING);
    [secret, from] = [flag, '--client-secret'];
  } else if (file !== undefined) {
    [secret, from] = [await readSecretFile(file), file];
  } else {
    [secret, from] = [await readSecretFromStdin(io.stdin, io.stderr, `Client secret for profile "${name}"`), 'standard input'];
  }
  if (secret.trim() === '') {
    throw new UsageError(`profile add: the client secret from ${from} is empty. Type it at the prompt, pipe it in, or use --client-secret-file <path>.`);
  }
  return secret;
}

function useCommand(rest: string[]): Command {
  const { values, positionals } = parse('use', rest, USE_OPTIONS, 1);
  const mode = values.mode;
  if (mode !== 'user' && mode !== 'preauthorized') throw new UsageError('use: --mode must be user or preauthorized.');
  const name = positionals[0]!;
  return async (service) => {
    const settings = await service.settings.use(name, mode);
    let text = `Active: ${settings.type} profile "${settings.profileName}", ${settings.mode} mode.\n`;
    if (mode === 'preauthorized' && !(await service.status()).sharedToken.stored) {
      text += `No shared token is stored for this profile yet: run ${ADMIN} authorize and open the link it prints.\n`;
    }
    return text;
  };
}

/**
 * Prints the link. Whoever opens it could approve with their own Atlassian account, so the shared token is stored
 * only once the code from the Connected page comes back here: typed at the prompt (with a terminal), or later with
 * `confirm <code>`.
 */
async function authorizeCommand(service: AuthService, config: Config, io: AdminIo): Promise<string> {
  const link = await service.createPreauthorizationLink();
  const warning = checkRunningBot({ publicUrl: config.publicUrl, sandbox: config.sandbox });
  const { profileName } = await service.describe();
  io.stdout.write(
    `Open this link in a browser before ${link.expiresAt.toISOString()} and approve access for profile "${profileName}".\n` +
      'The Connected page then shows a 6-digit code that confirms it was you.\n\n' +
      `${link.url}\n\n`,
  );
  const mismatch = await warning;
  if (mismatch !== undefined) io.stderr.write(`${mismatch}\n`);
  if (io.stdin.isTTY !== true) return `Then run: ${ADMIN} confirm <code>\n`;
  for (;;) {
    io.stdout.write(`Code from the Connected page (Enter alone to stop here; run ${ADMIN} confirm <code> later): `);
    const typed = (await readFirstLine(io.stdin)).trim();
    if (typed === '') return `Not confirmed yet. Run: ${ADMIN} confirm <code>\n`;
    const code = codeIn(typed);
    if (code === undefined) {
      io.stdout.write('That is not a 6-digit code.\n');
      continue;
    }
    const outcome = await service.confirmPreauthorization(code);
    if (outcome.kind === 'wrong-code' && outcome.attemptsLeft > 0) {
      io.stdout.write(`That code does not match (${outcome.attemptsLeft} left).\n`);
      continue;
    }
    return describeConfirmation(outcome, { profileName });
  }
}

function describeConfirmation(outcome: ConfirmOutcome, active: { profileName: string }): string {
  switch (outcome.kind) {
    case 'signed-in':
      return `The shared Confluence connection of profile "${active.profileName}" is authorized (sites: ${outcome.sites.map((site) => site.name).join(', ') || 'none'}).\n`;
    case 'wrong-code':
      if (outcome.attemptsLeft > 0) throw new Error(`That code does not match (${outcome.attemptsLeft} attempts left). Check the Connected page and try again.`);
      throw new Error(`That code did not match three times, so that authorization was discarded. Run ${ADMIN} authorize again.`);
    case 'nothing-pending':
      throw new Error(
        `No authorization is waiting for a code (a code works for 5 minutes, after the Connected page). Run ${ADMIN} authorize again and open the new link.`,
      );
  }
}

/** Parses one command's arguments; what is wrong is said in the CLI's terms (its flags), not Node's. */
function parse<T extends Options>(command: string, args: string[], options: T, positionalCount: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(describeParseError(command, options, error));
  }
  const got = parsed.positionals;
  if (got.length !== positionalCount) {
    throw new UsageError(
      positionalCount === 0
        ? `${command} takes no other arguments (got ${got.map((value) => JSON.stringify(value)).join(' ')}).`
        : got.length === 0
          ? `${command}: name the ${command === 'confirm' ? 'code' : 'profile'}.`
          : `${command} takes one name, got ${got.length}: ${got.map((value) => JSON.stringify(value)).join(' ')}.`,
    );
  }
  return parsed;
}

/** Node's parseArgs errors (e.g. "Unknown option '--verbose'. To specify a positional argument …") as one plain sentence. */
function describeParseError(command: string, options: Options, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const option = /'(-[^' ]+)/.exec((error as Error).message)?.[1] ?? 'an option';
  const known = Object.entries(options).map(([name, spec]) => (spec.type === 'string' ? `--${name} <value>` : `--${name}`));
  const takes = known.length === 0 ? `${command} takes no options.` : `${command} takes ${known.join(', ')}.`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${command}: unknown option ${option}. ${takes}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') return `${command}: ${option} needs a value.`;
  return `${command}: ${(error as Error).message.split('\n')[0]}`;
}

/** The profile store names its input fields (authorizationUrl); the person typed flags (--authorization-url). */
const FLAG_OF_FIELD: Record<string, string> = {
  name: 'the profile name',
  clientId: '--client-id',
  clientSecret: 'the client secret',
  authorizationUrl: '--authorization-url',
  tokenUrl: '--token-url',
  refreshTokenUrl: '--refresh-token-url',
  scopes: '--scopes',
};

export function inFlagTerms(message: string): string {
  return message.replace(/^(\w+)(?:\.\d+)*: /, (whole, field: string) => (FLAG_OF_FIELD[field] ? `${FLAG_OF_FIELD[field]} ` : whole));
}
