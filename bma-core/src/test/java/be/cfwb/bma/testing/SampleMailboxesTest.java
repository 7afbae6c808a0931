package be.cfwb.bma.testing;

import be.cfwb.bma.address.BmaAddress;

import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class SampleMailboxesTest {

    private static final BmaAddress EC = BmaAddress.parse("ec001394@adm.cfwb.be");

    @Test
    void sameAddressGivesTheSameBytes() {
        List<SampleMessage> a = SampleMailboxes.messages(EC, 60);
        List<SampleMessage> b = SampleMailboxes.messages(EC, 60);

        assertThat(a).hasSize(60);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).bytes()).isEqualTo(b.get(i).bytes());
            assertThat(a.get(i).flags()).isEqualTo(b.get(i).flags());
        }
        assertThat(SampleMailboxes.messages(BmaAddress.parse("po000478@adm.cfwb.be"), 60).get(0).bytes())
                .isNotEqualTo(a.get(0).bytes());
    }

    @Test
    void theBytesDoNotDependOnTheDefaultLocale() {
        Locale before = Locale.getDefault();
        List<SampleMessage> arabic;
        try {
            Locale.setDefault(Locale.forLanguageTag("ar-EG")); // writes %d with its own digits
            arabic = SampleMailboxes.messages(EC, 30);
        } finally {
            Locale.setDefault(before);
        }
        List<SampleMessage> usual = SampleMailboxes.messages(EC, 30);
        for (int i = 0; i < usual.size(); i++) {
            assertThat(arabic.get(i).bytes()).as("message %d", i).isEqualTo(usual.get(i).bytes());
        }
    }

    @Test
    void contentIsVariedAndParsesAsMime() throws Exception {
        List<SampleMessage> messages = SampleMailboxes.messages(EC, 80);

        assertThat(messages).extracting(SampleMessage::folder).contains(List.of("INBOX"), List.of("Envoyés"));
        assertThat(messages.stream().flatMap(m -> m.flags().stream())).contains("\\Seen", "\\Answered");
        assertThat(messages).anySatisfy(m -> assertThat(m.size()).isGreaterThan(1_000_000));
        Session session = Session.getInstance(new Properties());
        for (SampleMessage m : messages) {
            MimeMessage mime = new MimeMessage(session, new ByteArrayInputStream(m.bytes()));
            assertThat(mime.getMessageID()).startsWith("<ec001394.");
            assertThat(mime.getSubject()).isNotBlank();
            assertThat(mime.getContent()).isInstanceOf(Multipart.class);
        }
        assertThat(messages).allSatisfy(m -> assertThat(m.folder()).isNotEmpty());
    }
}
