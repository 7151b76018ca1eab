package dev.mxrtc.admin.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.core.runtime.RtcSessionsComponent;
import dev.mxrtc.focus.selection.MultiSfu;
import dev.mxrtc.focus.selection.OldestMembership;

/** The real core (the same class SCR activates), outside OSGi, fed through its RoomEventSink side. */
final class CoreForTest implements AutoCloseable {

    final RtcSessionsComponent core = new RtcSessionsComponent(new RtcSessionsComponent.Config() {
        @Override
        public int rejectedHistory() {
            return 256;
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return RtcSessionsComponent.Config.class;
        }
    });

    CoreForTest() {
        // what SCR does when focus-selection's services appear (bind methods are package-private, as SCR allows)
        try {
            Method add = RtcSessionsComponent.class.getDeclaredMethod("addSelection", FocusSelection.class);
            add.setAccessible(true);
            add.invoke(core, new OldestMembership());
            add.invoke(core, new MultiSfu());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delivers the room and waits (bounded) until the core's actor has computed it. */
    CoreForTest feed(String roomId, List<RoomEvent> events, int sessions, int rejected) {
        core.onRoomEvents(roomId, events);
        await(() -> core.sessions(roomId).size() == sessions && core.rejected(roomId).size() == rejected,
                "the core computed " + roomId);
        return this;
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Stops the core's actor thread (its deactivate method is package-private: SCR calls it reflectively too). */
    @Override
    public void close() throws Exception {
        Method deactivate = RtcSessionsComponent.class.getDeclaredMethod("deactivate");
        deactivate.setAccessible(true);
        deactivate.invoke(core);
    }
}
