package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.LoginTurnedAwayException;
import be.cfwb.bma.transfer.MailboxSource;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.SourceFolder;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@link FolderWorkers} hands out a mailbox's folders to its connections (no servers: stub sessions). */
class FolderWorkersTest {

    private static final BmaAddress MAILBOX = BmaAddress.of(BmaKind.EC, 4242);

    /** Opened sessions, and the number of the open that is refused (0: none). */
    private final AtomicInteger opened = new AtomicInteger();
    private volatile int refuseFrom = Integer.MAX_VALUE;
    /** What the stub sessions answer when asked their round trip, and how often they were asked. */
    private volatile Optional<Duration> roundTrip = Optional.empty();
    private final AtomicInteger roundTripsAsked = new AtomicInteger();

    private final TransferSettings settings = TransferSettings.builder()
            .source(m -> stub(MailboxSource.class))
            .target(m -> {
                if (opened.incrementAndGet() >= refuseFrom) {
                    throw TransferException.permanent("NO [UNAVAILABLE] too many connections for this mailbox", null);
                }
                return stub(MailboxTarget.class);
            })
            .build();

    @Test
    @Timeout(30)
    void aFurtherWorkerThatCannotBeMadeStopsTheMailboxInsteadOfHangingIt() {
        // Before, its share of the workers' count was never given back: the others waited for it
        // to offer a folder to share, for ever.
        IllegalStateException broken = new IllegalStateException("no further connection can be made (test)");
        List<FolderReport> reports = new ArrayList<>();

        assertThatThrownBy(() -> new FolderWorkers(2, Duration.ZERO, connected(), () -> {
            throw broken;
        }, MAILBOX, new SharedCopies()).run(mappings(3), m -> index(m), m -> false,
                FolderWorkersTest::nothingBefore, w -> (m, next, report) -> report.accept(report(m)), reports)).isSameAs(broken);

        assertThat(sources(reports)).as("the mailbox's own connection copied them all").containsExactly("f0", "f1", "f2");
    }

    @Test
    @Timeout(30)
    void furtherConnectionsLogInWhileTheTargetFoldersAreMadeAndCopyOnlyOnceTheyAre() {
        List<String> copiedBeforeReady = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean ready = new AtomicBoolean();
        AtomicInteger openedDuringPrepare = new AtomicInteger();
        List<FolderReport> reports = new ArrayList<>();

        new FolderWorkers(3, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings(6),
                m -> index(m), m -> false, () -> {
                    // The own connection's target sessions count as the first; the two further ones log in now.
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (opened.get() < 3 && System.nanoTime() < until) {
                        pause(Duration.ofMillis(5));
                    }
                    openedDuringPrepare.set(opened.get());
                    ready.set(true);
                }, w -> (m, next, report) -> {
                    if (!ready.get()) {
                        copiedBeforeReady.add(m.source().path().encoded());
                    }
                    report.accept(report(m));
                }, reports);

        assertThat(openedDuringPrepare.get()).as("target sessions open while the folders were made").isEqualTo(3);
        assertThat(copiedBeforeReady).as("folders copied before the target's folders were made").isEmpty();
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
    }

    @Test
    @Timeout(30)
    void whenTheTargetFoldersCannotBeMadeNoFolderIsCopiedAndTheFurtherConnectionsClose() {
        TransferException refused = TransferException.permanent("NO [NOPERM] cannot create folders (test)", null);
        List<String> copied = Collections.synchronizedList(new ArrayList<>());
        List<Reconnecting> further = Collections.synchronizedList(new ArrayList<>());
        List<FolderReport> reports = new ArrayList<>();

        assertThatThrownBy(() -> new FolderWorkers(3, Duration.ZERO, connected(), () -> {
            Reconnecting r = unopened();
            further.add(r);
            return r;
        }, MAILBOX, new SharedCopies()).run(mappings(4), m -> index(m), m -> false, () -> {
            throw refused;
        }, w -> (m, next, report) -> {
            copied.add(m.source().path().encoded());
            report.accept(report(m));
        }, reports)).isSameAs(refused);

        assertThat(copied).isEmpty();
        assertThat(reports).isEmpty();
        assertThat(further).as("both further connections were made").hasSize(2)
                .noneMatch(Reconnecting::isConnected);
    }

    @Test
    void oneConnectionCopiesTheFoldersInOrderOnTheCallingThread() {
        List<FolderMapping> mappings = mappings(5);
        Reconnecting first = connected();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<FolderReport> reports = new ArrayList<>();

        new FolderWorkers(1, Duration.ZERO, first, () -> {
            throw new AssertionError("no further connection with one");
        }, MAILBOX, new SharedCopies()).run(mappings, m -> index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
            seen.add(m.source().path().encoded() + "@" + Thread.currentThread().getName());
            report.accept(report(m));
        }, reports);

