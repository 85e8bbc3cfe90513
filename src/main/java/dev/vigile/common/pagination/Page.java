package dev.vigile.common.pagination;

import java.util.List;
import java.util.function.Function;

/** One page of results: the response envelope of every list endpoint. */
public record Page<T>(List<T> items, int page, int size, long total, long pages) {

  public static <T> Page<T> of(List<T> items, PageRequest request, long total) {
    long pages = total == 0 ? 0 : (total + request.size() - 1) / request.size();
    return new Page<>(List.copyOf(items), request.page(), request.size(), total, pages);
  }

  public <R> Page<R> map(Function<T, R> f) {
    return new Page<>(items.stream().map(f).toList(), page, size, total, pages);
  }
}
