package be.cfwb.bma.graph;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.address.BmaAddress;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of provisioning one mailbox: ready (with its folders' state) or failed (with
 * the reason, naming the mailbox and what to fix). A failed mailbox never stops the others.
 */
public record MailboxProvisioning(BmaAddress mailbox, Optional<String> userId, List<FolderState> folders,
                                  Optional<BmaErrorCode> errorCode, Optional<String> failure) {

    public MailboxProvisioning {
        Objects.requireNonNull(mailbox, "mailbox");
        folders = List.copyOf(folders);
        if (errorCode.isPresent() != failure.isPresent()) {
            throw new IllegalArgumentException("A failure needs both a code and a reason");
        }
    }

    static MailboxProvisioning ready(BmaAddress mailbox, String userId, List<FolderState> folders) {
        return new MailboxProvisioning(mailbox, Optional.of(userId), folders, Optional.empty(), Optional.empty());
    }

    static MailboxProvisioning failed(BmaAddress mailbox, BmaErrorCode code, String reason) {
        return new MailboxProvisioning(mailbox, Optional.empty(), List.of(), Optional.of(code), Optional.of(reason));
    }

    public boolean isReady() {
        return failure.isEmpty();
    }

    /** The state of one folder, if it was provisioned. */
    public Optional<FolderState> folder(FolderSpec spec) {
        return folders.stream().filter(f -> f.folder().equals(spec)).findFirst();
    }

    /** Items already in the provisioned folders. */
    public long totalItems() {
        return folders.stream().mapToLong(FolderState::totalItemCount).sum();
    }

    /** Bytes already in the provisioned folders (folders whose size Graph did not give count as zero). */
    public long totalBytes() {
        return folders.stream().mapToLong(f -> f.sizeInBytes().orElse(0)).sum();
    }
}
