/* pdf-merge.c — page PDFs joined into one file with an outline (libqpdf).
 *
 * Every page of every input is appended in order; the outline is built
 * as PDF outline items (a page entry, its stories under it, closed); the
 * document information (dates, producer) comes from the first input, so
 * the merged file carries the date the pages were made with and no clock
 * time.  Pages can be appended as they are written (an edition appends
 * each page when it and every page before it are done), so that writing
 * the file is all that is left for the end; an outline known ahead (an
 * edition's) has its items made as their pages are appended, and whoever
 * asks is told, as the file is written, which file it is (an edition's
 * flushing thread starts its writeback).  The file ID is a hash of
 * what the file is made from (the inputs' own IDs, the outline, the
 * information): the same inputs give the same bytes, without hashing the
 * whole output as qpdf's deterministic ID would.
 * The inputs' streams are copied as they are (never decoded or compressed
 * again).  Each join has its own qpdf objects: joins on separate threads are safe.
 * An input's qpdf objects are freed once its pages are copied (by the
 * thread appending it): the copies read their streams' data from the
 * input when the output is written, without the input's objects (qpdf
 * keeps the input's source for them), so that freeing them is not left
 * for the end.  qpdf reads each input from memory, the file mapped: from
 * the file itself, each of its reads and seeks was a system call (some
 * 1,800 a page, 86,000 lseeks for 48 pages).  The mapped pages qpdf has
 * read are let go of as it goes (madvise), so that the run's memory does
 * not grow with the inputs: they stay in the page cache.  They are let go
 * of when the process's file-backed pages have grown by RELEASE_STEP, as
 * seen at each 1 % of the objects written: letting go of every input at
 * each 1 % was 100 passes (4,800 madvise calls for 48 pages, some 4 ms of
 * the write, the last step of an edition).  (The bytes written are no
 * measure of it: a few kilobytes of a small stream map the 64 KiB around
 * them.)
 */
#include "jopan-private.h"
#include "finish-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The trailer (with a classic xref table, the table too) is read whole to
 * find it; a larger one makes qpdf write its deterministic ID instead. */
#define TRAILER_MAX (16 * 1024 * 1024)

/* The inputs' pages read are let go of each time the process's
 * file-backed resident memory has grown by this much since they last
 * were (and once all is written). */
#define RELEASE_STEP (1024 * 1024)

/* The share of the output's objects (%) after which its writer is told
 * again that the file is being written (jopan_pdf_join_set_writing). */
#define WRITING_SHARE 5

static guint ids_placed, inputs_open, inputs_mapped, release_passes;

guint
jopan_pdf_join_ids_placed (void)
{
  return (guint) g_atomic_int_get (&ids_placed);
}

guint
jopan_pdf_join_inputs_open (void)
{
  return (guint) g_atomic_int_get (&inputs_open);
}

guint
jopan_pdf_join_inputs_mapped (void)
{
  return (guint) g_atomic_int_get (&inputs_mapped);
}

guint
jopan_pdf_join_release_passes (void)
{
  return (guint) g_atomic_int_get (&release_passes);
}

/* The document information copied from the first input (copy_info). */
static const char *const info_keys[] = { "/CreationDate", "/ModDate", "/Producer", "/Creator" };

/* The input files must stay until the output is written: qpdf copies
 * their streams' data lazily, from the files. */
struct _JopanPdfJoin {
  qpdf_data out;
  guint n_inputs;
  char *info[G_N_ELEMENTS (info_keys)]; /* the first input's, or NULL */
  GChecksum *id;                        /* of what the file is made from */
  GPtrArray *maps;                      /* of GMappedFile: the inputs, read by qpdf */
  gsize release_step;                   /* RELEASE_STEP; 0: at each 1 % of the objects */
  int statm;                            /* /proc/self/statm while writing, or -1 */
  gint64 released_at;                   /* the file-backed pages resident after the last release */
  int released;                         /* the share written (%) when it was looked at last */
  /* The outline, when known ahead (jopan_pdf_join_set_outline): its items
   * are made as their pages are appended, not all when it is written. */
  const JopanOutlineItem *outline;
  guint n_outline, built;               /* its items, those made */
  qpdf_oh ol_root, ol_page, ol_prev_page, ol_prev_story;
  int ol_pages, ol_stories;
  const char *temp;                     /* the file being written, or NULL */
  JopanPdfJoinWriting writing;          /* told as it is written, or NULL */
  gpointer writing_data;
};

