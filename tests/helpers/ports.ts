/** The tests use the tools' helper, so there is one way to find a port. */
export { freePort } from '../../tools/shared/freePort.js';
