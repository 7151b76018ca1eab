package dev.mxrtc.livekit.auth;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;

/** Wires the service from its settings, outside or inside OSGi; {@link #close()} stops everything it started. */
public final class LiveKitAuth implements AutoCloseable {
    private final LiveKitAuthService service;
    private final NativeEndpoints nativeEndpoints;
    private final DelayedLeave delayedLeave;
    private final LiveKitRoomService roomService;
    private final HttpClient http;

    private LiveKitAuth(LiveKitAuthService service, NativeEndpoints nativeEndpoints, DelayedLeave delayedLeave,
            LiveKitRoomService roomService, HttpClient http) {
        this.service = service;
        this.nativeEndpoints = nativeEndpoints;
        this.delayedLeave = delayedLeave;
        this.roomService = roomService;
        this.http = http;
    }

    /** The lk-jwt-service API only. */
    public static LiveKitAuth start(AuthSettings settings, Clock clock) {
        return start(settings, "", clock);
    }

    /**
     * @param nativeServerName the homeserver whose MSC4195 homeserver-native endpoints this service offers (its
     *                         client-server API from {@code cs_api_url_overrides} or .well-known); empty: none
     */
    public static LiveKitAuth start(AuthSettings settings, String nativeServerName, Clock clock) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        MatrixServers servers = new MatrixServers(http, settings, clock);
        LiveKitRoomService rooms = new LiveKitRoomService(settings.roomServiceUrl(), settings.apiKey(), settings.apiSecret());
        DelayedLeave leave = new DelayedLeave(Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "livekit-auth-delayed-leave");
            t.setDaemon(true);
            return t;
        }), clock, new DelayedEventActions(http), rooms, servers, settings.sanityCheckInterval());
        TokenIssuer tokens = new TokenIssuer(settings.apiKey(), settings.apiSecret(), clock);
        NativeEndpoints nativeEndpoints = nativeServerName.isBlank() ? null
                : new NativeEndpoints(nativeServerName, settings, servers, http, tokens, rooms, leave);
        return new LiveKitAuth(new LiveKitAuthService(settings, servers, tokens, rooms, leave), nativeEndpoints, leave,
                rooms, http);
    }

    public LiveKitAuthService service() { return service; }

    /** The MSC4195 homeserver-native endpoints, when a native server name was given. */
    public java.util.Optional<NativeEndpoints> nativeEndpoints() { return java.util.Optional.ofNullable(nativeEndpoints); }

    /** The delegations (state per participant). */
    public DelayedLeave delayedLeave() { return delayedLeave; }

    @Override
    public void close() {
        service.close();
        roomService.close();
        http.close();
    }
}
