package be.cfwb.bma.notify;

import be.cfwb.bma.retry.Sleeper;
import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.config.BmaSettingsReader;
import be.cfwb.bma.credentials.CredentialIssuer;
import be.cfwb.bma.credentials.PasswordGenerator;
import be.cfwb.bma.calendar.PlanningSettings;

import java.nio.file.Files;
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

    /** How notification mails leave ({@value BmaProperties#NOTIFY_TRANSPORT}). */
    public enum Transport {
        /** SMTP submission, {@code bma.smtp.*} (the default). */
        SMTP,
        /** Microsoft Graph sendMail, with the Graph app ({@code bma.graph.*}). */
        GRAPH
    }

    /**
     * The transport {@value BmaProperties#NOTIFY_TRANSPORT} names, {@link Transport#SMTP} when unset.
     *
     * @throws BmaException if it says anything else: a misspelt transport must not silently mean SMTP
     */
    public static Transport transport(BmaSettingsReader properties) {
        return properties.choice(BmaProperties.NOTIFY_TRANSPORT, Transport.SMTP);
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
    public static boolean changePasswordAtFirstSignIn(BmaSettingsReader properties) {
        return properties.bool(BmaProperties.PASSWORD_CHANGE_AT_FIRST_SIGN_IN).orElse(false);
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
         * Applies the {@code bma.notify.*} keys {@code properties} has (templates, links, rate,
         * sender identities; see {@link BmaProperties}) and {@code bma.password.changeAtFirstSignIn};
         * other keys are ignored. A refusal names the key and its value (none of these is a secret).
         */
        public Builder read(BmaSettingsReader properties) {
            changePasswordAtFirstSignIn(NotificationSettings.changePasswordAtFirstSignIn(properties));
            properties.path(BmaProperties.NOTIFY_TEMPLATES).ifPresent(d -> {
                // Checked here, not when the templates are read, so that the message names the key.
                if (!Files.isDirectory(d)) {
                    throw new BmaException(BmaErrorCode.INVALID_TEMPLATE, BmaProperties.NOTIFY_TEMPLATES + " '" + d
                            + "' is not a directory; point it at the directory holding the mailN.* template files");
                }
                templateDirectory(d);
            });
            Optional<String> url = properties.string(BmaProperties.NOTIFY_INTERFACE_URL);
            Optional<String> t1 = properties.string(BmaProperties.NOTIFY_TUTORIAL1_URL);
            Optional<String> t2 = properties.string(BmaProperties.NOTIFY_TUTORIAL2_URL);
            if (url.isPresent() || t1.isPresent() || t2.isPresent()) {
                links(NotificationLinks.of(url.orElse(links.newInterface().toString()),
                        t1.orElse(links.tutorial1().map(Object::toString).orElse("")),
                        t2.orElse(links.tutorial2().map(Object::toString).orElse(""))));
            }
            properties.parsed(BmaProperties.NOTIFY_RATE, RateLimit::parse).ifPresent(this::rateLimit);
            sender(properties, SenderRole.SGNE, BmaProperties.NOTIFY_SGNE_NAME, BmaProperties.NOTIFY_SGNE_ADDRESS,
                    BmaProperties.NOTIFY_SGNE_REPLY_TO);
            sender(properties, SenderRole.ETNIC, BmaProperties.NOTIFY_ETNIC_NAME, BmaProperties.NOTIFY_ETNIC_ADDRESS,
                    BmaProperties.NOTIFY_ETNIC_REPLY_TO);
            return this;
        }

        private void sender(BmaSettingsReader properties, SenderRole role, String nameKey, String addressKey,
                            String replyToKey) {
            SenderIdentity current = senders.get(role);
            // Each value checked on its own first, so that a refusal names the key it came from.
            properties.parsed(addressKey, a -> SenderIdentity.of(current.displayName(), a));
            properties.parsed(replyToKey, current::withReplyTo);
            senders.put(role, new SenderIdentity(properties.string(nameKey).orElse(current.displayName()),
                    properties.string(addressKey).orElse(current.address()),
                    properties.string(replyToKey).or(current::replyTo)));
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
