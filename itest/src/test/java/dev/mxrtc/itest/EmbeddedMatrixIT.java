package dev.mxrtc.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.servlet.runtime.HttpServiceRuntime;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.RtcSessions;
import dev.mxrtc.api.SlotId;

/**
 * The distribution's bundle set with the embedded defaults configured the way {@code etc/} configures them
 * (FileInstall → Config Admin → DS): the homeserver component serves {@code /_matrix/*} through Felix HTTP's Servlet
 * Whiteboard only while configured; the mxrtc account, configured before the homeserver exists, retries until it
 * can register, then registers its {@code MatrixClient} service; a room it is invited to is joined (auto_join) and
 * a legacy call membership sent by another user over HTTP appears in the core's {@link RtcSessions}. Deleting the
 * homeserver's configuration takes it off the whiteboard again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class EmbeddedMatrixIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final String MXRTC = "@mxrtc:localhost";

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return MxrtcOptions.runtime(MxrtcOptions.workDir("matrix"), 200);
    }

    @Test
    public void homeserverAndAccountFromConfigurationFeedTheCore() throws Exception {
        for (String bsn : new String[] {"dev.mxrtc.homeserver.dev", "dev.mxrtc.matrix.client", "com.h2database"}) {
            Bundle b = bundle(bsn);
            assertNotNull("missing bundle " + bsn, b);
            assertEquals(bsn + " active", Bundle.ACTIVE, b.getState());
        }
        Path work = Path.of(System.getProperty("mxrtc.home"));
        Path deploy = work.resolve("deploy"); // FileInstall's watched directory in this test
        ServiceReference<HttpServiceRuntime> http = context.getServiceReference(HttpServiceRuntime.class);
        assertNotNull("no Servlet Whiteboard", http);
        Object endpoints = http.getProperty("osgi.http.endpoint");
        String base = String.valueOf(endpoints instanceof String[] a ? a[0] : endpoints).replaceAll("/$", "");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String versions = base + "/_matrix/client/versions";
        assertEquals("no homeserver without its configuration", 404, status(client, "GET", versions, null, null));

        // the account first: its homeserver is not there yet
        Files.writeString(deploy.resolve("dev.mxrtc.matrix.client-mxrtc.cfg"), """
                homeserver_url = %s
                user_id = %s
                password = itest-%d
                register = true
                auto_join = true
                data_dir = %s
                backoff_initial_ms = 100
                backoff_max_ms = 1000
                """.formatted(base, MXRTC, System.nanoTime(), work.resolve("data/matrix/mxrtc")));
        Path log = work.resolve("log/mxrtc.log");
        Waits.until("the account to fail its first login", WAIT, POLL,
                () -> readLog(log).contains("account " + MXRTC + ": login failed"));

        Files.writeString(deploy.resolve("dev.mxrtc.homeserver.cfg"), """
                server.name = localhost
                data.dir = %s
                registration = open
                """.formatted(work.resolve("data/homeserver")));
        long served = Waits.until("the homeserver on the whiteboard", WAIT, POLL,
                () -> status(client, "GET", versions, null, null) == 200);
        long registered = Waits.until("the MatrixClient service of " + MXRTC, WAIT, POLL, this::accountRegistered);
        System.out.printf("embedded: homeserver served %d ms after its .cfg, the waiting account logged in after %d ms%n",
                served, served + registered);

        // another user invites mxrtc and joins a call; mxrtc joins by itself and its sync loop feeds the core
        String carol = register(client, base, "carol");
        String room = field(post(client, base + "/_matrix/client/v3/createRoom", carol,
                "{\"preset\":\"private_chat\",\"invite\":[\"" + MXRTC + "\"]}"), "room_id");
        Waits.until("mxrtc to join " + room, WAIT, POLL, () -> status(client, "GET", base + "/_matrix/client/v3/rooms/"
                + enc(room) + "/state/m.room.member/" + enc(MXRTC), carol, null) == 200
                && readLog(log).contains("room " + room + ": invited, joined (auto_join)"));
        var member = RoomEvents.legacyMember(room, "@carol:localhost", "CAROLDEV", System.currentTimeMillis(),
                "https://sfu.itest.example");
        int put = status(client, "PUT", base + "/_matrix/client/v3/rooms/" + enc(room) + "/state/"
                + RoomEvents.CALL_MEMBER + "/" + enc(member.stateKey().orElseThrow()), carol, member.contentJson());
        assertEquals(200, put);
        RtcSessions sessions = context.getService(context.getServiceReference(RtcSessions.class));
        long seen = Waits.until("carol's member in the core", WAIT, POLL, () -> sessions.session(room, SlotId.ROOM_CALL)
                .map(s -> s.members().stream().map(Member::deviceId).toList().contains("CAROLDEV")).orElse(false));
        System.out.println("embedded: a call membership sent over HTTP reached the core in " + seen + " ms");

        // production: deleting the homeserver's configuration takes it away
        Files.delete(deploy.resolve("dev.mxrtc.homeserver.cfg"));
        Waits.until("the homeserver off the whiteboard", WAIT, POLL,
                () -> status(client, "GET", versions, null, null) == 404);
    }

    private boolean accountRegistered() {
        try {
            return context.getServiceReferences("dev.mxrtc.matrix.MatrixClient", "(matrix.user_id=" + MXRTC + ")")
                    != null;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Registers with the two UIA steps (m.login.dummy); returns the access token. */
    /** The log so far (inside the framework: the probe bundle carries only this module's test classes). */
    private static String readLog(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String register(HttpClient client, String base, String user) throws Exception {
        String url = base + "/_matrix/client/v3/register";
        String body = "{\"username\":\"" + user + "\",\"password\":\"pw-" + user + "\"";
        String session = field(send(client, "POST", url, null, body + "}").body(), "session");
        HttpResponse<String> done = send(client, "POST", url, null,
                body + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}");
        assertEquals(done.body(), 200, done.statusCode());
        return field(done.body(), "access_token");
    }

    private static String post(HttpClient client, String url, String token, String body) throws Exception {
        HttpResponse<String> r = send(client, "POST", url, token, body);
        assertEquals(r.body(), 200, r.statusCode());
        return r.body();
    }

    private static int status(HttpClient client, String method, String url, String token, String body) {
        try {
            return send(client, method, url, token, body).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static HttpResponse<String> send(HttpClient client, String method, String url, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        assertTrue(name + " in " + json, m.find());
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }
}
