/** The tests use the tools' load balancer, so there is one. */
export { startRoundRobinProxy, type ProxiedRequest, type RoundRobinProxy } from '../../tools/shared/roundRobinProxy.js';
