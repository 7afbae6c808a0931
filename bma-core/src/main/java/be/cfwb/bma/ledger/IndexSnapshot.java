package be.cfwb.bma.ledger;

import be.cfwb.bma.address.BmaAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ledger's index saved beside it ({@value #FILE}), so that opening a long ledger reads the
 * index and only the lines appended since, not the whole journal. A cache, never the truth: it
 * records the journal length it covers and the bytes just before that point, and is ignored
 * (the journal is read whole, and the index written again) when they do not match the journal,
 * when it is of another format version, or unreadable. Written to a temporary file and moved
 * into place atomically.
 *
 * <p>Two sections: first the last event of each kind per mailbox (its strings written once, in
 * a table), which opening reads; then where every line of each mailbox is, which opening skips:
 * it is read only for a history ({@link Stored#entries}), {@value #ENTRY} bytes a line.
 */
final class IndexSnapshot {

    static final String FILE = "ledger.index";
    static final String MAGIC = "bma-ledger-index/2";

    private static final Logger LOG = LoggerFactory.getLogger(IndexSnapshot.class);
    private static final int TAIL = 256;
    private static final int ENTRY = Long.BYTES + Integer.BYTES;
    private static final SecureRandom IDS = new SecureRandom();

    private IndexSnapshot() {
    }

    /**
     * The offsets section of one saved index, told apart from any later one by a random id: read
     * through a channel opened once and kept until {@link #close} (a newer index moved into place
     * meanwhile does not change what it reads), then, for the histories still read after the
     * ledger is closed, through a channel of their own, only while the file is still this one.
     */
    static final class Stored {
        private final Path file;
        private final long id;
        private final long length;
        private final long offsetsAt;
        private FileChannel channel;
        private boolean closed;

        Stored(Path file, long id, long length, long offsetsAt) {
            this.file = file;
            this.id = id;
            this.length = length;
            this.offsetsAt = offsetsAt;
        }

        Path file() {
            return file;
        }

        /** The journal length this index covers. */
        long length() {
            return length;
        }

        /** Entries {@code first} to {@code first + n} of the offsets section, or empty if the file is no longer this index. */
        synchronized Optional<byte[]> entries(long first, int n) throws IOException {
            FileChannel ch = channel;
            boolean own = false;
            if (ch == null) {
                try {
                    ch = FileChannel.open(file, StandardOpenOption.READ);
                } catch (NoSuchFileException e) {
                    return Optional.empty();
                }
                if (!isThis(ch)) {
                    ch.close();
                    return Optional.empty();
                }
                own = closed;
                if (!closed) {
                    channel = ch;
                }
            }
            try {
                ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(n, ENTRY));
                long at = offsetsAt + first * ENTRY;
                while (buffer.hasRemaining()) {
                    if (ch.read(buffer, at + buffer.position()) < 0) {
                        throw new IOException("ledger index " + file + " is shorter than it says");
                    }
                }
                return Optional.of(buffer.array());
            } finally {
                if (own) {
                    ch.close();
                }
            }
        }

        private boolean isThis(FileChannel ch) {
            try {
                ByteBuffer header = ByteBuffer.allocate(Integer.BYTES + MAGIC.length() + Long.BYTES);
                while (header.hasRemaining() && ch.read(header, header.position()) > 0) {
                    // until the header is read, or the file ends
                }
                header.flip();
                return header.remaining() == header.capacity() && isMagic(header) && header.getLong() == id;
            } catch (IOException e) {
                return false;
            }
        }

        synchronized void close() {
            closed = true;
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.debug("Closing {} failed", file, e);
                }
                channel = null;
            }
        }
    }

    /** The index saved for {@code journal}, if there is one that matches it: the last events read, the offsets left on disk. */
    static Optional<JournalIndex.Index> read(Path dir, FileChannel journal) {
        Path file = dir.resolve(FILE);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // Mapped, not streamed: the section of last events is read value by value, without a call per byte.
            ByteBuffer in = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            if (!isMagic(in)) {
                LOG.info("Ledger index {} is not of this version ({}); reading the journal whole", file, MAGIC);
                return Optional.empty();
            }
            long id = in.getLong();
            long length = in.getLong();
            long count = in.getLong();
            byte[] tail = new byte[in.getInt()];
            in.get(tail);
            if (length > journal.size() || !Arrays.equals(tail, tail(journal, length))) {
                LOG.info("Ledger index {} does not match the journal; reading the journal whole", file);
                return Optional.empty();
            }
            String[] strings = new String[in.getInt()];
            for (int i = 0; i < strings.length; i++) {
                strings[i] = readString(in);
            }
            JournalIndex.Index index = new JournalIndex.Index();
            index.length = length;
            index.count = count;
            index.snapshotCount = count;
            index.runWide = readTrack(in, strings, null);
            int mailboxes = in.getInt();
            for (int i = 0; i < mailboxes; i++) {
                BmaAddress mailbox = BmaAddress.parse(strings[in.getInt()]);
                index.byMailbox.put(mailbox, readTrack(in, strings, mailbox));
            }
            index.stored = new Stored(file, id, length, in.position());
            return Optional.of(index);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.info("Ledger index {} is unreadable ({}); reading the journal whole", file, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Saves {@code index}, which covers the journal up to {@code length}; a failure only costs the
     * next open time. Once saved, the offsets are dropped from memory and read from the new file.
     */
    static void write(Path dir, FileChannel journal, JournalIndex.Index index, long length) {
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + "." + ProcessHandle.current().pid() + ".tmp");
        try {
            List<Map.Entry<BmaAddress, JournalIndex.Track>> tracks = new ArrayList<>(index.byMailbox.entrySet());
            Map<String, Integer> strings = new LinkedHashMap<>();
            collect(index.runWide, strings);
            for (Map.Entry<BmaAddress, JournalIndex.Track> e : tracks) {
                strings.computeIfAbsent(e.getKey().toString(), s -> strings.size());
                collect(e.getValue(), strings);
            }
            long id = IDS.nextLong();
            long offsetsAt;
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16))) {
                writeString(out, MAGIC);
                out.writeLong(id);
                out.writeLong(length);
                out.writeLong(index.count);
                byte[] tail = tail(journal, length);
                out.writeInt(tail.length);
                out.write(tail);
                out.writeInt(strings.size());
                for (String s : strings.keySet()) {
                    writeString(out, s);
                }
                long entry = writeTrack(out, index.runWide, strings, 0);
                out.writeInt(tracks.size());
                for (Map.Entry<BmaAddress, JournalIndex.Track> e : tracks) {
                    out.writeInt(strings.get(e.getKey().toString()));
                    entry = writeTrack(out, e.getValue(), strings, entry);
                }
                offsetsAt = out.size();
                byte[] stored = index.stored == null ? null : index.stored.entries(0, 0).orElse(null);
                if (index.stored != null && stored == null) {
                    throw new IOException("the index it was read from was replaced meanwhile");
                }
                writeOffsets(out, index.runWide, index.stored);
                for (Map.Entry<BmaAddress, JournalIndex.Track> e : tracks) {
                    writeOffsets(out, e.getValue(), index.stored);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            index.snapshotCount = index.count;
            // From now on the offsets are read from the new file: the memory they held is freed.
            Stored saved = new Stored(file, id, length, offsetsAt);
            long entry = forget(index.runWide, 0);
            for (Map.Entry<BmaAddress, JournalIndex.Track> e : tracks) {
                entry = forget(e.getValue(), entry);
            }
            if (index.stored != null) {
                index.stored.close();
            }
            index.stored = saved;
            index.length = length;
        } catch (IOException | RuntimeException e) {
            LOG.debug("Ledger index {} not written", file, e);
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do: the snapshot is only a cache
            }
        }
    }

    /** A string as its length then its UTF-8 bytes (no length limit, unlike {@code writeUTF}). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** True if {@code in} starts with this version's {@link #MAGIC} (read past it); an older index starts otherwise. */
    private static boolean isMagic(ByteBuffer in) {
        byte[] magic = MAGIC.getBytes(StandardCharsets.UTF_8);
        if (in.remaining() < Integer.BYTES + magic.length || in.getInt() != magic.length) {
            return false;
        }
        byte[] read = new byte[magic.length];
        in.get(read);
        return Arrays.equals(read, magic);
    }

    private static String readString(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalStateException("a string of " + n + " bytes where " + in.remaining() + " are left");
        }
        byte[] bytes = new byte[n];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
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

    private static void collect(JournalIndex.Track track, Map<String, Integer> strings) {
        for (Map.Entry<String, LedgerEvent> e : track.last.entrySet()) {
            strings.computeIfAbsent(e.getKey(), s -> strings.size());
            strings.computeIfAbsent(e.getValue().type(), s -> strings.size());
            for (Map.Entry<String, String> d : e.getValue().data().entrySet()) {
                strings.computeIfAbsent(d.getKey(), s -> strings.size());
                strings.computeIfAbsent(d.getValue(), s -> strings.size());
            }
        }
    }

    /** Writes the last events of {@code track}; its lines will be entries {@code entry} on. Returns the next free entry. */
    private static long writeTrack(DataOutputStream out, JournalIndex.Track track, Map<String, Integer> strings, long entry)
            throws IOException {
        out.writeInt(track.total());
        out.writeLong(entry);
        out.writeInt(track.last.size());
        for (Map.Entry<String, LedgerEvent> e : track.last.entrySet()) {
            LedgerEvent event = e.getValue();
            out.writeInt(strings.get(e.getKey()));
            out.writeLong(event.sequence());
            Instant at = event.at();
            out.writeLong(at.getEpochSecond());
            out.writeInt(at.getNano()); // with the seconds above: the exact instant
            out.writeInt(strings.get(event.type()));
            out.writeInt(event.data().size());
            for (Map.Entry<String, String> d : event.data().entrySet()) {
                out.writeInt(strings.get(d.getKey()));
                out.writeInt(strings.get(d.getValue()));
            }
        }
        return entry + track.total();
    }

    private static void writeOffsets(DataOutputStream out, JournalIndex.Track track, Stored stored) throws IOException {
        if (track.stored > 0) {
            out.write(stored.entries(track.storedAt, track.stored).orElseThrow(
                    () -> new IOException("the index it was read from was replaced meanwhile")));
        }
        for (int i = 0; i < track.size; i++) {
            out.writeLong(track.offsets[i]);
            out.writeInt(track.lengths[i]);
        }
    }

    private static long forget(JournalIndex.Track track, long entry) {
        track.stored = track.total();
        track.storedAt = entry;
        track.offsets = new long[0];
        track.lengths = new int[0];
        track.size = 0;
        return entry + track.stored;
    }

    private static JournalIndex.Track readTrack(ByteBuffer in, String[] strings, BmaAddress mailbox) {
        JournalIndex.Track track = new JournalIndex.Track();
        track.stored = in.getInt();
        track.storedAt = in.getLong();
        track.offsets = new long[0];
        track.lengths = new int[0];
        int kinds = in.getInt();
        Map<String, LedgerEvent> last = new HashMap<>(kinds * 2);
        Optional<BmaAddress> owner = Optional.ofNullable(mailbox);
        for (int i = 0; i < kinds; i++) {
            String kind = strings[in.getInt()];
            long seq = in.getLong();
            Instant at = Instant.ofEpochSecond(in.getLong(), in.getInt());
            String type = strings[in.getInt()];
            int n = in.getInt();
            TreeMap<String, String> data = new TreeMap<>();
            for (int j = 0; j < n; j++) {
                data.put(strings[in.getInt()], strings[in.getInt()]);
            }
            last.put(kind, new LedgerEvent(seq, at, type, owner, data));
        }
        track.last.putAll(last);
        return track;
    }
}
