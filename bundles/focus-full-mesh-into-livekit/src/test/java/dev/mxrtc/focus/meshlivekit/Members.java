package dev.mxrtc.focus.meshlivekit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.FocusActive;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.Transport;

/** Builds members from the table's notation {@code id@created_ts[/caps]} (see the table's header). */
final class Members {

    private Members() {
    }

    static Member parse(String spec) {
        String[] idAndRest = spec.split("@", 2);
        String id = idAndRest[0];
        String[] tsAndCaps = idAndRest[1].split("/", 2);
        long created = Long.parseLong(tsAndCaps[0]);
        String caps = tsAndCaps.length > 1 ? tsAndCaps[1] : "PSL";
        return member(id, created, caps);
    }

    static Member member(String id, long created, String caps) {
        String flags = caps.contains("T") ? caps.substring(0, caps.indexOf('T')) : caps;
        List<Transport> published = new ArrayList<>();
        if (caps.contains("T")) {
            String[] p = caps.substring(caps.indexOf('T') + 1).split(",");
            published.add(new Transport(Transport.FULL_MESH_INTO_LIVEKIT, Map.of(MeshParams.MAX_MESH_MEMBERS,
                    Long.parseLong(p[0]), MeshParams.MESH_RETURN_MEMBERS, Long.parseLong(p[1]),
                    MeshParams.MESH_HOLD_MS, Long.parseLong(p[2]))));
        }
        if (flags.contains("P")) {
            published.add(fullMesh(id));
        }
        if (flags.contains("L")) {
            published.add(livekit(id));
        }
        boolean legacy = flags.contains("G");
        List<String> canSubscribe = new ArrayList<>();
        if (!legacy && flags.contains("S")) {
            canSubscribe.add(Transport.FULL_MESH);
        }
        if (!legacy && flags.contains("L")) {
            canSubscribe.add(Transport.LIVEKIT);
        }
        String user = "@" + id + ":example.org";
        return new Member("!r:example.org", SlotId.ROOM_CALL, user, "DEV" + id, id, Application.of("m.call"),
                published, canSubscribe,
                legacy ? Optional.of(new FocusActive(Transport.LIVEKIT, Transport.FULL_MESH_INTO_LIVEKIT)) : Optional.empty(),
                created, created + 14_400_000L, legacy ? MemberFormat.LEGACY : MemberFormat.STICKY,
                legacy ? "_" + user + "_DEV" + id + "_m.call" : id, "$" + id + created);
    }

    /** A {@code full_mesh} transport, tagged with its publisher so the table can name whose was chosen. */
    static Transport fullMesh(String id) {
        return new Transport(Transport.FULL_MESH, Map.of("x_test_publisher", id));
    }

    static Transport livekit(String id) {
        return Transport.livekit("https://" + id + ".example/jwt", null);
    }

    static Departure departure(String spec) {
        String[] idAndRest = spec.split("@", 2);
        String[] rangeAndFlag = idAndRest[1].split("/", 2);
        String[] range = rangeAndFlag[0].split("-", 2);
        boolean couldMesh = rangeAndFlag.length == 1 || !rangeAndFlag[1].contains("x");
        return new Departure(idAndRest[0], Long.parseLong(range[0]), Long.parseLong(range[1]), couldMesh);
    }

    /** @return the decision in the table's notation */
    static String describe(Decision decision) {
        return switch (decision) {
            case Decision.Mesh mesh -> "mesh:" + owner(mesh.transport());
            case Decision.Sfu sfu -> "sfu:" + owner(sfu.transport()) + ":" + sfu.reason()
                    + (sfu.changesAt().isPresent() ? "@" + sfu.changesAt().getAsLong() : "");
            case Decision.NoTransport none -> "none";
        };
    }

    static String owner(Transport t) {
        return switch (t.type()) {
            case Transport.FULL_MESH -> t.stringField("x_test_publisher").orElseThrow();
            case Transport.LIVEKIT -> {
                String url = t.stringField("livekit_service_url").orElseThrow();
                yield url.substring("https://".length(), url.indexOf(".example"));
            }
            default -> throw new AssertionError("unexpected transport " + t);
        };
    }
}
