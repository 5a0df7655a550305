/**
 * Reading model lists, shared by the listers: what counts as a usable id, the optional facts
 * a server may give (kept only when they fit the contract), and the bound on the list.
 */
import { isRecord } from '../classify.js';
import type { ListedModel } from './types.js';

/** The contract's ModelId: what a profile could save. */
const MAX_ID_CHARS = 256;
const CONTROL = /[\x00-\x1f\x7f]/;
const MAX_SHORT_TEXT = 40;
const MAX_FAMILY = 100;
const MAX_CAPABILITIES = 20;

export function modelId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const id = value.trim();
  return id.length > 0 && id.length <= MAX_ID_CHARS && !CONTROL.test(id) ? id : null;
}

function shortText(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text.length > 0 && text.length <= max && !CONTROL.test(text) ? text : undefined;
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

function capabilities(values: unknown): string[] | undefined {
  if (!Array.isArray(values)) return undefined;
  const names = [...new Set(values.map((value) => shortText(value, MAX_SHORT_TEXT)).filter((name): name is string => name !== undefined))];
  return names.length > 0 ? names.slice(0, MAX_CAPABILITIES) : undefined;
}

export interface ModelFacts {
  displayName?: unknown;
  contextLength?: unknown;
  loaded?: boolean | undefined;
  sizeBytes?: unknown;
  family?: unknown;
  parameterSize?: unknown;
  quantisation?: unknown;
  capabilities?: unknown;
}

/** A model with the facts that are present and valid; absent ones are left out, not nulled. */
export function listedModel(id: string, facts: ModelFacts = {}): ListedModel {
  const model: ListedModel = { id, displayName: shortText(facts.displayName, MAX_ID_CHARS) ?? id };
  const contextLength = positiveInteger(facts.contextLength);
  if (contextLength !== undefined) model.contextLength = contextLength;
  if (facts.loaded !== undefined) model.loaded = facts.loaded;
  const sizeBytes = positiveInteger(facts.sizeBytes);
  if (sizeBytes !== undefined) model.sizeBytes = sizeBytes;
  const family = shortText(facts.family, MAX_FAMILY);
  if (family !== undefined) model.family = family;
  const parameterSize = shortText(facts.parameterSize, MAX_SHORT_TEXT);
  if (parameterSize !== undefined) model.parameterSize = parameterSize;
  const quantisation = shortText(facts.quantisation, MAX_SHORT_TEXT);
  if (quantisation !== undefined) model.quantisation = quantisation;
  const caps = capabilities(facts.capabilities);
  if (caps !== undefined) model.capabilities = caps;
  return model;
}

/** Collects models in order, dropping repeated ids, and stops taking them past the bound. */
export class ModelCollector {
  readonly models: ListedModel[] = [];
  private readonly seen = new Set<string>();
  truncated = false;
  filtered = 0;

  constructor(private readonly maxModels: number) {}

  get full(): boolean {
    return this.models.length >= this.maxModels;
  }

  add(model: ListedModel): void {
    if (this.seen.has(model.id)) return;
    if (this.full) {
      this.truncated = true;
      return;
    }
    this.seen.add(model.id);
    this.models.push(model);
  }
}

/** The entries of a list body: `{data:[...]}` (OpenAI), `{models:[...]}` (Ollama) or a bare array (Together). */
export function entries(json: unknown, field: 'data' | 'models'): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (isRecord(json) && Array.isArray(json[field])) return json[field] as unknown[];
  return null;
}

/** `7615616512` → `7.6B`, the way Ollama writes parameter counts. */
export function parameterCount(value: unknown): string | undefined {
  const count = positiveInteger(value);
  if (count === undefined) return undefined;
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) if (count >= size) return `${Math.round((count / size) * 10) / 10}${unit}`;
  return String(count);
}
