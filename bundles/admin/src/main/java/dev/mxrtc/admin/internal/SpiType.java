package dev.mxrtc.admin.internal;

import java.util.Arrays;
import java.util.Optional;

import dev.mxrtc.api.spi.EncryptionScheme;
import dev.mxrtc.api.spi.FocusBackend;
import dev.mxrtc.api.spi.FocusSelection;
import dev.mxrtc.api.spi.RtcApplication;
import dev.mxrtc.api.spi.SignallingTransport;

/**
 * The mxrtc SPI types the console lists, each with the service property that names an implementation.
 * Only names are used at run time (services are looked up by class name), so the console needs no class of an
 * implementation and sees services from every class space.
 */
enum SpiType {
    FOCUS_SELECTION(FocusSelection.class.getName(), FocusSelection.NAME_PROPERTY),
    FOCUS_BACKEND(FocusBackend.class.getName(), FocusBackend.TYPE_PROPERTY),
    SIGNALLING_TRANSPORT(SignallingTransport.class.getName(), SignallingTransport.TYPE_PROPERTY),
    ENCRYPTION_SCHEME(EncryptionScheme.class.getName(), EncryptionScheme.TYPE_PROPERTY),
    RTC_APPLICATION(RtcApplication.class.getName(), RtcApplication.TYPE_PROPERTY);

    private final String className;
    private final String nameProperty;

    SpiType(String className, String nameProperty) {
        this.className = className;
        this.nameProperty = nameProperty;
    }

    String className() {
        return className;
    }

    String nameProperty() {
        return nameProperty;
    }

    /** @return the SPI type with this fully qualified or simple class name */
    static Optional<SpiType> parse(String name) {
        return Arrays.stream(values())
                .filter(t -> t.className.equals(name) || t.className.endsWith("." + name))
                .findFirst();
    }
}
