/** Security guarantees, end to end: TLS validation by default, explicit trust, secrets never written. */
package be.cfwb.bma.security;
