import type { Catalogue } from '../types.js';

// Each area's catalogue is added here as it lands.
export const catalogues: Catalogue[] = [];
