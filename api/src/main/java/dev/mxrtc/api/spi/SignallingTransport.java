package dev.mxrtc.api.spi;

import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A channel for signalling between members (e.g. Matrix to-device, a websocket hub). Register as a service
 * with the property {@value #TYPE_PROPERTY}; received messages go to {@link Receiver} services.
 */
public interface SignallingTransport {

    /** Service property naming the transport, e.g. {@code to_device}, {@code websocket}. */
    String TYPE_PROPERTY = "mxrtc.signalling.type";

    /** @return the transport's name */
    String type();

    /** Sends {@code message} to one member's device. */
    CompletionStage<Void> send(Peer to, Message message);

    /** A member's device, as addressed by signalling. */
    record Peer(String roomId, String userId, String deviceId, String memberId) {
        public Peer {
            Objects.requireNonNull(roomId, "roomId");
            Objects.requireNonNull(userId, "userId");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(memberId, "memberId");
        }
    }

    /** A signalling message: its type (e.g. {@code m.call.invite}) and content as JSON text. */
    record Message(String type, String contentJson) {
        public Message {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(contentJson, "contentJson");
        }
    }

    /** Whiteboard: receives messages from every signalling transport. Do not block. */
    interface Receiver {
        void onMessage(String transportType, Peer from, Message message);
    }
}
