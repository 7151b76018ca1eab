package dev.mxrtc.admin.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import dev.mxrtc.admin.Drain;
import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.RejectedEvent;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/** Ids on the page come from remote Matrix users: everything they control is escaped. */
class AdminHtmlTest {

    private static final String EVIL = "<script>alert('x')</script>&\"";

    @Test
    void hostileIdsAreEscaped() {
        AdminJson json = new AdminJson(new ObjectMapper());
        String room = "!" + EVIL + ":example.org";
        Member m = new Member(room, SlotId.ROOM_CALL, "@" + EVIL + ":example.org", EVIL, EVIL,
                Application.of("m.call"), List.of(Transport.livekit("https://x/" + EVIL, null)), List.of(),
                Optional.empty(), 1, 2, MemberFormat.STICKY, EVIL, "$" + EVIL);
        Session s = new Session(room, SlotId.ROOM_CALL, List.of(m), 1, Optional.of(m.transports().get(0)));
        CoreSnapshot snap = new CoreSnapshot("available", List.of(s),
                Map.of(room, List.of(new RejectedEvent(room, "$" + EVIL, EVIL, EVIL))));
        Drain notDraining = new DrainState();
        String html = AdminHtml.page(json.health(TestRuntime.ALL_ACTIVE, 1, notDraining, "available"),
                json.stats(snap, notDraining), json.sessions(snap), List.of(json.rejected(room, snap)),
                json.services(Map.of()), json.bundles(TestRuntime.ALL_ACTIVE));
        assertFalse(html.contains("<script"), html);
        assertFalse(html.contains("alert('x')"), "quotes escaped too");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"));
    }

    @Test
    void escapeCoversTheFiveHtmlSpecials() {
        assertEquals("a&lt;b&gt;c&amp;d&quot;e&#39;f", AdminHtml.esc("a<b>c&d\"e'f"));
    }
}
