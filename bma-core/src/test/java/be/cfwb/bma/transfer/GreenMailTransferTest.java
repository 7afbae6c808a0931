package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.credentials.AccessToken;
import be.cfwb.bma.credentials.CredentialSource;
import be.cfwb.bma.credentials.Secret;
import be.cfwb.bma.credentials.TokenSupplier;
import be.cfwb.bma.testing.GreenMailFixture;
import be.cfwb.bma.testing.MailServerFixture;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transfer suite with GreenMail as old and new server, plus what only GreenMail offers here (XOAUTH2). */
class GreenMailTransferTest extends TransferSuite {

    @Override
    protected MailServerFixture startServer() {
        return GreenMailFixture.start();
    }

    @Test
    void targetLoginWithXoauth2AsksTheTokenSupplierAtEachConnection() {
        BmaAddress a = newMailbox();
        seedTypical(a);
        AtomicInteger issued = new AtomicInteger();
        // GreenMail accepts the user's password as the bearer token.
        TokenSupplier tokens = () -> {
            issued.incrementAndGet();
            return new AccessToken(Secret.of(password(a)), CLOCK.instant().plus(Duration.ofMinutes(60)));
        };
        TransferSettings settings = settings(FolderMapper.preserve())
                .imapTarget(newServer.imapEndpoint(), CredentialSource.oauth2(tokens), CLOCK)
                .connectionsPerMailbox(1) // one target connection: one token asked
                .build();

        TransferReport report = run(settings, Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(issued.get()).isEqualTo(1);
        assertCopied(a, INBOX, INBOX);
    }

    @Test
    void masterLoginIsRefusedWhereSaslPlainIsNotOffered() {
        // Angus would otherwise fall back to LOGIN and open the admin's own mailbox.
        BmaAddress a = newMailbox();
        assertThatThrownBy(() -> be.cfwb.bma.transfer.imap.ImapSource.connector(oldServer.imapEndpoint(),
                CredentialSource.master(a.toString(), Secret.of(password(a))), CLOCK).open(a))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining("AUTH=PLAIN")
                .hasMessageNotContaining(password(a));
    }
}
