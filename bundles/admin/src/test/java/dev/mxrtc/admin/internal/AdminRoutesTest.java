package dev.mxrtc.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The endpoints over a real core fed one room (see {@link RoomEvents}); bundles and services as given data. */
@Timeout(30)
class AdminRoutesTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long NOW = System.currentTimeMillis();
    private static CoreForTest core;

    private final DrainState drain = new DrainState(Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC));

    @BeforeAll
    static void startCore() {
        core = new CoreForTest().feed(RoomEvents.ROOM, RoomEvents.room(NOW), 1, 1);
    }

    @AfterAll
    static void stopCore() throws Exception {
        core.close();
    }

    private AdminRoutes routes(RuntimeView view, String token) {
        return new AdminRoutes(view, drain, new AdminAuth(token), new AdminJson(MAPPER));
    }

    private AdminRoutes routes() {
        return routes(TestRuntime.with(core.core), "");
    }

    private static JsonNode json(AdminResponse r) throws Exception {
        assertEquals(AdminResponse.JSON, r.contentType());
        return MAPPER.readTree(r.body());
    }

    @Test
    void sessionsListEveryMemberOldestFirstWithTheActiveTransport() throws Exception {
        AdminResponse r = routes().handle(AdminRequest.get("/sessions"));
        assertEquals(200, r.status());
        JsonNode body = json(r);
        assertEquals("available", body.path("core").asText());
        assertEquals(1, body.path("sessions").size());
        JsonNode s = body.path("sessions").get(0);
        assertEquals(RoomEvents.ROOM, s.path("room_id").asText());
        assertEquals("m.call#ROOM", s.path("slot_id").asText());
        assertTrue(s.path("start_ts").asLong() > 0, s.toString());
        // bob joined first (sticky), so his transport is the one everybody converges on
        assertEquals("https://lk-b.example.org", s.path("active_transport").path("livekit_service_url").asText());
        JsonNode bob = s.path("members").get(0);
        JsonNode alice = s.path("members").get(1);
        assertEquals(2, s.path("members").size());
        assertEquals(RoomEvents.BOB_MEMBER_ID, bob.path("member_id").asText());
        assertEquals("@bob:matrix.org", bob.path("user_id").asText());
        assertEquals("BOBPHONE", bob.path("device_id").asText());
        assertEquals("sticky", bob.path("format").asText());
        assertEquals(NOW - 120_000, bob.path("created_ts").asLong());
        assertEquals(NOW - 120_000 + 3_600_000, bob.path("expires_ts").asLong());
        assertEquals("video", bob.path("application").path("m.call.intent").asText());
        assertEquals("livekit", bob.path("can_subscribe").get(0).asText());
        assertTrue(bob.path("focus_active").isMissingNode(), "sticky members have no focus_active");
        assertEquals("legacy", alice.path("format").asText());
        assertEquals("@alice:example.org:ALICEDEV", alice.path("member_id").asText());
        assertEquals(NOW - 60_000 + 14_400_000, alice.path("expires_ts").asLong());
        assertEquals("oldest_membership", alice.path("focus_active").path("focus_selection").asText());
        assertEquals("https://lk-a.example.org", alice.path("transports").get(0).path("livekit_service_url").asText());
        assertEquals("$alice-call", alice.path("event_id").asText());
    }

    @Test
    void oneRoomsSessionsAndRejectedEvents() throws Exception {
        JsonNode sessions = json(routes().handle(AdminRequest.get("/rooms/" + RoomEvents.ROOM + "/sessions")));
        assertEquals(RoomEvents.ROOM, sessions.path("room_id").asText());
        assertEquals(2, sessions.path("sessions").get(0).path("members").size());

        JsonNode rejected = json(routes().handle(AdminRequest.get("/rooms/" + RoomEvents.ROOM + "/rejected")));
        assertEquals(1, rejected.path("rejected").size());
        assertEquals(RoomEvents.BAD_EVENT, rejected.path("rejected").get(0).path("event_id").asText());
        assertEquals("wrong_type:expires", rejected.path("rejected").get(0).path("reason").asText());

        AdminResponse unknown = routes().handle(AdminRequest.get("/rooms/!nobody:example.org/sessions"));
        assertEquals(200, unknown.status());
        assertEquals(0, json(unknown).path("sessions").size());
        assertEquals(404, routes().handle(AdminRequest.get("/rooms/" + RoomEvents.ROOM + "/members")).status());
        assertEquals(404, routes().handle(AdminRequest.get("/rooms//sessions")).status());
    }

    @Test
    void statsCountSessionsMembersPerFormatAndRejectionsPerReason() throws Exception {
        JsonNode stats = json(routes().handle(AdminRequest.get("/stats")));
        assertEquals(1, stats.path("rooms").asLong());
        assertEquals(1, stats.path("sessions").asLong());
        assertEquals(1, stats.path("sessions_per_application").path("m.call").asLong());
        assertEquals(2, stats.path("members").path("total").asLong());
        assertEquals(1, stats.path("members").path("per_format").path("sticky").asLong());
        assertEquals(1, stats.path("members").path("per_format").path("legacy").asLong());
        assertEquals(1, stats.path("rejected").path("total").asLong());
        assertEquals(1, stats.path("rejected").path("per_reason").path("wrong_type:expires").asLong());
        assertFalse(stats.path("draining").asBoolean());
    }

    @Test
    void healthIsDegradedWhenANonFragmentBundleIsNotActive() throws Exception {
        AdminResponse ok = routes().handle(AdminRequest.get("/health"));
        assertEquals(200, ok.status());
        JsonNode body = json(ok);
        assertEquals("ok", body.path("status").asText());
        assertEquals(3, body.path("bundles").path("active").asLong());
        assertEquals(3, body.path("bundles").path("total").asLong());
        assertEquals(1234, body.path("uptime_ms").asLong());
        assertEquals("available", body.path("core").asText());

        List<BundleInfo> bundles = new ArrayList<>(TestRuntime.ALL_ACTIVE);
        bundles.add(new BundleInfo(7, "dev.mxrtc.fragment", "1.0.0", "RESOLVED", true));
        AdminResponse withFragment = routes(new TestRuntime(bundles, Map.of(), Optional.of(core.core), 5), "")
                .handle(AdminRequest.get("/health"));
        assertEquals(200, withFragment.status(), "a resolved fragment is as good as it gets");

        bundles.add(new BundleInfo(8, "dev.mxrtc.broken", "1.0.0", "INSTALLED", false));
        AdminResponse degraded = routes(new TestRuntime(bundles, Map.of(), Optional.of(core.core), 5), "")
                .handle(AdminRequest.get("/health"));
        assertEquals(503, degraded.status());
        JsonNode d = json(degraded);
        assertEquals("degraded", d.path("status").asText());
        assertEquals(3, d.path("bundles").path("active").asLong());
        assertEquals(5, d.path("bundles").path("total").asLong());
        assertEquals("dev.mxrtc.broken", d.path("bundles").path("not_active").get(0).path("symbolic_name").asText());
        assertEquals("INSTALLED", d.path("bundles").path("not_active").get(0).path("state").asText());
    }

    @Test
    void withoutTheCoreEverythingAnswersWithEmptyData() throws Exception {
        AdminRoutes noCore = routes(TestRuntime.withoutCore(), "");
        JsonNode sessions = json(noCore.handle(AdminRequest.get("/sessions")));
        assertEquals("absent", sessions.path("core").asText());
        assertEquals(0, sessions.path("sessions").size());
        JsonNode rejected = json(noCore.handle(AdminRequest.get("/rooms/" + RoomEvents.ROOM + "/rejected")));
        assertEquals(0, rejected.path("rejected").size());
        JsonNode stats = json(noCore.handle(AdminRequest.get("/stats")));
        assertEquals(0, stats.path("members").path("total").asLong());
        assertEquals(0, stats.path("members").path("per_format").path("sticky").asLong());
        AdminResponse health = noCore.handle(AdminRequest.get("/health"));
        assertEquals(200, health.status());
        assertEquals("absent", json(health).path("core").asText());
        assertEquals(200, noCore.handle(AdminRequest.get("/")).status());
    }

    @Test
    void servicesByTypeFullOrSimpleNameAndOnlyForMxrtcSpis() throws Exception {
        JsonNode one = json(routes().handle(AdminRequest.get("/services")
                .withQuery(Map.of("type", "dev.mxrtc.api.spi.FocusSelection"))));
        assertEquals(1, one.path("services").size());
        JsonNode selections = one.path("services").path("dev.mxrtc.api.spi.FocusSelection");
        assertEquals(2, selections.size());
        assertEquals("oldest_membership", selections.get(0).path("mxrtc.focus.selection").asText());
        assertEquals("dev.mxrtc.focus.selection", selections.get(0).path("bundle").path("symbolic_name").asText());
        assertEquals("multi_sfu", selections.get(1).path("mxrtc.focus.selection").asText());

        JsonNode simple = json(routes().handle(AdminRequest.get("/services").withQuery(Map.of("type", "FocusBackend"))));
        assertEquals(0, simple.path("services").path("dev.mxrtc.api.spi.FocusBackend").size());
        assertTrue(simple.path("services").path("dev.mxrtc.api.spi.FocusBackend").isArray());

        JsonNode all = json(routes().handle(AdminRequest.get("/services")));
        List<String> types = new ArrayList<>();
        all.path("services").fieldNames().forEachRemaining(types::add);
        assertEquals(List.of("dev.mxrtc.api.spi.FocusSelection", "dev.mxrtc.api.spi.FocusBackend",
                "dev.mxrtc.api.spi.SignallingTransport", "dev.mxrtc.api.spi.EncryptionScheme",
                "dev.mxrtc.api.spi.RtcApplication"), types);

        AdminResponse bad = routes().handle(AdminRequest.get("/services")
                .withQuery(Map.of("type", "org.osgi.service.cm.ConfigurationAdmin")));
        assertEquals(400, bad.status());
        assertEquals("bad_type", json(bad).path("error").asText());
    }

    @Test
    void bundlesAreListedWithIdNameVersionAndState() throws Exception {
        JsonNode bundles = json(routes().handle(AdminRequest.get("/bundles"))).path("bundles");
        assertEquals(3, bundles.size());
        assertEquals(1, bundles.get(1).path("id").asLong());
        assertEquals("dev.mxrtc.core", bundles.get(1).path("symbolic_name").asText());
        assertEquals("0.1.0", bundles.get(1).path("version").asText());
        assertEquals("ACTIVE", bundles.get(1).path("state").asText());
    }

    @Test
    void drainIsRecordedReportedInHealthAndCanBeCancelled() throws Exception {
        AdminRoutes r = routes();
        assertFalse(json(r.handle(AdminRequest.get("/drain"))).path("draining").asBoolean());
        JsonNode started = json(r.handle(AdminRequest.get("/drain").withMethod("POST")));
        assertTrue(started.path("draining").asBoolean());
        assertEquals(1_700_000_000_000L, started.path("since_ts").asLong());
        assertTrue(drain.draining(), "the Drain service other bundles read");
        assertTrue(json(r.handle(AdminRequest.get("/health"))).path("draining").asBoolean());
        assertEquals(200, r.handle(AdminRequest.get("/health")).status(), "draining is not a failure");
        assertTrue(json(r.handle(AdminRequest.get("/drain").withMethod("POST"))).path("draining").asBoolean());

        JsonNode stopped = json(r.handle(AdminRequest.get("/drain").withMethod("DELETE")));
        assertFalse(stopped.path("draining").asBoolean());
        assertTrue(stopped.path("since_ts").isNull());
        assertFalse(drain.draining());
    }

    @Test
    void unknownPathsAndWrongMethods() throws Exception {
        AdminResponse missing = routes().handle(AdminRequest.get("/shutdown").withMethod("POST"));
        assertEquals(404, missing.status(), "there is no shutdown endpoint");
        AdminResponse post = routes().handle(AdminRequest.get("/sessions").withMethod("POST"));
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.headers().get("Allow"));
        assertEquals(405, routes().handle(AdminRequest.get("/drain").withMethod("PUT")).status());
        assertEquals(200, routes().handle(AdminRequest.get("/stats").withMethod("HEAD")).status());
    }

    @Test
    void thePageShowsTheSameDataSelfContained() {
        AdminResponse page = routes().handle(AdminRequest.get("/"));
        assertEquals(200, page.status());
        assertEquals(AdminResponse.HTML, page.contentType());
        String html = page.body();
        for (String expected : List.of(RoomEvents.ROOM, "m.call#ROOM", RoomEvents.BOB_MEMBER_ID,
                "@alice:example.org:ALICEDEV", "https://lk-b.example.org", RoomEvents.BAD_EVENT, "wrong_type:expires",
                "oldest_membership", "multi_sfu", "dev.mxrtc.focus.selection", "org.apache.felix.framework")) {
            assertTrue(html.contains(AdminHtml.esc(expected)), "page shows " + expected);
        }
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("src=") || html.contains("href="), "no external assets");
        assertTrue(page.headers().get("Content-Security-Policy").startsWith("default-src 'none'"));
    }

    @Test
    void aTokenIsRequiredWhenConfiguredAndNeverEchoed() throws Exception {
        String token = "s3cret-admin-token";
        AdminRoutes r = routes(TestRuntime.with(core.core), token);
        AdminResponse none = r.handle(AdminRequest.get("/sessions"));
        assertEquals(401, none.status());
        assertEquals("Bearer realm=\"mxrtc-admin\"", none.headers().get("WWW-Authenticate"));
        AdminResponse wrong = r.handle(AdminRequest.get("/sessions").withAuthorization("Bearer " + token + "x"));
        assertEquals(401, wrong.status());
        assertFalse(wrong.body().contains(token), "the presented token is not echoed");
        AdminResponse right = r.handle(AdminRequest.get("/sessions").withAuthorization("Bearer " + token)
                .from("192.0.2.7", "admin.example.org"));
        assertEquals(200, right.status(), "with the token, any address and host");
        assertFalse(right.body().contains(token));
        AdminRequest logged = AdminRequest.get("/").withAuthorization("Bearer " + token);
        assertFalse(logged.toString().contains(token), "requests print without credentials");
    }

    @Test
    void mediaListsEveryStatusProviderWithItsBundle() throws Exception {
        Map<String, Object> peer = new java.util.LinkedHashMap<>();
        peer.put("member_id", "m-b");
        peer.put("state", "connected");
        peer.put("audio", Map.of("rms", 0.21, "hz", 440.2, "age_ms", 120));
        Map<String, Object> status = Map.of("transport_type", "full_mesh",
                "media_worker", Map.of("running", true, "pid", 4242, "restarts", 1),
                "connections", List.of(Map.of("member_id", "m-a", "peers", List.of(peer))));
        RuntimeView base = TestRuntime.with(core.core);
        RuntimeView view = new RuntimeView() {
            @Override
            public List<BundleInfo> bundles() {
                return base.bundles();
            }

            @Override
            public List<ServiceInfo> services(SpiType type) {
                return base.services(type);
            }

            @Override
            public Optional<dev.mxrtc.api.RtcSessions> sessions() {
                return base.sessions();
            }

            @Override
            public long uptimeMs() {
                return base.uptimeMs();
            }

            @Override
            public List<MediaProvider> media() {
                return List.of(new MediaProvider(57, 50, "dev.mxrtc.focus.fullmesh", "0.1.0", status, null),
                        new MediaProvider(58, 51, "other", "1.0.0", Map.of(), "java.lang.IllegalStateException: x"));
            }
        };
        JsonNode body = json(routes(view, "").handle(AdminRequest.get("/media")));
        assertEquals(2, body.path("backends").size());
        JsonNode mesh = body.path("backends").get(0);
        assertEquals(57, mesh.path("service_id").asLong());
        assertEquals("dev.mxrtc.focus.fullmesh", mesh.path("bundle").path("symbolic_name").asText());
        assertEquals(4242, mesh.path("media_worker").path("pid").asLong());
        JsonNode p = mesh.path("connections").get(0).path("peers").get(0);
        assertEquals("connected", p.path("state").asText());
        assertEquals(440.2, p.path("audio").path("hz").asDouble(), 1e-9);
        assertTrue(mesh.path("error").isMissingNode());
        assertEquals("java.lang.IllegalStateException: x", body.path("backends").get(1).path("error").asText());
        // no provider: an empty list, not an error
        assertEquals(0, json(routes().handle(AdminRequest.get("/media"))).path("backends").size());
        assertEquals(405, routes().handle(AdminRequest.get("/media").withMethod("POST")).status());
    }
}
