package dev.mxrtc.homeserver.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Identifier and secret generation, and Matrix id syntax checks. */
public final class Ids {
    private static final Pattern LOCALPART = Pattern.compile("[a-z0-9._=/+\\-]{1,200}");
    private static final Pattern USER_ID = Pattern.compile("@[^:\\s]+:[^\\s]+");
    private static final String LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private final SecureRandom random = new SecureRandom();
    private final String serverName;

    public Ids(String serverName) {
        this.serverName = serverName;
    }

    public String serverName() { return serverName; }

    public String token() { return "mxd_" + randomUrlSafe(32); }

    public String eventId() { return "$" + randomUrlSafe(32); }

    public String roomId() { return "!" + letters(18) + ":" + serverName; }

    public String deviceId() { return letters(10).toUpperCase(java.util.Locale.ROOT); }

    public String delayId() { return "syd_" + letters(20); }

    public String session() { return letters(24); }

    public String userId(String localpart) { return "@" + localpart + ":" + serverName; }

    public boolean isLocalUser(String userId) {
        return userId.startsWith("@") && userId.endsWith(":" + serverName);
    }

    public static boolean validLocalpart(String localpart) { return LOCALPART.matcher(localpart).matches(); }

    public static boolean validUserId(String userId) { return USER_ID.matcher(userId).matches(); }

    public static String sha256Hex(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private String randomUrlSafe(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    private String letters(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
        return sb.toString();
    }
}
