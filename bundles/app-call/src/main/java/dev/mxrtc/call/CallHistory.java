package dev.mxrtc.call;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** The recorded calls (sessions) of the rooms this runtime followed, kept in an embedded H2 database. */
@ProviderType
public interface CallHistory {

    /** @return the room's calls, newest first (at most {@code limit}) */
    List<CallRecord> calls(String roomId, int limit);

    /** @return one call */
    Optional<CallRecord> call(long id);
}
