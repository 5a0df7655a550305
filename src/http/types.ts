import type { components, operations } from '../../generated/llm-profiles.js';

/** The JSON request body of an operation, from the generated contract types. */
export type RequestBody<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** Query parameters of an operation. */
export type QueryOf<Op extends keyof operations> = operations[Op]['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;

/** The 2xx JSON body of an operation, minus the meta fields the sender adds. */
type SuccessBody<Op extends keyof operations> = operations[Op]['responses'] extends infer R
  ? R extends { 200: { content: { 'application/json': infer B } } }
    ? B
    : R extends { 201: { content: { 'application/json': infer B } } }
      ? B
      : never
  : never;

export type Payload<Op extends keyof operations> = Omit<SuccessBody<Op>, keyof components['schemas']['ResponseMeta']>;
