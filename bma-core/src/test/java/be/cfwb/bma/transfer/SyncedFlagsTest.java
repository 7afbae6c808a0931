package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.EventCodec;
import be.cfwb.bma.ledger.Ledger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

import static be.cfwb.bma.testing.MailboxSeeder.flags;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyncedFlagsTest {

    private static final BmaAddress A = BmaAddress.of(BmaKind.EC, 4242);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-11-04T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path temp;

    @Test
    void theMergeKeepsWhatTheUserChangedOnTheTargetAndTakesTheRestFromTheOldServer() {
        MessageFlags base = flags("$Old");
        MessageFlags source = flags("\\Answered", "$Forwarded", "$Old");
        MessageFlags target = flags("\\Seen", "\\Flagged");

        assertThat(SyncedFlags.merge(base, source, target))
                .isEqualTo(flags("\\Seen", "\\Flagged", "\\Answered", "$Forwarded"));
        assertThat(SyncedFlags.merge(base, source, base)).as("nothing changed on the target: the source's").isEqualTo(source);
        assertThat(SyncedFlags.merge(base, base, target)).as("nothing changed on the source: the target's").isEqualTo(target);
        assertThat(SyncedFlags.merge(flags("\\Seen"), flags(), flags()))
                .as("both removed \\Seen: removed").isEqualTo(flags());
    }

    @Test
    void aFolderIsWrittenAsRunsOfUidsPerFlagSetAndReadBackTheSame() {
        Map<Long, MessageFlags> folder = new HashMap<>();
        for (long uid = 1; uid <= 1000; uid++) {
            folder.put(uid, flags("\\Seen"));
        }
        folder.put(500L, flags());
        folder.put(2000L, flags("\\Seen", "\\Flagged", "\\Draft", "\\Answered", "$Forwarded", "$MDNSent"));

        String text = SyncedFlags.encode(folder);

        assertThat(text).isEqualTo("[]500[S]1-499,501-1000[SAFD $Forwarded $MDNSent]2000");
        assertThat(SyncedFlags.decode(text)).isEqualTo(folder);
        assertThatThrownBy(() -> SyncedFlags.decode("S]1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordedFlagsAreOneEventPerFolderAndUidValidityAndSurviveReopening() {
        SourceKey one = new SourceKey(A, FolderPath.inbox(), 7, 1);
        SourceKey two = new SourceKey(A, FolderPath.inbox(), 7, 2);
        try (Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            SyncedFlags s = SyncedFlags.load(ledger, A);
            assertThat(s.copied(one)).isFalse();
            s.record(one, flags("\\Seen"));
            s.record(two, flags());
            s.flush(ledger);
            s.record(two, flags());
            s.flush(ledger);
            assertThat(ledger.events(e -> e.event() instanceof Event.FlagsSynced)).as("an unchanged record is not written")
                    .hasSize(1);
        }
        try (Ledger ledger = Ledger.open(temp.resolve("ledger"), CLOCK)) {
            SyncedFlags s = SyncedFlags.load(ledger, A);
            assertThat(s.base(one)).contains(flags("\\Seen"));
            assertThat(s.base(two)).contains(flags());
            assertThat(s.copied(new SourceKey(A, FolderPath.inbox(), 8, 1))).as("another UIDVALIDITY").isFalse();
            Event e = ledger.events(x -> x.event() instanceof Event.FlagsSynced).get(0).event();
            assertThat(EventCodec.decode(e.type(), e.data())).isEqualTo(e);
        }
    }
}
