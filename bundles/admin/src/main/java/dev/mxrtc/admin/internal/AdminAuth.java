package dev.mxrtc.admin.internal;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may use the console. Two modes, chosen by the {@code admin_token} configuration:
 * <ul>
 * <li><b>token</b> (non-empty token): every request needs {@code Authorization: Bearer <token>}, from any
 * address. The token is compared in constant time, through its SHA-256 (only the hash is kept).</li>
 * <li><b>loopback only</b> (empty token): requests must come from a loopback address. Because a browser on the
 * operator's machine is also on loopback, two browser attacks are closed as well: the {@code Host} header must
 * name a loopback host (DNS rebinding), and a state-changing request that carries an {@code Origin} must come
 * from the console's own origin (cross-site form posts).</li>
 * </ul>
 * Behind a reverse proxy every request looks like loopback: configure a token there.
 */
final class AdminAuth {

    /** The outcome of {@link #check}. */
    sealed interface Verdict {
        record Allowed() implements Verdict {
        }

        /** @param status 401 or 403; @param error a stable word; @param message for the caller (never the token) */
        record Denied(int status, String error, String message) implements Verdict {
        }
    }

    private static final String BEARER = "bearer ";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:][0-9a-fA-F:.]*(%[0-9A-Za-z_.-]+)?");

    private final Optional<byte[]> tokenHash;

    AdminAuth(String token) {
        this.tokenHash = token == null || token.isBlank() ? Optional.empty() : Optional.of(sha256(token.strip()));
    }

    /** @return whether a token is required (else: loopback only) */
    boolean tokenMode() {
        return tokenHash.isPresent();
    }

    Verdict check(AdminRequest req) {
        if (tokenHash.isPresent()) {
            Optional<String> presented = req.authorization()
                    .filter(a -> a.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                    .map(a -> a.substring(BEARER.length()).strip());
            if (presented.isEmpty()) {
                return new Verdict.Denied(401, "unauthorized", "a bearer token is required");
            }
            return MessageDigest.isEqual(sha256(presented.get()), tokenHash.get())
                    ? new Verdict.Allowed()
                    : new Verdict.Denied(401, "unauthorized", "the bearer token is not valid");
        }
        if (!isLoopback(req.remoteAddress())) {
            return new Verdict.Denied(403, "forbidden",
                    "the console accepts only loopback clients when no admin_token is configured");
        }
        if (req.host().isPresent() && !isLoopbackHost(hostOf(req.host().get()))) {
            return new Verdict.Denied(403, "forbidden", "the Host header must name a loopback host");
        }
        boolean safe = req.method().equals("GET") || req.method().equals("HEAD");
        if (!safe && req.origin().isPresent() && !sameOrigin(req.origin().get(), req.host())) {
            return new Verdict.Denied(403, "forbidden", "cross-origin requests may not change state");
        }
        return new Verdict.Allowed();
    }

    private static boolean sameOrigin(String origin, Optional<String> host) {
        try {
            URI uri = URI.create(origin);
            return uri.getRawAuthority() != null && host.isPresent()
                    && uri.getRawAuthority().equalsIgnoreCase(host.get().strip());
        } catch (IllegalArgumentException e) {
            return false; // "null" origins (sandboxed frames, file:) and garbage
        }
    }

    /** @return the host part of a {@code Host} header value (without port and IPv6 brackets) */
    static String hostOf(String hostHeader) {
        String h = hostHeader.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon >= 0 && colon == h.lastIndexOf(':') ? h.substring(0, colon) : h;
    }

    static boolean isLoopbackHost(String host) {
        return host.toLowerCase(Locale.ROOT).equals("localhost") || isLoopback(host);
    }

    /**
     * @return whether {@code address} is an IP literal of a loopback address (127.0.0.0/8, ::1, IPv4-mapped);
     *         never resolves names
     */
    static boolean isLoopback(String address) {
        if (address == null || address.isEmpty()) {
            return false;
        }
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1)
                : address;
        if (!IPV4.matcher(a).matches() && !(a.indexOf(':') >= 0 && IPV6.matcher(a).matches())) {
            return false; // not an address literal: never looked up
        }
        try {
            // a literal with ':' that does not parse throws instead of being looked up
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
