package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxSource;
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

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pre-stage run in a JVM of its own that stops dead at a chosen point of the third message
 * and announces it ({@code AT <point>}) so that the parent kills it with SIGKILL there:
 * {@code fetch} (half the message read from the old server), {@code append} (half the APPEND
 * literal sent to the target), {@code ledger} (the APPEND done, before the engine records it).
 * Arguments: old port, new port, ledger dir, spool dir, point, mailbox.
 */
public final class KilledMigrationChild {

    private KilledMigrationChild() {
    }

    public static void main(String[] args) {
        int oldPort = Integer.parseInt(args[0]);
        int newPort = Integer.parseInt(args[1]);
        Path ledgerDir = Path.of(args[2]);
        Path spool = Path.of(args[3]);
        String point = args[4];
        BmaAddress mailbox = BmaAddress.parse(args[5]);
        TransferSettings settings = FaultHarness.settings(ImapEndpoint.parse("imap://127.0.0.1:" + oldPort, "old"),
                ImapEndpoint.parse("imap://127.0.0.1:" + newPort, "new"), spool).parallelism(1).memoryThreshold(1024).build();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger appended = new AtomicInteger();
        TransferSettings dying = settings.withConnectors(m -> {
            MailboxSource s = settings.source().open(m);
            return point.equals("fetch") ? new FreezingSource(s, opened) : s;
        }, m -> {
            MailboxTarget t = settings.target().open(m);
            return point.equals("fetch") ? t : new FreezingTarget(t, appended, point);
        });
        try (Ledger ledger = Ledger.open(ledgerDir, FaultHarness.CLOCK)) {
            FaultHarness.run(dying, ledger, Pass.PRESTAGE, mailbox);
        }
        System.out.println("FINISHED without reaching " + point);
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
                return delegate.append(folder, new MessageToCopy() {
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
                        return new FreezingStream(message.open(), message.size() / 2, "append");
                    }
                });
            }
            AppendOutcome outcome = delegate.append(folder, message);
            if (third && point.equals("ledger")) {
                freeze("ledger");
            }
            return outcome;
        }
    }
}
