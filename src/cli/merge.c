/* merge.c — shard folders joined into one edition folder.
 *
 * Each shard ran `jopan edition --pages/--shard` into its own folder; the
 * merge needs only their files: the page PDFs (and PNGs) and report.json.
 * Everything is written into a staging folder inside OUTDIR and moved
 * into place at the end, so a failed merge leaves OUTDIR as it was.
 */
#include "merge.h"

#include "jopan.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
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
  Page *pages;      /* [MAX_PAGES + 1], by number */
  guint last;       /* the highest page number found */
  guint *first;     /* per folder, its lowest page number (0: none) */
} Parts;

/* The page number of `page-NN.pdf` or `page-NN.png` (also `page-NN-K.png`), else 0. */
static guint
page_number (const char *name, gboolean *pdf)
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
  guint n = page_number (name, &pdf);
  Page *page = &parts->pages[n];

  if (n == 0)
    return TRUE;
  if (page->files && page->dir != dir)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "page %u is in %s and in %s: expected "
                   "each page in one part", n, parts->dirs[page->dir], parts->dirs[dir]);
      return FALSE;
    }
  if (page->files == NULL)
    page->files = g_ptr_array_new_with_free_func (g_free);
  page->dir = dir;
  g_ptr_array_add (page->files, g_build_filename (parts->dirs[dir], name, NULL));
  if (pdf)
    page->pdf = g_strdup (g_ptr_array_index (page->files, page->files->len - 1));
  parts->last = MAX (parts->last, n);
  if (parts->first[dir] == 0 || n < parts->first[dir])
    parts->first[dir] = n;
  return TRUE;
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
}

/* ---- the report ---------------------------------------------------------- */

/* Joins @from's members into @into: arrays concatenated, integers summed,
 * anything else kept from the first part. */
static void
merge_object (JsonObject *into, JsonObject *from)
{
  g_autoptr (GList) members = json_object_get_members (from);

  for (GList *l = members; l; l = l->next)
    {
      JsonNode *value = json_object_get_member (from, l->data);
      JsonNode *have = json_object_get_member (into, l->data);

      if (have == NULL)
        json_object_set_member (into, l->data, json_node_copy (value));
      else if (JSON_NODE_HOLDS_ARRAY (have) && JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *a = json_node_get_array (value);
          for (guint i = 0; i < json_array_get_length (a); i++)
            json_array_add_element (json_node_get_array (have),
                                    json_node_copy (json_array_get_element (a, i)));
        }
      else if (JSON_NODE_HOLDS_VALUE (have) && JSON_NODE_HOLDS_VALUE (value)
               && json_node_get_value_type (have) == G_TYPE_INT64
               && json_node_get_value_type (value) == G_TYPE_INT64)
        json_node_set_int (have, json_node_get_int (have) + json_node_get_int (value));
    }
}

static gboolean
merge_report (JsonObject *into, const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, "report.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, error))
    {
      g_prefix_error (error, "%s: ", path);
      if (*error)
        (*error)->domain = JOPAN_ERROR, (*error)->code = JOPAN_ERROR_INPUT;
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT, "%s: expected a JSON object", path);
      return FALSE;
    }
  merge_object (into, json_node_get_object (root));
  return TRUE;
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

static JsonNode *
merged_report (const Parts *parts, GError **error)
{
  g_autofree guint *order = dirs_in_order (parts);
  JsonObject *object = json_object_new ();
  JsonNode *root = json_node_init_object (json_node_alloc (), object);

  json_object_unref (object);
  for (guint i = 0; i < parts->n_dirs; i++)
    if (!merge_report (object, parts->dirs[order[i]], error))
      {
        json_node_unref (root);
        return NULL;
      }
  return root;
}

/* ---- the outline --------------------------------------------------------- */

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
             ? json_node_get_string (node) : NULL;
}

