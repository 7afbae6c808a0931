package be.cfwb.bma;

import java.util.Objects;

/**
 * The one exception the toolkit throws. Its message names the input and what is wrong with
 * it; {@link #code()} is stable for programs. Secrets never appear in it.
 */
public class BmaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final BmaErrorCode code;

    public BmaException(BmaErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public BmaException(BmaErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public BmaErrorCode code() {
        return code;
    }
}
