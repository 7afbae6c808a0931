/**
 * A stateful Microsoft Graph stand-in on loopback, for tests, downstream projects and the demo.
 *
 * <p>{@link be.cfwb.bma.testing.graph.GraphStandIn} implements the subset of Graph v1.0 the
 * toolkit calls (users, mail folders, messages with extended properties, attachments and
 * upload sessions, sendMail, passwordProfile) and checks what Graph checks: a bearer token,
 * the JSON shape, the 4 MB request limit, and that an item created without
 * {@code PR_MESSAGE_FLAGS} is a draft. It can throttle, fail, drop connections and run slow.
 */
package be.cfwb.bma.testing.graph;
