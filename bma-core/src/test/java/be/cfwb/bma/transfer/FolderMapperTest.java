package be.cfwb.bma.transfer;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class FolderMapperTest {

    private static FolderMapping one(FolderMapper mapper, SourceFolder folder, Optional<Character> reserved) {
        return mapper.map(List.of(folder), reserved).get(0);
    }

    private static TargetFolder exchange(String... path) {
        return one(FolderMapper.exchange(), SourceFolder.of(FolderPath.of(path)), Optional.of('/')).target();
    }

    @Test
    void localisedSpecialFoldersGoToExchangesWellKnownOnes() {
        assertThat(exchange("INBOX")).isEqualTo(TargetFolder.of(SpecialUse.INBOX));
        for (String sent : List.of("Sent", "Envoyés", "Éléments envoyés", "Objets envoyés", "Verzonden items",
                "Gesendete Elemente", "sent items", "Elements envoyes")) {
            assertThat(exchange(sent)).as(sent).isEqualTo(TargetFolder.of(SpecialUse.SENT));
        }
        for (String trash : List.of("Trash", "Corbeille", "Éléments supprimés", "Prullenbak", "Gelöschte Elemente")) {
            assertThat(exchange(trash)).as(trash).isEqualTo(TargetFolder.of(SpecialUse.TRASH));
        }
        for (String drafts : List.of("Drafts", "Brouillons", "Concepten", "Entwürfe")) {
            assertThat(exchange(drafts)).as(drafts).isEqualTo(TargetFolder.of(SpecialUse.DRAFTS));
        }
        for (String junk : List.of("Junk", "Spam", "Courrier indésirable", "Ongewenste e-mail")) {
            assertThat(exchange(junk)).as(junk).isEqualTo(TargetFolder.of(SpecialUse.JUNK));
        }
        assertThat(exchange("INBOX", "Sent")).as("Courier-style, under INBOX").isEqualTo(TargetFolder.of(SpecialUse.SENT));
        assertThat(exchange("Envoyés", "2019")).isEqualTo(TargetFolder.under(SpecialUse.SENT, List.of("2019")));
        assertThat(exchange("INBOX", "Projets")).isEqualTo(TargetFolder.under(SpecialUse.INBOX, List.of("Projets")));
        assertThat(exchange("Projets", "Sent")).as("only at the top").isEqualTo(TargetFolder.of(FolderPath.of("Projets", "Sent")));
    }

    @Test
    void aCourierStyleNamespacePrefixIsNotAFolder() {
        Optional<FolderPath> courier = Optional.of(FolderPath.of("INBOX"));
        List<FolderMapping> mappings = FolderMapper.exchange().map(List.of(
                SourceFolder.of(FolderPath.inbox()),
                SourceFolder.of(FolderPath.of("INBOX", "Sent")),
                SourceFolder.of(FolderPath.of("INBOX", "Projets")),
                SourceFolder.of(FolderPath.of("INBOX", "Projets", "2024"))), Optional.empty(), courier);

        assertThat(mappings).extracting(FolderMapping::target).containsExactly(
                TargetFolder.of(SpecialUse.INBOX),
                TargetFolder.of(SpecialUse.SENT),
                TargetFolder.of(FolderPath.of("Projets")),
                TargetFolder.of(FolderPath.of("Projets", "2024")));
        assertThat(FolderMapper.preserve().map(List.of(SourceFolder.of(FolderPath.of("INBOX", "Projets"))), Optional.empty(),
                courier).get(0).target()).as("preserve keeps the hierarchy").isEqualTo(
                TargetFolder.under(SpecialUse.INBOX, List.of("Projets")));
    }

    @Test
    void specialUseAttributesWinOverNames() {
        FolderMapper m = FolderMapper.exchange();
        List<FolderMapping> mappings = m.map(List.of(
                new SourceFolder(FolderPath.of("Mes envois"), Optional.of(SpecialUse.SENT), true),
                SourceFolder.of(FolderPath.of("Spam"))), Optional.empty());
        assertThat(mappings.get(0).target()).isEqualTo(TargetFolder.of(SpecialUse.SENT));
        assertThat(mappings.get(1).target()).as("the server marks special folders; this one is the user's own")
                .isEqualTo(TargetFolder.of(FolderPath.of("Spam")));
    }

    @Test
    void namesDifferingOnlyByCaseAreReportedAsMergedOnACaseInsensitiveTarget() {
        List<FolderMapping> mappings = FolderMapper.exchange().map(List.of(SourceFolder.of(FolderPath.of("Archives")),
                SourceFolder.of(FolderPath.of("ARCHIVES")), SourceFolder.of(FolderPath.of("Projets"))), Optional.empty());
        assertThat(mappings.get(0).notes()).isEmpty();
        assertThat(mappings.get(1).notes()).singleElement().asString().contains("only by case").contains("Archives");
        assertThat(mappings.get(2).notes()).isEmpty();
    }

    @Test
    void reservedNamesAndSeparatorsAreRenamedAndReported() {
        FolderMapping files = one(FolderMapper.exchange(), SourceFolder.of(FolderPath.of("Files")), Optional.of('/'));
        assertThat(files.target()).isEqualTo(TargetFolder.of(FolderPath.of("Files (migrated)")));
        assertThat(files.notes()).singleElement().asString().contains("reserved");

        FolderMapping slash = one(FolderMapper.preserve(), SourceFolder.of(FolderPath.of("Factures 2023/2024")), Optional.of('/'));
        assertThat(slash.target().relative()).containsExactly("Factures 2023\u22152024");
        assertThat(slash.notes()).singleElement().asString().contains("separator");

        FolderMapping kept = one(FolderMapper.preserve(), SourceFolder.of(FolderPath.of("Factures 2023/2024")), Optional.of('.'));
        assertThat(kept.target().relative()).containsExactly("Factures 2023/2024");
        assertThat(kept.notes()).isEmpty();
    }

    @Test
    void preserveKeepsEverythingAndRulesComeFirst() {
        assertThat(one(FolderMapper.preserve(), SourceFolder.of(FolderPath.of("Envoyés")), Optional.empty()).target())
                .isEqualTo(TargetFolder.of(FolderPath.of("Envoyés")));
        FolderMapper withRule = FolderMapper.exchange().withRule(FolderPath.of("Archives"),
                TargetFolder.under(SpecialUse.INBOX, List.of("Anciennes archives")));
        assertThat(one(withRule, SourceFolder.of(FolderPath.of("Archives", "2020")), Optional.empty()).target())
                .isEqualTo(TargetFolder.under(SpecialUse.INBOX, List.of("Anciennes archives", "2020")));
    }

    @Test
    void twoSourcesOnOneTargetAreReportedAsMerged() {
        List<FolderMapping> mappings = FolderMapper.exchange().map(List.of(SourceFolder.of(FolderPath.of("Envoyés")),
                SourceFolder.of(FolderPath.of("Sent"))), Optional.empty());
        assertThat(mappings.get(1).notes()).singleElement().asString().contains("merged");
    }
}
