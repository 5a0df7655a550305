/**
 * An independent check of responses against the contract (ajv 2020 + formats), separate from
 * the server's own validator, so guard responses (401/403/415...) are held to the spec too.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import { load as parse } from 'js-yaml';
import { findSpecPath } from '../../src/http/contract.js';

// ajv-formats is CommonJS: under ESM its default import is the module object's function itself.
const addFormats = addFormatsImport as unknown as typeof addFormatsImport.default;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const spec = parse(readFileSync(findSpecPath(), 'utf8')) as Json;

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
ajv.addSchema({ ...spec, $id: 'spec.json' });

export function resolveRef<T = Json>(node: Json): T {
  let current = node;
  while (current && typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
    current = current.$ref
      .slice(2)
      .split('/')
      .reduce((acc: Json, key: string) => acc[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return current as T;
}

export interface OperationInfo {
  operationId: string;
  method: string;
  route: string;
  operation: Json;
}

export const operations: OperationInfo[] = Object.entries(spec.paths as Json).flatMap(([route, item]) =>
  Object.entries(item as Json)
    .filter(([method]) => ['get', 'post', 'patch', 'delete', 'put'].includes(method))
    .map(([method, operation]) => ({ operationId: (operation as Json).operationId as string, method, route, operation: operation as Json })),
);

export function operation(operationId: string): OperationInfo {
  const found = operations.find((op) => op.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
}

export function documentedStatuses(operationId: string): number[] {
  return Object.keys(operation(operationId).operation.responses).map(Number);
}

const validators = new Map<string, ReturnType<typeof ajv.compile>>();

function validatorFor(pointer: string): ReturnType<typeof ajv.compile> {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv.compile({ $ref: `spec.json#${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * Checks a response against the contract: the status is documented for the operation, the
 * content type is documented, and the body validates. Returns a list of problems (empty = valid).
 */
export function contractProblems(operationId: string, status: number, contentType: string | undefined, body: unknown): string[] {
  const op = operation(operationId);
  const response = op.operation.responses[String(status)];
  if (!response) return [`status ${status} is not documented for ${operationId}`];
  const resolved = resolveRef(response);
  const mediaType = (contentType ?? '').split(';')[0]?.trim() ?? '';
  const content = resolved.content as Json | undefined;
  if (!content) return body === undefined || body === '' ? [] : ['a body was sent where none is documented'];
  if (!content[mediaType]) return [`content type '${mediaType}' is not documented for ${operationId} ${status}`];
  const pointer =
    typeof response.$ref === 'string'
      ? `${response.$ref.slice(1)}/content/${escapePointer(mediaType)}/schema`
      : `/paths/${escapePointer(op.route)}/${op.method}/responses/${status}/content/${escapePointer(mediaType)}/schema`;
  const validate = validatorFor(pointer);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Validates a value against a named component schema (e.g. 'CreateProfileRequest'). */
export function schemaProblems(schemaName: string, value: unknown): string[] {
  const validate = validatorFor(`/components/schemas/${schemaName}`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

/** Jest helper: a supertest-like response matches the contract for the operation. */
export function expectContract(operationId: string, res: { status: number; headers: Record<string, string | string[] | undefined>; body: unknown }): void {
  const problems = contractProblems(operationId, res.status, res.headers['content-type'] as string | undefined, res.body);
  if (problems.length > 0) {
    throw new Error(`${operationId} ${res.status} breaks the contract:\n  ${problems.join('\n  ')}\n${JSON.stringify(res.body).slice(0, 800)}`);
  }
}