JopanPdfJoin *
jopan_pdf_join_new (void)
{
  JopanPdfJoin *j = g_new0 (JopanPdfJoin, 1);

  j->out = qpdf_init ();
  j->id = g_checksum_new (G_CHECKSUM_MD5);
  j->maps = g_ptr_array_new_with_free_func ((GDestroyNotify) g_mapped_file_unref);
  j->release_step = RELEASE_STEP;
  j->statm = -1;
  qpdf_silence_errors (j->out);
  qpdf_set_suppress_warnings (j->out, QPDF_TRUE);
  qpdf_empty_pdf (j->out);
  return j;
}

void
jopan_pdf_join_free (JopanPdfJoin *j)
{
  if (j == NULL)
    return;
  qpdf_cleanup (&j->out);
  g_ptr_array_unref (j->maps);
  for (guint i = 0; i < G_N_ELEMENTS (j->info); i++)
    g_free (j->info[i]);
  g_checksum_free (j->id);
  g_free (j);
}

guint
jopan_pdf_join_n_files (const JopanPdfJoin *j)
{
  return j->n_inputs;
}

/* @n bytes into the ID's hash, after their length: no two sequences of
 * parts hash alike by running together. */
static void
id_add (JopanPdfJoin *j, const void *data, gsize n)
{
  guint64 len = GUINT64_TO_BE ((guint64) n);

  g_checksum_update (j->id, (const guchar *) &len, sizeof len);
  g_checksum_update (j->id, data, n);
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

/* An input's own ID (both parts) into the file ID; an input without one
 * gives its bytes, @data, instead.  (jopan's pages carry qpdf's
 * deterministic ID, a hash of their bytes.) */
static void
id_add_input (JopanPdfJoin *j, qpdf_data in, const char *data, gsize size)
{
  qpdf_oh id = qpdf_oh_get_key (in, qpdf_get_trailer (in), "/ID");
  int n = qpdf_oh_is_array (in, id) ? qpdf_oh_get_array_n_items (in, id) : 0;
  int strings = 0;

  for (int i = 0; i < n; i++)
    {
      qpdf_oh part = qpdf_oh_get_array_item (in, id, i);
      size_t len = 0;
      const char *bytes;

      if (!qpdf_oh_is_string (in, part))
        continue;
      bytes = qpdf_oh_get_binary_string_value (in, part, &len);
      id_add (j, bytes, len);
      strings++;
    }
  if (strings == 0)
    id_add (j, data, size);
}

/* The first input's dates and producer, kept for copy_info. */
static void
keep_info (JopanPdfJoin *j, qpdf_data in)
{
  for (guint i = 0; i < G_N_ELEMENTS (info_keys); i++)
    j->info[i] = g_strdup (qpdf_get_info_key (in, info_keys[i]));
}

/* Lets go of the pages of @map read so far: they stay in the page cache,
 * and qpdf reading them again reads them from there.  A mapped input's
 * pages would otherwise count in the run's memory until the join is
 * freed, all of every input once the output is written. */
static void
release_pages (GMappedFile *map)
{
  if (g_mapped_file_get_length (map) > 0)
    madvise (g_mapped_file_get_contents (map), g_mapped_file_get_length (map), MADV_DONTNEED);
}

static void
release_inputs (JopanPdfJoin *j)
{
  for (guint i = 0; i < j->maps->len; i++)
    release_pages (g_ptr_array_index (j->maps, i));
  g_atomic_int_inc (&release_passes);
}

/* The process's resident file-backed pages (statm's third field), or -1. */
static gint64
file_pages (int statm)
{
  char text[160];
  ssize_t n = statm >= 0 ? pread (statm, text, sizeof text - 1, 0) : -1;
  guint64 size, resident, shared;

  if (n <= 0)
    return -1;
  text[n] = '\0';
  if (sscanf (text, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &size,
              &resident, &shared) != 3)
    return -1;
  return (gint64) shared;
}

/* Every input's pages let go of, looked at each 1 % of the objects
 * written, once the file-backed pages have grown by release_step (one
 * read of statm, not a madvise call an input); without statm or a
 * step, each 1 %. */
static void
on_progress (int percent, void *data)
{
  JopanPdfJoin *j = data;
  gint64 pages;

  if (percent < j->released + 1)
    return;
  if (j->writing && j->temp && percent / WRITING_SHARE != j->released / WRITING_SHARE)
    j->writing (j->temp, j->writing_data);
  j->released = percent;
  pages = j->release_step > 0 ? file_pages (j->statm) : -1;
  if (pages >= 0 && (pages - j->released_at) * sysconf (_SC_PAGESIZE) < (gint64) j->release_step)
    return;
  release_inputs (j);
  j->released_at = pages >= 0 ? file_pages (j->statm) : 0;
}

void
jopan_pdf_join_set_release_step (JopanPdfJoin *j, gsize bytes)
{
  j->release_step = bytes;
}

void
jopan_pdf_join_set_writing (JopanPdfJoin *j, JopanPdfJoinWriting func, gpointer data)
{
  j->writing = func;
  j->writing_data = data;
}

/* @path mapped for qpdf to read (kept until the join is freed: the
 * copies' streams are read from it when the output is written). */
static const char *
map_input (JopanPdfJoin *j, const char *path, gsize *n, GError **error)
{
  g_autoptr (GError) local = NULL;
  GMappedFile *map = g_mapped_file_new (path, FALSE, &local);

  if (map == NULL || g_mapped_file_get_length (map) == 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %s", path,
                       map ? "an empty file: expected a PDF page" : local->message);
      if (map)
        g_mapped_file_unref (map);
      return NULL;
    }
  g_ptr_array_add (j->maps, map);
  g_atomic_int_inc (&inputs_mapped);
  *n = g_mapped_file_get_length (map);
  return g_mapped_file_get_contents (map);
}

