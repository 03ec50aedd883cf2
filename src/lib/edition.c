/* edition.c — an edition's pages composed and written in parallel.
 *
 * A story that jumps from page M to page N makes page N depend on page M:
 * page N carries the story's continuation, which is laid out with page M
 * (compose.c, JopanCarried).  The pages joined by jumps form a group that
 * one worker composes in order (a page after those its continued stories
 * start on), on one thread with one JopanFonts, so no font or layout
 * crosses threads; --jobs workers take the groups in turn.  Each worker
 * takes a JopanFonts from a pool (Pango's font map is not shared between
 * threads), draws the pages it composed when the render lock is free
 * (below: Ready), and frees each page's document once it is written.
 * What a page shows depends only on its group, never on the schedule, so
 * any --jobs gives the same bytes.
 *
 * Everything goes into a new folder beside the output folder, which takes
 * the output folder's place (renameat2's exchange) once all is written
 * and flushed to disk (with two threads or more, the pages' files by a
 * thread of their own, so that no worker waits for the disk; that thread
 * also starts edition.pdf's writeback while qpdf writes it).
 * What is left after the last page runs on two threads when --jobs allows
 * two: edition.pdf (qpdf) beside contact.png, report.json and freeing the
 * workers' fonts, then qpdf's objects freed by the same thread at once,
 * beside the flushing and the swap.  edition.pdf's
 * writing starts as soon as its last page is joined, from the worker that
 * joined it: the thumbnails, reports and documents of the pages still
 * being finished, and the pool's end, run beside it.  With two threads
 * or more the main thread, which waits for the workers, encodes
 * contact.png's bands meanwhile, the last complete one once a worker
 * is done (contact-sheet.c).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "compose-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static guint side_threads, fonts_left, fonts_made, files_synced, writebacks, early_writes, removers,
  kept, draw_holds, joins_left;

/* The joins of runs whose process ends with them (JopanEditionOutput's
 * exiting), left unfreed: reachable from here, so that a leak checker
 * does not count them. */
static GMutex left_lock;
static GSList *left_joins;

guint
jopan_edition_joins_left (void)
{
  return (guint) g_atomic_int_get (&joins_left);
}

guint
jopan_edition_side_threads (void)
{
  return (guint) g_atomic_int_get (&side_threads);
}

guint
jopan_edition_fonts_left (void)
{
  return (guint) g_atomic_int_get (&fonts_left);
}

guint
jopan_edition_files_synced (void)
{
  return (guint) g_atomic_int_get (&files_synced);
}

guint
jopan_edition_writebacks (void)
{
  return (guint) g_atomic_int_get (&writebacks);
}

guint
jopan_edition_fonts_made (void)
{
  return (guint) g_atomic_int_get (&fonts_made);
}

guint
jopan_edition_early_writes (void)
{
  return (guint) g_atomic_int_get (&early_writes);
}

guint
jopan_edition_removers (void)
{
  return (guint) g_atomic_int_get (&removers);
}

guint
jopan_edition_pages_kept (void)
{
  return (guint) g_atomic_int_get (&kept);
}

guint
jopan_edition_draw_holds (void)
{
  return (guint) g_atomic_int_get (&draw_holds);
}

/* ---- the jump graph ----------------------------------------------------------- */


/* The pages in @set (flags by index) in the order they can be composed:
 * each after every page in @set whose story it carries, the lowest index
 * first among those ready.  The edition has no cycle (edition-file.c). */
static GArray *
compose_order (const JopanEdition *edition, const gboolean *set)
{
  guint n = edition->pages->len;
  g_autofree gboolean *done = g_new0 (gboolean, n);
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean progressed = TRUE;

  while (progressed)
    {
      progressed = FALSE;
      for (guint p = 0; p < n && !progressed; p++)
        {
          gboolean ready = set[p] && !done[p];
          for (guint q = 0; ready && q < n; q++)
            ready = !(set[q] && !done[q] && q != p && jopan_edition_continues_on (edition, q, p));
          if (ready)
            {
              done[p] = progressed = TRUE;
              g_array_append_val (order, p);
            }
        }
    }
  return order;
}

/* Marks @index and every page whose stories it (in turn) carries. */
static void
mark_sources (const JopanEdition *edition, guint index, gboolean *set)
{
  set[index] = TRUE;
  for (guint q = 0; q < edition->pages->len; q++)
    if (!set[q] && jopan_edition_continues_on (edition, q, index))
      mark_sources (edition, q, set);
}

/* ---- composing in order ----------------------------------------------------- */

typedef struct {
  const JopanEdition *edition;
  const JopanStyle *style;
  const JopanLayoutOptions *layout;
  GPtrArray **carried;          /* per page: the JopanCarried* it carries, or NULL */
  gboolean *continued;          /* or NULL: per story (page_story[page] + index), set when
                                 * the story continued on its jump page */
  const guint *page_story;
} Chain;

static void
chain_init (Chain *ch, const JopanEdition *edition, const JopanStyle *style,
            const JopanLayoutOptions *layout)
{
  *ch = (Chain) { .edition = edition, .style = style, .layout = layout };
  ch->carried = g_new0 (GPtrArray *, edition->pages->len);
}

static void
chain_clear (Chain *ch)
{
  for (guint i = 0; ch->carried && i < ch->edition->pages->len; i++)
    if (ch->carried[i])
      g_ptr_array_unref (ch->carried[i]);
  g_clear_pointer (&ch->carried, g_free);
}

/* Continued stories in the order of their pages, then of their stories:
 * the same whichever order their pages were composed in. */
static int
by_source (gconstpointer a, gconstpointer b)
{
  const JopanCarried *x = *(JopanCarried *const *) a, *y = *(JopanCarried *const *) b;

  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  return x->story - y->story;
}

/* Composes page @index with the continued stories it carries; hands its
 * own jumped stories' continuations on to their pages. */
static JopanDocument *
chain_compose (Chain *ch, JopanFonts *fonts, guint index, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_carried_free);
  const JopanPagePlan *plan = g_ptr_array_index (ch->edition->pages, index);
  JopanDocument *doc;

  if (ch->carried[index])
    g_ptr_array_sort (ch->carried[index], by_source);
  doc = jopan_compose_edition_page (fonts, ch->style, plan, ch->layout, ch->carried[index], out,
                                    error);
  if (doc == NULL)
    return NULL;
  while (out->len > 0)
    {
      JopanCarried *k = g_ptr_array_steal_index (out, 0);
      GPtrArray **to = &ch->carried[k->to - 1];
      if (ch->continued)
        ch->continued[ch->page_story[index] + (guint) k->story] = TRUE;
      if (*to == NULL)
        *to = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_carried_free);
      g_ptr_array_add (*to, k);
    }
  return doc;
}

