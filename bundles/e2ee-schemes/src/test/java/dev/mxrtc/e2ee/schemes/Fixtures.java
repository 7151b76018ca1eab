package dev.mxrtc.e2ee.schemes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Member;
import dev.mxrtc.api.MemberFormat;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.SlotId;
import dev.mxrtc.api.spi.EncryptionScheme.KeySender;
import dev.mxrtc.api.spi.EncryptionScheme.MediaKey;

/** Members, sessions, a manual scheduler (tests advance time; nothing sleeps) and a recording key sender. */
final class Fixtures {

    static final String ROOM = "!room:test.local";

    private Fixtures() {
    }

    static Member member(String user, String device, String memberId, long createdTs) {
        return new Member(ROOM, SlotId.ROOM_CALL, user, device, memberId, Application.of("m.call"), List.of(), List.of(),
                Optional.empty(), createdTs, createdTs + 3_600_000, MemberFormat.STICKY, memberId, "$" + memberId);
    }

    static Session session(Member... members) {
        return new Session(ROOM, SlotId.ROOM_CALL, Arrays.asList(members), 0, Optional.empty());
    }

    /** Time only moves when the test says so; due tasks run on the test thread. */
    static final class ManualScheduler implements Scheduler {
        private record Task(long due, long seq, Runnable run, boolean[] cancelled) {
        }

        private final PriorityQueue<Task> tasks = new PriorityQueue<>(
                (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
        private long now;
        private long seq;

        ManualScheduler(long start) {
            this.now = start;
        }

        @Override
        public long now() {
            return now;
        }

        @Override
        public Runnable schedule(Runnable task, long delayMs) {
            boolean[] cancelled = {false};
            tasks.add(new Task(now + delayMs, seq++, task, cancelled));
            return () -> cancelled[0] = true;
        }

        void advance(long ms) {
            long until = now + ms;
            while (!tasks.isEmpty() && tasks.peek().due <= until) {
                Task t = tasks.poll();
                now = t.due;
                if (!t.cancelled[0]) {
                    t.run.run();
                }
            }
            now = until;
        }
    }

    record Sent(List<Member> to, MediaKey key) {
        List<String> devices() {
            return to.stream().map(Member::deviceId).sorted().toList();
        }
    }

    static final class RecordingSender implements KeySender {
        final List<Sent> sent = new ArrayList<>();

        @Override
        public void send(Iterable<Member> to, MediaKey key) {
            List<Member> list = new ArrayList<>();
            to.forEach(list::add);
            sent.add(new Sent(List.copyOf(list), key));
        }

        Sent last() {
            return sent.get(sent.size() - 1);
        }
    }
}
