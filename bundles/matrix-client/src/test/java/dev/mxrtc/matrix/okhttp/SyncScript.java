package dev.mxrtc.matrix.okhttp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.mxrtc.matrix.okhttp.ScriptedHomeserver.Reply;
import dev.mxrtc.matrix.okhttp.ScriptedHomeserver.Seen;

/**
 * Scripted {@code /sync} answers per since token ({@code ""} for none): each token has a queue of answers, the
 * last one repeats. A token with no script is an idle long poll: after {@code idleMs}, an empty answer with the
 * same token.
 */
final class SyncScript implements Function<Seen, Reply> {

    private final Map<String, Deque<Reply>> bySince = new ConcurrentHashMap<>();
    private final long idleMs;

    SyncScript(long idleMs) {
        this.idleMs = idleMs;
    }

    SyncScript then(String since, Reply... replies) {
        bySince.computeIfAbsent(since, k -> new ArrayDeque<>()).addAll(java.util.List.of(replies));
        return this;
    }

    SyncScript then(String since, String json) {
        return then(since, Reply.ok(json));
    }

    @Override
    public Reply apply(Seen s) {
        String since = s.param("since") == null ? "" : s.param("since");
        Deque<Reply> q = bySince.get(since);
        if (q != null) {
            synchronized (q) { // test double: several handler threads may race on one queue
                Reply r = q.size() > 1 ? q.poll() : q.peek();
                if (r != null) {
                    return r;
                }
            }
        }
        return Reply.ok("{\"next_batch\":\"" + (since.isEmpty() ? "s0" : since) + "\"}").after(idleMs);
    }

    /** A sync answer JSON with the given rooms.join, rooms.leave and to-device parts (raw JSON fragments). */
    static String answer(String next, String join, String leave, String toDevice) {
        return "{\"next_batch\":\"" + next + "\",\"rooms\":{\"join\":{" + join + "},\"leave\":{" + leave + "}},"
                + "\"to_device\":{\"events\":[" + toDevice + "]}}";
    }

    static String toDevice(String type, String sender, String marker) {
        return "{\"type\":\"" + type + "\",\"sender\":\"" + sender + "\",\"content\":{\"m\":\"" + marker + "\"}}";
    }
}
