package dev.vigile.security.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.local.LocalBucketBuilder;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Slows repeated failed logins per account and per client address (OWASP ASVS 2.2.1) with Bucket4j
 * token buckets. Every attempt takes a token from both buckets; a success gives them back. Several
 * limits per bucket (e.g. 5 a minute, 10 per 15 minutes, 20 an hour) make the wait grow with the
 * failures yet stay short, so an attacker cannot lock the owner out for long.
 */
@ApplicationScoped
public class LoginThrottle {

  @Inject
  @ConfigProperty(name = "vigile.login.throttle.account", defaultValue = "5/PT1M,10/PT15M,20/PT1H")
  String accountPolicy;

  @Inject
  @ConfigProperty(name = "vigile.login.throttle.address", defaultValue = "20/PT1M,100/PT1H")
  String addressPolicy;

  private List<Bandwidth> accountLimits;
  private List<Bandwidth> addressLimits;
  private Cache<String, Bucket> accounts;
  private Cache<String, Bucket> addresses;

  @PostConstruct
  void init() {
    accountLimits = parse(accountPolicy);
    addressLimits = parse(addressPolicy);
    accounts = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(longest(accountPolicy)).build();
    addresses = Caffeine.newBuilder().maximumSize(200_000).expireAfterAccess(longest(addressPolicy)).build();
  }

  /**
   * Takes one attempt for this account and address.
   *
   * @return 0 when the attempt may proceed, otherwise the seconds to wait (nothing is taken)
   */
  public long tryAttempt(String account, String address) {
    Bucket a = accounts.get(account, k -> bucket(accountLimits));
    Bucket b = addresses.get(address, k -> bucket(addressLimits));
    EstimationProbe pa = a.estimateAbilityToConsume(1);
    EstimationProbe pb = b.estimateAbilityToConsume(1);
    if (!pa.canBeConsumed() || !pb.canBeConsumed()) {
      return seconds(Math.max(pa.getNanosToWaitForRefill(), pb.getNanosToWaitForRefill()));
    }
    if (!a.tryConsume(1)) {
      return seconds(a.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }
    if (!b.tryConsume(1)) {
      a.addTokens(1);
      return seconds(b.estimateAbilityToConsume(1).getNanosToWaitForRefill());
    }
    return 0;
  }

  /** A successful login clears the account's failures and returns the address's token. */
  public void succeeded(String account, String address) {
    accounts.invalidate(account);
    Bucket b = addresses.getIfPresent(address);
    if (b != null) {
      b.addTokens(1);
    }
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }

  private static Bucket bucket(List<Bandwidth> limits) {
    LocalBucketBuilder builder = Bucket.builder();
    limits.forEach(builder::addLimit);
    return builder.build();
  }

  /** Parses {@code count/ISO-8601-duration} limits separated by commas. */
  static List<Bandwidth> parse(String policy) {
    List<Bandwidth> limits = new ArrayList<>();
    for (String part : policy.split(",")) {
      String[] countAndPeriod = part.trim().split("/");
      if (countAndPeriod.length != 2) {
        throw new IllegalArgumentException("Throttle limit must be count/duration: " + part);
      }
      long count = Long.parseLong(countAndPeriod[0].trim());
      Duration period = Duration.parse(countAndPeriod[1].trim());
      limits.add(Bandwidth.builder().capacity(count).refillGreedy(count, period).build());
    }
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("Empty throttle policy");
    }
    return limits;
  }

  private static Duration longest(String policy) {
    Duration longest = Duration.ZERO;
    for (String part : policy.split(",")) {
      Duration d = Duration.parse(part.trim().split("/")[1].trim());
      longest = d.compareTo(longest) > 0 ? d : longest;
    }
    return longest;
  }
}
