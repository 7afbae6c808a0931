package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ledger's index saved beside it ({@value #FILE}), so that opening a long ledger reads the
 * index and only the lines appended since, not the whole journal. A cache, never the truth: it
 * records the journal length it covers and the bytes just before that point, and is ignored
 * (the journal is read whole) when they do not match the journal, when it is from another
 * format, or unreadable. Written to a temporary file and moved into place atomically.
 */
final class IndexSnapshot {

    static final String FILE = "ledger.index";

    private static final Logger LOG = LoggerFactory.getLogger(IndexSnapshot.class);
    private static final String MAGIC = "bma-ledger-index/1";
    private static final int TAIL = 256;

    private IndexSnapshot() {
    }

    /** The index saved for {@code journal}, if there is one that matches it. */
    static Optional<JournalIndex.Index> read(Path dir, FileChannel journal) {
        Path file = dir.resolve(FILE);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!in.readUTF().equals(MAGIC)) {
                return Optional.empty();
            }
            long length = in.readLong();
            long count = in.readLong();
            byte[] tail = new byte[in.readInt()];
            in.readFully(tail);
            if (length > journal.size() || !Arrays.equals(tail, tail(journal, length))) {
                LOG.info("Ledger index {} does not match the journal; reading the journal whole", file);
                return Optional.empty();
            }
            JournalIndex.Index index = new JournalIndex.Index();
            index.length = length;
            index.count = count;
            index.snapshotCount = count;
            index.runWide = readTrack(in, null);
            int mailboxes = in.readInt();
            for (int i = 0; i < mailboxes; i++) {
                BmaAddress mailbox = BmaAddress.parse(in.readUTF());
                index.byMailbox.put(mailbox, readTrack(in, mailbox));
            }
            return Optional.of(index);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.info("Ledger index {} is unreadable ({}); reading the journal whole", file, e.toString());
            return Optional.empty();
        }
    }

    /** Saves {@code index}, which covers the journal up to {@code length}; a failure only costs the next open time. */
    static void write(Path dir, FileChannel journal, JournalIndex.Index index, long length) {
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                out.writeUTF(MAGIC);
                out.writeLong(length);
                out.writeLong(index.count);
                byte[] tail = tail(journal, length);
                out.writeInt(tail.length);
                out.write(tail);
                writeTrack(out, index.runWide);
                out.writeInt(index.byMailbox.size());
                for (Map.Entry<BmaAddress, JournalIndex.Track> e : index.byMailbox.entrySet()) {
                    out.writeUTF(e.getKey().toString());
                    writeTrack(out, e.getValue());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            index.snapshotCount = index.count;
        } catch (IOException | RuntimeException e) {
            LOG.debug("Ledger index {} not written", file, e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: the snapshot is only a cache
            }
        }
    }

    private static byte[] tail(FileChannel journal, long length) throws IOException {
        int n = (int) Math.min(TAIL, length);
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (journal.read(buffer, length - n + buffer.position()) < 0) {
                throw new IOException("journal shorter than its index");
            }
        }
        return buffer.array();
    }

    private static void writeTrack(DataOutputStream out, JournalIndex.Track track) throws IOException {
        out.writeInt(track.size);
        for (int i = 0; i < track.size; i++) {
            out.writeLong(track.offsets[i]);
            out.writeInt(track.lengths[i]);
        }
        out.writeInt(track.last.size());
        for (Map.Entry<String, LedgerEvent> e : track.last.entrySet()) {
            LedgerEvent event = e.getValue();
            out.writeUTF(e.getKey());
            out.writeLong(event.sequence());
            Instant at = event.at();
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano()); // with the seconds above: the exact instant
            out.writeUTF(event.type());
            out.writeInt(event.data().size());
            for (Map.Entry<String, String> d : event.data().entrySet()) {
                out.writeUTF(d.getKey());
                out.writeUTF(d.getValue());
            }
        }
    }

    private static JournalIndex.Track readTrack(DataInputStream in, BmaAddress mailbox) throws IOException {
        int size = in.readInt();
        long[] offsets = new long[Math.max(size, 4)];
        int[] lengths = new int[Math.max(size, 4)];
        for (int i = 0; i < size; i++) {
            offsets[i] = in.readLong();
            lengths[i] = in.readInt();
        }
        int kinds = in.readInt();
        Map<String, LedgerEvent> last = new HashMap<>();
        for (int i = 0; i < kinds; i++) {
            String kind = in.readUTF();
            long seq = in.readLong();
            Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
            String type = in.readUTF();
            int n = in.readInt();
            TreeMap<String, String> data = new TreeMap<>();
            for (int j = 0; j < n; j++) {
                data.put(in.readUTF(), in.readUTF());
            }
            last.put(kind, new LedgerEvent(seq, at, type, Optional.ofNullable(mailbox), data));
        }
        JournalIndex.Track track = new JournalIndex.Track();
        track.restore(offsets, lengths, size, last);
        return track;
    }
}
