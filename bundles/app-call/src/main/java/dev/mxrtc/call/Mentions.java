package dev.mxrtc.call;

import java.util.List;

/**
 * The {@code m.mentions} of a notification: who it rings.
 *
 * @param userIds the users mentioned
 * @param room whether the whole room is mentioned ({@code @room}; the sender needs the room notification power)
 */
public record Mentions(List<String> userIds, boolean room) {

    public Mentions {
        userIds = List.copyOf(userIds);
        if (!room && userIds.isEmpty()) {
            throw new IllegalArgumentException("a notification mentions the room or at least one user");
        }
    }

    /** @return mentions of the given users */
    public static Mentions users(String... userIds) {
        return new Mentions(List.of(userIds), false);
    }

    /** @return a room mention, as matrix-js-sdk 43 sends it */
    public static Mentions everyone() {
        return new Mentions(List.of(), true);
    }
}
