package be.cfwb.bma;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What a page for people must not show: English interface words, raw ISO instants. */
public final class FrenchPages {

    /** Words of the toolkit's English vocabulary (steps, charts, summaries, constraints, anomalies). */
    public static final List<String> ENGLISH = List.of("pending", "provisioned", "sent", "pre-staged", "prestaged",
            "cut over", "final delta", "verified", "missing", "nothing yet", "mailbox", "mailboxes", "days", "peak",
            "capacity", "available", "mean", "announced", "fixed", "forbidden", "same day", "group", "blackout",
            "blackouts", "holiday", "free", "server side", "not copied", "folder", "renamed", "the", "and", "with",
            "per day", "yet", "over", "could not", "Z");

    private static final Pattern ISO_INSTANT = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}");

    private FrenchPages() {
    }

    /**
     * Asserts that the text people see in {@code html} (its text, titles, tooltips and labels;
     * not the markup, styles or class names) holds no word of {@link #ENGLISH} and no ISO instant.
     *
     * @param names text that comes from the data (school names), removed first
     */
    public static void assertFrenchOnly(String html, List<String> names) {
        // A plan lists "address - name": the name is data, not interface.
        String visible = html.replaceAll("(?s)<style>.*?</style>", " ")
                .replaceAll("(@adm\\.cfwb\\.be) - [^<]*?(?= ; |<)", "$1");
        StringBuilder labels = new StringBuilder();
        Matcher aria = Pattern.compile("aria-label=\"([^\"]*)\"").matcher(visible);
        while (aria.find()) {
            labels.append(' ').append(aria.group(1));
        }
        visible = visible.replaceAll("<[^>]*>", " ") + labels;
        for (String name : names) {
            visible = visible.replace(name, " ");
        }
        assertThat(ISO_INSTANT.matcher(visible).find()).as("a raw ISO instant in the page").isFalse();
        for (String word : ENGLISH) {
            Matcher m = Pattern.compile("(?i)(?<![\\p{L}\\d@.-])" + Pattern.quote(word) + "(?![\\p{L}\\d-])").matcher(visible);
            if (word.equals("Z")) {
                m = Pattern.compile("\\d\\dZ\\b").matcher(visible);
            }
            if (m.find()) {
                int from = Math.max(0, m.start() - 60);
                throw new AssertionError("English '" + word + "' in the page: ..."
                        + visible.substring(from, Math.min(visible.length(), m.end() + 60)).replaceAll("\\s+", " ") + "...");
            }
        }
    }
}
