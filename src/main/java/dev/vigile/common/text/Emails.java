package dev.vigile.common.text;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.TextRules;
import java.net.IDN;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email normalisation: trimmed, NFKC (so that a fullwidth or other compatibility look-alike is the
 * same address, as passwords are), lower case, and the domain in its ASCII form ({@code
 * java.net.IDN}, IDNA 2003 ToASCII: {@code exämple.test} is kept and mailed as {@code
 * xn--exmple-cua.test}), so one address has one account and every address can be sent to without
 * SMTPUTF8. IDNA 2003 and 2008 disagree on the deviation characters ({@code ß}, {@code ς}: the
 * first maps {@code straße.de} to {@code strasse.de}, another domain with another owner), so a
 * domain holding one is refused: its owner gives the {@code xn--} form.
 *
 * <p>What is accepted is the practical subset that HTML's {@code <input type=email>} and mail
 * providers accept: before the {@code @}, ASCII letters, digits and {@code .!#$%&'*+/=?^_`{|}~-}
 * (no leading, trailing or doubled dot); after it, host-name labels. Quoted local parts
 * ({@code "mallory"@x}, the same mailbox as {@code mallory@x} for delivery), comments, address
 * literals, markup and non-ASCII local parts are refused with a 400 that says why.
 */
public final class Emails {
    public static final int MAX_LENGTH = 254;
    private static final Pattern LOCAL =
            Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    /** The characters IDNA 2003 maps to others where IDNA 2008 keeps them (UTS #46 deviations). */
    private static final Pattern DEVIATION = Pattern.compile("[\u00df\u03c2\u200c\u200d]");

    /** The shape a login or reset request must have: loose, to find accounts made under older rules. */
    private static final Pattern LOOKUP_SHAPE =
            Pattern.compile("[^\\s@\\p{Cntrl}]{1,64}@[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)*");

    private Emails() {}

    /**
     * The key to look an account up by, for a login or a reset request: it must look like an
     * address (so that no arbitrary text reaches the throttles or the audit log, 400 otherwise) but
     * is not held to the rules of a new address, so that accounts stored under older, looser rules
     * are still found.
     */
    public static String forLookup(String field, String raw) {
        String folded = foldedText(field, raw);
        if (folded.length() > MAX_LENGTH || !LOOKUP_SHAPE.matcher(folded).matches()) {
            throw ApplicationException.invalid(field, "must be a well-formed email address");
        }
        return lookupKey(raw);
    }

    /** The normalised address, or a 400 naming {@code field} when it is not an email address. */
    public static String normalize(String field, String raw) {
        String folded = foldedText(field, raw);
        int at = folded.lastIndexOf('@');
        if (at <= 0 || at == folded.length() - 1) {
            throw ApplicationException.invalid(field, "must be a well-formed email address");
        }
        String local = folded.substring(0, at);
        if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
            throw ApplicationException.invalid(
                    field,
                    "must be a well-formed email address: before the @, only ASCII"
                            + " letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - (no quotes, spaces or markup)");
        }
        if (DEVIATION.matcher(folded.substring(at + 1)).find()) {
            throw ApplicationException.invalid(
                    field,
                    "must be a well-formed email address: give this domain in its"
                            + " xn-- form (ß and ς are read differently by the two IDNA standards)");
        }
        String domain = asciiDomain(folded.substring(at + 1));
        if (domain == null
                || domain.length() > 253
                || !Arrays.stream(domain.split("\\.", -1))
                        .allMatch(l -> LABEL.matcher(l).matches())) {
            throw ApplicationException.invalid(
                    field, "must be a well-formed email address: the domain is not a valid host name");
        }
        String email = local + "@" + domain;
        if (email.length() > MAX_LENGTH) {
            throw ApplicationException.invalid(field, "must be a well-formed email address");
        }
        return email;
    }

    /** Normalises without validating, for looking an address up: the key {@link #normalize} stores. */
    public static String lookupKey(String raw) {
        String folded = fold(raw);
        int at = folded.lastIndexOf('@');
        if (at < 0 || DEVIATION.matcher(folded.substring(at + 1)).find()) {
            return folded;
        }
        String domain = asciiDomain(folded.substring(at + 1));
        return domain == null ? folded : folded.substring(0, at + 1) + domain;
    }

    /** The text folded (NFKC, lower case), refused when blank, far too long or holding invisible characters. */
    private static String foldedText(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            throw ApplicationException.invalid(field, "must not be blank");
        }
        if (raw.length() > 4 * MAX_LENGTH) {
            throw ApplicationException.invalid(field, "must be a well-formed email address");
        }
        String folded = fold(raw);
        if (folded.codePoints().anyMatch(TextRules::invisible)) {
            throw ApplicationException.invalid(field, "must not contain control, format or invisible characters");
        }
        return folded;
    }

    private static String fold(String raw) {
        return raw == null
                ? ""
                : Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    }

    /** The domain's ASCII form (IDNA ToASCII, host-name rules), lower case; null when it has none. */
    private static String asciiDomain(String domain) {
        try {
            return IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
