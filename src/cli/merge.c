/* merge.c — shard folders joined into one edition folder.
 *
 * Each shard ran `jopan edition --pages/--shard` into its own folder; the
 * merge needs only their files: the page PDFs (and PNGs), report.json,
 * edition.pdf (its outline) and contact.png (its thumbnails).
 * Everything is written into a staging folder inside OUTDIR and moved
 * into place at the end, so a failed merge leaves OUTDIR as it was.
 */
#include "merge.h"
#include "staging.h"

#include "jopan.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <poppler.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PAGES 9999

typedef struct {
  char *pdf;        /* the page's PDF */
  GPtrArray *files; /* every file of the page (PDF, PNG), full paths */
  guint dir;        /* the index of its folder */
} Page;

typedef struct {
  const char *const *dirs;
  guint n_dirs;
  gboolean newer;   /* a later folder's page replaces an earlier's (an update) */
  Page *pages;      /* [MAX_PAGES + 1], by number */
  guint last;       /* the highest page number found */
  guint *first;     /* per folder, its lowest page number (0: none) */
  GArray **held;    /* per folder, the numbers (guint) of its page PDFs,
                     * rising: its edition.pdf's pages in order (a part of
                     * --pages 1,3,7 is no run of consecutive pages) */
  GPtrArray *replaced; /* with @newer: the files of the pages replaced */
} Parts;

guint
merge_page_number (const char *name, gboolean *pdf)
{
  guint64 n;
  char *end;

  if (!g_str_has_prefix (name, "page-") || !g_ascii_isdigit (name[5]))
    return 0;
  n = g_ascii_strtoull (name + 5, &end, 10);
  *pdf = strcmp (end, ".pdf") == 0;
  if (n < 1 || n > MAX_PAGES || !(*pdf || g_str_has_suffix (end, ".png")))
    return 0;
  return (guint) n;
}

static gboolean
add_file (Parts *parts, guint dir, const char *name, GError **error)
{
  gboolean pdf;
  guint n = merge_page_number (name, &pdf);
  Page *page = &parts->pages[n];

  if (n == 0)
    return TRUE;
  if (page->files && page->dir != dir && !parts->newer)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "page %u is in %s and in %s: expected "
                   "each page in one part", n, parts->dirs[page->dir], parts->dirs[dir]);
      return FALSE;
    }
  if (page->files && page->dir != dir)
    {
      g_ptr_array_extend_and_steal (parts->replaced, g_steal_pointer (&page->files));
      g_clear_pointer (&page->pdf, g_free);
    }
  if (page->files == NULL)
    page->files = g_ptr_array_new_with_free_func (g_free);
  page->dir = dir;
  g_ptr_array_add (page->files, g_build_filename (parts->dirs[dir], name, NULL));
  if (pdf)
    {
      page->pdf = g_strdup (g_ptr_array_index (page->files, page->files->len - 1));
      g_array_append_val (parts->held[dir], n);
    }
  parts->last = MAX (parts->last, n);
  if (parts->first[dir] == 0 || n < parts->first[dir])
    parts->first[dir] = n;
  return TRUE;
}

static int
by_number (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static gboolean
scan_dir (Parts *parts, guint dir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (parts->dirs[dir], 0, error);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)))
    if (!add_file (parts, dir, name, error))
      return FALSE;
  g_array_sort (parts->held[dir], by_number);
  if (parts->first[dir] == 0)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT, "%s: no page-NN.pdf: expected a folder "
                   "`jopan edition` wrote", parts->dirs[dir]);
      return FALSE;
    }
  return TRUE;
}

/* Every page from 1 to the last, each with its PDF. */
static gboolean
check_complete (const Parts *parts, GError **error)
{
  for (guint n = 1; n <= parts->last; n++)
    if (parts->pages[n].pdf == NULL)
      {
        g_autofree char *dirs = g_strjoinv (", ", (char **) parts->dirs);
        g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT, "page %u: no page-%02u.pdf in %s: "
                     "expected every page from 1 to %u in one of the parts", n, n, dirs,
                     parts->last);
        return FALSE;
      }
  return TRUE;
}

