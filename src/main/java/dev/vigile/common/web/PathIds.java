package dev.vigile.common.web;

import dev.vigile.common.problem.ApplicationException;
import java.util.UUID;

/** Ids in paths: one that does not parse names nothing, so it is a 404 like an unknown one. */
public final class PathIds {
    private PathIds() {}

    public static UUID uuid(String raw, String notFound) {
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApplicationException.notFound(notFound);
        }
    }

    public static long number(String raw, String notFound) {
        try {
            return Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApplicationException.notFound(notFound);
        }
    }
}
