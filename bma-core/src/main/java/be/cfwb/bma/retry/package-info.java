/**
 * Retrying after a transient failure: one {@link be.cfwb.bma.retry.RetryPolicy} (bounded
 * attempts, the server's suggested wait honoured, else a doubling backoff) and the
 * {@link be.cfwb.bma.retry.Sleeper} every wait goes through, so that tests run on virtual time.
 */
package be.cfwb.bma.retry;