static void
parts_clear (Parts *parts)
{
  for (guint n = 0; n <= MAX_PAGES; n++)
    {
      g_free (parts->pages[n].pdf);
      if (parts->pages[n].files)
        g_ptr_array_unref (parts->pages[n].files);
    }
  g_free (parts->pages);
  g_free (parts->first);
  for (guint d = 0; d < parts->n_dirs; d++)
    g_array_unref (parts->held[d]);
  g_free (parts->held);
  g_ptr_array_unref (parts->replaced);
}

/* ---- the report ---------------------------------------------------------- */

static JsonNode *
load_report (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "report.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT, "%s: %s", path, local->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "pages")))
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT, "%s: expected an edition's report, an "
                   "object with \"pages\"", path);
      return NULL;
    }
  return json_node_copy (root);
}

/* The integer member @name of @o, or 0. */
static gint64
member_int (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64
             ? json_node_get_int (node) : 0;
}

/* Appends the elements of @from's array @name to @into's (if both have one). */
static void
append_array (JsonObject *into, JsonObject *from, const char *name)
{
  JsonNode *a = json_object_get_member (into, name), *b = json_object_get_member (from, name);
  JsonArray *to, *more;

  if (a == NULL || b == NULL || !JSON_NODE_HOLDS_ARRAY (a) || !JSON_NODE_HOLDS_ARRAY (b))
    return;
  to = json_node_get_array (a);
  more = json_node_get_array (b);
  for (guint i = 0; i < json_array_get_length (more); i++)
    json_array_add_element (to, json_node_copy (json_array_get_element (more, i)));
}

/* Keeps of @report's array @name the elements whose page (member @key) is
 * taken from folder @dir: an updated folder's report still lists the pages
 * written again. */
static void
keep_taken (JsonObject *report, const char *name, const char *key, const Parts *parts, guint dir)
{
  JsonNode *node = json_object_get_member (report, name);
  JsonArray *kept, *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *e = json_array_get_element (array, i);
      gint64 n = JSON_NODE_HOLDS_OBJECT (e) ? member_int (json_node_get_object (e), key) : 0;
      if (n >= 1 && n <= parts->last && parts->pages[n].files && parts->pages[n].dir == dir)
        json_array_add_element (kept, json_node_copy (e));
    }
  json_object_set_array_member (report, name, kept);
}

/* @into with @from's pages and jumps (those from its pages) after its own;
 * the other members describe the whole edition and are the same in every
 * part. */
static void
join_report (JsonObject *into, JsonObject *from)
{
  append_array (into, from, "pages");
  append_array (into, from, "jumps");
}

/* The findings of @report's pages, summed. */
static void
sum_findings (JsonObject *report)
{
  JsonNode *findings = json_object_get_member (report, "findings");
  JsonNode *pages = json_object_get_member (report, "pages");
  gint64 sum = 0;

  if (findings == NULL || !JSON_NODE_HOLDS_VALUE (findings) || pages == NULL
      || !JSON_NODE_HOLDS_ARRAY (pages))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (pages)); i++)
    {
      JsonNode *e = json_array_get_element (json_node_get_array (pages), i);
      if (JSON_NODE_HOLDS_OBJECT (e))
        sum += member_int (json_node_get_object (e), "findings");
    }
  json_node_set_int (findings, sum);
}

/* The folders in page order (by their first page). */
static guint *
dirs_in_order (const Parts *parts)
{
  guint *order = g_new (guint, parts->n_dirs);
  guint k = 0;

  for (guint n = 1; n <= parts->last; n++)
    for (guint d = 0; d < parts->n_dirs; d++)
      if (parts->first[d] == n)
        order[k++] = d;
  return order;
}

