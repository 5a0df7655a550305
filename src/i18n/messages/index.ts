import type { Catalogue } from '../types.js';
import { problemMessages } from './problems.js';
import { fieldMessages } from './fields.js';
import { profileMessages } from './profiles.js';
import { outcomeMessages } from './outcomes.js';
import { discoveryMessages } from './discovery.js';
import { modelMessages } from './models.js';
import { streamingMessages } from './streaming.js';

// Each area's catalogue is added here as it lands.
export const catalogues: Catalogue[] = [problemMessages, fieldMessages, profileMessages, outcomeMessages, discoveryMessages, modelMessages, streamingMessages];
