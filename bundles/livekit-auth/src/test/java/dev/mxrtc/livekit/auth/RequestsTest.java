package dev.mxrtc.livekit.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Go decoder's rules (DisallowUnknownFields, types, null, case) and lk-jwt-service's validation messages. */
class RequestsTest {
    static final String OPENID = "{\"access_token\":\"tok\",\"token_type\":\"Bearer\",\"matrix_server_name\":\"hs\",\"expires_in\":3600}";
    static final String MEMBER = "{\"id\":\"m1\",\"claimed_user_id\":\"@u:hs\",\"claimed_device_id\":\"DEV\"}";

    static byte[] b(String s) { return s.replace('\'', '"').getBytes(StandardCharsets.UTF_8); }

    static String tokenBody(String extra) {
        return "{\"room_id\":\"!r:hs\",\"slot_id\":\"m.call#ROOM\",\"openid_token\":" + OPENID + ",\"member\":" + MEMBER + extra + "}";
    }

    @Test
    void getTokenParses() throws Exception {
        Requests.TokenRequest r = Requests.getToken(b(tokenBody(",\"delay_id\":\"d1\",\"delay_timeout\":8000,\"delay_cs_api_url\":\"x\"")));
        assertEquals("!r:hs", r.roomId());
        assertEquals("m1", r.member().id());
        assertEquals("hs", r.openIdToken().matrixServerName());
        assertEquals(8000, r.delayTimeoutMs());
        assertTrue(r.delegates());
        assertFalse(r.openIdToken().toString().contains("tok"), "the access token is never printed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "not json|{nope",
        "empty body|",
        "array|[]",
        "unknown field|{'room_id':'!r:hs','colour':'red'}",
        "unknown nested field|{'member':{'id':'m','nickname':'x'}}",
        "number for string|{'room_id':5}",
        "string for int|{'delay_timeout':'8000'}",
        "float for int|{'delay_timeout':1.5}",
        "object for string|{'slot_id':{}}",
    })
    void notJson(String what, String body) {
        AuthError e = assertThrows(AuthError.class, () -> Requests.getToken(body == null ? new byte[0] : b(body)));
        assertEquals(400, e.status());
        assertEquals("M_NOT_JSON", e.errcode());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "JSON null body|null|The request body is missing `room_id` or `slot_id`",
        "no slot|{'room_id':'!r:hs'}|The request body is missing `room_id` or `slot_id`",
        "null member|{'room_id':'!r:hs','slot_id':'s','member':null}|The request body `member` is missing a `id`, `claimed_user_id` or `claimed_device_id`",
    })
    void badJson(String what, String body, String message) {
        AuthError e = assertThrows(AuthError.class, () -> Requests.getToken(b(body)));
        assertEquals("M_BAD_JSON", e.errcode());
        assertEquals(message, e.getMessage());
    }

    @Test
    void delayFieldsBothOrNeither() {
        for (String extra : new String[] {",\"delay_id\":\"d1\"", ",\"delay_timeout\":5000", ",\"delay_id\":\"d\",\"delay_timeout\":0"}) {
            AuthError e = assertThrows(AuthError.class, () -> Requests.getToken(b(tokenBody(extra))));
            assertEquals("The request body is missing `delay_id` or `delay_timeout`", e.getMessage());
        }
        AuthError e = assertThrows(AuthError.class, () -> Requests.delegateDelayedLeave(b(tokenBody(""))));
        assertEquals("M_BAD_JSON", e.errcode());
    }

    @Test
    void openIdMissingPartsAndCaseInsensitiveNames() throws Exception {
        String noServer = "{\"room_id\":\"!r:hs\",\"slot_id\":\"s\",\"member\":" + MEMBER + ",\"openid_token\":{\"access_token\":\"t\"}}";
        AuthError e = assertThrows(AuthError.class, () -> Requests.getToken(b(noServer)));
        assertEquals("The request body `openid_token` is missing a `access_token` or `matrix_server_name`", e.getMessage());
        // Go matches field names case-insensitively
        Requests.TokenRequest r = Requests.getToken(b(tokenBody("").replace("\"room_id\"", "\"ROOM_ID\"")));
        assertEquals("!r:hs", r.roomId());
    }

    @Test
    void legacy() throws Exception {
        Requests.LegacyRequest r = Requests.sfuGet(b("{\"room\":\"!r:hs\",\"openid_token\":" + OPENID + ",\"device_id\":\"DEV\"}"));
        assertEquals("DEV", r.deviceId());
        assertEquals("Missing room parameter", assertThrows(AuthError.class,
                () -> Requests.sfuGet(b("{\"openid_token\":" + OPENID + "}"))).getMessage());
        assertEquals("Missing OpenID token parameters", assertThrows(AuthError.class,
                () -> Requests.sfuGet(b("{\"room\":\"!r\"}"))).getMessage());
        assertEquals("M_NOT_JSON", assertThrows(AuthError.class,
                () -> Requests.sfuGet(b("{\"room\":\"!r\",\"room_id\":\"x\"}"))).errcode());
    }
}
