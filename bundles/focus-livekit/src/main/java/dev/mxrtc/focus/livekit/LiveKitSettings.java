package dev.mxrtc.focus.livekit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the {@code livekit} focus backend connects.
 *
 * @param audio whether the publisher carries an audio track (else only LiveKit's signalling and peer connections)
 * @param toneHz the tone a member publishes until told otherwise (0: silence)
 * @param connectTimeout how long {@code connect} may take until the publisher is connected
 * @param httpTimeout timeout of each HTTP request (OpenID, token service)
 * @param serviceUrl a fixed {@code livekit_service_url} that overrides the session's (tests, pinned deployments)
 * @param signal the signalling client's retry settings
 */
public record LiveKitSettings(boolean audio, double toneHz, Duration connectTimeout, Duration httpTimeout,
        Optional<String> serviceUrl, SignalClient.Settings signal) {

    public LiveKitSettings {
        if (!(toneHz >= 0 && toneHz <= 20_000)) {
            throw new IllegalArgumentException("toneHz must be in [0, 20000]");
        }
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(httpTimeout, "httpTimeout");
        Objects.requireNonNull(serviceUrl, "serviceUrl");
        Objects.requireNonNull(signal, "signal");
        serviceUrl = serviceUrl.filter(u -> !u.isBlank());
    }

    public static LiveKitSettings defaults() {
        return new LiveKitSettings(true, 0, Duration.ofSeconds(20), Duration.ofSeconds(10), Optional.empty(),
                SignalClient.Settings.defaults());
    }

    public LiveKitSettings withToneHz(double hz) {
        return new LiveKitSettings(audio, hz, connectTimeout, httpTimeout, serviceUrl, signal);
    }

    public LiveKitSettings withConnectTimeout(Duration timeout) {
        return new LiveKitSettings(audio, toneHz, timeout, httpTimeout, serviceUrl, signal);
    }

    public LiveKitSettings withServiceUrl(String url) {
        return new LiveKitSettings(audio, toneHz, connectTimeout, httpTimeout, Optional.ofNullable(url), signal);
    }
}
