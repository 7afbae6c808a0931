package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.MailboxCredentials;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.MailboxReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SyncEngine;
import be.cfwb.bma.transfer.TransferListener;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials that fail mid-run or from the start, with the login attempts counted where the
 * server (and its lockout policy) sees them, by a {@link LoginCountingProxy}: an OAuth2 token
 * refused mid-run (the server rotated it, connections cut) is replaced and the migration goes
 * on; a stale token is refused once and refreshed; a wrong shared token is tried once for 12
 * mailboxes, not 12 times; a wrong per-mailbox password costs exactly one attempt and the
 * other mailboxes complete. GreenMail takes the user's password as the XOAUTH2 bearer token.
 */
@Timeout(60)
class CredentialFaultsTest extends GreenMailPairTestBase {

    private static final FolderPath INBOX = FolderPath.inbox();

    private LoginCountingProxy toOld;
    private LoginCountingProxy toNew;

    @BeforeEach
    void startProxies() throws Exception {
        toOld = LoginCountingProxy.to(oldServer.imapPort());
        toNew = LoginCountingProxy.to(newServer.imapPort());
    }

    @AfterEach
    void stopProxies() {
        toOld.close();
        toNew.close();
    }

    private BmaAddress seeded(int count) {
        return seeded(count, 4_000);
    }

