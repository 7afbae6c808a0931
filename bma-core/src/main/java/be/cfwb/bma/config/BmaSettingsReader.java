package be.cfwb.bma.config;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one reader of the {@code bma.*} keys ({@link BmaProperties}): every settings class is
 * built from it ({@code XSettings.from(reader)}), so each key is parsed one way, and a bad value
 * is refused with one message naming the key, the value and what is expected. Blank values
 * count as unset; values are stripped; keys outside {@code bma.*} are ignored. Immutable.
 *
 * <p>Secrets are not properties: {@link #SECRET_KEYS} are refused here, naming the key only,
 * and come from a {@link SecretResolver}.
 */
public final class BmaSettingsReader {

    /** Keys that name secrets: given through a {@link SecretResolver}, never as properties. */
    public static final Set<String> SECRET_KEYS = Set.of(BmaProperties.GRAPH_CLIENT_SECRET,
            BmaProperties.GRAPH_CERTIFICATE_PASSWORD);

    private static final BmaSettingsReader EMPTY = new BmaSettingsReader(Map.of());

    private final Map<String, String> values;

    private BmaSettingsReader(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * A reader of the {@code bma.*} keys of {@code properties}.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} for a secret given as a
     *                      property (the message names the key, never the value)
     */
    public static BmaSettingsReader of(Map<String, String> properties) {
        Map<String, String> values = new TreeMap<>();
        properties.forEach((key, value) -> {
            if (key == null || !key.startsWith("bma.") || value == null || value.isBlank()) {
                return;
            }
            if (SECRET_KEYS.contains(key)) {
                throw invalid(key + " is a secret and is not read from properties: give it through the secret"
                        + " resolver (settings.xml server 'bma-graph', the environment or your vault)");
            }
            values.put(key, value.strip());
        });
        return new BmaSettingsReader(values);
    }

    /** As {@link #of(Map)}, for {@link java.util.Properties} (non-string entries are ignored). */
    public static BmaSettingsReader of(Properties properties) {
        Map<String, String> map = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k instanceof String key && v instanceof String value) {
                map.put(key, value);
            }
        });
        return of(map);
    }

    /** No key set: every setting at its default. */
    public static BmaSettingsReader empty() {
        return EMPTY;
    }

    /** This reader with the keys of {@code overrides} added, replacing those it already has. */
    public BmaSettingsReader with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(of(overrides).values);
        return new BmaSettingsReader(merged);
    }

    /** The keys set, as read (stripped, blank ones left out). */
    public Map<String, String> asMap() {
        return values;
    }

    /** Whether {@code key} has a (non-blank) value. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** Whether any of {@code keys} has a value. */
    public boolean hasAny(String... keys) {
        return Arrays.stream(keys).anyMatch(this::has);
    }

    public Optional<String> string(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * The value of {@code key}, which must be set.
     *
     * @param hint what to give, e.g. "give the server as imaps://host:port"
     */
    public String required(String key, String hint) {
        return string(key).orElseThrow(() -> invalid(key + " is not set; " + hint));
    }

    /** A whole number ({@code int}). */
    public Optional<Integer> integer(String key) {
        return parsed(key, v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw invalid(key + " '" + v + "' is not a whole number");
            }
        });
    }

    /** A whole number ({@code long}). */
    public Optional<Long> longValue(String key) {
        return parsed(key, v -> {
            try {
                return Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw invalid(key + " '" + v + "' is not a whole number");
            }
        });
    }

    /** {@code true} or {@code false}, any case; anything else is refused rather than read as false. */
    public Optional<Boolean> bool(String key) {
        return parsed(key, v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key + " '" + v + "' must be true or false");
        });
    }

    /** An ISO date, {@code 2024-11-04}. */
    public Optional<LocalDate> date(String key) {
        return parsed(key, v -> {
            try {
                return LocalDate.parse(v);
            } catch (DateTimeParseException e) {
                throw invalid(key + " '" + v + "' is not a date; write it as YYYY-MM-DD, e.g. 2024-11-04");
            }
        });
    }

    /** A time of day, {@code HH:mm}. */
    public Optional<LocalTime> time(String key) {
        return parsed(key, v -> {
            try {
                return LocalTime.parse(v);
            } catch (DateTimeParseException e) {
                throw invalid(key + " '" + v + "' is not a time of day; write HH:mm, e.g. 07:30");
            }
        });
    }

    /** A whole number of minutes. */
    public Optional<Duration> minutes(String key) {
        return parsed(key, v -> {
            try {
                return Duration.ofMinutes(Long.parseLong(v));
            } catch (NumberFormatException e) {
                throw invalid(key + " '" + v + "' is not a whole number of minutes, e.g. 30");
            }
        });
    }

    /** A size in bytes: {@code 36700160}, {@code 35MB}, {@code 512 KB} (binary units), above zero. */
    public Optional<Long> size(String key) {
        return parsed(key, v -> {
            String t = v.toUpperCase(Locale.ROOT).replace(" ", "");
            long unit = 1;
            if (t.endsWith("MB") || t.endsWith("KB")) {
                unit = t.endsWith("MB") ? 1024L * 1024 : 1024L;
                t = t.substring(0, t.length() - 2);
            }
            try {
                long bytes = Math.multiplyExact(Long.parseLong(t), unit);
                if (bytes > 0) {
                    return bytes;
                }
            } catch (NumberFormatException | ArithmeticException e) {
                // refused below, with the key
            }
            throw invalid(key + " must be a size such as 36700160 or 35MB, not '" + v + "'");
        });
    }

    /** A file or directory path. */
    public Optional<Path> path(String key) {
        return parsed(key, v -> {
            try {
                return Path.of(v);
            } catch (InvalidPathException e) {
                throw invalid(key + " '" + v + "' is not a path: " + e.getReason());
            }
        });
    }

    /** The items of a list, split on {@code separator} ({@code ","} or {@code ";"}), stripped, empty ones left out. */
    public List<String> list(String key, String separator) {
        return string(key).map(v -> Arrays.stream(v.split(Pattern.quote(separator))).map(String::strip)
                .filter(s -> !s.isEmpty()).toList()).orElse(List.of());
    }

    /**
     * One of the constants of {@code type}, named in lower case ({@code oauth2} for
     * {@code OAUTH2}), any case; {@code defaultValue} when unset.
     */
    public <E extends Enum<E>> E choice(String key, E defaultValue) {
        Class<E> type = defaultValue.getDeclaringClass();
        return parsed(key, v -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(v)) {
                    return constant;
                }
            }
            List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList();
            String options = names.size() == 1 ? names.get(0) : String.join(", ", names.subList(0, names.size() - 1))
                    + " or " + names.get(names.size() - 1);
            throw invalid(key + " '" + v + "' is unknown; use " + options);
        }).orElse(defaultValue);
    }

    /**
     * The value of {@code key} through {@code parser}, if set. A {@link BmaException} of the
     * parser is given the key and the value unless it names the key already (none of the
     * non-secret keys this reads holds a secret).
     */
    public <T> Optional<T> parsed(String key, Function<String, T> parser) {
        Optional<String> value = string(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(value.get()));
        } catch (BmaException e) {
            if (e.getMessage().contains(key)) {
                throw e;
            }
            throw new BmaException(e.code(), key + " '" + value.get() + "': " + e.getMessage(), e);
        }
    }

    /**
     * Gives the value of {@code key}, read by {@code getter} (e.g. {@code reader::integer}), to
     * {@code setter}, if set; a refusal of the setter (a value out of range) is given the key and
     * the value too, as a refusal of {@link #parsed} is.
     */
    public <T> void apply(String key, Function<String, Optional<T>> getter, Consumer<? super T> setter) {
        parsed(key, v -> {
            getter.apply(key).ifPresent(setter);
            return Boolean.TRUE;
        });
    }

    /** {@code INVALID_CONFIGURATION} with {@code message}. */
    public static BmaException invalid(String message) {
        return new BmaException(BmaErrorCode.INVALID_CONFIGURATION, message);
    }

    @Override
    public String toString() {
        // Keys only: a value such as a server URL may carry a login.
        return values.keySet().stream().collect(Collectors.joining(", ", "BmaSettingsReader[", "]"));
    }
}
