package dev.vigile.realtime;

import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;

/** Answers the {@code vigile.v1} subprotocol; never echoes the {@code bearer.} one. */
public class WsConfigurator extends ServerEndpointConfig.Configurator {
    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        return requested.contains(Protocol.SUBPROTOCOL) ? Protocol.SUBPROTOCOL : "";
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        // WsAuthFilter has checked it, against the configured list, before the upgrade.
        return true;
    }
}
