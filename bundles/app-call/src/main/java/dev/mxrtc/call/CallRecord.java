package dev.mxrtc.call;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One session of a slot, as recorded.
 *
 * @param id the record id
 * @param roomId the room
 * @param slotId the slot
 * @param startTs when the session started
 * @param endTs when it ended; empty while it runs
 * @param endReason {@code ended} (last member left), or {@code runtime_stopped} when the runtime stopped before
 *        it saw the end (closed at the next start-up, at the last time the runtime was known to run)
 * @param participants who joined, in join order (a member who rejoins appears again)
 */
public record CallRecord(long id, String roomId, String slotId, long startTs, OptionalLong endTs, String endReason,
        List<Participant> participants) {

    public CallRecord {
        Objects.requireNonNull(roomId, "roomId");
        Objects.requireNonNull(slotId, "slotId");
        Objects.requireNonNull(endTs, "endTs");
        Objects.requireNonNull(endReason, "endReason");
        participants = List.copyOf(participants);
    }

    /** @return the duration in ms, or empty while the call runs */
    public OptionalLong durationMs() {
        return endTs.isPresent() ? OptionalLong.of(endTs.getAsLong() - startTs) : OptionalLong.empty();
    }

    /**
     * One join of one device.
     *
     * @param userId the user
     * @param deviceId the device
     * @param memberId the member id
     * @param joinTs when it joined
     * @param leaveTs when it left; empty while joined
     */
    public record Participant(String userId, String deviceId, String memberId, long joinTs, OptionalLong leaveTs) {
        public Participant {
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(leaveTs, "leaveTs");
        }
    }
}
