package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.EventTypes;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.Mailbox;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;
import be.cfwb.bma.notify.NotificationOutcome.Status;
import be.cfwb.bma.internal.FrenchDates;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One notification run: sends, for the selected mailboxes, every mail the schedule says is
 * due on a day or before (the latter reported as late), exactly once each, in order per
 * mailbox, paced per sender.
 *
 * <h2>Exactly once, and the crash rule</h2>
 * Around each hand-over the ledger records an intent ({@code mail.sending}, with an attempt
 * number) and then the result ({@code mail.sent} or {@code mail.failed}), each forced to disk.
 * A mail with a {@code mail.sent} is never sent again. An intent left without result means a
 * run stopped between handing the mail over and recording it (crash, kill, lost connection
 * after the data was sent): the mail may or may not have left, and nothing we can ask the
 * SMTP server tells us which. The rule: the next run sends it again, once, and flags it as a
 * possible duplicate in its result and report and in the {@code mail.sent} event
 * ({@code possible_duplicate=true}). The resend keeps its Message-ID so that mail clients
 * and ops can recognise the pair; mail 2 excepted, whose resend carries a new password and
 * therefore a new Message-ID (see {@link MessageIds}). Each stop can thus cause at most one duplicate, of the one
 * mail that was in flight.
 *
 * <h2>Mail 2 and the password</h2>
 * For every attempt of mail 2 a new password is generated and set on the target account
 * ({@link CredentialIssuer}) just before the mail is handed over. A run stopped between the
 * two issues a fresh password on rerun, so the last mail 2 that left always holds the valid
 * password (the mail says so). The password lives only in memory and in that mail: never in
 * the ledger ({@code credential.issued} records that it was set, not what), the report, the
 * logs or, in a dry run, the outbox (masked there).
 *
 * <h2>Dates</h2>
 * A mail is due on the day of its plan time (Europe/Brussels); a run for a day sends what is
 * due that day and anything overdue, flagged late. Mail 1 commits the migration date (the
 * {@code mail.sent} event keeps it as {@code migration_date}, which the planner reads back);
 * if the plan later gives another date, mails 2 to 4 of that mailbox are blocked rather than
 * confirming a date the school was not told.
 *
 * <h2>Order and pace</h2>
 * Mail N of a mailbox leaves only after mail N-1 did (in an earlier run or this one); if
 * mail N-1 fails, mail N is reported as blocked. Each sending mailbox is paced by its
 * {@link RateLimit} (the SGNE's and the ETNIC's; if both roles are given one address, they
 * share it under the stricter limit): mails evenly spaced, and at most the daily allowance
 * within 24 hours (counted from the ledger); the rest is deferred to the next run. While
 * one sender waits, the other sends.
 */