    /**
     * Messages of {@code attachment} bytes; large enough ones (some 100 kB) are read a few per
     * batch and appended a few per window, so that a cut after the fourth leaves work for a new
     * connection (small ones would all be in flight at once).
     */
    private BmaAddress seeded(int count, int attachment) {
        BmaAddress a = h.newMailbox();
        try (MailboxSeeder s = h.seeder(a)) {
            for (int i = 0; i < count; i++) {
                s.append(INBOX, TestMessage.builder().subject("Circulaire " + i).messageId("c" + i + "@cfwb.be")
                        .attachment(attachment, i).build(), flags("\\Seen"), Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i));
            }
        }
        return a;
    }

    private static ImapEndpoint through(LoginCountingProxy proxy) {
        return ImapEndpoint.parse("imap://127.0.0.1:" + proxy.port(), "login-counting proxy");
    }

    /** The target's password for {@code a} is now {@code token}: GreenMail accepts it as the bearer token. */
    private void serverAccepts(BmaAddress a, String token) {
        newServer.greenMail().getUserManager().getUser(a.toString()).setPassword(token);
    }

    /** An issuer handing out whatever token is current, valid an hour by the frozen clock, counting the calls. */
    private static TokenSupplier issuer(AtomicReference<String> current, AtomicInteger issued) {
        return () -> {
            issued.incrementAndGet();
            return new AccessToken(Secret.of(current.get()), FaultHarness.CLOCK.instant().plus(Duration.ofHours(1)));
        };
    }

    /** Runs {@code then} once, when the {@code n}-th message has been copied; {@code done} says whether it ran. */
    private static TransferListener afterCopied(int n, AtomicBoolean done, Runnable then) {
        AtomicInteger copied = new AtomicInteger();
        return new TransferListener() {
            @Override
            public void messageCopied(BmaAddress mailbox, FolderPath folder, long uid, long bytes) {
                if (copied.incrementAndGet() == n && done.compareAndSet(false, true)) {
                    then.run();
                }
            }
        };
    }

    private TransferSettings.Builder oauth2Target(TokenSupplier tokens) {
        // One connection: these tests follow one session's token through a cut and a renewal.
        return FaultHarness.settings(oldServer.imapEndpoint(), through(toNew), temp)
                .imapTarget(through(toNew).withTimeout(Duration.ofMillis(1000)), CredentialSource.oauth2(tokens),
                        FaultHarness.CLOCK)
                .connectionsPerMailbox(1);
    }

    private TransferReport run(TransferSettings settings, TransferListener listener, List<BmaAddress> mailboxes) {
        return new SyncEngine(settings, ledger, FaultHarness.CLOCK, listener).run(mailboxes, Pass.PRESTAGE);
    }

    @Test
    void aTokenRefusedMidRunIsReplacedAndTheMigrationGoesOn() {
        BmaAddress a = seeded(12, 400_000);
        String first = "tok-1-" + a.localPart();
        String second = "tok-2-" + a.localPart();
        serverAccepts(a, first);
        AtomicReference<String> current = new AtomicReference<>(first);
        AtomicInteger issued = new AtomicInteger();
        // cached and believed valid for an hour: only the server's refusal can make it ask again
        TokenSupplier tokens = TokenSupplier.refreshing(issuer(current, issued), Duration.ofMinutes(5), FaultHarness.CLOCK);
        AtomicBoolean rotated = new AtomicBoolean();
        TransferListener rotateAfterFour = afterCopied(4, rotated, () -> {
            // The token expires on the server's side: it now takes only the next one,
            // which the issuer hands out; the open connections go (as Exchange drops them).
            serverAccepts(a, second);
            current.set(second);
            toNew.cutAll();
        });

        TransferReport report = run(oauth2Target(tokens).build(), rotateAfterFour, List.of(a));

        assertThat(rotated).as("the token was rotated mid-run").isTrue();
        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied() + report.alreadyPresent()).as(report.summary()).isEqualTo(12);
        assertThat(report.retries()).as("the cut was retried").isPositive();
        assertThat(issued).as("one token at the start, one after the refusal").hasValue(2);
        assertThat(toNew.refused()).as(toNew.attempts().toString()).hasSize(1);
        List<LoginCountingProxy.Attempt> attempts = toNew.attempts();
        assertThat(attempts.get(attempts.size() - 1).accepted()).isTrue();
        assertThat(report.toJson() + report.summary()).doesNotContain(first, second);
        serverAccepts(a, FaultHarness.password(a));
        h.assertVerified(temp, a);
        h.assertCopiedByteForByte(a, INBOX);
    }

    @Test
    void aTokenAboutToExpireIsRenewedMidRunBeforeTheServerRefusesIt() {
        BmaAddress a = seeded(12, 400_000);
        String first = "tok-a-" + a.localPart();
        String second = "tok-b-" + a.localPart();
        serverAccepts(a, first);
        AtomicReference<Instant> now = new AtomicReference<>(FaultHarness.CLOCK.instant());
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        AtomicReference<String> current = new AtomicReference<>(first);
        AtomicInteger issued = new AtomicInteger();
        // tokens for 10 minutes; the session reconnects 2 minutes before the end, the supplier renews 5 before
        TokenSupplier issuer = () -> {
            issued.incrementAndGet();
            return new AccessToken(Secret.of(current.get()), now.get().plus(Duration.ofMinutes(10)));
        };
        TokenSupplier tokens = TokenSupplier.refreshing(issuer, Duration.ofMinutes(5), clock);
        TransferListener nineMinutesLater = afterCopied(4, new AtomicBoolean(), () -> {
            // nine minutes into the run: the issuer now hands out the next token, and the
            // server takes only that one for new logins (open connections stay as they are)
            now.set(now.get().plus(Duration.ofMinutes(9)));
            current.set(second);
            serverAccepts(a, second);
        });
        TransferSettings settings = FaultHarness.settings(oldServer.imapEndpoint(), through(toNew), temp)
                .imapTarget(through(toNew).withTimeout(Duration.ofMillis(1000)), CredentialSource.oauth2(tokens), clock)
                .connectionsPerMailbox(1)
                .build();

        TransferReport report = run(settings, nineMinutesLater, List.of(a));

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(12);
        assertThat(issued).as("the first token, then its renewal").hasValue(2);
        assertThat(toNew.refused()).as("renewed before any refusal: %s", toNew.attempts()).isEmpty();
        assertThat(toNew.attempts().size()).as("a login after the renewal").isGreaterThan(1);
        serverAccepts(a, FaultHarness.password(a));
        h.assertVerified(temp, a);
    }

    @Test
    void aStaleTokenIsRefusedOnceThenRefreshedAndTheMailboxIsCopied() {
        BmaAddress a = seeded(3);
        String fresh = "fresh-" + a.localPart();
        serverAccepts(a, fresh);
        // the supplier's first token was revoked (or the clocks disagree): it still believes it valid
        AtomicReference<String> current = new AtomicReference<>("revoked-" + a.localPart());
        AtomicInteger issued = new AtomicInteger();
        TokenSupplier issuer = () -> {
            AccessToken t = issuer(current, issued).token();
            current.set(fresh);
            return t;
        };
        TokenSupplier tokens = TokenSupplier.refreshing(issuer, Duration.ofMinutes(5), FaultHarness.CLOCK);

        TransferReport report = run(oauth2Target(tokens).build(), TransferListener.NONE, List.of(a));

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(3);
        assertThat(issued).hasValue(2);
        assertThat(toNew.refused()).as(toNew.attempts().toString()).hasSize(1);
        assertThat(toNew.attempts().get(0).accepted()).isFalse();
        assertThat(toNew.attempts().get(1).accepted()).isTrue();
        serverAccepts(a, FaultHarness.password(a));
        h.assertVerified(temp, a);
    }

    @Test
    void aSupplierWithNoOtherTokenIsNotAskedToLogInTwice() {
        BmaAddress a = seeded(1);
        serverAccepts(a, "the-right-one");
        AccessToken stale = new AccessToken(Secret.of("stale-" + a.localPart()), FaultHarness.CLOCK.instant().plusSeconds(3600));

        TransferReport report = run(oauth2Target(() -> stale).build(), TransferListener.NONE, List.of(a));

        assertThat(report.isComplete()).isFalse();
        assertThat(report.mailboxes().get(0).error()).get().asString()
                .contains("refused (the token supplier has no other token)", "check the credentials")
                .doesNotContain(stale.token().reveal());
        assertThat(toNew.attempts()).as("the same token is not tried twice").hasSize(1);
        serverAccepts(a, FaultHarness.password(a));
    }

    @Test
    void aWrongSharedTokenIsTriedOnceNotOncePerMailbox() {
        List<BmaAddress> mailboxes = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            mailboxes.add(seeded(1));
        }
        AtomicInteger issued = new AtomicInteger();
        // the app's grant is wrong: every token it gets is refused, a fresh one each time
        TokenSupplier tokens = () -> new AccessToken(Secret.of("refused-token-" + issued.incrementAndGet()),
                FaultHarness.CLOCK.instant().plus(Duration.ofHours(1)));

        TransferReport report = run(oauth2Target(tokens).parallelism(4).build(), TransferListener.NONE, mailboxes);

        assertThat(report.mailboxes()).hasSize(12).noneMatch(MailboxReport::isComplete);
        // one login, and one more with a fresh token: not 12, not 24
        assertThat(toNew.attempts()).as(toNew.attempts().toString()).hasSize(2).allMatch(x -> Boolean.FALSE.equals(x.accepted()));
        List<String> errors = report.mailboxes().stream().map(m -> m.error().orElseThrow()).toList();
        assertThat(errors).filteredOn(e -> e.startsWith("Login to ")).hasSize(1).first().asString()
                .contains("refused (also with a fresh token)", "no other mailbox logs in with it in this run");
        assertThat(errors).filteredOn(e -> e.startsWith("Not attempted: ")).hasSize(11)
                .allSatisfy(e -> assertThat(e).contains("imap://127.0.0.1:" + toNew.port(), "XOAUTH2 token",
                        "check the credentials"));
        String written = report.toJson() + report.summary();
        for (int i = 1; i <= issued.get(); i++) {
            assertThat(written).doesNotContain("refused-token-" + i);
        }
        for (BmaAddress a : mailboxes) {
            try (var box = h.newBox(a)) {
                assertThat(box.messages(INBOX)).as("nothing reached %s", a).isEmpty();
            }
        }
    }

    @Test
    void aWrongMailboxPasswordCostsOneAttemptAndTheOthersComplete() {
        List<BmaAddress> mailboxes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            mailboxes.add(seeded(2));
        }
        BmaAddress wrong = mailboxes.get(2);
        String wrongPassword = "not-" + FaultHarness.password(wrong);
        CredentialSource sourcePasswords = m -> new MailboxCredentials.Password(m.toString(),
                Secret.of(m.equals(wrong) ? wrongPassword : FaultHarness.password(m)));
        TransferSettings settings = FaultHarness.settings(through(toOld), newServer.imapEndpoint(), temp)
                .imapSource(through(toOld).withTimeout(Duration.ofMillis(1000)), sourcePasswords, FaultHarness.CLOCK)
                .parallelism(4)
                .build();

        TransferReport report = run(settings, TransferListener.NONE, mailboxes);

        assertThat(toOld.attemptsBy(wrong.toString())).as(toOld.attempts().toString()).hasSize(1)
                .allMatch(x -> Boolean.FALSE.equals(x.accepted()));
        for (MailboxReport m : report.mailboxes()) {
            if (m.mailbox().equals(wrong)) {
                assertThat(m.isComplete()).isFalse();
                assertThat(m.error()).get().asString().contains("refused", "check the credentials", wrong.toString())
                        .doesNotContain(wrongPassword);
            } else {
                assertThat(m.isComplete()).as(m.toString()).isTrue();
                assertThat(m.copied()).isEqualTo(2);
            }
        }
        List<BmaAddress> others = mailboxes.stream().filter(m -> !m.equals(wrong)).toList();
        h.assertVerified(temp, others.toArray(BmaAddress[]::new));
    }
}
