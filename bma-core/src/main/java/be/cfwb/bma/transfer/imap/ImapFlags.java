package be.cfwb.bma.transfer.imap;

import be.cfwb.bma.transfer.MessageFlags;

import jakarta.mail.Flags;

import java.util.TreeSet;

/** Converts between our {@link MessageFlags} and Jakarta's {@link Flags}. */
final class ImapFlags {

    private ImapFlags() {
    }

    static MessageFlags of(Flags flags) {
        TreeSet<String> keywords = new TreeSet<>();
        for (String k : flags.getUserFlags()) {
            if (isKeyword(k)) {
                keywords.add(k);
            }
        }
        return new MessageFlags(flags.contains(Flags.Flag.SEEN), flags.contains(Flags.Flag.ANSWERED),
                flags.contains(Flags.Flag.FLAGGED), flags.contains(Flags.Flag.DRAFT), keywords);
    }

    static Flags toFlags(MessageFlags f) {
        Flags flags = new Flags();
        if (f.seen()) {
            flags.add(Flags.Flag.SEEN);
        }
        if (f.answered()) {
            flags.add(Flags.Flag.ANSWERED);
        }
        if (f.flagged()) {
            flags.add(Flags.Flag.FLAGGED);
        }
        if (f.draft()) {
            flags.add(Flags.Flag.DRAFT);
        }
        f.keywords().forEach(flags::add);
        return flags;
    }

    private static boolean isKeyword(String k) {
        return !k.isEmpty() && !k.startsWith("\\") && k.chars().noneMatch(c -> c <= ' ' || c == '(' || c == ')'
                || c == '{' || c == '"' || c == '%' || c == '*' || c == ']' || c > 0x7e);
    }
}
