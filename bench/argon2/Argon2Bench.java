import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * One Argon2id hash (m=19456 KiB, t=2, p=1, 32-byte hash, 16-byte salt) with password4j, which
 * Vigile used, and with Spring Security's encoder over Bouncy Castle, which it uses now: rounds of
 * N hashes each, alternated, after a warm-up; prints each round's ms per hash and the median of
 * the per-round ratios.
 */
public class Argon2Bench {
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    Argon2Function p4j = Argon2Function.getInstance(19456, 2, 1, 32, Argon2.ID);
    Argon2PasswordEncoder bc = new Argon2PasswordEncoder(16, 32, 1, 19456, 2);
    String password = "a benchmark passphrase";
    for (int i = 0; i < 40; i++) {
      Password.hash(password).addRandomSalt(16).with(p4j);
      bc.encode(password);
    }
    List<Double> ratios = new ArrayList<>();
    List<Double> a = new ArrayList<>();
    List<Double> b = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      double msP4j = 0;
      double msBc = 0;
      for (int order = 0; order < 2; order++) {
        boolean p4jNow = (order == 0) == (r % 2 == 0);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
          if (p4jNow) {
            Password.hash(password).addRandomSalt(16).with(p4j);
          } else {
            bc.encode(password);
          }
        }
        double ms = (System.nanoTime() - t0) / 1e6 / n;
        if (p4jNow) {
          msP4j = ms;
        } else {
          msBc = ms;
        }
      }
      a.add(msP4j);
      b.add(msBc);
      ratios.add(msBc / msP4j);
      System.out.printf("round %d: password4j %.1f ms, Bouncy Castle %.1f ms, ratio %.2f%n", r + 1, msP4j, msBc, msBc / msP4j);
    }
    System.out.printf("| encoder | median ms per hash |%n|---|---|%n| password4j 1.8.4 | %.1f |%n| Spring Security 7.1.2 over Bouncy Castle 1.87 | %.1f |%n",
        median(a), median(b));
    System.out.printf("median per-round ratio Bouncy Castle / password4j: %.2f (range %.2f–%.2f)%n", median(ratios),
        ratios.stream().mapToDouble(Double::doubleValue).min().orElse(0), ratios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }
}
