package be.cfwb.bma.ledger;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a ledger event says happened, typed: one record per event type, all in this file so the
 * compiler knows every case. {@link EventCodec} is the one place that maps a record to the
 * JSON Lines form ({@link #type()} and {@link #data()}) and back; readers match on the records
 * ({@code if (e.event() instanceof Event.MailSent sent && sent.mail() == 1)}) and never parse a
 * key by hand.
 *
 * <p>To add an event type: add a record here, implementing {@link #type()} and {@link #data()},
 * and one {@code case} in {@link EventCodec#decode}. A type this version does not know (written
 * by a newer one) reads as {@link Other}, its data kept as written.
 */
public sealed interface Event {

    /** The dotted name written in the ledger, e.g. {@code mail.sent}. */
    String type();

    /** The details as the ledger writes them: text values under stable keys. */
    SortedMap<String, String> data();

    /** A notification mail is about to be handed to the notifier; without a later sent or failed, a run stopped while sending it. */
    record MailSending(int mail, int attempt, String messageId) implements Event {
        public static final String TYPE = "mail.sending";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("mail", mail).put("attempt", attempt).put("message_id", messageId).map();
        }
    }

    /**
     * A notification mail (1..4) left. {@code migrationDate} is the date it announced (mail 1 makes it
     * a commitment); {@code sender} the role's name; {@code possibleDuplicate} when an earlier run
     * stopped while sending it.
     */
    record MailSent(int mail, int attempt, String messageId, String sender, Optional<String> migrationDate,
                    Optional<String> accessDate, String planVersion, boolean late, boolean possibleDuplicate)
            implements Event {
        public static final String TYPE = "mail.sent";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            Data d = new Data().put("mail", mail).put("attempt", attempt).put("message_id", messageId).put("sender", sender)
                    .put("migration_date", migrationDate).put("access_date", accessDate).put("plan_version", planVersion);
            return d.putIf(late, "late").putIf(possibleDuplicate, "possible_duplicate").map();
        }
    }

    /** The notifier refused a mail; {@code reason} is an error code, never a server's text. */
    record MailFailed(int mail, int attempt, String reason) implements Event {
        public static final String TYPE = "mail.failed";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("mail", mail).put("attempt", attempt).put("reason", reason).map();
        }
    }

    /** A new password was set on the target for mail 2 (never the password itself). */
    record CredentialIssued(int mail, int issue, String issuer) implements Event {
        public static final String TYPE = "credential.issued";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("mail", mail).put("issue", issue).put("issuer", issuer).map();
        }
    }

    /** The target mailbox was checked and prepared. */
    record MailboxProvisioned() implements Event {
        public static final String TYPE = "mailbox.provisioned";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new TreeMap<>();
        }
    }

    /** The old mailbox was read without copying: what it holds, or why it could not be read. */
    record MailboxSurveyed(Optional<String> error, long found, long bytes, long renamed) implements Event {
        public static final String TYPE = "mailbox.surveyed";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            if (error.isPresent()) {
                return new Data().put("error", error).map();
            }
            return new Data().put("found", found).put("bytes", bytes).put("renamed", renamed).map();
        }
    }

    /**
     * A copy pass of one mailbox ended. {@code targetReserved} and {@code sourceNamespace} are what
     * the servers told this pass (empty text: nothing), absent when the pass did not learn them.
     */
    record PassDone(String pass, boolean complete, OptionalLong found, long copied, long bytes, long alreadyPresent,
                    long skipped, long failed, long retries, long throttled, long waitedMillis,
                    Optional<String> targetReserved, Optional<String> sourceNamespace) implements Event {
        public static final String TYPE = "transfer.pass.done";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            Data d = new Data().put("pass", pass).put("complete", complete).put("copied", copied).put("bytes", bytes)
                    .put("alreadyPresent", alreadyPresent).put("skipped", skipped).put("failed", failed)
                    .put("retries", retries).put("throttled", throttled).put("waitedMillis", waitedMillis)
                    .put("targetReserved", targetReserved).put("sourceNamespace", sourceNamespace);
            found.ifPresent(f -> d.put("found", f));
            return d.map();
        }

        /** True when this pass changed nothing on the target and ended as {@code previous} did. */
        public boolean repeats(PassDone previous) {
            return complete && copied == 0 && failed == 0 && previous.complete && pass.equals(previous.pass)
                    && found.equals(previous.found) && skipped == previous.skipped && failed == previous.failed
                    && (targetReserved.isEmpty() || targetReserved.equals(previous.targetReserved))
                    && (sourceNamespace.isEmpty() || sourceNamespace.equals(previous.sourceNamespace));
        }
    }

    /** A folder was synced up to {@code highestUid} under {@code uidValidity}; {@code folder} is the encoded path. */
    record FolderSynced(String folder, long uidValidity, long highestUid, String pass) implements Event {
        public static final String TYPE = "transfer.folder.synced";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("folder", folder).put("uidvalidity", uidValidity).put("highestUid", highestUid)
                    .put("pass", pass).map();
        }
    }

    /**
     * A pass reported one message as not copied: refused for good by the target ({@code failed}
     * false: too large, over quota, malformed) or failed after the retries. {@code folder} is the
     * encoded source path. What {@code bma:waive} checks a waive against; a repeat of the same
     * outcome on a later pass is not recorded again.
     */
    record MessageReported(String folder, long uidValidity, long uid, long size, boolean failed, String reason)
            implements Event {
        public static final String TYPE = "transfer.message.reported";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("folder", folder).put("uidvalidity", uidValidity).put("uid", uid).put("size", size)
                    .putIf(failed, "failed").put("reason", reason).map();
        }
    }

    /**
     * Ops acknowledged that a reported message will not be copied ({@code bma:waive}): no later
     * pass copies it or counts it against the mailbox, and verify lists it as waived, not
     * missing. {@code by} is who waived it (the OS user), {@code reason} why, if given.
     */
    record MessageWaived(String folder, long uidValidity, long uid, String by, Optional<String> reason)
            implements Event {
        public static final String TYPE = "transfer.message.waived";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("folder", folder).put("uidvalidity", uidValidity).put("uid", uid).put("by", by)
                    .put("reason", reason).map();
        }
    }

    /**
     * The flags of the old server's messages of {@code folder} (encoded path) under {@code uidValidity}
     * when their copies were last made or synced, as runs of UIDs per flag set ({@code flags}, see
     * {@code transfer.SyncedFlags}): the common base of a three-way merge, so that a later pass
     * carries over what changed on the old server and keeps what the user changed on the target;
     * a UID listed here was copied, so a copy no longer on the target was deleted by the user.
     */
    record FlagsSynced(String folder, long uidValidity, String flags) implements Event {
        public static final String TYPE = "transfer.folder.flags";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("folder", folder).put("uidvalidity", uidValidity).put("flags", flags).map();
        }
    }

    /** Routing now goes to Exchange; {@code by} is {@code ops} or {@code hook}. */
    record CutoverRecorded(String by) implements Event {
        public static final String TYPE = "cutover.recorded";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("by", by).map();
        }
    }

    /** The cutover command failed with {@code exit} (its output is never recorded: it may hold anything). */
    record CutoverFailed(int exit) implements Event {
        public static final String TYPE = "cutover.failed";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("exit", exit).map();
        }
    }

    /** Verification of one mailbox: {@code verify.passed} or {@code verify.failed}, with its counts. */
    record Verified(boolean passed, long source, long present, long missing, long duplicates, long mismatches)
            implements Event {
        public static final String PASSED = "verify.passed";
        public static final String FAILED = "verify.failed";

        @Override
        public String type() {
            return passed ? PASSED : FAILED;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("source", source).put("present", present).put("missing", missing)
                    .put("duplicates", duplicates).put("mismatches", mismatches).map();
        }
    }

    /** A plan was written (run-wide). */
    record PlanPublished(long mailboxes, long changes, String planCsvSha256) implements Event {
        public static final String TYPE = "plan.published";

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public SortedMap<String, String> data() {
            return new Data().put("mailboxes", mailboxes).put("changes", changes).put("plan_csv_sha256", planCsvSha256).map();
        }
    }

    /** An event of a type this version does not type (another component's, or a newer version's), as written. */
    record Other(String type, SortedMap<String, String> data) implements Event {
        public Other {
            data = new TreeMap<>(data);
        }

        @Override
        public SortedMap<String, String> data() {
            return new TreeMap<>(data);
        }
    }

    /** Builds the text form; empty optionals are left out, as the first format did. */
    final class Data {
        private final SortedMap<String, String> map = new TreeMap<>();

        Data put(String key, Object value) {
            if (value instanceof Optional<?> o) {
                o.ifPresent(v -> map.put(key, v.toString()));
            } else if (value != null) {
                map.put(key, value.toString());
            }
            return this;
        }

        Data putIf(boolean condition, String key) {
            if (condition) {
                map.put(key, "true");
            }
            return this;
        }

        SortedMap<String, String> map() {
            return map;
        }
    }
}
