package dev.mxrtc.matrix.okhttp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.mxrtc.matrix.ClientSettings;
import dev.mxrtc.matrix.MatrixClients;
import dev.mxrtc.matrix.StandaloneClient;

/** The public non-OSGi entry point finds this bundle's implementation through ServiceLoader and logs in. */
@Timeout(20)
class MatrixClientsTest {

    @TempDir
    Path dir;

    @Test
    void openLogsInAndKeepsTheSessionInTheDataDirectory() throws Exception {
        try (ScriptedHomeserver hs = new ScriptedHomeserver().withAccount(Accounts4Test.USER, Accounts4Test.DEVICE,
                Accounts4Test.TOKEN)) {
            ClientSettings settings = ClientSettings.password(hs.url(), Accounts4Test.USER, "pw", dir)
                    .withDeviceId(Accounts4Test.DEVICE).withTimeouts(300, 3_000);
            try (StandaloneClient account = MatrixClients.open(settings)) {
                assertEquals(Accounts4Test.USER, account.client().userId());
                assertEquals(Accounts4Test.DEVICE, account.client().deviceId());
                assertEquals(1, hs.seen("POST", "/_matrix/client/v3/login").size());
            }
            assertTrue(java.nio.file.Files.exists(dir.resolve("session.json")));
            try (StandaloneClient again = MatrixClients.open(settings)) {
                assertEquals(Accounts4Test.DEVICE, again.client().deviceId());
                assertEquals(1, hs.seen("POST", "/_matrix/client/v3/login").size(), "the kept session is resumed");
            }
        }
    }

    @Test
    void settingsNeedACredentialAndHideIt() {
        assertThrows(IllegalArgumentException.class,
                () -> ClientSettings.password("http://127.0.0.1:1", "@a:b", "", dir));
        String shown = ClientSettings.password("http://127.0.0.1:1", "@a:b", "hunter2", dir).toString();
        assertTrue(!shown.contains("hunter2"), shown);
    }
}
