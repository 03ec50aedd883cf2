/* test-typeset.c — hyphenation points and setting paragraphs into lines. */
#include "jopan-private.h"

#include <hyphen.h>
#include <string.h>

#define SHY "\xC2\xAD"

static void
test_hyphenate (void)
{
  HyphenDict *dict = hnj_hyphen_load ("/usr/share/hyphen/hyph_en_US.dic");
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  JopanSpan span = { 4, 14, JOPAN_SPAN_EMPHASIS }; /* "developers" */
  g_autofree char *out = NULL;

  g_assert_nonnull (dict);
  g_array_append_val (spans, span);
  out = jopan_hyphenate (dict, "the developers say short words stay; see https://example.com/information", spans);
  /* Long words take soft hyphens; words under six letters and URLs do not. */
  g_assert_nonnull (strstr (out, "de" SHY "vel" SHY "op" SHY "ers"));
  g_assert_nonnull (strstr (out, " short words stay;"));
  g_assert_nonnull (strstr (out, "https://example.com/information"));
  /* The emphasis still covers exactly the word. */
  span = g_array_index (spans, JopanSpan, 0);
  {
    g_autofree char *word = g_strndup (out + span.start, span.end - span.start);
    g_assert_cmpstr (word, ==, "de" SHY "vel" SHY "op" SHY "ers");
  }
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
