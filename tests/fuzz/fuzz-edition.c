/* fuzz-edition — the edition file loader (`jopan edition EDITION.json`)
 * under a fuzzer.
 *
 * The input is the text of an edition file, read as if it were
 * samples/edition/fuzz.json: its articles and boxes resolve against
 * samples/edition, so the sample edition's references ("en/tax-rise.json",
 * "../ads/aldwick-mutual.png") and the test editions' ("../../samples/...")
 * load.  The loader must return an edition or an error naming the file and
 * a place in it (fuzz-plan.h).  An edition is then walked as a run would
 * take it before composing: every page numbered in order and checked as
 * fuzz-page checks a page, every jump landing on another page of the
 * edition, no page carrying more than JOPAN_MAX_CARRIED continuations, the
 * pages in an order where each comes after the pages whose stories jump to
 * it (found here by repeatedly taking a page nothing still jumps to, not by
 * the loader's own walk), and each page's output file named.  Composing is
 * left out: far too slow for a fuzzer's input.
 *
 * Built with -Dfuzzing=true it is a libFuzzer target; otherwise
 * fuzz-replay.c replays corpus-edition/ as a test.
 */
#include "fuzz-input.h"
#include "fuzz-plan.h"

#include <stdio.h>
#include <stdlib.h>

#define NAME FUZZ_EDITION "/fuzz.json"

static JopanStyle *
small_style (void)
{
  static JopanStyle *style;

  if (style == NULL && (style = jopan_style_load (FUZZ_STYLE, FUZZ_DATA_DIR, NULL)) == NULL)
    abort ();
  return style;
}

G_GNUC_NORETURN static void
fail (const char *what)
{
  fprintf (stderr, "fuzz: edition: %s\n", what);
  abort ();
}

/* Jumps: on the edition's pages, at most JOPAN_MAX_CARRIED onto one page,
 * and no cycle (every page taken once all that jump to it are). */
static void
check_jumps (const JopanEdition *edition)
{
  guint n = edition->pages->len;
  g_autofree guint *into = g_new0 (guint, n);
  g_autofree guint *ready = g_new0 (guint, n);
  guint n_ready = 0, taken = 0;

  for (guint p = 0; p < n; p++)
    {
      const JopanPagePlan *plan = g_ptr_array_index (edition->pages, p);
      for (guint s = 0; s < plan->stories->len; s++)
        {
          guint jump = ((const JopanPageStory *) g_ptr_array_index (plan->stories, s))->jump;
          if (jump > n || jump == p + 1)
            fail ("a jump off the edition or onto its own page");
          if (jump && ++into[jump - 1] > JOPAN_MAX_CARRIED)
            fail ("a page carries too many continued stories");
        }
    }
  for (guint p = 0; p < n; p++)
    if (into[p] == 0)
      ready[n_ready++] = p;
  while (n_ready > 0)
    {
      const JopanPagePlan *plan = g_ptr_array_index (edition->pages, ready[--n_ready]);
      taken++;
      for (guint s = 0; s < plan->stories->len; s++)
        {
          guint jump = ((const JopanPageStory *) g_ptr_array_index (plan->stories, s))->jump;
          if (jump && --into[jump - 1] == 0)
            ready[n_ready++] = jump - 1;
        }
    }
  if (taken != n)
    fail ("jumps in a cycle");
}

static void
check_edition (const JopanEdition *edition)
{
  guint n = jopan_edition_get_n_pages (edition);
  const char *style = jopan_edition_get_style (edition);

  if (n < 1 || n > JOPAN_MAX_EDITION_PAGES || n != edition->pages->len)
    fail ("a page count out of range");
  if (style && *style == '\0')
    fail ("an empty style");
  for (const char *const *w = jopan_edition_get_warnings (edition); *w; w++)
    if (**w == '\0')
      fail ("an empty warning");
  for (guint i = 0; i < n; i++)
    {
      const JopanPagePlan *plan = g_ptr_array_index (edition->pages, i);
      g_autofree char *file = jopan_page_file_name ("edition.pdf", i, n);

      if (plan->number != i + 1 || plan->edition_pages != n || g_strcmp0 (plan->style, style) != 0)
        fail ("a page out of order, or without the edition's style");
      if (file == NULL || (n > 1 && g_strcmp0 (file, "edition.pdf") == 0))
        fail ("a page's file unnamed");
      fuzz_plan_check (plan, small_style ());
    }
  check_jumps (edition);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) edition = NULL;

  if (size > 256 * 1024)
    return 0;
  text = fuzz_plan_text (data, size);
  edition = jopan_edition_load_from_data (text, size, NAME, &error);
  fuzz_check_result (edition != NULL, error, "jopan_edition_load_from_data");
  if (edition == NULL)
    fuzz_plan_check_message (error, NAME);
  else
    check_edition (edition);
  return 0;
}
