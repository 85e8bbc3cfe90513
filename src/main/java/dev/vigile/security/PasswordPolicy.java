package dev.vigile.security;

import dev.vigile.common.problem.Problem;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import me.gosimple.nbvcxz.resources.DictionaryUtil;

/**
 * The password rules of the contract, after NIST SP 800-63B and OWASP ASVS 2.1: 8 to 128 code
 * points of any Unicode, no composition rules, not a common password, not the email.
 */
public final class PasswordPolicy {
    public static final int MIN = 8;
    public static final int MAX = 128;

    /** The 100,000 most common passwords, from the list nbvcxz bundles. */
    private static final Set<String> COMMON = load();

    private PasswordPolicy() {}

    /** The first rule the password breaks, as a field error; empty when it is acceptable. */
    public static Optional<Problem.FieldError> check(String field, String password, String email) {
        if (password == null) {
            return Optional.of(new Problem.FieldError(field, "must not be null"));
        }
        String normalized = Normalizer.normalize(password, Normalizer.Form.NFKC);
        int length = normalized.codePointCount(0, normalized.length());
        if (length < MIN || length > MAX) {
            return Optional.of(
                    new Problem.FieldError(field, "must be between " + MIN + " and " + MAX + " characters long"));
        }
        String lower = normalized.toLowerCase(Locale.ROOT);
        if (COMMON.contains(lower)) {
            return Optional.of(new Problem.FieldError(field, "is too common; choose another"));
        }
        if (email != null && lower.strip().equals(email.strip().toLowerCase(Locale.ROOT))) {
            return Optional.of(new Problem.FieldError(field, "must not be the email address"));
        }
        return Optional.empty();
    }

    static boolean isCommon(String password) {
        return COMMON.contains(password.toLowerCase(Locale.ROOT));
    }

    private static Set<String> load() {
        Map<String, Integer> ranked = DictionaryUtil.loadRankedDictionary(DictionaryUtil.passwords);
        return ranked.keySet().stream()
                .map(p -> p.toLowerCase(Locale.ROOT))
                .filter(p -> p.codePointCount(0, p.length()) >= MIN)
                .collect(Collectors.toUnmodifiableSet());
    }
}
