package be.cfwb.bma.ledger;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Splits the mailboxes of a scope (a day) between runners sharing one database ledger, so that
 * none is worked by two at once: a runner claims the next free mailbox ({@code SELECT … FOR UPDATE
 * SKIP LOCKED}: two runners never wait for each other nor take the same row), works it, and marks it
 * finished. A lease lasts {@link LeaseSettings#duration()} unless {@link #heartbeat() renewed}; the
 * mailbox of a runner that died is claimed again once its lease expires. Time is the clock of
 * {@link LeaseSettings}: runners on several machines need synchronised clocks (NTP), which the
 * lease duration leaves a margin for.
 */
public final class MailboxLeases {

    /** Waits between two looks for a claimable mailbox; tests pass one that advances their clock. */
    @FunctionalInterface
    public interface Waiter {
        void await(Duration duration) throws InterruptedException;
    }

    /** A real wait. */
    public static final Waiter SLEEP = d -> Thread.sleep(d.toMillis());

    /** The renewal of a runner's leases in the background ({@link #keepAlive}), until closed. */
    public interface Heartbeat extends AutoCloseable {
        @Override
        void close();
    }

    private final PostgresLedger ledger;
    private final Clock clock;
    private final LeaseSettings settings;
    private final String holder;
    private final Set<Held> held = new HashSet<>();

    private record Held(String scope, String mailbox) {
    }

    MailboxLeases(PostgresLedger ledger, LeaseSettings settings, String holder) {
        this.ledger = ledger;
        this.clock = settings.clock();
        this.settings = settings;
        this.holder = holder;
    }

    /** This runner's name in the lease table (host, process, a random part). */
    public String holder() {
        return holder;
    }

    public LeaseSettings settings() {
        return settings;
    }

    /**
     * Claims one of {@code candidates} in {@code scope} that no live runner holds and none finished:
     * the first free in address order. Empty when there is none now.
     */
    public synchronized Optional<BmaAddress> claimNext(String scope, Collection<BmaAddress> candidates) {
        String[] names = candidates.stream().map(BmaAddress::toString).distinct().sorted().toArray(String[]::new);
        if (names.length == 0) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return ledger.inTransaction(c -> {
            try (PreparedStatement seed = c.prepareStatement("INSERT INTO bma_lease (scope, mailbox, holder, expires_at)"
                    + " SELECT ?, m, NULL, '-infinity' FROM unnest(?::text[]) AS m ON CONFLICT DO NOTHING")) {
                seed.setString(1, scope);
                seed.setArray(2, c.createArrayOf("text", names));
                seed.executeUpdate();
            }
            String mailbox;
            try (PreparedStatement pick = c.prepareStatement("SELECT mailbox FROM bma_lease WHERE scope = ?"
                    + " AND mailbox = ANY(?::text[]) AND NOT finished AND (holder IS NULL OR expires_at <= ?)"
                    + " ORDER BY mailbox LIMIT 1 FOR UPDATE SKIP LOCKED")) {
                pick.setString(1, scope);
                pick.setArray(2, c.createArrayOf("text", names));
                pick.setTimestamp(3, Timestamp.from(now));
                try (ResultSet r = pick.executeQuery()) {
                    if (!r.next()) {
                        return Optional.empty();
                    }
                    mailbox = r.getString(1);
                }
            }
            try (PreparedStatement take = c.prepareStatement(
                    "UPDATE bma_lease SET holder = ?, expires_at = ? WHERE scope = ? AND mailbox = ?")) {
                take.setString(1, holder);
                take.setTimestamp(2, Timestamp.from(now.plus(settings.duration())));
                take.setString(3, scope);
                take.setString(4, mailbox);
                take.executeUpdate();
            }
            held.add(new Held(scope, mailbox));
            return Optional.of(BmaAddress.parse(mailbox));
        });
    }

    /**
     * Renews every lease this runner holds; returns the mailboxes it lost (expired and claimed by
     * another runner meanwhile), which it must stop working at once.
     */
    public synchronized Set<BmaAddress> heartbeat() {
        if (held.isEmpty()) {
            return Set.of();
        }
        Instant now = clock.instant();
        Set<Held> kept = ledger.inTransaction(c -> {
            Set<Held> renewed = new HashSet<>();
            try (PreparedStatement renew = c.prepareStatement("UPDATE bma_lease SET expires_at = ? WHERE holder = ?"
                    + " AND NOT finished RETURNING scope, mailbox")) {
                renew.setTimestamp(1, Timestamp.from(now.plus(settings.duration())));
                renew.setString(2, holder);
                try (ResultSet r = renew.executeQuery()) {
                    while (r.next()) {
                        renewed.add(new Held(r.getString(1), r.getString(2)));
                    }
                }
            }
            return renewed;
        });
        Set<BmaAddress> lost = new HashSet<>();
        for (Held h : new ArrayList<>(held)) {
            if (!kept.contains(h)) {
                held.remove(h);
                lost.add(BmaAddress.parse(h.mailbox()));
            }
        }
        return lost;
    }

    /** Marks {@code mailbox} finished in {@code scope}: no runner claims it again there. */
    public synchronized void finish(String scope, BmaAddress mailbox) {
        release(scope, mailbox, true);
    }

    /** Gives {@code mailbox} back unfinished (a runner stopping early): another may claim it at once. */
    public synchronized void release(String scope, BmaAddress mailbox) {
        release(scope, mailbox, false);
    }

    private void release(String scope, BmaAddress mailbox, boolean finished) {
        ledger.inTransaction(c -> {
            try (PreparedStatement done = c.prepareStatement("UPDATE bma_lease SET finished = ?, holder = CASE WHEN ?"
                    + " THEN holder ELSE NULL END, expires_at = CASE WHEN ? THEN expires_at ELSE '-infinity' END"
                    + " WHERE scope = ? AND mailbox = ? AND holder = ?")) {
                done.setBoolean(1, finished);
                done.setBoolean(2, finished);
                done.setBoolean(3, finished);
                done.setString(4, scope);
                done.setString(5, mailbox.toString());
                done.setString(6, holder);
                done.executeUpdate();
            }
            return null;
        });
        held.remove(new Held(scope, mailbox.toString()));
    }

    /**
     * Works every one of {@code candidates} in {@code scope}, each by exactly one runner at a time:
     * claims up to {@code batch} free ones, hands them to {@code work}, marks them finished, and goes
     * on until every candidate is finished (by this runner or another). When the rest are held by
     * other runners, it waits ({@link LeaseSettings#poll()}) and looks again, so the mailboxes of a
     * runner that died are taken over once their leases expire. Leases are renewed between batches
     * and on every poll; a long batch needs {@link #keepAlive} meanwhile. If {@code work} throws, its
     * mailboxes are given back unfinished.
     *
     * @return the mailboxes this runner worked
     */
    public List<BmaAddress> workAll(String scope, Collection<BmaAddress> candidates, int batch, Waiter waiter,
                                    Consumer<List<BmaAddress>> work) {
        Objects.requireNonNull(work, "work");
        if (batch < 1) {
            throw new IllegalArgumentException("A batch holds at least one mailbox: " + batch);
        }
        List<BmaAddress> worked = new ArrayList<>();
        while (true) {
            heartbeat();
            List<BmaAddress> claimed = new ArrayList<>();
            for (Optional<BmaAddress> next = claimNext(scope, candidates); next.isPresent();
                 next = claimed.size() < batch ? claimNext(scope, candidates) : Optional.empty()) {
                claimed.add(next.get());
            }
            if (!claimed.isEmpty()) {
                boolean done = false;
                try {
                    work.accept(List.copyOf(claimed));
                    done = true;
                } finally {
                    for (BmaAddress m : claimed) {
                        if (done) {
                            finish(scope, m);
                        } else {
                            release(scope, m);
                        }
                    }
                }
                worked.addAll(claimed);
                continue;
            }
            if (unfinished(scope, candidates) == 0) {
                return worked;
            }
            try {
                waiter.await(settings.poll());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BmaException(BmaErrorCode.LEDGER_UNAVAILABLE, "Interrupted while waiting for mailboxes"
                        + " other runners hold in " + scope, e);
            }
        }
    }

    /** How many of {@code candidates} are not finished in {@code scope}. */
    public synchronized int unfinished(String scope, Collection<BmaAddress> candidates) {
        String[] names = candidates.stream().map(BmaAddress::toString).distinct().toArray(String[]::new);
        return ledger.inTransaction(c -> {
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM unnest(?::text[]) AS m WHERE NOT EXISTS"
                    + " (SELECT 1 FROM bma_lease l WHERE l.scope = ? AND l.mailbox = m AND l.finished)")) {
                count.setArray(1, c.createArrayOf("text", names));
                count.setString(2, scope);
                try (ResultSet r = count.executeQuery()) {
                    r.next();
                    return r.getInt(1);
                }
            }
        });
    }

    /**
     * Starts renewing this runner's leases every {@link LeaseSettings#heartbeat()} on a daemon
     * thread, until the returned handle is closed; the mailboxes of a lost lease (or none, when a
     * renewal failed) are passed to the caller's {@code onLost}.
     */
    public Heartbeat keepAlive(Consumer<Set<BmaAddress>> onLost) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bma-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = settings.heartbeat().toMillis();
        ScheduledFuture<?> beats = timer.scheduleAtFixedRate(() -> {
            try {
                Set<BmaAddress> lost = heartbeat();
                if (!lost.isEmpty()) {
                    onLost.accept(lost);
                }
            } catch (RuntimeException e) {
                onLost.accept(Set.of());
            }
        }, every, every, TimeUnit.MILLISECONDS);
        return () -> {
            beats.cancel(false);
            // A renewal under way finishes: interrupting it could break the ledger's connection mid-statement.
            timer.shutdown();
            try {
                timer.awaitTermination(every + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    /** SQL work in one transaction of the ledger's connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }
}
