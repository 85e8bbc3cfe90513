package dev.vigile.realtime;

import dev.vigile.security.CurrentCaller;
import java.security.Principal;

/**
 * Who opened a WebSocket, as the handshake's access token says; handed to the endpoint. {@code
 * groups} (roles and permissions) choose which role notifications are pushed to it: a change of
 * the user's roles cuts the token off and closes the connection (4011).
 */
public record WsCaller(CurrentCaller caller, long expiresAt, java.util.Set<String> groups) implements Principal {
    @Override
    public String getName() {
        return caller.userId().toString();
    }
}
