package dev.mxrtc.call.app;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mxrtc.api.Application;
import dev.mxrtc.api.Session;
import dev.mxrtc.api.spi.RtcApplication;

/**
 * The {@code m.call} application (MSC4196): checks a member's application fields and logs its sessions.
 * {@code m.call.intent} is informational: any string is accepted (MSC text says {@code voice}/{@code video},
 * js-sdk and Element Call send {@code audio}/{@code video}; unknown means video), a non-string is invalid;
 * {@code m.call.id}, if present, must be a string.
 */
@Component(property = RtcApplication.TYPE_PROPERTY + "=" + Application.M_CALL)
public final class CallApplication implements RtcApplication {

    private static final Logger LOG = LoggerFactory.getLogger(CallApplication.class);

    @Override
    public String type() {
        return Application.M_CALL;
    }

    @Override
    public Validation validate(Application application) {
        if (!Application.M_CALL.equals(application.type())) {
            return new Validation.Invalid("not_m_call");
        }
        Object intent = application.fields().get("m.call.intent");
        if (intent != null && !(intent instanceof String)) {
            return new Validation.Invalid("bad_intent");
        }
        Object id = application.fields().get("m.call.id");
        if (id != null && !(id instanceof String)) {
            return new Validation.Invalid("bad_call_id");
        }
        return new Validation.Valid();
    }

    /** @return what the member will publish: {@code audio} for voice intents, otherwise {@code video} */
    public static String media(Application application) {
        String intent = application.stringField("m.call.intent").orElse("video");
        return intent.equals("audio") || intent.equals("voice") ? "audio" : "video";
    }

    @Override
    public void sessionChanged(Session session) {
        LOG.debug("room {}: m.call session in {} has {} members", session.roomId(), session.slotId(),
                session.members().size());
    }
}
