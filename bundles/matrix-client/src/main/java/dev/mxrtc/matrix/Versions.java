package dev.mxrtc.matrix;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code GET /_matrix/client/versions} says the homeserver speaks.
 *
 * @param versions the spec versions ({@code v1.11}, ...)
 * @param unstableFeatures the {@code unstable_features} flags
 */
public record Versions(List<String> versions, Map<String, Boolean> unstableFeatures) {

    /** MSC4140 delayed events. */
    public static final String DELAYED_EVENTS = "org.matrix.msc4140";
    /** MSC4354 sticky events. */
    public static final String STICKY_EVENTS = "org.matrix.msc4354";
    /** MSC4143 MatrixRTC. */
    public static final String MATRIX_RTC = "org.matrix.msc4143";

    public Versions {
        versions = List.copyOf(Objects.requireNonNull(versions, "versions"));
        unstableFeatures = Map.copyOf(Objects.requireNonNull(unstableFeatures, "unstableFeatures"));
    }

    /** @return whether the feature flag is present and true */
    public boolean supports(String unstableFeature) {
        return Boolean.TRUE.equals(unstableFeatures.get(unstableFeature));
    }

    /** @return whether the server advertises a spec version (e.g. {@code v1.11}) */
    public boolean supportsVersion(String version) {
        return versions.contains(version);
    }

    public boolean supportsDelayedEvents() {
        return supports(DELAYED_EVENTS);
    }

    public boolean supportsStickyEvents() {
        return supports(STICKY_EVENTS);
    }

    public boolean supportsMatrixRtc() {
        return supports(MATRIX_RTC);
    }
}
