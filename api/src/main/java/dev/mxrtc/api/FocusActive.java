package dev.mxrtc.api;

import java.util.Objects;

/**
 * The legacy {@code focus_active} of an {@code org.matrix.msc3401.call.member} event: the transport type
 * and the name of the algorithm every member uses to converge on one focus.
 *
 * @param type the transport type, e.g. {@code livekit}
 * @param focusSelection the selection algorithm, e.g. {@code oldest_membership} or {@code multi_sfu};
 *        empty when the event names none
 */
public record FocusActive(String type, String focusSelection) {

    public static final String OLDEST_MEMBERSHIP = "oldest_membership";
    public static final String MULTI_SFU = "multi_sfu";

    public FocusActive {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(focusSelection, "focusSelection");
    }
}
