import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.vigile.security.Argon2Phc;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * One Argon2id hash (m=19456 KiB, t=2, p=1, 32-byte hash, 16-byte salt) with each encoder Vigile
 * used or uses: password4j, Spring Security's encoder over Bouncy Castle, Argon2Phc over Bouncy
 * Castle with pooled blocks, and Argon2Phc over libargon2 (the default where it loads). Rounds of
 * N hashes per encoder, the order rotating every round, after a warm-up; prints each encoder's
 * median wall and CPU time per hash, and the median of the per-round ratios to libargon2's.
 */
public class Argon2Bench {
    interface Encoder {
        void hash(String password);
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Argon2Function p4j = Argon2Function.getInstance(19456, 2, 1, 32, Argon2.ID);
        Argon2PasswordEncoder spring = new Argon2PasswordEncoder(16, 32, 1, 19456, 2);
        Argon2Phc pooled = new Argon2Phc(19456, 2, 1, 16, 32, 1, false);
        Argon2Phc lib = new Argon2Phc(19456, 2, 1, 16, 32, 1, true);
        if (!lib.engine().equals("libargon2")) {
            throw new IllegalStateException("libargon2 did not load here: " + lib.engine());
        }
        Map<String, Encoder> encoders = new LinkedHashMap<>();
        encoders.put("password4j 1.8.4", p -> Password.hash(p).addRandomSalt(16).with(p4j));
        encoders.put("Spring Security 7.1.2 over Bouncy Castle 1.87", spring::encode);
        encoders.put("Argon2Phc over Bouncy Castle 1.87, pooled blocks", pooled::encode);
        encoders.put("Argon2Phc over libargon2 (argon2-jvm 2.12)", lib::encode);
        List<String> names = new ArrayList<>(encoders.keySet());
        String password = "a benchmark passphrase";
        for (int i = 0; i < 40; i++) {
            encoders.values().forEach(e -> e.hash(password));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, List<Double>> wall = new LinkedHashMap<>();
        Map<String, List<Double>> cpu = new LinkedHashMap<>();
        Map<String, List<Double>> ratio = new LinkedHashMap<>();
        names.forEach(k -> {
            wall.put(k, new ArrayList<>());
            cpu.put(k, new ArrayList<>());
            ratio.put(k, new ArrayList<>());
        });
        String reference = names.get(names.size() - 1);
        for (int r = 0; r < rounds; r++) {
            Map<String, Double> cpuThisRound = new LinkedHashMap<>();
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((k + r) % names.size());
                Encoder e = encoders.get(name);
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    e.hash(password);
                }
                wall.get(name).add((System.nanoTime() - t0) / 1e6 / n);
                double cpuMs = (threads.getCurrentThreadCpuTime() - c0) / 1e6 / n;
                cpu.get(name).add(cpuMs);
                cpuThisRound.put(name, cpuMs);
            }
            for (String name : names) {
                ratio.get(name).add(cpuThisRound.get(name) / cpuThisRound.get(reference));
            }
            System.out.printf("round %d: %s%n", r + 1, cpuThisRound);
        }
        System.out.printf(
                "| encoder | median ms per hash (wall) | median CPU ms per hash | CPU ÷ libargon2's, median (range) |%n|---|---|---|---|%n");
        for (String name : names) {
            List<Double> q = ratio.get(name);
            System.out.printf(
                    "| %s | %.1f | %.1f | %.2f (%.2f–%.2f) |%n",
                    name,
                    median(wall.get(name)),
                    median(cpu.get(name)),
                    median(q),
                    q.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    q.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }
    }

    static double median(List<Double> v) {
        List<Double> s = v.stream().sorted().toList();
        return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
    }
}