JopanDocument *
jopan_document_new_edition_page (JopanFonts *fonts, const JopanStyle *style,
                                 const JopanEdition *edition, guint index,
                                 const JopanLayoutOptions *options, GError **error)
{
  g_autofree gboolean *set = NULL;
  g_autoptr (GArray) order = NULL;
  JopanDocument *doc = NULL;
  Chain ch;

  g_return_val_if_fail (fonts != NULL && style != NULL && edition != NULL, NULL);
  g_return_val_if_fail (index < edition->pages->len, NULL);
  set = g_new0 (gboolean, edition->pages->len);
  mark_sources (edition, index, set);
  order = compose_order (edition, set);
  chain_init (&ch, edition, style, options);
  for (guint i = 0; i < order->len; i++)
    {
      guint p = g_array_index (order, guint, i);
      g_clear_pointer (&doc, jopan_document_free);
      doc = chain_compose (&ch, fonts, p, error);
      if (doc == NULL)
        break;
    }
  chain_clear (&ch);
  return doc;
}

/* ---- the run: groups of pages on a thread pool -------------------------------- */

typedef struct _Run Run;

/* edition.pdf, written by qpdf: the longest step after the last page. */
typedef struct {
  Run *run;
  GArray *outline;              /* of JopanOutlineItem */
  GPtrArray *titles;            /* the outline's strings */
  char *path;
  GError *error;
  GThread *thread;              /* writing it, started by the worker that joined the last page,
                                 * then freeing qpdf's objects */
  gboolean done, ok;            /* written, and how (guarded by the run's join lock) */
  GCond done_cond;
} Merged;

struct _Run {
  const JopanEdition *edition;
  const JopanStyle *style;
  JopanEditionOutput *out;
  char *tmp;                    /* the new folder */
  JopanContactSheet *sheet;     /* contact.png, each page's thumbnail drawn as it is written */
  GPtrArray *groups;            /* of GArray* of guint: pages in compose order */
  guint jobs;                   /* threads composing at once */
  gboolean two_threads;         /* the end may run on two threads (--jobs 2 or more) */
  GMutex lock;                  /* guards what follows */
  GPtrArray *fonts;             /* of JopanFonts*: free for a worker to take */
  guint failed_at;              /* the first group that failed (G_MAXUINT: none) */
  guint failed_place;           /* its first page that failed, by place in the group */
  GError *error;                /* its error */
  gint next_group;              /* the first group no worker took yet */
  gint working;                 /* workers not done, and the main thread's hold (run_pool) */
  gint core_idle;               /* a worker is done: the contact sheet's encoder is told */
  /* per page, each written by the worker of its group only */
  JsonNode **reports;           /* as trees: report.json nests them as they are */
  guint *findings;
  guint *page_story;            /* per page, the index of its first story in what follows */
  gboolean *continued;          /* per story of the edition: it continued on its jump page */
  /* edition.pdf, joined as pages are written: each page once it and every
   * selected page before it are (in page order, whatever the schedule) */
  JopanPdfJoin *join;
  GMutex join_lock;             /* guards what follows */
  gboolean *written;            /* per page */
  guint next;                   /* the first page not joined yet */
  gboolean joining;             /* a worker is appending: others leave their page to it */
  GError *join_error;
  Merged merged;                /* with two threads or more: written once all are joined */
  /* With two threads or more, the pages' files flushed to disk (sync_pages) */
  GAsyncQueue *to_sync;         /* of char*: SYNC_FILE or SYNC_START and a path; "" ends */
  GThread *syncer;
  char *sync_failed;            /* the first file that could not be flushed, and why */
  int sync_errno;
};

static gboolean
selected (const Run *run, guint index)
{
  return run->out->pages == NULL || run->out->pages[index];
}

static char *
page_file (guint number, const char *ext)
{
  return g_strdup_printf ("page-%02u.%s", number, ext);
}

/* @fonts's fontsets for the style's paragraphs at their own sizes, in
 * every language of the run's stories and pages, loaded ahead (no wait):
 * Pango's threads for them run while the worker starts its first page,
 * instead of one wait each as the page first sets them (jopan_fonts_prime). */
static void
prime_fonts (const Run *run, JopanFonts *fonts)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint p = 0; p < run->edition->pages->len; p++)
    {
      const JopanPagePlan *plan = g_ptr_array_index (run->edition->pages, p);

      if (!selected (run, p))
        continue;
      /* Its stories' languages, then the page's own (its folio). */
      for (guint s = 0; s <= plan->stories->len; s++)
        {
          const char *lang = s < plan->stories->len
            ? jopan_article_get_lang (((JopanPageStory *) g_ptr_array_index (plan->stories, s))->article)
            : plan->lang;

          if (lang && g_hash_table_add (seen, (gpointer) lang))
            jopan_fonts_prime_style (fonts, run->style, lang);
        }
    }
}

static JopanFonts *
take_fonts (Run *run, GError **error)
{
  JopanFonts *fonts = NULL;

  g_mutex_lock (&run->lock);
  if (run->fonts->len > 0)
    fonts = g_ptr_array_steal_index (run->fonts, run->fonts->len - 1);
  g_mutex_unlock (&run->lock);
  if (fonts == NULL)
    {
      g_atomic_int_inc (&fonts_made);
      fonts = jopan_fonts_new (run->out->font_dirs, run->out->data_dir, error);
    }
  if (fonts)
    prime_fonts (run, fonts);
  return fonts;
}

static void
give_fonts (Run *run, JopanFonts *fonts)
{
  g_mutex_lock (&run->lock);
  g_ptr_array_add (run->fonts, fonts);
  g_mutex_unlock (&run->lock);
}

static void start_writing (Run *run);

/* Appends to edition.pdf the pages written since the last one appended,
 * in page order, from the worker that wrote page @index; another worker
 * appending already takes this page too. */
