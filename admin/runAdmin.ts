/**
 * The admin CLI's commands, as a function so tests run them in-process. It opens the same database (and key)
 * as the bot; the running bot re-reads the file on every use, so changes apply without a restart.
 * Exit codes: 0 done, 1 the command could not be done, 2 bad arguments (usage on stderr).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AuthService } from '../services/auth/authService.js';
import { ProfileError, ProfileValidationError } from '../services/auth/profiles.js';
import { loadConfig } from '../services/config/config.js';
import { formatProfiles, formatStatus } from './format.js';
import { USAGE } from './usage.js';

export interface AdminIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Wrong arguments: reported with the usage text and exit code 2. */
class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

const PROFILE_ADD_OPTIONS = {
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
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
    const run = commandFor(command, rest);
    const service = await openService(io.env);
    io.stdout.write(await run(service));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof UsageError || error instanceof ProfileValidationError) {
      io.stderr.write(`${error.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    // Our errors say what went wrong and what to do, and never carry a secret; show them without a stack.
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
}

type Command = (service: AuthService) => Promise<string>;

/** Parses the arguments before anything is opened, so bad arguments never touch the database. */
function commandFor(command: string, rest: string[]): Command {
  switch (command) {
    case 'profile':
      return profileCommand(rest);
    case 'use':
      return useCommand(rest);
    case 'authorize':
      parse(rest, {}, 0);
      return authorizeCommand;
    case 'status':
      parse(rest, {}, 0);
      return async (service) => formatStatus(await service.status());
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

function profileCommand(rest: string[]): Command {
  const [action, ...args] = rest;
  switch (action) {
    case 'add': {
      const { values, positionals } = parse(args, PROFILE_ADD_OPTIONS, 1);
      const required = ['client-id', 'client-secret', 'authorization-url', 'token-url', 'refresh-token-url'] as const;
      const missing = required.filter((name) => values[name] === undefined);
      if (missing.length > 0) throw new UsageError(`profile add: missing ${missing.map((name) => `--${name}`).join(', ')}.`);
      const scopes = values.scopes?.split(/\s+/).filter(Boolean);
      if (scopes !== undefined && scopes.length === 0) throw new UsageError('profile add: --scopes must name at least one scope.');
      return async (service) => {
        const added = await service.profiles.add({
          name: positionals[0]!,
          clientId: values['client-id']!,
          clientSecret: values['client-secret']!,
          authorizationUrl: values['authorization-url']!,
          tokenUrl: values['token-url']!,
          refreshTokenUrl: values['refresh-token-url']!,
          scopes,
        });
        return `Added profile "${added.name}" (scopes: ${added.scopes.join(' ')}). Make it active with: use ${added.name} --mode <user|preauthorized>\n`;
      };
    }
    case 'list':
      parse(args, {}, 0);
      return async (service) => formatProfiles(await service.profiles.list());
    case 'remove': {
      const { positionals } = parse(args, {}, 1);
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

function useCommand(rest: string[]): Command {
  const { values, positionals } = parse(rest, USE_OPTIONS, 1);
  const mode = values.mode;
  if (mode !== 'user' && mode !== 'preauthorized') throw new UsageError('use: --mode must be user or preauthorized.');
  const name = positionals[0]!;
  return async (service) => {
    const settings = await service.settings.use(name, mode);
    let text = `Active: ${settings.type} profile "${settings.profileName}", ${settings.mode} mode.\n`;
    if (mode === 'preauthorized' && !(await service.status()).sharedToken.stored) {
      text += 'No shared token is stored for this profile yet: run "authorize" and open the link it prints.\n';
    }
    return text;
  };
}

async function authorizeCommand(service: AuthService): Promise<string> {
  const link = await service.createPreauthorizationLink();
  const { profileName } = await service.describe();
  return (
    `Open this link in a browser before ${link.expiresAt.toISOString()} and approve access for profile "${profileName}".\n` +
    'The running bot receives the callback and stores the shared token (check with: status).\n\n' +
    `${link.url}\n`
  );
}

function parse<T extends Options>(args: string[], options: T, positionalCount: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's own messages name the option, e.g. "Unknown option '--foo'"; keep their first sentence only.
    throw new UsageError((error as Error).message.split('\n')[0]!);
  }
  if (parsed.positionals.length !== positionalCount) {
    throw new UsageError(
      positionalCount === 0 ? 'This command takes no other arguments.' : `Expected ${positionalCount} name, got ${parsed.positionals.length}.`,
    );
  }
  return parsed;
}

async function openService(env: NodeJS.ProcessEnv): Promise<AuthService> {
  return AuthService.open({ config: loadConfig(env) });
}
