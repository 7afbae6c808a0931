package be.cfwb.bma.transfer;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;
import be.cfwb.bma.transfer.internal.ContentMatcher;
import be.cfwb.bma.transfer.internal.HeaderDigest;
import be.cfwb.bma.transfer.internal.SourceUids;
import be.cfwb.bma.transfer.internal.LoginGate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Proves a transfer: for each mailbox, every source message is on the target exactly once
 * (by its key; by content for copies made under an earlier UIDVALIDITY), with the same flags
 * and received date, and — where the target keeps the bytes — the same bytes (SHA-256 of the
 * copy against the trace header followed by the original; RFC822.SIZE is approximate on some
 * servers, so sizes are not trusted). Also lists, per target folder, the copies carrying our
 * trace key that no source message accounts for ({@link ExtraCopy}). Reads both sides, changes
 * nothing.
 */
public final class Verifier {

    private final TransferSettings settings;
    private final Clock clock;
    private final Function<BmaAddress, Set<SourceKey>> waived;
    private final Function<BmaAddress, SyncedFlags> synced;

    public Verifier(TransferSettings settings, Clock clock) {
        this(settings, clock, mailbox -> Set.of());
    }

    /** A verifier that knows neither waived messages nor what the ledger records of each copy. */
    public Verifier(TransferSettings settings, Clock clock, Function<BmaAddress, Set<SourceKey>> waived) {
        this(settings, clock, waived, SyncedFlags::none);
    }

    /**
     * A verifier that lists the messages {@code waived} gives for a mailbox (those ops waived,
     * {@link MessageWaivers#waived}) as waived when they are not on the target, not as missing;
     * and that judges each copy by what the ledger records of it ({@code synced},
     * {@link SyncedFlags#load}): a flag the user changed on the target is theirs, not a difference,
     * and a recorded copy the user deleted there is listed as such ({@link MailboxVerification#deletedOnTarget}).
     */
    public Verifier(TransferSettings settings, Clock clock, Function<BmaAddress, Set<SourceKey>> waived,
                    Function<BmaAddress, SyncedFlags> synced) {
        this.synced = Objects.requireNonNull(synced, "synced");
        // One set of login gates per verifier: a refused shared login is not tried by every mailbox.
        this.settings = LoginGate.guard(settings);
        this.clock = clock;
        this.waived = Objects.requireNonNull(waived, "waived");
    }

