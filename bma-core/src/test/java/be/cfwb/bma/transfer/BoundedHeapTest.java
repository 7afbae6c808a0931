package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.address.BmaKind;
import be.cfwb.bma.testing.MailboxInspector;
import be.cfwb.bma.testing.dovecot.DovecotFixture;
import be.cfwb.bma.testing.dovecot.HierarchyStyle;
import be.cfwb.bma.testing.dovecot.RequiresDovecot;
import be.cfwb.bma.testing.graph.GraphStandIn;
import be.cfwb.bma.testing.graph.StoredAttachment;
import be.cfwb.bma.testing.graph.StoredMessage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heap bound of issue 17, in the default build: the engine runs in a child JVM with
 * {@code -Xmx256m} ({@link HeapProbe}) and must finish without running out of memory, its peak
 * heap printed. A folder of 100,000 messages (Dovecot to Dovecot: copied by a pre-stage, then
 * both sides' listings and header caches read again by a final pass) and a message of 150 MB to Graph (parsed from a shared
 * stream, its attachment decoded to the spool directory and uploaded in chunks). The content is
 * generated, never in git; the servers run here, the engine alone is bounded.
 */
class BoundedHeapTest {

    @TempDir
    Path temp;

    /** Starts {@link HeapProbe} with {@code -Xmx256m}; returns its output after checking it ended well. */
    private String probe(List<String> args) throws IOException, InterruptedException {
        Path tmp = Files.createDirectories(temp.resolve("jvm-tmp"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Djava.io.tmpdir=" + tmp, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), HeapProbe.class.getName()));
        command.addAll(args);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("heap probe " + args.get(0) + " (" + (System.nanoTime() - t0) / 1_000_000 + " ms):\n" + out);
        assertThat(out).doesNotContain("OutOfMemoryError").contains("MAX_HEAP_MB=");
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Integer.parseInt(out.replaceAll("(?s).*MAX_HEAP_MB=(\\d+).*", "$1"))).isLessThanOrEqualTo(256);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).as("nothing in the JVM's temporary directory")
                    .noneMatch(n -> n.startsWith("bma-"));
        }
        return out;
    }

    private static byte[] tiny(int i) {
        return ("From: a" + (i % 97) + "@ecole.example\r\nTo: ecole@adm.cfwb.be\r\nSubject: Message " + i
                + "\r\nMessage-ID: <m" + i + "@bma.test>\r\nDate: Tue, 1 Oct 2024 10:00:00 +0200\r\n\r\nBonjour " + i
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @RequiresDovecot
    @Timeout(300)
    void aFolderOfAHundredThousandMessagesPassesIn256Megabytes() throws Exception {
        int count = Integer.getInteger("bma.heap.messages", 100_000);
        BmaAddress a = BmaAddress.of(BmaKind.EC, 7100);
        String password = "pw;heap";
        // Dovecot, not GreenMail: GreenMail's APPEND and FETCH slow down with the folder's size
        // (10,000 messages took three minutes), Dovecot's do not.
        try (DovecotFixture oldServer = DovecotFixture.start(HierarchyStyle.SLASH);
             DovecotFixture newServer = DovecotFixture.start(HierarchyStyle.SLASH)) {
            oldServer.createUser(a, password);
            newServer.createUser(a, password);
            // Written straight into the Maildir (100,000 APPENDs would be the test's whole time).
            Path cur = oldServer.server().maildir(a.toString()).resolve("cur");
            long t0 = System.nanoTime();
            for (int i = 1; i <= count; i++) {
                byte[] raw = tiny(i);
                Files.write(cur.resolve(String.format("1727769600.M%07dP1.bma,S=%d:2,", i, raw.length)), raw);
            }
            oldServer.server().fixMailOwnership();
            System.out.println("seeded " + count + " messages in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            String out = probe(List.of("imap", oldServer.imapEndpoint().toString(), newServer.imapEndpoint().toString(),
                    password, temp.resolve("spool").toString(), temp.resolve("ledger").toString(), a.toString()));

            assertThat(out).contains("prestage.COMPLETE=true", "prestage.COPIED=" + count, "final.COMPLETE=true",
                    "final.COPIED=0", "final.PRESENT=" + count);
            try (MailboxInspector in = newServer.inspector(a, password)) {
                assertThat(in.messages(FolderPath.inbox())).hasSize(count);
            }
        }
    }

    @Test
    @Timeout(300)
    void aMessageOf150MegabytesGoesToGraphIn256Megabytes() throws Exception {
        long bytes = Long.getLong("bma.heap.graphBytes", 150_000_000L);
        GeneratedMessage message = new GeneratedMessage(bytes, 9358);
        BmaAddress a = BmaAddress.of(BmaKind.EC, 7101);
        try (GraphStandIn standIn = GraphStandIn.start()) {
            standIn.addUser(a.toString()).maxMessageSize(150L << 20);
            Path spool = temp.resolve("spool");
            String out = probe(List.of("graph", standIn.baseUrl(), standIn.token(), spool.toString(),
                    temp.resolve("ledger").toString(), a.toString(), Long.toString(bytes), "9358"));

            assertThat(out).contains("prestage.COMPLETE=true", "prestage.COPIED=1");
            assertThat(message.size()).isGreaterThan(bytes - 100);
            List<StoredMessage> inbox = standIn.messages(a.toString(), "inbox");
            assertThat(inbox).singleElement().satisfies(m -> assertThat(m.subject()).isEqualTo("Archives 2023-2024"));
            StoredAttachment file = inbox.get(0).attachments().stream().filter(StoredAttachment::isFile).findFirst()
                    .orElseThrow();
            assertThat(file.viaUploadSession()).isTrue();
            assertThat(file.size()).isEqualTo(message.attachmentBytes());
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file.content())))
                    .isEqualTo(message.attachmentSha256());
            try (Stream<Path> left = Files.walk(spool)) {
                assertThat(left.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                        .as("spool files removed").allMatch(n -> n.equals("lock"));
            }
        }
    }
}
