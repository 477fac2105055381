/**
 * Structured logging with secrets redacted by construction: any field whose name looks like a credential is masked
 * before it is written, whatever the caller passes, and so is the query string of a sign-in URL (our `/oauth/*`
 * routes, a provider's `authorize`) and any `code`, `state` or link `id` parameter in any text.
 *
 * Two formats of the same redacted record: `json` (one JSON object a line, for machines) and `pretty` (the message
 * first, then `key=value`, for a person at a terminal). Redaction happens before formatting, so both hide the same.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

const SECRET_FIELD = /(token|secret|password|authorization|cookie|^code$|^state$|assertion|key)/i;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (line: string) => void;

export const stdoutSink: LogSink = (line) => process.stdout.write(line + '\n');

export function createLogger(level: LogLevel = 'info', sink: LogSink = stdoutSink, base: Record<string, unknown> = {}, format: LogFormat = 'json'): Logger {
  const write = (at: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (ORDER[at] < ORDER[level]) return;
    const record = { time: new Date().toISOString(), level: at, msg: redactText(message), ...redact({ ...base, ...fields }) };
    sink(format === 'json' ? JSON.stringify(record) : prettyLine(record));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger(level, sink, { ...base, ...fields }, format),
  };
}

/**
 * `12:03:04 Open http://localhost:3978 …  sandbox=true`: the time of day, the level only when it is not info, the
 * message, then the other fields. Fields come already redacted; strings with spaces or quotes are JSON-quoted.
 */
function prettyLine(record: { time: string; level: LogLevel; msg: string } & Record<string, unknown>): string {
  const { time, level, msg, ...fields } = record;
  const parts = [time.slice(11, 19), ...(level === 'info' ? [] : [level.toUpperCase()]), msg];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(`${key}=${typeof value === 'string' && /^[^\s"'=]+$/.test(value) ? value : JSON.stringify(value)}`);
  }
  return parts.join(' ');
}

export function redact(value: unknown, depth = 0): Record<string, unknown> {
  return redactValue(value, depth) as Record<string, unknown>;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > 6) return '[deep]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_FIELD.test(key) && inner !== undefined && inner !== null && typeof inner !== 'boolean' ? '[redacted]' : redactValue(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/**
 * A sign-in link id, `state` or `code` in a log is a working credential for minutes (a logged link was replayed
 * 12 s later), so these are masked wherever they appear in text: an error message, a URL someone logged, a
 * framework's request line. Whole query strings of sign-in paths go, since any parameter there may be one.
 */
const SIGN_IN_QUERY = /(\/(?:oauth\/[\w\-/.]*|[\w\-/.]*authorize))\?[^\s"'<>`]*/gi;
const SIGN_IN_QUERY_ENCODED = /(%2Foauth%2F[\w\-.%]*?|authorize)%3F[^\s"'<>`&]*/gi;
const SECRET_PARAMETER = /([?&;](?:code|state|id|error|error_description)=)[^&\s"'<>`#]*/gi;
const SECRET_PARAMETER_ENCODED = /((?:%3F|%26)(?:code|state|id)%3D)[^&\s"'<>`]*?(?=%26|&|[\s"'<>`]|$)/gi;

export function redactText(text: string): string {
  return text
    .replace(SIGN_IN_QUERY, '$1?[redacted]')
    .replace(SIGN_IN_QUERY_ENCODED, '$1%3F[redacted]')
    .replace(SECRET_PARAMETER, '$1[redacted]')
    .replace(SECRET_PARAMETER_ENCODED, '$1[redacted]');
}

export const silentLogger: Logger = createLogger('silent');