static void
join_written (Run *run, guint index)
{
  guint n = run->edition->pages->len;

  g_mutex_lock (&run->join_lock);
  run->written[index] = TRUE;
  if (!run->joining)
    {
      run->joining = TRUE;
      while (run->join_error == NULL && run->next < n
             && (!selected (run, run->next) || run->written[run->next]))
        {
          guint p = run->next;
          g_autofree char *name = page_file (p + 1, "pdf");
          g_autofree char *path = g_build_filename (run->tmp, name, NULL);
          GError *local = NULL;

          g_mutex_unlock (&run->join_lock);
          if (selected (run, p))
            jopan_pdf_join_append (run->join, path, &local);
          g_mutex_lock (&run->join_lock);
          run->join_error = local;
          run->next++;
        }
      run->joining = FALSE;
      if (run->next == n && run->join_error == NULL)
        start_writing (run);
    }
  g_mutex_unlock (&run->join_lock);
}

/* ---- flushing the pages' files to disk ---------------------------------------- */

/* What the flushing thread is asked: a file to flush (fsync), or one
 * still being written whose writeback to start (edition.pdf, 18 MB at 48
 * pages: flushed only once written, it kept the end waiting 5-20 ms for
 * the disk; its writeback started as it is written, on this thread, which
 * is idle then, the flush waits 0-7 ms). */
#define SYNC_FILE 'F'
#define SYNC_START 'W'

static void
sync_push (Run *run, char what, const char *path)
{
  g_async_queue_push (run->to_sync, g_strdup_printf ("%c%s", what, path));
}

/* Starts writing @path's dirty pages to disk, not waiting for them; only
 * a hint (the file may be gone, renamed): errors are the flush's. */
static void
start_writeback (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  sync_file_range (fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  close (fd);
}

/* A worker that flushed each page's files itself (fsync) waited for the
 * disk about a millisecond a page, its core idle: with two threads or more
 * a thread of their own flushes them (and edition.pdf, while qpdf's
 * objects are freed), which mostly waits, and every file is on disk
 * before the new folder takes OUTDIR's place (as each file is before its
 * rename with one thread). */
static gpointer
sync_pages (gpointer data)
{
  Run *run = data;
  char *item;

  while (*(item = g_async_queue_pop (run->to_sync)) != '\0')
    {
      const char *path = item + 1;
      int fd, saved;

      if (*item == SYNC_START)
        {
          start_writeback (path);
          g_free (item);
          continue;
        }
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      saved = fd < 0 || fsync (fd) != 0 ? errno : 0;
      if (fd >= 0)
        close (fd);
      if (saved == 0)
        g_atomic_int_inc (&files_synced);
      if (saved != 0 && run->sync_failed == NULL)
        {
          run->sync_failed = g_strdup (path);
          run->sync_errno = saved;
        }
      g_free (item);
    }
  g_free (item);
  return NULL;
}

static void
start_syncing (Run *run)
{
  run->to_sync = g_async_queue_new_full (g_free);
  run->syncer = g_thread_try_new ("jopan-sync", sync_pages, run, NULL);
  if (run->syncer == NULL)
    g_clear_pointer (&run->to_sync, g_async_queue_unref);
}

/* Waits until every file handed on is flushed; @ok: the run so far, whose
 * error comes first. */
static gboolean
finish_syncing (Run *run, gboolean ok, GError **error)
{
  if (run->syncer == NULL)
    return ok;
  g_async_queue_push (run->to_sync, g_strdup (""));
  g_thread_join (g_steal_pointer (&run->syncer));
  g_clear_pointer (&run->to_sync, g_async_queue_unref);
  if (ok && run->sync_failed)
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", run->sync_failed,
                       g_strerror (run->sync_errno));
      return FALSE;
    }
  return ok;
}

/* A page's file: with a thread flushing them, written and handed on. */
static gboolean
write_file (Run *run, JopanDocument *doc, const char *path, JopanFormat format, GError **error)
{
  if (run->to_sync == NULL)
    return jopan_document_write (doc, path, format, run->out->dpi, error);
  if (!jopan_document_write_unsynced (doc, path, format, run->out->dpi, error))
    return FALSE;
  sync_push (run, SYNC_FILE, path);
  return TRUE;
}

/* ---- each page: composed, drawn when the render lock is free, written ---------- */

/* Drawing onto cairo takes the process's render lock (render.c): a worker
 * that found it taken waited for it, its core idle, some 60 ms a 48-page
 * run at --jobs 2.  So a page is made ready outside the lock first (its
 * photos decoded, its thumbnail's slot painted), then drawn, its PDF,
 * PNG and thumbnail in one hold of the lock, and written (qpdf, the PNG's
 * encoding, the files, the join, the sheet) outside it again.  A worker that finds the lock taken
 * keeps the page and composes its next one, then draws both, a hold of
 * the lock each (draw_waiting): it waits for the lock only with more than
 * WAITING_MAX pages kept, or with none left to compose.  A worker draws
 * only the pages it composed (with its own fonts, which no other thread
 * touches).  What a page is never
 * depends on when it is drawn or written: the same bytes. */
#define WAITING_MAX 1

typedef struct {
  guint index;                  /* the page */
  guint group, place;           /* its group, its place in it: whose error comes first */
  JopanDocument *doc;
  char *pdf;                    /* its file, or NULL: nothing written (a check) */
  JopanThumb *thumb;            /* begun, then drawn; NULL once on the sheet */
} Ready;

typedef struct {
  Run *run;
  JopanFonts *fonts;            /* taken for its first group, kept for the others */
  GPtrArray *waiting;           /* of Ready*: composed, not drawn yet */
} Worker;

static void
ready_free (Ready *r)
{
  jopan_thumb_free (r->thumb);
  jopan_document_free (r->doc);
  g_free (r->pdf);
  g_free (r);
}

/* Page @index composed as the @place-th of group @group: @doc (taken)
 * with its photos decoded and its thumbnail begun.  What fails here is
 * done again when the page is written, and fails there (render.c). */
static Ready *
ready_new (Run *run, JopanDocument *doc, guint index, guint group, guint place)
{
  Ready *r = g_new0 (Ready, 1);
  g_autofree char *name = page_file (index + 1, "pdf");

  *r = (Ready) { index, group, place, doc, NULL, NULL };
  jopan_document_set_date (doc, run->out->date);
  if (run->tmp == NULL)
    return r;
  r->pdf = g_build_filename (run->tmp, name, NULL);
  jopan_document_warm_pdf (doc);
  if (run->out->png)
    jopan_document_warm_png (doc, run->out->dpi);
  r->thumb = jopan_contact_sheet_thumb_new (run->sheet, index + 1, doc, NULL);
  return r;
}

/* Under the render lock: the page's PDF, PNG and thumbnail drawn. */
static void
draw_ready (Ready *r)
{
  jopan_document_draw_pdf (r->doc);
  jopan_document_draw_png (r->doc);
  if (r->thumb && !jopan_thumb_draw (r->thumb, NULL))
    g_clear_pointer (&r->thumb, jopan_thumb_free);
}

