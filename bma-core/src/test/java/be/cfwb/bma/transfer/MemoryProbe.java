package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.ledger.Ledger;
import be.cfwb.bma.transfer.imap.ImapEndpoint;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one pass in its own JVM (started by {@link MemoryTest} with a small -Xmx) and prints
 * the report summary and the peak heap, so the heap bound is measured, not assumed.
 * Arguments: source URL, target URL, spool directory, ledger directory, mailboxes...
 */
public final class MemoryProbe {

    private MemoryProbe() {
    }

    public static void main(String[] args) {
        ImapEndpoint source = ImapEndpoint.parse(args[0], "source");
        ImapEndpoint target = ImapEndpoint.parse(args[1], "target");
        List<BmaAddress> mailboxes = new ArrayList<>();
        for (int i = 4; i < args.length; i++) {
            mailboxes.add(BmaAddress.parse(args[i]));
        }
        TransferSettings settings = TransferSettings.builder()
                .imapSource(source, TransferSuite.passwords(), TransferSuite.CLOCK)
                .imapTarget(target, TransferSuite.passwords(), TransferSuite.CLOCK)
                .folderMapper(FolderMapper.preserve())
                .parallelism(mailboxes.size())
                .maxMessageSize(100L << 20)
                .spoolDirectory(Path.of(args[2]))
                .build();
        try (Ledger ledger = Ledger.open(Path.of(args[3]), TransferSuite.CLOCK)) {
            TransferReport report = new SyncEngine(settings, ledger, TransferSuite.CLOCK, TransferListener.NONE)
                    .run(mailboxes, Pass.PRESTAGE);
            long peak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP) {
                    peak += pool.getPeakUsage().getUsed();
                }
            }
            System.out.println("COMPLETE=" + report.isComplete());
            System.out.println("COPIED=" + report.copied());
            System.out.println("PEAK_HEAP_MB=" + peak / (1 << 20));
            System.out.println("MAX_HEAP_MB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
            System.out.print(report.summary());
        }
    }
}
