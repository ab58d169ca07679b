// Tests ask for ports the same way the broker helpers do.
export { findFreePort, findFreePorts } from '../../src/broker/free-port.ts';
