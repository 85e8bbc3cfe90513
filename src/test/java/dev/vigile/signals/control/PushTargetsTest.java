package dev.vigile.signals.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where pushes may go (OWASP SSRF prevention), and how retries back off. */
class PushTargetsTest {
    @Test
    void byDefaultOnlyHttpsToPublicAddresses() {
        assertNull(PushTargets.refusal("https://8.8.8.8/events", false));
        for (String url : List.of(
                "http://8.8.8.8/events",
                "https://127.0.0.1/events",
                "https://10.1.2.3/events",
                "https://172.16.0.1/events",
                "https://192.168.1.1/events",
                "https://169.254.169.254/latest/meta-data",
                "https://100.64.0.1/events",
                "https://0.0.0.0/events",
                "https://[::1]/events",
                "https://[fd00::1]/events",
                "https://[fe80::1]/events",
                "https://user:pass@8.8.8.8/events",
                "ftp://8.8.8.8/events",
                "https:///events",
                "not a url",
                "https://no-such-host.invalid/events")) {
            assertNotNull(PushTargets.refusal(url, false), url);
        }
    }

    @Test
    void privateNetworksWhenTheOperatorSaysSo() {
        assertNull(PushTargets.refusal("http://127.0.0.1:8080/events", true));
        assertNull(PushTargets.refusal("https://10.1.2.3/events", true));
        assertNotNull(PushTargets.refusal("ftp://127.0.0.1/events", true));
        assertNotNull(PushTargets.refusal("http://user@127.0.0.1/events", true));
    }

    @Test
    void retriesBackOffToFiveMinutes() {
        assertEquals(Duration.ofSeconds(1), PushWorker.backoff(0));
        assertEquals(Duration.ofSeconds(2), PushWorker.backoff(1));
        assertEquals(Duration.ofSeconds(256), PushWorker.backoff(8));
        assertEquals(Duration.ofMinutes(5), PushWorker.backoff(9));
        assertEquals(Duration.ofMinutes(5), PushWorker.backoff(60));
    }
}
