package be.cfwb.bma.ledger;

import java.nio.file.Path;

/** Run in a second JVM by {@link LedgerTest}: holds a ledger open until its input closes. */
public final class LedgerLockHolder {

    private LedgerLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Ledger ledger = Ledger.open(Path.of(args[0]))) {
            System.out.println("open " + ledger.events().size());
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our input
            }
        }
    }
}
