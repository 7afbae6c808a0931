package be.cfwb.bma.testing.dovecot;

/**
 * How a {@link DovecotServer} presents its folder tree, so that tests can face both shapes the
 * toolkit meets: a modern server, and the Courier-style legacy server whose personal folders
 * all live under {@code INBOX.}.
 */
public enum HierarchyStyle {

    /** Separator {@code /}, no prefix: {@code INBOX}, {@code Archives/2023}. A {@code .} may appear in names. */
    SLASH('/', ""),

    /** Separator {@code .}, no prefix: {@code INBOX}, {@code Archives.2023}, as GreenMail. A {@code /} may appear in names. */
    DOT('.', ""),

    /**
     * Separator {@code .}, personal namespace prefix {@code INBOX.}: {@code INBOX},
     * {@code INBOX.Archives.2023}, as Courier-IMAP shows it. A {@code /} may appear in names.
     */
    DOT_INBOX_PREFIX('.', "INBOX.");

    private final char separator;
    private final String prefix;

    HierarchyStyle(char separator, String prefix) {
        this.separator = separator;
        this.prefix = prefix;
    }

    /** The hierarchy separator the server announces in LIST replies. */
    public char separator() {
        return separator;
    }

    /** The personal namespace prefix ({@code ""} or {@code "INBOX."}). */
    public String prefix() {
        return prefix;
    }

    /**
     * The full IMAP name of a folder given by its path below the root, e.g.
     * {@code folderName("Archives", "2023")} is {@code Archives/2023} or {@code INBOX.Archives.2023}.
     * {@code folderName("INBOX")} is always {@code INBOX}.
     */
    public String folderName(String... path) {
        if (path.length == 0) {
            throw new IllegalArgumentException("a folder path needs at least one element");
        }
        if (path.length == 1 && path[0].equalsIgnoreCase("INBOX")) {
            return "INBOX";
        }
        return prefix + String.join(String.valueOf(separator), path);
    }
}
