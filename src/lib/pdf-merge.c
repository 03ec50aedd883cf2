/* pdf-merge.c — page PDFs joined into one file with an outline (libqpdf).
 *
 * Every page of every input is appended in order; the outline is built
 * as PDF outline items (a page entry, its stories under it, closed); the
 * document information (dates, producer) comes from the first input, so
 * the merged file carries the date the pages were made with and no clock
 * time.  qpdf's deterministic ID makes the same inputs give the same bytes.
 * Each call has its own qpdf objects: calls on separate threads are safe.
 */
#include "jopan-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include <string.h>
#include <unistd.h>

/* The inputs must stay open until the output is written: qpdf copies
 * their streams' data lazily. */
typedef struct {
  qpdf_data out;
  GPtrArray *inputs; /* of qpdf_data */
} Merge;

static void
merge_clear (Merge *m)
{
  for (guint i = 0; m->inputs && i < m->inputs->len; i++)
    {
      qpdf_data q = g_ptr_array_index (m->inputs, i);
      qpdf_cleanup (&q);
    }
  g_clear_pointer (&m->inputs, g_ptr_array_unref);
  if (m->out)
    qpdf_cleanup (&m->out);
}

/* qpdf's last error as a GError naming @what; TRUE when there is none. */
static gboolean
qpdf_ok (qpdf_data q, const char *what, JopanErrorCode code, GError **error)
{
  if (!qpdf_has_error (q))
    return TRUE;
  jopan_set_error (error, code, "%s: %s", what,
                   qpdf_get_error_message_detail (q, qpdf_get_error (q)));
  return FALSE;
}

/* Reads @path and appends its pages to the output. */
static gboolean
append_pages (Merge *m, const char *path, GError **error)
{
  qpdf_data in = qpdf_init ();
  int n;

  qpdf_silence_errors (in);
  qpdf_set_suppress_warnings (in, QPDF_TRUE);
  g_ptr_array_add (m->inputs, in);
  qpdf_read (in, path, "");
  if (!qpdf_ok (in, path, JOPAN_ERROR_INPUT, error))
    return FALSE;
  n = qpdf_get_num_pages (in);
  if (n <= 0 || qpdf_has_error (in))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: no pages: expected a PDF page", path);
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    {
      qpdf_add_page (m->out, in, qpdf_get_page_n (in, (size_t) i), QPDF_FALSE);
      if (!qpdf_ok (m->out, path, JOPAN_ERROR_INPUT, error))
        return FALSE;
    }
  return TRUE;
}

/* The first input's dates and producer, copied as they are. */
static void
copy_info (Merge *m)
{
  static const char *const keys[] = { "/CreationDate", "/ModDate", "/Producer", "/Creator" };
  qpdf_data first = g_ptr_array_index (m->inputs, 0);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = qpdf_get_info_key (first, keys[i]);
      if (value)
        qpdf_set_info_key (m->out, keys[i], value);
    }
}

/* A new indirect outline item for @item, its destination the top of its page. */
static qpdf_oh
new_item (qpdf_data q, const JopanOutlineItem *item, qpdf_oh parent)
{
  qpdf_oh dict = qpdf_oh_new_dictionary (q);
  qpdf_oh dest = qpdf_oh_new_array (q);

  qpdf_oh_append_item (q, dest, qpdf_get_page_n (q, item->page));
  qpdf_oh_append_item (q, dest, qpdf_oh_new_name (q, "/Fit"));
  qpdf_oh_replace_key (q, dict, "/Title", qpdf_oh_new_unicode_string (q, item->title));
  qpdf_oh_replace_key (q, dict, "/Parent", parent);
  qpdf_oh_replace_key (q, dict, "/Dest", dest);
  return qpdf_make_indirect_object (q, dict);
}

/* Links @item as the last child of @parent, after @prev (0: the first). */
static void
link_child (qpdf_data q, qpdf_oh parent, qpdf_oh prev, qpdf_oh item)
{
  if (prev)
    {
      qpdf_oh_replace_key (q, prev, "/Next", item);
      qpdf_oh_replace_key (q, item, "/Prev", prev);
    }
  else
    qpdf_oh_replace_key (q, parent, "/First", item);
  qpdf_oh_replace_key (q, parent, "/Last", item);
}

/* The outline: level-0 items under the root, level-1 items under the
 * level-0 item before them; a page entry starts closed (negative /Count). */
