/* parts.h — the part of an edition a run renders: --pages LIST, --shard I/N. */
#ifndef JOPAN_PARTS_H
#define JOPAN_PARTS_H

#include <glib.h>

/**
 * parts_parse_pages:
 * @text: page numbers and ranges, comma-separated: `1-4,9,12-`
 *   (an open range runs to the last page)
 * @n_pages: the edition's pages: every number must be from 1 to it
 * @error: a %JOPAN_ERROR_USAGE error naming the bad item
 *
 * Returns: (transfer full): the page numbers (guint, from 1), ascending,
 *   each once; %NULL with @error set.
 */
GArray *parts_parse_pages (const char *text, guint n_pages, GError **error);

/**
 * parts_parse_shard:
 * @text: `I/N`, shard I (from 1) of N (Kubernetes' 0-based
 *   JOB_COMPLETION_INDEX is I - 1)
 * @index, @count: (out): I and N
 *
 * Returns: %TRUE if @text is a shard, else %FALSE with a usage error.
 */
gboolean parts_parse_shard (const char *text, guint *index, guint *count, GError **error);

/**
 * parts_shard:
 * @pages: the pages to share out (from parts_parse_pages(), or all)
 * @index, @count: shard @index of @count
 *
 * Shard I of N takes the entries of @pages from (I - 1) × n / N to
 * I × n / N (rounded down; n the entries): runs of consecutive pages as
 * equal as they can be, together every page once.  A shard may be empty
 * when N exceeds the pages.
 *
 * Returns: (transfer full): the shard's page numbers, ascending.
 */
GArray *parts_shard (const GArray *pages, guint index, guint count);

/* Every page from 1 to @n_pages. */
GArray *parts_all_pages (guint n_pages);

#endif
