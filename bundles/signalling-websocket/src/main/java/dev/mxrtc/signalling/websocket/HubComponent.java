package dev.mxrtc.signalling.websocket;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Serves the websocket signalling hub while configured (PID {@code dev.mxrtc.signalling.websocket.hub}). Members
 * find it through the {@code websocket_url} of the runtime's {@code full_mesh} transport.
 */
@Component(immediate = true, service = {}, configurationPid = "dev.mxrtc.signalling.websocket.hub",
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = HubComponent.Config.class)
public final class HubComponent {

    @ObjectClassDefinition(name = "mxrtc websocket signalling hub")
    public @interface Config {
        @AttributeDefinition(description = "Address to bind")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "Port (0: any free port)")
        int port() default 8449;

        @AttributeDefinition(description = "Homeserver base URL that answers /_matrix/federation/v1/openid/userinfo")
        String homeserverUrl();
    }

    private final Hub hub;

    @Activate
    public HubComponent(Config config) throws Exception {
        hub = new Hub(config.host(), config.port(), config.homeserverUrl());
    }

    @Deactivate
    void deactivate() {
        hub.close();
    }
}