/* Copies the pages of @in, read from @path, to the output. */
static gboolean
append_pages (JopanPdfJoin *j, qpdf_data in, const char *path, GError **error)
{
  gsize size = 0;
  const char *data = map_input (j, path, &size, error);
  int n;

  if (data == NULL)
    return FALSE;
  qpdf_read_memory (in, path, data, size, "");
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
      qpdf_add_page (j->out, in, qpdf_get_page_n (in, (size_t) i), QPDF_FALSE);
      if (!qpdf_ok (j->out, path, JOPAN_ERROR_INPUT, error))
        return FALSE;
    }
  if (j->n_inputs == 0)
    keep_info (j, in);
  id_add_input (j, in, data, size);
  release_pages (g_ptr_array_index (j->maps, j->maps->len - 1));
  return TRUE;
}

static void build_ready (JopanPdfJoin *j);

gboolean
jopan_pdf_join_append (JopanPdfJoin *j, const char *path, GError **error)
{
  qpdf_data in = qpdf_init ();
  gboolean ok;

  g_return_val_if_fail (j != NULL && path != NULL, FALSE);
  g_atomic_int_inc (&inputs_open);
  qpdf_silence_errors (in);
  qpdf_set_suppress_warnings (in, QPDF_TRUE);
  ok = append_pages (j, in, path, error);
  j->n_inputs++;
  qpdf_cleanup (&in);
  if (ok)
    build_ready (j);
  g_atomic_int_add (&inputs_open, -1);
  return ok;
}

/* The first input's dates and producer, copied as they are (and hashed
 * into the ID). */
