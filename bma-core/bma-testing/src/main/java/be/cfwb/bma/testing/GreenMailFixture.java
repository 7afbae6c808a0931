package be.cfwb.bma.testing;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * GreenMail's IMAP server in-process on {@code 127.0.0.1}, on a free port. Its hierarchy
 * separator is {@code .}; it offers UIDPLUS, LITERAL+ and XOAUTH2 (where the token is the
 * password) but neither SPECIAL-USE nor CONDSTORE nor SASL PLAIN (so no master login).
 *
 * <p>Quirks the transfer suite works around, without weakening what it checks (GreenMail
 * 2.1.5): RFC822.SIZE counts the body only, not the header, so sizes are never compared —
 * bytes are (SHA-256 or byte arrays); UIDVALIDITY is the folder's creation time in seconds, so
 * a folder recreated within the same second keeps it (tests wait for the next second);
 * each partial FETCH re-reads the whole message, so GreenMail says nothing about speed.
 * Clients reach it through an {@link AppendDateRelay}, which keeps GreenMail from storing an
 * APPEND at 12:xx twelve hours early, and acknowledges its replies at once (GreenMail leaves
 * Nagle on: reached directly, each reply of more than one line waits ~40 ms for a delayed ACK).
 */
public final class GreenMailFixture implements MailServerFixture {

    private final GreenMail greenMail;
    private final AppendDateRelay relay;

    private GreenMailFixture(GreenMail greenMail, AppendDateRelay relay) {
        this.greenMail = greenMail;
        this.relay = relay;
    }

    /** Starts a fresh server. */
    public static GreenMailFixture start() {
        ServerSetup setup = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP);
        setup.setServerStartupTimeout(10_000);
        GreenMail gm = new GreenMail(setup);
        gm.start();
        return over(gm);
    }

    /**
     * The fixture over a GreenMail already started with an IMAP service among others (SMTP,
     * say, which stays reached directly); closing the fixture stops that GreenMail.
     */
    public static GreenMailFixture over(GreenMail started) {
        try {
            return new GreenMailFixture(started, AppendDateRelay.to(started.getImap().getPort()));
        } catch (IOException e) {
            started.stop();
            throw new UncheckedIOException("Cannot open a loopback port for GreenMail's relay", e);
        }
    }

    /** The port IMAP clients connect to (the relay's, in front of GreenMail's own). */
    public int imapPort() {
        return relay.port();
    }

    /** The server itself, for what the fixture does not offer. */
    public GreenMail greenMail() {
        return greenMail;
    }

    @Override
    public ImapEndpoint imapEndpoint() {
        return ImapEndpoint.parse("imap://127.0.0.1:" + imapPort(), "GreenMail");
    }

    @Override
    public void createUser(BmaAddress address, String password) {
        greenMail.setUser(address.toString(), address.toString(), password);
    }

    @Override
    public String name() {
        return "greenmail";
    }

    @Override
    public void close() {
        relay.close();
        greenMail.stop();
    }
}