/* page-NN.pdf (and .png) from the page drawn; the report and findings
 * kept for the end. */
static gboolean
write_page (Run *run, Ready *r, GError **error)
{
  guint number = r->index + 1;
  JopanDocument *doc = r->doc;

  if (r->pdf && !write_file (run, doc, r->pdf, JOPAN_FORMAT_PDF, error))
    return FALSE;
  /* Joined as soon as its PDF is there: with the last page joined,
   * edition.pdf's writing starts while this page's PNG, thumbnail and
   * report are still being made. */
  if (r->pdf)
    join_written (run, r->index);
  if (r->pdf && run->out->png)
    {
      g_autofree char *png_name = page_file (number, "png");
      g_autofree char *png = g_build_filename (run->tmp, png_name, NULL);
      if (!write_file (run, doc, png, JOPAN_FORMAT_PNG, error))
        return FALSE;
    }
  /* The thumbnail from the page in memory: drawing it later from the PDF
   * would read the page back and decode its photos again. */
  if (r->pdf && !(r->thumb ? jopan_contact_sheet_add_thumb (run->sheet, g_steal_pointer (&r->thumb),
                                                            error)
                           : jopan_contact_sheet_add_page (run->sheet, number, doc, error)))
    return FALSE;
  run->reports[r->index] = jopan_report_to_node (doc->report, doc->pages);
  run->findings[r->index] = jopan_document_get_n_findings (doc);
  if (run->out->progress)
    {
      g_mutex_lock (&run->lock);
      run->out->progress (number, doc, run->out->user_data);
      g_mutex_unlock (&run->lock);
    }
  return TRUE;
}

/* A failure of the @place-th page of group @group (@error taken): the
 * run's error is the first group's, and in it the first page's, whatever
 * the schedule. */
static void
fail (Run *run, guint group, guint place, GError *error)
{
  g_mutex_lock (&run->lock);
  if (group < run->failed_at || (group == run->failed_at && place < run->failed_place))
    {
      run->failed_at = group;
      run->failed_place = place;
      g_clear_error (&run->error);
      run->error = g_steal_pointer (&error);
    }
  g_mutex_unlock (&run->lock);
  g_clear_error (&error);
}

/* Draws the first page @w keeps (the caller took the render lock:
 * released here) and writes it, then the next if the lock is free again
 * (with @drain, once it is), and so on; what is left stays kept.  The
 * lock is held for one page at a time, not for all a worker kept: the
 * other worker draws while this one writes.  At the end of a run, when
 * neither has a page left to compose, one waited for the other's two
 * pages to be drawn (~7 ms a 48-page run at --jobs 2), its core idle. */
static void
draw_waiting (Worker *w, gboolean drain)
{
  for (;;)
    {
      Ready *r = g_ptr_array_steal_index (w->waiting, 0);
      GError *error = NULL;

      draw_ready (r);
      g_atomic_int_inc (&draw_holds);
      jopan_render_unlock ();
      if (!write_page (w->run, r, &error))
        fail (w->run, r->group, r->place, error);
      ready_free (r);
      if (w->waiting->len == 0)
        return;
      if (drain)
        jopan_render_lock ();
      else if (!jopan_render_trylock ())
        {
          g_atomic_int_add (&kept, (gint) w->waiting->len);
          return;
        }
    }
}

/* Page @r (taken) drawn and written now, with those kept, if the render
 * lock is free or too many are kept; else kept while the next is composed. */
static void
hand_in (Worker *w, Ready *r)
{
  GError *error = NULL;

  if (r->pdf == NULL) /* nothing to draw */
    {
      if (!write_page (w->run, r, &error))
        fail (w->run, r->group, r->place, error);
      ready_free (r);
      return;
    }
  g_ptr_array_add (w->waiting, r);
  if (jopan_render_trylock ())
    draw_waiting (w, FALSE);
  else if (w->waiting->len > WAITING_MAX)
    {
      jopan_render_lock ();
      draw_waiting (w, FALSE);
    }
  else
    g_atomic_int_inc (&kept);
}

/* Composes group @g's pages in order, each handed in to be drawn and written. */
static void
run_group (Worker *w, guint g)
{
  Run *run = w->run;
  const GArray *group = g_ptr_array_index (run->groups, g);
  GError *error = NULL;
  guint i = 0;
  Chain ch;

  if (w->fonts == NULL && (w->fonts = take_fonts (run, &error)) == NULL)
    {
      fail (run, g, 0, error);
      return;
    }
  chain_init (&ch, run->edition, run->style, run->out->layout);
  ch.continued = run->continued;
  ch.page_story = run->page_story;
  for (; error == NULL && i < group->len; i++)
    {
      guint p = g_array_index (group, guint, i);
      JopanDocument *doc = chain_compose (&ch, w->fonts, p, &error);

      if (doc && !selected (run, p))
        jopan_document_free (doc);
      else if (doc)
        hand_in (w, ready_new (run, doc, p, g, i));
    }
  chain_clear (&ch);
  if (error)
    fail (run, g, i - 1, error);
}

/* A worker done (@worker), or the main thread's hold on the pool let go
 * of: the first worker done leaves a core idle, where the contact sheet's
 * encoder may encode the bands it held; the last stops it. */
static void
worker_done (Run *run, gboolean worker)
{
  gboolean encoder = run->sheet && run->two_threads;

  if (encoder && worker && g_atomic_int_compare_and_exchange (&run->core_idle, FALSE, TRUE))
    jopan_contact_sheet_encoder_core_idle (run->sheet);
  if (g_atomic_int_dec_and_test (&run->working) && encoder)
    jopan_contact_sheet_stop_encoder (run->sheet);
}

/* A worker: the groups in order, as they come, each skipped when an
 * earlier group failed (so the error reported is the first group's);
 * then the pages it kept. */
static gpointer
work (gpointer data)
{
  Worker *w = data;
  Run *run = w->run;

  for (;;)
    {
      guint g = (guint) g_atomic_int_add (&run->next_group, 1);
      gboolean skip;

      if (g >= run->groups->len)
        break;
      g_mutex_lock (&run->lock);
      skip = run->failed_at < g;
      g_mutex_unlock (&run->lock);
      if (!skip)
        run_group (w, g);
    }
  if (w->waiting->len > 0)
    {
      jopan_render_lock ();
      draw_waiting (w, TRUE);
    }
  if (w->fonts)
    give_fonts (run, g_steal_pointer (&w->fonts));
  worker_done (run, TRUE);
  return NULL;
}

