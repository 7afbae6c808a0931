package be.cfwb.bma.transfer;


import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A target that fails some APPENDs the way networks and Exchange do: throttled before the
 * message is written, or the connection dropped after it was (the answer lost).
 */
class FlakyTarget extends ForwardingTarget {

    enum Fault { THROTTLED_BEFORE, DROPPED_AFTER }

    private final AtomicInteger counter;
    private final int every;
    private final Fault fault;

    FlakyTarget(MailboxTarget delegate, AtomicInteger counter, int every, Fault fault) {
        super(delegate);
        this.counter = counter;
        this.every = every;
        this.fault = fault;
    }

    @Override
    public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
        boolean fail = counter.incrementAndGet() % every == 0;
        if (fail && fault == Fault.THROTTLED_BEFORE) {
            throw TransferException.throttled("Request is throttled. Suggested Backoff Time: 20 milliseconds",
                    Duration.ofMillis(20), null);
        }
        AppendOutcome outcome = delegate.append(folder, message);
        if (fail) {
            throw TransferException.retryable("Connection dropped by server?", null);
        }
        return outcome;
    }

    MailboxTarget delegate() {
        return delegate;
    }
}
