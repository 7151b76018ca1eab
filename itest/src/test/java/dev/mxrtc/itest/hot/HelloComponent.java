package dev.mxrtc.itest.hot;

import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DS component of the small bundle the tests deploy through FileInstall: it logs through SLF4J when it
 * activates and deactivates, so a test can see both the bundle's life cycle and the logging path
 * (SLF4J to logback to log/mxrtc.log). Plain DS methods, described by XML the test writes (no annotations,
 * so the bundle needs no DS API import).
 */
public final class HelloComponent {

    private static final Logger LOG = LoggerFactory.getLogger(HelloComponent.class);

    void activate(Map<String, Object> props) {
        LOG.info("itest hello component activated, marker={}", props.get("marker"));
    }

    void deactivate(Map<String, Object> props) {
        LOG.info("itest hello component deactivated, marker={}", props.get("marker"));
    }
}
