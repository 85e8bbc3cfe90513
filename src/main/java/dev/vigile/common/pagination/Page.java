package dev.vigile.common.pagination;

import jakarta.json.bind.annotation.JsonbTransient;
import java.util.List;
import java.util.function.Function;

/**
 * One page of results: the response envelope of every list endpoint. {@code more} (not in the
 * body) says whether items follow the last one, for the {@code next} link of a keyset page.
 */
public record Page<T>(
        List<T> items,
        int page,
        int size,
        long total,
        long pages,
        @JsonbTransient boolean more) {

    public static <T> Page<T> of(List<T> items, PageRequest request, long total) {
        long pages = total == 0 ? 0 : (total + request.size() - 1) / request.size();
        boolean more = request.before() == null ? request.page() < pages : items.size() > request.size();
        List<T> kept = items.size() > request.size() ? items.subList(0, request.size()) : items;
        return new Page<>(List.copyOf(kept), request.page(), request.size(), total, pages, more);
    }

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), page, size, total, pages, more);
    }
}