static void
build_outline (qpdf_data q, const JopanOutlineItem *outline, guint n)
{
  qpdf_oh root = qpdf_make_indirect_object (q, qpdf_oh_new_dictionary (q));
  qpdf_oh page = 0, prev_page = 0, prev_story = 0;
  int n_pages = 0, n_stories = 0;

  qpdf_oh_replace_key (q, root, "/Type", qpdf_oh_new_name (q, "/Outlines"));
  for (guint i = 0; i < n; i++)
    {
      gboolean story = outline[i].level > 0;
      qpdf_oh item = new_item (q, &outline[i], story ? page : root);

      link_child (q, story ? page : root, story ? prev_story : prev_page, item);
      if (story)
        prev_story = item, n_stories++;
      else
        page = prev_page = item, prev_story = 0, n_stories = 0, n_pages++;
      if (story)
        qpdf_oh_replace_key (q, page, "/Count", qpdf_oh_new_integer (q, -n_stories));
    }
  qpdf_oh_replace_key (q, root, "/Count", qpdf_oh_new_integer (q, n_pages));
  qpdf_oh_replace_key (q, qpdf_get_root (q), "/Outlines", root);
  qpdf_oh_replace_key (q, qpdf_get_root (q), "/PageMode", qpdf_oh_new_name (q, "/UseOutlines"));
}

/* The outline's items name pages that exist, with a title, a story after a page. */
static gboolean
check_outline (const JopanOutlineItem *outline, guint n_outline, guint n_pages, GError **error)
{
  for (guint i = 0; i < n_outline; i++)
    {
      const JopanOutlineItem *item = &outline[i];
      const char *problem = NULL;

      if (item->title == NULL || !g_utf8_validate (item->title, -1, NULL))
        problem = "expected a UTF-8 title";
      else if (item->page >= n_pages)
        problem = "its page is past the last page";
      else if (item->level < 0 || item->level > 1)
        problem = "expected level 0 (a page) or 1 (a story)";
      else if (item->level == 1 && (i == 0 || outline[i - 1].level < 0))
        problem = "a story must follow its page's entry";
      if (problem)
        {
          jopan_set_error (error, JOPAN_ERROR_USAGE, "outline item %u (page %u of %u): %s", i,
                           item->page + 1, n_pages, problem);
          return FALSE;
        }
    }
  return TRUE;
}

/* A new empty file beside @path, for qpdf to write: the merged file goes
 * to disk as qpdf makes it, never whole in memory (an edition's PDF grows
 * with its pages; the memory of a run should not). */
static char *
make_temporary (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *temp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      int saved = errno;
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", path, g_strerror (saved));
      g_free (temp);
      return NULL;
    }
  close (fd);
  return temp;
}

/* On disk before the rename, as the other outputs are. */
static gboolean
sync_file (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok = fd >= 0 && fsync (fd) == 0;

  if (fd >= 0)
    close (fd);
  return ok;
}

/* Writes the output deterministically to a temporary file, then renames
 * it to @out_pdf. */
static gboolean
write_merged (Merge *m, const char *out_pdf, GError **error)
{
  g_autofree char *temp = make_temporary (out_pdf, error);
  gboolean ok;

  if (temp == NULL)
    return FALSE;
  qpdf_init_write (m->out, temp);
  qpdf_set_deterministic_ID (m->out, QPDF_TRUE);
  qpdf_set_object_stream_mode (m->out, qpdf_o_generate);
  qpdf_set_compress_streams (m->out, QPDF_TRUE);
  qpdf_write (m->out);
  ok = qpdf_ok (m->out, out_pdf, JOPAN_ERROR_OUTPUT, error);
  if (ok && (!sync_file (temp) || g_rename (temp, out_pdf) != 0))
    {
      int saved = errno;
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", out_pdf,
                       g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (temp);
  return ok;
}

static gboolean
merge_run (Merge *m, const char *const *page_pdfs, guint n, const JopanOutlineItem *outline,
           guint n_outline, const char *out_pdf, GError **error)
{
  qpdf_empty_pdf (m->out);
  for (guint i = 0; i < n; i++)
    if (!append_pages (m, page_pdfs[i], error))
      return FALSE;
  if (!check_outline (outline, n_outline, (guint) qpdf_get_num_pages (m->out), error))
    return FALSE;
  copy_info (m);
  build_outline (m->out, outline, n_outline);
  if (!qpdf_ok (m->out, out_pdf, JOPAN_ERROR_OUTPUT, error))
    return FALSE;
  return write_merged (m, out_pdf, error);
}

gboolean
jopan_pdf_merge (const char *const *page_pdfs, guint n, const JopanOutlineItem *outline,
                 guint n_outline, const char *out_pdf, GError **error)
{
  Merge m = { qpdf_init (), g_ptr_array_new () };
  gboolean ok;

  g_return_val_if_fail (page_pdfs != NULL && n > 0 && out_pdf != NULL, FALSE);
  g_return_val_if_fail (outline != NULL || n_outline == 0, FALSE);
  for (guint i = 0; i < n; i++)
    if (strcmp (page_pdfs[i], out_pdf) == 0)
      {
        jopan_set_error (error, JOPAN_ERROR_USAGE, "cannot write %s: it is input %u: expected "
                         "another output file", out_pdf, i + 1);
        merge_clear (&m);
        return FALSE;
      }
  qpdf_silence_errors (m.out);
  qpdf_set_suppress_warnings (m.out, QPDF_TRUE);
  ok = merge_run (&m, page_pdfs, n, outline, n_outline, out_pdf, error);
  merge_clear (&m);
  return ok;
}
