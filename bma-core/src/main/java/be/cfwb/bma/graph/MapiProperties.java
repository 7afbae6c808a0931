package be.cfwb.bma.graph;

/**
 * The MAPI properties we set through Graph's single-value extended properties, in Graph's
 * id syntax. They must be set when the item is created: Exchange ignores later changes to
 * the flags and dates.
 */
final class MapiProperties {

    /** PR_MESSAGE_FLAGS: 0x1 read; 0x8 unsent (a draft) is never set by us. */
    static final String MESSAGE_FLAGS = "Integer 0x0E07";
    /** PR_MESSAGE_DELIVERY_TIME: Outlook's "Received". */
    static final String DELIVERY_TIME = "SystemTime 0x0E06";
    /** PR_CLIENT_SUBMIT_TIME: Outlook's "Sent". */
    static final String SUBMIT_TIME = "SystemTime 0x0039";
    /** PR_LAST_VERB_EXECUTED: 102 replied, 104 forwarded (Outlook's answered/forwarded icons). */
    static final String LAST_VERB = "Integer 0x1081";
    /** PS_PUBLIC_STRINGS named property carrying our {@code SourceKey}. */
    static final String SOURCE_KEY = "String {00020329-0000-0000-C000-000000000046} Name BmaSourceKey";

    /** PS_PUBLIC_STRINGS named property carrying the id of the campaign (the ledger) that made the copy. */
    static final String CAMPAIGN = "String {00020329-0000-0000-C000-000000000046} Name BmaCampaign";

    /**
     * PS_PUBLIC_STRINGS named property holding the source's IMAP flags as copied, e.g.
     * {@code (\Seen \Answered $Forwarded)}: what Exchange has no place for (draft, keywords)
     * is kept here, so that verification compares like with like.
     */
    static final String SOURCE_FLAGS = "String {00020329-0000-0000-C000-000000000046} Name BmaSourceFlags";

    static final int FLAG_READ = 0x1;
    static final int VERB_REPLIED = 102;
    static final int VERB_FORWARDED = 104;

    private MapiProperties() {
    }
}
