package dev.mxrtc.core.session;

import java.util.Objects;

import dev.mxrtc.core.parse.MemberContent;

/**
 * The current event behind one {@link EntryRef}.
 *
 * @param seq the collection position: assigned when the key first enters its map and kept while it stays
 *        (a replaced value keeps its place, as in a JavaScript {@code Map})
 * @param eventId the current event
 * @param rank sticky newest-wins rank ({@code origin_server_ts}, as matrix-js-sdk 43); 0 for legacy
 * @param expiresTs sticky: end of stickiness; legacy: {@link Long#MAX_VALUE} (the member carries its expiry)
 * @param content what the event says
 */
public record Entry(long seq, String eventId, long rank, long expiresTs, MemberContent content) {

    public Entry {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(content, "content");
    }
}
