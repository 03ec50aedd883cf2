/* error.c — the JOPAN_ERROR domain and atomic file output. */
#include "jopan-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

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

/* "cannot write out.pdf: no folder \"out\"" rather than the name of the
 * temporary file GLib was writing. */
static void
write_error (const char *path, const GError *local, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: no folder \"%s\"", path, dir);
  else if (g_access (dir, W_OK) != 0)
    jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: folder \"%s\" is not writable",
                     path, dir);
  else
    jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", path, local->message);
}

gboolean
jopan_write_file_atomic (const char *path, const char *data, gsize length, GError **error)
{
  g_autoptr (GError) local = NULL;

  /* g_file_set_contents writes a temporary file beside @path and renames it. */
  if (!g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                 &local))
    {
      write_error (path, local, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
jopan_write_files_atomic (GPtrArray *paths, GPtrArray *contents, GError **error)
{
  g_autoptr (GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;

  /* All files to temporary names first; only then, quickly, all renames. */
  for (guint i = 0; ok && i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      GByteArray *bytes = g_ptr_array_index (contents, i);
      char *temp = g_strdup_printf ("%s.jopan-part", path);
      g_autoptr (GError) local = NULL;

      g_ptr_array_add (temps, temp);
      ok = g_file_set_contents_full (temp, (const char *) bytes->data, bytes->len,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local);
      if (!ok)
        write_error (path, local, error);
    }
  for (guint i = 0; ok && i < paths->len; i++)
    if (g_rename (g_ptr_array_index (temps, i), g_ptr_array_index (paths, i)) != 0)
      {
        jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s",
                         (char *) g_ptr_array_index (paths, i), g_strerror (errno));
        ok = FALSE;
      }
  for (guint i = 0; !ok && i < temps->len; i++)
    g_unlink (g_ptr_array_index (temps, i));
  return ok;
}
