package be.cfwb.bma.internal;

import java.io.IOException;

/**
 * What adapters need to know of a third-party failure before translating it: whether the
 * network is to blame somewhere in its causes, and the root cause in one line for a message.
 */
public final class Failures {

    private Failures() {
    }

    /** True if an {@link IOException} is among the causes: the connection, not the request, failed. */
    public static boolean hasIoCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause as {@code SimpleName: first line of its message}; libraries' later lines are noise. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()));
    }

    /** The first line of a message, without the trailing line break some servers' replies keep. */
    public static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
