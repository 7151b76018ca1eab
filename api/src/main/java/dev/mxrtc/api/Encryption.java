package dev.mxrtc.api;

import java.util.Objects;

/**
 * A slot's media encryption mechanism (MSC4143 {@code m.rtc.slot} {@code encryption.type}), e.g.
 * {@code m.per_member} or its unstable name {@code org.matrix.msc4143.per_member}.
 *
 * @param type the mechanism type
 */
public record Encryption(String type) {

    public static final String PER_MEMBER = "m.per_member";
    public static final String PER_MEMBER_UNSTABLE = "org.matrix.msc4143.per_member";

    public Encryption {
        Objects.requireNonNull(type, "type");
    }
}
