package dev.vigile.it;

import java.io.File;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The suite's one deployment (named in arquillian.xml for the suite extension, so that one
 * Payara Micro serves every test class): the WAR the build made, as users run it. Black-box: the
 * tests are clients, over HTTP and WebSocket.
 */
public final class SuiteDeployment {
    private SuiteDeployment() {}

    @Deployment(testable = false)
    public static WebArchive vigile() {
        File war = new File(System.getProperty("vigile.war", "target/vigile.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }
}
