package dev.mxrtc.focus.livekit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mxrtc.api.Member;
import dev.mxrtc.matrix.OpenIdToken;

/**
 * Exchanges a Matrix OpenID token for SFU access at an lk-jwt-service compatible LiveKit service, consistently
 * with the membership format, so that the LiveKit identity is the one other members expect
 * ({@link Member#backendIdentity()}):
 * <ul>
 * <li>sticky {@code m.rtc.member}: {@code POST {service}/get_token} with {@code room_id}, {@code slot_id},
 * {@code member {id, claimed_user_id, claimed_device_id}} (identity = the MSC4195 hash);</li>
 * <li>legacy {@code call.member}: {@code POST {service}/sfu/get} with {@code room}, {@code device_id}
 * (identity {@code user:device}).</li>
 * </ul>
 * No fallback from one to the other: it would give an identity the other members do not look for.
 */
public final class LiveKitTokens {

    private static final Logger LOG = LoggerFactory.getLogger(LiveKitTokens.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    public LiveKitTokens(HttpClient http, Duration timeout) {
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * @param serviceUrl the {@code livekit_service_url}
     * @param self the member connecting (its format picks the endpoint)
     * @param openId a fresh OpenID token of {@code self}'s account
     */
    public TokenResult request(String serviceUrl, Member self, OpenIdToken openId) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode token = body.putObject("openid_token");
        token.put("access_token", openId.accessToken());
        token.put("token_type", openId.tokenType());
        token.put("matrix_server_name", openId.matrixServerName());
        token.put("expires_in", openId.expiresInSeconds());
        String path = switch (self.format()) {
            case STICKY -> {
                body.put("room_id", self.roomId());
                body.put("slot_id", self.slotId().value());
                ObjectNode member = body.putObject("member");
                member.put("id", self.memberId());
                member.put("claimed_user_id", self.userId());
                member.put("claimed_device_id", self.deviceId());
                yield "/get_token";
            }
            case LEGACY -> {
                body.put("room", self.roomId());
                body.put("device_id", self.deviceId());
                yield "/sfu/get";
            }
        };
        String url = serviceUrl.replaceAll("/+$", "") + path;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonNode answer = parse(res.body());
            if (res.statusCode() == 200) {
                if (answer.path("url").isTextual() && answer.path("jwt").isTextual()) {
                    LOG.debug("LiveKit service {} granted access to {} for room {}", url, answer.path("url").asText(),
                            self.roomId());
                    return new TokenResult.Granted(new SfuAccess(answer.path("url").asText(), answer.path("jwt").asText()));
                }
                return new TokenResult.Unreachable(url + " answered 200 without url and jwt");
            }
            LOG.info("LiveKit service {} refused room {} member {}: {} {}", url, self.roomId(), self.memberId(),
                    res.statusCode(), answer.path("errcode").asText(""));
            return new TokenResult.Refused(res.statusCode(), answer.path("errcode").asText(""),
                    answer.path("error").asText(""));
        } catch (IOException | IllegalArgumentException e) {
            return new TokenResult.Unreachable(url + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TokenResult.Unreachable(url + ": interrupted");
        }
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
