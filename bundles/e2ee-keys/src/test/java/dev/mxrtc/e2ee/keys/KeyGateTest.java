package dev.mxrtc.e2ee.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;
import dev.mxrtc.e2ee.DropReason;
import dev.mxrtc.e2ee.KeyFormat;
import dev.mxrtc.e2ee.ReceivedKey;

/** The receive rules as a table of cases; time is a fixed clock the test moves. */
class KeyGateTest {

    private static final String ROOM = "!r:t";
    private final Member bob = member("@bob:t", "BOB", "m-bob");
    private final List<String> delivered = new ArrayList<>();
    private Clock clock = Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC);
    private final KeyGate gate = new KeyGate(ROOM, new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return clock.instant();
        }
    }, 2, 5_000, (m, k) -> delivered.add(m.memberId() + "#" + k.index()));

    private static Member member(String user, String device, String id) {
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, id, Application.of("m.call"), List.of(), List.of(),
                Optional.empty(), 1, 3_600_000, MemberFormat.STICKY, id, "$" + id);
    }

    private static Session session(Member... m) {
        return new Session(ROOM, SlotId.ROOM_CALL, List.of(m), 0, Optional.empty());
    }

    private static ReceivedKey key(String user, String device, String memberId, int index, long sentTs, KeyFormat f) {
        return new ReceivedKey(ROOM, user, device, Optional.ofNullable(memberId), new MediaKey(index, new byte[16]),
                sentTs, f);
    }

    @Test
    void memberKeysPassOlderOnesForTheSameIndexAreDropped() {
        gate.membersChanged(session(bob));
        gate.received(key("@bob:t", "BOB", "m-bob", 0, 100, KeyFormat.JS_SDK_TO_DEVICE));
        gate.received(key("@bob:t", "BOB", "m-bob", 0, 99, KeyFormat.JS_SDK_TO_DEVICE));
        gate.received(key("@bob:t", "BOB", "m-bob", 1, 50, KeyFormat.JS_SDK_TO_DEVICE));
        assertEquals(List.of("m-bob#0", "m-bob#1"), delivered);
        assertEquals(1, gate.drops().get(DropReason.OUTDATED));
    }

    @Test
    void earlyKeysWaitForTheMembershipThenExpireAndTheBufferIsBounded() {
        gate.received(key("@bob:t", "BOB", "m-bob", 0, 1, KeyFormat.JS_SDK_TO_DEVICE));
        assertTrue(delivered.isEmpty());
        gate.membersChanged(session(bob));
        assertEquals(List.of("m-bob#0"), delivered);

        gate.received(key("@eve:t", "EVE", null, 0, 1, KeyFormat.JS_SDK_TO_DEVICE));
        gate.received(key("@eve:t", "EVE", null, 1, 1, KeyFormat.JS_SDK_TO_DEVICE));
        gate.received(key("@eve:t", "EVE", null, 2, 1, KeyFormat.JS_SDK_TO_DEVICE));
        assertEquals(1, gate.drops().get(DropReason.BUFFER_FULL));
        clock = Clock.offset(clock, java.time.Duration.ofMillis(5_000));
        gate.expire();
        assertEquals(2, gate.drops().get(DropReason.NOT_A_MEMBER));
        assertEquals(0, gate.buffered());
    }

    @Test
    void msc4143KeysMustNameTheSendersOwnMemberId() {
        Member carol = member("@carol:t", "CAROL", "m-carol");
        gate.membersChanged(session(bob, carol));
        gate.received(key("@bob:t", "BOB", "m-carol", 0, 1, KeyFormat.MSC4143_TO_DEVICE));
        assertEquals(1, gate.drops().get(DropReason.UNAUTHENTICATED_DEVICE));
        gate.received(key("@bob:t", "BOB", "m-bob", 0, 1, KeyFormat.MSC4143_TO_DEVICE));
        assertEquals(List.of("m-bob#0"), delivered);
        gate.received(new ReceivedKey("!other:t", "@bob:t", "BOB", Optional.empty(), new MediaKey(3, new byte[16]), 1,
                KeyFormat.JS_SDK_TO_DEVICE));
        assertEquals(1, gate.drops().get(DropReason.WRONG_ROOM));
    }

    @Test
    void codecRoundTripsEveryFormatAndRejectsBadContent() throws Exception {
        MediaKey k = new MediaKey(5, new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
        KeyCodec.Parsed js = KeyCodec.parse(KeyFormat.JS_SDK_TO_DEVICE, KeyCodec.jsSdkToDevice(ROOM, "D", "m", k, 7));
        assertEquals(List.of(k), js.keys());
        assertEquals(Optional.of("D"), js.claimedDeviceId());
        assertEquals(Optional.of(7L), js.sentTs());
        assertTrue(KeyCodec.jsSdkToDevice(ROOM, "D", "m", k, 7).contains("\"AQIDBAUGBwgJCgsMDQ4PEA==\""), "padded");
        KeyCodec.Parsed msc = KeyCodec.parse(KeyFormat.MSC4143_TO_DEVICE, KeyCodec.msc4143ToDevice(ROOM, "m", k));
        assertEquals(Optional.of("m"), msc.memberId());
        assertEquals(List.of(k), msc.keys());
        assertEquals(List.of(k), KeyCodec.parse(KeyFormat.LEGACY_ROOM_EVENT, KeyCodec.legacyRoomEvent("D", k, 1)).keys());
        for (String bad : List.of("[]", "{}", "{\"room_id\":\"!r\",\"keys\":{\"index\":0,\"key\":\"AAAA\"},"
                + "\"member\":{\"claimed_device_id\":\"D\"}}", "{\"room_id\":\"!r\",\"keys\":{\"index\":300,"
                + "\"key\":\"AQIDBAUGBwgJCgsMDQ4PEA==\"},\"member\":{\"claimed_device_id\":\"D\"}}")) {
            assertThrows(KeyCodec.Malformed.class, () -> KeyCodec.parse(KeyFormat.JS_SDK_TO_DEVICE, bad), bad);
        }
    }
}
