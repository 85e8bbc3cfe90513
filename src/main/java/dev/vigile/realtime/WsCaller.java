package dev.vigile.realtime;

import dev.vigile.security.CurrentCaller;
import java.security.Principal;

/** Who opened a WebSocket, as the handshake's access token says; handed to the endpoint. */
public record WsCaller(CurrentCaller caller, long expiresAt) implements Principal {
  @Override
  public String getName() {
    return caller.userId().toString();
  }
}
