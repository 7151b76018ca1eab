package dev.mxrtc.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import dev.mxrtc.api.RoomEvent;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.core.parse.MembershipParser;
import dev.mxrtc.core.parse.ParsedEvent;
import dev.mxrtc.core.session.ComputedSession;
import dev.mxrtc.core.session.FullComputation;
import dev.mxrtc.core.session.RoomEngine;
import dev.mxrtc.core.session.SlotDelta;
import dev.mxrtc.core.session.Selections;
import dev.mxrtc.focus.selection.MultiSfu;
import dev.mxrtc.focus.selection.OldestMembership;

/**
 * One room, one slot, {@code members} members (half legacy state, half sticky). {@code incrementalUpdate}:
 * one membership change (a device leaves or re-joins, cycling through the room) applied to the
 * {@link RoomEngine}, plus the drain that yields the session delta and re-asks the focus selection.
 * {@code fullRecompute}: the pure computation of every session from the same room state.
 * Events are parsed in setup: parsing happens once, at the edge, in both cases ({@code parseOneEvent}
 * measures it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SessionBenchmark {

    private static final String ROOM = "!bench:example.org";
    private static final long NOW = 1_767_000_000_000L;

    @Param("10000")
    public int members;

    private final MembershipParser parser = new MembershipParser();
    private Selections selections;
    private RoomEngine engine;
    private List<ParsedEvent> leaves;
    private List<ParsedEvent> joins;
    private RoomEvent sample;
    private int next;
    private boolean leaving = true;

    @Setup(Level.Trial)
    public void setUp() {
        selections = new Selections(List.of(new OldestMembership(), new MultiSfu()));
        engine = new RoomEngine(ROOM, selections);
        leaves = new ArrayList<>(members);
        joins = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            String user = "@user" + i + ":example.org";
            engine.apply(parser.parse(state("m.room.member", user, user, 1, "{\"membership\":\"join\"}", "m" + i)), NOW);
            RoomEvent join = i % 2 == 0 ? legacy(user, i, "j" + i) : sticky(user, i, "j" + i);
            engine.apply(parser.parse(join), NOW);
            if (i % 2 == 0) { // legacy state: the last delivered event wins, so leave/re-join can be replayed
                joins.add(parser.parse(legacy(user, i, "J" + i)));
                leaves.add(parser.parse(state("org.matrix.msc3401.call.member", "_" + user + "_D" + i + "_m.call",
                        user, NOW, "{}", "L" + i)));
            }
        }
        engine.drain();
        sample = legacy("@user1:example.org", 1, "sample");
        if (engine.size(SlotId.ROOM_CALL) != members) {
            throw new IllegalStateException("setup made " + engine.size(SlotId.ROOM_CALL) + " members");
        }
    }

    @Benchmark
    public List<SlotDelta> incrementalUpdate() {
        int i = next;
        engine.apply(leaving ? leaves.get(i) : joins.get(i), NOW);
        if (!leaving) {
            next = (next + 1) % joins.size();
        }
        leaving = !leaving;
        return engine.drain();
    }

    @Benchmark
    public SortedMap<SlotId, ComputedSession> fullRecompute() {
        return FullComputation.compute(engine.state(), NOW, selections);
    }

    @Benchmark
    public ParsedEvent parseOneEvent() {
        return parser.parse(sample);
    }

    private static RoomEvent legacy(String user, int i, String id) {
        return state("org.matrix.msc3401.call.member", "_" + user + "_D" + i + "_m.call", user, NOW - 1_000_000 + i,
                "{\"application\":\"m.call\",\"call_id\":\"\",\"scope\":\"m.room\",\"device_id\":\"D" + i + "\","
                        + "\"created_ts\":" + (NOW - 1_000_000 + i) + ",\"focus_active\":{\"type\":\"livekit\","
                        + "\"focus_selection\":\"oldest_membership\"},\"foci_preferred\":[{\"type\":\"livekit\","
                        + "\"livekit_service_url\":\"https://sfu.example.org\"}],\"m.call.intent\":\"video\"}", id);
    }

    private static RoomEvent sticky(String user, int i, String id) {
        return stickyEvent(user, NOW - 1_000_000 + i, "{\"slot_id\":\"m.call#ROOM\",\"application\":{\"type\":\"m.call\"},"
                + "\"member\":{\"id\":\"k" + i + "\",\"user_id\":\"" + user + "\",\"device_id\":\"D" + i + "\"},"
                + "\"transports\":{\"published\":[{\"type\":\"livekit\",\"livekit_service_url\":\"https://sfu.example.org\"}],"
                + "\"can_subscribe\":[\"livekit\"]},\"versions\":[],\"msc4354_sticky_key\":\"k" + i + "\"}", id);
    }

    private static RoomEvent state(String type, String key, String sender, long ts, String content, String id) {
        return new RoomEvent(ROOM, "$" + id, type, Optional.of(key), sender, ts, content, OptionalLong.empty(),
                OptionalLong.empty(), NOW);
    }

    private static RoomEvent stickyEvent(String sender, long ts, String content, String id) {
        return new RoomEvent(ROOM, "$" + id, "org.matrix.msc4143.rtc.member", Optional.empty(), sender, ts,
                content, OptionalLong.of(3_600_000), OptionalLong.empty(), NOW);
    }
}