/* The pages joined by jumps, each group in compose order, the groups in
 * the order of their first page; only groups with a page to write. */
static void
make_groups (Run *run)
{
  guint n = run->edition->pages->len;
  g_autofree guint *group = g_new (guint, n);

  for (guint p = 0; p < n; p++)
    group[p] = p;
  /* Merge a page's group into the lowest-numbered one it is joined to. */
  for (gboolean changed = TRUE; changed;)
    {
      changed = FALSE;
      for (guint p = 0; p < n; p++)
        for (guint q = 0; q < n; q++)
          if (group[p] != group[q] && jopan_edition_continues_on (run->edition, p, q))
            {
              guint lo = MIN (group[p], group[q]), hi = MAX (group[p], group[q]);
              for (guint r = 0; r < n; r++)
                if (group[r] == hi)
                  group[r] = lo;
              changed = TRUE;
            }
    }
  run->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint g = 0; g < n; g++)
    {
      g_autofree gboolean *set = g_new0 (gboolean, n);
      gboolean wanted = FALSE;
      for (guint p = 0; p < n; p++)
        if (group[p] == g)
          {
            set[p] = TRUE;
            wanted |= selected (run, p);
          }
      if (wanted)
        g_ptr_array_add (run->groups, compose_order (run->edition, set));
    }
}

/* The hyphenation patterns of the stories' languages, read while the
 * workers make their font sets: else the first worker to set English
 * reads them (some 7 ms) while the others wait for them. */
static void
read_hyphenation (const Run *run)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint p = 0; p < run->edition->pages->len; p++)
    {
      const JopanPagePlan *plan = g_ptr_array_index (run->edition->pages, p);
      for (guint s = 0; selected (run, p) && s < plan->stories->len; s++)
        {
          const JopanPageStory *e = g_ptr_array_index (plan->stories, s);
          const char *lang = jopan_article_get_lang (e->article);
          if (g_hash_table_add (seen, (gpointer) lang))
            jopan_fonts_read_hyphenation (lang);
        }
    }
}

/* Complete bands of contact.png (~2.5 MB each) the encoder may hold back
 * while every core composes: ~8 ms of encoding for the end of the run.
 * Two were too many: the main thread's end (the bands, report.json, the
 * workers' fonts, ~43 ms at 48 pages) then lasted as long as
 * edition.pdf's writing, for 4 MB more at the peak. */
#define SHEET_HOLD 1

static gboolean
run_pool (Run *run, GError **error)
{
  g_autofree Worker *workers = g_new0 (Worker, run->jobs);
  g_autofree GThread **threads = g_new0 (GThread *, run->jobs);
  guint started = 0;

  /* With two threads or more, the main thread encodes contact.png's
   * bands (contact-sheet.c) as the workers complete them, the last
   * SHEET_HOLD complete ones once a core is idle. */
  g_atomic_int_set (&run->working, 1);
  if (run->sheet && run->two_threads)
    jopan_contact_sheet_use_encoder (run->sheet, SHEET_HOLD);
  while (started < run->jobs)
    {
      Worker *w = &workers[started];
      *w = (Worker) { run, NULL, g_ptr_array_new () };
      g_atomic_int_inc (&run->working);
      threads[started] = g_thread_try_new ("jopan-page", work, w, started ? NULL : error);
      if (threads[started] == NULL)
        {
          g_atomic_int_add (&run->working, -1);
          g_ptr_array_unref (w->waiting);
          break;
        }
      started++;
    }
  /* Fewer workers than cores: one is idle from the start. */
  if (started < g_get_num_processors ())
    worker_done (run, TRUE);
  else
    worker_done (run, FALSE);
  if (started == 0)
    return FALSE;
  /* The main thread only waits for the workers: with two threads or
   * more, it does this meanwhile. */
  if (run->two_threads)
    read_hyphenation (run);
  if (run->sheet && run->two_threads)
    jopan_contact_sheet_encode_bands (run->sheet);
  for (guint i = 0; i < started; i++)
    {
      g_thread_join (threads[i]);
      g_ptr_array_unref (workers[i].waiting);
    }
  if (run->error == NULL)
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&run->error));
  return FALSE;
}

/* ---- edition.pdf, contact.png, report.json ----------------------------------- */

/* The outline: each page ("3 National"), under it its stories' headlines
 * in reading order: the continued stories at its top first, marked so. */
static GArray *
outline_of (Run *run, const GArray *pages, GPtrArray *titles)
{
  GArray *items = g_array_new (FALSE, FALSE, sizeof (JopanOutlineItem));
  const char *lang = run->edition->lang;
  gboolean korean = lang && g_ascii_strncasecmp (lang, "ko", 2) == 0;

  for (guint i = 0; i < pages->len; i++)
    {
      guint p = g_array_index (pages, guint, i);
      const JopanPagePlan *plan = g_ptr_array_index (run->edition->pages, p);
      char *title = plan->section && *plan->section
                        ? g_strdup_printf ("%u %s", p + 1, plan->section)
                        : g_strdup_printf ("%u", p + 1);
      JopanOutlineItem item = { title, i, 0 };

      g_ptr_array_add (titles, title);
      g_array_append_val (items, item);
      for (guint q = 0; q < run->edition->pages->len; q++)
        {
          const JopanPagePlan *from = g_ptr_array_index (run->edition->pages, q);
          for (guint s = 0; s < from->stories->len; s++)
            {
              const JopanPageStory *e = g_ptr_array_index (from->stories, s);
              const char *headline = jopan_article_get_headline (e->article);
              char *t = NULL;
              if (q == p)
                t = g_strdup (headline);
              else if (e->jump == p + 1)
                t = g_strdup_printf (korean ? "%s (%u면에서 계속)" : "%s (continued from page %u)",
                                     headline, q + 1);
              if (t == NULL)
                continue;
              g_ptr_array_add (titles, t);
              item = (JopanOutlineItem) { t, i, 1 };
              g_array_append_val (items, item);
            }
        }
    }
  return items;
}

/* The jumps: each story of the pages written that continued on its
 * jump page, where from and where to.  A story given a jump that fitted
 * on its page carried nothing over: it is not listed. */
