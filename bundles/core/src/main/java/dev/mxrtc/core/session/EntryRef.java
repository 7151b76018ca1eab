package dev.mxrtc.core.session;

import java.util.Objects;

/** What identifies one membership record in a room: a sticky map key or a legacy state key. */
public sealed interface EntryRef {

    /**
     * MSC4354 ephemeral-map key (the room is implicit). Stable and unstable {@code m.rtc.member} share
     * this key space: they are one event type under two names.
     */
    record Sticky(String sender, String key) implements EntryRef {
        public Sticky {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(key, "key");
        }
    }

    /** A legacy {@code org.matrix.msc3401.call.member} state key. */
    record Legacy(String stateKey) implements EntryRef {
        public Legacy {
            Objects.requireNonNull(stateKey, "stateKey");
        }
    }
}
