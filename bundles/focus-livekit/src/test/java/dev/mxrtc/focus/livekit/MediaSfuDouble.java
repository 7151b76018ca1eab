package dev.mxrtc.focus.livekit;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.mxrtc.media.supervisor.MediaSupervisor;

/**
 * TEST DOUBLE, for tests outside this module (itest-media uses it through this module's test-jar; never part of the
 * product): {@link FakeMediaSfu}, the protocol-level LiveKit SFU double with its own media worker, behind a public
 * face. Tokens must be signed with {@link #API_KEY} / {@link #API_SECRET}.
 */
public final class MediaSfuDouble implements AutoCloseable {

    public static final String API_KEY = TestJwt.API_KEY;
    public static final String API_SECRET = TestJwt.API_SECRET;

    private final MediaSupervisor engine;
    private final FakeMediaSfu sfu;

    private MediaSfuDouble(MediaSupervisor engine, FakeMediaSfu sfu) {
        this.engine = engine;
        this.sfu = sfu;
    }

    /** Starts a media worker (from this JVM's class path) and the double on 127.0.0.1, an ephemeral port. */
    public static MediaSfuDouble start() throws InterruptedException {
        MediaSupervisor engine = TestMedia.engine();
        try {
            return new MediaSfuDouble(engine, new FakeMediaSfu(engine, 5, 15));
        } catch (RuntimeException | InterruptedException e) {
            engine.close();
            throw e;
        }
    }

    /** @return the websocket URL clients connect to ({@code ws://127.0.0.1:port}) */
    public String url() {
        return sfu.url();
    }

    /** @return the identities whose signalling socket is open now */
    public Set<String> connectedIdentities() throws Exception {
        return sfu.connectedIdentities();
    }

    /** @return when audio from the identity's publisher first reached the double (nanoTime) */
    public Optional<Long> firstAudioAt(String identity) {
        return Optional.ofNullable(sfu.firstAudioAt.get(identity));
    }

    /** @return the last time audio from each identity's publisher reached the double (nanoTime), by identity */
    public Map<String, Long> lastAudioAt() {
        return Map.copyOf(sfu.lastAudioAt);
    }

    /** @return how often the double's own media worker restarted (each restart drops every participant) */
    public int workerRestarts() {
        return sfu.workerRestarts;
    }

    /** @return what the double found wrong (bad tokens, unknown resumes, failed tasks) */
    public java.util.List<String> problems() {
        return java.util.List.copyOf(sfu.problems);
    }

    @Override
    public void close() throws Exception {
        try {
            sfu.close();
        } finally {
            engine.close();
        }
    }
}
