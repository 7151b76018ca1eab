package dev.mxrtc.core.parse;

import com.fasterxml.jackson.databind.JsonNode;

/** Why content is not a valid membership; thrown and caught inside this package only. */
final class ContentError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final String reason;

    ContentError(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    MemberContent.Invalid toContent() {
        return new MemberContent.Invalid(reason, getMessage());
    }

    /** @return {@code missing_field:<name>} if absent, else {@code wrong_type:<name>} */
    static ContentError field(String name, JsonNode value, String expected) {
        boolean missing = value == null || value.isMissingNode();
        return new ContentError((missing ? "missing_field:" : "wrong_type:") + name,
                name + (missing ? " is missing" : " must be " + expected));
    }

    static String string(JsonNode parent, String name, String path) {
        JsonNode v = parent.get(name);
        if (v == null || !v.isTextual()) {
            throw field(path, v, "a string");
        }
        return v.textValue();
    }

    static JsonNode object(JsonNode parent, String name, String path) {
        JsonNode v = parent.get(name);
        if (v == null || !v.isObject()) {
            throw field(path, v, "an object");
        }
        return v;
    }
}
