package be.cfwb.bma.transfer;

import be.cfwb.bma.address.BmaAddress;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What one pass did with one mailbox: per folder counts, the messages not copied with their
 * reasons, retries, throttling and waits ({@link RetryStats}), duration, and the error that
 * stopped it if one did.
 */
public record MailboxReport(BmaAddress mailbox, Pass pass, Instant started, Duration duration, RetryStats retryStats,
                            List<FolderReport> folders, Optional<String> error) {

    public MailboxReport {
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(pass, "pass");
        Objects.requireNonNull(started, "started");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(retryStats, "retryStats");
        folders = List.copyOf(folders);
        error = error == null ? Optional.empty() : error;
    }

    /** A report that knows only how many retries there were (no throttling, no waits). */
    public MailboxReport(BmaAddress mailbox, Pass pass, Instant started, Duration duration, int retries,
                         List<FolderReport> folders, Optional<String> error) {
        this(mailbox, pass, started, duration, RetryStats.retries(retries), folders, error);
    }

    /** Attempts made again after failures that may pass. */
    public int retries() {
        return retryStats.retries();
    }

    /** Answers that asked to come back later (throttling, HTTP 429/503). */
    public int throttled() {
        return retryStats.throttled();
    }

    /** Time spent waiting before trying again. */
    public Duration waited() {
        return retryStats.waited();
    }

    /** True if every source message is on the target. */
    public boolean isComplete() {
        return error.isEmpty() && folders.stream().allMatch(FolderReport::isComplete);
    }

    public int found() {
        return folders.stream().mapToInt(FolderReport::found).sum();
    }

    public long foundBytes() {
        return folders.stream().mapToLong(FolderReport::foundBytes).sum();
    }

    public int copied() {
        return folders.stream().mapToInt(FolderReport::copied).sum();
    }

    public long copiedBytes() {
        return folders.stream().mapToLong(FolderReport::copiedBytes).sum();
    }

    /** Messages not copied because ops waived them. */
    public int waived() {
        return folders.stream().mapToInt(FolderReport::waived).sum();
    }

    /** Messages whose copy the user deleted on the target since it was made: not copied again. */
    public int deletedOnTarget() {
        return folders.stream().mapToInt(FolderReport::deletedOnTarget).sum();
    }

    public int alreadyPresent() {
        return folders.stream().mapToInt(FolderReport::alreadyPresent).sum();
    }

    public int flagsUpdated() {
        return folders.stream().mapToInt(FolderReport::flagsUpdated).sum();
    }

    /** Messages the target refused for good, with reasons. */
    public List<MessageProblem> skipped() {
        return folders.stream().flatMap(f -> f.skipped().stream()).toList();
    }

    /** Messages that failed after retries, with reasons. */
    public List<MessageProblem> failed() {
        return folders.stream().flatMap(f -> f.failed().stream()).toList();
    }

    /** Every problem, folder errors included, as lines for people. */
    public List<String> problems() {
        return Stream.concat(error.stream().map(e -> "mailbox: " + e),
                folders.stream().flatMap(f -> Stream.concat(f.error().stream().map(e -> f.source() + ": " + e),
                        Stream.concat(f.skipped().stream(), f.failed().stream())
                                .map(p -> f.source() + " UID " + p.uid() + ": " + p.reason())))).toList();
    }
}
