/**
 * restify's own log lines (warnings about handlers, formatter errors, whatever a plugin writes) go through our
 * logger, so LOG_LEVEL governs them and the logger's redaction covers them: restify's default logger writes every
 * request's full URL, sign-in link ids and states included, straight to stdout.
 */
import { format } from 'node:util';
import type { Logger } from '../services/logging/logger.js';

type Write = (...args: unknown[]) => boolean;

/** The subset of pino's (and bunyan's) interface restify 11 calls: the level methods and `child`. */
export interface RestifyLog {
  trace: Write;
  debug: Write;
  info: Write;
  warn: Write;
  error: Write;
  fatal: Write;
  child(fields?: Record<string, unknown>): RestifyLog;
}

export function restifyLog(logger: Logger): RestifyLog {
  const at = (method: 'debug' | 'info' | 'warn' | 'error'): Write => (...args) => {
    // Called with no arguments, bunyan-style, restify asks whether the level is on (before building a costly
    // line); answering false skips that work, and restify's trace lines are not worth having.
    if (args.length === 0) return false;
    const [first, ...rest] = args;
    const fields = first !== null && typeof first === 'object' && !(first instanceof Error) ? describe(first as Record<string, unknown>) : undefined;
    const message = fields === undefined ? format(...args) : format(...rest);
    if (first instanceof Error) logger[method](message, { error: first });
    else logger[method](message === '' ? 'restify' : message, fields);
    return true;
  };
  const none: Write = () => false;
  return {
    trace: none,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('error'),
    child: (fields) => restifyLog(fields === undefined ? logger : logger.child(describe(fields))),
  };
}

/** Requests and responses are reduced to what helps: the method, the path without its query, the status. */
function describe(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'req' && value !== null && typeof value === 'object') {
      const req = value as { method?: unknown; url?: unknown };
      out.req = { method: req.method, path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined };
    } else if (key === 'res' && value !== null && typeof value === 'object') {
      out.res = { statusCode: (value as { statusCode?: unknown }).statusCode };
    } else {
      out[key] = value;
    }
  }
  return out;
}
