package be.cfwb.bma.testing.dovecot;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.util.Locale;
import java.util.Objects;

/**
 * A {@link DovecotServer} behind the {@link MailServerFixture} interface, so that the transfer
 * suite written for GreenMail runs unchanged against a real server.
 */
public final class DovecotFixture implements MailServerFixture {

    private final DovecotServer server;

    private DovecotFixture(DovecotServer server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    /** Starts a Dovecot with the given folder hierarchy. */
    public static DovecotFixture start(HierarchyStyle style) {
        return new DovecotFixture(DovecotServer.builder().hierarchy(style).start());
    }

    /** Wraps a server configured by the caller; closing the fixture stops it. */
    public static DovecotFixture of(DovecotServer server) {
        return new DovecotFixture(server);
    }

    /** The server itself, for what the fixture does not offer (master user, Maildir...). */
    public DovecotServer server() {
        return server;
    }

    @Override
    public ImapEndpoint imapEndpoint() {
        return ImapEndpoint.parse(server.imapUrl(), "Dovecot");
    }

    @Override
    public void createUser(BmaAddress address, String password) {
        server.addUser(address.toString(), password);
    }

    @Override
    public String name() {
        return "dovecot-" + server.hierarchy().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public void close() {
        server.stop();
    }

    @Override
    public String toString() {
        return name() + "@" + server.imapUrl();
    }
}
