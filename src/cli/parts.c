/* parts.c — --pages and --shard: which pages of an edition a run renders.
 *
 * Shards are runs of consecutive pages, not every N-th page, so each
 * shard's folder holds a stretch of the paper and the merge step only
 * has to put folders side by side.
 */
#include "parts.h"

#include "jopan.h"

#include <string.h>

/* A page number at *@p, from 1 to @n_pages; advances *@p past it. */
static gboolean
parse_number (const char **p, guint n_pages, guint *value)
{
  char *end;
  guint64 v;

  if (!g_ascii_isdigit (**p))
    return FALSE;
  v = g_ascii_strtoull (*p, &end, 10);
  *p = end;
  *value = (guint) MIN (v, G_MAXUINT);
  return v >= 1 && v <= n_pages;
}

/* One item: `N`, `A-B` or `A-`; marks its pages in @wanted. */
static gboolean
parse_item (const char *item, guint n_pages, gboolean *wanted)
{
  const char *p = item;
  guint first, last;

  if (!parse_number (&p, n_pages, &first))
    return FALSE;
  last = first;
  if (*p == '-')
    {
      p++;
      if (*p == '\0')
        last = n_pages;
      else if (!parse_number (&p, n_pages, &last) || last < first)
        return FALSE;
    }
  if (*p != '\0')
    return FALSE;
  for (guint i = first; i <= last; i++)
    wanted[i - 1] = TRUE;
  return TRUE;
}

GArray *
parts_parse_pages (const char *text, guint n_pages, GError **error)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  g_autofree gboolean *wanted = g_new0 (gboolean, n_pages + 1);
  GArray *pages = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; items[i]; i++)
    if (!parse_item (g_strstrip (items[i]), n_pages, wanted))
      {
        g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE,
                     "--pages %s: \"%s\": expected a page from 1 to %u or a range A-B of them",
                     text, items[i], n_pages);
        g_array_unref (pages);
        return NULL;
      }
  for (guint i = 1; i <= n_pages; i++)
    if (wanted[i - 1])
      g_array_append_val (pages, i);
  if (pages->len == 0)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "--pages %s: expected some pages", text);
      g_clear_pointer (&pages, g_array_unref);
    }
  return pages;
}

gboolean
parts_parse_shard (const char *text, guint *index, guint *count, GError **error)
{
  const char *slash = strchr (text, '/');
  g_autofree char *head = slash ? g_strndup (text, (gsize) (slash - text)) : NULL;
  guint64 i = 0, n = 0;

  if (slash == NULL || !g_ascii_string_to_unsigned (head, 10, 1, 10000, &i, NULL)
      || !g_ascii_string_to_unsigned (slash + 1, 10, 1, 10000, &n, NULL) || i > n)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE,
                   "--shard %s: expected I/N, shard I of N, 1 <= I <= N <= 10000", text);
      return FALSE;
    }
  *index = (guint) i;
  *count = (guint) n;
  return TRUE;
}

GArray *
parts_shard (const GArray *pages, guint index, guint count)
{
  GArray *shard = g_array_new (FALSE, FALSE, sizeof (guint));
  guint start, end;

  g_return_val_if_fail (index >= 1 && index <= count, shard);
  start = (guint) ((guint64) (index - 1) * pages->len / count);
  end = (guint) ((guint64) index * pages->len / count);
  if (end > start)
    g_array_append_vals (shard, &g_array_index (pages, guint, start), end - start);
  return shard;
}

GArray *
parts_all_pages (guint n_pages)
{
  GArray *pages = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_pages);

  for (guint i = 1; i <= n_pages; i++)
    g_array_append_val (pages, i);
  return pages;
}
