/* fuzz-article — the article loader (JSON, CommonMark body) under a fuzzer.
 *
 * Built with clang and -fsanitize=fuzzer (meson -Dfuzzing=true) it is a
 * libFuzzer target; otherwise its main() replays every file of the corpus
 * folders given on the command line, which the test suite does under the
 * sanitizers.  The loader must return an article or an error for any bytes:
 * never crash, never leak.
 */
#include "jopan.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) article = jopan_article_load_from_data ((const char *) data, (gssize) size,
                                                                   "fuzz.json", FUZZ_PHOTOS, &error);

  /* Exactly one of the two. */
  if ((article == NULL) == (error == NULL))
    __builtin_trap ();
  return 0;
}

#ifndef JOPAN_LIBFUZZER
int
main (int argc, char **argv)
{
  guint files = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *data = NULL;
          gsize size;

          if (!g_file_get_contents (path, &data, &size, NULL))
            continue;
          LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
          files++;
        }
    }
  printf ("1..1\nok 1 - replayed %u inputs\n", files);
  return files > 0 ? 0 : 1;
}
#endif
