package be.cfwb.bma.testing.dovecot.benchmark;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.DovecotServer;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Corpus;
import be.cfwb.bma.testing.dovecot.benchmark.CorpusGenerator.Spec;
import be.cfwb.bma.transfer.FolderPath;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark corpus: what Dovecot serves is what was generated, and a seed gives the same corpus. */
@RequiresDovecot
class CorpusGeneratorTest {

    private static final Spec SMALL = new Spec(42L, 2, 80);

    @Test
    void dovecotServesTheGeneratedMessagesFoldersFlagsAndDates() {
        try (DovecotFixture server = DovecotFixture.start(HierarchyStyle.DOT_INBOX_PREFIX)) {
            Corpus corpus = generate(server.server());

            assertThat(corpus.messages()).isEqualTo(160);
            assertThat(corpus.mailboxes()).hasSize(2);
            assertThat(corpus.count().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(160);
            List<StoredMessage> all = new ArrayList<>();
            long bytes = 0;
            for (BmaAddress a : corpus.mailboxes()) {
                try (MailboxInspector box = server.inspector(a, "pw")) {
                    List<FolderPath> folders = box.folders();
                    assertThat(folders).contains(FolderPath.of("INBOX", "Éléments envoyés"),
                            FolderPath.of("INBOX", "Projets", "Écoles 2024"), FolderPath.of("INBOX", "Réunions & conseils"));
                    for (FolderPath f : folders) {
                        for (StoredMessage m : box.messages(f)) {
                            all.add(m);
                            bytes += m.size();
                        }
                    }
                }
            }
            assertThat(all).hasSize(corpus.messages());
            assertThat(bytes).isEqualTo(corpus.bytes());
            assertThat(all).anySatisfy(m -> assertThat(m.flags().seen()).isTrue())
                    .anySatisfy(m -> assertThat(m.flags().seen()).isFalse())
                    .anySatisfy(m -> assertThat(m.flags().draft()).isTrue());
            assertThat(all).allSatisfy(m -> assertThat(m.internalDate()).isBetween(
                    java.time.Instant.parse("2019-01-01T00:00:00Z"), java.time.Instant.parse("2025-01-01T00:00:00Z")));
            assertThat(all.stream().map(StoredMessage::internalDate).distinct().count()).isGreaterThan(130);
        }
    }

    @Test
    void theSameSeedGivesTheSameCorpus() throws Exception {
        try (DovecotFixture one = DovecotFixture.start(HierarchyStyle.SLASH);
             DovecotFixture two = DovecotFixture.start(HierarchyStyle.SLASH)) {
            Corpus first = generate(one.server());
            Corpus second = generate(two.server());

            assertThat(second.bytes()).isEqualTo(first.bytes());
            assertThat(second.count()).isEqualTo(first.count());
            String a = first.mailboxes().get(1).toString();
            // Every message file byte for byte, with its name (flags) and mtime (INTERNALDATE).
            Map<String, String> x = files(one.server().maildir(a));
            Map<String, String> y = files(two.server().maildir(a));
            assertThat(x).hasSizeGreaterThan(50);
            assertThat(y.entrySet()).as("message files").containsExactlyInAnyOrderElementsOf(x.entrySet());
        }
    }

    private static Map<String, String> files(Path maildir) throws Exception {
        Map<String, String> result = new TreeMap<>();
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> walk = Files.walk(maildir)) {
            for (Path p : walk.filter(f -> f.getParent().getFileName().toString().equals("cur")).toList()) {
                result.put(maildir.relativize(p) + "@" + Files.getLastModifiedTime(p).toMillis(),
                        HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))));
            }
        }
        return result;
    }

    private static Corpus generate(DovecotServer server) {
        for (BmaAddress a : CorpusGenerator.mailboxes(SMALL)) {
            server.addUser(a.toString(), "pw");
        }
        return CorpusGenerator.writeMaildirs(server, SMALL);
    }
}
