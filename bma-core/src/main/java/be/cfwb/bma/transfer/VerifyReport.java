package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The verification of a set of mailboxes; renders as JSON and a summary. */
public record VerifyReport(Instant started, Duration duration, List<MailboxVerification> mailboxes) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public VerifyReport {
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(duration, "duration");
        mailboxes = List.copyOf(mailboxes);
    }

    public boolean isSuccess() {
        return mailboxes.stream().allMatch(MailboxVerification::isSuccess);
    }

    /** Source messages not on the target because ops waived them. */
    public int waived() {
        return mailboxes.stream().mapToInt(m -> m.waived().size()).sum();
    }

    public int missing() {
        return mailboxes.stream().mapToInt(m -> m.missing().size()).sum();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("started", started.toString());
        root.put("durationMillis", duration.toMillis());
        root.put("success", isSuccess());
        ArrayNode list = root.putArray("mailboxes");
        for (MailboxVerification m : mailboxes) {
            ObjectNode n = list.addObject();
            n.put("mailbox", m.mailbox().toString());
            n.put("success", m.isSuccess());
            n.put("source", m.source());
            n.put("present", m.present());
            m.error().ifPresent(e -> n.put("error", e));
            problems(n.putArray("missing"), m.missing());
            problems(n.putArray("waived"), m.waived());
            problems(n.putArray("deletedOnTarget"), m.deletedOnTarget());
            problems(n.putArray("duplicated"), m.duplicated());
            problems(n.putArray("mismatched"), m.mismatched());
            ArrayNode extra = n.putArray("extra");
            for (ExtraCopy x : m.extra()) {
                ObjectNode e = extra.addObject();
                e.put("targetFolder", x.targetFolder());
                e.put("folder", x.key().folder().encoded());
                e.put("uidValidity", x.key().uidValidity());
                e.put("uid", x.key().uid());
                e.put("copies", x.copies());
                e.put("reason", x.reason());
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "Cannot render the verify report: " + e.getMessage(), e);
        }
    }

    private static void problems(ArrayNode array, List<MessageProblem> problems) {
        for (MessageProblem p : problems) {
            ObjectNode n = array.addObject();
            n.put("folder", p.folder().encoded());
            n.put("uid", p.uid());
            n.put("size", p.size());
            n.put("internalDate", p.internalDate().toString());
            n.put("reason", p.reason());
        }
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "verify: %d mailbox(es), %s%n", mailboxes.size(),
                isSuccess() ? "every source message is on the target exactly once" + (waived() == 0 ? ""
                        : ", except " + waived() + " waived (bma:waive)") : "PROBLEMS FOUND"));
        for (MailboxVerification m : mailboxes) {
            sb.append(String.format(Locale.ROOT, "  %s: %d/%d present, %d missing, %d duplicated, %d different%s%s%s%s%n",
                    m.mailbox(), m.present(), m.source(), m.missing().size(), m.duplicated().size(), m.mismatched().size(),
                    m.waived().isEmpty() ? "" : ", " + m.waived().size() + " waived",
                    m.deletedOnTarget().isEmpty() ? "" : ", " + m.deletedOnTarget().size() + " deleted on the target by the user",
                    m.extra().isEmpty() ? "" : ", " + m.extraCopies() + " extra on the target",
                    m.error().map(e -> ", error: " + e).orElse("")));
            // Per target folder: what ops (or the user) will see there.
            for (MessageProblem w : m.waived()) {
                sb.append(String.format(Locale.ROOT, "    waived: %s/%d (%d bytes), not copied on purpose%n",
                        w.folder().encoded(), w.uid(), w.size()));
            }
            m.extra().stream().collect(Collectors.groupingBy(ExtraCopy::targetFolder,
                            TreeMap::new, Collectors.summingInt(ExtraCopy::copies)))
                    .forEach((folder, n) -> sb.append(String.format(Locale.ROOT, "    %s: %d extra cop%s%n", folder, n,
                            n == 1 ? "y" : "ies")));
        }
        return sb.toString();
    }

    public void write(Path json) {
        TransferReport.writeFile(json, toJson());
    }
}
