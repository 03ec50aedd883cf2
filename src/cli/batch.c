/* batch.c — a GThreadPool over a batch's items, with a pool of fonts.
 *
 * A JopanFonts may not be used by two threads at once (its Pango font map
 * caches without locking), and making one takes 10 to 30 ms: so each item
 * borrows a font set from a queue and gives it back, and no more sets are
 * made than there are threads.  Styles and articles are only read while
 * laying out and are shared as they are.
 */
#include "batch.h"

typedef struct {
  BatchFunc func;
  gpointer user_data;
  const char *const *font_dirs;
  const char *data_dir;
  Progress *progress;
  GAsyncQueue *fonts; /* idle JopanFonts */
  gint made;          /* font sets made, atomically */
  guint max_fonts;
  gint stop;          /* set by the first failure: skip what has not started */
  GMutex lock;        /* guards the two below */
  guint failed;
  GError *error;
} Batch;

/* An idle font set, or a new one while fewer than max_fonts exist; %NULL
 * with no error when the batch stopped while waiting for one. */
static JopanFonts *
borrow_fonts (Batch *b, GError **error)
{
  JopanFonts *fonts = g_async_queue_try_pop (b->fonts);

  if (fonts)
    return fonts;
  if ((guint) g_atomic_int_add (&b->made, 1) < b->max_fonts)
    {
      fonts = jopan_fonts_new (b->font_dirs, b->data_dir, error);
      if (fonts == NULL)
        g_atomic_int_add (&b->made, -1);
      return fonts;
    }
  /* A set that failed to load never comes back: do not wait for it forever. */
  while ((fonts = g_async_queue_timeout_pop (b->fonts, 20000)) == NULL)
    if (g_atomic_int_get (&b->stop))
      return NULL;
  return fonts;
}

/* Keeps @error if its item comes before the failure kept so far. */
static void
record_failure (Batch *b, guint index, GError *error)
{
  g_mutex_lock (&b->lock);
  if (b->error == NULL || index < b->failed)
    {
      g_clear_error (&b->error);
      b->error = error;
      b->failed = index;
    }
  else
    g_error_free (error);
  g_mutex_unlock (&b->lock);
  g_atomic_int_set (&b->stop, 1);
}

static void
do_item (gpointer data, gpointer user_data)
{
  Batch *b = user_data;
  guint index = GPOINTER_TO_UINT (data) - 1;
  GError *error = NULL;
  JopanFonts *fonts;
  guint findings = 0;

  if (g_atomic_int_get (&b->stop))
    return;
  fonts = borrow_fonts (b, &error);
  if (fonts == NULL && error == NULL)
    return;
  if (fonts == NULL || !b->func (index, fonts, b->user_data, &findings, &error))
    record_failure (b, index, error);
  else if (b->progress)
    progress_step (b->progress, findings);
  if (fonts)
    g_async_queue_push (b->fonts, fonts);
}

guint
batch_default_jobs (void)
{
  return MAX (1, g_get_num_processors ());
}

gboolean
batch_run (guint n, guint jobs, const char *const *font_dirs, const char *data_dir,
           BatchFunc func, gpointer user_data, Progress *progress, guint *failed, GError **error)
{
  Batch b = { func, user_data, font_dirs, data_dir, progress, NULL, 0, 0, 0, { 0 }, 0, NULL };
  GThreadPool *pool;
  gboolean ok;

  jobs = MIN (jobs ? jobs : batch_default_jobs (), MAX (n, 1));
  b.max_fonts = jobs;
  b.fonts = g_async_queue_new_full ((GDestroyNotify) jopan_fonts_free);
  g_mutex_init (&b.lock);
  pool = g_thread_pool_new (do_item, &b, (int) jobs, TRUE, NULL);
  /* Pushed in order; an exclusive pool of @jobs threads takes them so. */
  for (guint i = 0; i < n; i++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (i + 1), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  ok = b.error == NULL;
  if (!ok)
    {
      if (failed)
        *failed = b.failed;
      g_propagate_error (error, b.error);
    }
  g_async_queue_unref (b.fonts);
  g_mutex_clear (&b.lock);
  return ok;
}
