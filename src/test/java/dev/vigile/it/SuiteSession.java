package dev.vigile.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Prepares the suite's server before Arquillian reads its configuration, and drops its database
 * when the run ends. Only in the integration-test run (failsafe sets {@code vigile.it.suite}).
 */
public final class SuiteSession implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean("vigile.it.suite")) {
            TestServer.prepareSuite();
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (Boolean.getBoolean("vigile.it.suite")) {
            TestServer.closeSuite();
        }
    }
}
