package dev.mxrtc.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.mxrtc.admin.internal.AdminAuth.Verdict;

class AdminAuthTest {

    private static final AdminAuth LOOPBACK_ONLY = new AdminAuth("");
    private static final AdminAuth TOKEN = new AdminAuth("t0ken");

    private static int status(AdminAuth auth, AdminRequest req) {
        return switch (auth.check(req)) {
            case Verdict.Allowed a -> 200;
            case Verdict.Denied d -> d.status();
        };
    }

    /** remote address, Host header (empty: none) → status, without a token configured. */
    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, 127.0.0.1:8008, 200",
            "127.1.2.3, localhost:8008, 200",
            "::1, [::1]:8008, 200",
            "[0:0:0:0:0:0:0:1], LOCALHOST, 200",
            "::ffff:127.0.0.1, 127.0.0.1, 200",
            "127.0.0.1, , 200",
            "192.0.2.7, 127.0.0.1:8008, 403",
            "10.0.0.1, localhost, 403",
            "::2, [::1]:8008, 403",
            "localhost, localhost, 403",
            "example.org, localhost, 403",
            "'', localhost, 403",
            "127.0.0.1, evil.example.org:8008, 403",
            "127.0.0.1, 127.0.0.1.evil.example.org, 403",
            "127.0.0.1, [::2]:8008, 403",
    })
    void loopbackOnlyWithoutAToken(String remote, String host, int expected) {
        AdminRequest req = AdminRequest.get("/health").from(remote, host);
        assertEquals(expected, status(LOOPBACK_ONLY, req), remote + " Host " + host);
    }

    @Test
    void crossOriginWritesAreRefusedInLoopbackMode() {
        AdminRequest post = AdminRequest.get("/drain").withMethod("POST");
        assertEquals(200, status(LOOPBACK_ONLY, post), "curl sends no Origin");
        assertEquals(200, status(LOOPBACK_ONLY, post.withOrigin("http://127.0.0.1:8008")), "the console's own page");
        assertEquals(403, status(LOOPBACK_ONLY, post.withOrigin("https://evil.example.org")));
        assertEquals(403, status(LOOPBACK_ONLY, post.withOrigin("http://127.0.0.1:9999")), "another local port");
        assertEquals(403, status(LOOPBACK_ONLY, post.withOrigin("null")));
        assertEquals(403, status(LOOPBACK_ONLY, post.withMethod("DELETE").withOrigin("https://evil.example.org")));
        assertEquals(200, status(LOOPBACK_ONLY, AdminRequest.get("/health").withOrigin("https://evil.example.org")),
                "reads are protected by the same-origin policy and the Host check");
    }

    @ParameterizedTest
    @CsvSource({
            "'', 401",
            "Bearer t0ken, 200",
            "bearer t0ken, 200",
            "BEARER   t0ken  , 200",
            "Bearer t0ke, 401",
            "Bearer t0ken1, 401",
            "Bearer , 401",
            "Basic dDBrZW4=, 401",
            "t0ken, 401",
    })
    void tokenModeNeedsTheBearerToken(String authorization, int expected) {
        AdminRequest req = AdminRequest.get("/health").from("192.0.2.7", "admin.example.org")
                .withAuthorization(authorization.isEmpty() ? null : authorization);
        assertEquals(expected, status(TOKEN, req), authorization);
    }

    @Test
    void tokenModeAppliesToLoopbackToo() {
        assertEquals(401, status(TOKEN, AdminRequest.get("/health")));
        assertTrue(TOKEN.tokenMode());
        assertFalse(LOOPBACK_ONLY.tokenMode());
        assertFalse(new AdminAuth("   ").tokenMode(), "a blank token is no token");
    }

    @Test
    void deniedMessagesNeverContainTheToken() {
        Verdict v = TOKEN.check(AdminRequest.get("/").withAuthorization("Bearer wrong"));
        Verdict.Denied d = assertInstanceOf(Verdict.Denied.class, v);
        assertFalse(d.message().contains("t0ken") || d.message().contains("wrong"), d.message());
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, true", "127.255.255.254, true", "::1, true", "[::1], true", "0:0:0:0:0:0:0:1, true",
            "::ffff:127.0.0.1, true", "128.0.0.1, false", "::, false", "fe80::1%lo, false", "1.2.3, false",
            "cafe, false", "localhost, false", "zz::1, false", "'', false",
    })
    void loopbackLiteralsAreRecognisedWithoutLookingNamesUp(String address, boolean loopback) {
        assertEquals(loopback, AdminAuth.isLoopback(address), address);
    }
}
