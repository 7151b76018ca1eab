package dev.mxrtc.focus.livekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import livekit.LivekitRtc.JoinResponse;
import livekit.LivekitRtc.LeaveRequest;
import livekit.LivekitRtc.ReconnectResponse;
import livekit.LivekitRtc.SessionDescription;
import livekit.LivekitRtc.SignalRequest;
import livekit.LivekitRtc.SignalTarget;

/**
 * The signalling client against {@link FakeLiveKitSfu}, a protocol-level test double of a LiveKit SFU (no SFU runs
 * here): join, subscriber offer/answer, publisher offer/answer, trickle, pings, leave, resume after a dropped
 * socket or a ping timeout, and the full reconnect when the SFU no longer knows the participant.
 */
@Timeout(60)
class SignalClientTest {

    private static final String IDENTITY = "J+T45tGruxc+HrUOqJJlyQSV33m728Cme4+vt8/SWrU";
    private static final String ROOM = "O8437W3+jmzMVjoIP3tNwbm+XxHQk2iKpOA7aqw3qSc";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ScheduledExecutorService actor = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private FakeLiveKitSfu sfu;
    private SignalClient client;

    private final SignalListener recorder = new SignalListener() {
        @Override
        public void onJoined(JoinResponse join, boolean fullReconnect) {
            events.add("joined " + join.getParticipant().getSid() + (fullReconnect ? " full" : ""));
        }

        @Override
        public void onResumed(ReconnectResponse reconnect) {
            events.add("resumed");
        }

        @Override
        public void onOffer(SessionDescription offer) {
            events.add("offer " + offer.getSdp());
            client.sendAnswer("v=0 subscriber answer");
        }

        @Override
        public void onAnswer(SessionDescription answer) {
            events.add("answer " + answer.getSdp());
        }

        @Override
        public void onTrickle(SignalTarget target, String candidateInit) {
            events.add("trickle " + target + " " + candidateInit.contains("10.77.0.9"));
        }

        @Override
        public void onState(SignalClient.State state) {
            events.add("state " + state);
        }
    };

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        actor.shutdown();
        actor.awaitTermination(5, TimeUnit.SECONDS);
        if (sfu != null) {
            sfu.stop(1000);
        }
    }

    private SignalClient start(int pingInterval, int pingTimeout, SignalClient.Settings settings) throws Exception {
        sfu = new FakeLiveKitSfu(pingInterval, pingTimeout);
        client = new SignalClient(http, new SfuAccess(sfu.url(), TestJwt.mint(IDENTITY, ROOM, System.currentTimeMillis() / 1000)),
                recorder, actor, settings);
        client.connect();
        return client;
    }

    private static SignalClient.Settings fast() {
        return new SignalClient.Settings(2, Duration.ofMillis(50), Duration.ofSeconds(5), 3);
    }

    @Test
    void joinsNegotiatesTricklesPingsAndLeaves() throws Exception {
        start(1, 5, fast());
        expect("state CONNECTING");
        expect("state JOINED");
        expect("joined PA_1");
        expect("offer " + FakeLiveKitSfu.SUBSCRIBER_OFFER);
        assertEquals(new FakeLiveKitSfu.Joined(IDENTITY, ROOM, "PA_1", false), sfu.joins.get(0), "token checked, identity and room from it");

        client.sendOffer("v=0 publisher offer");
        expect("answer v=0 fake answer to 19 bytes");
        expect("trickle PUBLISHER true");
        client.sendTrickle(SignalTarget.SUBSCRIBER, "{\"candidate\":\"candidate:2 1 udp 1 10.77.0.1 5000 typ host\"}");
        await(() -> sfu.count(SignalRequest.MessageCase.TRICKLE) == 1, "trickle reaches the SFU");
        await(() -> sfu.received.stream().anyMatch(r -> r.hasAnswer() && r.getAnswer().getSdp().equals("v=0 subscriber answer")),
                "the subscriber answer reaches the SFU");
        await(() -> sfu.count(SignalRequest.MessageCase.PING_REQ) >= 2, "pings every second");

        client.close();
        expect("state CLOSED");
        await(() -> sfu.count(SignalRequest.MessageCase.LEAVE) == 1, "leave sent");
        assertEquals(SignalClient.State.CLOSED, client.state(Duration.ofSeconds(5)));
        assertTrue(sfu.refusals.isEmpty(), sfu.refusals.toString());
    }

    @Test
    void aBurstOfRequestsArrivesWholeAndInOrderThenTheLeave() throws Exception {
        // java.net.http.WebSocket refuses a send while another is pending: the client must chain them
        start(30, 60, fast());
        expect("joined PA_1");
        // large messages fill the socket buffer, so a send is often still pending when the next one starts
        int n = 300;
        String pad = "x".repeat(64 * 1024);
        for (int i = 0; i < n; i++) {
            client.sendTrickle(SignalTarget.PUBLISHER, "{\"candidate\":\"candidate:" + i + " 1 udp 1 10.77.0.1 5000 typ host\","
                    + "\"pad\":\"" + pad + "\"}");
        }
        client.close();
        await(() -> sfu.count(SignalRequest.MessageCase.LEAVE) == 1, "the leave after the burst");
        java.util.List<String> got = sfu.received.stream().filter(SignalRequest::hasTrickle)
                .map(r -> r.getTrickle().getCandidateInit()).toList();
        assertEquals(n, got.size(), "every trickle request arrived");
        for (int i = 0; i < n; i++) {
            assertTrue(got.get(i).contains("candidate:" + i + " "), "in order at " + i);
        }
    }

    @Test
    void aDroppedSocketIsResumedOnTheSameParticipant() throws Exception {
        start(30, 60, fast());
        expect("joined PA_1");
        long t0 = System.nanoTime();
        sfu.dropAll();
        expect("state RESUMING");
        expect("state JOINED");
        expect("resumed");
        System.out.printf("livekit-resume: socket dropped -> resumed in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(new FakeLiveKitSfu.Joined(IDENTITY, ROOM, "PA_1", true), sfu.joins.get(1));
        assertEquals(2, sfu.joins.size(), "no new participant");

        client.sendOffer("v=0 ice restart offer");
        expect("answer v=0 fake answer to 21 bytes");
    }

    @Test
    void aRefusedResumeFallsBackToAFullReconnect() throws Exception {
        start(30, 60, fast());
        expect("joined PA_1");
        sfu.forgetParticipants();
        long t0 = System.nanoTime();
        sfu.dropAll();
        expect("state RESUMING");
        expect("state RECONNECTING");
        expect("state JOINED");
        expect("joined PA_2 full");
        System.out.printf("livekit-full-reconnect: socket dropped -> joined again in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        expect("offer " + FakeLiveKitSfu.SUBSCRIBER_OFFER);
        assertEquals(1, sfu.refusals.stream().filter(r -> r.equals("unknown sid PA_1")).count(), sfu.refusals.toString());
        assertEquals(new FakeLiveKitSfu.Joined(IDENTITY, ROOM, "PA_2", false), sfu.joins.get(1));
    }

    @Test
    void unansweredPingsCountAsALostSocket() throws Exception {
        start(1, 2, fast());
        expect("joined PA_1");
        sfu.answerPings = false;
        expect("state RESUMING");
        sfu.answerPings = true;
        expect("resumed");
        assertTrue(sfu.joins.get(1).resumed());
    }

    @Test
    void theServerCanAskForAResumeAFullReconnectOrAGoodbye() throws Exception {
        start(30, 60, fast());
        expect("joined PA_1");
        sfu.leaveAll(LeaveRequest.Action.RESUME);
        expect("state RESUMING");
        expect("resumed");
        sfu.leaveAll(LeaveRequest.Action.RECONNECT);
        expect("state RECONNECTING");
        expect("joined PA_2 full");
        sfu.leaveAll(LeaveRequest.Action.DISCONNECT);
        expect("state CLOSED");
        assertEquals(3, sfu.joins.size());
    }

    @Test
    void aRefusedTokenGivesUpAfterTheConfiguredAttempts() throws Exception {
        sfu = new FakeLiveKitSfu(30, 60);
        client = new SignalClient(http, new SfuAccess(sfu.url(), "not.a.jwt"), recorder, actor, fast());
        client.connect();
        expect("state CONNECTING");
        expect("state CLOSED");
        assertEquals(3, sfu.refusals.size(), "three attempts: " + sfu.refusals);
        assertTrue(sfu.joins.isEmpty());
    }

    /** Waits for {@code expected}, skipping unrelated events (at most 10 s). */
    private void expect(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        StringBuilder seen = new StringBuilder();
        while (System.nanoTime() < deadline) {
            String e = events.poll(100, TimeUnit.MILLISECONDS);
            if (e == null) {
                continue;
            }
            if (e.equals(expected)) {
                return;
            }
            seen.append(e).append("; ");
        }
        fail("no '" + expected + "' within 10 s; saw: " + seen);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
        assertNotEquals(null, what);
    }
}
