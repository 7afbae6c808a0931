package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.AppendOutcome;
import be.cfwb.bma.transfer.LoginRefusedException;
import be.cfwb.bma.transfer.MailboxConnector;
import be.cfwb.bma.transfer.MailboxTarget;
import be.cfwb.bma.transfer.MessageFlags;
import be.cfwb.bma.transfer.MessageToCopy;
import be.cfwb.bma.transfer.RetryStats;
import be.cfwb.bma.transfer.SourceKey;
import be.cfwb.bma.transfer.SpoolingConnector;
import be.cfwb.bma.transfer.SpecialUse;
import be.cfwb.bma.transfer.TargetFolder;
import be.cfwb.bma.transfer.TargetMessage;
import be.cfwb.bma.transfer.TransferException;
import be.cfwb.bma.transfer.TransferSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * An Exchange Online mailbox written through Microsoft Graph: each message is created with
 * JSON and, at creation, the MAPI properties that make Outlook show it as received or sent
 * (never a draft), with its received and sent dates, read state, follow-up flag, replied or
 * forwarded state, and our source key as a named property that reruns and {@code bma:verify}
 * look up. Attachments of 3 MB or more go through upload sessions. Graph rebuilds the MIME,
 * so {@link #openCopy} gives nothing and verification compares keys, flags and dates.
 *
 * <p>What Exchange has no place for (the {@code \Draft} flag, IMAP keywords other than
 * {@code $Forwarded}) is recorded in a second named property, {@code BmaSourceFlags}.
 *
 * <p>Obtain instances with {@link #connector(GraphConnection)}; one instance serves one mailbox
 * from one thread, and all share the connection's per-mailbox limits.
 */
public final class GraphTarget implements MailboxTarget {

    private static final Logger LOG = LoggerFactory.getLogger(GraphTarget.class);

    /** The named property holding the source key, in Graph's id syntax. */
    public static final String SOURCE_KEY_PROPERTY = MapiProperties.SOURCE_KEY;

    private final GraphConnection graph;
    private final BmaAddress mailbox;
    private final FolderResolver folders;
    private final GraphMessageWriter writer;
    private final Map<String, List<GraphMessageWriter.Keyed>> pending = new HashMap<>();
    /** The connection's figures for this mailbox when this target was opened: it reports what came after. */
    private final RetryStats atOpen;

    GraphTarget(GraphConnection graph, BmaAddress mailbox) {
        this(graph, mailbox, Path.of(System.getProperty("java.io.tmpdir")));
    }

    GraphTarget(GraphConnection graph, BmaAddress mailbox, Path spool) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.mailbox = Objects.requireNonNull(mailbox, "mailbox");
        this.folders = new FolderResolver(graph, mailbox.toString());
        this.writer = new GraphMessageWriter(graph, mailbox.toString(), spool);
        this.atOpen = graph.retryStats(mailbox.toString());
    }

    /**
     * Opens a Graph target per mailbox, all sharing {@code graph} (and its per-mailbox limits). Its
     * temporary files (a large message while it is parsed, its large parts) go to the transfer's
     * spool directory ({@link TransferSettings.Builder#spoolDirectory}).
     */
    public static MailboxConnector<MailboxTarget> connector(GraphConnection graph) {
        return new Connector(Objects.requireNonNull(graph, "graph"), Path.of(System.getProperty("java.io.tmpdir")));
    }

    private record Connector(GraphConnection graph, Path spool) implements SpoolingConnector<MailboxTarget> {

        @Override
        public SpoolingConnector<MailboxTarget> spoolingIn(Path directory) {
            return new Connector(graph, Objects.requireNonNull(directory, "directory"));
        }

        @Override
        public MailboxTarget open(BmaAddress mailbox) {
            try {
                graph.authenticate();
            } catch (GraphConnection.TokenRefused e) {
                // Graph refused the app's token, and no other was to be had: every mailbox's login.
                throw new LoginRefusedException(mailbox + ": " + e.getMessage(), graph.settings().baseUrl().toString(),
                        "Graph app " + graph.settings().credentials(), true);
            } catch (BmaException e) {
                if (e.code() == BmaErrorCode.CREDENTIAL_FAILED) {
                    // The app's credentials serve every mailbox: the engine stops using them after this.
                    throw new LoginRefusedException(mailbox + ": " + e.getMessage(), graph.settings().authority(),
                            "Graph app " + graph.settings().credentials(), true);
                }
                throw TransferException.retryable(mailbox + ": " + e.getMessage(), e);
            }
            return new GraphTarget(graph, mailbox, spool);
        }
    }

    /**
     * Points a transfer at Exchange through Graph: this target for every mailbox, and the
     * tenant's message size limit as the transfer's limit (larger messages are reported, not sent).
     */
    public static TransferSettings.Builder configure(TransferSettings.Builder transfer, GraphConnection graph) {
        // One folder at a time per mailbox: Graph's own limits per mailbox (4 concurrent requests,
        // 150 MB per 5 minutes, kept by the connection's budget) bound the copy, not round trips;
        // more connections would only share that budget and meet more 429s.
        return transfer.target(connector(graph)).probe(new GraphTraceProbe(graph))
                .maxMessageSize(graph.settings().maxMessageSize()).connectionsPerMailbox(1);
    }

    /** The Graph folder for a transfer target folder: well-known bases by their Graph names. */
    public static FolderSpec folderSpec(TargetFolder folder) {
        Optional<String> base = folder.base().map(GraphTarget::wellKnown);
        return new FolderSpec(base, folder.relative());
    }

    static String wellKnown(SpecialUse use) {
        return switch (use) {
            case INBOX -> "inbox";
            case SENT -> "sentitems";
            case DRAFTS -> "drafts";
            case TRASH -> "deleteditems";
            case JUNK -> "junkemail";
        };
    }

    @Override
    public BmaAddress mailbox() {
        return mailbox;
    }

    /** Exchange takes any character in a folder's display name; the hierarchy is by id. */
    @Override
    public Optional<Character> reservedNameCharacter() {
        return Optional.empty();
    }

    @Override
    public void ensureFolder(TargetFolder folder) {
        translated(() -> folders.ensure(folderSpec(folder)));
    }

    @Override
    public List<TargetMessage> messages(TargetFolder folder) {
        return translated(() -> {
            Optional<String> id = folders.find(folderSpec(folder));
            if (id.isEmpty()) {
                return List.of();
            }
            List<GraphMessageWriter.Keyed> found = writer.list(id.get());
            // Incomplete copies of an interrupted run are removed before the next copy into the
            // folder, not here: verification lists too, and it must change nothing.
            List<GraphMessageWriter.Keyed> pending = found.stream()
                    .filter(k -> k.sourceKey().startsWith(GraphMessageWriter.PENDING)).toList();
            if (!pending.isEmpty()) {
                this.pending.put(id.get(), pending);
            }
            List<TargetMessage> out = new ArrayList<>();
            for (GraphMessageWriter.Keyed k : found) {
                Optional<SourceKey> key = SourceKey.parse(k.sourceKey());
                if (key.isEmpty()) {
                    continue;
                }
                out.add(new TargetMessage(key.get(), k.id(), flags(k), k.received(),
                        k.internetMessageId()));
            }
            return out;
        });
    }

    /** Live read state and flag from Exchange; the rest as recorded from the source at copy time. */
    private static MessageFlags flags(GraphMessageWriter.Keyed k) {
        MessageFlags recorded = k.sourceFlags().map(GraphTarget::parseFlags).orElse(MessageFlags.NONE);
        return new MessageFlags(k.read(), recorded.answered(), k.flagged(), recorded.draft(), recorded.keywords());
    }

    static MessageFlags parseFlags(String text) {
        boolean seen = false;
        boolean answered = false;
        boolean flagged = false;
        boolean draft = false;
        TreeSet<String> keywords = new TreeSet<>();
        for (String token : text.replace("(", " ").replace(")", " ").trim().split("\\s+")) {
            switch (token) {
                case "" -> { }
                case "\\Seen" -> seen = true;
                case "\\Answered" -> answered = true;
                case "\\Flagged" -> flagged = true;
                case "\\Draft" -> draft = true;
                default -> {
                    if (!token.startsWith("\\")) {
                        keywords.add(token);
                    }
                }
            }
        }
        return new MessageFlags(seen, answered, flagged, draft, keywords);
    }

    @Override
    public AppendOutcome append(TargetFolder folder, MessageToCopy message) {
        return translated(() -> {
            String folderId = folders.ensure(folderSpec(folder));
            List<GraphMessageWriter.Keyed> leftovers = pending.remove(folderId);
            if (leftovers != null) {
                int removed = writer.removePending(leftovers);
                LOG.info("{}: removed {} incomplete copies left in {} by an interrupted run", mailbox, removed, folder);
            }
            MessageFlags f = message.flags();
            GraphMessageWriter.Copy copy = new GraphMessageWriter.Copy(message.key().toString(), message.size(),
                    f.seen(), f.flagged(), f.answered(), f.keywords().contains("$Forwarded"), message.internalDate(),
                    f.toString(), message::open, message.campaign());
            GraphMessageWriter.Result result = writer.write(folderId, copy);
            return result.isWritten() ? AppendOutcome.copied(result.messageId())
                    : AppendOutcome.rejected(result.refusal());
        });
    }

    @Override
    public void updateFlags(TargetFolder folder, TargetMessage message, MessageFlags flags) {
        translated(() -> {
            writer.updateFlags(message.targetId(), flags.seen(), flags.flagged(), flags.toString());
            return null;
        });
    }

    /** Runs a Graph step, turning its failure into the engine's classification. */
    private <T> T translated(Supplier<T> step) {
        try {
            return step.get();
        } catch (GraphFailure e) {
            if (e.isThrottled()) {
                throw TransferException.throttled(e.getMessage(), e.retryAfter().orElse(null), e);
            }
            // 401: the connection sent the request again with a fresh token, if there was one, and was
            // refused again. Retried: the reconnection (the connector) finds out whether Graph takes
            // any token, and a refusal then is the app's login, which the engine stops using, rather
            // than one failed message after another.
            boolean retryable = e.isConnectionLost() || e.status() == 401 || e.status() >= 500;
            throw retryable ? TransferException.retryable(mailbox + ": " + e.getMessage(), e)
                    : TransferException.permanent(mailbox + ": " + e.getMessage(), e);
        } catch (BmaException e) {
            // No token (Entra ID unreachable or refusing when MSAL renewed it mid-run, or Graph refused
            // every token to be had). Retried like a 401: a refusal shows again at the reconnection,
            // as the app's login, once for the mailbox instead of once per message.
            if (e.code() == BmaErrorCode.CONNECTION_FAILED || e.code() == BmaErrorCode.CREDENTIAL_FAILED) {
                throw TransferException.retryable(mailbox + ": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** The 429/503 answers the SDK waited out for this mailbox since it was opened, and our budget's waits. */
    @Override
    public RetryStats retryStats() {
        RetryStats now = graph.retryStats(mailbox.toString());
        return new RetryStats(now.retries() - atOpen.retries(), now.throttled() - atOpen.throttled(),
                now.waited().minus(atOpen.waited()));
    }

    @Override
    public void close() {
        // The connection is shared by every mailbox of the run; its owner closes it.
    }

    @Override
    public String toString() {
        return "GraphTarget[" + mailbox + " via " + graph.settings().baseUrl() + "]";
    }
}
