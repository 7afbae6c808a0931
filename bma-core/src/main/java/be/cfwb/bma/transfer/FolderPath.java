package be.cfwb.bma.transfer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A folder's place in a mailbox as its list of names, root first, e.g. {@code [INBOX, Projets,
 * 2024/2025]}. Never a separator-joined string: servers use {@code .} or {@code /} as the
 * hierarchy separator and a name may contain the other one, so joining would lose the
 * hierarchy. {@link #encoded()} gives an unambiguous one-line form (each name
 * percent-encoded in UTF-8, joined with {@code /}) used in trace headers, the ledger and
 * reports; {@link #toString()} is a readable form for people.
 *
 * @param segments the names, root first; none empty
 */
public record FolderPath(List<String> segments) implements Comparable<FolderPath> {

    public FolderPath {
        segments = List.copyOf(Objects.requireNonNull(segments, "segments"));
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("A folder path needs at least one name");
        }
        for (String s : segments) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("A folder name must not be empty: " + segments);
            }
        }
    }

    public static FolderPath of(String... segments) {
        return new FolderPath(Arrays.asList(segments));
    }

    /** The path of the INBOX. */
    public static FolderPath inbox() {
        return of("INBOX");
    }

    /** Parses {@link #encoded()}. */
    public static FolderPath decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            throw new IllegalArgumentException("An encoded folder path must not be empty");
        }
        List<String> parts = new ArrayList<>();
        for (String part : encoded.split("/", -1)) {
            parts.add(percentDecode(part));
        }
        return new FolderPath(parts);
    }

    /** The last name. */
    public String name() {
        return segments.get(segments.size() - 1);
    }

    public int depth() {
        return segments.size();
    }

    public FolderPath child(String name) {
        List<String> s = new ArrayList<>(segments);
        s.add(name);
        return new FolderPath(s);
    }

    /** The names after the first {@code n} (possibly none). */
    public List<String> tail(int n) {
        return segments.subList(Math.min(n, segments.size()), segments.size());
    }

    public boolean isInbox() {
        return segments.size() == 1 && segments.get(0).equalsIgnoreCase("INBOX");
    }

    /** Unambiguous: each name percent-encoded (UTF-8; letters, digits and {@code -._~ } kept), joined by {@code /}. */
    public String encoded() {
        StringBuilder sb = new StringBuilder();
        for (String s : segments) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            percentEncode(s, sb);
        }
        return sb.toString();
    }

    private static void percentEncode(String s, StringBuilder out) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
    }

    private static String percentDecode(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("Bad percent-encoding in folder path '" + s + "'");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("Bad percent-encoding in folder path '" + s + "'");
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("Non-ASCII character in encoded folder path '" + s + "'");
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public int compareTo(FolderPath o) {
        int n = Math.min(segments.size(), o.segments.size());
        for (int i = 0; i < n; i++) {
            int c = segments.get(i).compareTo(o.segments.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(segments.size(), o.segments.size());
    }

    /** Readable, e.g. {@code INBOX › Projets › 2024/2025}; use {@link #encoded()} where it must parse back. */
    @Override
    public String toString() {
        return String.join(" › ", segments);
    }
}
