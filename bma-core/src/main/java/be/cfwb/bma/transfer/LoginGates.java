package be.cfwb.bma.transfer;

import be.cfwb.bma.transfer.internal.LoginGate;

import java.util.List;

/**
 * One set of login gates for a run made of several engine calls ({@link SyncEngine},
 * {@link Verifier}, provisioning): a wrong shared login (the admin login, an app's token) is then
 * tried once in the whole run, not once per call. Each engine call gates its settings itself;
 * settings already gated keep their gates, so the caller that gated them owns the run.
 */
public final class LoginGates {

    private LoginGates() {
    }

    /** {@code settings} with the source and the target behind fresh gates, unless they are already. */
    public static TransferSettings guard(TransferSettings settings) {
        return LoginGate.guard(settings);
    }

    /**
     * What closed the gates of {@code gated} (from {@link #guard}), one line per refused shared
     * login, source first; empty if none was refused.
     */
    public static List<String> refusals(TransferSettings gated) {
        return LoginGate.refusals(gated);
    }
}
