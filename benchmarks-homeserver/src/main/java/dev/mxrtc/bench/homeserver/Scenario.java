package dev.mxrtc.bench.homeserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxrtc.bench.homeserver.HsClient.User;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One timed scenario. Receivers long-poll {@code /sync}; senders send at a fixed rate (open loop, each from its own
 * random phase) either room messages into their shared room or one to-device request addressed to every receiver of
 * that room; each message carries the sender's {@code System.nanoTime()} (all clients share this JVM's clock), and a
 * receiver takes the time when the {@code /sync} answer holding it is parsed.
 *
 * <pre>
 *  receivers start, initial sync ──► senders start ──warmup──► measure window ──► senders stop ──drain──► receivers stop
 * </pre>
 *
 * Only messages sent inside the measure window count; every one of them must reach each of its receivers once.
 */
final class Scenario {
    private static final String FILTER = "{\"room\":{\"timeline\":{\"limit\":1000},\"state\":{\"lazy_load_members\":true}}}";
    private static final String STOP_TYPE = "bench.stop";
    private static final long LONG_POLL_MS = 10_000;

    enum Kind { ROOM_MESSAGES, TO_DEVICE }

    /** What to run. */
    record Plan(String name, Kind kind, int senders, int receivers, double ratePerSender, Duration warmup,
            Duration measure, Duration drain) {
        Plan {
            if (senders < 1 || receivers < 1 || ratePerSender <= 0) throw new IllegalArgumentException("empty plan " + name);
        }

        String eventType() {
            return kind == Kind.ROOM_MESSAGES ? "bench.msg" : "bench.todevice";
        }
    }

    /**
     * What it measured.
     *
     * @param expected deliveries owed for the messages sent in the window (message × its receivers)
     * @param delivered first deliveries of those messages
     * @param duplicates a message delivered again to the same receiver
     * @param errors failed requests (senders and receivers)
     * @param load the machine's 1-minute load average at the end of the measured window ("n/a" off Linux): how busy
     *             the machine was while this scenario was measured (other jobs included)
     */
    record Result(Plan plan, long sent, long expected, long delivered, long duplicates, long errors,
            Latencies delivery, Latencies send, double seconds, Optional<Duration> serverCpu, Duration clientCpu,
            String load) {
        double eventsPerSecond() {
            return delivered / seconds;
        }

        long lost() {
            return expected - delivered;
        }
    }

    /** The accounts and rooms every scenario draws from: receiver i and sender j sit in room i (j) mod rooms. */
    record Population(List<User> receivers, List<User> senders, List<String> rooms) {
        int roomOfReceiver(int i) {
            return i % rooms.size();
        }

        int roomOfSender(int j) {
            return j % rooms.size();
        }
    }

    private final HsClient client;
    private final Population population;
    private final Plan plan;
    private final String runId = UUID.randomUUID().toString();
    private final AtomicLong errors = new AtomicLong();
    private volatile boolean stopping;
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    Scenario(HsClient client, Population population, Plan plan) {
        if (plan.receivers() > population.receivers().size() || plan.senders() > population.senders().size()) {
            throw new IllegalArgumentException("plan " + plan.name() + " needs more accounts than registered");
        }
        this.client = client;
        this.population = population;
        this.plan = plan;
    }

