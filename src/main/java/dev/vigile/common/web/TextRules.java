package dev.vigile.common.web;

import dev.vigile.common.problem.Problem;
import java.util.List;

/** The one rule for short free-text fields such as a display name. */
public final class TextRules {
  private TextRules() {}

  /**
   * The text stripped, or null when blank; a field error when it is longer than {@code max} code
   * points or holds control characters.
   */
  public static String check(String field, String raw, int max, List<Problem.FieldError> errors) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String text = raw.strip();
    if (text.codePointCount(0, text.length()) > max) {
      errors.add(new Problem.FieldError(field, "must be at most " + max + " characters"));
    } else if (text.codePoints().anyMatch(Character::isISOControl)) {
      errors.add(new Problem.FieldError(field, "must not contain control characters"));
    }
    return text;
  }
}
