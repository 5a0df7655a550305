/**
 * The contract between the model catalogue and one lister per provider protocol. Like the
 * test adapters, a lister only builds requests and reads replies; every call goes through the
 * catalogue's `Exchange`, so the outbound policy, the size cap and the deadline apply.
 */
import type { components } from '../../../generated/llm-profiles.js';
import type { Exchange, ProviderFailure } from '../types.js';

export type CatalogueModel = components['schemas']['CatalogueModel'];
/** A model as read from the server, before the profile's own model is marked. */
export type ListedModel = Omit<CatalogueModel, 'selected'>;

export interface ListTarget {
  endpointUrl: string;
  apiKey: string | null;
  /** Whether the endpoint is on this computer or the local network, where a key may be ignored. */
  local: boolean;
}

interface ModelListing {
  kind: 'listing';
  models: ListedModel[];
  /** The server offered more than `maxModels`. */
  truncated: boolean;
  /** Entries the server marked as unable to chat (embeddings, speech, images), left out. */
  filtered: number;
  /** A wrong key would have been refused, so this list proves the key. */
  keyChecked: boolean;
  /** The status of the server's last answer. */
  providerStatus: number;
}

/** The provider offers no way to list models with the profile's credentials. */
interface ListingNotSupported {
  kind: 'not-supported';
}

export type ListResult = ModelListing | ListingNotSupported | ProviderFailure;

export interface ModelLister {
  list(target: ListTarget, exchange: Exchange, maxModels: number): Promise<ListResult>;
}
