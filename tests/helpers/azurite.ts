/** The tests use the tools' helper, so there is one way to start Azurite. */
export { startAzurite, type Azurite } from '../../tools/shared/azurite.js';
