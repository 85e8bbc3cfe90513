package dev.vigile.mail;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a mail from a template in {@code src/main/resources/mail/NAME.LANG.txt}: a {@code
 * Subject:} line, a blank line, then the body, with {@code {{param}}} placeholders. The HTML body
 * is made from the same text (every value escaped; a line that is a link becomes one), so both
 * say the same thing, with no external resource.
 */
@ApplicationScoped
public class MailTemplates {
    /** The languages templates exist in; the first is the default. */
    public static final List<String> LANGUAGES = List.of("en", "fr");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([a-zA-Z]+)}}");
    private final Map<String, String> sources = new ConcurrentHashMap<>();

    /**
     * The language to write in: the user's stored preference, else the first supported language of
     * the request's {@code Accept-Language}, else English.
     */
    public static String language(String preference, String acceptLanguage) {
        if (preference != null && LANGUAGES.contains(preference)) {
            return preference;
        }
        if (acceptLanguage != null && acceptLanguage.length() <= 512) {
            try {
                for (Locale.LanguageRange range : Locale.LanguageRange.parse(acceptLanguage)) {
                    String tag = range.getRange();
                    String lang = tag.length() >= 2 ? tag.substring(0, 2).toLowerCase(Locale.ROOT) : tag;
                    if (range.getWeight() > 0 && LANGUAGES.contains(lang)) {
                        return lang;
                    }
                }
            } catch (IllegalArgumentException malformed) {
                // A malformed header falls back to the default.
            }
        }
        return LANGUAGES.get(0);
    }

    /** The mail {@code template} in {@code language}, to {@code recipient}, with its values. */
    public Mail render(String template, String language, String recipient, Map<String, String> values) {
        String lang = LANGUAGES.contains(language) ? language : LANGUAGES.get(0);
        String source = sources.computeIfAbsent(template + "." + lang, MailTemplates::load);
        int split = source.indexOf("\n\n");
        String head = source.substring(0, split);
        if (!head.startsWith("Subject: ")) {
            throw new IllegalStateException("Mail template " + template + " has no Subject line");
        }
        String subject = fill(head.substring("Subject: ".length()).trim(), values);
        String text = fill(source.substring(split + 2).strip(), values) + "\n";
        return new Mail(recipient, subject, text, html(subject, text, lang));
    }

    private static String load(String name) {
        try (InputStream in = MailTemplates.class.getResourceAsStream("/mail/" + name + ".txt")) {
            if (in == null) {
                throw new IllegalArgumentException("No mail template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fill(String text, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("No value for {{" + m.group(1) + "}}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String html(String subject, String text, String lang) {
        StringBuilder body = new StringBuilder();
        for (String paragraph : text.strip().split("\n\n")) {
            String p = paragraph.strip();
            if (p.startsWith("https://") || p.startsWith("http://")) {
                body.append("<p><a href=\"")
                        .append(escape(p))
                        .append("\">")
                        .append(escape(p))
                        .append("</a></p>\n");
            } else {
                body.append("<p>").append(escape(p).replace("\n", "<br>\n")).append("</p>\n");
            }
        }
        return "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>"
                + escape(subject) + "</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.5\">\n"
                + body + "</body></html>\n";
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
