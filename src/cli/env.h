/* env.h — what a run of the tool reads from its environment. */
#ifndef JOPAN_ENV_H
#define JOPAN_ENV_H

#include <glib.h>

/**
 * env_source_date:
 * @seconds: (out): SOURCE_DATE_EPOCH's seconds, or 0 when it is unset or
 *   empty (0 keeps the library's fixed date)
 *
 * Reads SOURCE_DATE_EPOCH, which dates the PDF files of reproducible runs.
 *
 * Returns: %FALSE if it is set but is not a number of seconds up to
 *   %JOPAN_DATE_MAX.
 */
gboolean env_source_date (gint64 *seconds);

#endif
