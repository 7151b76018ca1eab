package dev.mxrtc.focus.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.homeserver.HomeserverConfig;
import dev.mxrtc.homeserver.standalone.HomeserverMain;
import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.OpenIdToken;
import dev.mxrtc.matrix.StandaloneClient;

/**
 * Service discovery and the OpenID → SFU token exchange against the real embedded homeserver (discovery endpoints,
 * OpenID issuing and userinfo) and {@link FakeLkJwtService}, a test double of lk-jwt-service.
 */
@Timeout(60)
class DiscoveryAndTokenTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SFU = "ws://127.0.0.1:1/sfu-not-dialled-here";

    @TempDir
    Path dir;
    private HomeserverMain hs;
    private FakeLkJwtService service;
    private StandaloneClient alice;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private void startWith(List<String> transports) throws Exception {
        hs = new HomeserverMain(HomeserverConfig.defaults("localhost", dir.resolve("hs")).withRtcTransports(transports),
                "127.0.0.1", 0);
        service = new FakeLkJwtService(hsUrl(), SFU);
        alice = MatrixClients.open(ClientSettings.password(hsUrl(), "alice", "secret-pw", dir.resolve("alice"))
                .withRegister(true).withDeviceId("ALICEDEV").withTimeouts(1_000, 10_000));
    }

    private String hsUrl() {
        return "http://127.0.0.1:" + hs.port();
    }

    @AfterEach
    void stop() {
        if (alice != null) {
            alice.close();
        }
        if (service != null) {
            service.close();
        }
        if (hs != null) {
            hs.close();
        }
    }

    @Test
    void wellKnownAndTransportsEndpointNameTheService() throws Exception {
        startWith(List.of("{\"type\":\"full_mesh\"}",
                "{\"type\":\"livekit\",\"livekit_service_url\":\"https://rtc.example.org/livekit/jwt\"}"));
        LiveKitDiscovery discovery = new LiveKitDiscovery(http, Duration.ofSeconds(5));

        assertEquals(Optional.of("https://rtc.example.org/livekit/jwt"), discovery.fromHomeserver(hsUrl(), Optional.empty()),
                "well-known rtc_foci, first livekit entry");
        assertEquals(Optional.of("https://rtc.example.org/livekit/jwt"),
                discovery.fromHomeserver(hsUrl() + "/", Optional.of(login("alice", "secret-pw"))), "rtc/transports");
        assertEquals(Optional.empty(), discovery.fromHomeserver("http://127.0.0.1:1", Optional.empty()),
                "nothing listening: empty, no exception");
    }

    @Test
    void aHomeserverWithoutLivekitNamesNone() throws Exception {
        startWith(List.of("{\"type\":\"full_mesh\"}"));
        assertEquals(Optional.empty(), new LiveKitDiscovery(http, Duration.ofSeconds(5))
                .fromHomeserver(hsUrl(), Optional.of(login("alice", "secret-pw"))));
    }

    @Test
    void theSessionsOldestMemberNamesTheServiceUnlessMultiSfu() {
        Member oldest = Sessions4Test.legacy("@a:hs", "A", 1, FocusActive.OLDEST_MEMBERSHIP, "https://a/jwt");
        Member self = Sessions4Test.legacy("@b:hs", "B", 2, FocusActive.OLDEST_MEMBERSHIP, "https://b/jwt");
        assertEquals(Optional.of("https://a/jwt"), LiveKitDiscovery.fromSession(self, List.of(oldest, self)));

        Member multiOldest = Sessions4Test.legacy("@a:hs", "A", 1, FocusActive.MULTI_SFU, "https://a/jwt");
        Member multiSelf = Sessions4Test.legacy("@b:hs", "B", 2, FocusActive.MULTI_SFU, "https://b/jwt");
        assertEquals(Optional.of("https://b/jwt"), LiveKitDiscovery.fromSession(multiSelf, List.of(multiOldest, multiSelf)));
        assertEquals(List.of("https://a/jwt", "https://b/jwt"), LiveKitDiscovery.publishers(List.of(multiOldest, multiSelf)));

        Member stickyOldest = Sessions4Test.sticky("@a:hs", "A", "m-a", 1, "https://a/jwt");
        Member stickySelf = Sessions4Test.sticky("@b:hs", "B", "m-b", 2, "https://b/jwt");
        assertEquals(Optional.of("https://a/jwt"), LiveKitDiscovery.fromSession(stickySelf, List.of(stickyOldest, stickySelf)));
        Member nothing = Sessions4Test.sticky("@c:hs", "C", "m-c", 0, null);
        assertEquals(Optional.empty(), LiveKitDiscovery.fromSession(stickySelf, List.of(nothing, stickySelf)));
    }

    @Test
    void stickyMembersGetTokensFromGetTokenWithTheHashedIdentity() throws Exception {
        startWith(List.of());
        OpenIdToken openId = alice.client().requestOpenIdToken();
        Member self = Sessions4Test.sticky("@alice:localhost", "ALICEDEV", "member-1", 1, service.url());

        TokenResult result = new LiveKitTokens(http, Duration.ofSeconds(5)).request(service.url(), self, openId);

        SfuAccess access = assertInstanceOf(TokenResult.Granted.class, result).access();
        assertEquals(SFU, access.url());
        assertFalse(access.toString().contains(access.jwt()), "the token is not printed");
        JsonNode claims = TestJwt.verify(access.jwt(), System.currentTimeMillis() / 1000);
        assertNotNull(claims);
        assertEquals(self.backendIdentity(), claims.path("sub").asText(), "the identity other members look for");
        assertEquals(Member.hashedIdentity(Sessions4Test.ROOM, "m.call#ROOM"), claims.path("video").path("room").asText());
        assertEquals("/get_token", service.grants.get(0).path());
    }

    @Test
    void legacyMembersUseSfuGetWithUserColonDevice() throws Exception {
        startWith(List.of());
        Member self = Sessions4Test.legacy("@alice:localhost", "ALICEDEV", 1, FocusActive.OLDEST_MEMBERSHIP, service.url());

        TokenResult result = new LiveKitTokens(http, Duration.ofSeconds(5))
                .request(service.url() + "/", self, alice.client().requestOpenIdToken());

        SfuAccess access = assertInstanceOf(TokenResult.Granted.class, result).access();
        assertEquals("@alice:localhost:ALICEDEV", TestJwt.verify(access.jwt(), System.currentTimeMillis() / 1000)
                .path("sub").asText());
        assertEquals(self.backendIdentity(), service.grants.get(0).identity());
        assertEquals("/sfu/get", service.grants.get(0).path());
    }

    @Test
    void refusalsAndUnreachableServicesAreValues() throws Exception {
        startWith(List.of());
        OpenIdToken openId = alice.client().requestOpenIdToken();
        LiveKitTokens tokens = new LiveKitTokens(http, Duration.ofSeconds(5));
        Member impostor = Sessions4Test.sticky("@mallory:localhost", "ALICEDEV", "member-1", 1, service.url());

        TokenResult.Refused refused = assertInstanceOf(TokenResult.Refused.class, tokens.request(service.url(), impostor, openId));
        assertEquals(401, refused.status());
        assertEquals("M_UNAUTHORIZED", refused.errcode());

        OpenIdToken forged = new OpenIdToken("not-a-token", "Bearer", "localhost", 3600);
        Member self = Sessions4Test.sticky("@alice:localhost", "ALICEDEV", "member-1", 1, service.url());
        assertEquals(401, assertInstanceOf(TokenResult.Refused.class, tokens.request(service.url(), self, forged)).status());

        assertEquals(404, assertInstanceOf(TokenResult.Refused.class,
                tokens.request(service.url() + "/nowhere", self, openId)).status());
        assertInstanceOf(TokenResult.Unreachable.class, tokens.request("http://127.0.0.1:1/jwt", self, openId));
        assertTrue(service.grants.isEmpty());
    }

    private String login(String user, String password) throws Exception {
        String body = "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"" + user
                + "\"},\"password\":\"" + password + "\"}";
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(hsUrl() + "/_matrix/client/v3/login"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return JSON.readTree(res.body()).path("access_token").asText();
    }
}
