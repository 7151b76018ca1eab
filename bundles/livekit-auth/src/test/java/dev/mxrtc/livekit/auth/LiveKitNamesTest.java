package dev.mxrtc.livekit.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mxrtc.api.Member;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveKitNamesTest {

    @Test
    void msc4195AppendixVectors() {
        assertEquals("O8437W3+jmzMVjoIP3tNwbm+XxHQk2iKpOA7aqw3qSc", LiveKitNames.roomAlias("!roomid:example.com", "slot1234"));
        assertEquals("J+T45tGruxc+HrUOqJJlyQSV33m728Cme4+vt8/SWrU",
                LiveKitNames.identity("@alice:example.com", "DEVICE123", "memberABC"));
    }

    /**
     * go-hash-vectors.tsv was written by Go's own encoding/json + crypto/sha256 with lk-jwt-service's helper.go
     * functions (interop-livekit-auth/go-vectors/main.go): the bytes Go hashes and the hash, per input.
     */
    @Test
    void matchesGoJsonMarshalByteForByte() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int checked = 0;
        int differFromCanonical = 0;
        try (InputStream in = getClass().getResourceAsStream("go-hash-vectors.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                String[] col = line.split("\t");
                List<String> parts = new ArrayList<>();
                for (JsonNode n : json.readTree(col[0])) parts.add(n.asText());
                String[] p = parts.toArray(String[]::new);
                assertArrayEquals(HexFormat.of().parseHex(col[1]), LiveKitNames.goJsonArray(p), "bytes of " + col[0]);
                assertEquals(col[2], LiveKitNames.hash(p), "hash of " + col[0]);
                if (!Member.hashedIdentity(p).equals(col[2])) differFromCanonical++;
                checked++;
            }
        }
        assertEquals(11, checked);
        // the three vectors with <, > or & and the one with U+2028/U+2029: canonical JSON (api Member.hashedIdentity)
        // differs there; control characters it escapes the way Go does
        assertEquals(4, differFromCanonical);
    }

    @Test
    void htmlCharactersAreEscapedAsGoDoes() {
        assertEquals("[\"!r\\u003co\\u003eo\\u0026m:example.org\",\"m.call#ROOM\"]",
                new String(LiveKitNames.goJsonArray("!r<o>o&m:example.org", "m.call#ROOM"), StandardCharsets.UTF_8));
        assertNotEquals(Member.hashedIdentity("@a&b:ex.org", "<DEV>", "m&m"), LiveKitNames.identity("@a&b:ex.org", "<DEV>", "m&m"));
    }

    /** Go 1.22+ (lk-jwt-service builds with 1.26) writes \b and \f short; older Go wrote unicode escapes. */
    @Test
    void backspaceAndFormFeedAsGo122() {
        assertEquals("[\"a\\bb\\fc\\u0001\"]", new String(LiveKitNames.goJsonArray("a\bb\fc\u0001"), StandardCharsets.UTF_8));
    }

    @Test
    void loneSurrogateBecomesReplacementCharacter() {
        assertEquals(LiveKitNames.hash("x\uFFFDy"), LiveKitNames.hash("x\uD800y"));
        assertTrue(LiveKitNames.hash("\uD83D\uDE00").equals(LiveKitNames.hash("😀")));
    }

    @Test
    void legacyForms() {
        assertEquals("@alice:example.org:ABCDEFGH", LiveKitNames.legacyIdentity("@alice:example.org", "ABCDEFGH"));
        assertEquals(LiveKitNames.roomAlias("!r:hs", "m.call#ROOM"), LiveKitNames.roomAlias("!r:hs", LiveKitNames.LEGACY_SLOT));
        assertEquals("VrG99a0G4ev+qubz6efARhLBA3Aq+fMdRuytFLRA/MM", LiveKitNames.roomAlias("!r:hs", LiveKitNames.LEGACY_SLOT));
    }
}
