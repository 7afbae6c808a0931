/**
 * Cutover: the moment mail routing for a BMA switches to Exchange. It happens outside the
 * toolkit (a DNS or routing change by ops); the toolkit records it, optionally by running a
 * hook command that does it, so that the final delta pass never runs before it.
 */
package be.cfwb.bma.cutover;
