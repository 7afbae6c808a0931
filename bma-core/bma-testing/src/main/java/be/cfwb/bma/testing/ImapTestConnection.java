package be.cfwb.bma.testing;

import be.cfwb.bma.transfer.imap.ImapEndpoint;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/** A plain password IMAP login for test helpers. */
final class ImapTestConnection {

    private ImapTestConnection() {
    }

    static Store connect(ImapEndpoint endpoint, String login, String password) {
        String proto = endpoint.tls() ? "imaps" : "imap";
        Properties p = new Properties();
        p.setProperty("mail." + proto + ".connectiontimeout", "10000");
        p.setProperty("mail." + proto + ".timeout", "60000");
        p.setProperty("mail." + proto + ".peek", "true");
        p.setProperty("mail." + proto + ".fetchsize", Integer.toString(1 << 20));
        if (!endpoint.tls()) {
            p.put("mail.imap.socketFactory", be.cfwb.bma.transfer.imap.NoDelaySocketFactory.INSTANCE);
        }
        try {
            Store store = Session.getInstance(p).getStore(proto);
            store.connect(endpoint.host(), endpoint.port(), login, password);
            return store;
        } catch (MessagingException e) {
            throw new UncheckedIOException(new IOException("Cannot log in to " + endpoint + " as " + login
                    + ": " + e.getMessage(), e));
        }
    }

    static String fullName(Store store, be.cfwb.bma.transfer.FolderPath path) throws MessagingException {
        if (path.isInbox()) {
            return "INBOX";
        }
        char sep = store.getDefaultFolder().getSeparator();
        return String.join(String.valueOf(sep), path.segments());
    }
}
