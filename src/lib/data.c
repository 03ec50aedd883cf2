/* data.c — where the bundled fonts and styles are. */
#include "jopan-private.h"

#include "jopan-config.h"

char *
jopan_data_dir (const char *what)
{
  const char *env = g_getenv ("JOPAN_DATA_DIR");
  const char *roots[] = { env, JOPAN_SOURCE_DIR, JOPAN_DATA_DIR };

  for (gsize i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autofree char *dir = NULL;

      if (roots[i] == NULL || *roots[i] == '\0')
        continue;
      dir = g_build_filename (roots[i], what, NULL);
      if (g_file_test (dir, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&dir);
    }
  return g_build_filename (JOPAN_DATA_DIR, what, NULL);
}
