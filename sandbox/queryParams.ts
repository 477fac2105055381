/**
 * Reading v2 query parameters from restify's parsed `req.query` (qs: a repeated name gives an array).
 * Bad values throw BadRequest, which the route turns into Confluence's 400.
 */
import { z } from 'zod';

export class BadRequest extends Error {
  constructor(readonly title: string) {
    super(title);
    this.name = 'BadRequest';
  }
}

export type Query = Record<string, unknown>;

const rawValue = z.union([z.string(), z.array(z.string())]).optional();

function raw(query: Query, name: string): string | string[] | undefined {
  const parsed = rawValue.safeParse(query[name]);
  if (!parsed.success) throw new BadRequest(`Invalid value for parameter '${name}'`);
  return parsed.data;
}

export function asQuery(value: unknown): Query {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Query) : {};
}

export function singleString(query: Query, name: string): string | undefined {
  const value = raw(query, name);
  if (Array.isArray(value)) throw new BadRequest(`Parameter '${name}' may be given only once`);
  return value;
}

/** Accepts both `name=a,b` and `name=a&name=b` (and a mix); empty items are dropped. */
export function stringList(query: Query, name: string, maxItems: number): string[] | undefined {
  const value = raw(query, name);
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value])
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length > maxItems) throw new BadRequest(`Parameter '${name}' accepts at most ${maxItems} values`);
  return items;
}

export function idList(query: Query, name: string, maxItems: number): string[] | undefined {
  const ids = stringList(query, name, maxItems);
  if (ids?.some((id) => !/^\d{1,18}$/.test(id))) throw new BadRequest(`Parameter '${name}' must hold numeric ids`);
  return ids;
}

export function enumValue<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const value = singleString(query, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new BadRequest(`Invalid value for parameter '${name}'`);
  return value as T;
}

export function enumList<T extends string>(query: Query, name: string, allowed: readonly T[]): T[] | undefined {
  const values = stringList(query, name, allowed.length);
  if (values?.some((value) => !(allowed as readonly string[]).includes(value))) {
    throw new BadRequest(`Invalid value for parameter '${name}'`);
  }
  return values as T[] | undefined;
}

export function booleanParam(query: Query, name: string): boolean {
  const value = enumValue(query, name, ['true', 'false'] as const);
  return value === 'true';
}

/** Every v2 list: default 25, from 1 to 250. */
export function limitParam(query: Query): number {
  const value = singleString(query, 'limit');
  if (value === undefined) return 25;
  const limit = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > 250) {
    throw new BadRequest("Parameter 'limit' must be an integer between 1 and 250");
  }
  return limit;
}
