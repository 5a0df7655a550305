import type { ContractDocument } from '../http/contract.js';

/** The contract's bound on a model list (`ModelListResponse.models`), so the limit is written once. */
export function modelListLimit(contract: ContractDocument): number {
  const doc = contract.document as { components?: { schemas?: Record<string, { properties?: Record<string, { oneOf?: { maxItems?: unknown }[] }> }> } };
  const branches = doc.components?.schemas?.ModelListResponse?.properties?.models?.oneOf ?? [];
  const limit = branches.map((branch) => branch.maxItems).find((value): value is number => typeof value === 'number');
  if (limit === undefined) throw new Error('the contract gives no bound for ModelListResponse.models');
  return limit;
}
