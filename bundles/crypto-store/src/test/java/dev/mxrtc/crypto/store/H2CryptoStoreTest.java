package dev.mxrtc.crypto.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.crypto.GroupSession;
import dev.mxrtc.crypto.InboundGroupSession;
import dev.mxrtc.crypto.InboundSession;
import dev.mxrtc.crypto.OlmAccount;
import dev.mxrtc.crypto.OlmFactory;
import dev.mxrtc.crypto.OlmSession;

/** Real H2 files and real Olm/Megolm: a restart (close, reopen) keeps every session working. */
@Timeout(30)
class H2CryptoStoreTest {

    private static final String ROOM = "!room:test.local";
    private final OlmFactory olm = ServiceLoader.load(OlmFactory.class).findFirst().orElseThrow();
    private final byte[] key = new byte[32];

    @TempDir
    Path dir;

    H2CryptoStoreTest() {
        new SecureRandom().nextBytes(key);
    }

    @Test
    void restartKeepsAccountsOlmSessionsAndMegolmSessions() throws Exception {
        OlmAccount alice = olm.newAccount();
        OlmAccount bob = olm.newAccount();
        bob.generateOneTimeKeys(1);
        String otk = bob.unpublishedOneTimeKeys().values().iterator().next();
        OlmSession aliceToBob = alice.createOutboundSession(bob.identityKeys().curve25519(), otk);
        InboundSession bobFromAlice = bob.createInboundSession(alice.identityKeys().curve25519(),
                aliceToBob.encrypt("hello"));
        assertEquals("hello", bobFromAlice.plaintext());
        GroupSession outbound = olm.newGroupSession();
        InboundGroupSession inbound = olm.inboundGroupSession(outbound.sessionKey());
        String sessionId = inbound.sessionId();

        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            store.saveAccount("@alice:t", "A", alice);
            store.saveAccount("@bob:t", "B", bob);
            store.saveOlmSession("@alice:t", "A", aliceToBob);
            store.saveOlmSession("@bob:t", "B", bobFromAlice.session());
            store.saveInboundGroupSession("@bob:t", "B", ROOM, alice.identityKeys().curve25519(), inbound);
        }
        byte[] file = Files.readAllBytes(dir.resolve("crypto.mv.db"));
        String raw = new String(file, StandardCharsets.ISO_8859_1);
        assertFalse(raw.contains(sessionId), "session ids are not readable in the file");
        assertFalse(raw.contains("olm_session") || raw.contains("OLM_SESSION"), "the schema is not readable either");

        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            OlmAccount alice2 = store.loadAccount("@alice:t", "A").orElseThrow();
            assertEquals(alice.identityKeys(), alice2.identityKeys());
            assertEquals(bob.identityKeys(), store.loadAccount("@bob:t", "B").orElseThrow().identityKeys());
            List<OlmSession> a = store.loadOlmSessions("@alice:t", "A", bob.identityKeys().curve25519());
            List<OlmSession> b = store.loadOlmSessions("@bob:t", "B", alice.identityKeys().curve25519());
            assertEquals(1, a.size());
            assertEquals(1, b.size());
            assertEquals("after restart", b.get(0).decrypt(a.get(0).encrypt("after restart")));
            assertEquals("and back", a.get(0).decrypt(b.get(0).encrypt("and back")));
            InboundGroupSession restored = store.loadInboundGroupSession("@bob:t", "B", ROOM, sessionId).orElseThrow();
            assertEquals("room message", restored.decrypt(outbound.encrypt("room message")).plaintext());
            assertTrue(store.loadInboundGroupSession("@bob:t", "B", "!other:t", sessionId).isEmpty());
            assertTrue(store.loadAccount("@carol:t", "C").isEmpty());
        }
    }

    @Test
    void aWrongStoreKeyDoesNotOpenTheStore() throws Exception {
        try (H2CryptoStore store = H2CryptoStore.open(dir, key, olm)) {
            store.saveAccount("@alice:t", "A", olm.newAccount());
        }
        byte[] wrong = key.clone();
        wrong[0] ^= 1;
        assertThrows(SQLException.class, () -> H2CryptoStore.open(dir, wrong, olm).close());
    }
}
