package dev.vigile.realtime;

import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code /ws}: authenticated by {@link WsAuthFilter} before the upgrade. */
@ServerEndpoint(value = "/ws", subprotocols = Protocol.SUBPROTOCOL, configurator = WsConfigurator.class)
public class WsEndpoint {
    private static final Logger LOG = Logger.getLogger(WsEndpoint.class.getName());
    private static final String CONNECTION = "vigile.connection";

    // Tyrus creates endpoint instances through Payara's CDI component provider, which injects.
    @Inject
    Connections connections;

    @Inject
    ClientMessages messages;

    private Connections connections() {
        return connections;
    }

    @OnOpen
    public void open(Session session) throws IOException {
        if (!(session.getUserPrincipal() instanceof WsCaller caller)) {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(Protocol.INVALID_TOKEN), "no token"));
            return;
        }
        session.setMaxTextMessageBufferSize(Protocol.MAX_MESSAGE_BYTES);
        // Silence is ended by Connections' own sweep (4012, VIGILE_WS_PING_TIMEOUT), not by the
        // container's idle timer (see Connection#next).
        session.setMaxIdleTimeout(0);
        session.getUserProperties().put(CONNECTION, connections().open(session, caller));
    }

    @OnMessage(maxMessageSize = Protocol.MAX_MESSAGE_BYTES)
    public void message(Session session, String text) {
        if (session.getUserProperties().get(CONNECTION) instanceof Connection c) {
            messages.onMessage(c, text);
        }
    }

    /** Binary frames are not part of the protocol: 1003 (cannot accept). */
    @OnMessage(maxMessageSize = Protocol.MAX_MESSAGE_BYTES)
    public void binary(Session session, java.nio.ByteBuffer data) throws IOException {
        session.close(new CloseReason(CloseReason.CloseCodes.CANNOT_ACCEPT, "binary frames are not accepted"));
    }

    @OnClose
    public void close(Session session, CloseReason reason) {
        if (session.getUserProperties().get(CONNECTION) instanceof Connection c) {
            connections().closed(c);
        }
    }

    @OnError
    public void error(Session session, Throwable error) {
        LOG.log(Level.FINE, "WebSocket error", error);
    }
}
