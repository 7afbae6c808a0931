package be.cfwb.bma.notify;

import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.PasswordGenerator;
import be.cfwb.bma.calendar.PlanningSettings;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a notification run needs besides the inventory and the ledger: templates,
 * senders, links, the {@link Notifier}, the {@link CredentialIssuer} for mail 2, rate limits
 * and, until the planner provides it, the {@link NotificationSchedule}. Built with
 * {@link #builder()}; immutable once built. Templates are loaded and checked by
 * {@link Builder#build()}, so a bad template fails at configuration time.
 */
public final class NotificationSettings {

    /**
     * Whether {@value BmaProperties#NOTIFY_TRANSPORT} says {@code graph} (sendMail) rather than
     * {@code smtp}, the default.
     *
     * @throws BmaException if it says anything else: a misspelt transport must not silently mean SMTP
     */
    public static boolean graphTransport(Map<String, String> properties) {
        String transport = properties.getOrDefault(BmaProperties.NOTIFY_TRANSPORT, "smtp").strip();
        if (transport.isEmpty() || transport.equalsIgnoreCase("smtp")) {
            return false;
        }
        if (transport.equalsIgnoreCase("graph")) {
            return true;
        }
        throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                BmaProperties.NOTIFY_TRANSPORT + " '" + transport + "' is unknown; use smtp or graph");
    }

    private final TemplateSet templates;
    private final Map<SenderRole, SenderIdentity> senders;
    private final NotificationLinks links;
    private final Optional<Notifier> notifier;
    private final Optional<CredentialIssuer> credentialIssuer;
    private final PasswordGenerator passwordGenerator;
    private final Map<SenderRole, RateLimit> rateLimits;
    private final Sleeper sleeper;
    private final Optional<NotificationSchedule> schedule;
    private final ZoneId zone;
    private final NotifyListener listener;
    private final boolean changePasswordAtFirstSignIn;

    private NotificationSettings(Builder b) {
        this.templates = TemplateSet.load(b.templateDirectory);
        this.senders = Collections.unmodifiableMap(new EnumMap<>(b.senders));
        this.links = b.links;
        this.notifier = Optional.ofNullable(b.notifier);
        this.credentialIssuer = Optional.ofNullable(b.credentialIssuer);
        this.passwordGenerator = b.passwordGenerator;
        this.rateLimits = Collections.unmodifiableMap(new EnumMap<>(b.rateLimits));
        this.sleeper = b.sleeper;
        this.schedule = Optional.ofNullable(b.schedule);
        this.zone = b.zone;
        this.listener = b.listener;
        this.changePasswordAtFirstSignIn = b.changePasswordAtFirstSignIn;
    }

    /**
     * {@code bma.password.changeAtFirstSignIn}, {@code false} unless set to {@code true}.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} if it is neither true nor false
     */
    public static boolean changePasswordAtFirstSignIn(Map<String, String> properties) {
        String v = properties.getOrDefault(BmaProperties.PASSWORD_CHANGE_AT_FIRST_SIGN_IN, "").strip();
        if (v.isEmpty() || v.equalsIgnoreCase("false")) {
            return false;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.PASSWORD_CHANGE_AT_FIRST_SIGN_IN
                + " '" + v + "' must be true or false");
    }

    public static Builder builder() {
        return new Builder();
    }

    public TemplateSet templates() {
        return templates;
    }

    public SenderIdentity sender(SenderRole role) {
        return senders.get(role);
    }

    public NotificationLinks links() {
        return links;
    }

    /** The notifier; absent only for dry runs. */
    public Optional<Notifier> notifier() {
        return notifier;
    }

    /** The credential issuer; without it mail 2 cannot be sent (a dry run does not need it). */
    public Optional<CredentialIssuer> credentialIssuer() {
        return credentialIssuer;
    }

    public PasswordGenerator passwordGenerator() {
        return passwordGenerator;
    }

    public RateLimit rateLimit(SenderRole role) {
        return rateLimits.get(role);
    }

    public Sleeper sleeper() {
        return sleeper;
    }

    /** An explicit schedule; when absent, {@code Bma} reads the plan. */
    public Optional<NotificationSchedule> schedule() {
        return schedule;
    }

    public ZoneId zone() {
        return zone;
    }

    public NotifyListener listener() {
        return listener;
    }

    /**
     * Whether the mail-2 password must be changed at the first sign-in; mails 2 and 3 say what
     * this setting makes true. {@code false} by default: circular n°9358 does not ask it, and
     * a BMA is shared by several people at a school, whom the first change would lock out. The
     * credential issuer must be set up the same way ({@code GraphCredentialIssuer}).
     */
    public boolean changePasswordAtFirstSignIn() {
        return changePasswordAtFirstSignIn;
    }

    @Override
    public String toString() {
        return "NotificationSettings[" + templates + ", senders=" + senders + ", notifier="
                + notifier.map(Notifier::description).orElse("none") + ", credentials="
                + credentialIssuer.map(CredentialIssuer::description).orElse("none") + ", rates=" + rateLimits + "]";
    }

    /** Fluent builder; each setter checks its value at once. */
    public static final class Builder {
        private Optional<Path> templateDirectory = Optional.empty();
        private final Map<SenderRole, SenderIdentity> senders = new EnumMap<>(SenderRole.class);
        private NotificationLinks links = NotificationLinks.DEFAULT;
        private Notifier notifier;
        private CredentialIssuer credentialIssuer;
        private PasswordGenerator passwordGenerator = PasswordGenerator.create();
        private final Map<SenderRole, RateLimit> rateLimits = new EnumMap<>(SenderRole.class);
        private Sleeper sleeper = Sleeper.system();
        private NotificationSchedule schedule;
        private ZoneId zone = PlanningSettings.ZONE;
        private NotifyListener listener = NotifyListener.NONE;
        private boolean changePasswordAtFirstSignIn;

        private Builder() {
            for (SenderRole role : SenderRole.values()) {
                senders.put(role, SenderIdentity.defaultFor(role));
                rateLimits.put(role, RateLimit.EXCHANGE_ONLINE);
            }
        }

        /** A directory whose {@code mailN.*} files replace the built-in templates of the same name. */
        public Builder templateDirectory(Path directory) {
            this.templateDirectory = Optional.of(Objects.requireNonNull(directory, "template directory"));
            return this;
        }

        public Builder sender(SenderRole role, SenderIdentity identity) {
            senders.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(identity, "identity"));
            return this;
        }

        public Builder links(NotificationLinks links) {
            this.links = Objects.requireNonNull(links, "links");
            return this;
        }

        public Builder notifier(Notifier notifier) {
            this.notifier = Objects.requireNonNull(notifier, "notifier");
            return this;
        }

        public Builder credentialIssuer(CredentialIssuer issuer) {
            this.credentialIssuer = Objects.requireNonNull(issuer, "credential issuer");
            return this;
        }

        public Builder passwordGenerator(PasswordGenerator generator) {
            this.passwordGenerator = Objects.requireNonNull(generator, "password generator");
            return this;
        }

        /** The same rate limit for every sender. */
        public Builder rateLimit(RateLimit limit) {
            Objects.requireNonNull(limit, "rate limit");
            for (SenderRole role : SenderRole.values()) {
                rateLimits.put(role, limit);
            }
            return this;
        }

        public Builder rateLimit(SenderRole role, RateLimit limit) {
            rateLimits.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(limit, "rate limit"));
            return this;
        }

        /** How the run waits between mails; tests pass time instead of sleeping. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The dates to use instead of the plan's. */
        public Builder schedule(NotificationSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        public Builder listener(NotifyListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Whether the mail-2 password must be changed at the first sign-in (default false). */
        public Builder changePasswordAtFirstSignIn(boolean change) {
            this.changePasswordAtFirstSignIn = change;
            return this;
        }

        /**
         * Applies the {@code bma.notify.*} keys found in {@code properties} (templates, links,
         * rate, sender identities; see {@link BmaProperties}) and
         * {@code bma.password.changeAtFirstSignIn}; other keys are ignored.
         */
        public Builder properties(Map<String, String> properties) {
            changePasswordAtFirstSignIn(NotificationSettings.changePasswordAtFirstSignIn(properties));
            value(properties, BmaProperties.NOTIFY_TEMPLATES).ifPresent(d -> {
                // Checked here, not when the templates are read, so that the message names the key.
                if (!java.nio.file.Files.isDirectory(Path.of(d))) {
                    throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, BmaProperties.NOTIFY_TEMPLATES + " '" + d
                            + "' is not a directory; point it at the directory holding the mailN.* template files");
                }
                templateDirectory(Path.of(d));
            });
            Optional<String> url = value(properties, BmaProperties.NOTIFY_INTERFACE_URL);
            Optional<String> t1 = value(properties, BmaProperties.NOTIFY_TUTORIAL1_URL);
            Optional<String> t2 = value(properties, BmaProperties.NOTIFY_TUTORIAL2_URL);
            if (url.isPresent() || t1.isPresent() || t2.isPresent()) {
                links(NotificationLinks.of(url.orElse(links.newInterface().toString()),
                        t1.orElse(links.tutorial1().map(Object::toString).orElse("")),
                        t2.orElse(links.tutorial2().map(Object::toString).orElse(""))));
            }
            value(properties, BmaProperties.NOTIFY_RATE).ifPresent(r -> named(BmaProperties.NOTIFY_RATE, r,
                    () -> rateLimit(RateLimit.parse(r))));
            sender(properties, SenderRole.SGNE, BmaProperties.NOTIFY_SGNE_NAME, BmaProperties.NOTIFY_SGNE_ADDRESS,
                    BmaProperties.NOTIFY_SGNE_REPLY_TO);
            sender(properties, SenderRole.ETNIC, BmaProperties.NOTIFY_ETNIC_NAME, BmaProperties.NOTIFY_ETNIC_ADDRESS,
                    BmaProperties.NOTIFY_ETNIC_REPLY_TO);
            return this;
        }

        private void sender(Map<String, String> properties, SenderRole role, String nameKey, String addressKey,
                            String replyToKey) {
            SenderIdentity current = senders.get(role);
            Optional<String> name = value(properties, nameKey);
            Optional<String> address = value(properties, addressKey);
            Optional<String> replyTo = value(properties, replyToKey);
            // Each value checked on its own first, so that a refusal names the key it came from.
            address.ifPresent(a -> named(addressKey, a, () -> SenderIdentity.of(current.displayName(), a)));
            replyTo.ifPresent(r -> named(replyToKey, r, () -> current.withReplyTo(r)));
            senders.put(role, new SenderIdentity(name.orElse(current.displayName()), address.orElse(current.address()),
                    replyTo.or(current::replyTo)));
        }

        /** Runs {@code check}; a refusal names {@code key} and its value (none of these is a secret). */
        private static void named(String key, String value, Runnable check) {
            try {
                check.run();
            } catch (BmaException e) {
                if (e.getMessage().contains(key)) {
                    throw e;
                }
                throw new BmaException(e.code(), key + " '" + value + "': " + e.getMessage(), e);
            }
        }

        private static Optional<String> value(Map<String, String> properties, String key) {
            return Optional.ofNullable(properties.get(key)).map(String::strip).filter(v -> !v.isEmpty());
        }

        /**
         * Loads and checks the templates and gives the settings.
         *
         * @throws BmaException {@code INVALID_TEMPLATE} for a bad template
         */
        public NotificationSettings build() {
            if (senders.size() != SenderRole.values().length) {
                throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Every sender role needs an identity");
            }
            return new NotificationSettings(this);
        }
    }
}
