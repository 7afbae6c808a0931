package be.cfwb.bma.internal;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A live run for {@link SpoolDirectoryTest}: takes its spool directory in the one given, spools
 * one file there, says {@code READY}, and lives until its standard input closes.
 */
public final class SpoolHolderChild {

    private SpoolHolderChild() {
    }

    public static void main(String[] args) throws Exception {
        Path own = SpoolDirectory.of(Path.of(args[0]));
        Files.writeString(own.resolve("bma-live.eml"), "Subject: in flight\r\n\r\nbody\r\n");
        System.out.println("READY");
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent
        }
    }
}
