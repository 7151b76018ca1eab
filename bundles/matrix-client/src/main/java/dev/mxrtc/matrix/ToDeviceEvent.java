package dev.mxrtc.matrix;

import java.util.Objects;

/**
 * A to-device event from {@code /sync} ({@code to_device.events}).
 *
 * @param type the event type ({@code m.room.encrypted}, ...)
 * @param sender the sending user
 * @param contentJson the content, JSON text
 */
public record ToDeviceEvent(String type, String sender, String contentJson) {

    public ToDeviceEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(contentJson, "contentJson");
    }
}
