package dev.mxrtc.api.spi;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Session;

/**
 * An RTC application type (e.g. {@code m.call}): checks its own fields and follows its sessions.
 * Register as a service with the property {@value #TYPE_PROPERTY}.
 */
public interface RtcApplication {

    /** Service property naming the application type. */
    String TYPE_PROPERTY = "mxrtc.application.type";

    /** @return the application type */
    String type();

    /** @return whether a member's application fields are acceptable to this application */
    Validation validate(Application application);

    /** A session of this application changed (started, members changed or ended). */
    default void sessionChanged(Session session) {
    }

    /** The outcome of {@link #validate(Application)}. */
    sealed interface Validation {
        record Valid() implements Validation {
        }

        record Invalid(String reason) implements Validation {
        }
    }
}
