package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.SourceKey;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The header fields of a listing's answer read as Jakarta Mail's InternetHeaders reads them (the oracle). */
class HeaderFieldsTest {

    private static final List<String> NAMES = List.of(SourceKey.HEADER, "Message-ID", "message-id", "Subject", "Absent");

    @ParameterizedTest
    @ValueSource(strings = {
        "X-Bma-Trace: v=1; m=ec009001@adm.cfwb.be; f=INBOX; uv=7; uid=42\r\nMessage-ID: <a@b>\r\n\r\n",
        "x-bma-trace:v=1; m=ec009001@adm.cfwb.be;\r\n\tf=INBOX/Sent; uv=7; uid=1\r\nMESSAGE-ID:   <folded@b>\r\n \r\n",
        "X-Bma-Trace: v=1; m=ec009001@adm.cfwb.be; f=A; uv=1; uid=2\r\nX-Bma-Trace: an older one\r\n\r\n",
        "Message-ID:\r\n <next-line@b>\r\nSubject: caf\u00e9\r\n\r\nnot a header: after the blank line\r\n",
        "Message-ID: <lf-only@b>\nX-Bma-Trace: v=1; m=x; f=y; uv=1; uid=1\n\n",
        "",
        "\r\n",
        "Message-ID: <no-blank-line-at-the-end@b>",
    })
    void everyFieldAsInternetHeadersGivesIt(String block) throws MessagingException {
        byte[] bytes = block.getBytes(StandardCharsets.ISO_8859_1);
        byte[] framed = new byte[bytes.length + 6];
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        InternetHeaders oracle = new InternetHeaders(new ByteArrayInputStream(bytes));
        HeaderFields fields = HeaderFields.of(framed, 3, bytes.length);

        for (String name : NAMES) {
            String[] expected = oracle.getHeader(name);
            assertThat(fields.values(name)).as("%s in %s", name, block)
                    .isEqualTo(expected == null ? List.of() : Arrays.asList(expected));
        }
    }

    @Test
    void noBytesNoFields() {
        assertThat(HeaderFields.of(null, 0, 0).values("Message-ID")).isEmpty();
    }
}