static void
report_jumps (JsonBuilder *b, const Run *run, const GArray *pages)
{
  const JopanEdition *edition = run->edition;

  json_builder_set_member_name (b, "jumps");
  json_builder_begin_array (b);
  for (guint i = 0; i < pages->len; i++)
    {
      guint p = g_array_index (pages, guint, i);
      const JopanPagePlan *plan = g_ptr_array_index (edition->pages, p);
      for (guint s = 0; s < plan->stories->len; s++)
        {
          const JopanPageStory *e = g_ptr_array_index (plan->stories, s);
          if (e->jump == 0 || !run->continued[run->page_story[p] + s])
            continue;
          json_builder_begin_object (b);
          jopan_json_string (b, "story", e->src);
          jopan_json_string (b, "headline", jopan_article_get_headline (e->article));
          jopan_json_int (b, "from", p + 1);
          jopan_json_int (b, "to", e->jump);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
}

static void
report_page (JsonBuilder *b, const Run *run, guint p)
{
  const JopanPagePlan *plan = g_ptr_array_index (run->edition->pages, p);
  g_autofree char *pdf = page_file (p + 1, "pdf");
  JsonNode *report = g_steal_pointer (&run->reports[p]);

  json_builder_begin_object (b);
  jopan_json_int (b, "page", p + 1);
  jopan_json_string (b, "section", plan->section);
  jopan_json_string (b, "file", pdf);
  jopan_json_int (b, "findings", run->findings[p]);
  json_builder_set_member_name (b, "report");
  if (report)
    json_builder_add_value (b, report);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
}

/* @text (taken) into @path, on disk before the folder swap as every file
 * is: g_file_set_contents() flushes only a file that existed, and
 * report.json is new in its folder.  With a flushing thread, flushed
 * by it. */
static gboolean
write_text (Run *run, const char *path, char *text, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  gsize n = strlen (text);

  g_ptr_array_add (paths, g_strdup (path));
  g_ptr_array_add (contents, g_byte_array_new_take ((guint8 *) text, n));
  if (!jopan_write_files_atomic_full (paths, contents, run->to_sync == NULL, error))
    return FALSE;
  if (run->to_sync)
    sync_push (run, SYNC_FILE, path);
  return TRUE;
}

static gboolean
write_report (Run *run, const GArray *pages, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *path = g_build_filename (run->tmp, "report.json", NULL);
  g_autofree char *text = NULL;
  guint findings = 0;

  json_builder_begin_object (b);
  jopan_json_string (b, "edition", run->edition->name);
  jopan_json_string (b, "title", run->edition->title);
  jopan_json_string (b, "date", run->edition->date);
  jopan_json_int (b, "pages_in_edition", run->edition->pages->len);
  json_builder_set_member_name (b, "pages");
  json_builder_begin_array (b);
  for (guint i = 0; i < pages->len; i++)
    {
      report_page (b, run, g_array_index (pages, guint, i));
      findings += run->findings[g_array_index (pages, guint, i)];
    }
  json_builder_end_array (b);
  report_jumps (b, run, pages);
  json_builder_set_member_name (b, "warnings");
  json_builder_begin_array (b);
  for (const char *const *w = jopan_edition_get_warnings (run->edition); *w; w++)
    json_builder_add_string_value (b, *w);
  json_builder_end_array (b);
  jopan_json_int (b, "findings", findings);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  run->out->findings = findings;
  return write_text (run, path, g_steal_pointer (&text), error);
}

/* From the thread writing edition.pdf, as it goes: its writeback started
 * by the flushing thread. */
static void
writing_merged (const char *temp, gpointer data)
{
  sync_push (data, SYNC_START, temp);
  g_atomic_int_inc (&writebacks);
}

/* Writes edition.pdf.  Returns: FALSE, with its error in @m, if it failed. */
static gboolean
write_merged (Merged *m)
{
  Run *run = m->run;
  gboolean ok;

  if (run->to_sync)
    jopan_pdf_join_set_writing (run->join, writing_merged, run);
  ok = jopan_pdf_join_write_full (run->join, (const JopanOutlineItem *) m->outline->data,
                                  m->outline->len, m->path, run->to_sync == NULL, &m->error);
  /* Flushed to disk while qpdf's objects are freed. */
  if (ok && run->to_sync)
    sync_push (run, SYNC_FILE, m->path);
  return ok;
}

/* Done with edition.pdf's join: freed, or left to the system when the
 * process ends right after the run. */
static void
drop_join (Run *run)
{
  if (run->join == NULL)
    return;
  if (!run->out->exiting)
    {
      g_clear_pointer (&run->join, jopan_pdf_join_free);
      return;
    }
  g_mutex_lock (&left_lock);
  left_joins = g_slist_prepend (left_joins, g_steal_pointer (&run->join));
  g_mutex_unlock (&left_lock);
  g_atomic_int_inc (&joins_left);
}

/* The thread writing edition.pdf: once written, its outcome is told
 * (finish_writing) and it frees qpdf's objects at once (some 10 ms at 48
 * pages), while the main thread may still be writing contact.png and
 * report.json, the files are flushed and the new folder swapped in. */
static gpointer
write_then_free (gpointer data)
{
  Merged *m = data;
  Run *run = m->run;
  gboolean ok = write_merged (m);

  g_mutex_lock (&run->join_lock);
  m->ok = ok;
  m->done = TRUE;
  g_cond_signal (&m->done_cond);
  g_mutex_unlock (&run->join_lock);
  drop_join (run);
  return NULL;
}

/* The pages written and edition.pdf's outline, known before the first
 * page is composed: its writing can start the moment the last page is
 * joined. */
static void
plan_merged (Run *run, GArray *pages)
{
  for (guint p = 0; p < run->edition->pages->len; p++)
    if (selected (run, p))
      g_array_append_val (pages, p);
  run->merged.run = run;
  run->merged.titles = g_ptr_array_new_with_free_func (g_free);
  run->merged.outline = outline_of (run, pages, run->merged.titles);
  run->merged.path = g_build_filename (run->tmp, "edition.pdf", NULL);
  /* Its items made as their pages are joined, by the workers. */
  jopan_pdf_join_set_outline (run->join, (const JopanOutlineItem *) run->merged.outline->data,
                              run->merged.outline->len);
}

/* With --jobs 2 or more, from the worker that joined the last page (join
 * lock held): edition.pdf written on a thread of its own from now on,
 * while the pages still being finished are and the pool ends. */
static void
start_writing (Run *run)
{
  if (!run->two_threads || run->merged.path == NULL || run->merged.thread)
    return;
  run->merged.thread = g_thread_try_new ("jopan-write", write_then_free, &run->merged, NULL);
  if (run->merged.thread)
    {
      g_atomic_int_inc (&side_threads);
      g_atomic_int_inc (&early_writes);
    }
}

/* Waits for edition.pdf to be written, if its thread was started (not
 * for qpdf's objects to be freed: join_writer).  Returns: FALSE, with its
 * error, if it failed. */
static gboolean
finish_writing (Run *run, GError **error)
{
  Merged *m = &run->merged;
  gboolean ok;

  if (m->thread == NULL)
    return TRUE;
  g_mutex_lock (&run->join_lock);
  while (!m->done)
    g_cond_wait (&m->done_cond, &run->join_lock);
  ok = m->ok;
  g_mutex_unlock (&run->join_lock);
  if (!ok && m->error)
    g_propagate_error (error, g_steal_pointer (&m->error));
  return ok;
}

/* Waits for the thread writing edition.pdf to end, qpdf's objects freed. */
static void
join_writer (Run *run)
{
  if (run->merged.thread)
    g_thread_join (g_steal_pointer (&run->merged.thread));
}

/* contact.png (its sheet freed once saved) and report.json. */
static gboolean
write_sheet_and_report (Run *run, const GArray *pages, const char *contact, GError **error)
{
  gboolean ok = jopan_contact_sheet_save (run->sheet, contact, error);

  g_clear_pointer (&run->sheet, jopan_contact_sheet_free);
  return ok && write_report (run, pages, error);
}

/* With --jobs 2 or more, edition.pdf is written on a thread of its own
 * (started when its last page was joined) while contact.png and
 * report.json are written here; the error, if any, is the one of the
 * first file in that order as when one thread writes. */
static gboolean
write_files (Run *run, const GArray *pages, const char *contact, GError **error)
{
  g_autoptr (GError) rest = NULL;
  gboolean rest_ok = TRUE;

  if (run->merged.thread == NULL)
    {
      if (!write_merged (&run->merged))
        {
          g_propagate_error (error, g_steal_pointer (&run->merged.error));
          return FALSE;
        }
      return write_sheet_and_report (run, pages, contact, error);
    }
  rest_ok = write_sheet_and_report (run, pages, contact, &rest);
  /* The workers' fonts too, meanwhile: no thread draws any more, so
   * cairo may let go of their fonts (render.c). */
  g_ptr_array_set_size (run->fonts, 0);
  if (!finish_writing (run, error))
    return FALSE;
  if (!rest_ok)
    g_propagate_error (error, g_steal_pointer (&rest));
  return rest_ok;
}

static gboolean
write_whole (Run *run, const GArray *pages, GError **error)
{
  g_autofree char *contact = g_build_filename (run->tmp, "contact.png", NULL);

  if (run->join_error)
    {
      g_propagate_error (error, g_steal_pointer (&run->join_error));
      return FALSE;
    }
  /* Each page was joined as it was written (join_written): the worker
   * that wrote the last of them joined every one left. */
  if (run->next < run->edition->pages->len)
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: page %u was never joined",
                       run->merged.path, run->next + 1);
      return FALSE;
    }
  return write_files (run, pages, contact, error);
}

