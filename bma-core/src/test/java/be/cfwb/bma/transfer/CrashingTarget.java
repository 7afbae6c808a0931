package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Optional;

/** A target that lets {@code limit} APPENDs through, then "dies" right after the next one reached the server. */
final class CrashingTarget implements MailboxTarget {

    private final MailboxTarget delegate;
    private final int limit;
    private int appended;

    CrashingTarget(MailboxTarget delegate, int limit) {
        this.delegate = delegate;
        this.limit = limit;
    }

    @Override
    public BmaAddress mailbox() {
        return delegate.mailbox();
    }

    @Override
    public Optional<Character> reservedNameCharacter() {
        return delegate.reservedNameCharacter();
    }

    @Override
    public void ensureFolder(TargetFolder folder) {
        delegate.ensureFolder(folder);
    }

    @Override
    public List<TargetMessage> messages(TargetFolder folder) {
        return delegate.messages(folder);
    }

    @Override
    public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
        AppendOutcome outcome = delegate.append(folder, message);
        if (++appended >= limit) {
            throw new IllegalStateException("simulated crash after APPEND " + appended);
        }
        return outcome;
    }

    @Override
    public void updateFlags(TargetFolder folder, TargetMessage message, MessageFlags flags) {
        delegate.updateFlags(folder, message, flags);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
