package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The login gate without a network: what reaches the connector, in which order, and what is refused at once. */
@Timeout(20)
class LoginGateTest {

    private static BmaAddress mailbox(int i) {
        return BmaAddress.of(BmaKind.EC, 9000 + i);
    }

    private static LoginRefusedException refusal(BmaAddress mailbox, boolean shared) {
        return new LoginRefusedException("Login to imap://old:993 for " + mailbox + " refused: NO; check the credentials",
                "imap://old:993", shared ? "admin login 'admin' (settings.xml server bma-source)" : "its password", shared);
    }

    /** A connector that refuses the mailboxes {@code refuses} picks, counting the calls and the most at once. */
    private static final class Server implements MailboxConnector<AutoCloseable> {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final Set<BmaAddress> tried = ConcurrentHashMap.newKeySet();
        /** For each login in the order they came, how many were under way with it then. */
        final List<Integer> underWayAtStart = new CopyOnWriteArrayList<>();
        volatile Predicate<BmaAddress> refuses;
        /** Logins that wait (up to a second) for this many to be under way: the most at once is then reached, not hoped for. */
        volatile int meet = 1;
        final boolean shared;

        Server(Predicate<BmaAddress> refuses, boolean shared) {
            this.refuses = refuses;
            this.shared = shared;
        }

