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

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark corpus: what Dovecot serves is what was generated, and a seed gives the same corpus. */
@RequiresDovecot
class CorpusGeneratorTest {

    private static final Spec SMALL = new Spec(42L, 2, 120);

    @Test
    void dovecotServesTheGeneratedMessagesFoldersFlagsAndDates() {
        try (DovecotFixture server = DovecotFixture.start(HierarchyStyle.DOT_INBOX_PREFIX)) {
            Corpus corpus = generate(server.server());

            assertThat(corpus.messages()).isEqualTo(240);
            assertThat(corpus.mailboxes()).hasSize(2);
            assertThat(corpus.count().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(240);
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
            assertThat(all.stream().map(StoredMessage::internalDate).distinct().count()).isGreaterThan(200);
        }
    }

    @Test
    void theSameSeedGivesTheSameCorpus() {
        try (DovecotFixture one = DovecotFixture.start(HierarchyStyle.SLASH);
             DovecotFixture two = DovecotFixture.start(HierarchyStyle.SLASH)) {
            Corpus first = generate(one.server());
            Corpus second = generate(two.server());

            assertThat(second.bytes()).isEqualTo(first.bytes());
            assertThat(second.count()).isEqualTo(first.count());
            BmaAddress a = first.mailboxes().get(0);
            try (MailboxInspector x = one.inspector(a, "pw"); MailboxInspector y = two.inspector(a, "pw")) {
                FolderPath sent = FolderPath.of("Éléments envoyés");
                List<StoredMessage> xs = x.messages(sent);
                List<StoredMessage> ys = y.messages(sent);
                assertThat(ys).hasSameSizeAs(xs).isNotEmpty();
                for (int i = 0; i < xs.size(); i++) {
                    assertThat(y.sha256(sent, ys.get(i).uid())).isEqualTo(x.sha256(sent, xs.get(i).uid()));
                }
            }
        }
    }

    private static Corpus generate(DovecotServer server) {
        for (BmaAddress a : CorpusGenerator.mailboxes(SMALL)) {
            server.addUser(a.toString(), "pw");
        }
        return CorpusGenerator.writeMaildirs(server, SMALL);
    }
}
