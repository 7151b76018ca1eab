package dev.mxrtc.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * API 0.2 stays source- and behaviour-compatible with 0.1 implementations: an engine and a peer written against 0.1
 * (the stand-ins below implement exactly the 0.1 methods, as the full mesh's test double does) get default methods that
 * keep audio/data working and refuse video clearly. A listener written against 0.1 ignores the new callbacks.
 */
class MediaApiDefaultsTest {

    @Test
    void aVersion01EngineStillMakesAudioAndDataPeersAndRefusesVideo() {
        List<String> made = new ArrayList<>();
        MediaEngine old = new MediaEngine() {
            @Override
            public Peer createPeer(String id, PeerRole role, PeerListener listener) {
                return createPeer(id, role, true, listener);
            }

            @Override
            public Peer createPeer(String id, PeerRole role, boolean audio, PeerListener listener) {
                made.add(id + ":" + audio);
                return new OldPeer(id, role);
            }

            @Override
            public void addWorkerListener(WorkerListener listener) {
            }

            @Override
            public void removeWorkerListener(WorkerListener listener) {
            }

            @Override
            public WorkerStatus status() {
                return new WorkerStatus(false, -1, 0);
            }
        };
        PeerListener quiet = new PeerListener() {
        };
        Peer p = old.createPeer("a", PeerRole.OFFERER, MediaOptions.DATA_ONLY, quiet);
        old.createPeer("b", PeerRole.ANSWERER, MediaOptions.AUDIO, quiet);
        assertEquals(List.of("a:false", "b:true"), made);
        assertThrows(UnsupportedOperationException.class,
                () -> old.createPeer("c", PeerRole.OFFERER, MediaOptions.AUDIO_VIDEO, quiet));
        assertThrows(UnsupportedOperationException.class, () -> p.publishVideo(VideoPattern.solid(0)));
        assertThrows(UnsupportedOperationException.class, p::stopVideo);
        assertThrows(UnsupportedOperationException.class, () -> p.publishVideoFrame(new I420Frame(2, 2, 0,
                new byte[6])));
        assertThrows(UnsupportedOperationException.class, () -> p.receiveVideoFrames(5));
        assertThrows(UnsupportedOperationException.class, () -> p.receiveAudioFrames(true));
        // a 0.1 listener takes the new callbacks without doing anything
        quiet.onVideo(new VideoLevel(320, 180, 15, 1, 2, 3, 16, 1));
        quiet.onVideoFrame(new I420Frame(2, 2, 0, new byte[6]));
        quiet.onAudioFrame(new short[480], 48_000);
    }

    @Test
    void videoLevelAndFrameConvertColours() {
        VideoLevel v = new VideoLevel(320, 180, 15, 0xD0, 0x28, 0x28, 60, 10);
        assertEquals(0xD02828, v.rgb());
        assertEquals(5, v.distance(0xD52828));
        // BT.601 limited range: Y 16 is black, Y 235 with neutral chroma is white
        assertEquals(0x000000, I420Frame.rgb(16, 128, 128));
        assertEquals(0xFFFFFF, I420Frame.rgb(235, 128, 128));
        byte[] i420 = {(byte) 235, 16, 16, 16, (byte) 128, (byte) 128};
        I420Frame f = new I420Frame(2, 2, 7, i420);
        assertEquals(0xFFFFFF, f.rgbAt(0, 0));
        assertEquals(0x000000, f.rgbAt(1, 1));
        i420[0] = 0;
        assertEquals(0xFFFFFF, f.rgbAt(0, 0), "the frame copied its data");
        assertThrows(IndexOutOfBoundsException.class, () -> f.rgbAt(2, 0));
    }

    /** The 0.1 surface of a peer only. */
    private record OldPeer(String id, PeerRole role) implements Peer {
        @Override
        public void setRemoteDescription(SessionDescription description) {
        }

        @Override
        public void addIceCandidate(IceCandidate candidate) {
        }

        @Override
        public void publishTone(double hz) {
        }

        @Override
        public void publishPcm(short[] samples) {
        }

        @Override
        public void publishAudioOf(String fromPeerId) {
        }

        @Override
        public void send(String text) {
        }

        @Override
        public void reconnect() {
        }

        @Override
        public void close() {
        }
    }
}
