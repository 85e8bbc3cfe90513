package dev.vigile.realtime;

import org.glassfish.tyrus.core.frame.TyrusFrame;
import org.glassfish.tyrus.core.monitoring.ApplicationEventListener;
import org.glassfish.tyrus.core.monitoring.EndpointEventListener;
import org.glassfish.tyrus.core.monitoring.MessageEventListener;

/**
 * Control frames (ping, pong) take from the connection's message budget like text messages do
 * ({@code VIGILE_WS_MESSAGE_RATE}): the container answers every ping with a pong before any
 * application code sees it, so a client could otherwise make the server write without limit
 * (issue 33, point 12: 2,000 pings got 2,000 pongs). Past the budget the connection gets the
 * {@code rate_limited} error and is closed with 4008, as for a flood of messages.
 *
 * <p>Tyrus's frame listener is the one place that sees control frames; Tyrus creates this class
 * itself, named by a context parameter in {@code web.xml}, and calls it on the connection's
 * reading thread after it answered the frame.
 */
public class ControlFrameGuard implements ApplicationEventListener {
    @Override
    public void onApplicationInitialized(String applicationName) {}

    @Override
    public void onApplicationDestroyed() {}

    @Override
    public EndpointEventListener onEndpointRegistered(String endpointPath, Class<?> endpointClass) {
        return new EndpointEventListener() {
            @Override
            public MessageEventListener onSessionOpened(String sessionId) {
                return new MessageEventListener() {
                    @Override
                    public void onFrameSent(TyrusFrame.FrameType frameType, long payloadLength) {}

                    @Override
                    public void onFrameReceived(TyrusFrame.FrameType frameType, long payloadLength) {
                        if (frameType == TyrusFrame.FrameType.PING || frameType == TyrusFrame.FrameType.PONG) {
                            controlFrame(sessionId);
                        }
                    }
                };
            }

            @Override
            public void onSessionClosed(String sessionId) {}

            @Override
            public void onError(String sessionId, Throwable t) {}
        };
    }

    @Override
    public void onEndpointUnregistered(String endpointPath) {}

    static void controlFrame(String sessionId) {
        Connection c = Connections.bySession(sessionId);
        // Frames that were on their way when the budget ran out find the connection closed already.
        if (c != null && !c.isClosed()) {
            c.admitOrStop(1);
        }
    }
}
