/**
 * Everything that speaks Microsoft Graph: the app-only connection ({@link be.cfwb.bma.graph.GraphConnection},
 * configured by {@link be.cfwb.bma.graph.GraphSettings}), the Graph transfer target
 * ({@link be.cfwb.bma.graph.GraphTarget}) and the Graph notification and password paths.
 *
 * <p>One package on purpose: the Graph SDK's types stay package-private here, so no public
 * signature of the toolkit exposes them, and every Graph call goes through one connection that
 * enforces Outlook's per-mailbox limits (4 concurrent requests, 10,000 requests per 10 minutes,
 * 150 MB upload per 5 minutes) and honours {@code Retry-After} with the toolkit's
 * {@link be.cfwb.bma.retry.RetryPolicy}.
 */
package be.cfwb.bma.graph;
