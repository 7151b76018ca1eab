package dev.mxrtc.homeserver.core;

import dev.mxrtc.homeserver.http.MatrixError;

/** Stream tokens: {@code s<position>}, used by {@code /sync}, {@code /messages} and {@code /keys/changes}. */
public final class Tokens {
    private Tokens() {}

    public static String of(long position) {
        return "s" + position;
    }

    public static long parse(String token) {
        String t = token.startsWith("s") ? token.substring(1) : token;
        int underscore = t.indexOf('_');
        if (underscore >= 0) t = t.substring(0, underscore);
        try {
            long v = Long.parseLong(t);
            if (v < 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw MatrixError.invalidParam("Invalid stream token");
        }
    }
}