/* Freeing qpdf's objects of edition.pdf (the pages' were freed as they
 * were joined) takes some 10 ms at 48 pages: with --jobs 2 or more it
 * runs while the new folder takes the old one's place and the old one
 * goes, on the thread that wrote edition.pdf (write_then_free) or, if
 * that one could not be started, on one of its own.  Returns: the thread
 * to join, or NULL (then run_clear frees the join). */
static gpointer
free_join (gpointer join)
{
  jopan_pdf_join_free (join);
  return NULL;
}

static GThread *
free_join_meanwhile (Run *run)
{
  GThread *thread;

  if (run->merged.thread || run->out->exiting)
    return NULL;
  thread = g_thread_try_new ("jopan-free", free_join, run->join, NULL);

  if (thread)
    {
      g_atomic_int_inc (&side_threads);
      run->join = NULL;
    }
  return thread;
}

/* ---- the folder ------------------------------------------------------------------ */

/* What an edition folder holds: a folder with anything else is not
 * replaced (it may be the user's). */
static gboolean
is_output_name (const char *name)
{
  return strcmp (name, "edition.pdf") == 0 || strcmp (name, "contact.png") == 0
         || strcmp (name, "report.json") == 0
         || (g_str_has_prefix (name, "page-")
             && (g_str_has_suffix (name, ".pdf") || g_str_has_suffix (name, ".png")));
}

static gboolean
check_outdir (const char *outdir, GError **error)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (!g_file_test (outdir, G_FILE_TEST_EXISTS))
    return TRUE;
  if (!g_file_test (outdir, G_FILE_TEST_IS_DIR) || g_file_test (outdir, G_FILE_TEST_IS_SYMLINK))
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "%s: not a folder: expected an edition's "
                       "output folder", outdir);
      return FALSE;
    }
  dir = g_dir_open (outdir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)))
    if (!is_output_name (name))
      {
        jopan_set_error (error, JOPAN_ERROR_USAGE, "%s: holds \"%s\", not an edition's output: "
                         "expected an empty or new folder, or one an edition was written to",
                         outdir, name);
        return FALSE;
      }
  return TRUE;
}

/* Removing a file can wait for the disk: where the file system discards
 * freed blocks as it frees them (ext4 mounted with -o discard, as virtual
 * machines often are), each removal waits for its discard, some 3 ms: an
 * earlier edition's folder of 48 pages took 100-250 ms to remove, one file
 * after the other, with no core busy.  With two threads or more, up to
 * REMOVERS threads remove the files at once (they wait, they hardly
 * compute) and the disk takes the discards together: 15-60 ms. */
#define REMOVERS 16

typedef struct {
  GPtrArray *files;
  gint next;
} Removal;

static gpointer
remove_files (gpointer data)
{
  Removal *r = data;

  for (gint i; (i = g_atomic_int_add (&r->next, 1)) < (gint) r->files->len;)
    g_unlink (g_ptr_array_index (r->files, i));
  return NULL;
}

/* Removes @path, a folder of files only (ours), with @threads threads at
 * most. */
static void
remove_folder (const char *path, guint threads)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) helpers = g_ptr_array_new ();
  Removal r = { g_ptr_array_new_with_free_func (g_free), 0 };
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    g_ptr_array_add (r.files, g_build_filename (path, name, NULL));
  threads = MIN (threads, r.files->len);
  for (guint i = 1; i < threads; i++)
    {
      GThread *t = g_thread_try_new ("jopan-remove", remove_files, &r, NULL);
      if (t == NULL)
        break;
      g_atomic_int_inc (&removers);
      g_ptr_array_add (helpers, t);
    }
  remove_files (&r);
  for (guint i = 0; i < helpers->len; i++)
    g_thread_join (g_ptr_array_index (helpers, i));
  g_ptr_array_unref (r.files);
  g_rmdir (path);
}

