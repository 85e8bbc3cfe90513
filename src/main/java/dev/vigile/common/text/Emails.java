package dev.vigile.common.text;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.web.TextRules;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Email normalisation: trimmed, NFKC (so that a fullwidth or other compatibility look-alike is the
 * same address, as passwords are), lower case, so one address has one account; control, format
 * and invisible characters are refused, so that no two accounts look alike in a list.
 */
public final class Emails {
  public static final int MAX_LENGTH = 254;
  private static final Pattern SHAPE =
      Pattern.compile("[^\\s@\\p{Cntrl}]{1,64}@[\\p{L}\\p{N}-]+(\\.[\\p{L}\\p{N}-]+)*");

  private Emails() {}

  /** The normalised address, or a 400 naming {@code field} when it is not an email address. */
  public static String normalize(String field, String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApplicationException.invalid(field, "must not be blank");
    }
    if (raw.length() > 4 * MAX_LENGTH) {
      throw ApplicationException.invalid(field, "must be a well-formed email address");
    }
    String email = lookupKey(raw);
    if (email.codePoints().anyMatch(TextRules::invisible)) {
      throw ApplicationException.invalid(field, "must not contain control, format or invisible characters");
    }
    if (email.length() > MAX_LENGTH || !SHAPE.matcher(email).matches()) {
      throw ApplicationException.invalid(field, "must be a well-formed email address");
    }
    return email;
  }

  /** Normalises without validating, for looking an address up. */
  public static String lookupKey(String raw) {
    return raw == null ? "" : Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
  }
}
