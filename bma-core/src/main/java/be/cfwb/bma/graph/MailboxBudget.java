package be.cfwb.bma.graph;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.function.LongSupplier;

/**
 * Outlook's limits for one mailbox, kept on our side so that Graph rarely has to throttle us:
 * a concurrency gate and two sliding windows (requests, uploaded bytes). Waiting here is
 * cheaper than a 429, which Outlook may answer with minutes of Retry-After.
 */
final class MailboxBudget {

    private final int slots;
    private final Semaphore concurrency;
    private volatile long lastUse;
    private final int requestsPerWindow;
    private final long requestWindowNanos;
    private final long bytesPerWindow;
    private final long uploadWindowNanos;
    private final LongSupplier nanoTime;
    private final Deque<Long> requests = new ArrayDeque<>();
    private final Deque<long[]> uploads = new ArrayDeque<>();
    private long uploadedInWindow;

    MailboxBudget(int concurrency, int requestsPerWindow, Duration requestWindow, long bytesPerWindow,
                  Duration uploadWindow, LongSupplier nanoTime) {
        this.slots = concurrency;
        this.concurrency = new Semaphore(concurrency, true);
        this.requestsPerWindow = requestsPerWindow;
        this.requestWindowNanos = requestWindow.toNanos();
        this.bytesPerWindow = bytesPerWindow;
        this.uploadWindowNanos = uploadWindow.toNanos();
        this.nanoTime = nanoTime;
        this.lastUse = nanoTime.getAsLong();
    }

    /** True when nothing is in flight and both windows have emptied: forgetting it loses nothing. */
    boolean isIdle() {
        long now = nanoTime.getAsLong();
        return concurrency.availablePermits() == slots
                && now - lastUse > Math.max(requestWindowNanos, uploadWindowNanos);
    }

    /** Waits for a concurrency slot and room in the windows; {@link #release()} must follow. */
    void acquire(long uploadBytes) throws InterruptedException {
        concurrency.acquire();
        try {
            waitForWindows(uploadBytes);
        } catch (InterruptedException | RuntimeException e) {
            concurrency.release();
            throw e;
        }
    }

    void release() {
        concurrency.release();
    }

    private void waitForWindows(long uploadBytes) throws InterruptedException {
        while (true) {
            long waitNanos;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                while (!requests.isEmpty() && now - requests.peekFirst() >= requestWindowNanos) {
                    requests.pollFirst();
                }
                while (!uploads.isEmpty() && now - uploads.peekFirst()[0] >= uploadWindowNanos) {
                    uploadedInWindow -= uploads.pollFirst()[1];
                }
                boolean requestRoom = requests.size() < requestsPerWindow;
                boolean uploadRoom = uploadBytes == 0 || uploads.isEmpty()
                        || uploadedInWindow + uploadBytes <= bytesPerWindow;
                if (requestRoom && uploadRoom) {
                    lastUse = now;
                    requests.addLast(now);
                    if (uploadBytes > 0) {
                        uploads.addLast(new long[] {now, uploadBytes});
                        uploadedInWindow += uploadBytes;
                    }
                    return;
                }
                long untilRequest = requestRoom ? 0 : requests.peekFirst() + requestWindowNanos - now;
                long untilUpload = uploadRoom ? 0 : uploads.peekFirst()[0] + uploadWindowNanos - now;
                waitNanos = Math.max(1_000_000L, Math.max(untilRequest, untilUpload));
            }
            Thread.sleep(waitNanos / 1_000_000L, (int) (waitNanos % 1_000_000L));
        }
    }
}
