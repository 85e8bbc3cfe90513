package dev.vigile.platform.lifecycle;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The JDK's signal hook ({@code jdk.unsupported}): the only way for code inside a running server
 * to act on SIGTERM before the JVM starts its shutdown hooks, which undeploy the application.
 */
final class Signals {
  private static final Logger LOG = Logger.getLogger(Signals.class.getName());

  private Signals() {}

  /** The handlers replaced; {@link #restore()} puts them back (on undeploy without exit). */
  static final class Installed {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    void restore() {
      for (int i = 0; i < signals.size(); i++) {
        try {
          Signal.handle(signals.get(i), previous.get(i));
        } catch (IllegalArgumentException e) {
          LOG.log(Level.FINE, "could not restore " + signals.get(i), e);
        }
      }
    }
  }

  /**
   * Runs {@code onSignal} on its own thread at the first SIGTERM or SIGINT, with the exit status
   * the JVM would have used (128 + signal number). A second signal while it runs is ignored.
   */
  static Installed onTerminate(IntConsumer onSignal) {
    Installed installed = new Installed();
    // CDI finds the application through the context class loader: the drain thread needs it.
    ClassLoader application = Thread.currentThread().getContextClassLoader();
    java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    SignalHandler handler =
        sig -> {
          if (started.compareAndSet(false, true)) {
            Thread t = new Thread(() -> onSignal.accept(128 + sig.getNumber()), "vigile-drain");
            t.setDaemon(false);
            t.setContextClassLoader(application);
            t.start();
          }
        };
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal signal = new Signal(name);
        installed.previous.add(Signal.handle(signal, handler));
        installed.signals.add(signal);
      } catch (IllegalArgumentException e) {
        // The JVM was started with -Xrs, or the platform has no such signal: keep its default.
        LOG.log(Level.INFO, "SIG" + name + " is not available for graceful shutdown", e);
      }
    }
    return installed;
  }
}
