package be.cfwb.bma.transfer;


import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A source that records the UIDs whose bytes were asked for, one by one or in a batch. */
final class RecordingSource extends ForwardingSource {

    private final Set<Long> read;
    private final Runnable beforeFirstRead;

    /** The threads that asked for bytes. */
    private final Set<Thread> readers;

    private RecordingSource(MailboxSource delegate, Set<Long> read, Runnable beforeFirstRead, Set<Thread> readers) {
        super(delegate);
        this.read = read;
        this.beforeFirstRead = beforeFirstRead;
        this.readers = readers;
    }

    /** {@code connector}'s sources, recording into {@code readers} the threads that read messages' bytes. */
    static MailboxConnector<MailboxSource> readers(MailboxConnector<MailboxSource> connector, Set<Thread> readers) {
        return mailbox -> new RecordingSource(connector.open(mailbox), newRecord(), () -> { }, readers);
    }

    /** {@code connector}'s sources, each recording into {@code read}. */
    static MailboxConnector<MailboxSource> recording(MailboxConnector<MailboxSource> connector, Set<Long> read) {
        return recording(connector, read, () -> { });
    }

    /**
     * As {@link #recording(MailboxConnector, Set)}, running {@code beforeFirstRead} once before the
     * first bytes are asked for (e.g. a user deleting a message after the listing).
     */
    static MailboxConnector<MailboxSource> recording(MailboxConnector<MailboxSource> connector, Set<Long> read,
                                                     Runnable beforeFirstRead) {
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        return mailbox -> new RecordingSource(connector.open(mailbox), read, () -> {
            if (ran.compareAndSet(false, true)) {
                beforeFirstRead.run();
            }
        }, ConcurrentHashMap.newKeySet());
    }

    static Set<Long> newRecord() {
        return ConcurrentHashMap.newKeySet();
    }

    @Override
    public InputStream open(FolderPath folder, long uidValidity, long uid) {
        beforeFirstRead.run();
        readers.add(Thread.currentThread());
        read.add(uid);
        return delegate.open(folder, uidValidity, uid);
    }

    @Override
    public Map<Long, ByteBuffer> readAll(FolderPath folder, long uidValidity, List<Long> uids) {
        beforeFirstRead.run();
        readers.add(Thread.currentThread());
        read.addAll(uids);
        return delegate.readAll(folder, uidValidity, uids);
    }
}
