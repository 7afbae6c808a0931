package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides where each source folder goes. Two modes ({@code bma.folderMapping}):
 * <ul>
 * <li>{@code exchange} (default): the special folders go to the target's well-known ones —
 * recognised by SPECIAL-USE when the source offers it, else by their usual names in French,
 * Dutch, English and German ({@code Envoyés}, {@code Éléments envoyés}, {@code Verzonden
 * items}, {@code Gesendete Elemente}, {@code Corbeille}, {@code Brouillons}, {@code Spam}...),
 * at the top or directly under INBOX; their sub-folders follow them. Names the target reserves
 * ({@code Files} at the top of an Exchange mailbox) are renamed. Every other folder keeps
 * its name and place.</li>
 * <li>{@code preserve}: every folder keeps its name and place (IMAP to IMAP, tests).</li>
 * </ul>
 * In both modes, ops rules ({@link #withRule}) come first, and a character the target cannot
 * have in a name (its hierarchy separator, e.g. {@code /} in {@code 2023/2024} on a
 * {@code /} server) is replaced by a look-alike. Every such change is reported as a note.
 * Immutable.
 */
public final class FolderMapper {

    /** How folders are mapped. */
    public enum Mode {
        EXCHANGE, PRESERVE;

        /** {@code exchange} or {@code preserve}, any case. */
        public static Mode parse(String text) {
            if (text != null) {
                for (Mode m : values()) {
                    if (m.name().equalsIgnoreCase(text.strip())) {
                        return m;
                    }
                }
            }
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "bma.folderMapping '" + text + "' is unknown; use 'exchange' (the default) or 'preserve'");
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Top-level names Exchange reserves. */
    private static final Set<String> EXCHANGE_RESERVED = Set.of("files");
    private static final String RENAMED_SUFFIX = " (migrated)";

    private static final Map<String, SpecialUse> NAMES = names();

    private final Mode mode;
    private final Map<FolderPath, TargetFolder> rules;

    private FolderMapper(Mode mode, Map<FolderPath, TargetFolder> rules) {
        this.mode = mode;
        this.rules = Collections.unmodifiableMap(new TreeMap<>(rules));
    }

    public static FolderMapper of(Mode mode) {
        return new FolderMapper(mode, Map.of());
    }

    public static FolderMapper exchange() {
        return of(Mode.EXCHANGE);
    }

    public static FolderMapper preserve() {
        return of(Mode.PRESERVE);
    }

    public Mode mode() {
        return mode;
    }

    /**
     * A mapper that also sends {@code source} and its sub-folders to {@code target} (and
     * sub-folders beneath it); the rule of the longest matching source path wins.
     */
    public FolderMapper withRule(FolderPath source, TargetFolder target) {
        Map<FolderPath, TargetFolder> copy = new HashMap<>(rules);
        copy.put(source, target);
        return new FolderMapper(mode, copy);
    }

    /** The special use a folder name usually denotes, in FR/NL/EN/DE (case and accents ignored). */
    public static Optional<SpecialUse> specialUseByName(String name) {
        return Optional.ofNullable(NAMES.get(normalize(name)));
    }

    /**
     * Maps every folder of a mailbox.
     *
     * @param folders               the source folders, parents before children
     * @param reservedNameCharacter what the target cannot have in a name
     *                              ({@link MailboxTarget#reservedNameCharacter()})
     */
    public List<FolderMapping> map(List<SourceFolder> folders, Optional<Character> reservedNameCharacter) {
        return map(folders, reservedNameCharacter, Optional.empty());
    }

    /**
     * Maps every folder of a mailbox whose server keeps the user's folders under
     * {@code personalNamespace} (Courier-style {@code INBOX.}): in {@code exchange} mode those
     * folders go where the user saw them, at the top of the new mailbox, not under its Inbox.
     * {@code preserve} mode keeps the hierarchy as it is.
     */
    public List<FolderMapping> map(List<SourceFolder> folders, Optional<Character> reservedNameCharacter,
                                   Optional<FolderPath> personalNamespace) {
        Map<FolderPath, SpecialUse> declared = new HashMap<>();
        for (SourceFolder f : folders) {
            f.specialUse().ifPresent(u -> declared.put(f.path(), u));
        }
        boolean sourceDeclares = !declared.isEmpty();
        List<FolderMapping> result = new ArrayList<>();
        Map<TargetFolder, FolderPath> seen = new LinkedHashMap<>();
        Map<String, FolderPath> seenIgnoringCase = new HashMap<>();
        for (SourceFolder folder : folders) {
            List<String> notes = new ArrayList<>();
            TargetFolder target = mapOne(visible(folder.path(), personalNamespace), declared, sourceDeclares, notes);
            target = replaceReserved(target, reservedNameCharacter, notes);
            FolderPath earlier = seen.putIfAbsent(target, folder.path());
            // Exchange (and many IMAP servers) compare folder names ignoring case: such names
            // end up in one folder, which ops must be told about.
            FolderPath earlierIgnoringCase = seenIgnoringCase.putIfAbsent(
                    target.toString().toLowerCase(Locale.ROOT), folder.path());
            if (earlier != null) {
                notes.add("merged into " + target + " with source folder " + earlier);
            } else if (earlierIgnoringCase != null) {
                notes.add("differs only by case from source folder " + earlierIgnoringCase
                        + "; a target that ignores case in names (Exchange) merges them into one folder");
            }
            result.add(new FolderMapping(folder, target, notes));
        }
        return List.copyOf(result);
    }

    /** The path as the user saw it: without the personal namespace prefix, in {@code exchange} mode. */
    private FolderPath visible(FolderPath path, Optional<FolderPath> personalNamespace) {
        if (mode == Mode.PRESERVE || personalNamespace.isEmpty() || path.isInbox()) {
            return path;
        }
        List<String> prefix = personalNamespace.get().segments();
        List<String> segments = path.segments();
        if (segments.size() > prefix.size() && segments.subList(0, prefix.size()).equals(prefix)) {
            return new FolderPath(segments.subList(prefix.size(), segments.size()));
        }
        return path;
    }

    private TargetFolder mapOne(FolderPath path, Map<FolderPath, SpecialUse> declared, boolean sourceDeclares,
                                List<String> notes) {
        for (int n = path.depth(); n >= 1; n--) {
            TargetFolder rule = rules.get(new FolderPath(path.segments().subList(0, n)));
            if (rule != null) {
                List<String> relative = new ArrayList<>(rule.relative());
                relative.addAll(path.tail(n));
                notes.add("mapped by rule to " + rule);
                return new TargetFolder(rule.base(), relative);
            }
        }
        if (mode == Mode.PRESERVE) {
            if (path.segments().get(0).equalsIgnoreCase("INBOX")) {
                return TargetFolder.under(SpecialUse.INBOX, path.tail(1));
            }
            return TargetFolder.of(path);
        }
        boolean underInbox = path.segments().get(0).equalsIgnoreCase("INBOX");
        if (underInbox && path.depth() >= 2) {
            Optional<SpecialUse> special = special(new FolderPath(path.segments().subList(0, 2)), declared, sourceDeclares);
            if (special.isPresent() && special.get() != SpecialUse.INBOX) {
                return TargetFolder.under(special.get(), path.tail(2));
            }
        }
        if (underInbox) {
            return TargetFolder.under(SpecialUse.INBOX, path.tail(1));
        }
        Optional<SpecialUse> special = special(new FolderPath(path.segments().subList(0, 1)), declared, sourceDeclares);
        if (special.isPresent()) {
            return TargetFolder.under(special.get(), path.tail(1));
        }
        List<String> segments = new ArrayList<>(path.segments());
        if (EXCHANGE_RESERVED.contains(segments.get(0).toLowerCase(Locale.ROOT))) {
            String renamed = segments.get(0) + RENAMED_SUFFIX;
            notes.add("'" + segments.get(0) + "' is reserved by Exchange; renamed '" + renamed + "'");
            segments.set(0, renamed);
        }
        return new TargetFolder(Optional.empty(), segments);
    }

    private static Optional<SpecialUse> special(FolderPath path, Map<FolderPath, SpecialUse> declared,
                                                boolean sourceDeclares) {
        SpecialUse d = declared.get(path);
        if (d != null) {
            return Optional.of(d);
        }
        // A server that declares special uses has told us which folders are special; a folder
        // it did not mark keeps its name (a user's own "Spam" next to the real \Junk).
        return sourceDeclares ? Optional.empty() : specialUseByName(path.name());
    }

    private static TargetFolder replaceReserved(TargetFolder target, Optional<Character> reserved, List<String> notes) {
        if (reserved.isEmpty()) {
            return target;
        }
        char c = reserved.get();
        String lookalike = c == '/' ? "\u2215" : c == '.' ? "\u2024" : c == '\\' ? "\u29F5" : "_";
        List<String> relative = new ArrayList<>();
        for (String s : target.relative()) {
            if (s.indexOf(c) >= 0) {
                String r = s.replace(String.valueOf(c), lookalike);
                notes.add("'" + s + "' contains the target's separator '" + c + "'; renamed '" + r + "'");
                relative.add(r);
            } else {
                relative.add(s);
            }
        }
        return new TargetFolder(target.base(), relative);
    }

    static String normalize(String name) {
        String d = Normalizer.normalize(name.strip(), Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return d.toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-]+", " ");
    }

    private static Map<String, SpecialUse> names() {
        Map<String, SpecialUse> m = new HashMap<>();
        for (String n : List.of("sent", "sent items", "sent messages", "sent mail", "envoyes", "elements envoyes",
                "objets envoyes", "messages envoyes", "courrier envoye", "verzonden", "verzonden items",
                "verzonden berichten", "gesendet", "gesendete elemente", "gesendete objekte", "gesendete nachrichten")) {
            m.put(normalize(n), SpecialUse.SENT);
        }
        for (String n : List.of("trash", "deleted", "deleted items", "deleted messages", "bin", "corbeille",
                "elements supprimes", "messages supprimes", "prullenbak", "verwijderde items", "verwijderde berichten",
                "papierkorb", "geloschte elemente", "geloschte objekte")) {
            m.put(normalize(n), SpecialUse.TRASH);
        }
        for (String n : List.of("drafts", "draft", "brouillons", "brouillon", "concepten", "concepts", "entwurfe")) {
            m.put(normalize(n), SpecialUse.DRAFTS);
        }
        for (String n : List.of("junk", "junk email", "junk e-mail", "junk mail", "spam", "courrier indesirable",
                "courriers indesirables", "ongewenste e-mail", "ongewenste mail", "junk-e-mail", "spamverdacht")) {
            m.put(normalize(n), SpecialUse.JUNK);
        }
        return Map.copyOf(m);
    }

    @Override
    public String toString() {
        return "FolderMapper[" + mode + (rules.isEmpty() ? "" : ", " + rules.size() + " rule(s)") + "]";
    }
}
