package dev.mxrtc.api;

import java.util.Objects;

/**
 * A slot id, {@code {application}#{id}} (MSC4143), e.g. {@code m.call#ROOM}.
 *
 * <p>The value is opaque on the wire; this record only guarantees that it holds exactly one {@code #}
 * with a non-empty application part, which is what matrix-js-sdk 43 requires of a slot id.
 *
 * @param value the slot id as it appears on the wire
 */
public record SlotId(String value) implements Comparable<SlotId> {

    /** The room-wide call slot of MSC4196. */
    public static final SlotId ROOM_CALL = new SlotId("m.call#ROOM");

    public SlotId {
        Objects.requireNonNull(value, "value");
        int hash = value.indexOf('#');
        if (hash <= 0 || value.indexOf('#', hash + 1) >= 0) {
            throw new IllegalArgumentException("a slot id is {application}#{id} with exactly one '#': " + value);
        }
    }

    /** @return the slot id made of an application type and an application slot id */
    public static SlotId of(String application, String id) {
        return new SlotId(application + "#" + id);
    }

    /** @return whether {@code value} is a well-formed slot id */
    public static boolean isValid(String value) {
        if (value == null) {
            return false;
        }
        int hash = value.indexOf('#');
        return hash > 0 && value.indexOf('#', hash + 1) < 0;
    }

    /** @return the application type part, before the {@code #} */
    public String application() {
        return value.substring(0, value.indexOf('#'));
    }

    /** @return the application's own slot id, after the {@code #} */
    public String id() {
        return value.substring(value.indexOf('#') + 1);
    }

    @Override
    public int compareTo(SlotId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
