package be.cfwb.bma.transfer;

import java.util.Collections;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The state a user sees on a message: read, answered, flagged, draft, and keywords such as
 * {@code $Forwarded}. {@code \Deleted} and {@code \Recent} are not kept: the first would make
 * the target hide or expunge a message the user still has, the second is the server's.
 *
 * @param keywords IMAP keywords, e.g. {@code $Forwarded}, {@code $MDNSent}
 */
public record MessageFlags(boolean seen, boolean answered, boolean flagged, boolean draft, SortedSet<String> keywords) {

    public static final MessageFlags NONE = new MessageFlags(false, false, false, false, new TreeSet<>());

    public MessageFlags {
        keywords = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(keywords, "keywords")));
        for (String k : keywords) {
            if (k.isEmpty() || k.startsWith("\\") || k.chars().anyMatch(c -> c <= ' ' || c == '(' || c == ')'
                    || c == '{' || c == '"' || c == '%' || c == '*' || c == ']' || c > 0x7e)) {
                throw new IllegalArgumentException("Not an IMAP keyword: '" + k + "'");
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (seen) {
            sb.append("\\Seen ");
        }
        if (answered) {
            sb.append("\\Answered ");
        }
        if (flagged) {
            sb.append("\\Flagged ");
        }
        if (draft) {
            sb.append("\\Draft ");
        }
        keywords.forEach(k -> sb.append(k).append(' '));
        return "(" + sb.toString().strip() + ")";
    }
}
