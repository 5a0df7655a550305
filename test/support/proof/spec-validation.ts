/**
 * Checks the contract's own helpers (test/support/contract.ts) leave out: request parameters
 * against their schemas, and documented response headers against theirs. Same independent
 * validator (ajv 2020 + formats), never the server's.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { IncomingHttpHeaders } from 'node:http';
import { operation, resolveRef, spec } from '../contract.js';
import type { Schema } from './schema-arbitrary.js';

// ajv-formats is CommonJS: under ESM its default import is the module object's function itself.
const addFormats = addFormatsImport as unknown as typeof addFormatsImport.default;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: 'proof-spec.json' });

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorAt(pointer: string): ReturnType<typeof ajv.compile> {
  let validate = compiled.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `proof-spec.json#${pointer}` });
    compiled.set(pointer, validate);
  }
  return validate;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Problems of `value` against the schema at a JSON pointer into the spec (empty = valid). */
export function problemsAt(pointer: string, value: unknown): string[] {
  const validate = validatorAt(pointer);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export interface ParameterInfo {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
  /** Pointer to the parameter's schema in the spec. */
  schemaPointer: string;
}

/** The operation's parameters (path-level ones included), resolved, with their schema pointers. */
export function parametersOf(operationId: string): ParameterInfo[] {
  const op = operation(operationId);
  const item = (spec.paths as Record<string, Schema>)[op.route] as Schema;
  const listed: [Schema, string][] = [
    ...((item.parameters ?? []) as Schema[]).map((p, i): [Schema, string] => [p, `/paths/${escapePointer(op.route)}/parameters/${i}`]),
    ...((op.operation.parameters ?? []) as Schema[]).map((p, i): [Schema, string] => [p, `/paths/${escapePointer(op.route)}/${op.method}/parameters/${i}`]),
  ];
  return listed.map(([raw, pointer]) => {
    const resolved = resolveRef(raw);
    const base = typeof raw.$ref === 'string' ? (raw.$ref as string).slice(1) : pointer;
    return {
      name: resolved.name as string,
      in: resolved.in as ParameterInfo['in'],
      required: resolved.required === true,
      schema: resolved.schema as Schema,
      schemaPointer: `${base}/schema`,
    };
  });
}

export interface BodyInfo {
  required: boolean;
  schema: Schema;
  schemaPointer: string;
}

export function requestBodyOf(operationId: string): BodyInfo | null {
  const op = operation(operationId);
  const body = op.operation.requestBody as Schema | undefined;
  if (!body) return null;
  const resolved = resolveRef(body);
  const media = (resolved.content as Schema)['application/json'] as Schema;
  const schema = media.schema as Schema;
  const schemaPointer =
    typeof schema.$ref === 'string' ? (schema.$ref as string).slice(1) : `/paths/${escapePointer(op.route)}/${op.method}/requestBody/content/application~1json/schema`;
  return { required: resolved.required === true, schema, schemaPointer };
}

/** Documented response headers that are present must match their schemas. */
export function responseHeaderProblems(operationId: string, status: number, headers: IncomingHttpHeaders): string[] {
  const op = operation(operationId);
  const raw = (op.operation.responses as Schema)[String(status)] as Schema | undefined;
  if (!raw) return [];
  const response = resolveRef(raw);
  const documented = (response.headers ?? {}) as Record<string, Schema>;
  const problems: string[] = [];
  for (const [name, header] of Object.entries(documented)) {
    const value = headers[name.toLowerCase()];
    if (value === undefined) continue;
    const resolved = resolveRef(header);
    const schema = resolveRef(resolved.schema as Schema);
    const text = Array.isArray(value) ? value.join(', ') : value;
    const typed = schema.type === 'integer' || schema.type === 'number' ? Number(text) : text;
    const pointer =
      typeof header.$ref === 'string'
        ? `${(header.$ref as string).slice(1)}/schema`
        : `${typeof raw.$ref === 'string' ? (raw.$ref as string).slice(1) : `/paths/${escapePointer(op.route)}/${op.method}/responses/${status}`}/headers/${escapePointer(name)}/schema`;
    for (const problem of problemsAt(pointer, typed)) problems.push(`header ${name}: ${problem} (value ${JSON.stringify(text).slice(0, 120)})`);
  }
  return problems;
}
