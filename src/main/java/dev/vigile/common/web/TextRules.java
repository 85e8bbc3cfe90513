package dev.vigile.common.web;

import dev.vigile.common.problem.Problem;
import java.util.List;

/** The one rule for short free-text fields such as a display name, and what counts as invisible. */
public final class TextRules {
    private TextRules() {}

    /**
     * The text stripped, or null when blank; a field error when it is longer than {@code max} code
     * points or holds control, format or invisible characters (text that would look like another
     * in a list: a zero-width space, a Hangul filler, a bidirectional override).
     */
    public static String check(String field, String raw, int max, List<Problem.FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String text = raw.strip();
        if (text.codePointCount(0, text.length()) > max) {
            errors.add(new Problem.FieldError(field, "must be at most " + max + " characters"));
        } else if (text.codePoints().anyMatch(c -> invisible(c) && c != ' ')) {
            errors.add(new Problem.FieldError(field, "must not contain control, format or invisible characters"));
        }
        return text;
    }

    /**
     * Control, format (zero-width, bidirectional), private-use, unassigned, surrogate code points,
     * separators other than the space, and the letters and marks that draw nothing (fillers,
     * variation selectors, the combining grapheme joiner). The plain space is reported too: callers
     * that allow it between words say so.
     */
    public static boolean invisible(int c) {
        switch (Character.getType(c)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED,
                    Character.SURROGATE,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR -> {
                return true;
            }
            case Character.SPACE_SEPARATOR -> {
                return true;
            }
            default -> {
                return c == 0x115F
                        || c == 0x1160
                        || c == 0x3164
                        || c == 0xFFA0
                        || c == 0x2800
                        || c == 0x034F
                        || c == 0x17B4
                        || c == 0x17B5
                        || c == 0x180E
                        || (c >= 0xFE00 && c <= 0xFE0F)
                        || (c >= 0xE0100 && c <= 0xE01EF);
            }
        }
    }
}
