package dev.vigile.platform.lifecycle;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JDK's signal hook ({@code sun.misc.Signal}, module {@code jdk.unsupported}): the only way for
 * code inside a running server to act on SIGTERM before the JVM starts its shutdown hooks, which
 * undeploy the application. It is reached by reflection, so that compiling Vigile prints no
 * "internal proprietary API" warnings a newcomer cannot tell from errors; the calls are the same.
 */
final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());

    private Signals() {}

    /** The handlers replaced; {@link #restore()} puts them back (on undeploy without exit). */
    static final class Installed {
        private final List<Object> signals = new ArrayList<>();
        private final List<Object> previous = new ArrayList<>();
        private Api api;

        void restore() {
            for (int i = 0; i < signals.size(); i++) {
                try {
                    api.handle().invoke(null, signals.get(i), previous.get(i));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.log(Level.FINE, "could not restore " + signals.get(i), e);
                }
            }
        }
    }

    /** {@code sun.misc.Signal} and its handler interface, looked up once per installation. */
    private record Api(Class<?> signal, Class<?> handler, Method handle, Method number) {
        static Api get() throws ReflectiveOperationException {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            return new Api(signal, handler, signal.getMethod("handle", signal, handler), signal.getMethod("getNumber"));
        }
    }

    /**
     * Runs {@code onSignal} on its own thread at the first SIGTERM or SIGINT, with the exit status
     * the JVM would have used (128 + signal number). A second signal while it runs is ignored.
     */
    static Installed onTerminate(IntConsumer onSignal) {
        Installed installed = new Installed();
        Api api;
        try {
            api = Api.get();
        } catch (ReflectiveOperationException e) {
            LOG.log(Level.INFO, "This JVM has no signal hook: no graceful shutdown on SIGTERM", e);
            return installed;
        }
        installed.api = api;
        // CDI finds the application through the context class loader: the drain thread needs it.
        ClassLoader application = Thread.currentThread().getContextClassLoader();
        java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
        Object handler = Proxy.newProxyInstance(
                Signals.class.getClassLoader(), new Class<?>[] {api.handler()}, (proxy, method, args) -> {
                    if (method.getName().equals("handle") && args != null && args.length == 1) {
                        if (started.compareAndSet(false, true)) {
                            int number = (Integer) api.number().invoke(args[0]);
                            Thread t = new Thread(() -> onSignal.accept(128 + number), "vigile-drain");
                            t.setDaemon(false);
                            t.setContextClassLoader(application);
                            t.start();
                        }
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "vigile-drain-handler";
                        default -> null;
                    };
                });
        for (String name : List.of("TERM", "INT")) {
            try {
                Object signal = api.signal().getConstructor(String.class).newInstance(name);
                installed.previous.add(api.handle().invoke(null, signal, handler));
                installed.signals.add(signal);
            } catch (InvocationTargetException e) {
                // The JVM was started with -Xrs, or the platform has no such signal: keep its default.
                LOG.log(Level.INFO, "SIG" + name + " is not available for graceful shutdown", e.getCause());
            } catch (ReflectiveOperationException e) {
                LOG.log(Level.INFO, "SIG" + name + " is not available for graceful shutdown", e);
            }
        }
        return installed;
    }
}
