package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.TargetTraces;
import be.cfwb.bma.transfer.TraceProbe;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferSettings;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Keeps a wrong shared login (an admin login used for every mailbox, an app's token) from
 * being tried by every mailbox of a run: 400 mailboxes would make 400 failed logins of one
 * account, and the account would be locked. One gate per server and run, a run being one
 * engine call ({@link be.cfwb.bma.transfer.SyncEngine}, {@link be.cfwb.bma.transfer.Verifier}) or a
 * sequence of them given the same gated settings ({@code Bma.run}: survey, provisioning,
 * pre-stage, final delta, verification share one set of gates, so a wrong password is tried
 * once a day, not once per stage):
 * <ul>
 * <li>logins go one at a time until one works, so a wrong password is tried once, not once per
 *     worker; then up to {@value #PARALLEL_LOGINS} at once (at 20 ms a round trip, a login is
 *     several of them, and workers waiting for each other's logins cost a rerun more than its
 *     commands); a shared login refused sends the gate back to one at a time until one works
 *     again, so a shared login that stopped working is tried at most
 *     max({@value #REFUSALS_AFTER_SUCCESS}, {@value #PARALLEL_LOGINS}) times after its last success:
 *     the logins already under way when the first refusal came, or the refusals in a row below;</li>
 * <li>a refused shared login that never worked in this run closes the gate: every later
 *     mailbox fails at once with one message naming the server and the login, without
 *     connecting; so does a shared login refused {@value #REFUSALS_AFTER_SUCCESS} times in a row
 *     after having worked (changed or locked mid-run) — a single refusal after success may be
 *     the mailbox's (absent, no access), and only that mailbox is reported;</li>
 * <li>a mailbox's own password refused is that mailbox's failure alone.</li>
 * </ul>
 * Thread-safe.
 */
public final class LoginGate {

    private static final Logger LOG = LoggerFactory.getLogger(LoginGate.class);
    /** Refusals of a shared login in a row, after it worked in this run, that stop its use. */
    static final int REFUSALS_AFTER_SUCCESS = 3;
    /** Logins at once while the shared login works. */
    static final int PARALLEL_LOGINS = 8;

    private final String side;
    private boolean everAccepted;
    /** True from a success to the next refusal of a shared login. */
    private boolean parallel;
    private int underWay;
    private int refusalsInARow;
    private LoginRefusedException closedBy;

    /** @param side {@code source} or {@code target}, for messages */
    public LoginGate(String side) {
        this.side = side;
    }

    /**
     * {@code settings} with both connectors behind gates of their own, fresh (for one run); a
     * connector already behind a gate keeps it: the caller that gated the settings owns the run.
     */
    public static TransferSettings guard(TransferSettings settings) {
        if (settings.source() instanceof Gated<?> && settings.target() instanceof Gated<?>) {
            return settings;
        }
        MailboxConnector<MailboxTarget> target = guarded("target", settings.target());
        TransferSettings.Builder gated = settings.withConnectors(guarded("source", settings.source()), target).toBuilder();
        // The campaign check logs in to the target too: the same gate, so a wrong token is tried once a day.
        settings.probe().filter(p -> !(p instanceof GatedProbe)).ifPresent(p -> gated.probe(new GatedProbe(((Gated<?>) target).gate(), p)));
        return gated.build();
    }

    private static <T extends AutoCloseable> MailboxConnector<T> guarded(String side, MailboxConnector<T> connector) {
        return connector instanceof Gated<?> ? connector : new LoginGate(side).guard(connector);
    }

    /**
     * What closed the gates of {@code settings} (guarded by {@link #guard(TransferSettings)}), one
     * line per refused shared login, source first: said once for a whole run however many
     * mailboxes and stages were turned away.
     */
    public static List<String> refusals(TransferSettings settings) {
        List<String> out = new ArrayList<>();
        for (MailboxConnector<?> c : List.of(settings.source(), settings.target())) {
            if (c instanceof Gated<?> g) {
                g.gate().refusal().ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }

    /**
     * True if both servers of {@code settings} (guarded by {@link #guard(TransferSettings)}) have
     * taken a login in this run and refused none since: a mailbox's two logins may then go at
     * once, since a wrong shared login would already have shown.
     */
    public static boolean admitsBoth(TransferSettings settings) {
        return settings.source() instanceof Gated<?> s && s.gate().admitting()
                && settings.target() instanceof Gated<?> t && t.gate().admitting();
    }

    private synchronized boolean admitting() {
        return parallel && closedBy == null;
    }

    /** {@code connector}, opened through this gate. */
    public <T extends AutoCloseable> MailboxConnector<T> guard(MailboxConnector<T> connector) {
        return new Gated<>(this, connector);
    }

    /** The refused shared login that closed this gate, in one line for the run's result; empty while open. */
    public synchronized Optional<String> refusal() {
        if (closedBy == null) {
            return Optional.empty();
        }
        return Optional.of("The " + side + " server " + closedBy.server() + " refused the " + closedBy.login()
                + ", and no mailbox logged in with it after that: " + closedBy.getMessage());
    }

    /** A connector behind a gate; recognised so that settings are never gated twice. */
    private record Gated<T extends AutoCloseable>(LoginGate gate, MailboxConnector<T> connector)
            implements MailboxConnector<T> {
        @Override
        public T open(BmaAddress mailbox) {
            return gate.call(mailbox, () -> connector.open(mailbox));
        }

        @Override
        public T openBeside(BmaAddress mailbox, T beside) {
            return gate.call(mailbox, () -> connector.openBeside(mailbox, beside));
        }
    }

    /** A probe behind the target's gate. */
    private record GatedProbe(LoginGate gate, TraceProbe probe) implements TraceProbe {
        @Override
        public TargetTraces probe(BmaAddress mailbox, Optional<String> ours) {
            return gate.call(mailbox, () -> probe.probe(mailbox, ours));
        }
    }

    /** Runs {@code login} (a login and what it opens) through the gate. */
    private <T> T call(BmaAddress mailbox, Supplier<T> login) {
        enter(mailbox);
        try {
            T opened;
            try {
                opened = login.get();
            } catch (LoginRefusedException e) {
                throw refused(e);
            }
            accepted();
            return opened;
        } finally {
            leave();
        }
    }

    /** Waits for a turn to log in; a gate closed meanwhile turns the caller away without connecting. */
    private synchronized void enter(BmaAddress mailbox) {
        while (true) {
            checkOpen();
            if (underWay < (parallel ? PARALLEL_LOGINS : 1)) {
                underWay++;
                return;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw TransferException.permanent("Interrupted while waiting to log in to the " + side + " for " + mailbox, e);
            }
        }
    }

    private synchronized void leave() {
        underWay--;
        notifyAll();
    }

    private synchronized void checkOpen() {
        if (closedBy != null) {
            throw new LoginRefusedException("Not attempted: the " + side + " server " + closedBy.server() + " refused the "
                    + closedBy.login() + " earlier in this run, so no mailbox logs in with it any more (an account"
                    + " lockout would stop the whole migration); check the credentials and run again",
                    closedBy.server(), closedBy.login(), true, false);
        }
    }

    private synchronized void accepted() {
        everAccepted = true;
        parallel = true;
        refusalsInARow = 0;
    }

    private synchronized LoginRefusedException refused(LoginRefusedException e) {
        if (!e.isShared()) {
            return e;
        }
        refusalsInARow++;
        // Perhaps only this mailbox's (absent, no access), perhaps the password changed: no new
        // login starts until those under way have answered, and then one at a time.
        parallel = false;
        if (everAccepted && refusalsInARow < REFUSALS_AFTER_SUCCESS) {
            return e;
        }
        if (closedBy == null) {
            closedBy = e;
            LOG.warn("The {} server {} refused the {}{}: no other mailbox logs in with it in this run", side, e.server(),
                    e.login(), everAccepted ? " " + refusalsInARow + " times in a row" : "");
        }
        return new LoginRefusedException(e.getMessage() + "; no other mailbox logs in with it in this run",
                e.server(), e.login(), true);
    }
}
