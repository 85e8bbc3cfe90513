package dev.vigile.common.web;

/**
 * Who is calling, as far as the network tells: address (proxy-aware), user agent, and the
 * languages the client asked for ({@code Accept-Language}, for mail written on its behalf).
 */
public record ClientInfo(String ip, String userAgent, String acceptLanguage) {
    private static final int MAX_USER_AGENT = 512;
    private static final int MAX_ACCEPT_LANGUAGE = 256;

    public ClientInfo {
        if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
            userAgent = userAgent.substring(0, MAX_USER_AGENT);
        }
        if (acceptLanguage != null && acceptLanguage.length() > MAX_ACCEPT_LANGUAGE) {
            acceptLanguage = null;
        }
    }
}
