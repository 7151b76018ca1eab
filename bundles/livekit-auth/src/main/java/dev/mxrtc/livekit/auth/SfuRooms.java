package dev.mxrtc.livekit.auth;

import java.io.IOException;
import java.util.Set;

/** The SFU's room service, as far as the authorisation service uses it. */
public interface SfuRooms {
    /** Creates the room (or finds it existing): empty timeout 300 s, departure timeout 20 s, no participant limit. */
    void create(String roomAlias) throws IOException;

    /** Identities of the participants now in the room; empty when the room does not exist. */
    Set<String> participants(String roomAlias) throws IOException;
}