static void
copy_info (JopanPdfJoin *j)
{
  for (guint i = 0; i < G_N_ELEMENTS (info_keys); i++)
    {
      const char *value = j->info[i];
      if (value)
        qpdf_set_info_key (j->out, info_keys[i], value);
      id_add (j, info_keys[i], strlen (info_keys[i]));
      id_add (j, value ? value : "", value ? strlen (value) : 0);
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

/* The outline is made item by item: level-0 items under the root, level-1
 * items under the level-0 item before them; a page entry starts closed
 * (negative /Count). */
static void
outline_root (JopanPdfJoin *j)
{
  qpdf_data q = j->out;

  if (j->ol_root)
    return;
  j->ol_root = qpdf_make_indirect_object (q, qpdf_oh_new_dictionary (q));
  qpdf_oh_replace_key (q, j->ol_root, "/Type", qpdf_oh_new_name (q, "/Outlines"));
}

static void
build_item (JopanPdfJoin *j, const JopanOutlineItem *outline, guint i)
{
  qpdf_data q = j->out;
  gboolean story = outline[i].level > 0;
  qpdf_oh item;

  outline_root (j);
  item = new_item (q, &outline[i], story ? j->ol_page : j->ol_root);
  link_child (q, story ? j->ol_page : j->ol_root, story ? j->ol_prev_story : j->ol_prev_page, item);
  if (story)
    j->ol_prev_story = item, j->ol_stories++;
  else
    j->ol_page = j->ol_prev_page = item, j->ol_prev_story = 0, j->ol_stories = 0, j->ol_pages++;
  if (story)
    qpdf_oh_replace_key (q, j->ol_page, "/Count", qpdf_oh_new_integer (q, -j->ol_stories));
  j->built = i + 1;
}

/* The outline's items not made yet, then its root's count and the
 * catalog's keys. */
static void
build_outline (JopanPdfJoin *j, const JopanOutlineItem *outline, guint n)
{
  qpdf_data q = j->out;

  /* Another outline than the one set ahead: made anew (the items made
   * ahead, referred to by nothing, are not written). */
  if (outline != j->outline || n != j->n_outline)
    j->built = 0, j->ol_root = j->ol_page = j->ol_prev_page = j->ol_prev_story = 0,
    j->ol_pages = 0;
  outline_root (j);
  for (guint i = j->built; i < n; i++)
    build_item (j, outline, i);
  qpdf_oh_replace_key (q, j->ol_root, "/Count", qpdf_oh_new_integer (q, j->ol_pages));
  qpdf_oh_replace_key (q, qpdf_get_root (q), "/Outlines", j->ol_root);
  qpdf_oh_replace_key (q, qpdf_get_root (q), "/PageMode", qpdf_oh_new_name (q, "/UseOutlines"));
}

/* What is wrong with item @i, with @n_pages pages; NULL: nothing. */
static const char *
item_problem (const JopanOutlineItem *outline, guint i, guint n_pages)
{
  const JopanOutlineItem *item = &outline[i];

  if (item->title == NULL || !g_utf8_validate (item->title, -1, NULL))
    return "expected a UTF-8 title";
  if (item->page >= n_pages)
    return "its page is past the last page";
  if (item->level < 0 || item->level > 1)
    return "expected level 0 (a page) or 1 (a story)";
  if (item->level == 1 && (i == 0 || outline[i - 1].level < 0))
    return "a story must follow its page's entry";
  return NULL;
}

void
jopan_pdf_join_set_outline (JopanPdfJoin *j, const JopanOutlineItem *outline, guint n)
{
  j->outline = outline;
  j->n_outline = n;
}

guint
jopan_pdf_join_outline_made (const JopanPdfJoin *j)
{
  return j->built;
}

/* The outline set ahead: its items whose pages are there made now, in
 * order, up to one that is not sound yet (checked again, whole, when the
 * file is written). */
static void
build_ready (JopanPdfJoin *j)
{
  guint n_pages = (guint) MAX (qpdf_get_num_pages (j->out), 0);

  while (j->built < j->n_outline && item_problem (j->outline, j->built, n_pages) == NULL)
    build_item (j, j->outline, j->built);
}

/* The outline's items name pages that exist, with a title, a story after a page. */
static gboolean
check_outline (const JopanOutlineItem *outline, guint n_outline, guint n_pages, GError **error)
{
  for (guint i = 0; i < n_outline; i++)
    {
      const JopanOutlineItem *item = &outline[i];
      const char *problem = item_problem (outline, i, n_pages);

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

gint64
jopan_pdf_startxref (const char *tail, gsize n)
{
  const gsize key = strlen ("startxref");

  /* From the end: the bytes before may hold zeros (an xref stream's
   * data), which string functions would stop at. */
  for (gsize i = 0; i + key <= n; i++)
    if (memcmp (tail + n - key - i, "startxref", key) == 0)
      {
        char number[32] = { 0 };
        memcpy (number, tail + n - i, MIN (i, sizeof number - 1));
        return g_ascii_strtoll (number, NULL, 10);
      }
  return -1;
}

gboolean
jopan_pdf_static_id_places (const char *trailer, gsize n, gsize found[2])
{
  const gsize id = strlen (JOPAN_PDF_STATIC_ID);
  gboolean table = n >= 4 && memcmp (trailer, "xref", 4) == 0;
  const char *at, *end = trailer + n;
  const char *from = trailer;
  guint hits = 0;

  /* An xref stream's dictionary ends before its (binary) data; a table's
   * trailer follows the table. */
  if (table)
    from = (at = memmem (trailer, n, "trailer", strlen ("trailer"))) ? at : end;
  else if ((at = memmem (trailer, n, "stream", strlen ("stream"))) != NULL)
    end = at;
  for (at = from; at < end && (at = memmem (at, (gsize) (end - at), JOPAN_PDF_STATIC_ID, id));
       at += id)
    {
      if (hits == 2)
        return FALSE;
      found[hits++] = (gsize) (at - trailer);
    }
  return hits == 2;
}

/* Replaces the placeholder ID in the trailer of the file @fd (both
 * parts) by @hex, in place: the same length, so no offset moves.
 * Returns: FALSE when the trailer is not as expected (nothing changed). */
static gboolean
set_file_id (int fd, const char *hex)
{
  struct stat st;
  char tail[63];
  g_autofree char *trailer = NULL;
  gint64 start;
  gsize n, found[2];
  const gsize id = strlen (JOPAN_PDF_STATIC_ID);

  if (fstat (fd, &st) != 0 || st.st_size < (off_t) sizeof tail
      || pread (fd, tail, sizeof tail, st.st_size - (off_t) sizeof tail) != sizeof tail)
    return FALSE;
  start = jopan_pdf_startxref (tail, sizeof tail);
  if (start <= 0 || start >= st.st_size || st.st_size - start > TRAILER_MAX)
    return FALSE;
  n = (gsize) (st.st_size - start);
  trailer = g_malloc (n);
  if (pread (fd, trailer, n, start) != (ssize_t) n || !jopan_pdf_static_id_places (trailer, n, found))
    return FALSE;
  for (guint i = 0; i < 2; i++)
    if (pwrite (fd, hex, id, start + (off_t) found[i]) != (ssize_t) id)
      return FALSE;
  g_atomic_int_inc (&ids_placed);
  return TRUE;
}

/* Has qpdf write the output to @temp, its file ID a placeholder when
 * @placeholder (set_file_id replaces it), else qpdf's deterministic one. */
static void
qpdf_write_to (JopanPdfJoin *j, const char *temp, gboolean placeholder)
{
  qpdf_init_write (j->out, temp);
  j->released = 0;
  j->temp = temp;
  j->statm = g_open ("/proc/self/statm", O_RDONLY | O_CLOEXEC, 0);
  j->released_at = file_pages (j->statm);
  qpdf_register_progress_reporter (j->out, on_progress, j);
  if (placeholder)
    qpdf_set_static_ID (j->out, QPDF_TRUE);
  else
    qpdf_set_deterministic_ID (j->out, QPDF_TRUE);
  /* No object streams: the pages' own objects as cairo wrote them.
   * Gathering some 40 objects a page into compressed streams made the
   * file 1.6 % smaller but took a third of the write, the longest step
   * after the last page (48 pages: ~20 of ~56 ms). */
  qpdf_set_object_stream_mode (j->out, qpdf_o_disable);
  /* The streams as they are: a jopan page has every stream compressed
   * already (its finish step wrote it with qpdf's compression), so
   * compressing here changed no byte, but had qpdf pipe each photo's
   * (DCT) data through a second buffer to try: a fifth of the write. */
  qpdf_set_stream_data_mode (j->out, qpdf_s_preserve);
  qpdf_write (j->out);
  /* What was read since the last step. */
  release_inputs (j);
  if (j->statm >= 0)
    close (j->statm);
  j->statm = -1;
  j->temp = NULL;
}

/* Has qpdf write the output to @temp with the file ID @hex. */
static gboolean
write_with_id (JopanPdfJoin *j, const char *temp, const char *hex, const char *out_pdf,
               GError **error)
{
  int fd;
  gboolean placed;

  qpdf_write_to (j, temp, TRUE);
  if (!qpdf_ok (j->out, out_pdf, JOPAN_ERROR_OUTPUT, error))
    return FALSE;
  fd = g_open (temp, O_RDWR | O_CLOEXEC, 0);
  placed = fd >= 0 && set_file_id (fd, hex);
  if (fd >= 0)
    close (fd);
  if (placed)
    return TRUE;
  /* A trailer qpdf laid out otherwise: its own deterministic ID, which
   * hashes the whole file. */
  qpdf_write_to (j, temp, FALSE);
  return qpdf_ok (j->out, out_pdf, JOPAN_ERROR_OUTPUT, error);
}

/* Writes the output to a temporary file, then renames it to @out_pdf. */
static gboolean
write_merged (JopanPdfJoin *j, const char *out_pdf, gboolean sync, GError **error)
{
  g_autofree char *temp = make_temporary (out_pdf, error);
  gboolean ok;

  if (temp == NULL)
    return FALSE;
  ok = write_with_id (j, temp, g_checksum_get_string (j->id), out_pdf, error);
  if (ok && ((sync && !sync_file (temp)) || g_rename (temp, out_pdf) != 0))
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

/* The outline's items into the file ID. */
static void
id_add_outline (JopanPdfJoin *j, const JopanOutlineItem *outline, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      guint32 where[2] = { GUINT32_TO_BE (outline[i].page), GUINT32_TO_BE ((guint32) outline[i].level) };
      id_add (j, outline[i].title, strlen (outline[i].title));
      id_add (j, where, sizeof where);
    }
}

gboolean
jopan_pdf_join_write (JopanPdfJoin *j, const JopanOutlineItem *outline, guint n_outline,
                      const char *out_pdf, GError **error)
{
  return jopan_pdf_join_write_full (j, outline, n_outline, out_pdf, TRUE, error);
}

gboolean
jopan_pdf_join_write_full (JopanPdfJoin *j, const JopanOutlineItem *outline, guint n_outline,
                           const char *out_pdf, gboolean sync, GError **error)
{
  g_return_val_if_fail (j != NULL && out_pdf != NULL, FALSE);
  g_return_val_if_fail (outline != NULL || n_outline == 0, FALSE);
  if (j->n_inputs == 0)
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "cannot write %s: no pages", out_pdf);
      return FALSE;
    }
  if (!check_outline (outline, n_outline, (guint) qpdf_get_num_pages (j->out), error))
    return FALSE;
  copy_info (j);
  id_add_outline (j, outline, n_outline);
  build_outline (j, outline, n_outline);
  if (!qpdf_ok (j->out, out_pdf, JOPAN_ERROR_OUTPUT, error))
    return FALSE;
  return write_merged (j, out_pdf, sync, error);
}

gboolean
jopan_pdf_merge (const char *const *page_pdfs, guint n, const JopanOutlineItem *outline,
                 guint n_outline, const char *out_pdf, GError **error)
{
  g_autoptr (JopanPdfJoin) j = NULL;

  g_return_val_if_fail (page_pdfs != NULL && n > 0 && out_pdf != NULL, FALSE);
  g_return_val_if_fail (outline != NULL || n_outline == 0, FALSE);
  for (guint i = 0; i < n; i++)
    if (strcmp (page_pdfs[i], out_pdf) == 0)
      {
        jopan_set_error (error, JOPAN_ERROR_USAGE, "cannot write %s: it is input %u: expected "
                         "another output file", out_pdf, i + 1);
        return FALSE;
      }
  j = jopan_pdf_join_new ();
  for (guint i = 0; i < n; i++)
    if (!jopan_pdf_join_append (j, page_pdfs[i], error))
      return FALSE;
  return jopan_pdf_join_write (j, outline, n_outline, out_pdf, error);
}
