package dev.vigile.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every configuration key the code reads is in the README's table, with its variable. */
class ConfigurationTableTest {
    private static final Pattern KEY =
            Pattern.compile("(?:name\\s*=\\s*|getOptionalValue\\(\\s*|getValue\\(\\s*)\"(vigile\\.[a-z0-9.-]+)\"");

    @Test
    void everyKeyTheCodeReadsIsDocumented() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String source = Files.readString(f);
                Matcher m = KEY.matcher(source);
                while (m.find()) {
                    keys.add(m.group(1));
                }
            }
        }
        assertTrue(keys.contains("vigile.shutdown.timeout"), keys.toString());
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        for (String key : keys) {
            String variable =
                    key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
            List<String> rows = readme.stream()
                    .filter(l -> l.startsWith("| `" + key + "` | `" + variable + "` |"))
                    .toList();
            assertEquals(1, rows.size(), "README configuration row for " + key + " / " + variable);
        }
    }
}
