package dev.mxrtc.matrix;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The {@link java.util.ServiceLoader} provider behind {@link MatrixClients#open}; this bundle's OkHttp
 * implementation is one. Callers use {@link MatrixClients}.
 */
@ProviderType
public interface MatrixClientFactory {

    /** See {@link MatrixClients#open}. */
    StandaloneClient open(ClientSettings settings) throws InterruptedException;
}
