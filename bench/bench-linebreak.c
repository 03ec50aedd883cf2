/* bench-linebreak — first fit against total fit on the samples' body text.
 *
 *   bench-linebreak [SOURCE_ROOT] [REPEAT]
 *
 * Sets every body paragraph of the samples (samples/NAME.json) at the berliner column
 * width, in the style of the story's language ([body:ko]), with each
 * breaking mode (and, for Korean, each korean-break mode) and prints, per
 * mode: the word space of justified lines relative to the natural space
 * (median, 95th percentile, max, and p95 over the median), the hyphenated
 * lines, the breaks inside Korean words, violations of the line-edge
 * rules, and the time per paragraph.  "plain" is total fit as it was
 * before justification took letter-spacing and glyph scaling and keep-all
 * its fallback (expansion 0 %, letters parting by 0.012 em in Latin and
 * 0.05 em in Hangul and never closing, max-word-space none); "even" is the
 * style as it is.  Times are printed as a ratio to first fit measured in
 * the same run: never compare absolute times across machines.
 */
#include "jopan-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  GArray *spaces;   /* of double: space widths over the natural space */
  GArray *line_spaces; /* of double: per line of 3 spaces or more, their mean (as
                        * /work/shared/tools/pdfcheck.py spacing reads a PDF) */
  guint lines, hyphens, inner, violations;
  double seconds;
  guint paragraphs;
} Result;

static int
by_value (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
quantile (GArray *values, double q)
{
  if (values->len == 0)
    return 0;
  return g_array_index (values, double, (guint) (q * (values->len - 1)));
}

static gboolean
violates (const char *line, gboolean last_of_paragraph)
{
  static const char *const closing[] = { ")", "”", "’", ".", ",", "?", "!", "·", ":", ";", "%", "…", NULL };
  static const char *const opening[] = { "(", "“", "‘", NULL };

  for (int k = 0; closing[k]; k++)
    if (g_str_has_prefix (line, closing[k]))
      return TRUE;
  for (int k = 0; opening[k] && !last_of_paragraph; k++)
    if (g_str_has_suffix (line, opening[k]))
      return TRUE;
  return FALSE;
}

/* Space glyphs of a justified line, each over the natural space (both
 * before the style's horizontal scale, @scale; the line's own glyph
 * scaling counts). */
static void
measure_spaces (const JopanLine *line, double natural, double scale, GArray *out, GArray *per_line)
{
  PangoLayoutLine *l = pango_layout_get_line_readonly (line->layout, 0);
  const char *text = pango_layout_get_text (line->layout);
  guint first = out->len;
  double sum = 0;

  for (GSList *r = l->runs; r; r = r->next)
    {
      PangoGlyphItem *run = r->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++)
        if (text[run->item->offset + run->glyphs->log_clusters[g]] == ' ')
          {
            double ratio = run->glyphs->glyphs[g].geometry.width / (double) PANGO_SCALE / natural
                           * line->scale / scale;
            g_array_append_val (out, ratio);
          }
    }
  for (guint i = first; i < out->len; i++)
    sum += g_array_index (out, double, i);
  if (out->len - first >= 3)
    {
      double mean = sum / (out->len - first);
      g_array_append_val (per_line, mean);
    }
}

static double
natural_space (JopanTypesetter *ts)
{
  g_autoptr (JopanText) t = jopan_typeset (ts, JOPAN_PARA_BODY, "a a", NULL, 1000, 0, "bench");
  g_autoptr (JopanText) u = jopan_typeset (ts, JOPAN_PARA_BODY, "aa", NULL, 1000, 0, "bench");
  return (g_array_index (t->lines, JopanLine, 0).width - g_array_index (u->lines, JopanLine, 0).width)
         / ts->style->para[JOPAN_PARA_BODY].scale;
}

/* Total fit as it was before letter-spacing, glyph scaling and keep-all's
 * fallback, for the same group ("body" or "body:ko"). */