/* A new folder beside @outdir: ".NAME.XXXXXX" in its parent. */
static char *
make_tmp (const char *outdir, GError **error)
{
  g_autofree char *parent = g_path_get_dirname (outdir);
  g_autofree char *base = g_path_get_basename (outdir);
  g_autofree char *template = g_strdup_printf (".%s.XXXXXX", base);
  char *tmp = g_build_filename (parent, template, NULL);

  if (g_mkdtemp_full (tmp, 0755) != NULL)
    return tmp;
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot make a folder in %s: %s", parent,
                   g_strerror (errno));
  g_free (tmp);
  return NULL;
}

/* The new folder takes @outdir's place in one step; the old one goes,
 * removed by @threads threads at most. */
static gboolean
swap_in (const char *tmp, const char *outdir, guint threads, GError **error)
{
  if (!g_file_test (outdir, G_FILE_TEST_EXISTS))
    {
      if (g_rename (tmp, outdir) == 0)
        return TRUE;
    }
  else if (renameat2 (AT_FDCWD, tmp, AT_FDCWD, outdir, RENAME_EXCHANGE) == 0)
    {
      remove_folder (tmp, threads); /* now the old one */
      return TRUE;
    }
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot put %s in place of %s: %s", tmp, outdir,
                   g_strerror (errno));
  return FALSE;
}

/* A preflight's findings: those of the pages selected. */
static gboolean
count_findings (Run *run)
{
  run->out->findings = 0;
  for (guint p = 0; p < run->edition->pages->len; p++)
    if (selected (run, p))
      run->out->findings += run->findings[p];
  return TRUE;
}

/* The contact sheet of the pages selected. */
static JopanContactSheet *
new_sheet (Run *run, GError **error)
{
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint p = 0; p < run->edition->pages->len; p++)
    if (selected (run, p))
      {
        guint number = p + 1;
        g_array_append_val (numbers, number);
      }
  return jopan_contact_sheet_new ((const guint *) (void *) numbers->data, numbers->len, error);
}

static void
run_clear (Run *run)
{
  guint n = run->edition->pages->len;

  for (guint i = 0; run->reports && i < n; i++)
    g_clear_pointer (&run->reports[i], json_node_unref);
  g_free (run->reports);
  g_free (run->findings);
  g_free (run->page_story);
  g_free (run->continued);
  if (run->groups)
    g_ptr_array_unref (run->groups);
  g_atomic_int_add (&fonts_left, (gint) run->fonts->len);
  g_ptr_array_unref (run->fonts);
  g_clear_error (&run->error);
  g_mutex_clear (&run->lock);
  drop_join (run);
  g_free (run->written);
  g_clear_error (&run->join_error);
  g_mutex_clear (&run->join_lock);
  g_free (run->tmp);
  jopan_contact_sheet_free (run->sheet);
  g_free (run->sync_failed);
  if (run->merged.outline)
    g_array_unref (run->merged.outline);
  if (run->merged.titles)
    g_ptr_array_unref (run->merged.titles);
  g_free (run->merged.path);
  g_clear_error (&run->merged.error);
  g_cond_clear (&run->merged.done_cond);
}

gboolean
jopan_edition_write (const JopanEdition *edition, const JopanStyle *style,
                     JopanEditionOutput *out, GError **error)
{
  Run run = { .edition = edition, .style = style, .out = out, .failed_at = G_MAXUINT };
  g_autoptr (GArray) pages = g_array_new (FALSE, FALSE, sizeof (guint));
  GThread *freeing = NULL;
  gboolean ok;

  g_return_val_if_fail (edition != NULL && style != NULL && out != NULL, FALSE);
  if (out->outdir && !check_outdir (out->outdir, error))
    return FALSE;
  g_mutex_init (&run.lock);
  g_mutex_init (&run.join_lock);
  g_cond_init (&run.merged.done_cond);
  run.written = g_new0 (gboolean, edition->pages->len);
  run.fonts = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_fonts_free);
  while (out->fonts && out->fonts->len > 0)
    g_ptr_array_add (run.fonts, g_ptr_array_steal_index (out->fonts, out->fonts->len - 1));
  run.reports = g_new0 (JsonNode *, edition->pages->len);
  run.findings = g_new0 (guint, edition->pages->len);
  run.page_story = g_new0 (guint, edition->pages->len + 1);
  for (guint p = 0; p < edition->pages->len; p++)
    run.page_story[p + 1] = run.page_story[p]
                            + ((JopanPagePlan *) g_ptr_array_index (edition->pages, p))->stories->len;
  run.continued = g_new0 (gboolean, run.page_story[edition->pages->len]);
  make_groups (&run);
  run.jobs = out->jobs ? out->jobs : g_get_num_processors ();
  run.two_threads = run.jobs >= 2;
  run.jobs = CLAMP (run.jobs, 1, MAX (1u, run.groups->len));
  if (run.groups->len == 0)
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "%s: no page selected", edition->name);
      run_clear (&run);
      return FALSE;
    }
  if (out->outdir == NULL)
    ok = run_pool (&run, error) && count_findings (&run);
  else
    {
      run.tmp = make_tmp (out->outdir, error);
      run.sheet = run.tmp ? new_sheet (&run, error) : NULL;
      run.join = jopan_pdf_join_new ();
      if (run.sheet)
        plan_merged (&run, pages);
      if (run.sheet && run.two_threads)
        start_syncing (&run);
      ok = run.sheet != NULL && run_pool (&run, error) && write_whole (&run, pages, error);
      /* A page that failed after the last one was joined: edition.pdf's
       * writing is waited for, its outcome dropped. */
      if (!ok)
        finish_writing (&run, NULL);
      freeing = ok && run.two_threads ? free_join_meanwhile (&run) : NULL;
      ok = finish_syncing (&run, ok, error);
      ok = ok && swap_in (run.tmp, out->outdir, run.two_threads ? REMOVERS : 1, error);
      if (freeing)
        g_thread_join (freeing);
      join_writer (&run);
    }
  if (!ok && run.tmp)
    remove_folder (run.tmp, run.two_threads ? REMOVERS : 1);
  run_clear (&run);
  return ok;
}
