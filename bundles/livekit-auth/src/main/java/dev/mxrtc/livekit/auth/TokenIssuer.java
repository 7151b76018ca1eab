package dev.mxrtc.livekit.auth;

import io.livekit.server.AccessToken;
import io.livekit.server.CanPublish;
import io.livekit.server.CanSubscribe;
import io.livekit.server.CanUpdateOwnMetadata;
import io.livekit.server.RoomJoin;
import io.livekit.server.RoomName;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;

/**
 * Mints LiveKit access tokens with LiveKit's own SDK, granting exactly what lk-jwt-service grants: join the one
 * room, publish, subscribe and update the participant's own metadata; never create rooms or administer them. HS256
 * with the API secret, {@code iss} = API key, {@code sub} = identity, {@code nbf} = now, {@code exp} = now + 1 h.
 */
public final class TokenIssuer {
    public static final Duration VALIDITY = Duration.ofHours(1);

    private final String apiKey;
    private final String apiSecret;
    private final Clock clock;

    public TokenIssuer(String apiKey, String apiSecret, Clock clock) {
        this.apiKey = apiKey;
        this.apiSecret = apiSecret;
        this.clock = clock;
    }

    public String joinToken(String roomAlias, String identity) {
        long now = clock.millis();
        AccessToken token = new AccessToken(apiKey, apiSecret);
        token.setIdentity(identity);
        token.setNotBefore(new Date(now));
        token.setExpiration(new Date(now + VALIDITY.toMillis()));
        token.addGrants(new RoomJoin(true), new RoomName(roomAlias), new CanPublish(true), new CanSubscribe(true),
                new CanUpdateOwnMetadata(true));
        return token.toJwt();
    }
}
