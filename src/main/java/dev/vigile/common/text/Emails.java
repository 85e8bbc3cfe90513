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
 * same address, as passwords are), lower case, and the domain in its ASCII form (IDNA, RFC 5891:
 * {@code exämple.test} is kept and mailed as {@code xn--exmple-cua.test}), so one address has one
 * account and every address can be sent to without SMTPUTF8.
 *
 * <p>What is accepted is the practical subset that HTML's {@code <input type=email>} and mail
 * providers accept: before the {@code @}, ASCII letters, digits and {@code .!#$%&'*+/=?^_`{|}~-}
 * (no leading, trailing or doubled dot); after it, host-name labels. Quoted local parts
 * ({@code "mallory"@x}, the same mailbox as {@code mallory@x} for delivery), comments, address
 * literals, markup and non-ASCII local parts are refused with a 400 that says why.
 */
public final class Emails {
  public static final int MAX_LENGTH = 254;
  private static final Pattern LOCAL = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private Emails() {}

  /** The normalised address, or a 400 naming {@code field} when it is not an email address. */
  public static String normalize(String field, String raw) {
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
    int at = folded.lastIndexOf('@');
    if (at <= 0 || at == folded.length() - 1) {
      throw ApplicationException.invalid(field, "must be a well-formed email address");
    }
    String local = folded.substring(0, at);
    if (local.length() > 64 || !LOCAL.matcher(local).matches()) {
      throw ApplicationException.invalid(field, "must be a well-formed email address: before the @, only ASCII"
          + " letters, digits and . ! # $ % & ' * + / = ? ^ _ ` { | } ~ - (no quotes, spaces or markup)");
    }
    String domain = asciiDomain(folded.substring(at + 1));
    if (domain == null || domain.length() > 253 || !Arrays.stream(domain.split("\\.", -1)).allMatch(l -> LABEL.matcher(l).matches())) {
      throw ApplicationException.invalid(field, "must be a well-formed email address: the domain is not a valid host name");
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
    if (at < 0) {
      return folded;
    }
    String domain = asciiDomain(folded.substring(at + 1));
    return domain == null ? folded : folded.substring(0, at + 1) + domain;
  }

  private static String fold(String raw) {
    return raw == null ? "" : Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
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
