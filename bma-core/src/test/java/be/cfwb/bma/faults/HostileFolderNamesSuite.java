package be.cfwb.bma.faults;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.testing.MailServerFixture;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.MailboxInspector.StoredMessage;
import be.cfwb.bma.testing.MailboxSeeder;
import be.cfwb.bma.testing.TestMessage;
import be.cfwb.bma.transfer.FolderPath;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.Pass;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.TransferReport;
import be.cfwb.bma.transfer.TransferSettings;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Folder names that break naive tools, one message in each, migrated and verified: the
 * separator the server does not use inside a name, leading and trailing spaces, {@code &}
 * (modified UTF-7's escape) and text that looks like an mUTF-7 sequence, a 200-character
 * name, a 12-level path, names differing only by case, INBOX children. Every message must
 * land exactly once; where a name is changed on the way the report says so.
 */
abstract class HostileFolderNamesSuite extends TwoServerTestBase<MailServerFixture, MailServerFixture> {

    /** A hierarchy separator the OLD server does not use, which may therefore appear inside a name. */
    protected abstract String otherSeparator();

    List<FolderPath> hostileFolders() {
        String sep = otherSeparator();
        List<FolderPath> l = new ArrayList<>();
        l.add(FolderPath.of("Factures 2023" + sep + "2024"));
        l.add(FolderPath.of("v1" + sep + "2", "notes" + sep + "finales"));
        l.add(FolderPath.of(" Espace devant"));
        l.add(FolderPath.of("Espace derrière "));
        l.add(FolderPath.of("R&D"));
        l.add(FolderPath.of("&AOk-cole"));
        l.add(FolderPath.of("Écoles & Élèves", "Année 2024–2025"));
        l.add(FolderPath.of("L" + "ong".repeat(66)));
        List<String> deep = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            deep.add("Niveau " + i);
        }
        l.add(FolderPath.of(deep.toArray(String[]::new)));
        l.add(FolderPath.of("Archives"));
        l.add(FolderPath.of("ARCHIVES"));
        l.add(FolderPath.of("archives"));
        l.add(FolderPath.of("INBOX", "Sous-dossier"));
        l.add(FolderPath.of("INBOX", "Sous-dossier", "Plus bas"));
        l.add(FolderPath.of("INBOX", "inbox"));
        return l;
    }

    @Test
    void everyMessageInEveryHostileFolderArrivesOnce() {
        BmaAddress a = h.newMailbox();
        Map<FolderPath, String> seeded = new LinkedHashMap<>();
        List<String> refusedBySource = new ArrayList<>();
        try (MailboxSeeder s = h.seeder(a)) {
            int i = 0;
            for (FolderPath f : hostileFolders()) {
                try {
                    s.append(f, TestMessage.builder().subject("Dans " + f).messageId("f" + i + "@x").build(), flags(),
                            Instant.parse("2024-10-01T08:00:00Z").plusSeconds(i++));
                    seeded.put(f, "seeded");
                } catch (IllegalStateException e) {
                    refusedBySource.add(f + ": " + e.getMessage());
                }
            }
        }
        List<FolderPath> onSource = new ArrayList<>();
        int sourceMessages = 0;
        try (MailboxInspector old = h.oldBox(a)) {
            for (FolderPath f : old.folders()) {
                int n = old.messages(f).size();
                sourceMessages += n;
                if (n > 0) {
                    onSource.add(f);
                }
            }
        }
        assertThat(sourceMessages).as("the old server holds every seeded message (refused: %s)", refusedBySource)
                .isEqualTo(seeded.size());
        TransferSettings settings = h.settings(temp).build();
        TransferReport report = FaultHarness.run(settings, ledger, Pass.PRESTAGE, a);

        assertThat(report.isComplete()).as(report.summary()).isTrue();
        assertThat(report.copied()).isEqualTo(seeded.size());
        h.assertVerified(temp, a);
        // each source folder's message is on the target once, in one target folder named in the report
        Map<FolderPath, String> targetOf = new HashMap<>();
        for (FolderReport f : report.mailboxes().get(0).folders()) {
            targetOf.put(f.source(), f.target());
        }
        Map<FolderPath, List<FolderPath>> whereFound = new HashMap<>();
        try (MailboxInspector neu = h.newBox(a)) {
            for (FolderPath t : neu.folders()) {
                for (StoredMessage m : neu.messages(t)) {
                    SourceKey key = SourceKey.parse(m.trace().orElseThrow()).orElseThrow();
                    whereFound.computeIfAbsent(key.folder(), k -> new ArrayList<>()).add(t);
                }
            }
        }
        StringBuilder note = new StringBuilder("Hostile folder names (" + oldServer.name() + " -> " + newServer.name() + "):\n");
        seeded.keySet().stream().filter(f -> !onSource.contains(f))
                .forEach(f -> note.append("  the old server itself folded [").append(f).append("] into another folder\n"));
        Map<FolderPath, List<FolderPath>> byTarget = new HashMap<>();
        for (FolderPath f : onSource) {
            assertThat(whereFound.getOrDefault(f, List.of())).as("the copies of %s are in one target folder", f)
                    .isNotEmpty().allMatch(t -> t.equals(whereFound.get(f).get(0)));
            FolderPath target = whereFound.get(f).get(0);
            assertThat(targetOf.get(f)).as("the report names where %s went", f).isNotNull();
            byTarget.computeIfAbsent(target, k -> new ArrayList<>()).add(f);
            note.append("  [").append(f).append("] -> [").append(target).append("]\n");
        }
        // two source folders may share a target folder only where the report says so
        Map<FolderPath, List<String>> notes = new HashMap<>();
        report.mailboxes().get(0).folders().forEach(f -> notes.put(f.source(), f.notes()));
        byTarget.values().stream().filter(l -> l.size() > 1).forEach(merged -> {
            assertThat(merged.subList(1, merged.size())).as("merge of %s reported", merged).allSatisfy(f ->
                    assertThat(notes.get(f)).anySatisfy(n -> assertThat(n).containsAnyOf("merged", "only by case")));
        });
        notes.forEach((f, l) -> l.forEach(n -> note.append("  note on [").append(f).append("]: ").append(n).append('\n')));
        refusedBySource.forEach(r -> note.append("  refused by the old server: ").append(r).append('\n'));
        System.out.print(note);
    }
}
