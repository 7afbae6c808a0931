package be.cfwb.bma.notify.internal;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A parsed template: literal text and {@code {{name}}} placeholders. Parsed once, rendered
 * many times without regular expressions.
 */
public final class Template {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final String name;
    private final List<String> literals;
    private final List<String> placeholders;
    private final Map<String, Integer> firstLines;

    private Template(String name, List<String> literals, List<String> placeholders, Map<String, Integer> firstLines) {
        this.name = name;
        this.literals = literals;
        this.placeholders = placeholders;
        this.firstLines = firstLines;
    }

    /**
     * Parses {@code source}; {@code name} says where it came from, for error messages.
     *
     * @throws BmaException {@code INVALID_TEMPLATE} on an unclosed or malformed placeholder
     */
    public static Template parse(String name, String source) {
        List<String> literals = new ArrayList<>();
        List<String> placeholders = new ArrayList<>();
        Map<String, Integer> firstLines = new HashMap<>();
        int pos = 0;
        while (true) {
            int open = source.indexOf("{{", pos);
            if (open < 0) {
                literals.add(source.substring(pos));
                break;
            }
            int close = source.indexOf("}}", open + 2);
            if (close < 0) {
                throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + name + ", line "
                        + line(source, open) + ": '{{' is never closed by '}}'");
            }
            String placeholder = source.substring(open + 2, close).strip();
            if (!NAME.matcher(placeholder).matches()) {
                throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, "Template " + name + ", line "
                        + line(source, open) + ": '{{" + source.substring(open + 2, close)
                        + "}}' is not a placeholder name (lower-case letters, digits and '_')");
            }
            literals.add(source.substring(pos, open));
            placeholders.add(placeholder);
            firstLines.putIfAbsent(placeholder, line(source, open));
            pos = close + 2;
        }
        return new Template(name, List.copyOf(literals), List.copyOf(placeholders), Map.copyOf(firstLines));
    }

    private static int line(String source, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (source.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    public String name() {
        return name;
    }

    /** The line (from 1) where {@code placeholder} is first used, 0 if it is not; for error messages. */
    public int lineOf(String placeholder) {
        return firstLines.getOrDefault(placeholder, 0);
    }

    /** The placeholders used, in order of first use. */
    public Set<String> placeholders() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(placeholders));
    }

    /** The text with each placeholder replaced by {@code values.apply(name)}, which must not return null. */
    public String render(UnaryOperator<String> values) {
        StringBuilder out = new StringBuilder(literals.stream().mapToInt(String::length).sum() + 256);
        for (int i = 0; i < placeholders.size(); i++) {
            out.append(literals.get(i)).append(values.apply(placeholders.get(i)));
        }
        out.append(literals.get(literals.size() - 1));
        return out.toString();
    }
}
