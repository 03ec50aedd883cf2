/* staging.h — a run's files written into a staging folder first, moved
 * into place only when all of them are written (nothing partial is left). */
#ifndef JOPAN_STAGING_H
#define JOPAN_STAGING_H

#include <glib.h>

/**
 * staging_commit:
 * @staging: the staging folder (files only)
 * @outdir: where its files go, beside the staging folder (same file system)
 * @error: a %JOPAN_ERROR_OUTPUT naming the file that could not be moved
 *
 * Moves every file of @staging into @outdir.
 *
 * Returns: %TRUE if every file was moved.
 */
gboolean staging_commit (const char *staging, const char *outdir, GError **error);

/* Removes @staging and the files left in it (it holds no folders). */
void staging_remove (const char *staging);

#endif
