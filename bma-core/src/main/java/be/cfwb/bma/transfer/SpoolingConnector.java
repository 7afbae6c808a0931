package be.cfwb.bma.transfer;

import java.nio.file.Path;

/**
 * A connector whose adapters keep large temporary files (the Graph target's message and
 * attachment parts): {@link TransferSettings} hands it the transfer's spool directory, so those
 * files go where the engine's own spooled messages go (and are swept with them after a kill),
 * not to the JVM's temporary directory.
 */
public interface SpoolingConnector<T extends AutoCloseable> extends MailboxConnector<T> {

    /** This connector, its temporary files in {@code directory} (the configured spool directory). */
    SpoolingConnector<T> spoolingIn(Path directory);
}
