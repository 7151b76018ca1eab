package dev.mxrtc.focus.fullmesh;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.media.VideoPattern;

/**
 * A local member's full mesh in one session: one peer connection to every other member. Calls return at once; the
 * mesh's own thread does the work.
 */
@ProviderType
public interface FullMeshConnection extends FocusBackend.FocusConnection {

    /** @return the local member id this mesh belongs to */
    String memberId();

    /** Publishes a sine tone to every peer, now and later (0 Hz: silence). */
    void publishTone(double hz);

    /** Publishes looped PCM (16-bit mono 48 kHz) to every peer, now and later. */
    void publishPcm(short[] samples);

    /** Publishes to every peer, now and later, the audio received from that peer (an echo of each member). */
    void publishEcho();

    /**
     * Publishes a generated video pattern to every peer, now and later. Peers made from now on carry a video section
     * from their first offer. On a connection that already runs without one, the side that offers adds it and
     * renegotiates ({@code m.call.negotiate}); the answering side can only send once its offerer has offered video (the
     * media layer reports that with a log line, and the frames start when the offer comes).
     *
     * @since 0.2
     */
    void publishVideo(VideoPattern pattern);

    /**
     * Stops sending video to every peer. The offering side also makes its section receive-only (a renegotiation); the
     * remote side then reports 0 fps once.
     *
     * @since 0.2
     */
    void stopVideo();

    /** Sends text on the data channel to one member (by member id); dropped with a log line if not connected. */
    void send(String memberId, String text);

    /** Sends text to every connected member. */
    void broadcast(String text);

    /** @return per-peer figures, one per other member */
    List<PeerStats> stats();

    /**
     * @param listener called on the mesh's thread, in order; must not block
     * @return closing it removes the listener
     */
    AutoCloseable addListener(MeshListener listener);
}