    Result run(ServerUnderTest server) throws InterruptedException {
        List<Receiver> receivers = new ArrayList<>();
        CountDownLatch synced = new CountDownLatch(plan.receivers());
        for (int i = 0; i < plan.receivers(); i++) receivers.add(new Receiver(population.receivers().get(i), synced));
        List<Thread> receiverThreads = receivers.stream().map(r -> Thread.ofVirtual().name("receiver").start(r)).toList();
        if (!synced.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("receivers did not finish their initial sync");

        long start = System.nanoTime();
        long warm = start + plan.warmup().toNanos();
        windowStart = warm;
        windowEnd = warm + plan.measure().toNanos();
        List<Sender> senders = new ArrayList<>();
        for (int j = 0; j < plan.senders(); j++) senders.add(new Sender(j, start));
        List<Thread> senderThreads = senders.stream().map(s -> Thread.ofVirtual().name("sender").start(s)).toList();

        sleepUntil(warm);
        Optional<Duration> cpu0 = server.cpuTime();
        long clientCpu0 = processCpuNanos();
        sleepUntil(windowEnd);
        Optional<Duration> cpu1 = server.cpuTime();
        long clientCpu1 = processCpuNanos();
        String load = LoadBenchmark.loadAverage().split(" ")[0];
        for (Thread t : senderThreads) t.join(Duration.ofSeconds(30));
        sleepUntil(System.nanoTime() + plan.drain().toNanos());
        stopping = true;
        wakeReceivers();
        for (Thread t : receiverThreads) {
            if (!t.join(Duration.ofSeconds(20))) t.interrupt();
        }

        long sent = senders.stream().mapToLong(s -> s.sent).sum();
        long expected = senders.stream().mapToLong(s -> s.expected).sum();
        long delivered = receivers.stream().mapToLong(r -> r.samples.size).sum();
        long duplicates = receivers.stream().mapToLong(r -> r.duplicates).sum();
        Optional<Duration> serverCpu = cpu0.flatMap(a -> cpu1.map(b -> b.minus(a)));
        return new Result(plan, sent, expected, delivered, duplicates, errors.get(),
                new Latencies(merge(receivers.stream().map(r -> r.samples).toList())),
                new Latencies(merge(senders.stream().map(s -> s.rtts).toList())),
                plan.measure().toNanos() / 1e9, serverCpu, Duration.ofNanos(clientCpu1 - clientCpu0), load);
    }

    /** Cuts every pending long poll short: a to-device message to each receiver. */
    private void wakeReceivers() {
        ObjectNode messages = HsClient.JSON.createObjectNode();
        for (int i = 0; i < plan.receivers(); i++) {
            messages.putObject(population.receivers().get(i).userId()).putObject("*").put("run", runId);
        }
        try {
            client.sendToDevice(population.senders().getFirst(), STOP_TYPE, messages);
        } catch (IOException | InterruptedException e) {
            errors.incrementAndGet();
        }
    }

    private boolean inWindow(long sentNs) {
        return sentNs >= windowStart && sentNs < windowEnd;
    }

    /** Long-polls as one account; records the first delivery of each message of this run. */
    private final class Receiver implements Runnable {
        private final User user;
        private final CountDownLatch synced;
        private final Set<Long> seen = new HashSet<>();
        final LongList samples = new LongList();
        long duplicates;

        Receiver(User user, CountDownLatch synced) {
            this.user = user;
            this.synced = synced;
        }

        @Override
        public void run() {
            String since = null;
            try {
                since = client.sync(user, null, 0, FILTER).path("next_batch").asText();
            } catch (IOException | InterruptedException e) {
                errors.incrementAndGet();
                return;
            } finally {
                synced.countDown();
            }
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                try {
                    JsonNode body = client.sync(user, since, LONG_POLL_MS, FILTER);
                    long now = System.nanoTime();
                    for (Map.Entry<String, JsonNode> room : body.path("rooms").path("join").properties()) {
                        room.getValue().path("timeline").path("events").forEach(e -> take(e, now));
                    }
                    body.path("to_device").path("events").forEach(e -> take(e, now));
                    since = body.path("next_batch").asText();
                } catch (IOException e) {
                    errors.incrementAndGet();
                    LockSupport.parkNanos(100_000_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void take(JsonNode event, long now) {
            JsonNode c = event.path("content");
            if (!plan.eventType().equals(event.path("type").asText()) || !runId.equals(c.path("run").asText())) return;
            long key = (c.path("sender").asLong() << 32) | c.path("seq").asLong();
            if (!seen.add(key)) {
                duplicates++;
                return;
            }
            long sentNs = c.path("sent_ns").asLong();
            if (inWindow(sentNs)) samples.add(now - sentNs);
        }
    }

    /** Sends at {@code ratePerSender} from a random phase until the window ends. */
    private final class Sender implements Runnable {
        private final int index;
        private final long start;
        private final User user;
        private final List<User> targets = new ArrayList<>();
        final LongList rtts = new LongList();
        long sent;
        long expected;

        Sender(int index, long start) {
            this.index = index;
            this.start = start;
            this.user = population.senders().get(index);
            for (int i = 0; i < plan.receivers(); i++) {
                if (population.roomOfReceiver(i) == population.roomOfSender(index)) targets.add(population.receivers().get(i));
            }
        }

        @Override
        public void run() {
            long interval = (long) (1e9 / plan.ratePerSender());
            long next = start + ThreadLocalRandom.current().nextLong(interval);
            String room = population.rooms().get(population.roomOfSender(index));
            for (long seq = 0; ; seq++) {
                if (next >= windowEnd) return;
                sleepUntil(next);
                long sentNs = System.nanoTime();
                ObjectNode content = HsClient.JSON.createObjectNode().put("run", runId).put("sender", index)
                        .put("seq", seq).put("sent_ns", sentNs).put("body", "load message " + seq);
                try {
                    if (plan.kind() == Kind.ROOM_MESSAGES) {
                        client.send(user, room, plan.eventType(), content);
                    } else {
                        ObjectNode messages = HsClient.JSON.createObjectNode();
                        for (User t : targets) messages.putObject(t.userId()).set(t.deviceId(), content);
                        client.sendToDevice(user, plan.eventType(), messages);
                    }
                    if (inWindow(sentNs)) {
                        rtts.add(System.nanoTime() - sentNs);
                        sent++;
                        expected += targets.size();
                    }
                } catch (IOException e) {
                    errors.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
                next += interval;
            }
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) LockSupport.parkNanos(left);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }

    private static long[] merge(List<LongList> lists) {
        long[] all = new long[lists.stream().mapToInt(l -> l.size).sum()];
        int at = 0;
        for (LongList l : lists) {
            System.arraycopy(l.values, 0, all, at, l.size);
            at += l.size;
        }
        return all;
    }

    /** A growable long array owned by one thread (read after that thread ended). */
    static final class LongList {
        long[] values = new long[64];
        int size;

        void add(long v) {
            if (size == values.length) values = Arrays.copyOf(values, size * 2);
            values[size++] = v;
        }
    }
}
