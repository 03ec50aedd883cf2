/* error.c — the JOPAN_ERROR domain and atomic file output. */
#include "jopan-private.h"

#include <glib/gstdio.h>

G_DEFINE_QUARK (jopan-error-quark, jopan_error)

void
jopan_set_error (GError **error, JopanErrorCode code, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, JOPAN_ERROR, code, message);
}

gboolean
jopan_write_file_atomic (const char *path, const char *data, gsize length, GError **error)
{
  g_autoptr (GError) local = NULL;

  /* g_file_set_contents writes a temporary file beside @path and renames it. */
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local))
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s", local->message);
      return FALSE;
    }
  return TRUE;
}
