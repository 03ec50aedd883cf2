/* fuzz-article — the article loader (JSON, CommonMark body) under a fuzzer.
 *
 * Built with clang and -fsanitize=fuzzer (meson -Dfuzzing=true) it is a
 * libFuzzer target; otherwise fuzz-replay.c's main() replays its corpus
 * (corpus-article/) as an ordinary test.  The loader must return an article
 * or an error for any bytes: never crash, never leak.
 */
#include "jopan.h"

#include <stdint.h>

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
