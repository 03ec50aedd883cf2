/* fuzz-replay — main() for a fuzz target built without libFuzzer.
 *
 * Replays every file of the corpus folders (or the files) given on the
 * command line, in name order, through LLVMFuzzerTestOneInput(), printing
 * one TAP line per file, so `meson test` runs each target's corpus as an
 * ordinary test in every build (under the sanitizers in the sanitizer build).  A crash
 * stops the run right after the last "ok" line, which names the file before
 * the culprit; the culprit's name is printed to stderr before each run.
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Adds @dir's files to @paths (one level, regular files only), or @dir
 * itself when it is a file, as libFuzzer takes either. */
static void
list_corpus (const char *dir, GPtrArray *paths)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL && g_file_test (dir, G_FILE_TEST_IS_REGULAR))
    g_ptr_array_add (paths, g_strdup (dir));
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  guint failed = 0;

  for (int i = 1; i < argc; i++)
    list_corpus (argv[i], paths);
  g_ptr_array_sort (paths, compare_paths);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *data = NULL;
      gsize size;

      if (!g_file_get_contents (path, &data, &size, NULL))
        {
          printf ("not ok %u - %s: cannot read\n", i + 1, path);
          failed++;
          continue;
        }
      fprintf (stderr, "# replaying %s\n", path);
      LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
      printf ("ok %u - %s\n", i + 1, path);
      fflush (stdout);
    }
  if (paths->len == 0)
    printf ("not ok 1 - no corpus files in the folders given\n");
  printf ("1..%u\n", MAX (paths->len, 1));
  return failed > 0 || paths->len == 0 ? 1 : 0;
}
