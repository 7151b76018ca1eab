package dev.mxrtc.focus.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import dev.mxrtc.api.Member;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.Transport;
import dev.mxrtc.api.spi.FocusBackend;

/**
 * Test double of the {@link FocusBackend} SPI: the real backends need WebRTC media workers or an SFU, which the unit
 * tests of this glue do not exercise. It writes every call to a shared log, in order, so tests can check orderings
 * across backends ("connected b" before "closed a"). Stages complete at once unless {@link #hold} is set.
 */
final class FakeBackend implements FocusBackend {

    final String name;
    final String type;
    final List<String> log;
    final List<CompletableFuture<FocusConnection>> held = new ArrayList<>();
    final List<Conn> connections = new ArrayList<>();
    boolean hold;
    RuntimeException throwOnConnect;

    FakeBackend(String name, String type, List<String> log) {
        this.name = name;
        this.type = type;
        this.log = log;
    }

    @Override
    public String transportType() {
        return type;
    }

    @Override
    public CompletionStage<FocusConnection> connect(Session session, Member self, Transport transport) {
        log.add("connect " + name + " " + self.memberId() + " " + transport.type());
        if (throwOnConnect != null) {
            throw throwOnConnect;
        }
        Conn c = new Conn(transport, self.memberId(), session);
        CompletableFuture<FocusConnection> f = new CompletableFuture<>();
        if (hold) {
            held.add(f);
            return f.thenApply(x -> {
                connections.add(c);
                log.add("connected " + name + " " + self.memberId());
                return c;
            });
        }
        connections.add(c);
        log.add("connected " + name + " " + self.memberId());
        f.complete(c);
        return f;
    }

    /** Completes the oldest held stage with a connection. */
    void completeNext() {
        held.remove(0).complete(null);
    }

    /** Fails the oldest held stage. */
    void failNext(String why) {
        held.remove(0).completeExceptionally(new IllegalStateException(why));
    }

    BackendRef ref(long serviceId, int ranking) {
        return new BackendRef(serviceId, ranking, type, this);
    }

    final class Conn implements FocusConnection {
        final Transport transport;
        final String memberId;
        final List<Session> sessions = new ArrayList<>();
        boolean closed;

        Conn(Transport transport, String memberId, Session first) {
            this.transport = transport;
            this.memberId = memberId;
            this.sessions.add(first);
        }

        @Override
        public Transport transport() {
            return transport;
        }

        @Override
        public void sessionChanged(Session session) {
            sessions.add(session);
            log.add("session " + name + " " + memberId + " " + session.members().size());
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                log.add("closed " + name + " " + memberId);
            }
        }
    }
}
