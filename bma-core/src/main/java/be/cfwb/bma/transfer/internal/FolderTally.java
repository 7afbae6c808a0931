package be.cfwb.bma.transfer.internal;

import be.cfwb.bma.transfer.FolderMapping;
import be.cfwb.bma.transfer.FolderReport;
import be.cfwb.bma.transfer.MessageProblem;
import be.cfwb.bma.transfer.TargetMessage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A folder's numbers, kept across the attempts of one pass. */
final class FolderTally {

    /** A message skipped (refused for good) or failed (given up after retries). */
    record Problem(MessageProblem problem, boolean failed) {
    }

    long uidValidity;
    int found;
    long foundBytes;
    int copied;
    long copiedBytes;
    int alreadyPresent;
    final Set<Long> copiedUids = new HashSet<>();
    final Set<Long> flagsUpdated = new HashSet<>();
    final Map<Long, Problem> problems = new LinkedHashMap<>();
    final Map<Long, Integer> blame = new HashMap<>();
    final Set<Long> waived = new HashSet<>();
    final List<String> notes = new ArrayList<>();
    /** Copies moved to this folder on the target after their message, by source UID (kept across attempts). */
    final Map<Long, TargetMessage> moved = new HashMap<>();
    int movedCount;
    int deletedOnTarget;
    boolean oneByOne;
    String error;

    FolderReport report(FolderMapping mapping) {
        List<String> allNotes = new ArrayList<>(mapping.notes());
        allNotes.addAll(notes);
        List<MessageProblem> skipped = problems.values().stream().filter(p -> !p.failed).map(Problem::problem).toList();
        List<MessageProblem> failed = problems.values().stream().filter(p -> p.failed).map(Problem::problem).toList();
        return new FolderReport(mapping.source().path(), mapping.target().toString(), allNotes, uidValidity, found,
                foundBytes, copied, copiedBytes, alreadyPresent, flagsUpdated.size(), skipped, failed,
                Optional.ofNullable(error), waived.size(), deletedOnTarget);
    }
}
