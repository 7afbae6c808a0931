package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.BmaProperties;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Event;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.ledger.LedgerEntry;
import be.cfwb.bma.ledger.LedgerEvent;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The messages ops gave up on ({@code bma:waive}): a message a pass reported as not copied (too
 * large for the target, refused, failed after the retries) is acknowledged in the ledger, so its
 * mailbox can reach "pre-staged" and go on to mail 4 and the cutover without it.
 *
 * <p>A waived message is never copied by a later pass, not even if the target would now take it:
 * the waive is the decision, and a copy appearing later unannounced would contradict what ops
 * told the school. It is listed as waived in every pass, in the dashboard and by verify (waived,
 * not missing). A waive holds for the folder's UIDVALIDITY it was given under: if the old server
 * renumbers the folder, the message is reported again and must be waived again.
 */
public final class MessageWaivers {

    /** One message named by ops: the source folder as reports show it, and its UID. */
    public record Request(String input, String folder, long uid) {

        public Request {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(folder, "folder");
        }

        /**
         * Parses {@code <folder>/<uid>}, e.g. {@code INBOX/412} or {@code INBOX/Projets/7}: the UID
         * after the last {@code /}.
         *
         * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the input
         */
        public static Request parse(String input) {
            String text = input == null ? "" : input.strip();
            int slash = text.lastIndexOf('/');
            if (slash <= 0 || slash == text.length() - 1) {
                throw invalid(text, "write <folder>/<uid>, e.g. INBOX/412");
            }
            long uid;
            try {
                uid = Long.parseLong(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw invalid(text, "the part after the last '/' must be the message's UID, a number");
            }
            if (uid <= 0) {
                throw invalid(text, "a UID is a positive number");
            }
            return new Request(text, text.substring(0, slash), uid);
        }

        /** Every comma-separated entry of {@code list}. */
        public static List<Request> parseList(String list) {
            List<Request> out = new ArrayList<>();
            for (String part : (list == null ? "" : list).split(",")) {
                if (!part.isBlank()) {
                    out.add(parse(part));
                }
            }
            if (out.isEmpty()) {
                throw invalid(list == null ? "" : list, "name at least one message, <folder>/<uid>");
            }
            return out;
        }

        private static BmaException invalid(String input, String fix) {
            return new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    BmaProperties.WAIVE + " '" + input + "' is not a message: " + fix);
        }

        /** True if {@code encoded} (a folder as the ledger writes it) is the folder this request names. */
        boolean names(String encoded) {
            if (encoded.equals(folder)) {
                return true;
            }
            try {
                FolderPath path = FolderPath.decode(encoded);
                return String.join("/", path.segments()).equals(folder) || path.toString().equals(folder);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /**
     * One waived message: where, what the pass reported, and whether this waive recorded it or an
     * earlier one had.
     */
    public record Waived(BmaAddress mailbox, FolderPath folder, long uidValidity, long uid, long size,
                         String reported, boolean already) {
    }

    private MessageWaivers() {
    }

    /**
     * Waives {@code requests} of {@code mailbox}: each must name a message a pass reported as not
     * copied; all are checked before any is recorded. With {@code dryRun} nothing is recorded.
     *
     * @throws BmaException {@link BmaErrorCode#INVALID_CONFIGURATION} naming the first request that
     *                      names no reported message (nothing recorded then)
     */
    public static List<Waived> waive(Ledger ledger, BmaAddress mailbox, List<Request> requests, String by,
                                     Optional<String> reason, boolean dryRun) {
        List<LedgerEvent> events = ledger.lastOfEachKind(mailbox);
        List<Waived> out = new ArrayList<>();
        List<Event.MessageWaived> toRecord = new ArrayList<>();
        for (Request r : requests) {
            Event.MessageReported reported = events.stream().map(LedgerEvent::event)
                    .filter(Event.MessageReported.class::isInstance).map(Event.MessageReported.class::cast)
                    .filter(e -> e.uid() == r.uid() && r.names(e.folder()))
                    .reduce((a, b) -> b) // the latest UIDVALIDITY's
                    .orElseThrow(() -> new BmaException(BmaErrorCode.INVALID_CONFIGURATION, BmaProperties.WAIVE + " '"
                            + r.input() + "': no pass reported UID " + r.uid() + " of folder '" + r.folder() + "' of "
                            + mailbox + " as not copied; only a message a migrate report lists as skipped or failed"
                            + " can be waived (check the folder and UID in migrate-report.csv)"));
            boolean already = isWaived(events, reported.folder(), reported.uidValidity(), reported.uid());
            out.add(new Waived(mailbox, FolderPath.decode(reported.folder()), reported.uidValidity(), reported.uid(),
                    reported.size(), reported.reason(), already));
            if (!already) {
                toRecord.add(new Event.MessageWaived(reported.folder(), reported.uidValidity(), reported.uid(), by,
                        reason.filter(s -> !s.isBlank())));
            }
        }
        if (!dryRun) {
            for (Event.MessageWaived w : toRecord) {
                ledger.append(LedgerEntry.of(w).mailbox(mailbox));
            }
        }
        return out;
    }

    /** The keys of {@code mailbox}'s waived messages. */
    public static Set<SourceKey> waived(Ledger ledger, BmaAddress mailbox) {
        Set<SourceKey> out = new HashSet<>();
        for (LedgerEvent e : ledger.lastOfEachKind(mailbox)) {
            if (e.event() instanceof Event.MessageWaived w) {
                out.add(new SourceKey(mailbox, FolderPath.decode(w.folder()), w.uidValidity(), w.uid()));
            }
        }
        return out;
    }

    /** The UIDs waived in {@code folder} under {@code uidValidity}. */
    public static Set<Long> waived(Ledger ledger, BmaAddress mailbox, FolderPath folder, long uidValidity) {
        String encoded = folder.encoded();
        Set<Long> out = new HashSet<>();
        for (LedgerEvent e : ledger.lastOfEachKind(mailbox)) {
            if (e.event() instanceof Event.MessageWaived w && w.folder().equals(encoded) && w.uidValidity() == uidValidity) {
                out.add(w.uid());
            }
        }
        return out;
    }

    /**
     * Records that a pass did not copy a message, unless the ledger's last word on it says the same
     * already (a message refused on every pass adds one event, not one per pass).
     */
    public static void reported(Ledger ledger, BmaAddress mailbox, FolderPath folder, long uidValidity, MessageProblem p,
                                boolean failed) {
        String encoded = folder.encoded();
        boolean known = ledger.lastOfEachKind(mailbox).stream().map(LedgerEvent::event)
                .anyMatch(e -> e instanceof Event.MessageReported r && r.folder().equals(encoded)
                        && r.uidValidity() == uidValidity && r.uid() == p.uid() && r.failed() == failed);
        if (!known) {
            ledger.append(LedgerEntry.of(new Event.MessageReported(encoded, uidValidity, p.uid(), p.size(), failed,
                    p.reason())).mailbox(mailbox));
        }
    }

    private static boolean isWaived(List<LedgerEvent> events, String folder, long uidValidity, long uid) {
        return events.stream().anyMatch(e -> e.event() instanceof Event.MessageWaived w && w.folder().equals(folder)
                && w.uidValidity() == uidValidity && w.uid() == uid);
    }
}
