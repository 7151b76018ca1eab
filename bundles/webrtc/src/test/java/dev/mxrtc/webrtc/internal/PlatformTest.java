package dev.mxrtc.webrtc.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PlatformTest {

    @Test
    void linuxX8664IsSupportedUnderBothArchSpellings() {
        assertEquals(new Platform.Supported("linux-x86_64"), Platform.of("Linux", "amd64"));
        assertEquals(new Platform.Supported("linux-x86_64"), Platform.of("Linux", "x86_64"));
    }

    @Test
    void otherPlatformsGetAMessageNamingWhatIsEmbeddedAndWhatRuns() {
        for (String[] p : new String[][] {{"Mac OS X", "aarch64"}, {"Windows 11", "amd64"}, {"Linux", "aarch64"},
                {null, null}}) {
            Platform.Unsupported u = assertInstanceOf(Platform.Unsupported.class, Platform.of(p[0], p[1]));
            assertTrue(u.message().contains("linux-x86_64 only"), u.message());
            assertTrue(u.message().contains("os.name=" + p[0] + ", os.arch=" + p[1]), u.message());
        }
    }
}
