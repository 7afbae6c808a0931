package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.TransferException;

import org.eclipse.angus.mail.iap.BadCommandException;
import org.eclipse.angus.mail.iap.CommandFailedException;
import org.eclipse.angus.mail.iap.ConnectionException;
import org.eclipse.angus.mail.iap.Response;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ImapErrorsTest {

    private static CommandFailedException no(String text) {
        return new CommandFailedException(new Response("A1 NO " + text));
    }

    @Test
    void exchangeThrottlingIsRetriedAfterTheSuggestedBackoff() {
        CommandFailedException e = no("Request is throttled. Suggested Backoff Time: 299961 milliseconds");
        assertThat(ImapErrors.appendRejection(e)).isEmpty();
        TransferException t = ImapErrors.translate("APPEND", e);
        assertThat(t.isRetryable()).isTrue();
        assertThat(t.backoff()).contains(Duration.ofMillis(299961));
    }

    @Test
    void refusalsAreReportedWithTheirReason() {
        assertThat(ImapErrors.appendRejection(no("[OVERQUOTA] Quota exceeded"))).get().asString().startsWith("over quota");
        assertThat(ImapErrors.appendRejection(no("[TOOBIG] Message too large"))).get().asString().startsWith("too large");
        assertThat(ImapErrors.appendRejection(new BadCommandException(new Response("A1 BAD Command Argument Error. 11"))))
                .get().asString().contains("malformed").contains("Command Argument Error. 11");
        assertThat(ImapErrors.appendRejection(no("[UNAVAILABLE] try later"))).isEmpty();
    }

    @Test
    void droppedConnectionsAreRetryable() {
        TransferException t = ImapErrors.translate("FETCH", new ConnectionException("Connection dropped by server?"));
        assertThat(t.isRetryable()).isTrue();
        assertThat(t.backoff()).isEmpty();
        assertThat(ImapErrors.translate("SELECT", no("Mailbox does not exist")).isRetryable()).isFalse();
    }

    @Test
    void angusBareConnectionFailureIsADroppedConnection() {
        // IMAPStore throws it, without a cause, when it cannot open a folder's connection
        assertThat(ImapErrors.translate("SELECT", new MessagingException("connection failure")).isRetryable()).isTrue();
        assertThat(ImapErrors.translate("SELECT", new MessagingException("connection failure", no("x"))).isRetryable())
                .as("a refusal behind it is the refusal's verdict").isFalse();
        assertThat(ImapErrors.translate("SELECT", new MessagingException("folder not found")).isRetryable()).isFalse();
    }
}
