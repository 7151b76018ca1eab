package dev.mxrtc.focus.fullmesh;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import dev.mxrtc.api.spi.FocusBackend;

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
