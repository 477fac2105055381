/**
 * axios as the Bot Framework SDK already loads it, its CommonJS build: an ESM `import axios` would load the ESM
 * build as a second copy, which costs start-up time and memory for nothing.
 */
import { createRequire } from 'node:module';

export const axios = createRequire(import.meta.url)('axios') as typeof import('axios').default;
