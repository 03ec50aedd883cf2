/* staging.c — a run's files written into a staging folder first, moved
 * into place only when all of them are written. */
#include "staging.h"

#include "jopan.h"

#include <errno.h>
#include <glib/gstdio.h>

gboolean
staging_commit (const char *staging, const char *outdir, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (staging, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (d == NULL)
    return FALSE;
  /* The names first: the folder is not read while files leave it. */
  for (const char *name; (name = g_dir_read_name (d));)
    g_ptr_array_add (names, g_strdup (name));
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *from = g_build_filename (staging, names->pdata[i], NULL);
      g_autofree char *to = g_build_filename (outdir, names->pdata[i], NULL);
      if (g_rename (from, to) != 0)
        {
          int saved = errno;
          g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", to,
                       g_strerror (saved));
          return FALSE;
        }
    }
  return TRUE;
}

void
staging_remove (const char *staging)
{
  g_autoptr (GDir) d = g_dir_open (staging, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_unlink (path);
    }
  g_rmdir (staging);
}
