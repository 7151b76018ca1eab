package dev.mxrtc.livekit.auth;

import io.livekit.server.RoomServiceClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import livekit.LivekitModels;
import okhttp3.OkHttpClient;
import retrofit2.Response;

/** {@link SfuRooms} through LiveKit's own room service client (Twirp over HTTP, protobuf bodies). */
public final class LiveKitRoomService implements SfuRooms {
    static final int EMPTY_TIMEOUT_SECONDS = 5 * 60;
    static final int DEPARTURE_TIMEOUT_SECONDS = 20;

    private final RoomServiceClient client;
    private final OkHttpClient okHttp;

    public LiveKitRoomService(String roomServiceUrl, String apiKey, String apiSecret) {
        this.okHttp = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(10)).build();
        this.client = RoomServiceClient.createClient(roomServiceUrl, apiKey, apiSecret, () -> okHttp);
    }

    @Override
    public void create(String roomAlias) throws IOException {
        Response<LivekitModels.Room> r = client.createRoom(roomAlias, EMPTY_TIMEOUT_SECONDS, 0, null, null, null, null,
                null, DEPARTURE_TIMEOUT_SECONDS).execute();
        if (!r.isSuccessful()) throw new IOException("CreateRoom answered HTTP " + r.code());
    }

    @Override
    public Set<String> participants(String roomAlias) throws IOException {
        Response<List<LivekitModels.ParticipantInfo>> r = client.listParticipants(roomAlias).execute();
        if (r.code() == 404) return Set.of(); // Twirp not_found: no such room
        if (!r.isSuccessful() || r.body() == null) throw new IOException("ListParticipants answered HTTP " + r.code());
        return r.body().stream().map(LivekitModels.ParticipantInfo::getIdentity).collect(Collectors.toUnmodifiableSet());
    }

    /** Frees the HTTP client's threads and connections. */
    public void close() {
        okHttp.dispatcher().executorService().shutdown();
        okHttp.connectionPool().evictAll();
    }
}
