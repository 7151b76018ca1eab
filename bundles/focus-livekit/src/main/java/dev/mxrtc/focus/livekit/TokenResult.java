package dev.mxrtc.focus.livekit;

import java.util.Objects;

/** The outcome of asking a LiveKit service for SFU access: the caller switches on it. */
public sealed interface TokenResult {

    /** The service granted access. */
    record Granted(SfuAccess access) implements TokenResult {
        public Granted {
            Objects.requireNonNull(access, "access");
        }
    }

    /** The service refused, with its HTTP status and Matrix-style {@code errcode} (empty if the body had none). */
    record Refused(int status, String errcode, String error) implements TokenResult {
        public Refused {
            Objects.requireNonNull(errcode, "errcode");
            Objects.requireNonNull(error, "error");
        }
    }

    /** The service could not be reached or answered nonsense. */
    record Unreachable(String reason) implements TokenResult {
        public Unreachable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