static int
by_page (gconstpointer a, gconstpointer b, gpointer key)
{
  JsonNode *x = *(JsonNode *const *) a, *y = *(JsonNode *const *) b;
  gint64 fx = JSON_NODE_HOLDS_OBJECT (x) ? member_int (json_node_get_object (x), key) : 0;
  gint64 fy = JSON_NODE_HOLDS_OBJECT (y) ? member_int (json_node_get_object (y), key) : 0;

  return fx < fy ? -1 : fx > fy;
}

/* The array @name of @report in the order of its elements' page number
 * @key, as a whole run lists them: the pages by `page`, the jumps by the
 * page they start on, `from` (each page's in its part's order: the sort is
 * stable).  Parts of --pages 1,3,7 and 2,4-6 come in interleaved. */
static void
sort_by_page (JsonObject *report, const char *name, const char *key)
{
  JsonNode *node = json_object_get_member (report, name);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  JsonArray *sorted, *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (items, json_node_copy (json_array_get_element (array, i)));
  g_ptr_array_sort_with_data (items, by_page, (gpointer) key);
  sorted = json_array_new ();
  for (guint i = 0; i < items->len; i++)
    json_array_add_element (sorted, json_node_copy (items->pdata[i]));
  json_object_set_array_member (report, name, sorted);
}

static JsonNode *
merged_report (const Parts *parts, GError **error)
{
  g_autofree guint *order = dirs_in_order (parts);
  JsonNode *root = NULL;

  for (guint i = 0; i < parts->n_dirs; i++)
    {
      JsonNode *part = load_report (parts->dirs[order[i]], error);
      if (part == NULL)
        {
          g_clear_pointer (&root, json_node_unref);
          return NULL;
        }
      keep_taken (json_node_get_object (part), "pages", "page", parts, order[i]);
      keep_taken (json_node_get_object (part), "jumps", "from", parts, order[i]);
      if (root == NULL)
        root = part;
      else
        {
          join_report (json_node_get_object (root), json_node_get_object (part));
          json_node_unref (part);
        }
    }
  if (root)
    {
      sort_by_page (json_node_get_object (root), "pages", "page");
      sort_by_page (json_node_get_object (root), "jumps", "from");
      sum_findings (json_node_get_object (root));
    }
  return root;
}

/* ---- the outline --------------------------------------------------------- */

/* The page (from 0) an outline entry leads to, or -1. */
static int
entry_page (PopplerDocument *pdf, PopplerIndexIter *iter, char **title)
{
  PopplerAction *action = poppler_index_iter_get_action (iter);
  PopplerDest *dest = NULL;
  int page = -1;

  *title = g_strdup (action->any.title ? action->any.title : "");
  if (action->type == POPPLER_ACTION_GOTO_DEST && action->goto_dest.dest)
    {
      dest = action->goto_dest.dest;
      if (dest->type == POPPLER_DEST_NAMED)
        dest = poppler_document_find_dest (pdf, dest->named_dest);
      else
        dest = poppler_dest_copy (dest);
    }
  if (dest)
    page = dest->page_num - 1;
  poppler_dest_free (dest);
  poppler_action_free (action);
  return page;
}

/* An outline entry and where it sorts: by its page entry's page, then in
 * the order read. */
typedef struct {
  guint key, seq;
  JopanOutlineItem item;
} Entry;

/* Appends the entries of @iter's level (and the level under it) to
 * @entries, those of the pages taken from folder @dir, its edition.pdf's
 * page k as the page its k-th page PDF is; a title is kept in @titles. */
static void
read_level (PopplerDocument *pdf, PopplerIndexIter *iter, int level, const Parts *parts,
            guint dir, guint key, GArray *entries, GPtrArray *titles)
{
  const GArray *numbers = parts->held[dir];

  do
    {
      char *title;
      int page = entry_page (pdf, iter, &title);
      PopplerIndexIter *child = level == 0 ? poppler_index_iter_get_child (iter) : NULL;
      Entry e = { key, entries->len, { title, 0, level } };
      guint n = page >= 0 && (guint) page < numbers->len ? g_array_index (numbers, guint, page) : 0;

      g_ptr_array_add (titles, title);
      if (n > 0 && parts->pages[n].dir == dir)
        {
          e.item.page = n - 1;
          e.key = level == 0 ? e.item.page : key;
          g_array_append_val (entries, e);
        }
      if (child)
        read_level (pdf, child, 1, parts, dir, e.key, entries, titles);
      if (child)
        poppler_index_iter_free (child);
    }
  while (poppler_index_iter_next (iter));
}