/* The report's entry for page @n in its `pages` array, if any. */
static JsonObject *
report_page (JsonObject *report, guint n)
{
  JsonNode *pages = json_object_get_member (report, "pages");
  JsonArray *a = pages && JSON_NODE_HOLDS_ARRAY (pages) ? json_node_get_array (pages) : NULL;

  for (guint i = 0; a && i < json_array_get_length (a); i++)
    {
      JsonNode *e = json_array_get_element (a, i);
      JsonNode *number = JSON_NODE_HOLDS_OBJECT (e)
                             ? json_object_get_member (json_node_get_object (e), "number") : NULL;
      if (number && JSON_NODE_HOLDS_VALUE (number)
          && json_node_get_value_type (number) == G_TYPE_INT64 && json_node_get_int (number) == n)
        return json_node_get_object (e);
    }
  return NULL;
}

/* Page N (— section), then each story's headline under it; the titles are kept in @strings. */
static GArray *
build_outline (JsonObject *report, guint last, GPtrArray *strings)
{
  GArray *outline = g_array_new (FALSE, FALSE, sizeof (JopanOutlineItem));

  for (guint n = 1; n <= last; n++)
    {
      JsonObject *page = report_page (report, n);
      const char *section = page ? member_string (page, "section") : NULL;
      JsonNode *stories = page ? json_object_get_member (page, "stories") : NULL;
      JsonArray *a = stories && JSON_NODE_HOLDS_ARRAY (stories) ? json_node_get_array (stories) : NULL;
      char *title = section ? g_strdup_printf ("Page %u — %s", n, section)
                            : g_strdup_printf ("Page %u", n);
      JopanOutlineItem item = { title, n - 1, 0 };

      g_ptr_array_add (strings, title);
      g_array_append_val (outline, item);
      for (guint i = 0; a && i < json_array_get_length (a); i++)
        {
          JsonNode *s = json_array_get_element (a, i);
          const char *headline = JSON_NODE_HOLDS_OBJECT (s)
                                     ? member_string (json_node_get_object (s), "headline") : NULL;
          JopanOutlineItem story = { headline, n - 1, 1 };
          if (headline)
            g_array_append_val (outline, story);
        }
    }
  return outline;
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
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) outline = build_outline (json_node_get_object (report), parts->last, strings);
  g_autofree char *edition = g_build_filename (staging, "edition.pdf", NULL);
  g_autofree char *contact = g_build_filename (staging, "contact.png", NULL);

  for (guint n = 1; n <= parts->last; n++)
    g_ptr_array_add (pdfs, parts->pages[n].pdf);
  return jopan_pdf_merge ((const char *const *) pdfs->pdata, pdfs->len,
                          (const JopanOutlineItem *) (void *) outline->data, outline->len, edition,
                          error)
         && jopan_contact_sheet_write ((const char *const *) pdfs->pdata, pdfs->len, 1, contact,
                                       error)
         && stage_report (report, staging, error);
}

/* Moves every file of @staging into @outdir, then removes @staging. */
static gboolean
commit_staging (const char *staging, const char *outdir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (staging, 0, error);
  gboolean ok = d != NULL;

  for (const char *name; ok && (name = g_dir_read_name (d));)
    {
      g_autofree char *from = g_build_filename (staging, name, NULL);
      g_autofree char *to = g_build_filename (outdir, name, NULL);
      if (g_rename (from, to) != 0)
        {
          int saved = errno;
          g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", to,
                       g_strerror (saved));
          ok = FALSE;
        }
    }
  return ok;
}

static void
remove_staging (const char *staging)
{
  g_autoptr (GDir) d = g_dir_open (staging, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_unlink (path);
    }
  g_rmdir (staging);
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
       && commit_staging (staging, outdir, error);
  remove_staging (staging);
  json_node_unref (report);
  return ok;
}

gboolean
merge_outdirs (const char *const *dirs, guint n, const char *outdir, gboolean quiet,
               GError **error)
{
  Parts parts = { dirs, n, g_new0 (Page, MAX_PAGES + 1), 0, g_new0 (guint, n) };
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < n; i++)
    ok = scan_dir (&parts, i, error);
  ok = ok && check_complete (&parts, error) && merge_into (&parts, outdir, error);
  if (ok && !quiet)
    fprintf (stderr, "jopan: %u pages from %u part%s in %s\n", parts.last, n, n == 1 ? "" : "s",
             outdir);
  parts_clear (&parts);
  return ok;
}
