package dev.mxrtc.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Hot deployment through FileInstall, in the distribution's bundle set: a bundle jar dropped into the
 * watched directory is installed and started, a new jar under the same name updates it, deleting the jar
 * uninstalls it; all while the framework runs. FileInstall polls every {@value #POLL_MS} ms here.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT {

    private static final long POLL_MS = 100;
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    private BundleContext context;

    @Configuration
    public Option[] config() {
        return MxrtcOptions.runtime(MxrtcOptions.workDir("hot"), POLL_MS);
    }

    @Test
    public void dropUpdateAndDeleteABundle() throws Exception {
        Path deploy = Path.of(context.getProperty("felix.fileinstall.dir"));
        Path jar = deploy.resolve("hello.jar");

        TestBundles.writeAtomically(jar, TestBundles.hello("1.0.0", "v1"));
        long install = Waits.until("hello 1.0.0 ACTIVE", WAIT, () -> hello()
                .filter(b -> b.getState() == Bundle.ACTIVE && b.getVersion().toString().equals("1.0.0")).isPresent());
        System.out.println("hot-install: " + install + " ms");
        assertTrue("hot install took " + install + " ms, more than 2 s", install <= 2000);
        long component = Waits.until("hello's DS component active", WAIT, () -> helloComponents() == 1);
        System.out.println("hot-install: DS component active " + component + " ms after the bundle");
        long id = hello().orElseThrow().getBundleId();

        Thread.sleep(5); // a later modification time than the first jar, even on coarse file systems
        TestBundles.writeAtomically(jar, TestBundles.hello("1.0.1", "v2"));
        long update = Waits.until("hello 1.0.1 ACTIVE", WAIT, () -> hello()
                .filter(b -> b.getState() == Bundle.ACTIVE && b.getVersion().toString().equals("1.0.1")).isPresent());
        System.out.println("hot-update: " + update + " ms");
        assertEquals("updated in place, not installed again", id, hello().orElseThrow().getBundleId());
        Waits.until("the v2 DS component active", WAIT, () -> helloComponents() == 1);

        Files.delete(jar);
        long uninstall = Waits.until("hello uninstalled", WAIT, () -> hello().isEmpty());
        System.out.println("hot-uninstall: " + uninstall + " ms");
        assertEquals(0, helloComponents());
        assertEquals(Bundle.ACTIVE, context.getBundle(0).getState());
    }

    private Optional<Bundle> hello() {
        return Arrays.stream(context.getBundles()).filter(b -> TestBundles.HELLO_BSN.equals(b.getSymbolicName()))
                .findFirst();
    }

    /** @return how many hello components SCR reports as active (via the bundles' registered state) */
    private int helloComponents() {
        return hello().map(b -> b.getState() == Bundle.ACTIVE ? scrActive(b) : 0).orElse(0);
    }

    private int scrActive(Bundle b) {
        org.osgi.framework.ServiceReference<org.osgi.service.component.runtime.ServiceComponentRuntime> ref =
                context.getServiceReference(org.osgi.service.component.runtime.ServiceComponentRuntime.class);
        var scr = context.getService(ref);
        try {
            return (int) scr.getComponentDescriptionDTOs(b).stream()
                    .flatMap(d -> scr.getComponentConfigurationDTOs(d).stream())
                    .filter(c -> c.state == org.osgi.service.component.runtime.dto.ComponentConfigurationDTO.ACTIVE)
                    .count();
        } finally {
            context.ungetService(ref);
        }
    }
}
