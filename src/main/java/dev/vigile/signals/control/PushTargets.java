package dev.vigile.signals.control;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Where Vigile may push events (a request it makes on a receiver's word, OWASP SSRF prevention):
 * by default an {@code https} URL whose host resolves only to public addresses. {@code
 * VIGILE_SSF_PUSH_PRIVATE_NETWORKS=true} also allows {@code http} and loopback, link-local,
 * private and unique-local addresses, for receivers inside the same network (and the tests).
 * Checked when the stream is made and again before each push (a name may resolve elsewhere later).
 */
public final class PushTargets {
    private PushTargets() {}

    /** Why the URL may not be pushed to, or null when it may. */
    public static String refusal(String url, boolean privateNetworks) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return "delivery.endpoint_url must be an absolute URL.";
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null
                || uri.getUserInfo() != null
                || uri.getFragment() != null
                || !("https".equals(scheme) || (privateNetworks && "http".equals(scheme)))) {
            return privateNetworks
                    ? "delivery.endpoint_url must be an absolute http or https URL without user information."
                    : "delivery.endpoint_url must be an absolute https URL without user information.";
        }
        if (privateNetworks) {
            return null;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(uri.getHost())) {
                if (!isPublic(a)) {
                    return "delivery.endpoint_url must resolve to public addresses only.";
                }
            }
        } catch (UnknownHostException e) {
            return "delivery.endpoint_url names a host that does not resolve.";
        }
        return null;
    }

    static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        boolean uniqueLocal = b.length == 16 && (b[0] & 0xFE) == 0xFC;
        boolean carrierNat = b.length == 4 && (b[0] & 0xFF) == 100 && (b[1] & 0xC0) == 64;
        return !(a.isLoopbackAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isAnyLocalAddress()
                || a.isMulticastAddress()
                || uniqueLocal
                || carrierNat);
    }
}
