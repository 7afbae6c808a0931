package be.cfwb.bma.notify;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.internal.Html;
import be.cfwb.bma.notify.internal.Template;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The templates of the four mails: for each, a subject ({@code mailN.subject.txt}), a plain
 * text body ({@code mailN.txt}) and an HTML body ({@code mailN.html}), UTF-8. The French
 * templates ship in the jar; ops override any of them by putting a file of the same name in
 * their template directory.
 *
 * <p>Everything is checked on {@link #load}: syntax, that every placeholder is a known
 * {@link Placeholder} allowed in that mail, that mail 2 shows the password in both bodies and
 * that no subject does. {@link #requireValues} then checks, before anything is sent, that
 * every placeholder used has a value. Immutable and thread-safe.
 */
public final class TemplateSet {

    /** Where the built-in templates live in the jar. */
    public static final String BUILT_IN = "/be/cfwb/bma/notify/templates/";

    /** The three parts of one mail. */
    public enum Part {
        SUBJECT(".subject.txt"), TEXT(".txt"), HTML(".html");

        private final String suffix;

        Part(String suffix) {
            this.suffix = suffix;
        }

        /** The file name of this part for {@code kind}, e.g. {@code mail2.html}. */
        public String fileName(NotificationKind kind) {
            return kind.templateName() + suffix;
        }
    }

    /** The subject and both bodies of one rendered mail. */
    public record Rendered(String subject, String text, String html) {
        @Override
        public String toString() {
            return "Rendered[subject=" + subject + "]";
        }
    }

    private final Map<NotificationKind, Map<Part, Template>> templates;
    private final Optional<Path> directory;

    private TemplateSet(Map<NotificationKind, Map<Part, Template>> templates, Optional<Path> directory) {
        this.templates = templates;
        this.directory = directory;
    }

    /** The built-in French templates. */
    public static TemplateSet builtIn() {
        return load(Optional.empty());
    }

    /**
     * The built-in templates, each replaced by the file of the same name in {@code directory}
     * when there is one.
     *
     * @throws BmaException {@code INVALID_TEMPLATE} naming the template and what is wrong
     */
    public static TemplateSet load(Optional<Path> directory) {
        directory.ifPresent(TemplateSet::checkDirectory);
        Map<NotificationKind, Map<Part, Template>> all = new EnumMap<>(NotificationKind.class);
        for (NotificationKind kind : NotificationKind.values()) {
            Map<Part, Template> parts = new EnumMap<>(Part.class);
            for (Part part : Part.values()) {
                Template template = read(kind, part, directory);
                check(kind, part, template);
                parts.put(part, template);
            }
            all.put(kind, parts);
        }
        return new TemplateSet(all, directory);
    }

    private static void checkDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new BmaException(BmaErrorCode.INVALID_TEMPLATE,
                    "Template directory " + directory + " does not exist or is not a directory");
        }
        List<String> expected = new ArrayList<>();
        for (NotificationKind kind : NotificationKind.values()) {
            for (Part part : Part.values()) {
                expected.add(part.fileName(kind));
            }
        }
        // A misspelt override would silently leave the built-in text in place.
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.startsWith("mail") && !expected.contains(name)) {
                    throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template file " + file
                            + " is not one of the template names " + expected + "; rename or remove it");
                }
            }
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template directory " + directory
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Template read(NotificationKind kind, Part part, Optional<Path> directory) {
        String fileName = part.fileName(kind);
        Optional<Path> override = directory.map(d -> d.resolve(fileName)).filter(Files::isRegularFile);
        String label = override.map(Path::toString).orElse(fileName + " (built-in)");
        byte[] bytes;
        try {
            if (override.isPresent()) {
                bytes = Files.readAllBytes(override.get());
            } else {
                try (InputStream in = TemplateSet.class.getResourceAsStream(BUILT_IN + fileName)) {
                    if (in == null) {
                        throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Built-in template " + fileName
                                + " is missing from the jar; the build is broken");
                    }
                    bytes = in.readAllBytes();
                }
            }
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + label + " cannot be read: " + e.getMessage(), e);
        }
        String source;
        try {
            source = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + label + " is not valid UTF-8");
        }
        if (source.startsWith("\uFEFF")) {
            source = source.substring(1);
        }
        if (part == Part.SUBJECT) {
            source = source.strip();
            if (source.isEmpty() || source.contains("\n")) {
                throw new BmaException(BmaErrorCode.INVALID_TEMPLATE,
                        "Template " + label + " must hold the subject on exactly one non-empty line");
            }
        }
        return Template.parse(label, source);
    }

    private static void check(NotificationKind kind, Part part, Template template) {
        for (String key : template.placeholders()) {
            Placeholder p = Placeholder.ofKey(key).orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_TEMPLATE,
                    "Template " + template.name() + ", line " + template.lineOf(key) + ": unknown placeholder {{" + key
                            + "}}; known placeholders: "
                            + Stream.of(Placeholder.values()).map(Placeholder::key).toList()));
            if (!p.allowedIn(kind)) {
                throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + template.name() + ", line "
                        + template.lineOf(key) + ": the placeholder {{" + key + "}} is one only mail 2 may use");
            }
            if (p == Placeholder.PASSWORD && part == Part.SUBJECT) {
                throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + template.name()
                        + " puts {{password}} in the subject; subjects are shown in lists and logs, keep it in the body");
            }
        }
        if (kind.carriesPassword() && part != Part.SUBJECT
                && !template.placeholders().contains(Placeholder.PASSWORD.key())) {
            throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + template.name()
                    + " lacks the placeholder {{password}}: mail 2 exists to hand over the new password");
        }
    }

    /**
     * Checks that every placeholder the templates use is among {@code available}.
     *
     * @throws BmaException {@code INVALID_TEMPLATE} naming the first template and placeholder without a value
     */
    public void requireValues(Set<Placeholder> available) {
        for (Map.Entry<NotificationKind, Map<Part, Template>> byKind : templates.entrySet()) {
            for (Template template : byKind.getValue().values()) {
                for (String key : template.placeholders()) {
                    Placeholder p = Placeholder.ofKey(key).orElseThrow();
                    if (!available.contains(p)) {
                        throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + template.name()
                                + " uses the placeholder {{" + key + "}} but no value is configured for it"
                                + hint(p));
                    }
                }
            }
        }
    }

    private static String hint(Placeholder p) {
        return switch (p) {
            case INTERFACE_URL -> " (set bma.notify.interfaceUrl)";
            case TUTORIAL1_URL -> " (set bma.notify.tutorial1Url)";
            case TUTORIAL2_URL -> " (set bma.notify.tutorial2Url)";
            default -> "";
        };
    }

    /** The placeholders {@code kind}'s templates use, subject and bodies together. */
    public Set<Placeholder> placeholders(NotificationKind kind) {
        Set<Placeholder> used = EnumSet.noneOf(Placeholder.class);
        templates.get(kind).values().forEach(t -> t.placeholders().forEach(k -> used.add(Placeholder.ofKey(k).orElseThrow())));
        return used;
    }

    /**
     * Renders {@code kind} with {@code values}: raw in the subject (line breaks flattened) and
     * the text body, HTML-escaped in the HTML body.
     *
     * @throws BmaException {@code INVALID_TEMPLATE} if {@code values} has no value for a placeholder used
     */
    public Rendered render(NotificationKind kind, Function<Placeholder, String> values) {
        Objects.requireNonNull(values, "values");
        Map<Part, Template> parts = templates.get(kind);
        String subject = parts.get(Part.SUBJECT).render(k -> value(parts.get(Part.SUBJECT), k, values)
                .replaceAll("[\\r\\n\\t]+", " "));
        String text = parts.get(Part.TEXT).render(k -> value(parts.get(Part.TEXT), k, values));
        String html = parts.get(Part.HTML).render(k -> Html.escape(value(parts.get(Part.HTML), k, values)));
        return new Rendered(subject, text, html);
    }

    private static String value(Template template, String key, Function<Placeholder, String> values) {
        Placeholder p = Placeholder.ofKey(key).orElseThrow();
        String value = values.apply(p);
        if (value == null) {
            throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + template.name()
                    + " uses the placeholder {{" + key + "}} but no value is configured for it" + hint(p));
        }
        return value;
    }

    /** The override directory, if any. */
    public Optional<Path> directory() {
        return directory;
    }

    @Override
    public String toString() {
        return "TemplateSet[" + directory.map(d -> "overrides from " + d).orElse("built-in") + "]";
    }
}
