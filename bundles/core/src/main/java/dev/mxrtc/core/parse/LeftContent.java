package dev.mxrtc.core.parse;

import java.util.Iterator;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/** matrix-js-sdk 43 {@code isLeftMembershipContent} and {@code quickFilterNonRelevantContents}. */
final class LeftContent {

    private LeftContent() {
    }

    /** @return whether the content holds nothing but {@code slot_id} and sticky keys (includes {@code {}}) */
    static boolean isLeft(JsonNode content) {
        for (Iterator<String> it = content.fieldNames(); it.hasNext();) {
            String key = it.next();
            if (!key.equals("slot_id") && !key.equals("msc4354_sticky_key") && !key.equals("sticky_key")) {
                return false;
            }
        }
        return true;
    }

    /**
     * js-sdk's quick filter, after the left check: content without {@code application} is a leave; the
     * deprecated {@code {memberships:[...]}} shape and content with nothing beside {@code application} are invalid.
     *
     * @return the content's meaning if the quick filter decides it, else empty (go on validating)
     */
    static Optional<MemberContent> quickFilter(JsonNode content) {
        int keys = 0;
        for (Iterator<String> it = content.fieldNames(); it.hasNext();) {
            if (!it.next().equals("msc4354_sticky_key")) {
                keys++;
            }
        }
        if (!content.has("application") && (content.has("memberships") || content.has("m.calls"))) {
            return Optional.of(new MemberContent.Invalid("deprecated_format",
                    "the {memberships:[...]} and MSC3401 m.calls shapes are deprecated and ignored"));
        }
        if (!content.has("application")) {
            return Optional.of(new MemberContent.Left());
        }
        if (keys <= 1) {
            return Optional.of(new MemberContent.Invalid("malformed_content", "nothing but application"));
        }
        return Optional.empty();
    }
}