static void
set_plain (JopanStyle *style, const char *group, gboolean korean)
{
  g_autofree char *expansion = g_strdup_printf ("%s.expansion=0%%", group);
  g_autofree char *letters = g_strdup_printf ("%s.letter-spacing=0em %s", group, korean ? "0.05em" : "0.012em");
  g_autofree char *fallback = g_strdup_printf ("%s.max-word-space=none", group);

  jopan_style_set (style, expansion, NULL);
  jopan_style_set (style, letters, NULL);
  jopan_style_set (style, fallback, NULL);
}

static void
run_mode (JopanFonts *fonts, const char *root, const JopanArticle *article, const char *breaking,
          const char *korean, int repeat, Result *res)
{
  g_autoptr (JopanStyle) base = jopan_style_load ("berliner", root, NULL);
  const char *lang = jopan_article_get_lang (article);
  gboolean is_korean = g_str_has_prefix (lang, "ko");
  const char *group = is_korean ? "body:ko" : "body";
  gboolean plain = strcmp (breaking, "plain") == 0;
  g_autofree char *set_breaking = g_strdup_printf ("%s.line-breaking=%s", group,
                                                   plain || strcmp (breaking, "even") == 0 ? "optimal" : breaking);
  g_autofree char *set_korean = g_strdup_printf ("%s.korean-break=%s", group, korean);
  JopanReport *report = jopan_report_new ();
  double width, natural;
  JopanStyle resolved, *style = &resolved;
  JopanTypesetter ts;
  gint64 start;

  jopan_style_set (base, set_breaking, NULL);
  jopan_style_set (base, set_korean, NULL);
  if (plain)
    set_plain (base, group, is_korean);
  jopan_style_resolve (base, lang, lang, &resolved);
  width = (style->page_width - style->margin[1] - style->margin[3] - (style->columns - 1) * style->gutter)
          / style->columns;
  jopan_typesetter_init (&ts, fonts, style, lang, report);
  natural = natural_space (&ts);
  *res = (Result) { .spaces = g_array_new (FALSE, FALSE, sizeof (double)),
                    .line_spaces = g_array_new (FALSE, FALSE, sizeof (double)) };
  start = g_get_monotonic_time ();
  for (int round = 0; round < repeat; round++)
    for (guint b = 0; b < article->blocks->len; b++)
      {
        const JopanBlock *block = g_ptr_array_index (article->blocks, b);
        g_autoptr (JopanText) t = NULL;

        if (block->kind != JOPAN_BLOCK_PARAGRAPH)
          continue;
        t = jopan_typeset (&ts, JOPAN_PARA_BODY, block->text, block->spans, width,
                           style->para[JOPAN_PARA_BODY].indent, "bench");
        res->paragraphs++;
        if (round > 0)
          continue;
        for (guint i = 0; i < t->lines->len; i++)
          {
            const JopanLine *line = &g_array_index (t->lines, JopanLine, i);
            gboolean last = i + 1 == t->lines->len;
            res->lines++;
            res->hyphens += line->hyphen;
            res->inner += line->inner;
            res->violations += violates (pango_layout_get_text (line->layout), last);
            if (!last)
              measure_spaces (line, natural, style->para[JOPAN_PARA_BODY].scale, res->spaces,
                              res->line_spaces);
          }
      }
  res->seconds = (g_get_monotonic_time () - start) / 1e6;
  g_array_sort (res->spaces, by_value);
  g_array_sort (res->line_spaces, by_value);
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* Adds @r's figures to @total (its spaces made on first use). */
static void
merge (Result *total, const Result *r)
{
  if (total->spaces == NULL)
    total->spaces = g_array_new (FALSE, FALSE, sizeof (double));
  if (total->line_spaces == NULL)
    total->line_spaces = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_vals (total->spaces, r->spaces->data, r->spaces->len);
  g_array_append_vals (total->line_spaces, r->line_spaces->data, r->line_spaces->len);
  total->lines += r->lines, total->hyphens += r->hyphens, total->inner += r->inner;
  total->violations += r->violations, total->seconds += r->seconds, total->paragraphs += r->paragraphs;
}

static void
print_row (const char *sample, const char *breaking, const char *korean, const Result *r, double baseline)
{
  printf ("%-14s %-8s %-9s %6.2f %6.2f %6.2f %7.2f %8.2f %8u %7u %6u %10u %9.0f %7.2fx\n", sample, breaking,
          korean, quantile (r->spaces, 0.5), quantile (r->spaces, 0.95),
          r->spaces->len ? g_array_index (r->spaces, double, r->spaces->len - 1) : 0,
          quantile (r->spaces, 0.95) / MAX (quantile (r->spaces, 0.5), 1e-9),
          quantile (r->line_spaces, 0.95) / MAX (quantile (r->line_spaces, 0.5), 1e-9), r->hyphens,
          r->inner, r->lines, r->violations, 1e6 * r->seconds / MAX (r->paragraphs, 1),
          baseline > 0 ? r->seconds / baseline : 1.0);
}

int
main (int argc, char **argv)
{
  const char *root = argc > 1 ? argv[1] : ".";
  int repeat = argc > 2 ? atoi (argv[2]) : 5;
  static const char *const samples[] = { "harbour", "bridge-closure", "library-warm",
                                         "seoul-market", "island-ferry", "rail-forest" };
  static const char *const korean_modes[] = { "syllable", "keep-all", "auto" };
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, root, &error);
  Result totals[2][3][2] = { { { { 0 } } } }; /* [korean][mode][plain, even] */

  if (fonts == NULL)
    {
      fprintf (stderr, "bench-linebreak: %s\n", error->message);
      return 1;
    }
  printf ("word space of justified lines over the natural space (each space; line p95: p95 over the "
          "median of each line's mean, lines of 3 spaces or more); time per paragraph (us) and as a "
          "ratio to first fit\n");
  printf ("%-14s %-8s %-9s %6s %6s %6s %7s %8s %8s %7s %6s %10s %9s %8s\n", "sample", "breaking", "korean",
          "median", "p95", "max", "p95/med", "line p95", "hyphens", "inner", "lines", "violations",
          "us/para", "time");
  for (gsize s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_autofree char *path = g_strdup_printf ("%s/samples/%s.json", root, samples[s]);
      g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
      gboolean korean = article && strcmp (jopan_article_get_lang (article), "ko") == 0;

      if (article == NULL)
        {
          fprintf (stderr, "bench-linebreak: %s\n", error->message);
          return 1;
        }
      for (gsize k = 0; k < (korean ? G_N_ELEMENTS (korean_modes) : 1); k++)
        {
          Result greedy, plain, even;
          run_mode (fonts, root, article, "greedy", korean_modes[k], repeat, &greedy);
          run_mode (fonts, root, article, "plain", korean_modes[k], repeat, &plain);
          run_mode (fonts, root, article, "even", korean_modes[k], repeat, &even);
          print_row (samples[s], "greedy", korean ? korean_modes[k] : "-", &greedy, greedy.seconds);
          print_row (samples[s], "plain", korean ? korean_modes[k] : "-", &plain, greedy.seconds);
          print_row (samples[s], "even", korean ? korean_modes[k] : "-", &even, greedy.seconds);
          merge (&totals[korean][k][0], &plain);
          merge (&totals[korean][k][1], &even);
          g_array_unref (greedy.spaces), g_array_unref (greedy.line_spaces);
          g_array_unref (plain.spaces), g_array_unref (plain.line_spaces);
          g_array_unref (even.spaces), g_array_unref (even.line_spaces);
        }
    }
  printf ("all samples, before (plain) and after (even):\n");
  for (int korean = 0; korean < 2; korean++)
    for (int k = 0; k < (korean ? 3 : 1); k++)
      for (int e = 0; e < 2; e++)
        {
          Result *r = &totals[korean][k][e];
          g_array_sort (r->spaces, by_value);
          g_array_sort (r->line_spaces, by_value);
          print_row (korean ? "all ko" : "all en", e ? "even" : "plain", korean ? korean_modes[k] : "-", r,
                     totals[korean][k][0].seconds);
          g_array_unref (r->spaces);
          g_array_unref (r->line_spaces);
        }
  return 0;
}
