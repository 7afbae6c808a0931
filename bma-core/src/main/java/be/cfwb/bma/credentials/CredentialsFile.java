package be.cfwb.bma.credentials;

import be.cfwb.bma.BmaErrorCode;
import be.cfwb.bma.BmaException;
import be.cfwb.bma.address.BmaAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a per-mailbox credentials file: one {@code address;password} a line, UTF-8; blank
 * lines and lines starting with {@code #} are ignored. The password is everything after the
 * first {@code ;}, kept as is (it may contain {@code ;} or spaces). Errors name the file and
 * line number but never echo the line, which holds a password.
 *
 * <p>As ssh does with a private key, a file that group or others may access is refused before
 * it is read: it holds every mailbox's password, and a copy readable by the whole server is a
 * leak nobody would notice.
 */
public final class CredentialsFile {

    private CredentialsFile() {
    }

    /**
     * Reads {@code file} into a {@link CredentialSource}.
     *
     * @throws BmaException with {@link BmaErrorCode#INVALID_CONFIGURATION} listing every bad line
     */
    public static CredentialSource read(Path file) {
        List<String> lines;
        try {
            requireOwnerOnly(file);
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Credentials file " + file + " cannot be read: " + e.getClass().getSimpleName());
        }
        return CredentialSource.passwords(parse(lines, file.toString()), file.toString());
    }

    /**
     * Refuses {@code file} if group or others have any permission on it. Only where the file
     * system has POSIX permissions: elsewhere (Windows ACLs) there is nothing comparable to check.
     */
    static void requireOwnerOnly(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        boolean open = permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
        if (open) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION, "Credentials file " + file
                    + " is accessible by group or others (" + PosixFilePermissions.toString(permissions)
                    + "); it holds passwords: run chmod 600 " + file + " and try again");
        }
    }

    static Map<BmaAddress, Secret> parse(List<String> lines, String description) {
        Map<BmaAddress, Secret> result = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank() || line.strip().startsWith("#")) {
                continue;
            }
            int semi = line.indexOf(';');
            int number = i + 1;
            if (semi < 0) {
                errors.add("line " + number + ": no ';' between address and password");
                continue;
            }
            String password = line.substring(semi + 1);
            if (password.endsWith("\r")) {
                password = password.substring(0, password.length() - 1);
            }
            BmaAddress address;
            try {
                address = BmaAddress.parse(line.substring(0, semi));
            } catch (BmaException e) {
                errors.add("line " + number + ": the address is not a BMA address");
                continue;
            }
            if (password.isEmpty()) {
                errors.add("line " + number + ": the password of " + address + " is empty");
            } else if (result.putIfAbsent(address, Secret.of(password)) != null) {
                errors.add("line " + number + ": " + address + " appears twice");
            }
        }
        if (!errors.isEmpty()) {
            throw new BmaException(BmaErrorCode.INVALID_CONFIGURATION,
                    "Credentials file " + description + " has " + errors.size() + " bad line(s): " + String.join("; ", errors));
        }
        return result;
    }
}
