/* fuzz-page — the page file loader (`jopan page PAGE.json`) under a fuzzer.
 *
 * The input is the text of a page file, read as if it were
 * tests/pages/fuzz.json: the articles and boxes it names resolve against
 * tests/pages, so the test pages' own references ("brief-ferry.json",
 * "ad.png", "../../samples/harbour.json") load and the fuzzer gets past the
 * articles into slots, boxes and jumps.  The loader must return a plan or
 * an error naming the file and a place in it (fuzz-plan.h).  A plan is
 * then walked as composition would take it, with the style it names (or
 * tests/fuzz/small.ini) for its slots' grid lines; composing is left out,
 * as a page's layout takes far longer than a fuzzer's input should.
 *
 * Built with -Dfuzzing=true it is a libFuzzer target; otherwise
 * fuzz-replay.c replays corpus-page/ as a test.
 */
#include "fuzz-input.h"
#include "fuzz-plan.h"

#include <stdlib.h>

#define NAME FUZZ_PAGES "/fuzz.json"

/* The style the plan names, as `jopan page` would load it, or small.ini. */
static JopanStyle *
plan_style (const JopanPagePlan *plan)
{
  const char *name = jopan_page_plan_get_style (plan);
  g_autoptr (GError) error = NULL;
  JopanStyle *style = NULL;

  if (name)
    {
      style = jopan_style_load (name, FUZZ_DATA_DIR, &error);
      fuzz_check_result (style != NULL, error, "jopan_style_load");
    }
  if (style == NULL && (style = jopan_style_load (FUZZ_STYLE, FUZZ_DATA_DIR, NULL)) == NULL)
    abort ();
  return style;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;
  g_autoptr (JopanStyle) style = NULL;

  if (size > JOPAN_MAX_PAGE_FILE_BYTES)
    return 0;
  text = fuzz_plan_text (data, size);
  plan = jopan_page_plan_load_from_data (text, size, NAME, &error);
  fuzz_check_result (plan != NULL, error, "jopan_page_plan_load_from_data");
  if (plan == NULL)
    {
      fuzz_plan_check_message (error, NAME);
      return 0;
    }
  if (plan->edition_pages != 0)
    abort ();
  style = plan_style (plan);
  fuzz_plan_check (plan, style);
  return 0;
}
