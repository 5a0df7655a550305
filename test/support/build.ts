import path from 'node:path';
import { packageRoot } from '../../src/compose.js';

/** The built service, made current before any test file starts (jest's global set-up, scripts/build-if-stale.js). */
export const BUILT_MAIN = path.join(packageRoot(), 'dist', 'service', 'main.js');
