package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.dovecot.DovecotServer;

import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.iap.Literal;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline the engine is measured against: the plainest correct IMAP-to-IMAP copy with
 * Angus Mail — per mailbox one source and one target connection (master logins), per folder
 * one FETCH of UID/FLAGS/INTERNALDATE/SIZE, then per message BODY.PEEK[] streamed (1 MiB
 * partial fetches) straight into an APPEND with the same flags and date. No trace header, no
 * duplicate check, no bookkeeping, no retry: what a short script would do.
 */
final class RawImapCopy {

    private RawImapCopy() {
    }

    /** Copies every mailbox, {@code threads} at once; returns {messages, bytes}. */
    static long[] copy(DovecotServer source, DovecotServer target, List<BmaAddress> mailboxes, int threads)
            throws Exception {
        AtomicLong messages = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BmaAddress mailbox : mailboxes) {
                futures.add(pool.submit(() -> {
                    copyMailbox(source, target, mailbox.toString(), messages, bytes);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new long[] {messages.get(), bytes.get()};
    }

    /**
     * The least a no-op rerun must do against the source: per mailbox one login and one
     * {@code LIST "" "*" RETURN (STATUS (UIDNEXT UIDVALIDITY))} (RFC 5819), which tells for every
     * folder whether anything is above the last UID copied. Returns the folders seen.
     */
    static long statusProbe(DovecotServer source, List<BmaAddress> mailboxes, int threads) throws Exception {
        return statusProbe(source, source.imapPort(), mailboxes, threads);
    }

    /** As {@link #statusProbe(DovecotServer, List, int)}, through the loopback {@code port} (a relay's). */
    static long statusProbe(DovecotServer source, int port, List<BmaAddress> mailboxes, int threads) throws Exception {
        AtomicLong folders = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (BmaAddress mailbox : mailboxes) {
                futures.add(pool.submit(() -> {
                    try (Store store = connect(source, port, mailbox.toString())) {
                        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
                        Object n = inbox.doCommand(p -> {
                            long count = 0;
                            for (org.eclipse.angus.mail.iap.Response r : p.command(
                                    "LIST \"\" \"*\" RETURN (STATUS (UIDNEXT UIDVALIDITY))", null)) {
                                if (r.toString().startsWith("* STATUS")) {
                                    count++;
                                }
                            }
                            return count;
                        });
                        folders.addAndGet((Long) n);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return folders.get();
    }

    private static void copyMailbox(DovecotServer source, DovecotServer target, String mailbox, AtomicLong messages,
                                    AtomicLong bytes) throws MessagingException, IOException {
        try (Store from = connect(source, mailbox); Store to = connect(target, mailbox)) {
            char fromSep = from.getDefaultFolder().getSeparator();
            char toSep = to.getDefaultFolder().getSeparator();
            for (Folder f : from.getDefaultFolder().list("*")) {
                if ((f.getType() & Folder.HOLDS_MESSAGES) == 0) {
                    continue;
                }
                String name = f.getFullName().replace(fromSep, toSep);
                IMAPFolder dest = (IMAPFolder) to.getFolder(name);
                if (!dest.exists()) {
                    dest.create(Folder.HOLDS_MESSAGES | Folder.HOLDS_FOLDERS);
                }
                IMAPFolder src = (IMAPFolder) f;
                src.open(Folder.READ_ONLY);
                try {
                    Message[] all = src.getMessages();
                    FetchProfile fp = new FetchProfile();
                    fp.add(UIDFolder.FetchProfileItem.UID);
                    fp.add(FetchProfile.Item.FLAGS);
                    fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
                    fp.add(FetchProfile.Item.SIZE);
                    src.fetch(all, fp);
                    for (Message m : all) {
                        IMAPMessage im = (IMAPMessage) m;
                        int size = im.getSize();
                        Flags flags = new Flags(im.getFlags());
                        flags.remove(Flags.Flag.RECENT);
                        Literal literal = new Literal() {
                            @Override
                            public int size() {
                                return size;
                            }

                            @Override
                            public void writeTo(OutputStream os) throws IOException {
                                try (InputStream in = im.getMimeStream()) {
                                    in.transferTo(os);
                                } catch (MessagingException e) {
                                    throw new IOException(e);
                                }
                            }
                        };
                        java.util.Date date = im.getReceivedDate();
                        dest.doCommand(p -> {
                            p.append(name, flags, date, literal);
                            return null;
                        });
                        messages.incrementAndGet();
                        bytes.addAndGet(size);
                    }
                } finally {
                    src.close(false);
                }
            }
        }
    }

    private static Store connect(DovecotServer server, String mailbox) throws MessagingException {
        return connect(server, server.imapPort(), mailbox);
    }

    private static Store connect(DovecotServer server, int port, String mailbox) throws MessagingException {
        Properties p = new Properties();
        p.setProperty("mail.imap.peek", "true");
        p.setProperty("mail.imap.fetchsize", Integer.toString(1 << 20));
        p.setProperty("mail.imap.timeout", "120000");
        Store store = Session.getInstance(p).getStore("imap");
        store.connect(server.host(), port, server.masterLogin(mailbox), server.masterPassword());
        return store;
    }
}
