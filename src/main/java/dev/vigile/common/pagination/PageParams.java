package dev.vigile.common.pagination;

import jakarta.ws.rs.QueryParam;

/**
 * The paging query parameters every list shares, as one {@code @BeanParam}: {@code page}
 * (from 1), {@code size} (1 to {@value PageRequest#MAX_SIZE}) and {@code sort} ({@code field}
 * or {@code -field}), and {@code before} on lists that page by id. Read as text, so that a bad value is a 400 naming it, not a 404.
 */
public class PageParams {
  @QueryParam("page")
  String page;

  @QueryParam("size")
  String size;

  @QueryParam("sort")
  String sort;

  @QueryParam("before")
  String before;

  /** The request these parameters make with the list's sorts; 400 naming a bad parameter. */
  public PageRequest parse(PageRequest.Sorts sorts) {
    return PageRequest.parse(page, size, sort, before, sorts);
  }
}
