/* output.c — a run's files, written all at once and never over its inputs.
 *
 * The document (one PDF, or one PNG per page) and its report are one
 * commit: every file goes to a unique temporary name first and all are
 * renamed into place only when all are complete.  No output may be an
 * input (the article, the style, a photo) or another output of the run,
 * compared by what the names resolve to, not by how they are spelled.
 */
#include "compose-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* More pages than any run lays out (500): the search for stale ones stops. */
#define STALE_PAGES_MAX 10000

/* A name as the file system resolves it: the file's device and inode when
 * it exists, else its folder's real path and its own name. */
typedef struct {
  gboolean exists;
  dev_t dev;
  ino_t ino;
  char *canonical;
} FileId;

static void
file_id_init (FileId *id, const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *real = realpath (dir, NULL);
  struct stat st;

  id->exists = stat (path, &st) == 0;
  id->dev = id->exists ? st.st_dev : 0;
  id->ino = id->exists ? st.st_ino : 0;
  id->canonical = g_build_filename (real ? real : dir, base, NULL);
  free (real);
}

static gboolean
same_file (const FileId *a, const FileId *b)
{
  if (a->exists && b->exists)
    return a->dev == b->dev && a->ino == b->ino;
  return strcmp (a->canonical, b->canonical) == 0;
}

typedef struct {
  GArray *ids;      /* of FileId */
  GPtrArray *names; /* the names as given, for messages */
  GPtrArray *roles; /* "the article", "a photo", … */
} FileSet;

static void
file_set_add (FileSet *set, const char *path, const char *role)
{
  FileId id;

  file_id_init (&id, path);
  g_array_append_val (set->ids, id);
  g_ptr_array_add (set->names, g_strdup (path));
  g_ptr_array_add (set->roles, (gpointer) role);
}

static void
file_set_clear (FileSet *set)
{
  for (guint i = 0; i < set->ids->len; i++)
    g_free (g_array_index (set->ids, FileId, i).canonical);
  g_array_unref (set->ids);
  g_ptr_array_unref (set->names);
  g_ptr_array_unref (set->roles);
}

static void
file_set_init (FileSet *set)
{
  set->ids = g_array_new (FALSE, FALSE, sizeof (FileId));
  set->names = g_ptr_array_new_with_free_func (g_free);
  set->roles = g_ptr_array_new ();
}

/* Index in @set of the file @id also names, or -1. */
static int
file_set_find (const FileSet *set, const FileId *id, guint before)
{
  for (guint i = 0; i < set->ids->len && i < before; i++)
    if (same_file (&g_array_index (set->ids, FileId, i), id))
      return (int) i;
  return -1;
}

static void
add_article (const JopanArticle *article, const char *role, FileSet *inputs)
{
  file_set_add (inputs, article->name, role);
  for (guint i = 0; i < article->images->len; i++)
    {
      const JopanImageRef *image = g_ptr_array_index (article->images, i);
      file_set_add (inputs, image->path, "a photo");
    }
}

/* A composed page's inputs: the page file, each story's article and
 * photos, each box. */
static void
add_plan (const JopanPagePlan *plan, FileSet *inputs)
{
  file_set_add (inputs, plan->name, "the page file");
  for (guint i = 0; i < plan->stories->len; i++)
    add_article (((const JopanPageStory *) g_ptr_array_index (plan->stories, i))->article,
                 "an article of the page", inputs);
  for (guint i = 0; i < plan->boxes->len; i++)
    file_set_add (inputs, ((const JopanPageBox *) g_ptr_array_index (plan->boxes, i))->path,
                  "a box");
}

static void
add_inputs (const JopanDocument *doc, FileSet *inputs)
{
  if (doc->plan)
    add_plan (doc->plan, inputs);
  else if (doc->article)
    add_article (doc->article, "the article", inputs);
  if (doc->style_path)
    file_set_add (inputs, doc->style_path, "the style");
}

