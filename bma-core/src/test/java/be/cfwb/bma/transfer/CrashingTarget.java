package be.cfwb.bma.transfer;

/** A target that lets {@code limit} APPENDs through, then "dies" right after the next one reached the server. */
final class CrashingTarget extends ForwardingTarget {

    private final int limit;
    private int appended;

    CrashingTarget(MailboxTarget delegate, int limit) {
        super(delegate);
        this.limit = limit;
    }

    @Override
    public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
        AppendOutcome outcome = delegate.append(folder, message);
        if (++appended >= limit) {
            throw new IllegalStateException("simulated crash after APPEND " + appended);
        }
        return outcome;
    }
}
