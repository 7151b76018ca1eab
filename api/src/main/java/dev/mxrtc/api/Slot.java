package dev.mxrtc.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A slot as its {@code m.rtc.slot} state event declares it.
 *
 * @param roomId the room
 * @param id the slot id (the state key)
 * @param open whether the slot is open; a malformed slot event counts as closed
 * @param application the application the slot is for, if declared
 * @param encryption the media encryption mechanism, if declared
 */
public record Slot(String roomId, SlotId id, boolean open, Optional<Application> application,
        Optional<Encryption> encryption) {

    public Slot {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(application, "application");
        Objects.requireNonNull(encryption, "encryption");
    }
}
