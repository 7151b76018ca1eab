package dev.mxrtc.matrix;

import java.util.ServiceLoader;

/**
 * Opens a {@link MatrixClient} without OSGi: for tools, tests and embedding.
 *
 * <pre>{@code
 * try (StandaloneClient account = MatrixClients.open(
 *         ClientSettings.password("https://matrix.example.org", "@bot:example.org", secret, Path.of("data/bot")))) {
 *     MatrixClient client = account.client();
 *     client.addSyncListener((user, batch) -> ...);
 * }
 * }</pre>
 */
public final class MatrixClients {

    private MatrixClients() {
    }

    /**
     * Logs in (or resumes the session kept in {@code dataDir}, or registers when allowed) and starts the sync loop.
     * Waits for the first login at most {@link ClientSettings#requestTimeoutMs()}.
     *
     * @throws IllegalStateException if no login succeeded in time (the account is closed again) or no
     *         implementation is on the class path
     */
    public static StandaloneClient open(ClientSettings settings) throws InterruptedException {
        MatrixClientFactory factory = ServiceLoader.load(MatrixClientFactory.class, MatrixClients.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no MatrixClientFactory implementation"));
        return factory.open(settings);
    }
}
