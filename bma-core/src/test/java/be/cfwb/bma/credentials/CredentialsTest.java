package be.cfwb.bma.credentials;

import be.cfwb.bma.config.SecretResolver;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialsTest {

    @Test
    void secretsNeverPrintThemselves() {
        Secret s = Secret.of("hunter2");
        assertThat(s.toString()).isEqualTo(Secret.MASK);
        assertThat(new MailboxCredentials.Password("ec000001@adm.cfwb.be", s).toString()).doesNotContain("hunter2");
        assertThat(new Login("admin", s).toString()).doesNotContain("hunter2");
        assertThat(s).isEqualTo(Secret.of("hunter2")).isNotEqualTo(Secret.of("hunter3"));
        assertThat(s.reveal()).isEqualTo("hunter2");
    }

    @Test
    void credentialsFileKeepsPasswordsAsWrittenAndReportsBadLinesWithoutThem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("creds.csv");
        Files.writeString(file, "\uFEFF# comment\r\nec001394@adm.cfwb.be;p;a ss word\r\n\r\nPO000478@ADM.CFWB.BE;x\n",
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        CredentialSource source = CredentialsFile.read(file);
        MailboxCredentials c = source.credentialsFor(BmaAddress.parse("ec001394@adm.cfwb.be"));
        assertThat(((MailboxCredentials.Password) c).password().reveal()).isEqualTo("p;a ss word");
        assertThat(((MailboxCredentials.Password) source.credentialsFor(BmaAddress.parse("po000478@adm.cfwb.be")))
                .login()).isEqualTo("po000478@adm.cfwb.be");
        assertThatThrownBy(() -> source.credentialsFor(BmaAddress.parse("ec000001@adm.cfwb.be")))
                .isInstanceOf(BmaException.class).hasMessageContaining("ec000001@adm.cfwb.be");

        Files.writeString(file, "nobody@example.org;topsecret1\nec001394@adm.cfwb.be\nec001394@adm.cfwb.be;a\n"
                + "ec001394@adm.cfwb.be;topsecret2\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CredentialsFile.read(file))
                .isInstanceOf(BmaException.class)
                .hasMessageContaining("line 1").hasMessageContaining("line 2").hasMessageContaining("line 4")
                .hasMessageNotContaining("topsecret");
    }

    @Test
    void aCredentialsFileThatGroupOrOthersCanAccessIsRefusedAsSshDoes(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("source.csv"), "ec001394@adm.cfwb.be;Top-secret-1\n", StandardCharsets.UTF_8);
        Path fine = Files.writeString(dir.resolve("fine.csv"), "ec001394@adm.cfwb.be;Top-secret-2\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(fine, PosixFilePermissions.fromString("rw-------"));
        for (String open : List.of("rw-r--r--", "rw-r-----", "rw----r--", "rw--w----")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(open));
            for (String key : List.of(BmaProperties.SOURCE_CREDENTIALS, BmaProperties.TARGET_CREDENTIALS)) {
                Map<String, String> properties = new java.util.HashMap<>(Map.of(
                        BmaProperties.SOURCE_URL, "imaps://imap.old.cfwb.be:993",
                        BmaProperties.TARGET_URL, "imaps://outlook.office365.com:993",
                        BmaProperties.SOURCE_CREDENTIALS, fine.toString(), BmaProperties.TARGET_CREDENTIALS, fine.toString()));
                properties.put(key, file.toString());
                assertThatThrownBy(() -> TransferSettings.from(BmaSettingsReader.of(properties), SecretResolver.none(), Clock.systemUTC()).build())
                        .as(open + " " + key)
                        .isInstanceOf(BmaException.class)
                        .hasMessageStartingWith(key + ": Credentials file " + file + " is accessible by group or others (" + open + ")")
                        .hasMessageContaining("chmod 600 " + file)
                        .hasMessageNotContaining("Top-secret");
            }
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThat(CredentialsFile.read(file).credentialsFor(BmaAddress.parse("ec001394@adm.cfwb.be"))).isNotNull();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        assertThat(CredentialsFile.read(file).credentialsFor(BmaAddress.parse("ec001394@adm.cfwb.be"))).isNotNull();
    }

    @Test
    void masterCredentialsActForTheMailbox() {
        MailboxCredentials c = CredentialSource.master("admin", Secret.of("pw")).credentialsFor(BmaAddress.parse("ec000001@adm.cfwb.be"));
        assertThat(c).isEqualTo(new MailboxCredentials.Master("admin", Secret.of("pw"), "ec000001@adm.cfwb.be"));
    }

    @Test
    void tokensAreRefreshedBeforeTheyExpire() {
        AtomicInteger issued = new AtomicInteger();
        Instant[] now = {Instant.parse("2024-11-04T08:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        TokenSupplier issuer = () -> new AccessToken(Secret.of("t" + issued.incrementAndGet()), now[0].plus(Duration.ofMinutes(60)));
        TokenSupplier tokens = TokenSupplier.refreshing(issuer, Duration.ofMinutes(5), clock);
        assertThat(tokens.token().token().reveal()).isEqualTo("t1");
        now[0] = now[0].plus(Duration.ofMinutes(54));
        assertThat(tokens.token().token().reveal()).isEqualTo("t1");
        now[0] = now[0].plus(Duration.ofMinutes(2));
        assertThat(tokens.token().token().reveal()).as("less than 5 minutes left").isEqualTo("t2");
        assertThat(tokens.toString()).doesNotContain("t2");
    }

    @Test
    void aRefusedTokenIsForgottenAndAFreshOneAsked() {
        Clock clock = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);
        AtomicInteger issued = new AtomicInteger();
        TokenSupplier issuer = () -> new AccessToken(Secret.of("t" + issued.incrementAndGet()),
                clock.instant().plus(Duration.ofMinutes(60)));
        TokenSupplier tokens = TokenSupplier.refreshing(issuer, Duration.ofMinutes(5), clock);
        AccessToken first = tokens.token();
        assertThat(tokens.token()).as("cached while valid").isEqualTo(first);

        tokens.invalidate(first);
        AccessToken second = tokens.token();
        assertThat(second.token().reveal()).isEqualTo("t2");

        // a late report about the old token (another connection's) does not drop the new one
        tokens.invalidate(first);
        assertThat(tokens.token()).isEqualTo(second);
        assertThat(issued).hasValue(2);
        assertThat(second.toString()).doesNotContain("t2");
    }

    @Test
    void masterCredentialsSayWhereTheLoginComesFromWithoutItsPassword() {
        MailboxCredentials.Master m = (MailboxCredentials.Master) CredentialSource.master("admin", Secret.of("pw-1"),
                "admin login 'admin' (settings.xml server bma-source)").credentialsFor(BmaAddress.parse("ec000001@adm.cfwb.be"));
        assertThat(m.origin()).isEqualTo("admin login 'admin' (settings.xml server bma-source)");
        assertThat(new MailboxCredentials.Master("admin", Secret.of("pw-1"), "ec000001@adm.cfwb.be").origin())
                .isEqualTo("admin login 'admin'");
        assertThat(m.toString()).doesNotContain("pw-1");
    }
}
