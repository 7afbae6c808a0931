package be.cfwb.bma.notify;

import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.calendar.PlanningSettings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Stand-ins shared by the notification tests. */
final class TestSupport {

    private TestSupport() {
    }

    /** A clock that moves only when told; the sleeper below moves it. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return PlanningSettings.ZONE;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** A sleeper that passes time on a {@link MutableClock} and remembers each wait. */
    static final class ClockSleeper implements Sleeper {
        final MutableClock clock;
        final List<Duration> waits = new ArrayList<>();

        ClockSleeper(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public void sleep(Duration duration) {
            waits.add(duration);
            clock.advance(duration);
        }
    }

    /** A stateful stand-in for the target directory: the current password of each account. */
    static final class RecordingIssuer implements CredentialIssuer {
        final Map<BmaAddress, List<String>> issued = new java.util.TreeMap<>();

        @Override
        public synchronized void issue(BmaAddress mailbox, Secret password) {
            issued.computeIfAbsent(mailbox, k -> new ArrayList<>()).add(password.reveal());
        }

        synchronized String current(BmaAddress mailbox) {
            List<String> all = issued.get(mailbox);
            return all.get(all.size() - 1);
        }

        @Override
        public String description() {
            return "recording issuer";
        }
    }

    /** What a killed JVM looks like to the code under test: nothing after this point runs. */
    static final class SimulatedCrash extends Error {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(String message) {
            super(message);
        }
    }

    /** Passes mails to {@code delegate} and "kills the process" on the {@code crashOn}-th one, before or after delivering it. */
    static final class CrashingNotifier implements Notifier {
        private final Notifier delegate;
        private final int crashOn;
        private final boolean afterDelivery;
        private final AtomicInteger count = new AtomicInteger();

        CrashingNotifier(Notifier delegate, int crashOn, boolean afterDelivery) {
            this.delegate = delegate;
            this.crashOn = crashOn;
            this.afterDelivery = afterDelivery;
        }

        @Override
        public void send(OutgoingMail mail) {
            if (count.incrementAndGet() == crashOn) {
                if (afterDelivery) {
                    delegate.send(mail);
                }
                throw new SimulatedCrash("killed while sending " + mail);
            }
            delegate.send(mail);
        }

        @Override
        public String description() {
            return "crashing " + delegate.description();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** Mail 1 three weeks ahead, mail 2 a week ahead, mail 3 two days ahead, mail 4 on the morning itself. */
    static MailboxSchedule schedule(BmaAddress mailbox, LocalDate migration) {
        Map<NotificationKind, LocalDateTime> due = new EnumMap<>(NotificationKind.class);
        due.put(NotificationKind.MAIL1, migration.minusDays(21).atTime(9, 0));
        due.put(NotificationKind.MAIL2, migration.minusDays(7).atTime(9, 0));
        due.put(NotificationKind.MAIL3, migration.minusDays(2).atTime(9, 0));
        due.put(NotificationKind.MAIL4, migration.atTime(7, 0));
        return new MailboxSchedule(mailbox, migration, migration, due, "plan-2024-09-30");
    }
}