/* Every output is new: none is an input, none is another output. */
static gboolean
check_outputs (const JopanDocument *doc, GPtrArray *paths, GError **error)
{
  FileSet inputs, outputs;
  gboolean ok = TRUE;

  file_set_init (&inputs);
  file_set_init (&outputs);
  add_inputs (doc, &inputs);
  for (guint i = 0; ok && i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      int input, earlier;

      file_set_add (&outputs, path, "output");
      input = file_set_find (&inputs, &g_array_index (outputs.ids, FileId, i), G_MAXUINT);
      earlier = file_set_find (&outputs, &g_array_index (outputs.ids, FileId, i), i);
      if (input >= 0)
        jopan_set_error (error, JOPAN_ERROR_USAGE, "cannot write %s: it is %s, %s: expected "
                         "another output file", path, (char *) g_ptr_array_index (inputs.roles, input),
                         (char *) g_ptr_array_index (inputs.names, input));
      else if (earlier >= 0)
        jopan_set_error (error, JOPAN_ERROR_USAGE, "cannot write %s: it is also the output %s: "
                         "expected a file of its own", path,
                         (char *) g_ptr_array_index (outputs.names, earlier));
      ok = input < 0 && earlier < 0;
    }
  file_set_clear (&inputs);
  file_set_clear (&outputs);
  return ok;
}

/* Pages an earlier, longer run left (page-3.png after a two-page render,
 * or every page-N.png after a one-page one), never an input. */
static void
remove_stale_pages (const JopanDocument *doc, const char *path, guint n_pages)
{
  FileSet inputs;

  file_set_init (&inputs);
  add_inputs (doc, &inputs);
  for (guint i = n_pages == 1 ? 0 : n_pages; i < STALE_PAGES_MAX; i++)
    {
      g_autofree char *stale = jopan_page_file_name (path, i, 2);
      FileId id;
      int input;

      if (!g_file_test (stale, G_FILE_TEST_IS_REGULAR))
        break;
      file_id_init (&id, stale);
      input = file_set_find (&inputs, &id, G_MAXUINT);
      g_free (id.canonical);
      if (input < 0)
        g_unlink (stale);
    }
  file_set_clear (&inputs);
}

static gboolean
write_files (JopanDocument *doc, const char *path, JopanFormat format, double dpi,
             const char *report_path, gboolean sync, GError **error)
{
  g_autoptr (GPtrArray) outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint n_pages = doc ? doc->pages->len : 0;
  /* PNG and SVG: one file a page. */
  gboolean paged = format == JOPAN_FORMAT_PNG || format == JOPAN_FORMAT_SVG;

  g_return_val_if_fail (doc != NULL && (path != NULL || report_path != NULL), FALSE);
  for (guint i = 0; path && i < (paged ? n_pages : 1); i++)
    g_ptr_array_add (paths, paged ? jopan_page_file_name (path, i, n_pages) : g_strdup (path));
  if (report_path)
    g_ptr_array_add (paths, g_strdup (report_path));
  if (!check_outputs (doc, paths, error))
    return FALSE;
  if (path && !jopan_document_render (doc, path, format, dpi, outputs, error))
    return FALSE;
  if (report_path)
    {
      g_autofree char *json = jopan_document_report_json (doc);
      GByteArray *bytes = g_byte_array_new ();
      g_byte_array_append (bytes, (const guint8 *) json, (guint) strlen (json));
      g_ptr_array_add (outputs, bytes);
    }
  g_assert (outputs->len == paths->len);
  if (!jopan_write_files_atomic_full (paths, outputs, sync, error))
    return FALSE;
  if (path && paged)
    remove_stale_pages (doc, path, n_pages);
  return TRUE;
}

gboolean
jopan_document_write_full (JopanDocument *doc, const char *path, JopanFormat format, double dpi,
                           const char *report_path, GError **error)
{
  return write_files (doc, path, format, dpi, report_path, TRUE, error);
}

gboolean
jopan_document_write_unsynced (JopanDocument *doc, const char *path, JopanFormat format,
                               double dpi, GError **error)
{
  g_return_val_if_fail (doc != NULL && path != NULL, FALSE);
  return write_files (doc, path, format, dpi, NULL, FALSE, error);
}
