package dev.mxrtc.membership.manager;

/**
 * The timings of a membership, in ms. Defaults are matrix-js-sdk 43's.
 *
 * @param delayMs the delayed leave's delay: how long after the last keep-alive the server writes the leave
 * @param restartPeriodMs how often the delayed leave is restarted (well inside {@code delayMs})
 * @param legacyExpiresMs the legacy {@code expires} step: the first join says this much, each refresh adds it
 * @param stickyDurationMs the sticky duration of sticky memberships (at most 1 h)
 * @param refreshHeadroomMs how long before the expiry (legacy) or the end of stickiness the membership is re-sent
 * @param retryInitialMs the first wait after a 5xx or network failure; it doubles per failure
 * @param retryMaxMs the longest such wait (keep it well under {@code delayMs - restartPeriodMs})
 * @param rateLimitDefaultMs the wait after a 429 without a retry-after
 * @param maxFailures how many non-transient failures in a row end the participation
 * @param leaveTimeoutMs how long a clean leave keeps retrying before giving up (the delayed leave then fires anyway)
 */
public record MembershipConfig(long delayMs, long restartPeriodMs, long legacyExpiresMs, long stickyDurationMs,
        long refreshHeadroomMs, long retryInitialMs, long retryMaxMs, long rateLimitDefaultMs, int maxFailures,
        long leaveTimeoutMs) {

    /** js-sdk 43: delay 8 s, restart every 5 s, expires 4 h, sticky 1 h, 5 s headroom, 5 s after a bare 429. */
    public static final MembershipConfig DEFAULTS = new MembershipConfig(8_000, 5_000, 14_400_000, 3_600_000, 5_000,
            250, 1_000, 5_000, 10, 10_000);

    public MembershipConfig {
        if (delayMs <= 0 || restartPeriodMs <= 0 || restartPeriodMs >= delayMs) {
            throw new IllegalArgumentException("need 0 < restartPeriodMs < delayMs: " + restartPeriodMs + ", " + delayMs);
        }
        if (legacyExpiresMs <= refreshHeadroomMs || stickyDurationMs <= refreshHeadroomMs || refreshHeadroomMs < 0) {
            throw new IllegalArgumentException("expiry and sticky duration must exceed the refresh headroom");
        }
        if (stickyDurationMs > 3_600_000) {
            throw new IllegalArgumentException("sticky duration over 1 h");
        }
        if (retryInitialMs <= 0 || retryMaxMs < retryInitialMs || rateLimitDefaultMs <= 0 || maxFailures < 1
                || leaveTimeoutMs <= 0) {
            throw new IllegalArgumentException("bad retry settings");
        }
    }

    /** @return these settings with another delay and restart period */
    public MembershipConfig withDelay(long delay, long restartPeriod) {
        return new MembershipConfig(delay, restartPeriod, legacyExpiresMs, stickyDurationMs, refreshHeadroomMs,
                retryInitialMs, retryMaxMs, rateLimitDefaultMs, maxFailures, leaveTimeoutMs);
    }

    /** @return these settings with other expiry / sticky steps and headroom */
    public MembershipConfig withRefresh(long legacyExpires, long stickyDuration, long headroom) {
        return new MembershipConfig(delayMs, restartPeriodMs, legacyExpires, stickyDuration, headroom,
                retryInitialMs, retryMaxMs, rateLimitDefaultMs, maxFailures, leaveTimeoutMs);
    }

    /** @return these settings with other retry waits */
    public MembershipConfig withRetry(long initial, long max, long rateLimitDefault) {
        return new MembershipConfig(delayMs, restartPeriodMs, legacyExpiresMs, stickyDurationMs, refreshHeadroomMs,
                initial, max, rateLimitDefault, maxFailures, leaveTimeoutMs);
    }

    /** @return the wait before retry number {@code attempt} (0-based) after a 5xx or network failure */
    long backoff(int attempt) {
        long d = retryInitialMs << Math.min(attempt, 20);
        return Math.min(d, retryMaxMs);
    }
}
