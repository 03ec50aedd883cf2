/* batch.h — items (articles, pages) done in parallel, each thread with its
 * own fonts. */
#ifndef JOPAN_BATCH_H
#define JOPAN_BATCH_H

#include "jopan.h"
#include "progress.h"

/* Does item @index with @fonts (the calling thread's own: a JopanFonts is
 * not shared between threads, see jopan.h); sets *@findings.  Runs on a
 * worker thread: anything else it touches must be read-only or its own. */
typedef gboolean (*BatchFunc) (guint index, JopanFonts *fonts, gpointer user_data,
                               guint *findings, GError **error);

/**
 * batch_run:
 * @n: how many items
 * @jobs: threads at most (0: the number of cores)
 * @font_dirs, @data_dir: for each thread's jopan_fonts_new()
 * @func, @user_data: the work of one item
 * @progress: (nullable): stepped once an item is done
 * @failed: (out) (optional): the index of the item that failed
 * @error: the error of the first item (in order) that failed
 *
 * Runs @func for every item on a GThreadPool of @jobs threads.  At most
 * @jobs font sets are made, lazily, and lent to one item at a time.  After
 * a failure the items not yet started are skipped; the error returned is
 * the lowest-numbered failure's, so the message does not depend on timing.
 *
 * Returns: %TRUE if every item succeeded.
 */
gboolean batch_run (guint n, guint jobs, const char *const *font_dirs, const char *data_dir,
                    BatchFunc func, gpointer user_data, Progress *progress, guint *failed,
                    GError **error);

/* The number of threads --jobs 0 (the default) means: the cores. */
guint batch_default_jobs (void);

#endif