        @Override
        public AutoCloseable open(BmaAddress mailbox) {
            calls.incrementAndGet();
            tried.add(mailbox);
            int now = inside.incrementAndGet();
            underWayAtStart.add(now);
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(20);
                long until = System.nanoTime() + 1_000_000_000L;
                while (inside.get() < meet && System.nanoTime() < until) {
                    Thread.sleep(2);
                }
                if (refuses.test(mailbox)) {
                    throw refusal(mailbox, shared);
                }
                return () -> { };
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inside.decrementAndGet();
            }
        }
    }

    private static List<Throwable> openAll(MailboxConnector<AutoCloseable> gated, int mailboxes, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Throwable>> results = new ArrayList<>();
            for (int i = 0; i < mailboxes; i++) {
                BmaAddress a = mailbox(i);
                results.add(pool.submit(() -> {
                    try {
                        gated.open(a).close();
                        return null;
                    } catch (LoginRefusedException e) {
                        return e;
                    }
                }));
            }
            List<Throwable> outcomes = new ArrayList<>();
            for (Future<Throwable> f : results) {
                outcomes.add(f.get());
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongSharedLoginIsTriedOnceByTwelveMailboxesOnFourThreads() throws Exception {
        Server server = new Server(m -> true, true);

        List<Throwable> outcomes = openAll(new LoginGate("source").guard(server), 12, 4);

        assertThat(server.calls).as("login attempts at the server").hasValue(1);
        assertThat(outcomes).allMatch(e -> e instanceof LoginRefusedException);
        assertThat(outcomes).filteredOn(e -> !((LoginRefusedException) e).wasAttempted()).hasSize(11)
                .allSatisfy(e -> assertThat(e.getMessage()).startsWith("Not attempted: the source server imap://old:993 refused the"
                        + " admin login 'admin' (settings.xml server bma-source) earlier in this run").contains("check the credentials"));
        assertThat(outcomes).filteredOn(e -> ((LoginRefusedException) e).wasAttempted()).singleElement()
                .satisfies(e -> assertThat(e.getMessage()).contains("no other mailbox logs in with it in this run"));
    }

    @Test
    void onceALoginWorkedOneRefusalIsThatMailboxsAlone() throws Exception {
        BmaAddress absent = mailbox(3);
        Server server = new Server(absent::equals, true);
        MailboxConnector<AutoCloseable> gated = new LoginGate("target").guard(server);
        gated.open(mailbox(0)).close();

        assertThatThrownBy(() -> gated.open(absent)).isInstanceOf(LoginRefusedException.class)
                .hasMessageNotContaining("no other mailbox");
        List<Throwable> outcomes = openAll(gated, 12, 4);

        assertThat(outcomes).filteredOn(e -> e != null).hasSize(1); // mailbox 3, tried again: its own refusal
        assertThat(server.tried).hasSize(12);
        assertThat(server.mostAtOnce).as("never more than the parallel bound").hasValueLessThanOrEqualTo(4);
    }

    @Test
    void loginsGoOneAtATimeUntilOneWorks() throws Exception {
        Server server = new Server(m -> true, false); // every mailbox's own password wrong: nothing ever works
        server.meet = 2;

        List<Throwable> outcomes = openAll(new LoginGate("source").guard(server), 6, 6);

        assertThat(server.calls).hasValue(6);
        assertThat(server.mostAtOnce).as("one login at a time").hasValue(1);
        assertThat(outcomes).allMatch(e -> e instanceof LoginRefusedException r && r.wasAttempted());
    }

    @Test
    void onceALoginWorkedUpToEightLogInAtOnce() throws Exception {
        Server server = new Server(m -> false, true);
        MailboxConnector<AutoCloseable> gated = new LoginGate("target").guard(server);
        gated.open(mailbox(0)).close();
        server.meet = LoginGate.PARALLEL_LOGINS;

        List<Throwable> outcomes = openAll(gated, 24, 16);

        assertThat(outcomes).allMatch(e -> e == null);
        assertThat(server.mostAtOnce).as("logins at once").hasValue(LoginGate.PARALLEL_LOGINS);
    }

    @Test
    void aSharedRefusalSendsTheGateBackToOneAtATimeUntilALoginWorksAgain() throws Exception {
        BmaAddress absent = mailbox(99);
        Server server = new Server(absent::equals, true);
        MailboxConnector<AutoCloseable> gated = new LoginGate("source").guard(server);
        gated.open(mailbox(0)).close();
        assertThatThrownBy(() -> gated.open(absent)).isInstanceOf(LoginRefusedException.class);
        server.meet = LoginGate.PARALLEL_LOGINS;
        server.underWayAtStart.clear();

        assertThat(openAll(gated, 24, 16)).allMatch(e -> e == null);
        // the first login after the refusal waits a second for company that the gate holds back
        assertThat(server.underWayAtStart.get(0)).as("alone until a login works again").isEqualTo(1);
        assertThat(server.mostAtOnce).as("then in parallel again").hasValue(LoginGate.PARALLEL_LOGINS);
    }

    @Test
    void aSharedLoginRefusedThreeTimesInARowAfterWorkingStopsBeingUsed() throws Exception {
        Server server = new Server(m -> false, true);
        MailboxConnector<AutoCloseable> gated = new LoginGate("source").guard(server);
        gated.open(mailbox(0)).close();
        gated.open(mailbox(1)).close();
        server.refuses = m -> true; // the admin password was changed mid-run
        assertThatThrownBy(() -> gated.open(mailbox(2))).isInstanceOf(LoginRefusedException.class); // back to one at a time
        server.calls.set(0);
        server.mostAtOnce.set(0);

        List<Throwable> outcomes = openAll(gated, 10, 4);

        assertThat(server.calls).as("the two refusals in a row still allowed, one at a time")
                .hasValue(LoginGate.REFUSALS_AFTER_SUCCESS - 1);
        assertThat(server.mostAtOnce).as("one login at a time").hasValue(1);
        assertThat(outcomes).filteredOn(e -> !((LoginRefusedException) e).wasAttempted())
                .hasSize(10 - (LoginGate.REFUSALS_AFTER_SUCCESS - 1));
    }

    @Test
    void aSharedLoginChangedWhileEightLogInAtOnceIsTriedAtMostEightTimesAfterItsLastSuccess() throws Exception {
        Server server = new Server(m -> false, true);
        MailboxConnector<AutoCloseable> gated = new LoginGate("source").guard(server);
        gated.open(mailbox(0)).close();
        server.refuses = m -> true;
        server.meet = LoginGate.PARALLEL_LOGINS;
        server.calls.set(0);

        List<Throwable> outcomes = openAll(gated, 40, 16);

        int bound = Math.max(LoginGate.REFUSALS_AFTER_SUCCESS, LoginGate.PARALLEL_LOGINS);
        assertThat(server.calls).as("tries after the last success").hasValueBetween(LoginGate.REFUSALS_AFTER_SUCCESS, bound);
        assertThat(outcomes).allMatch(e -> e instanceof LoginRefusedException);
        assertThat(outcomes).filteredOn(e -> !((LoginRefusedException) e).wasAttempted()).hasSize(40 - server.calls.get());
    }

    @Test
    void aMailboxsOwnWrongPasswordNeverStopsTheOthers() throws Exception {
        Server server = new Server(m -> m.equals(mailbox(0)) || m.equals(mailbox(5)), false);

        List<Throwable> outcomes = openAll(new LoginGate("source").guard(server), 12, 4);

        assertThat(server.calls).as("each mailbox tried exactly once").hasValue(12);
        assertThat(outcomes).filteredOn(e -> e != null).hasSize(2).allMatch(e -> ((LoginRefusedException) e).wasAttempted());
    }
    @Test
    void settingsGatedOnceKeepTheirGatesThroughEveryLaterEngineRunAndSayWhyOnce() {
        AtomicInteger sourceCalls = new AtomicInteger();
        MailboxConnector<MailboxSource> source = mailbox -> {
            sourceCalls.incrementAndGet();
            throw refusal(mailbox, true);
        };
        MailboxConnector<MailboxTarget> target = mailbox -> {
            throw new AssertionError("not opened in this test");
        };
        TransferSettings plain = TransferSettings.builder().source(source).target(target).build();
        TransferSettings run = LoginGate.guard(plain);

        // the stages of one run (survey, pre-stage, verification) each guard what they are given
        for (int stage = 0; stage < 3; stage++) {
            TransferSettings engine = LoginGate.guard(run);
            assertThat(engine).isSameAs(run);
            for (int i = 0; i < 4; i++) {
                BmaAddress a = mailbox(i);
                assertThatThrownBy(() -> engine.source().open(a)).isInstanceOf(LoginRefusedException.class);
            }
        }

        assertThat(sourceCalls).as("one refused login for three stages of four mailboxes").hasValue(1);
        assertThat(LoginGate.refusals(run)).singleElement().asString()
                .startsWith("The source server imap://old:993 refused the admin login 'admin' (settings.xml server bma-source)")
                .contains("no mailbox logged in with it after that", "check the credentials");
        assertThat(LoginGate.refusals(plain)).as("ungated settings know of no refusal").isEmpty();
        // settings not gated by the caller get fresh gates per engine run, as before
        assertThat(LoginGate.guard(plain)).isNotSameAs(run);
        assertThat(LoginGate.refusals(LoginGate.guard(plain))).isEmpty();
    }

    @Test
    void aMailboxsTwoLoginsGoAtOnceOnlyWhileBothServersTakeTheirs() {
        AtomicInteger refuseSource = new AtomicInteger();
        MailboxConnector<MailboxSource> source = mailbox -> {
            if (refuseSource.get() > 0) {
                throw refusal(mailbox, true);
            }
            return null;
        };
        MailboxConnector<MailboxTarget> target = mailbox -> null;
        TransferSettings plain = TransferSettings.builder().source(source).target(target).build();
        TransferSettings run = LoginGate.guard(plain);

        assertThat(LoginGate.admitsBoth(plain)).as("no gates: nothing known").isFalse();
        assertThat(LoginGate.admitsBoth(run)).as("no login yet").isFalse();
        run.source().open(mailbox(1));
        assertThat(LoginGate.admitsBoth(run)).as("the old server took one, the target none yet").isFalse();
        run.target().open(mailbox(1));
        assertThat(LoginGate.admitsBoth(run)).as("both took one").isTrue();

        refuseSource.set(1);
        assertThatThrownBy(() -> run.source().open(mailbox(2))).isInstanceOf(LoginRefusedException.class);
        assertThat(LoginGate.admitsBoth(run)).as("a shared login refused since: one server at a time again").isFalse();
        refuseSource.set(0);
        run.source().open(mailbox(3));
        assertThat(LoginGate.admitsBoth(run)).as("taken again").isTrue();
    }
}
