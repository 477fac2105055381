/**
 * Checks JSON bodies against Atlassian's official Confluence v2 OpenAPI document (tests/contract/openapi-v2.v3.json,
 * a verbatim copy of ../shared/contracts/confluence/openapi-v2.v3.json, so CI does not depend on that folder).
 * Paths are the document's own templates, relative to `/wiki/api/v2` (e.g. `/spaces/{id}/pages`); a leading
 * `/wiki/api/v2` is accepted too. Both functions return a list of problems, empty when the body conforms.
 * validateV1Response does the same against the v1 document (tests/contract/swagger-v1.v3.json, a verbatim copy of
 * ../shared/contracts/confluence/swagger.v3.json), whose paths are spelled in full (`/wiki/rest/api/search`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DOCUMENTS = {
  v2: [path.join(repoRoot, 'tests/contract/openapi-v2.v3.json'), path.resolve(repoRoot, '../shared/contracts/confluence/openapi-v2.v3.json')],
  v1: [path.join(repoRoot, 'tests/contract/swagger-v1.v3.json'), path.resolve(repoRoot, '../shared/contracts/confluence/swagger.v3.json')],
};
type Version = keyof typeof DOCUMENTS;
const specId = (version: Version): string => `confluence-${version}.json`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * OpenAPI 3.0 → JSON Schema, in two places:
 * - `nullable: true`: `null` joins the type (or enum), or the schema is widened with anyOf.
 * - `oneOf` is read as `anyOf`: the document's alternatives are not mutually exclusive (e.g. the page body's
 *   PageBodyWrite and PageNestedBodyWrite have no required fields), so "exactly one" could never hold.
 */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    out[key === 'oneOf' && Array.isArray(value) ? 'anyOf' : key] = toJsonSchema(value);
  }
  if (node.nullable !== true) return out;
  if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
  if (typeof out.type === 'string') out.type = [out.type, 'null'];
  else if (Array.isArray(out.type)) out.type = [...out.type, 'null'];
  else if (!Array.isArray(out.enum)) return { anyOf: [out, { type: 'null' }] };
  return out;
}

interface Loaded {
  spec: JsonObject;
  ajv: InstanceType<typeof Ajv>;
  validators: Map<string, ValidateFunction>;
}

const loadedDocuments = new Map<Version, Loaded>();

function load(version: Version = 'v2'): Loaded {
  const loaded = loadedDocuments.get(version);
  if (loaded !== undefined) return loaded;
  const candidates = DOCUMENTS[version];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) throw new Error(`Confluence ${version} OpenAPI document not found; looked in ${candidates.join(', ')}`);
  const spec = toJsonSchema(JSON.parse(readFileSync(file, 'utf8')) as Json);
  if (!isObject(spec)) throw new Error(`${file} is not an OpenAPI document`);
  // The document is not itself a JSON Schema: strict mode would reject its OpenAPI-only keywords.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addFormat('string', true);
  ajv.addSchema(spec, specId(version));
  const fresh = { spec, ajv, validators: new Map() };
  loadedDocuments.set(version, fresh);
  return fresh;
}

function pointerPart(part: string): string {
  return encodeURIComponent(part.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function normalizePath(pathTemplate: string): string {
  return pathTemplate.startsWith('/wiki/api/v2/') ? pathTemplate.slice('/wiki/api/v2'.length) : pathTemplate;
}

function validate(pointer: string[], body: unknown, version: Version = 'v2'): string[] {
  const { ajv, validators } = load(version);
  const ref = `${specId(version)}#/${pointer.map(pointerPart).join('/')}`;
  let validator = validators.get(ref);
  if (validator === undefined) {
    validator = ajv.compile({ $ref: ref });
    validators.set(ref, validator);
  }
  if (validator(body)) return [];
  return (validator.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
}

function operation(method: string, pathTemplate: string, version: Version = 'v2'): { operation?: JsonObject; pointer: string[] } {
  const { spec } = load(version);
  const apiPath = version === 'v2' ? normalizePath(pathTemplate) : pathTemplate;
  const verb = method.toLowerCase();
  const paths = spec.paths;
  const item = isObject(paths) ? paths[apiPath] : undefined;
  const op = isObject(item) ? item[verb] : undefined;
  return { operation: isObject(op) ? op : undefined, pointer: ['paths', apiPath, verb] };
}

export function validateResponse(method: string, pathTemplate: string, status: number, body: unknown, version: Version = 'v2'): string[] {
  const { operation: op, pointer } = operation(method, pathTemplate, version);
  if (op === undefined) return [`${method.toUpperCase()} ${pathTemplate} is not in the Confluence ${version} document`];
  const responses = op.responses;
  const key = isObject(responses) && responses[String(status)] !== undefined ? String(status) : 'default';
  const response = isObject(responses) ? responses[key] : undefined;
  if (!isObject(response)) return [`${method.toUpperCase()} ${pathTemplate} documents no ${status} response`];
  const content = response.content;
  if (!isObject(content) || !isObject(content['application/json'])) return [];
  return validate([...pointer, 'responses', key, 'content', 'application/json', 'schema'], body, version);
}

/** Like validateResponse, against the v1 document; `pathTemplate` in full, e.g. `/wiki/rest/api/search`. */
export function validateV1Response(method: string, pathTemplate: string, status: number, body: unknown): string[] {
  return validateResponse(method, pathTemplate, status, body, 'v1');
}

export function validateRequestBody(method: string, pathTemplate: string, body: unknown): string[] {
  const { operation: op, pointer } = operation(method, pathTemplate);
  if (op === undefined) return [`${method.toUpperCase()} ${pathTemplate} is not in the Confluence v2 document`];
  const requestBody = op.requestBody;
  if (!isObject(requestBody)) return [`${method.toUpperCase()} ${pathTemplate} takes no request body`];
  const ref = requestBody.$ref;
  const base = typeof ref === 'string' ? ref.replace(/^#\//, '').split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~')) : [...pointer, 'requestBody'];
  return validate([...base, 'content', 'application/json', 'schema'], body);
}
