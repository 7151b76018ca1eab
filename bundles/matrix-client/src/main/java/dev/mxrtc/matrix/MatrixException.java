package dev.mxrtc.matrix;

import java.util.Objects;

/**
 * A Matrix request failed with an expected outcome; {@link #error()} says which, callers switch on
 * {@link MatrixError#kind()}. Unchecked, so it passes through lambdas; every {@link MatrixClient} method
 * documents it.
 */
public final class MatrixException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient MatrixError error;

    public MatrixException(MatrixError error) {
        super(Objects.requireNonNull(error, "error").errcode() + " (" + error.httpStatus() + "): " + error.message());
        this.error = error;
    }

    public MatrixException(MatrixError error, Throwable cause) {
        this(error);
        initCause(cause);
    }

    /** @return the error, with its errcode, status and retry hint */
    public MatrixError error() {
        return error;
    }

    /** @return shorthand for {@code error().kind()} */
    public ErrorKind kind() {
        return error.kind();
    }
}
