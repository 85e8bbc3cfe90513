package dev.vigile.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vigile.platform.persistence.JoiningDataSource;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * Slows repeated failed logins per account and per client address (OWASP ASVS 2.2.1) with Bucket4j
 * token buckets. Every attempt takes a token from both buckets; a success gives them back. Several
 * limits per bucket (e.g. 5 a minute, 10 per 15 minutes, 20 an hour) make the wait grow with the
 * failures yet stay short, so an attacker cannot lock the owner out for long.
 *
 * <p>The buckets live in PostgreSQL (Bucket4j's select-for-update proxy manager), so every
 * instance of a cluster counts the same failures: a lockout holds whichever instance a request
 * reaches. Rows expire once their bucket has refilled.
 */
@ApplicationScoped
public class LoginThrottle {
    private static final Logger LOG = Logger.getLogger(LoginThrottle.class.getName());

    @Resource(lookup = "java:app/jdbc/vigile")
    DataSource dataSource;

    @Inject
    @ConfigProperties
    ThrottleSettings settings = new ThrottleSettings();

    private List<Bandwidth> accountLimits;
    private List<Bandwidth> addressLimits;
    private List<Bandwidth> deviceLimits;
    private List<Bandwidth> registerLimits;
    private List<Bandwidth> resetEmailLimits;
    private List<Bandwidth> resetAddressLimits;
    private List<Bandwidth> verifyLimits;
    private List<Bandwidth> mfaLimits;
    private List<Bandwidth> passkeyOptionsLimits;

    /** Where buckets live: PostgreSQL in the server, memory in unit tests. */
    interface Buckets {
        Bucket get(String key, List<Bandwidth> limits);

        void remove(String key);
    }

    Buckets buckets;

    /**
     * The same buckets, read and written inside the caller's unit of work (a sign-in's), so that
     * taking or giving back a token costs no commit of its own. In unit tests, the same as {@link
     * #buckets}.
     */
    Buckets joined;

    private PostgreSQLSelectForUpdateBasedProxyManager<String> proxies;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @PostConstruct
    void init() {
        accountLimits = parse(settings.account);
        addressLimits = parse(settings.address);
        deviceLimits = parse(settings.device);
        registerLimits = parse(settings.register);
        resetEmailLimits = parse(settings.resetEmail);
        resetAddressLimits = parse(settings.resetAddress);
        verifyLimits = parse(settings.verify);
        mfaLimits = parse(settings.mfa);
        passkeyOptionsLimits = parse(settings.passkeyOptions);
        if (buckets == null) {
            proxies = proxies(dataSource);
            buckets = inPostgreSQL(proxies);
            joined = inPostgreSQL(proxies(new JoiningDataSource(dataSource, transactions)));
        }
        if (joined == null) {
            joined = buckets;
        }
    }

    private static PostgreSQLSelectForUpdateBasedProxyManager<String> proxies(DataSource dataSource) {
        return Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table("throttle_buckets")
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofMinutes(1)))
                .build();
    }

    private static Buckets inPostgreSQL(PostgreSQLSelectForUpdateBasedProxyManager<String> proxies) {
        return new Buckets() {
            @Override
            public Bucket get(String key, List<Bandwidth> limits) {
                return proxies.builder().build(key, () -> config(limits));
            }

            @Override
            public void remove(String key) {
                proxies.removeProxy(key);
            }
        };
    }

    /** Buckets in memory, for unit tests and single-process tools. */
    static Buckets inMemory() {
        Cache<String, Bucket> cache = Caffeine.newBuilder().maximumSize(200_000).build();
        return new Buckets() {
            @Override
            public Bucket get(String key, List<Bandwidth> limits) {
                return cache.get(key, k -> {
                    LocalBucketBuilder builder = Bucket.builder();
                    limits.forEach(builder::addLimit);
                    return builder.build();
                });
            }

            @Override
            public void remove(String key) {
                cache.invalidate(key);
            }
        };
    }

    /** Deletes expired bucket rows; called every minute. */
    public void removeExpired() {
        if (proxies == null) {
            return;
        }
        try {
            while (proxies.removeExpired(1000) == 1000) {
                // more to remove
            }
        } catch (RuntimeException e) {
            LOG.warning("Could not remove expired throttling buckets: " + e);
        }
    }

    private static BucketConfiguration config(List<Bandwidth> limits) {
        var builder = BucketConfiguration.builder();
        limits.forEach(builder::addLimit);
        return builder.build();
    }

    /**
     * Takes one attempt for this account and address.
     *
     * @return 0 when the attempt may proceed, otherwise the seconds to wait (nothing is taken)
     */
    public long tryAttempt(String account, String address) {
        return tryAttempt(account, null, address);
    }

    /**
     * Takes one attempt. A client that presented a valid device token of the account ({@code
     * device} not null) is counted for that device (and the address), never for the account, so
     * that strangers' failures on the account leave the owner's device free.
     *
     * @return 0 when the attempt may proceed, otherwise the seconds to wait (nothing is taken)
     */
    public long tryAttempt(String account, java.util.UUID device, String address) {
        return attempt(buckets, account, device, address);
    }

    /**
     * A sign-in's attempt ({@link #tryAttempt(String, java.util.UUID, String)}), taken inside the
     * caller's unit of work: the bucket rows stay locked, and the take is kept, only once that unit
     * commits. For the sign-in's first, short unit of work (the device and user read), never one
     * that outlives the password check.
     *
     * @throws IllegalStateException outside a transaction
     */
    public long signInAttempt(String account, java.util.UUID device, String address) {
        return attempt(joined, account, device, address);
    }

    private long attempt(Buckets store, String account, java.util.UUID device, String address) {
        return takeBoth(
                store,
                subject(account, device),
                device == null ? accountLimits : deviceLimits,
                "address:" + address,
                addressLimits);
    }

    /**
     * A sign-in succeeded ({@link #succeeded(String, java.util.UUID, String)}), inside the unit of
     * work that starts its session: the failures are cleared only if the session commits.
     *
     * @throws IllegalStateException outside a transaction
     */
    public void signedIn(String account, java.util.UUID device, String address) {
        giveBack(joined, account, device, address);
    }

    /** A successful login clears the account's failures and returns the address's token. */
    public void succeeded(String account, String address) {
        succeeded(account, null, address);
    }

    /**
     * A successful login clears the failures of what it was counted against (the device, when it
     * presented one, else the account) and returns the address's token.
     */
    public void succeeded(String account, java.util.UUID device, String address) {
        giveBack(buckets, account, device, address);
    }

    private void giveBack(Buckets store, String account, java.util.UUID device, String address) {
        store.remove(subject(account, device));
        store.get("address:" + address, addressLimits).addTokens(1);
    }

    private static String subject(String account, java.util.UUID device) {
        return device == null ? "account:" + account : "device:" + device;
    }

    /**
     * How long this address must wait before registering again, 0 if it may: an address that
     * hit taken emails too often is refused every registration, so that a 201 against a 429 does
     * not tell the email apart either.
     */
    public long registrationWait(String address) {
        var estimate = buckets.get("register:" + address, registerLimits).estimateAbilityToConsume(1);
        return estimate.canBeConsumed() ? 0 : seconds(estimate.getNanosToWaitForRefill());
    }

    /** Counts a registration that hit a taken email (a 409) against its address. */
    public void registrationConflict(String address) {
        buckets.get("register:" + address, registerLimits).tryConsume(1);
    }

    /**
     * Takes one check of a signed-in user's current password (enrolling or removing a factor,
     * changing the email): counted for that user's re-authentications and the address, apart from
     * the account's sign-in failures, so that wrong guesses made with a session do not lock the
     * owner's sign-in.
     *
     * @return 0 when it may proceed, otherwise the seconds to wait
     */
    public long reauthentication(java.util.UUID userId, String address) {
        return tryAttempt("reauth:" + userId, null, address);
    }

    /** The password was right: that user's re-authentication failures are cleared. */
    public void reauthenticated(java.util.UUID userId, String address) {
        succeeded("reauth:" + userId, null, address);
    }

    /**
     * Takes one password-reset request for this email and address (counted whether or not the
     * account exists, so the answer says nothing about it).
     *
     * @return 0 when it may proceed, otherwise the seconds to wait (nothing is taken)
     */
    public long resetRequest(String email, String address) {
        return takeBoth(
                buckets, "reset-email:" + email, resetEmailLimits, "reset-address:" + address, resetAddressLimits);
    }

    /** Takes one verification mail sent on the user's behalf; the seconds to wait, or 0. */
    public long verificationMail(java.util.UUID userId) {
        return take("verify:" + userId, verifyLimits);
    }

    /**
     * Takes one second-factor attempt of the user (sign-in step, reset, enrollment, turning off):
     * only someone who has the password or a mailed token gets this far, and they may not guess
     * codes without end.
     */
    public long mfaAttempt(java.util.UUID userId) {
        return take("mfa:" + userId, mfaLimits);
    }

    /** A right second-factor code clears the user's count. */
    public void mfaSucceeded(java.util.UUID userId) {
        buckets.remove("mfa:" + userId);
    }

    /**
     * Takes one passkey sign-in challenge for this client address, inside the unit of work that
     * stores the challenge; the seconds to wait, or 0.
     *
     * @throws IllegalStateException outside a transaction
     */
    public long passkeyOptions(String address) {
        return take(joined, "passkey-options:" + address, passkeyOptionsLimits);
    }

    /**
     * Takes one passkey sign-in attempt from this address, counted with the address's failed
     * sign-ins (there is no account to count it against: the assertion names its user), inside the
     * unit of work that reads the passkey and commits before the assertion is checked; a success
     * gives it back ({@link #passkeySucceeded}).
     *
     * @return 0 when it may proceed, otherwise the seconds to wait
     * @throws IllegalStateException outside a transaction
     */
    public long passkeyAttempt(String address) {
        return take(joined, "address:" + address, addressLimits);
    }

    /**
     * A passkey sign-in succeeded, inside the unit of work that starts its session: the attempt is
     * given back only if the session commits.
     *
     * @throws IllegalStateException outside a transaction
     */
    public void passkeySucceeded(String address) {
        joined.get("address:" + address, addressLimits).addTokens(1);
    }

    private long take(String key, List<Bandwidth> limits) {
        return take(buckets, key, limits);
    }

    private static long take(Buckets store, String key, List<Bandwidth> limits) {
        ConsumptionProbe probe = store.get(key, limits).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? 0 : seconds(probe.getNanosToWaitForRefill());
    }

    /**
     * Two round trips in the usual case: takes from the first bucket, then from the second, giving
     * the first token back if the second is empty.
     */
    /**
     * Service accounts: how long this client must wait at this address (and this address for any
     * client), 0 if it may try; nothing is taken, so that a busy client's parallel successes never
     * throttle it. Only failures count ({@link #clientFailed}), per (client, address) and per
     * address, never per client alone: client ids are public, and a stranger's failures must not
     * lock a service out. Parallel failures may overshoot a limit by their number; the secrets
     * guessed at are 256 random bits.
     */
    public long clientWait(String client, String address) {
        long wait = 0;
        for (var check : List.of(
                buckets.get(clientKey(client, address), accountLimits),
                buckets.get("client-address:" + address, addressLimits))) {
            var estimate = check.estimateAbilityToConsume(1);
            if (!estimate.canBeConsumed()) {
                wait = Math.max(wait, seconds(estimate.getNanosToWaitForRefill()));
            }
        }
        return wait;
    }

    /** Counts a failed authentication of a service account. */
    public void clientFailed(String client, String address) {
        buckets.get(clientKey(client, address), accountLimits).tryConsume(1);
        buckets.get("client-address:" + address, addressLimits).tryConsume(1);
    }

    private static String clientKey(String client, String address) {
        return "client:" + client + "@" + address;
    }

    private static long takeBoth(
            Buckets store, String first, List<Bandwidth> firstLimits, String second, List<Bandwidth> secondLimits) {
        Bucket a = store.get(first, firstLimits);
        ConsumptionProbe pa = a.tryConsumeAndReturnRemaining(1);
        if (!pa.isConsumed()) {
            return seconds(pa.getNanosToWaitForRefill());
        }
        ConsumptionProbe pb = store.get(second, secondLimits).tryConsumeAndReturnRemaining(1);
        if (!pb.isConsumed()) {
            a.addTokens(1);
            return seconds(pb.getNanosToWaitForRefill());
        }
        return 0;
    }

    private static long seconds(long nanos) {
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Parses {@code count/ISO-8601-duration} limits separated by commas. */
    public static List<Bandwidth> parse(String policy) {
        List<Bandwidth> limits = new ArrayList<>();
        for (String part : policy.split(",")) {
            String[] countAndPeriod = part.trim().split("/");
            if (countAndPeriod.length != 2) {
                throw new IllegalArgumentException("Throttle limit must be count/duration: " + part);
            }
            long count = Long.parseLong(countAndPeriod[0].trim());
            Duration period = Duration.parse(countAndPeriod[1].trim());
            limits.add(Bandwidth.builder()
                    .capacity(count)
                    .refillGreedy(count, period)
                    .build());
        }
        if (limits.isEmpty()) {
            throw new IllegalArgumentException("Empty throttle policy");
        }
        return limits;
    }
}
