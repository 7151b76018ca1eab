package dev.mxrtc.media.supervisor;

import dev.mxrtc.media.AudioLevel;
import dev.mxrtc.media.I420Frame;
import dev.mxrtc.media.IceCandidate;
import dev.mxrtc.media.PeerListener;
import dev.mxrtc.media.PeerState;
import dev.mxrtc.media.SessionDescription;
import dev.mxrtc.media.VideoLevel;

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
    public void onVideo(VideoLevel level) {
        recorder.onVideo(level);
    }

    @Override
    public void onVideoFrame(I420Frame frame) {
        recorder.onVideoFrame(frame);
    }

    @Override
    public void onAudioFrame(short[] pcm, int sampleRate) {
        recorder.onAudioFrame(pcm, sampleRate);
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