public final class NotificationRun {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationRun.class);

    /** The dry-run outbox, under the output directory. */
    public static final String OUTBOX = "outbox";

    private final NotificationSettings settings;
    private final Ledger ledger;
    private final Clock clock;
    private final Path outputDirectory;
    /** Set when the notifier or issuer cannot be reached: the rest of the run is not attempted. */
    private String unreachable;
    private MailboxGate gate = MailboxGate.OPEN;

    public NotificationRun(NotificationSettings settings, Ledger ledger, Clock clock, Path outputDirectory) {
        this.settings = settings;
        this.ledger = ledger;
        this.clock = clock;
        this.outputDirectory = outputDirectory;
    }

    /** Asks {@code gate} before the first mail or password of each mailbox leaves (not in a dry run). */
    public NotificationRun gate(MailboxGate gate) {
        this.gate = Objects.requireNonNull(gate, "gate");
        return this;
    }

    /** One mail to handle in this run. */
    private record Item(Mailbox mailbox, MailboxSchedule schedule, NotificationKind kind, boolean late,
                        int attempt, boolean possibleDuplicate, int passwordIssue) {
        SenderRole sender() {
            return kind.sender();
        }
    }

    /**
     * Handles what is due on {@code date} (and before) for {@code mailboxes}.
     *
     * @throws BmaException before anything is sent, if a template lacks a value, the notifier
     *                      or credential issuer needed is missing, or the ledger fails
     */
    public NotifyResult run(List<Mailbox> mailboxes, NotificationSchedule schedule, LocalDate date, boolean dryRun) {
        settings.templates().requireValues(availablePlaceholders());

        List<NotificationOutcome> outcomes = new ArrayList<>();
        List<BmaAddress> unplanned = new ArrayList<>();
        List<Deque<Item>> chains = new ArrayList<>();
        for (Mailbox mailbox : mailboxes) {
            Optional<MailboxSchedule> planned = schedule.of(mailbox.address());
            if (planned.isEmpty()) {
                unplanned.add(mailbox.address());
                continue;
            }
            if (planned.get().dueAt(NotificationKind.MAIL1).toLocalDate().isAfter(date)) {
                continue; // nothing due yet: its history need not be read
            }
            Deque<Item> chain = plan(mailbox, planned.get(), date, ledger.history(mailbox.address()), outcomes);
            if (!chain.isEmpty()) {
                chains.add(chain);
            }
        }
        int total = chains.stream().mapToInt(Deque::size).sum();
        if (!dryRun) {
            requireDelivery(chains);
        }
        settings.listener().started(total);
        LOG.info("Notifications for {}: {} mail(s) due across {} mailbox(es){}", date, total, chains.size(),
                dryRun ? " (dry run: nothing is sent)" : "");

        Path outbox = outputDirectory.resolve(OUTBOX);
        if (dryRun && total > 0) {
            NotifyReportFile.createDirectories(outbox);
        }
        try {
            deliver(chains, dryRun, outbox, outcomes, total);
        } finally {
            settings.notifier().ifPresent(Notifier::close);
        }
        Path report = NotifyReportFile.write(outputDirectory, date, dryRun, outcomes);
        return new NotifyResult(date, dryRun, outcomes, unplanned, report,
                dryRun ? Optional.of(outbox) : Optional.empty(), ledger.recovery());
    }

    private Set<Placeholder> availablePlaceholders() {
        Set<Placeholder> available = EnumSet.allOf(Placeholder.class);
        if (settings.links().tutorial1().isEmpty()) {
            available.remove(Placeholder.TUTORIAL1_URL);
        }
        if (settings.links().tutorial2().isEmpty()) {
            available.remove(Placeholder.TUTORIAL2_URL);
        }
        return available;
    }

    /** The mails of one mailbox to handle now, in order; already-sent mails due today go to {@code outcomes}. */
    private Deque<Item> plan(Mailbox mailbox, MailboxSchedule schedule, LocalDate date, List<LedgerEvent> history,
                             List<NotificationOutcome> outcomes) {
        Deque<Item> chain = new ArrayDeque<>();
        int passwordIssues = (int) history.stream().filter(e -> e.event() instanceof Event.CredentialIssued).count();
        Optional<String> announced = history.stream().map(LedgerEvent::event)
                .filter(e -> e instanceof Event.MailSent sent && sent.mail() == 1).reduce((a, b) -> b)
                .flatMap(e -> ((Event.MailSent) e).migrationDate());
        String planned = schedule.migrationDate().toString();
        boolean contradicts = announced.isPresent() && !announced.get().equals(planned);
        // Today, a mail waits for its planned time; a past day's mails are all overdue; a future day
        // (allowed on purpose: a simulation) is run as a whole.
        LocalDateTime now = clock.instant().atZone(settings.zone()).toLocalDateTime();
        boolean today = date.equals(now.toLocalDate());
        for (NotificationKind kind : NotificationKind.values()) {
            LocalDate dueDay = schedule.dueAt(kind).toLocalDate();
            if (dueDay.isAfter(date)) {
                break;
            }
            Optional<LedgerEvent> sent = history.stream()
                    .filter(e -> e.event() instanceof Event.MailSent m && m.mail() == kind.number())
                    .findFirst();
            if (sent.isPresent()) {
                if (!chain.isEmpty()) {
                    // The ledger says a later mail left before an earlier one: never by our hand. This
                    // mailbox waits for ops; the others go on.
                    String why = "the ledger shows mail " + kind.number() + " sent but not mail "
                            + chain.peekFirst().kind().number() + "; check the ledger (" + EventTypes.MAIL_SENT + ")";
                    LOG.error("{}: {}", mailbox.address(), why);
                    for (Item item : chain) {
                        outcomes.add(outcome(item, Status.BLOCKED, "", why));
                    }
                    return new ArrayDeque<>();
                }
                if (dueDay.equals(date)) {
                    outcomes.add(new NotificationOutcome(mailbox.address(), kind, Status.ALREADY_SENT,
                            schedule.dueAt(kind), false, false, ((Event.MailSent) sent.get().event()).messageId(),
                            "recorded as sent on " + sent.get().at()));
                }
                continue;
            }
            if (contradicts) {
                // Mails 2 to 4 must confirm what mail 1 announced, never quietly move it.
                outcomes.add(new NotificationOutcome(mailbox.address(), kind, Status.BLOCKED, schedule.dueAt(kind),
                        dueDay.isBefore(date), false, "", "mail 1 announced " + announced.get()
                        + " but the plan now says " + planned + "; re-plan (announced dates are kept) before sending"));
                continue;
            }
            if (today && schedule.dueAt(kind).isAfter(now)) {
                outcomes.add(new NotificationOutcome(mailbox.address(), kind, Status.WAITING, schedule.dueAt(kind),
                        false, false, "", "due at " + schedule.dueAt(kind).toLocalTime() + "; the first run after it sends it"));
                break;
            }
            Set<Integer> closed = new HashSet<>();
            int intents = 0;
            for (LedgerEvent e : history) {
                Event event = e.event();
                if (event instanceof Event.MailSending sending && sending.mail() == kind.number()) {
                    intents++;
                } else if (event instanceof Event.MailFailed failed && failed.mail() == kind.number()) {
                    closed.add(failed.attempt());
                }
            }
            boolean unconfirmed = intents > closed.size();
            chain.add(new Item(mailbox, schedule, kind, dueDay.isBefore(date), intents + 1, unconfirmed,
                    passwordIssues + 1));
        }
        return chain;
    }

    private void requireDelivery(List<Deque<Item>> chains) {
        if (chains.isEmpty()) {
            return;
        }
        if (settings.notifier().isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Mails are due but no notifier is configured (SMTP or Graph); configure one or use bma.dryRun");
        }
        long mail2 = chains.stream().flatMap(Deque::stream).filter(i -> i.kind().carriesPassword()).count();
        if (mail2 > 0 && settings.credentialIssuer().isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Mail 2 is due for " + mail2
                    + " mailbox(es) but no credential issuer is configured to set their new password;"
                    + " nothing was sent");
        }
    }

    private void deliver(List<Deque<Item>> chains, boolean dryRun, Path outbox, List<NotificationOutcome> outcomes,
                         int total) {
        // Pacing is per sending mailbox: two roles configured with one address share its allowance.
        Map<SenderRole, Lane> laneOf = lanes();
        Map<Lane, Deque<Deque<Item>>> ready = new LinkedHashMap<>();
        Map<Lane, Instant> nextAllowed = new HashMap<>();
        Map<Lane, Integer> sentInLastDay = new HashMap<>();
        Instant start = clock.instant();
        for (Lane lane : new LinkedHashSet<>(laneOf.values())) {
            ready.put(lane, new ArrayDeque<>());
            nextAllowed.put(lane, start);
            sentInLastDay.put(lane, dryRun ? 0 : countSentSince(lane, start.minus(Duration.ofDays(1))));
        }
        chains.forEach(c -> ready.get(laneOf.get(c.peekFirst().sender())).add(c));
        int done = 0;
        while (true) {
            Lane lane = null;
            for (Lane l : ready.keySet()) {
                if (!ready.get(l).isEmpty() && (lane == null || nextAllowed.get(l).isBefore(nextAllowed.get(lane)))) {
                    lane = l;
                }
            }
            if (lane == null) {
                break;
            }
            Deque<Item> chain = ready.get(lane).pollFirst();
            Item item = chain.pollFirst();
            NotificationOutcome outcome;
            if (unreachable != null) {
                outcome = outcome(item, Status.FAILED, "", "not attempted: " + unreachable);
            } else if (!dryRun && sentInLastDay.get(lane) >= lane.limit().perDay()) {
                outcome = outcome(item, Status.DEFERRED, "", lane.address() + " reached its limit of "
                        + lane.limit().perDay() + " mails a day; the next run sends it");
            } else {
                if (!dryRun) {
                    Duration wait = Duration.between(clock.instant(), nextAllowed.get(lane));
                    if (!wait.isNegative() && !wait.isZero()) {
                        settings.listener().waiting(item.sender(), wait);
                        settings.sleeper().sleep(wait);
                    }
                }
                outcome = dryRun ? render(item, outbox) : send(item);
                if (!dryRun) {
                    nextAllowed.put(lane, clock.instant().plus(lane.limit().interval()));
                    if (outcome.status() == Status.SENT) {
                        sentInLastDay.merge(lane, 1, Integer::sum);
                    }
                }
            }
            outcomes.add(outcome);
            settings.listener().handled(outcome, ++done, total);
            boolean passed = outcome.status() == Status.SENT || outcome.status() == Status.RENDERED;
            if (passed && !chain.isEmpty()) {
                ready.get(laneOf.get(chain.peekFirst().sender())).add(chain);
            } else if (!passed) {
                String why = outcome.status() == Status.DEFERRED ? "waits for mail " + item.kind().number()
                        + ", deferred" : "mail " + item.kind().number() + " has not left (" + outcome.status() + ")";
                for (Item blocked : chain) {
                    NotificationOutcome o = outcome(blocked, outcome.status() == Status.DEFERRED ? Status.DEFERRED
                            : Status.BLOCKED, "", why);
                    outcomes.add(o);
                    settings.listener().handled(o, ++done, total);
                }
            }
        }
    }

    /** One sending mailbox, the roles that send from it and the strictest of their limits. */
    private record Lane(String address, Set<String> roles, RateLimit limit) {
    }

    private Map<SenderRole, Lane> lanes() {
        Map<String, List<SenderRole>> byAddress = new LinkedHashMap<>();
        for (SenderRole role : SenderRole.values()) {
            byAddress.computeIfAbsent(settings.sender(role).address().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).add(role);
        }
        Map<SenderRole, Lane> lanes = new EnumMap<>(SenderRole.class);
        byAddress.forEach((address, roles) -> {
            int perMinute = roles.stream().mapToInt(r -> settings.rateLimit(r).perMinute()).min().orElseThrow();
            int perDay = roles.stream().mapToInt(r -> settings.rateLimit(r).perDay()).min().orElseThrow();
            Lane lane = new Lane(address, roles.stream().map(Enum::name).collect(Collectors.toSet()),
                    new RateLimit(perMinute, perDay));
            roles.forEach(r -> lanes.put(r, lane));
        });
        return lanes;
    }

    private int countSentSince(Lane lane, Instant since) {
        // A mail is recorded sent once, so the last of each kind holds every mail sent in the window.
        int sent = 0;
        for (BmaAddress mailbox : ledger.mailboxes()) {
            for (LedgerEvent e : ledger.lastOfEachKind(mailbox)) {
                if (e.event() instanceof Event.MailSent m && !e.at().isBefore(since) && lane.roles().contains(m.sender())) {
                    sent++;
                }
            }
        }
        return sent;
    }

    private NotificationOutcome send(Item item) {
        BmaAddress address = item.mailbox().address();
        String number = Integer.toString(item.kind().number());
        try {
            gate.requireOpen(address);
        } catch (BmaException e) {
            LOG.error("{}", e.getMessage());
            return outcome(item, Status.BLOCKED, "", e.code() + ": " + e.getMessage());
        }
        Secret password = null;
        if (item.kind().carriesPassword()) {
            CredentialIssuer issuer = settings.credentialIssuer().orElseThrow();
            password = settings.passwordGenerator().generate();
            try {
                issuer.issue(address, password);
            } catch (BmaException e) {
                noteUnreachable(e);
                LOG.warn("Mail 2 to {} not sent: its new password could not be set: {}", address, e.getMessage());
                return outcome(item, Status.FAILED, "", "the new password could not be set (" + e.code() + "): "
                        + e.getMessage());
            } catch (RuntimeException e) {
                // An issuer that breaks its contract; its message could hold anything, so only the type is kept.
                LOG.error("Credential issuer {} failed unexpectedly for {}: {}", issuer.description(), address,
                        e.getClass().getName());
                return outcome(item, Status.FAILED, "", "the new password could not be set: unexpected "
                        + e.getClass().getSimpleName() + " from " + issuer.description());
            }
            ledger.append(LedgerEntry.of(new Event.CredentialIssued(item.kind().number(), item.passwordIssue(),
                    issuer.description())).mailbox(address));
        }
        OutgoingMail mail = render(item, password);
        ledger.append(LedgerEntry.of(new Event.MailSending(item.kind().number(), item.attempt(), mail.messageId()))
                .mailbox(address));
        try {
            settings.notifier().orElseThrow().send(mail);
        } catch (BmaException e) {
            if (e.code() == BmaErrorCode.NOTIFICATION_UNCERTAIN) {
                LOG.warn("Mail {} to {} may or may not have left: {}", number, address, e.getMessage());
                return outcome(item, Status.UNCERTAIN, mail.messageId(), e.getMessage()
                        + "; the next run sends it again, flagged as a possible duplicate");
            }
            noteUnreachable(e);
            LOG.warn("Mail {} to {} was not sent: {}", number, address, e.getMessage());
            ledger.append(LedgerEntry.of(new Event.MailFailed(item.kind().number(), item.attempt(), e.code().name()))
                    .mailbox(address));
            return outcome(item, Status.FAILED, mail.messageId(), e.getMessage());
        } catch (RuntimeException e) {
            // A notifier that breaks its contract: we cannot know whether the mail left.
            LOG.error("Notifier {} failed unexpectedly on mail {} to {}: {}", settings.notifier().get().description(),
                    number, address, e.getClass().getName());
            return outcome(item, Status.UNCERTAIN, mail.messageId(), "unexpected " + e.getClass().getSimpleName()
                    + " from the notifier; the next run sends it again, flagged as a possible duplicate");
        }
        ledger.append(LedgerEntry.of(new Event.MailSent(item.kind().number(), item.attempt(), mail.messageId(),
                item.sender().name(), Optional.of(item.schedule().migrationDate().toString()),
                Optional.of(item.schedule().accessDate().toString()), String.valueOf(item.schedule().planVersion()),
                item.late(), item.possibleDuplicate())).mailbox(address));
        LOG.info("Sent mail {} to {} <{}>{}{}", number, address, mail.messageId(), item.late() ? " (late)" : "",
                item.possibleDuplicate() ? " (possible duplicate: an earlier run stopped while sending it)" : "");
        return outcome(item, Status.SENT, mail.messageId(), item.possibleDuplicate()
                ? "an earlier run stopped while sending it: the school may receive it twice" : "");
    }

    private void noteUnreachable(BmaException e) {
        if (e.code() == BmaErrorCode.CONNECTION_FAILED) {
            unreachable = e.getMessage();
        }
    }

    private NotificationOutcome render(Item item, Path outbox) {
        // The outbox is read by people and kept on disk: the password is masked there.
        OutgoingMail mail = render(item, item.kind().carriesPassword() ? Secret.of(Secret.MASK) : null);
        Path file = outbox.resolve(item.mailbox().address() + "-" + item.kind().templateName() + ".eml");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            mail.writeMime(out);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot write " + file + ": " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Cannot write " + file + ": " + e.getMessage(), e);
        }
        return outcome(item, Status.RENDERED, mail.messageId(), file.getFileName().toString());
    }

    private OutgoingMail render(Item item, Secret password) {
        Mailbox mailbox = item.mailbox();
        MailboxSchedule schedule = item.schedule();
        SenderIdentity from = settings.sender(item.sender());
        NotificationLinks links = settings.links();
        Function<Placeholder, String> values = p -> switch (p) {
            case ADDRESS -> mailbox.address().toString();
            case NAME -> mailbox.name();
            case FASE -> mailbox.address().number().toString();
            case KIND -> mailbox.kind().label();
            case MIGRATION_DATE -> FrenchDates.format(schedule.migrationDate());
            case ACCESS_DATE -> FrenchDates.format(schedule.accessDate());
            case INTERFACE_URL -> links.newInterface().toString();
            case TUTORIAL1_URL -> links.tutorial1().map(Object::toString).orElse(null);
            case TUTORIAL2_URL -> links.tutorial2().map(Object::toString).orElse(null);
            case SENDER_NAME -> from.displayName();
            case SENDER_ADDRESS -> from.address();
            case PASSWORD_CHANGE -> settings.changePasswordAtFirstSignIn()
                    ? "Ce mot de passe est provisoire : il vous sera demandé de le changer lors de votre première connexion."
                    : "Ce mot de passe restera valable après votre première connexion.";
            case PASSWORD -> password == null ? null : password.reveal();
        };
        TemplateSet.Rendered rendered = settings.templates().render(item.kind(), values);
        String messageId = MessageIds.of(mailbox.address(), item.kind(), schedule.planVersion(), item.passwordIssue());
        return new OutgoingMail(item.kind(), mailbox.address(), from, rendered.subject(), rendered.text(),
                rendered.html(), messageId, clock.instant().atZone(settings.zone()));
    }

    private static NotificationOutcome outcome(Item item, Status status, String messageId, String detail) {
        return new NotificationOutcome(item.mailbox().address(), item.kind(), status,
                item.schedule().dueAt(item.kind()), item.late(), item.possibleDuplicate() && status == Status.SENT,
                messageId, detail);
    }
}
