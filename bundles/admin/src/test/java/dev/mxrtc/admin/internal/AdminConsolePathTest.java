package dev.mxrtc.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AdminConsolePathTest {

    @ParameterizedTest
    @CsvSource({"/mxrtc/admin, /mxrtc/admin", "/mxrtc/admin/, /mxrtc/admin", " /ops// , /ops", "/a/b/c, /a/b/c"})
    void configuredPathsAreNormalised(String configured, String expected) {
        assertEquals(expected, AdminConsole.path(configured));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/", "mxrtc/admin", "/admin/*", "/admin?x", "/admin#x"})
    void badPathsAreRefused(String configured) {
        assertThrows(IllegalArgumentException.class, () -> AdminConsole.path(configured));
    }
}
