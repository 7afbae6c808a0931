package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Optional;

/**
 * A target that passes everything to another, for test doubles that misbehave on purpose in
 * one method only. {@code appendAll} is not forwarded: its default goes through
 * {@link #append}, so a double that overrides {@code append} sees every message.
 */
public abstract class ForwardingTarget implements MailboxTarget {

    protected final MailboxTarget delegate;

    protected ForwardingTarget(MailboxTarget delegate) {
        this.delegate = delegate;
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
        return delegate.append(folder, message);
    }

    @Override
    public void updateFlags(TargetFolder folder, TargetMessage message, MessageFlags flags) {
        delegate.updateFlags(folder, message, flags);
    }

    @Override
    public Optional<java.io.InputStream> openCopy(TargetFolder folder, TargetMessage message) {
        return delegate.openCopy(folder, message);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