    public VerifyReport verify(Collection<BmaAddress> mailboxes) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<BmaAddress> list = List.copyOf(mailboxes);
        if (list.isEmpty()) {
            return new VerifyReport(started, Duration.ZERO, List.of());
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(settings.parallelism(), list.size()));
        try {
            List<Future<MailboxVerification>> futures = new ArrayList<>();
            for (BmaAddress a : list) {
                futures.add(pool.submit(() -> verifyOne(a)));
            }
            List<MailboxVerification> results = new ArrayList<>();
            for (Future<MailboxVerification> f : futures) {
                results.add(f.get());
            }
            return new VerifyReport(started, Duration.ofNanos(System.nanoTime() - t0), results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BmaException(BmaErrorCode.INTERNAL, "Interrupted while verifying", e);
        } catch (ExecutionException e) {
            throw new BmaException(BmaErrorCode.INTERNAL, "A verify worker died: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Verifies one mailbox; its failures are in the result. */
    public MailboxVerification verifyOne(BmaAddress mailbox) {
        int sourceCount = 0;
        int present = 0;
        List<MessageProblem> missing = new ArrayList<>();
        List<MessageProblem> duplicated = new ArrayList<>();
        List<MessageProblem> mismatched = new ArrayList<>();
        List<ExtraCopy> extra = new ArrayList<>();
        List<MessageProblem> waivedFound = new ArrayList<>();
        List<MessageProblem> deleted = new ArrayList<>();
        Set<SourceKey> waivedKeys = waived.apply(mailbox);
        SyncedFlags copiedFlags = synced.apply(mailbox);
        try (MailboxSource source = settings.source().open(mailbox);
             MailboxTarget target = settings.target().open(mailbox)) {
            List<FolderMapping> mappings = settings.folderMapper().map(source.folders(), target.reservedNameCharacter());
            // Each target folder read once (several source folders may go to one); what no source
            // message accounts for in it is an extra copy.
            Map<TargetFolder, List<TargetMessage>> onTarget = new LinkedHashMap<>();
            Set<TargetMessage> accounted = Collections.newSetFromMap(new IdentityHashMap<>());
            Map<FolderPath, Long> listed = new HashMap<>();
            Set<SourceKey> onSource = new HashSet<>();
            SourceUids uids = new SourceUids(() -> source);
            for (FolderMapping mapping : mappings) {
                if (!mapping.source().holdsMessages()) {
                    continue;
                }
                FolderPath path = mapping.source().path();
                FolderListing listing = source.list(path, 0);
                listed.put(path, listing.uidValidity());
                uids.known(path, listing);
                long uv = listing.uidValidity();
                Map<SourceKey, List<TargetMessage>> byKey = new HashMap<>();
                List<ContentMatcher.Candidate> stale = new ArrayList<>();
                for (TargetMessage t : onTarget.computeIfAbsent(mapping.target(), target::messages)) {
                    SourceKey k = t.key();
                    if (k.sameFolder(mailbox, path) && k.uidValidity() == uv) {
                        byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(t);
                    } else if (k.sameFolder(mailbox, path) || (k.mailbox().equals(mailbox) && !uids.has(k))) {
                        // Renumbered, or moved here after its message (moved or in a renamed folder on the old server).
                        stale.add(new ContentMatcher.Candidate(mapping.target(), t));
                    }
                }
                ContentMatcher matcher = new ContentMatcher(stale,
                        c -> target.openCopy(c.folder(), c.copy()).map(HeaderDigest::of));
                for (SourceMessage m : listing.messages()) {
                    sourceCount++;
                    SourceKey key = new SourceKey(mailbox, path, uv, m.uid());
                    onSource.add(key);
                    List<TargetMessage> copies = byKey.getOrDefault(key, List.of());
                    TargetMessage copy = copies.isEmpty() ? null : copies.get(0);
                    boolean byContent = false;
                    if (copy == null && matcher.mayMatch(m)) {
                        ContentMatcher.Candidate c = matcher.take(m, () -> HeaderDigest.of(source.open(path, uv, m.uid())));
                        copy = c == null ? null : c.copy();
                        byContent = copy != null;
                    }
                    accounted.addAll(copies);
                    if (copy != null) {
                        accounted.add(copy);
                    }
                    if (copy == null && waivedKeys.contains(key)) {
                        waivedFound.add(problem(path, m, "waived (bma:waive): not copied on purpose"));
                    } else if (copy == null && copiedFlags.copied(key)) {
                        deleted.add(problem(path, m, "deleted (or moved away) on the target by the user after its copy;"
                                + " the old server still has it"));
                    } else if (copy == null) {
                        missing.add(problem(path, m, "not on the target (" + mapping.target() + ")"));
                    } else if (copies.size() > 1) {
                        duplicated.add(problem(path, m, copies.size() + " copies on the target"));
                    } else {
                        TargetMessage found = copy;
                        MessageFlags expected = copiedFlags.base(copy.key())
                                .map(b -> SyncedFlags.merge(b, m.flags(), found.flags())).orElse(m.flags());
                        Optional<String> difference = difference(m, copy, expected, !byContent)
                                .or(() -> byteDifference(source, target, mapping.target(), path, uv, m, found));
                        if (difference.isPresent()) {
                            mismatched.add(problem(path, m, difference.get()));
                        } else {
                            present++;
                        }
                    }
                }
            }
            for (Map.Entry<TargetFolder, List<TargetMessage>> folder : onTarget.entrySet()) {
                extra.addAll(extras(mailbox, folder.getKey(), folder.getValue(), accounted, listed, onSource));
            }
            return new MailboxVerification(mailbox, sourceCount, present, missing, duplicated, mismatched, extra,
                    Optional.empty(), waivedFound, deleted);
        } catch (RuntimeException e) {
            return new MailboxVerification(mailbox, sourceCount, present, missing, duplicated, mismatched, extra,
                    Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), waivedFound,
                    deleted);
        }
    }

    /** The copies of {@code folder} no source message took, one entry per key, with the likely cause. */
    private static List<ExtraCopy> extras(BmaAddress mailbox, TargetFolder folder, List<TargetMessage> messages,
                                          Set<TargetMessage> accounted, Map<FolderPath, Long> listed,
                                          Set<SourceKey> onSource) {
        Map<SourceKey, Integer> counts = new LinkedHashMap<>();
        for (TargetMessage t : messages) {
            if (!accounted.contains(t)) {
                counts.merge(t.key(), 1, Integer::sum);
            }
        }
        List<ExtraCopy> result = new ArrayList<>();
        for (Map.Entry<SourceKey, Integer> e : counts.entrySet()) {
            SourceKey key = e.getKey();
            Long uidValidity = listed.get(key.folder());
            String why;
            if (!key.mailbox().equals(mailbox)) {
                why = "copied from another mailbox, " + key.mailbox();
            } else if (uidValidity == null) {
                why = "its folder " + key.folder() + " is no longer on the old server (renamed or deleted there after the copy?)";
            } else if (onSource.contains(key)) {
                why = "another copy of UID " + key.uid() + " of " + key.folder() + ", which the old server still has"
                        + " (copied twice, or moved on the target?)";
            } else if (uidValidity != key.uidValidity()) {
                why = "copied under an earlier UIDVALIDITY of " + key.folder() + " and no message there matches it now"
                        + " (deleted or changed on the old server?)";
            } else {
                why = "UID " + key.uid() + " of " + key.folder() + " is no longer on the old server (deleted or moved"
                        + " there after the copy?)";
            }
            String reason = (e.getValue() > 1 ? e.getValue() + " copies in " : "in ") + folder + ": " + why;
            result.add(new ExtraCopy(folder.toString(), key, e.getValue(), reason));
        }
        return result;
    }

    /**
     * What differs: flags other than {@code expected} (the old server's, but for those the user changed
     * on the target since the copy) and, unless the copy was found by content (the old server may have
     * re-dated a renumbered folder; the copy keeps the date it had), the received date.
     */
    private static Optional<String> difference(SourceMessage m, TargetMessage t, MessageFlags expected, boolean dates) {
        List<String> d = new ArrayList<>();
        if (!expected.equals(t.flags())) {
            d.add("flags " + t.flags() + " instead of " + expected);
        }
        if (dates && m.internalDate().getEpochSecond() != t.internalDate().getEpochSecond()) {
            d.add("date " + t.internalDate() + " instead of " + m.internalDate());
        }
        return d.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", d));
    }

    /** Compares the bytes where the target keeps them: the copy must be the trace header then the original. */
    private static Optional<String> byteDifference(MailboxSource source, MailboxTarget target, TargetFolder folder,
                                                   FolderPath path, long uidValidity, SourceMessage m, TargetMessage copy) {
        Optional<InputStream> stored = target.openCopy(folder, copy);
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        // The campaign's line is not the original's: compared as the key's line and the original.
        try (InputStream copyBytes = CopyTrace.withoutCampaignLine(stored.get());
             InputStream original = new SequenceInputStream(
                     new ByteArrayInputStream(copy.key().headerLine().getBytes(StandardCharsets.US_ASCII)),
                     source.open(path, uidValidity, m.uid()))) {
            byte[] a = digest(copyBytes);
            byte[] b = digest(original);
            return MessageDigest.isEqual(a, b) ? Optional.empty()
                    : Optional.of("bytes differ from the original (SHA-256 of the copy without its trace header)");
        } catch (IOException e) {
            throw TransferException.retryable("Comparing the bytes of UID " + m.uid() + " of " + path + " failed: "
                    + e.getMessage(), e);
        }
    }

    private static byte[] digest(InputStream in) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static MessageProblem problem(FolderPath path, SourceMessage m, String reason) {
        return new MessageProblem(path, m.uid(), m.size(), m.internalDate(), reason);
    }
}
