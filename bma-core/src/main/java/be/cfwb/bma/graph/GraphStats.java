package be.cfwb.bma.graph;

/**
 * What a {@link GraphConnection} has done so far: HTTP attempts (retries included), the
 * throttling and unavailability answers the SDK's retry handler waited out, waits imposed by our
 * own per-mailbox budget, and bytes uploaded.
 */
public record GraphStats(long requests, long throttled, long unavailable, long budgetWaits, long bytesUploaded) {

    /** Answers that made the client wait and try again (429 and 503/504). */
    public long retried() {
        return throttled + unavailable;
    }
}
