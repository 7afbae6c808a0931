package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A source that passes everything to another, its shortcuts included (batched reads, the
 * status listing's answers), for test doubles that watch or misbehave in a few methods only.
 * A folder's bodies read with its listing are not passed on ({@link #listWithBodies} keeps its
 * default, the listing alone): a double sees every body read through {@link #readAll} and {@link #open}.
 */
public abstract class ForwardingSource implements MailboxSource {

    protected final MailboxSource delegate;

    protected ForwardingSource(MailboxSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public BmaAddress mailbox() {
        return delegate.mailbox();
    }

    @Override
    public Optional<FolderPath> personalNamespace() {
        return delegate.personalNamespace();
    }

    @Override
    public List<SourceFolder> folders() {
        return delegate.folders();
    }

    @Override
    public List<SourceFolder> foldersAndNamespace() {
        return delegate.foldersAndNamespace();
    }

    @Override
    public FolderListing list(FolderPath folder, long afterUid) {
        return delegate.list(folder, afterUid);
    }

    @Override
    public FolderListing list(FolderPath folder, long afterUid, boolean messageIds) {
        return delegate.list(folder, afterUid, messageIds);
    }

    @Override
    public List<Long> findByMessageId(FolderPath folder, String messageId) {
        return delegate.findByMessageId(folder, messageId);
    }

    @Override
    public InputStream open(FolderPath folder, long uidValidity, long uid) {
        return delegate.open(folder, uidValidity, uid);
    }

    @Override
    public Map<Long, ByteBuffer> readAll(FolderPath folder, long uidValidity, List<Long> uids) {
        return delegate.readAll(folder, uidValidity, uids);
    }

    @Override
    public boolean nothingAbove(FolderPath folder, long uidValidity, long highestUid) {
        return delegate.nothingAbove(folder, uidValidity, highestUid);
    }

    @Override
    public Optional<EmptyFolder> knownEmpty(FolderPath folder) {
        return delegate.knownEmpty(folder);
    }

    @Override
    public OptionalLong knownMessageCount(FolderPath folder) {
        return delegate.knownMessageCount(folder);
    }

    @Override
    public Optional<Duration> roundTrip() {
        return delegate.roundTrip();
    }

    @Override
    public RetryStats retryStats() {
        return delegate.retryStats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
