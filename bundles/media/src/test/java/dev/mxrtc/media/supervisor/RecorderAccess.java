package dev.mxrtc.media.supervisor;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;

/** Delegates the listener calls to a package-private {@link Recorder}. */
public class RecorderAccess implements PeerListener {

    final Recorder recorder = new Recorder();

    @Override
    public void onLocalDescription(SessionDescription d) {
        recorder.onLocalDescription(d);
    }

    @Override
    public void onLocalCandidate(IceCandidate c) {
        recorder.onLocalCandidate(c);
    }

    @Override
    public void onState(PeerState s) {
        recorder.onState(s);
    }

    @Override
    public void onData(String text) {
        recorder.onData(text);
    }

    @Override
    public void onAudio(AudioLevel level) {
        recorder.onAudio(level);
    }

    @Override
    public void onError(String op, String message) {
        recorder.onError(op, message);
    }

    @Override
    public void onReconnecting() {
        recorder.onReconnecting();
    }
}
