package dev.vigile.common.pagination;

import dev.vigile.common.problem.ApplicationException;
import dev.vigile.common.problem.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A validated {@code page}/{@code size}/{@code sort} request. Sort fields are whitelisted per
 * endpoint and mapped to a query path, so a client never names a column directly.
 *
 * @param sortPath the JPQL path to order by
 * @param ascending the order
 */
public record PageRequest(int page, int size, String sort, String sortPath, boolean ascending) {
  public static final int DEFAULT_SIZE = 20;
  public static final int MAX_SIZE = 100;

  /** The sortable fields of one endpoint: API name to JPQL path, and the default. */
  public record Sorts(Map<String, String> fields, String defaultField, boolean defaultAscending) {}

  /** Parses raw query values; anything out of range or unknown is a 400 naming the field. */
  public static PageRequest parse(String page, String size, String sort, Sorts sorts) {
    List<Problem.FieldError> errors = new ArrayList<>();
    int p = parseInt("page", page, 1, 1, Integer.MAX_VALUE / MAX_SIZE, errors);
    int s = parseInt("size", size, DEFAULT_SIZE, 1, MAX_SIZE, errors);
    String field = sorts.defaultField();
    boolean ascending = sorts.defaultAscending();
    if (sort != null && !sort.isBlank()) {
      String[] parts = sort.split(",", -1);
      field = parts[0].trim();
      if (parts.length > 2 || !sorts.fields().containsKey(field)) {
        errors.add(
            new Problem.FieldError(
                "sort", "must be one of " + sorts.fields().keySet().stream().sorted().toList()
                    + ", optionally followed by ,asc or ,desc"));
      } else if (parts.length == 2) {
        String dir = parts[1].trim().toLowerCase(java.util.Locale.ROOT);
        if (!dir.equals("asc") && !dir.equals("desc")) {
          errors.add(new Problem.FieldError("sort", "direction must be asc or desc"));
        }
        ascending = dir.equals("asc");
      } else {
        ascending = true;
      }
    }
    if (!errors.isEmpty()) {
      throw ApplicationException.invalid(errors);
    }
    return new PageRequest(
        p, s, field + "," + (ascending ? "asc" : "desc"), sorts.fields().get(field), ascending);
  }

  public int offset() {
    return (page - 1) * size;
  }

  /** An {@code order by} clause for the whitelisted path, with a stable tie-breaker. */
  public String orderBy(String alias, String tieBreaker) {
    String dir = ascending ? "asc" : "desc";
    return " order by " + alias + "." + sortPath + " " + dir + ", " + alias + "." + tieBreaker + " " + dir;
  }

  private static int parseInt(
      String name, String raw, int dflt, int min, int max, List<Problem.FieldError> errors) {
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
