package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.ForwardingSource;
import be.cfwb.bma.transfer.ForwardingTarget;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TargetFolder;

import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.FolderListing;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pre-stage run in a JVM of its own that stops dead at a chosen point of the third message
 * and announces it ({@code AT <point>}) so that the parent kills it with SIGKILL there:
 * {@code fetch} (half the message read from the old server), {@code append} (half the APPEND
 * literal sent to the target), {@code ledger} (the APPEND done, before the engine records it).
 * On the batched paths: {@code fetch-batch} (a multi-message {@code UID FETCH} sent, its answer
 * held back by a stalling proxy), {@code multiappend} (half the last literal of a MULTIAPPEND
 * sent), {@code fetch-with-listing} (a small folder's listing sent with its bodies, the answer
 * held back by a stalling proxy), {@code fetch-batch-half} (the second multi-message {@code UID FETCH}'s answer half
 * received, after the first batch's messages went on to the target), {@code listahead} (the next
 * folder's listing read ahead, on the reader's thread, while the folder's last copies are
 * appended; the folder's mark not yet recorded). Arguments: old and new server (a port on loopback or an imap:// URL), ledger dir, spool
 * dir, point, mailbox, and optionally the pass ({@code final}; a pre-stage otherwise).
 */
public final class KilledMigrationChild {

    private KilledMigrationChild() {
    }

    public static void main(String[] args) throws IOException {
        ImapEndpoint oldServer = endpoint(args[0], "old");
        Path ledgerDir = Path.of(args[2]);
        Path spool = Path.of(args[3]);
        String point = args[4];
        BmaAddress mailbox = BmaAddress.parse(args[5]);
        Pass pass = args.length > 6 && args[6].equals("final") ? Pass.FINAL : Pass.PRESTAGE;
        if (point.equals("fetch-batch")) {
            oldServer = stalling(oldServer, "(UID BODY.PEEK[])", point);
        }
        if (point.equals("fetch-with-listing")) {
            oldServer = stalling(oldServer, "INTERNALDATE BODY.PEEK[])", point);
        }
        if (point.equals("fetch-batch-half")) {
            java.net.URI uri = java.net.URI.create(oldServer.toString());
            // About half of a 2 MiB batch, whatever the messages' sizes.
            HalfBatchProxy proxy = HalfBatchProxy.to(uri.getPort(), 2, 1 << 20, () -> freeze("fetch-batch-half"));
            oldServer = ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "old, frozen in a batch");
        }
        TransferSettings settings = FaultHarness.settings(oldServer, endpoint(args[1], "new"), spool).parallelism(1)
                .memoryThreshold(1024).build();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger appended = new AtomicInteger();
        TransferSettings dying = settings.withConnectors(m -> {
            MailboxSource s = settings.source().open(m);
            return switch (point) {
                case "fetch" -> new FreezingSource(s, opened);
                case "listahead" -> new FreezingListingAhead(s);
                default -> s;
            };
        }, m -> {
            MailboxTarget t = settings.target().open(m);
            return switch (point) {
                case "fetch", "fetch-batch", "fetch-with-listing", "fetch-batch-half", "listahead" -> t;
                case "multiappend" -> new FreezingMultiappendTarget(t);
                default -> new FreezingTarget(t, appended, point);
            };
        });
        try (Ledger ledger = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            FaultHarness.run(dying, ledger, pass, mailbox);
        }
        System.out.println("FINISHED without reaching " + point);
    }

    private static ImapEndpoint endpoint(String arg, String name) {
        return ImapEndpoint.parse(arg.matches("\\d+") ? "imap://127.0.0.1:" + arg : arg, name);
    }

    /**
     * The old server behind a proxy that holds everything back once the engine sends
     * {@code command} (a multi-message {@code UID FETCH}: {@code (UID BODY.PEEK[])}, not a single
     * message's {@code BODY.PEEK[]<offset.length>}; or a small folder's listing with its bodies),
     * and announces {@code point} then.
     */
    private static ImapEndpoint stalling(ImapEndpoint old, String command, String point) throws IOException {
        java.net.URI uri = java.net.URI.create(old.toString());
        FaultProxy proxy = FaultProxy.to(uri.getPort());
        proxy.set(FaultProxy.Faults.NONE.stallWhenClientSends(command));
        Thread watcher = new Thread(() -> {
            while (!proxy.faults().stall()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
            freeze(point);
        }, point + "-watcher");
        watcher.setDaemon(true);
        watcher.start();
        return ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "old through a stalling proxy");
    }

    static void freeze(String point) {
        System.out.println("AT " + point);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // wait for the kill
            }
        }
    }

    /** A stream that gives {@code limit} bytes, then freezes. */
    private static final class FreezingStream extends FilterInputStream {
        private long left;
        private final String point;

        FreezingStream(InputStream in, long limit, String point) {
            super(in);
            this.left = limit;
            this.point = point;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                freeze(point);
            }
            left--;
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                freeze(point);
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }

    private record FreezingSource(MailboxSource delegate, AtomicInteger opened) implements MailboxSource {
        @Override
        public BmaAddress mailbox() {
            return delegate.mailbox();
        }

        @Override
        public List<SourceFolder> folders() {
            return delegate.folders();
        }

        @Override
        public FolderListing list(FolderPath folder, long afterUid) {
            return delegate.list(folder, afterUid);
        }

        @Override
        public InputStream open(FolderPath folder, long uidValidity, long uid) {
            InputStream in = delegate.open(folder, uidValidity, uid);
            return opened.incrementAndGet() == 3 ? new FreezingStream(in, 2_000, "fetch") : in;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /**
     * A source that stops dead when a folder is listed on a reader thread: the next folder's
     * listing, read ahead once the current folder's messages are all read.
     */
    private static final class FreezingListingAhead extends ForwardingSource {
        FreezingListingAhead(MailboxSource delegate) {
            super(delegate);
        }

        private static void freezeIfReadAhead() {
            if (Thread.currentThread().getName().endsWith("-reader")) {
                freeze("listahead");
            }
        }

        @Override
        public FolderListing list(FolderPath folder, long afterUid) {
            freezeIfReadAhead();
            return delegate.list(folder, afterUid);
        }

        @Override
        public FolderListing list(FolderPath folder, long afterUid, boolean messageIds) {
            freezeIfReadAhead();
            return delegate.list(folder, afterUid, messageIds);
        }
    }

    /**
     * A target whose first APPEND of several messages in one command (MULTIAPPEND where the
     * server has it) stops dead halfway through the last message's literal.
     */
    private static final class FreezingMultiappendTarget extends ForwardingTarget {

        FreezingMultiappendTarget(MailboxTarget delegate) {
            super(delegate);
        }

        @Override
        public void appendAll(TargetFolder folder, List<? extends MessageToCopy> messages,
                              java.util.function.ObjIntConsumer<AppendOutcome> done) {
            if (messages.size() < 2) {
                super.appendAll(folder, messages, done);
                return;
            }
            System.out.println("MULTIAPPEND of " + messages.size());
            List<MessageToCopy> freezing = new java.util.ArrayList<>(messages);
            MessageToCopy last = freezing.get(freezing.size() - 1);
            freezing.set(freezing.size() - 1, halfThenFreeze(last, "multiappend"));
            delegate.appendAll(folder, freezing, done);
        }
    }

    /** {@code message} whose bytes stop dead halfway, announcing {@code point}. */
    static MessageToCopy halfThenFreeze(MessageToCopy message, String point) {
        return new MessageToCopy() {
            @Override
            public SourceKey key() {
                return message.key();
            }

            @Override
            public long size() {
                return message.size();
            }

            @Override
            public MessageFlags flags() {
                return message.flags();
            }

            @Override
            public Instant internalDate() {
                return message.internalDate();
            }

            @Override
            public InputStream open() throws IOException {
                return new FreezingStream(message.open(), message.size() / 2, point);
            }

            @Override
            public Optional<String> campaign() {
                return message.campaign(); // the frozen copy carries its trace as the engine writes it
            }
        };
    }

    private static final class FreezingTarget extends ForwardingTarget {
        private final AtomicInteger appended;
        private final String point;

        FreezingTarget(MailboxTarget delegate, AtomicInteger appended, String point) {
            super(delegate);
            this.appended = appended;
            this.point = point;
        }

        @Override
        public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
            boolean third = appended.incrementAndGet() == 3;
            if (third && point.equals("append")) {
                return delegate.append(folder, halfThenFreeze(message, "append"));
            }
            AppendOutcome outcome = delegate.append(folder, message);
            if (third && point.equals("ledger")) {
                freeze("ledger");
            }
            return outcome;
        }
    }
}
