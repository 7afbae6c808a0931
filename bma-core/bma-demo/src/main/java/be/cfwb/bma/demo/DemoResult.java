package be.cfwb.bma.demo;

import java.nio.file.Path;

/**
 * What the demo migration achieved.
 *
 * @param mailboxes how many mailboxes it migrated
 * @param verified  how many were verified complete
 * @param missing   source messages missing on the target, over all mailboxes
 * @param notified  notification mails recorded as sent
 * @param report    the dashboard
 */
public record DemoResult(int mailboxes, long verified, long missing, long notified, Path report) {

    public boolean isSuccess() {
        return verified == mailboxes && missing == 0;
    }

    /** The closing line the README promises. */
    public String summaryLine() {
        return "verified: " + verified + " mailboxes, " + missing + " missing";
    }
}
