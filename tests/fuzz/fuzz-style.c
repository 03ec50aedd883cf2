/* fuzz-style — the style loader (ini text) and --set (jopan_style_set).
 *
 * The input is a style file, then optional GROUP.KEY=VALUE lines after a
 * line "%%" (see fuzz-input.h).  The style is loaded from a scratch file;
 * each assignment is then applied to it, or, when the file did not load, to
 * tests/fuzz/small.ini, so --set is fuzzed whatever the ini text does.
 * Every call must succeed or fail with an error, and a style that loaded or
 * took an assignment must describe a page that can be laid out.  Built with
 * -Dfuzzing=true it is a libFuzzer target; otherwise fuzz-replay.c replays
 * corpus-style/ as a test.
 */
#include "fuzz-input.h"
#include "jopan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* What layout takes for granted of any style that loaded. */
static void
check_style (const JopanStyle *style, const char *what)
{
  double w = jopan_style_get_page_width (style), h = jopan_style_get_page_height (style);
  double baseline = jopan_style_get_baseline (style);
  guint columns = jopan_style_get_columns (style);

  if (isfinite (w) && isfinite (h) && w > 0 && h > 0 && isfinite (baseline) && baseline > 0
      && columns >= 1 && columns <= 12)
    return;
  fprintf (stderr, "fuzz: after %s: page %g x %g pt, baseline %g pt, %u columns\n", what, w, h,
           baseline, columns);
  abort ();
}

static JopanStyle *
load_text (const FuzzInput *input)
{
  g_autofree char *path = g_build_filename (fuzz_scratch_dir (), "fuzz.ini", NULL);
  g_autoptr (GError) error = NULL;
  JopanStyle *style;

  if (!g_file_set_contents (path, input->text, (gssize) input->text_len, NULL))
    abort ();
  style = jopan_style_load (path, FUZZ_DATA_DIR, &error);
  fuzz_check_result (style != NULL, error, "jopan_style_load");
  if (style)
    check_style (style, "loading");
  return style;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzInput input;
  g_autoptr (JopanStyle) style = NULL;

  if (size > 64 * 1024)
    return 0;
  fuzz_input_parse (&input, data, size);
  style = load_text (&input);
  if (style == NULL && input.sets->len > 0)
    {
      style = jopan_style_load (FUZZ_STYLE, FUZZ_DATA_DIR, NULL);
      if (style == NULL)
        abort ();
    }
  for (guint i = 0; i < input.sets->len; i++)
    {
      const char *assignment = g_ptr_array_index (input.sets, i);
      g_autoptr (GError) error = NULL;
      gboolean ok = jopan_style_set (style, assignment, &error);

      fuzz_check_result (ok, error, "jopan_style_set");
      check_style (style, assignment);
    }
  fuzz_input_clear (&input);
  fuzz_scratch_clean ();
  return 0;
}
