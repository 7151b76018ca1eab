package dev.mxrtc.core.runtime;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.Test;

import dev.mxrtc.focus.selection.OldestMembership;

class RtcSessionsComponentTest {

    private static RtcSessionsComponent.Config config() {
        return new RtcSessionsComponent.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return RtcSessionsComponent.Config.class;
            }

            @Override
            public int rejectedHistory() {
                return 16;
            }
        };
    }

    @Test
    void unbindAfterDeactivateIsQuiet() {
        // SCR unbinds dynamic references after @Deactivate; that must not throw (SCR would log an ERROR)
        RtcSessionsComponent component = new RtcSessionsComponent(config());
        OldestMembership selection = new OldestMembership();
        component.addSelection(selection);
        component.deactivate();
        assertDoesNotThrow(() -> component.removeSelection(selection));
    }
}
