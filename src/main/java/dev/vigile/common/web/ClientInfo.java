package dev.vigile.common.web;

/** Who is calling, as far as the network tells: address (proxy-aware) and user agent. */
public record ClientInfo(String ip, String userAgent) {
  private static final int MAX_USER_AGENT = 512;

  public ClientInfo {
    if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
      userAgent = userAgent.substring(0, MAX_USER_AGENT);
    }
  }
}
