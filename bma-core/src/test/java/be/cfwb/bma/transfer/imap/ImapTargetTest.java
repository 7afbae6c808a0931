package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.MessageFlags;

import org.eclipse.angus.mail.iap.Response;
import org.junit.jupiter.api.Test;

import java.util.TreeSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImapTargetTest {

    @Test
    void multiAppendFlagListsCarrySystemFlagsAndKeywords() {
        assertThat(ImapAppender.flagList(MessageFlags.NONE)).isEqualTo("()");
        assertThat(ImapAppender.flagList(new MessageFlags(true, true, true, true, new TreeSet<>(List.of("$Forwarded", "Urgent")))))
                .isEqualTo("(\\Answered \\Draft \\Flagged \\Seen $Forwarded Urgent)");
        assertThat(ImapAppender.flagList(new MessageFlags(true, false, false, false, new TreeSet<>()))).isEqualTo("(\\Seen)");
    }

    @Test
    void aPipelinedAppendsCopyIsNamedByItsAppendUidWhereTheServerGivesOne() {
        assertThat(PipelinedAppends.appendUid(new Response("A7 OK [APPENDUID 1733 42] Append completed."))).isEqualTo("42");
        assertThat(PipelinedAppends.appendUid(new Response("A8 OK APPEND completed"))).isEmpty();
    }
}
