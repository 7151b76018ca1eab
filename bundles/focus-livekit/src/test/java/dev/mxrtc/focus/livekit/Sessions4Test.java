package dev.mxrtc.focus.livekit;

import java.util.List;
import java.util.Optional;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/** Members as the core would compute them from membership events. */
final class Sessions4Test {

    static final String ROOM = "!room:localhost";

    private Sessions4Test() {
    }

    static Member sticky(String user, String device, String memberId, long created, String serviceUrl) {
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, memberId, Application.of("m.call"),
                serviceUrl == null ? List.of() : List.of(Transport.livekit(serviceUrl, null)), List.of(Transport.LIVEKIT),
                Optional.empty(), created, created + 3_600_000, MemberFormat.STICKY, memberId, "$" + memberId);
    }

    static Member legacy(String user, String device, long created, String selection, String serviceUrl) {
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, user + ":" + device, Application.of("m.call"),
                serviceUrl == null ? List.of() : List.of(Transport.livekit(serviceUrl, null)), List.of(),
                Optional.of(new FocusActive(Transport.LIVEKIT, selection)), created, created + 14_400_000,
                MemberFormat.LEGACY, "_" + user + "_" + device + "_m.call", "$" + user + created);
    }
}
