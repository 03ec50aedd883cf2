/* test-typeset.c — hyphenation points and setting paragraphs into lines. */
#include "jopan-private.h"

#include <hyphen.h>
#include <string.h>


static GString *
with_points (const char *text, const GArray *points)
{
  GString *out = g_string_new (NULL);
  guint from = 0;

  for (guint i = 0; i < points->len; i++)
    {
      guint at = g_array_index (points, guint, i);
      g_string_append_len (out, text + from, at - from);
      g_string_append_c (out, '-');
      from = at;
    }
  g_string_append (out, text + from);
  return out;
}

static void
test_hyphenate (void)
{
  HyphenDict *dict = hnj_hyphen_load ("/usr/share/hyphen/hyph_en_US.dic");
  const char *text = "the developers say short words stay; see https://example.com/information and "
                     "\xEA\xB0\x80\xEB\x82\x98\xEB\x8B\xA4\xEB\x9D\xBC\xEB\xA7\x88\xEB\xB0\x94 (Hangul)";
  g_autoptr (GArray) points = NULL;
  g_autoptr (GString) shown = NULL;

  g_assert_nonnull (dict);
  points = jopan_hyphen_points (dict, text);
  shown = with_points (text, points);
  /* Long words take hyphenation points; words under six letters, URLs and
   * Hangul do not. */
  g_assert_cmpstr (shown->str, ==, "the de-vel-op-ers say short words stay; see https://example.com/information and "
                                   "\xEA\xB0\x80\xEB\x82\x98\xEB\x8B\xA4\xEB\x9D\xBC\xEB\xA7\x88\xEB\xB0\x94 (Hangul)");
  hnj_hyphen_free (dict);
}

static void
test_lines (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  g_autoptr (JopanText) text = NULL;
  double width = 150;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  text = jopan_typeset (&ts, JOPAN_PARA_BODY,
                        "The approved scheme would anchor four turbines on the seabed about six "
                        "hundred metres beyond the breakwater, where spring tides run fast.",
                        NULL, width, 9, "test");
  g_assert_cmpuint (text->lines->len, >=, 3);
  g_assert_cmpfloat (text->leading, ==, style->baseline);
  for (guint i = 0; i < text->lines->len; i++)
    {
      const JopanLine *line = &g_array_index (text->lines, JopanLine, i);
      /* Justified lines fill the measure; none overflows it. */
      g_assert_cmpfloat (line->x + line->width, <=, width + 0.01);
      if (i + 1 < text->lines->len)
        g_assert_cmpfloat (line->x + line->width, >=, width - 0.5);
    }
  g_assert_cmpfloat (g_array_index (text->lines, JopanLine, 0).x, ==, 9);
  g_assert_cmpuint (jopan_report_get_n (report), ==, 0);
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

static void
test_missing_glyph (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  const char *kind;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  jopan_text_free (jopan_typeset (&ts, JOPAN_PARA_BODY, "A hieroglyph \xF0\x93\x80\x80 here.", NULL, 200, 0,
                                  "body paragraph 1"));
  g_assert_cmpuint (jopan_report_get_n (report), ==, 1);
  g_assert_cmpstr (jopan_report_get (report, 0, &kind), ==,
                   "body paragraph 1: no bundled font has U+13000 \"\xF0\x93\x80\x80\"");
  g_assert_cmpstr (kind, ==, "missing-glyph");
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/typeset/hyphenate", test_hyphenate);
  g_test_add_func ("/typeset/lines", test_lines);
  g_test_add_func ("/typeset/missing-glyph", test_missing_glyph);
  return g_test_run ();
}
