package dev.vigile.common.pagination;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code page}/{@code size}/{@code sort} request, or a keyset request ({@code
 * before}: the {@code size} items just older than that id, newest first). Sort fields are
 * whitelisted per endpoint and mapped to a query path, so a client never names a column directly.
 *
 * @param sortPath the JPQL path to order by
 * @param ascending the order
 * @param before the keyset bound (items with a smaller id), or null for a numbered page
 * @param keyset whether the order is the list's keyset order (id, newest first), so that the next
 *     page can be asked for with {@code before}
 */
public record PageRequest(
        int page, int size, String sort, String sortPath, boolean ascending, Long before, boolean keyset) {
    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;

    /**
     * The sortable fields of one endpoint: API name to JPQL path, and the default. Long,
     * append-only lists name the fields that sort by id ({@code keysetFields}): they also accept
     * {@code before}, which pages by id, newest first.
     */
    public record Sorts(
            Map<String, String> fields,
            String defaultField,
            boolean defaultAscending,
            java.util.Set<String> keysetFields) {
        public Sorts(Map<String, String> fields, String defaultField, boolean defaultAscending) {
            this(fields, defaultField, defaultAscending, java.util.Set.of());
        }
    }

    /** Parses raw query values; anything out of range or unknown is a 400 naming the field. */
    public static PageRequest parse(String page, String size, String sort, Sorts sorts) {
        return parse(page, size, sort, null, sorts);
    }

    /**
     * Parses raw query values with a keyset bound: {@code before} must be a positive integer, only
     * on lists that page by id, only in their newest-first order and not with another page than 1.
     */
    public static PageRequest parse(String page, String size, String sort, String before, Sorts sorts) {
        List<Problem.FieldError> errors = new ArrayList<>();
        int p = parseInt("page", page, 1, 1, Integer.MAX_VALUE / MAX_SIZE, errors);
        int s = parseInt("size", size, DEFAULT_SIZE, 1, MAX_SIZE, errors);
        String field = sorts.defaultField();
        boolean ascending = sorts.defaultAscending();
        if (sort != null && !sort.isBlank()) {
            String[] parts = sort.split(",", -1);
            field = parts[0].trim();
            if (parts.length > 2 || !sorts.fields().containsKey(field)) {
                errors.add(new Problem.FieldError(
                        "sort",
                        "must be one of "
                                + sorts.fields().keySet().stream().sorted().toList()
                                + ", optionally followed by ,asc or ,desc"));
            } else if (parts.length == 2) {
                String dir = parts[1].trim().toLowerCase(java.util.Locale.ROOT);
                if (!dir.equals("asc") && !dir.equals("desc")) {
                    errors.add(new Problem.FieldError("sort", "direction must be asc or desc"));
                }
                ascending = dir.equals("asc");
            } else {
                // A field named alone sorts in its own default order: the list's default field as
                // the list sorts it by default ("createdAt (default desc)", API.md), any other
                // ascending.
                ascending = field.equals(sorts.defaultField()) ? sorts.defaultAscending() : true;
            }
        }
        boolean keyset = !ascending && sorts.keysetFields().contains(field);
        Long bound = null;
        if (before != null && !before.isBlank()) {
            if (sorts.keysetFields().isEmpty()) {
                errors.add(new Problem.FieldError("before", "is not accepted by this list"));
            } else {
                bound = parseLong(before.strip());
                if (bound == null) {
                    errors.add(new Problem.FieldError("before", "must be an integer between 1 and " + Long.MAX_VALUE));
                } else if (!keyset && errors.stream().noneMatch(e -> e.field().equals("sort"))) {
                    errors.add(new Problem.FieldError("sort", "must be the default (newest first) with before"));
                } else if (page != null && !page.isBlank() && p != 1) {
                    errors.add(new Problem.FieldError("page", "must be 1 or absent with before"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApplicationException.invalid(errors);
        }
        return new PageRequest(
                p, s, field + "," + (ascending ? "asc" : "desc"), sorts.fields().get(field), ascending, bound, keyset);
    }

    /** A positive long, or null. */
    private static Long parseLong(String raw) {
        if (raw.isEmpty() || raw.length() > 19 || !raw.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
            return null;
        }
        try {
            long v = Long.parseLong(raw);
            return v >= 1 ? v : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Rows to read: a keyset page reads one more than it shows, to know whether a next page exists
     * (see {@link Page#of}).
     */
    public int limit() {
        return before != null ? size + 1 : size;
    }

    /** Rows to skip: none for a keyset page. */
    public int offset() {
        return before != null ? 0 : (page - 1) * size;
    }

    /** An {@code order by} clause for the whitelisted path, with a stable tie-breaker. */
    public String orderBy(String alias, String tieBreaker) {
        String dir = ascending ? "asc" : "desc";
        return " order by " + alias + "." + sortPath + " " + dir + ", " + alias + "." + tieBreaker + " " + dir;
    }

    private static int parseInt(String name, String raw, int dflt, int min, int max, List<Problem.FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(new Problem.FieldError(name, "must be an integer between " + min + " and " + max));
        return dflt;
    }
}