/* The outline a part's edition.pdf carries, in @entries, its pages those
 * of the edition: the merged file gets the entries a single run would
 * have made. */
static gboolean
read_outline (const Parts *parts, guint dir, GArray *entries, GPtrArray *titles, GError **error)
{
  g_autofree char *path = g_build_filename (parts->dirs[dir], "edition.pdf", NULL);
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autoptr (GError) local = NULL;
  PopplerDocument *pdf = uri ? poppler_document_new_from_file (uri, NULL, &local) : NULL;
  PopplerIndexIter *iter;

  if (pdf == NULL)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT, "%s: %s: expected the part's edition.pdf",
                   path, local ? local->message : "not a file name");
      return FALSE;
    }
  iter = poppler_index_iter_new (pdf);
  if (iter)
    read_level (pdf, iter, 0, parts, dir, 0, entries, titles);
  if (iter)
    poppler_index_iter_free (iter);
  g_object_unref (pdf);
  return TRUE;
}

static int
by_key (gconstpointer a, gconstpointer b)
{
  const Entry *x = a, *y = b;

  return x->key != y->key ? (x->key < y->key ? -1 : 1) : (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* The parts' outlines in page order: each page's entry with its stories
 * under it. */
static GArray *
merged_outline (const Parts *parts, GPtrArray *titles, GError **error)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  GArray *items = g_array_new (FALSE, FALSE, sizeof (JopanOutlineItem));

  for (guint d = 0; d < parts->n_dirs; d++)
    if (!read_outline (parts, d, entries, titles, error))
      {
        g_array_unref (items);
        return NULL;
      }
  g_array_sort (entries, by_key);
  for (guint i = 0; i < entries->len; i++)
    g_array_append_val (items, g_array_index (entries, Entry, i).item);
  return items;
}

/* ---- writing ------------------------------------------------------------- */

static gboolean
copy_file (const char *from, const char *to, GError **error)
{
  g_autoptr (GFile) src = g_file_new_for_path (from);
  g_autoptr (GFile) dst = g_file_new_for_path (to);

  return g_file_copy (src, dst, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, error);
}

static gboolean
same_dir (const char *a, const char *b)
{
  char *ra = realpath (a, NULL), *rb = realpath (b, NULL);
  gboolean same = ra && rb && strcmp (ra, rb) == 0;

  free (ra);
  free (rb);
  return same;
}

/* The pages' files from the other folders, copied into @staging. */
static gboolean
stage_pages (const Parts *parts, const char *outdir, const char *staging, GError **error)
{
  for (guint n = 1; n <= parts->last; n++)
    {
      const Page *page = &parts->pages[n];
      if (same_dir (parts->dirs[page->dir], outdir))
        continue;
      for (guint i = 0; i < page->files->len; i++)
        {
          g_autofree char *name = g_path_get_basename (page->files->pdata[i]);
          g_autofree char *to = g_build_filename (staging, name, NULL);
          if (!copy_file (page->files->pdata[i], to, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
stage_report (JsonNode *report, const char *staging, GError **error)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autofree char *path = g_build_filename (staging, "report.json", NULL);

  json_generator_set_root (generator, report);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_file (generator, path, error);
}

static gboolean
stage_edition (const Parts *parts, JsonNode *report, const char *staging, GError **error)
{
  g_autoptr (GPtrArray) pdfs = g_ptr_array_new ();
  g_autoptr (GPtrArray) sheets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) outline = merged_outline (parts, strings, error);
  g_autofree char *edition = g_build_filename (staging, "edition.pdf", NULL);
  g_autofree char *contact = g_build_filename (staging, "contact.png", NULL);

  if (outline == NULL)
    return FALSE;
  /* Each page's thumbnail comes from its part's contact.png (the PDF is
   * drawn only for a part without one). */
  for (guint n = 1; n <= parts->last; n++)
    {
      g_ptr_array_add (pdfs, parts->pages[n].pdf);
      g_array_append_val (numbers, n);
      g_ptr_array_add (sheets, g_build_filename (parts->dirs[parts->pages[n].dir], "contact.png",
                                                 NULL));
    }
  return jopan_pdf_merge ((const char *const *) pdfs->pdata, pdfs->len,
                          (const JopanOutlineItem *) (void *) outline->data, outline->len, edition,
                          error)
         && jopan_contact_sheet_join ((const char *const *) pdfs->pdata,
                                      (const guint *) (void *) numbers->data,
                                      (const char *const *) sheets->pdata, pdfs->len, contact,
                                      error)
         && stage_report (report, staging, error);
}

/* The files of @outdir's pages written again that the new ones did not
 * overwrite (a page's PNG when the update wrote none, say). */
static void
remove_replaced (const Parts *parts, const char *outdir)
{
  for (guint i = 0; i < parts->replaced->len; i++)
    {
      const char *path = parts->replaced->pdata[i];
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *name = g_path_get_basename (path);
      gboolean pdf;
      guint n = merge_page_number (name, &pdf);
      gboolean again = FALSE;

      for (guint k = 0; n > 0 && k < parts->pages[n].files->len && !again; k++)
        {
          g_autofree char *other = g_path_get_basename (parts->pages[n].files->pdata[k]);
          again = strcmp (other, name) == 0;
        }
      if (!again && same_dir (dir, outdir))
        g_unlink (path);
    }
}

static gboolean
merge_into (const Parts *parts, const char *outdir, GError **error)
{
  g_autofree char *staging = g_build_filename (outdir, ".jopan-XXXXXX", NULL);
  JsonNode *report = merged_report (parts, error);
  gboolean ok;

  if (report == NULL)
    return FALSE;
  if (g_mkdir_with_parents (outdir, 0777) != 0 || g_mkdtemp (staging) == NULL)
    {
      int saved = errno;
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT, "cannot write into %s: %s", outdir,
                   g_strerror (saved));
      json_node_unref (report);
      return FALSE;
    }
  ok = stage_pages (parts, outdir, staging, error) && stage_edition (parts, report, staging, error)
       && staging_commit (staging, outdir, error);
  staging_remove (staging);
  json_node_unref (report);
  if (ok)
    remove_replaced (parts, outdir);
  return ok;
}

/* Folders @dirs joined into @outdir; with @newer a later folder's page
 * replaces an earlier's. */
static gboolean
merge (const char *const *dirs, guint n, const char *outdir, gboolean newer, guint *pages,
       GError **error)
{
  Parts parts = { dirs, n, newer, g_new0 (Page, MAX_PAGES + 1), 0, g_new0 (guint, n),
                  g_new (GArray *, n), g_ptr_array_new_with_free_func (g_free) };
  gboolean ok = TRUE;

  for (guint i = 0; i < n; i++)
    parts.held[i] = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; ok && i < n; i++)
    ok = scan_dir (&parts, i, error);
  ok = ok && check_complete (&parts, error) && merge_into (&parts, outdir, error);
  *pages = parts.last;
  parts_clear (&parts);
  return ok;
}

gboolean
merge_outdirs (const char *const *dirs, guint n, const char *outdir, gboolean quiet,
               GError **error)
{
  guint pages;

  if (!merge (dirs, n, outdir, FALSE, &pages, error))
    return FALSE;
  if (!quiet)
    fprintf (stderr, "jopan: %u pages from %u part%s in %s\n", pages, n, n == 1 ? "" : "s",
             outdir);
  return TRUE;
}

gboolean
merge_update (const char *outdir, const char *part, GError **error)
{
  const char *dirs[] = { outdir, part };
  guint pages;

  return merge (dirs, 2, outdir, TRUE, &pages, error);
}
