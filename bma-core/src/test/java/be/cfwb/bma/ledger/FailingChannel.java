package be.cfwb.bma.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A journal channel that behaves as a disk filling up: once armed, a write stores at most
 * {@code room} more bytes, then fails as the kernel does ("No space left on device"); it can also
 * refuse to truncate, as a dying disk might.
 */
final class FailingChannel extends FileChannel {

    private final FileChannel delegate;
    private long room = Long.MAX_VALUE;
    private boolean truncateFails;

    FailingChannel(FileChannel delegate) {
        this.delegate = delegate;
    }

    /** From now on, only {@code bytes} more bytes fit. */
    void fillUpAfter(long bytes) {
        room = bytes;
    }

    void failTruncation() {
        truncateFails = true;
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (room <= 0) {
            throw new IOException("No space left on device");
        }
        if (src.remaining() > room) {
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) room);
            int n = delegate.write(part, position);
            src.position(src.position() + n);
            room -= n;
            return n;
        }
        int n = delegate.write(src, position);
        room -= n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = write(src, delegate.position());
        delegate.position(delegate.position() + n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (truncateFails) {
            throw new IOException("Input/output error");
        }
        delegate.truncate(size);
        return this;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return delegate.read(dst);
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        return delegate.read(dsts, offset, length);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        return delegate.read(dst, position);
    }

    @Override
    public long position() throws IOException {
        return delegate.position();
    }

    @Override
    public FileChannel position(long newPosition) throws IOException {
        delegate.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        delegate.force(metaData);
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        return delegate.transferTo(position, count, target);
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        return delegate.transferFrom(src, position, count);
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
        return delegate.map(mode, position, size);
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) throws IOException {
        return delegate.lock(position, size, shared);
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) throws IOException {
        return delegate.tryLock(position, size, shared);
    }

    @Override
    protected void implCloseChannel() throws IOException {
        delegate.close();
    }
}
