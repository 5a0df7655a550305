import type { OperationRequestBodyContent, SuccessResponseJSON } from 'openapi-typescript-helpers';
import type { components, operations } from '../../generated/llm-profiles.js';

/** The four fields every response carries beside its payload; the sender adds them (context.ts). */
export type ResponseMeta = components['schemas']['ResponseMeta'];
type MetaField = keyof ResponseMeta;

/** The request body of an operation (every body in the contract is JSON); present when the operation's body is optional too. */
export type RequestBody<Op extends keyof operations> = NonNullable<OperationRequestBodyContent<operations[Op]>>;

/** Query parameters of an operation. */
export type QueryOf<Op extends keyof operations> = operations[Op]['parameters'] extends { query?: infer Q } ? NonNullable<Q> : never;

/** The 2xx JSON body of an operation, minus the meta fields the sender adds. */
export type Payload<Op extends keyof operations> = Omit<SuccessResponseJSON<operations[Op]>, MetaField>;

/** A problem+json body, minus the meta fields the sender adds. */
export type ProblemPayload = Omit<components['schemas']['Problem'], MetaField>;
