/**
 * Validates a Teams app manifest against Microsoft's official JSON schema for its version, kept verbatim in
 * tests/teams/MicrosoftTeams.schema.json (v1.22, from microsoft/json-schemas `teams/v1.22/MicrosoftTeams.schema.json`,
 * the file published at https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from './repoRoot.js';

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module object.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export const MANIFEST_SCHEMA_FILE = path.join('tests', 'teams', 'MicrosoftTeams.schema.json');

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(path.join(repoRoot(), MANIFEST_SCHEMA_FILE), 'utf8')) as Record<string, unknown>;
  // The schema declares draft-04, which ajv 8 does not ship. It uses no keyword whose meaning changed after
  // draft-04 (no `id`, no boolean exclusiveMinimum/Maximum), so it is compiled as ajv's default draft-07 with the
  // `$schema` line dropped. One difference, on the strict side: draft-07 enforces `const` (manifestVersion).
  delete schema.$schema;
  // strict off: the official file has keywords ajv's strict mode flags (minItems on a string, defaults of the
  // wrong type); they change nothing about what validates.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Every way the manifest breaks the schema, as "/json/pointer message" lines; empty when it conforms. */
export function validateManifest(manifest: unknown): string[] {
  const validate = validator();
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  const detail =
    error.keyword === 'additionalProperties'
      ? `: ${String((error.params as { additionalProperty?: string }).additionalProperty)}`
      : error.keyword === 'enum'
        ? `: ${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)}`
        : '';
  return `${where} ${error.message ?? error.keyword}${detail}`;
}
