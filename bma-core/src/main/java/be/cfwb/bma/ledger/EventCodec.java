package be.cfwb.bma.ledger;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The one mapping between the typed {@link Event}s and the ledger's text form ({@code type} and
 * {@code data} of a JSON line). Decoding is as lenient as the first format's readers were: a
 * missing key reads as 0, false or empty; a value that is there but malformed is refused, so a
 * damaged ledger is never guessed at.
 */
public final class EventCodec {

    private EventCodec() {
    }

    /**
     * The typed event for {@code type} and {@code data}; {@link Event.Other} for a type not typed here.
     *
     * @throws IllegalArgumentException if a known key holds a malformed value
     */
    public static Event decode(String type, Map<String, String> data) {
        Fields f = new Fields(data);
        return switch (type) {
            case Event.MailSending.TYPE -> new Event.MailSending(f.integer("mail"), f.integer("attempt"), f.text("message_id"));
            case Event.MailSent.TYPE -> new Event.MailSent(f.integer("mail"), f.integer("attempt"), f.text("message_id"),
                    f.text("sender"), f.optional("migration_date"), f.optional("access_date"), f.text("plan_version"),
                    f.flag("late"), f.flag("possible_duplicate"));
            case Event.MailFailed.TYPE -> new Event.MailFailed(f.integer("mail"), f.integer("attempt"), f.text("reason"));
            case Event.CredentialIssued.TYPE -> new Event.CredentialIssued(f.integer("mail"), f.integer("issue"), f.text("issuer"));
            case Event.MailboxProvisioned.TYPE -> new Event.MailboxProvisioned();
            case Event.MailboxSurveyed.TYPE -> new Event.MailboxSurveyed(f.optional("error"), f.number("found"),
                    f.number("bytes"), f.number("renamed"));
            case Event.PassDone.TYPE -> new Event.PassDone(f.text("pass"), f.flag("complete"), f.optionalNumber("found"),
                    f.number("copied"), f.number("bytes"), f.number("alreadyPresent"), f.number("skipped"),
                    f.number("failed"), f.number("retries"), f.number("throttled"), f.number("waitedMillis"),
                    f.optional("targetReserved"), f.optional("sourceNamespace"));
            case Event.FolderSynced.TYPE -> new Event.FolderSynced(f.text("folder"), f.number("uidvalidity"),
                    f.number("highestUid"), f.text("pass"));
            case Event.MessageReported.TYPE -> new Event.MessageReported(f.text("folder"), f.number("uidvalidity"),
                    f.number("uid"), f.number("size"), f.flag("failed"), f.text("reason"));
            case Event.MessageWaived.TYPE -> new Event.MessageWaived(f.text("folder"), f.number("uidvalidity"),
                    f.number("uid"), f.text("by"), f.optional("reason"));
            case Event.FlagsSynced.TYPE -> new Event.FlagsSynced(f.text("folder"), f.number("uidvalidity"),
                    f.text("flags"));
            case Event.CutoverRecorded.TYPE -> new Event.CutoverRecorded(f.text("by"));
            case Event.CutoverFailed.TYPE -> new Event.CutoverFailed(f.integer("exit"));
            case Event.Verified.PASSED, Event.Verified.FAILED -> new Event.Verified(type.equals(Event.Verified.PASSED),
                    f.number("source"), f.number("present"), f.number("missing"), f.number("duplicates"),
                    f.number("mismatches"));
            case Event.PlanPublished.TYPE -> new Event.PlanPublished(f.number("mailboxes"), f.number("changes"),
                    f.text("plan_csv_sha256"));
            default -> new Event.Other(type, new TreeMap<>(data));
        };
    }

    /** The type and data to write for {@code event}. */
    public static SortedMap<String, String> encode(Event event) {
        return event.data();
    }

    /**
     * What makes two events of one mailbox the same kind for the ledger's index: the last event of
     * each kind is kept in memory ({@link Ledger#lastOfEachKind}). Two events of one kind prove the
     * same lifecycle step, so the furthest step and when it was reached read the same from the last
     * of each kind as from the whole history.
     */
    static String kind(Event event) {
        if (event instanceof Event.MailSending e) {
            return e.type() + "#" + e.mail();
        } else if (event instanceof Event.MailSent e) {
            return e.type() + "#" + e.mail();
        } else if (event instanceof Event.MailFailed e) {
            return e.type() + "#" + e.mail();
        } else if (event instanceof Event.PassDone e) {
            return e.type() + "#" + e.pass() + "#" + e.complete();
        } else if (event instanceof Event.FolderSynced e) {
            return e.type() + "#" + e.folder();
        } else if (event instanceof Event.MessageReported e) {
            // One per message: the last outcome of each reported message stays in the index.
            return e.type() + "#" + e.folder() + "#" + e.uidValidity() + "#" + e.uid();
        } else if (event instanceof Event.MessageWaived e) {
            return e.type() + "#" + e.folder() + "#" + e.uidValidity() + "#" + e.uid();
        } else if (event instanceof Event.FlagsSynced e) {
            // One per folder and UIDVALIDITY: each holds the whole folder's base, the last one counts.
            return e.type() + "#" + e.folder() + "#" + e.uidValidity();
        } else if (event instanceof Event.Other e && e.type().equals("mail.delivered")) {
            // One per mail: the delivery of mail 4 must not hide that of mails 1 to 3.
            return e.type() + "#" + e.data().getOrDefault("mail", "");
        }
        return event.type();
    }

    private record Fields(Map<String, String> data) {

        String text(String key) {
            return data.getOrDefault(key, "");
        }

        Optional<String> optional(String key) {
            return Optional.ofNullable(data.get(key));
        }

        boolean flag(String key) {
            return "true".equals(data.get(key));
        }

        long number(String key) {
            String v = data.get(key);
            return v == null ? 0 : parse(key, v);
        }

        OptionalLong optionalNumber(String key) {
            String v = data.get(key);
            return v == null ? OptionalLong.empty() : OptionalLong.of(parse(key, v));
        }

        int integer(String key) {
            return Math.toIntExact(number(key));
        }

        private static long parse(String key, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + key + "' is not a number: " + value, e);
            }
        }
    }
}
