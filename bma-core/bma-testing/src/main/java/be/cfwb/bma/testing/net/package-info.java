/**
 * Network conditions for tests and benchmarks: {@link be.cfwb.bma.testing.net.LatencyRelay}
 * puts a wide-area round-trip time between a client and a loopback server.
 */
package be.cfwb.bma.testing.net;