        String thread = Thread.currentThread().getName();
        assertThat(seen).containsExactly("f0@" + thread, "f1@" + thread, "f2@" + thread, "f3@" + thread, "f4@" + thread);
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3", "f4");
    }

    @Test
    void foldersAreCopiedAtOnceEachOnceAndReportedInTheMappingsOrder() {
        List<FolderMapping> mappings = mappings(12);
        List<FolderReport> reports = new ArrayList<>();
        Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        Set<Reconnecting> workers = Collections.synchronizedSet(new HashSet<>());
        List<String> copied = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch together = new CountDownLatch(4);

        new FolderWorkers(4, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings, m -> index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
            threads.add(Thread.currentThread().getName());
            workers.add(w);
            together.countDown();
            await(together); // each of the first four folders waits until all four connections work at once
            copied.add(m.source().path().encoded());
            report.accept(report(m));
        }, reports);

        assertThat(together.getCount()).as("four folders copied at the same time").isZero();
        assertThat(threads).hasSize(4);
        assertThat(workers).as("each worker its own connections").hasSize(4);
        assertThat(copied).as("each folder once").hasSize(12).doesNotHaveDuplicates();
        assertThat(sources(reports)).containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "f" + i).toList());
    }

    @Test
    void theNextFolderOfOneConnectionIsTheFollowingMapping() {
        List<String> nexts = new ArrayList<>();

        new FolderWorkers(1, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings(3), m -> index(m), m -> false,
                FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    nexts.add(m.source().path().encoded() + ">" + next.take().map(n -> n.source().path().encoded()).orElse("-"));
                    report.accept(report(m));
                }, new ArrayList<>());

        assertThat(nexts).containsExactly("f0>f1", "f1>f2", "f2>-");
    }

    @Test
    void aFolderTakenAheadIsTheNextOneItsWorkerCopiesAndNoOtherDoes() {
        List<FolderMapping> mappings = mappings(12);
        List<FolderReport> reports = new ArrayList<>();
        Map<String, List<String>> copiedBy = new ConcurrentHashMap<>();
        Map<String, List<String>> takenBy = new ConcurrentHashMap<>();
        CountDownLatch together = new CountDownLatch(3);

        new FolderWorkers(3, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings, m -> index(m), m -> false,
                FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    String thread = Thread.currentThread().getName();
                    together.countDown();
                    await(together); // the three workers take folders side by side
                    Optional<String> ahead = next.take().map(n -> n.source().path().encoded());
                    assertThat(next.take().map(n -> n.source().path().encoded())).as("asked again").isEqualTo(ahead);
                    copiedBy.computeIfAbsent(thread, t -> new ArrayList<>()).add(m.source().path().encoded());
                    takenBy.computeIfAbsent(thread, t -> new ArrayList<>()).add(ahead.orElse("-"));
                    report.accept(report(m));
                }, reports);

        assertThat(copiedBy).hasSize(3);
        assertThat(copiedBy.values().stream().flatMap(List::stream)).as("each folder once")
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 12).mapToObj(i -> "f" + i).toList());
        copiedBy.forEach((thread, copied) -> {
            List<String> taken = takenBy.get(thread);
            assertThat(taken.subList(0, copied.size() - 1)).as("taken ahead on %s, then copied there", thread)
                    .isEqualTo(copied.subList(1, copied.size()));
            assertThat(taken.get(copied.size() - 1)).as("nothing left after the last").isEqualTo("-");
        });
        assertThat(sources(reports)).containsExactlyElementsOf(IntStream.range(0, 12).mapToObj(i -> "f" + i).toList());
    }

    @Test
    void aFurtherConnectionTurnedAwayGivesBackTheFolderItTookAhead() {
        List<FolderMapping> mappings = mappings(4);
        Reconnecting first = connected();
        List<String> copied = Collections.synchronizedList(new ArrayList<>());
        List<String> takenAheadByTheFurther = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch furtherTookAhead = new CountDownLatch(1);
        List<FolderReport> reports = new ArrayList<>();

        new FolderWorkers(2, Duration.ZERO, first, this::unopened, MAILBOX, new SharedCopies()).run(mappings, m -> index(m), m -> false,
                FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    if (w != first) {
                        // the further connection takes a folder ahead, then the server turns it away
                        next.take().ifPresent(n -> takenAheadByTheFurther.add(n.source().path().encoded()));
                        furtherTookAhead.countDown();
                        throw new LoginTurnedAwayException("NO [UNAVAILABLE] too many connections");
                    }
                    await(furtherTookAhead);
                    copied.add(m.source().path().encoded());
                    report.accept(report(m));
                }, reports);

        assertThat(takenAheadByTheFurther).hasSize(1);
        assertThat(copied).as("every folder once, on the mailbox's own connection, the two given back included")
                .containsExactlyInAnyOrder("f0", "f1", "f2", "f3");
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3");
    }

    @Test
    void aConnectionTheServerRefusesLeavesItsFoldersToTheOthersWhichTakeTheLargestFirst() {
        refuseFrom = 2; // the first connection is open; every further one is refused
        List<FolderMapping> mappings = mappings(6);
        List<String> order = new ArrayList<>();
        List<FolderReport> reports = new ArrayList<>();
        Reconnecting first = connected();

        new FolderWorkers(4, Duration.ZERO, first, this::unopened, MAILBOX, new SharedCopies()).run(mappings, m -> index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
            assertThat(w).isSameAs(first);
            order.add(m.source().path().encoded());
            report.accept(report(m));
        }, reports);

        assertThat(opened.get()).as("the first, and three refused").isEqualTo(4);
        assertThat(order).as("largest (here: the highest index) first").containsExactly("f5", "f4", "f3", "f2", "f1", "f0");
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
    }

    @Test
    void aRefusedLoginStopsTheMailboxAfterTheFoldersUnderWay() {
        List<FolderMapping> mappings = mappings(20);
        List<FolderReport> reports = new ArrayList<>();
        AtomicBoolean refused = new AtomicBoolean();
        AtomicInteger startedAfter = new AtomicInteger();
        LoginRefusedException refusal = new LoginRefusedException("Login refused: check the credentials", "imap://new",
                MAILBOX.toString(), false);

        assertThatThrownBy(() -> new FolderWorkers(3, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings,
                m -> -index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    if (refused.get()) {
                        startedAfter.incrementAndGet();
                    }
                    report.accept(report(m));
                    if (m.source().path().encoded().equals("f2")) {
                        refused.set(true);
                        throw refusal;
                    }
                    // A folder takes a moment, as a real one does: the refusal thrown is recorded
                    // while the other connections are still on theirs (a copy of no time let them
                    // run through several folders while the refusing thread waited for a core).
                    pause(Duration.ofMillis(20));
                }, reports)).isSameAs(refusal);

        assertThat(startedAfter.get()).as("at most the two other connections' folders under way").isLessThanOrEqualTo(2);
        assertThat(sources(reports)).contains("f2").doesNotHaveDuplicates().hasSizeLessThan(20);
        assertThat(sources(reports)).as("in the mappings' order").isSortedAccordingTo(
                (x, y) -> Integer.compare(Integer.parseInt(x.substring(1)), Integer.parseInt(y.substring(1))));
    }

    @Test
    void foldersThatNeedNoConnectionAreDoneOnTheMailboxsOwnAndOpenNoOther() {
        List<FolderMapping> mappings = mappings(6);
        Reconnecting first = connected();
        int openedBefore = opened.get();
        String caller = Thread.currentThread().getName();
        List<String> threads = Collections.synchronizedList(new ArrayList<>());
        List<FolderReport> reports = new ArrayList<>();

        // one folder with work among six: no further connection for it alone
        new FolderWorkers(4, Duration.ZERO, first, this::unopened, MAILBOX, new SharedCopies()).run(mappings, m -> index(m),
                m -> !m.source().path().encoded().equals("f3"), FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    threads.add(Thread.currentThread().getName());
                    report.accept(report(m));
                }, reports);

        assertThat(opened.get()).as("sessions opened beyond the mailbox's own").isEqualTo(openedBefore);
        assertThat(threads).hasSize(6).containsOnly(caller);
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");

        // two folders with work: one further connection, and the light ones stay on the caller's
        threads.clear();
        reports.clear();
        new FolderWorkers(4, Duration.ZERO, first, this::unopened, MAILBOX, new SharedCopies()).run(mappings, m -> index(m),
                m -> !Set.of("f1", "f4").contains(m.source().path().encoded()), FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    if (!Set.of("f1", "f4").contains(m.source().path().encoded())) {
                        assertThat(Thread.currentThread().getName()).isEqualTo(caller);
                    }
                    threads.add(Thread.currentThread().getName());
                    report.accept(report(m));
                }, reports);

        assertThat(opened.get() - openedBefore).as("one further connection (its target session)").isEqualTo(1);
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
    }

    @Test
    void furtherConnectionsOpenWhileTheMailboxsOwnDoesTheLightFolders() {
        CountDownLatch furtherOpening = new CountDownLatch(1);
        List<FolderReport> reports = new ArrayList<>();

        // f0 is light: its copy on the mailbox's own connection waits until a further one opens
        new FolderWorkers(3, Duration.ZERO, connected(), () -> {
            furtherOpening.countDown();
            return unopened();
        }, MAILBOX, new SharedCopies()).run(mappings(4), m -> index(m), m -> index(m) == 0, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
            if (index(m) == 0) {
                await(furtherOpening);
            }
            report.accept(report(m));
        }, reports);

        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3");
    }

    @Test
    void nearServersGetOneConnectionWhateverTheSettingSays() {
        roundTrip = Optional.of(Duration.ofMillis(1));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        List<FolderReport> reports = new ArrayList<>();

        new FolderWorkers(4, Duration.ofMillis(5), connected(), () -> {
            throw new AssertionError("no further connection to servers 1 ms away");
        }, MAILBOX, new SharedCopies()).run(mappings(6), m -> index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
            seen.add(Thread.currentThread().getName());
            report.accept(report(m));
        }, reports);

        assertThat(seen).hasSize(6).containsOnly(Thread.currentThread().getName());
        assertThat(sources(reports)).containsExactly("f0", "f1", "f2", "f3", "f4", "f5");
        assertThat(roundTripsAsked).as("asked of the source and the target once").hasValue(2);
    }

    @Test
    void farOrUnmeasuredServersGetFurtherConnections() {
        for (Optional<Duration> measured : List.of(Optional.of(Duration.ofMillis(20)), Optional.<Duration>empty())) {
            roundTrip = measured;
            Set<String> threads = Collections.synchronizedSet(new HashSet<>());
            CountDownLatch together = new CountDownLatch(3);
            List<FolderReport> reports = new ArrayList<>();

            new FolderWorkers(3, Duration.ofMillis(5), connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings(3),
                    m -> index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                        threads.add(Thread.currentThread().getName());
                        together.countDown();
                        await(together);
                        report.accept(report(m));
                    }, reports);

            assertThat(threads).as("round trip %s", measured).hasSize(3);
            assertThat(sources(reports)).containsExactly("f0", "f1", "f2");
        }
    }

    @Test
    void withNoThresholdTheRoundTripIsNotEvenMeasured() {
        roundTrip = Optional.of(Duration.ofMillis(1));
        Set<String> threads = Collections.synchronizedSet(new HashSet<>());
        CountDownLatch together = new CountDownLatch(2);

        new FolderWorkers(2, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies()).run(mappings(2), m -> index(m),
                m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
                    threads.add(Thread.currentThread().getName());
                    together.countDown();
                    await(together);
                    report.accept(report(m));
                }, new ArrayList<>());

        assertThat(threads).hasSize(2);
        assertThat(roundTripsAsked).hasValue(0);
    }

    @Test
    void theWaitsOfEveryConnectionAreSummed() {
        List<FolderReport> reports = new ArrayList<>();
        CountDownLatch together = new CountDownLatch(3);
        FolderWorkers workers = new FolderWorkers(3, Duration.ZERO, connected(), this::unopened, MAILBOX, new SharedCopies());

        workers.run(mappings(3), m -> index(m), m -> false, FolderWorkersTest::nothingBefore, w -> (m, next, report) -> {
            together.countDown();
            await(together);
            report.accept(report(m));
        }, reports);

        // each stub session (a source and a target per further connection) waited out one throttling answer itself
        assertThat(workers.moreStats()).isEqualTo(new RetryStats(0, 4, Duration.ofSeconds(4)));
    }

    private Reconnecting connected() {
        Reconnecting r = unopened();
        r.connect();
        return r;
    }

    private Reconnecting unopened() {
        return new Reconnecting(settings, TransferListener.NONE, MAILBOX);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static List<FolderMapping> mappings(int n) {
        return IntStream.range(0, n).mapToObj(i -> {
            FolderPath p = FolderPath.of("f" + i);
            return new FolderMapping(SourceFolder.of(p), TargetFolder.of(p), List.of());
        }).toList();
    }

    private static long index(FolderMapping m) {
        return Long.parseLong(m.source().path().encoded().substring(1));
    }

    private static FolderReport report(FolderMapping m) {
        return new FolderReport(m.source().path(), m.target().toString(), List.of(), 1, 0, 0, 0, 0, 0, 0, List.of(),
                List.of(), Optional.empty(), 0, 0);
    }

    private static List<String> sources(List<FolderReport> reports) {
        return reports.stream().map(r -> r.source().encoded()).toList();
    }

    /** A session that does nothing, and says it waited out one throttling answer of a second. */
    @SuppressWarnings("unchecked")
    private <T> T stub(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> switch (method.getName()) {
            case "retryStats" -> new RetryStats(0, 1, Duration.ofSeconds(1));
            case "roundTrip" -> {
                roundTripsAsked.incrementAndGet();
                yield roundTrip;
            }
            case "toString" -> "stub " + type.getSimpleName();
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
        });
    }

    /** Nothing to do before the copies (the target's folders made, in a mailbox's copy). */
    private static void nothingBefore() {
        // the stub target has no folders to make
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
