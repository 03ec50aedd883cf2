/* test-typeset.c — hyphenation points and setting paragraphs into lines. */
#include "jopan-private.h"

#include <hyphen.h>
#include <math.h>
#include <string.h>


static GString *
with_points (const char *text, const GArray *points)
{
  GString *out = g_string_new (NULL);
  guint from = 0;

  for (guint i = 0; i < points->len; i++)
    {
      guint point = g_array_index (points, guint, i), at = point & ~JOPAN_HYPHEN_NAME;
      g_string_append_len (out, text + from, at - from);
      /* '=': a point inside a capitalised word (a name, most often). */
      g_string_append_c (out, point & JOPAN_HYPHEN_NAME ? '=' : '-');
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
  points = jopan_hyphen_points (dict, text, TRUE);
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
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
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
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  const char *kind;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  /* One finding per character and article, with a count: a text set
   * twice (a headline tried at two sizes) counts once. */
  for (int twice = 0; twice < 2; twice++)
    jopan_text_free (jopan_typeset (&ts, JOPAN_PARA_BODY, "A hieroglyph \xF0\x93\x80\x80 here \xF0\x93\x80\x80.",
                                    NULL, 200, 0, "body paragraph 1"));
  jopan_text_free (jopan_typeset (&ts, JOPAN_PARA_BODY, "And \xF0\x93\x80\x80 again.", NULL, 200, 0,
                                  "body paragraph 2"));
  g_assert_cmpuint (jopan_report_get_n (report), ==, 0);
  jopan_typesetter_report_missing (&ts, "story.json");
  g_assert_cmpuint (jopan_report_get_n (report), ==, 1);
  g_assert_cmpstr (jopan_report_get (report, 0, &kind), ==,
                   "body paragraph 1: no bundled font has U+13000 \"\xF0\x93\x80\x80\" (3 times in "
                   "story.json)");
  g_assert_cmpstr (kind, ==, "missing-glyph");
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* The family of the font Pango chose for the run holding byte @index. */
static char *
family_at (const JopanText *t, int index)
{
  const JopanLine *line = &g_array_index (t->lines, JopanLine, 0);
  PangoLayoutLine *l = jopan_layout_line (line->layout, 0);

  for (GSList *r = l->runs; r; r = r->next)
    {
      PangoGlyphItem *run = r->data;
      if (index >= run->item->offset && index < run->item->offset + run->item->length)
        {
          PangoFontDescription *desc = pango_font_describe (run->item->analysis.font);
          char *family = g_strdup (pango_font_description_get_family (desc));
          pango_font_description_free (desc);
          return family;
        }
    }
  return NULL;
}

static void
test_mixed_scripts (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  const char *english = "Seoul (\xEC\x84\x9C\xEC\x9A\xB8, \xE9\xA6\x96\xE7\x88\xBE) grew.";
  const char *korean = "\xEC\xA1\xB0\xEB\xAA\x85 LED 340\xEA\xB0\x9C";
  g_autoptr (JopanText) en = NULL;
  g_autoptr (JopanText) ko = NULL;
  g_autofree char *latin_in_en = NULL, *hangul_in_en = NULL, *hanja_in_en = NULL, *latin_in_ko = NULL;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  en = jopan_typeset (&ts, JOPAN_PARA_BODY, english, NULL, 400, 0, "test");
  jopan_typesetter_clear (&ts);
  jopan_typesetter_init (&ts, fonts, style, "ko", report);
  ko = jopan_typeset (&ts, JOPAN_PARA_BODY, korean, NULL, 400, 0, "test");
  jopan_typesetter_clear (&ts);
  /* Hangul and Hanja inside English find a face that has them; nothing is
   * missing.  Latin inside Korean comes from the Hangul face. */
  g_assert_cmpuint (jopan_report_get_n (report), ==, 0);
  latin_in_en = family_at (en, 0);
  hangul_in_en = family_at (en, 7);
  hanja_in_en = family_at (en, 15);
  latin_in_ko = family_at (ko, 7);
  g_assert_cmpstr (latin_in_en, ==, "Noto Serif");
  g_assert_cmpstr (hangul_in_en, ==, "NanumMyeongjo");
  /* Hanja in serif text stay serif (they came from NanumGothic). */
  g_assert_cmpstr (hanja_in_en, ==, "Noto Serif CJK KR");
  g_assert_cmpstr (latin_in_ko, ==, "NanumMyeongjo");
  jopan_report_free (report);
}

/* The size Pango set the run holding byte @index at, points. */
static double
size_at (const JopanText *t, int index)
{
  PangoLayoutLine *l = jopan_layout_line (g_array_index (t->lines, JopanLine, 0).layout, 0);

  for (GSList *r = l->runs; r; r = r->next)
    {
      PangoGlyphItem *run = r->data;
      if (index >= run->item->offset && index < run->item->offset + run->item->length)
        {
          PangoFontDescription *desc = pango_font_describe (run->item->analysis.font);
          double size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
          pango_font_description_free (desc);
          return size;
        }
    }
  return 0;
}

/* Arabic, Hebrew and emoji inside English find bundled faces (nothing is
 * reported missing); Hanja in a sans style keep the sans face; Hangul in
 * English is set at the style's hangul-size. */
static void
test_every_script (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  /* "Ali علي, David דוד, 😀 首爾 서울" */
  const char *text = "Ali \xD8\xB9\xD9\x84\xD9\x8A, David \xD7\x93\xD7\x95\xD7\x93, \xF0\x9F\x98\x80 "
                     "\xE9\xA6\x96\xE7\x88\xBE \xEC\x84\x9C\xEC\x9A\xB8";
  g_autoptr (JopanText) body = NULL;
  g_autoptr (JopanText) caption = NULL;
  g_autofree char *arabic = NULL, *hebrew = NULL, *emoji = NULL, *hanja_sans = NULL;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  body = jopan_typeset (&ts, JOPAN_PARA_BODY, text, NULL, 400, 0, "test");
  caption = jopan_typeset (&ts, JOPAN_PARA_CAPTION, text, NULL, 400, 0, "test");
  jopan_typesetter_report_missing (&ts, "test");
  jopan_typesetter_clear (&ts);
  g_assert_cmpuint (jopan_report_get_n (report), ==, 0);
  arabic = family_at (body, 4);
  hebrew = family_at (body, 18);
  emoji = family_at (body, 26);
  hanja_sans = family_at (caption, 31);
  g_assert_cmpstr (arabic, ==, "Noto Naskh Arabic");
  g_assert_cmpstr (hebrew, ==, "Noto Serif Hebrew");
  g_assert_cmpstr (emoji, ==, "Symbola");
  g_assert_cmpstr (hanja_sans, ==, "NanumGothic");
  g_assert_cmpfloat_with_epsilon (size_at (body, 0), 9.2, 0.01);
  g_assert_cmpfloat_with_epsilon (size_at (body, 38), 9.2 * 1.06, 0.01);
  jopan_report_free (report);
}

/* Every mandatory break (CR, CR LF, VT, FF, NEL, U+2028, U+2029) starts a
 * new line and loses nothing after it: Pango would end its paragraph there. */
static void
test_forced_breaks (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  g_autoptr (JopanText) text = NULL;
  g_autoptr (GString) all = g_string_new (NULL);

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  text = jopan_typeset (&ts, JOPAN_PARA_HEADLINE,
                        "one\rtwo\r\nthree\vfour\ffive\xC2\x85" "six\xE2\x80\xA8" "seven\xE2\x80\xA9" "eight",
                        NULL, 600, 0, "test");
  for (guint i = 0; i < text->lines->len; i++)
    {
      const JopanLine *line = &g_array_index (text->lines, JopanLine, i);
      g_string_append_printf (all, "%s|", pango_layout_get_text (line->layout));
    }
  g_assert_cmpstr (all->str, ==, "one|two|three|four|five|six|seven|eight|");
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* The patterns are loaded once per font set, not by every story (loading
 * them took most of a composed page's time): two typesetters share them. */
static void
test_hyphenator_shared (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter a, b;

  g_assert_no_error (error);
  jopan_typesetter_init (&a, fonts, style, "en", report);
  jopan_typesetter_init (&b, fonts, style, "en", report);
  g_assert_nonnull (a.hyphenator);
  g_assert_true (a.hyphenator == b.hyphenator);
  jopan_typesetter_clear (&a);
  jopan_typesetter_clear (&b);
  jopan_report_free (report);
}


/* The true width of the first line of @text set in @style's body. */
static double
first_width (JopanFonts *fonts, const JopanStyle *style, const char *text, double *scale)
{
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  g_autoptr (JopanText) t = NULL;
  double width;

  jopan_typesetter_init (&ts, fonts, style, "ko", report);
  t = jopan_typeset (&ts, JOPAN_PARA_BODY, text, NULL, 1000, 0, "test");
  width = g_array_index (t->lines, JopanLine, 0).true_width;
  if (scale)
    *scale = g_array_index (t->lines, JopanLine, 0).scale;
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
  return width;
}

/* 장평 is a real horizontal scale of the glyphs as shaped: a line set at
 * 92 % is drawn (and measured) 0.92 times as wide, its glyphs the same;
 * 자간 (tracking -2%) takes 0.02 em from every gap between syllables. */
static void
test_scale_and_tracking (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  const char *text = "가나다라마바사";
  double plain, scaled, tracked, scale = 0;

  g_assert_no_error (error);
  g_assert_true (jopan_style_set (style, "body.font=NanumMyeongjo 10", &error));
  plain = first_width (fonts, style, text, NULL);
  g_assert_true (jopan_style_set (style, "body.scale=92%", &error));
  scaled = first_width (fonts, style, text, &scale);
  g_assert_true (jopan_style_set (style, "body.scale=100%", &error));
  g_assert_true (jopan_style_set (style, "body.tracking=-2%", &error));
  tracked = first_width (fonts, style, text, NULL);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (scale, 0.92, 1e-9);
  g_assert_cmpfloat_with_epsilon (scaled, 0.92 * plain, 0.01);
  /* Pango spaces the 6 gaps between the 7 syllables, not the line's ends. */
  g_assert_cmpfloat_with_epsilon (tracked, plain - 6 * 0.02 * 10, 0.01);
}

/* A justified line's glyphs are scaled in steps of 1/1000 (each scale is
 * a font cairo makes anew), and its spaces take the rest: the line still
 * fills its measure. */
static void
test_scale_steps (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  g_autoptr (JopanText) t = NULL;
  guint scaled = 0;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  t = jopan_typeset (&ts, JOPAN_PARA_BODY,
                     "The harbour board met on Thursday night and voted to keep the old "
                     "crane, which has stood over the east quay since the war, as a "
                     "landmark for visitors arriving by the evening ferry from the islands, "
                     "though the cost of painting it every other summer worried several "
                     "members who asked what else the money could buy for the town.",
                     NULL, 140, 0, "test");
  for (guint i = 0; i + 1 < t->lines->len; i++)
    {
      const JopanLine *l = &g_array_index (t->lines, JopanLine, i);
      double steps = l->scale * 1000;

      g_assert_cmpfloat_with_epsilon (steps, round (steps), 1e-6);
      g_assert_cmpfloat_with_epsilon (l->width, 140, 0.01);
      scaled += fabs (l->scale - 1) > 1e-9;
    }
  g_assert_cmpuint (scaled, >, 0);
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* Straight quotes become typographic by language; code spans keep theirs
 * and every span moves with its text. */
static void
test_smart_quotes (void)
{
  const char *text = "Workers' 'behind' \"arrest\" in the '90s: \"김 씨의 '말'\" `a='b'` end";
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  g_autoptr (GArray) moved = NULL;
  JopanSpan code = { (guint) (strstr (text, "`") - text), (guint) (strstr (text, " end") - text),
                     JOPAN_SPAN_CODE, NULL };
  g_autofree char *en = NULL, *de = NULL;
  const JopanSpan *m;

  g_array_append_val (spans, code);
  en = jopan_smart_quotes (text, spans, "en", &moved);
  g_assert_cmpstr (en, ==, "Workers’ ‘behind’ “arrest” in the ’90s: “김 씨의 ‘말’” `a='b'` end");
  m = &g_array_index (moved, JopanSpan, 0);
  g_assert_cmpint (strncmp (en + m->start, "`a='b'`", m->end - m->start), ==, 0);
  de = jopan_smart_quotes ("Er sagte \"ja\".", NULL, "de", NULL);
  g_assert_cmpstr (de, ==, "Er sagte „ja“.");
}

/* A pull quote's opening mark hangs into the margin: the line starts left
 * of the column by the mark's width; a line without one does not. */
static void
test_hanging_quote (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  g_autoptr (JopanText) quote = NULL, body = NULL;

  g_assert_no_error (error);
  jopan_typesetter_init (&ts, fonts, style, "en", report);
  quote = jopan_typeset (&ts, JOPAN_PARA_QUOTE, "\"We will stay here,\" she said.", NULL, 150, 0, "q");
  body = jopan_typeset (&ts, JOPAN_PARA_BODY, "\"We will stay,\" she said.", NULL, 150, 0, "b");
  g_assert_cmpfloat (g_array_index (quote->lines, JopanLine, 0).x, <, -3);
  g_assert_cmpfloat (g_array_index (body->lines, JopanLine, 0).x, ==, 0);
  g_assert_true (g_str_has_prefix (pango_layout_get_text (g_array_index (quote->lines, JopanLine, 0).layout),
                                   "“We"));
  g_assert_cmpuint (jopan_report_get_n (report), ==, 0);
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* Capitalised words are most often names: their points are marked (the
 * breaker takes one only where nothing else keeps the lines within
 * tolerance), at a sentence's start as anywhere; the style's
 * hyphenate-capitalized treats them as any word. */
static void
test_capitalised (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  gpointer dict = fonts ? jopan_fonts_get_hyphenator (fonts, "en") : NULL;
  const char *text = "ALDWICK — Stallholders met Kinmarrow councillors on Wednesday. "
                     "“Developers listen,” Aldwick said.";
  g_autoptr (GArray) names = NULL, all = NULL;
  g_autoptr (GString) shown = NULL, plain = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (dict);
  names = jopan_hyphen_points (dict, text, FALSE);
  all = jopan_hyphen_points (dict, text, TRUE);
  shown = with_points (text, names);
  plain = with_points (text, all);
  g_assert_cmpstr (shown->str, ==, "ALD=WICK — Stall=hold=ers met Kin=mar=row coun-cil-lors on Wednes=day. "
                                   "“De=vel=op=ers lis-ten,” Ald=wick said.");
  g_assert_cmpstr (plain->str, ==, "ALD-WICK — Stall-hold-ers met Kin-mar-row coun-cil-lors on Wednes-day. "
                                   "“De-vel-op-ers lis-ten,” Ald-wick said.");
}

static const char *
line_text (const JopanText *t, guint i)
{
  return pango_layout_get_text (jopan_text_line (t, i)->layout);
}

/* The "loose" findings of @report. */
static guint
loose_findings (const JopanReport *report)
{
  guint n = 0;

  for (guint i = 0; i < jopan_report_get_n (report); i++)
    {
      const char *kind;
      jopan_report_get (report, i, &kind);
      n += strcmp (kind, "loose") == 0;
    }
  return n;
}

/* @text set in the body at @width by a typesetter of its own (it keeps
 * what it set), its findings added to @report. */
static JopanText *
set_body_anew (JopanFonts *fonts, const JopanStyle *style, JopanReport *report, const char *text,
               double width)
{
  JopanTypesetter ts;
  JopanText *t;

  jopan_typesetter_init (&ts, fonts, style, "en", report);
  t = jopan_typeset (&ts, JOPAN_PARA_BODY, text, NULL, width, 12, "retrack");
  jopan_typesetter_clear (&ts);
  return t;
}

/* A paragraph whose first line a long name leaves loose (no hyphenation
 * point in it) is set again a little tighter or looser, as a compositor
 * would track it: at the widths where that mends it, as many lines, none
 * loose, no name split; set once, the line is loose and reported. */
static void
test_retrack (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  const char *text = "Its new managing director, Priyanka Castell, who has run the mill’s sales since "
                     "2019, said the employee trust would keep investing in looms and a wood-chip boiler.";
  guint loose = 0, mended = 0;

  g_assert_no_error (error);
  for (double width = 120; width <= 200; width += 2)
    {
      JopanReport *once = jopan_report_new (), *again = jopan_report_new ();
      g_autoptr (JopanText) plain = NULL, tracked = NULL;

      jopan_typeset_retrack = FALSE;
      plain = set_body_anew (fonts, style, once, text, width);
      jopan_typeset_retrack = TRUE;
      tracked = set_body_anew (fonts, style, again, text, width);
      /* Broken on purpose: set once, every loose line stays (and is reported). */
      loose += loose_findings (once);
      if (loose_findings (once) > 0 && loose_findings (again) == 0)
        {
          g_test_message ("width %.0f: %s / %s", width, line_text (plain, 0), line_text (tracked, 0));
          g_assert_cmpuint (tracked->lines->len, ==, plain->lines->len);
          for (guint i = 0; i < tracked->lines->len; i++)
            g_assert_false (g_array_index (tracked->lines, JopanLine, i).hyphen
                            && g_ascii_isupper (*(strrchr (line_text (tracked, i), ' ') + 1)));
          mended++;
        }
      g_assert_cmpuint (loose_findings (again), <=, loose_findings (once));
      jopan_report_free (once);
      jopan_report_free (again);
    }
  g_test_message ("loose at %u widths set once, mended at %u", loose, mended);
  g_assert_cmpuint (loose, >, 0);
  g_assert_cmpuint (mended, >, 0);
}

/* What drawing @t depends on: each line's fields, its text and its glyphs. */
static void
describe_text (GString *out, const JopanText *t)
{
  g_string_append_printf (out, "leading %a para %d\n", t->leading, t->para);
  for (guint i = 0; i < t->lines->len; i++)
    {
      const JopanLine *l = &g_array_index (t->lines, JopanLine, i);
      PangoLayoutLine *pl = jopan_layout_line (l->layout, l->index);

      g_string_append_printf (out, "%d %a %a %d %d %a %a %a %a [%s]", l->index, l->x, l->width,
                              l->hyphen, l->inner, l->ratio, l->measure, l->true_width, l->scale,
                              pango_layout_get_text (l->layout));
      for (GSList *r = pl->runs; r; r = r->next)
        {
          PangoGlyphItem *run = r->data;
          for (int g = 0; g < run->glyphs->num_glyphs; g++)
            g_string_append_printf (out, " %u:%d", run->glyphs->glyphs[g].glyph,
                                    run->glyphs->glyphs[g].geometry.width);
        }
      g_string_append_c (out, '\n');
    }
}

/* Sets a story's texts twice (as two candidate modules would), under new
 * names the second time, and a third time with the body tracked (as
 * copyfit would), through @cache (may be NULL): the lines and the
 * findings. */
static void
set_story (GString *out, JopanFonts *fonts, const JopanStyle *base, JopanTypesetCache *cache)
{
  static const struct {
    JopanParaKind kind;
    const char *text;
    double width;
  } samples[] = {
    { JOPAN_PARA_BODY, "The approved scheme would anchor four \"turbines\" on the seabed about six "
      "hundred metres beyond the breakwater, where spring tides run extraordinarily fast.", 120 },
    { JOPAN_PARA_BODY, "A hieroglyph \xF0\x93\x80\x80 no font has,\nand a forced break.", 120 },
    { JOPAN_PARA_BODY, "WWW overfull", 4 },
    { JOPAN_PARA_HEADLINE, "Tidal turbines approved for the harbour mouth", 300 },
    { JOPAN_PARA_BODY, "Tidal turbines approved for the harbour mouth", 300 },
    { JOPAN_PARA_BODY, "Tidal turbines approved for the harbour mouth", 80 },
  };
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  JopanSpan emphasis = { 4, 12, JOPAN_SPAN_EMPHASIS, NULL };
  JopanSpan link = { 13, 27, JOPAN_SPAN_LINK, "https://example.com/turbines" };
  JopanReport *report = jopan_report_new ();
  JopanStyle style = *base;
  JopanTypesetter ts;

  g_array_append_val (spans, emphasis);
  g_array_append_val (spans, link);
  jopan_typesetter_init_cached (&ts, fonts, &style, "en", report, cache);
  jopan_typesetter_begin (&ts, report);
  for (int round = 0; round < 3; round++)
    {
      style.para[JOPAN_PARA_BODY].tracking = round == 2 ? 0.3 : base->para[JOPAN_PARA_BODY].tracking;
      for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
        {
          g_autofree char *where = g_strdup_printf ("round %d text %zu", round, i);
          g_autoptr (JopanText) t = jopan_typeset (&ts, samples[i].kind, samples[i].text,
                                                   i == 0 ? spans : NULL, samples[i].width,
                                                   i == 0 ? 9 : 0, where);
          describe_text (out, t);
        }
    }
  jopan_typesetter_report_missing (&ts, "story.json");
  for (guint i = 0; i < jopan_report_get_n (report); i++)
    {
      const char *kind;
      const char *message = jopan_report_get (report, i, &kind);
      g_string_append_printf (out, "%s: %s\n", kind, message);
    }
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* Texts from the cache are the texts set anew, line for line and glyph
 * for glyph, and their findings are reported as often as before: an
 * overfull line each time, a missing glyph once per story. */
static void
test_cache (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  g_autoptr (GString) uncached = g_string_new (NULL);
  g_autoptr (GString) cached = g_string_new (NULL);
  guint hits, misses;

  g_assert_no_error (error);
  /* Two stories of a page through one cache: the second finds every text. */
  for (int story = 0; story < 2; story++)
    {
      set_story (uncached, fonts, style, NULL);
      set_story (cached, fonts, style, cache);
    }
  g_assert_cmpstr (cached->str, ==, uncached->str);
  g_assert_nonnull (strstr (cached->str, "overfull: round 1 text 2"));
  g_assert_nonnull (strstr (cached->str, "missing-glyph: round 0 text 1: no bundled font has U+13000"));
  jopan_typeset_cache_counts (cache, &hits, &misses);
  g_assert_cmpuint (misses, ==, 6 + 5);
  g_assert_cmpuint (hits, ==, 6 + 1 + 18);
}

/* A text's key is its every byte: a text that differs in its last byte
 * alone, or is a byte longer, or is set a point wider, misses; the same
 * text hits, also when its first setting measured the style's spaces
 * (the key is kept before setting builds keys of its own). */
static void
test_cache_keys (void)
{
  static const char text[] = "The approved scheme would anchor four turbines on the seabed "
                             "about six hundred metres beyond the breakwater.";
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  g_autofree char *other = g_strdup (text);
  g_autofree char *longer = g_strconcat (text, "x", NULL);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  const struct { const char *text; double width; } sets[] = {
    { text, 200 }, { text, 200 }, { other, 200 }, { text, 201 }, { longer, 200 }, { text, 200 },
  };
  guint hits, misses;

  g_assert_no_error (error);
  other[strlen (other) - 1] = '!';
  g_assert_true (jopan_typesetter_init_cached (&ts, fonts, style, "en", report, cache));
  jopan_typesetter_begin (&ts, report);
  for (guint i = 0; i < G_N_ELEMENTS (sets); i++)
    jopan_text_free (jopan_typeset (&ts, JOPAN_PARA_BODY, sets[i].text, NULL, sets[i].width, 0,
                                    "keys"));
  jopan_typeset_cache_counts (cache, &hits, &misses);
  g_assert_cmpuint (misses, ==, 4);
  g_assert_cmpuint (hits, ==, 2);
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* A style's word space and hyphen are measured once for every cache set
 * with the same fonts (each page of an edition has a cache): a second
 * cache measures none, a style changed in a byte measures anew. */
static void
test_cache_spaces_shared (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanStyle tracked;
  int measured[3];

  g_assert_no_error (error);
  tracked = *style;
  tracked.para[JOPAN_PARA_BODY].tracking += 0.25;
  for (int round = 0; round < 3; round++)
    {
      g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
      JopanReport *report = jopan_report_new ();
      JopanTypesetter ts;
      int before = g_atomic_int_get (&jopan_typeset_spaces_measured);

      g_assert_true (jopan_typesetter_init_cached (&ts, fonts, round == 2 ? &tracked : style,
                                                   "en", report, cache));
      jopan_typesetter_begin (&ts, report);
      jopan_text_free (jopan_typeset (&ts, JOPAN_PARA_BODY, "Tidal turbines.", NULL, 200, 0, "t"));
      measured[round] = g_atomic_int_get (&jopan_typeset_spaces_measured) - before;
      jopan_typesetter_clear (&ts);
      jopan_report_free (report);
    }
  g_assert_cmpint (measured[0], ==, 1);
  g_assert_cmpint (measured[1], ==, 0);
  g_assert_cmpint (measured[2], ==, 1);
}

/* A paragraph set through a cache at widths, trackings and sizes in turn,
 * and again, as copyfit and the candidate modules would: @out gets the
 * lines. */
static void
set_variants (GString *out, JopanFonts *fonts, const JopanStyle *base, JopanTypesetCache *cache)
{
  static const char *const texts[] = {
    "Tidal turbines approved for the harbour mouth",
    "The approved scheme would anchor four turbines on the seabed about six hundred metres "
    "beyond the breakwater, where spring tides run extraordinarily fast and councillors "
    "worried about the fishermen.",
  };
  static const double widths[] = { 400, 80, 150, 400, 120, 80 };
  static const JopanParaKind kinds[] = { JOPAN_PARA_BODY, JOPAN_PARA_HEADLINE };
  JopanReport *report = jopan_report_new ();
  JopanStyle style = *base;
  JopanTypesetter ts;

  jopan_typesetter_init_cached (&ts, fonts, &style, "en", report, cache);
  for (int round = 0; round < 3; round++)
    {
      /* As copyfit: another tracking, then another size (a new pass). */
      jopan_typesetter_begin (&ts, report);
      style.para[JOPAN_PARA_BODY].tracking = base->para[JOPAN_PARA_BODY].tracking + 0.2 * round;
      style.para[JOPAN_PARA_HEADLINE].size = base->para[JOPAN_PARA_HEADLINE].size - round;
      for (gsize t = 0; t < G_N_ELEMENTS (texts); t++)
        for (gsize w = 0; w < G_N_ELEMENTS (widths); w++)
          for (gsize k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              g_autoptr (JopanText) text = jopan_typeset (&ts, kinds[k], texts[t], NULL, widths[w],
                                                          0, "variant");
              describe_text (out, text);
            }
    }
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

/* A paragraph shaped once serves every width, its hyphenation points every
 * tracking, and a one-line paragraph's line shares its layout: each text
 * comes out as set without a cache, glyph for glyph, and a shared layout
 * is never justified in place (the widths go back and forth). */
static void
test_cache_shaped (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  g_autoptr (GString) uncached = g_string_new (NULL);
  g_autoptr (GString) cached = g_string_new (NULL);
  guint shaped, shaped_hits, hyphens, hyphen_hits;

  g_assert_no_error (error);
  /* Counted as set once: a loose line's paragraph is shaped again. */
  jopan_typeset_retrack = FALSE;
  set_variants (uncached, fonts, style, NULL);
  set_variants (cached, fonts, style, cache);
  jopan_typeset_retrack = TRUE;
  g_assert_cmpstr (cached->str, ==, uncached->str);
  jopan_typeset_cache_parts (cache, &shaped, &shaped_hits, &hyphens, &hyphen_hits);
  /* Two texts in two styles, at three trackings and sizes, each shaped
   * once for its four widths (a width set again is a text found); the
   * body's points found at every width and tracking after the first. */
  g_assert_cmpuint (shaped, ==, 2 * 2 * 3);
  g_assert_cmpuint (shaped_hits, ==, 2 * 2 * 3 * 3);
  g_assert_cmpuint (hyphens, ==, 2);
  g_assert_cmpuint (hyphen_hits, ==, 2 * 3 * 4 - 2);
}

/* A paragraph with ligatures set with no tracking, then at two: shaped
 * twice (a spacing turns the ligatures off), the second time itemized as
 * the first, and respaced from it the third; set as without the cache. */
static void
test_cache_spaced_items (void)
{
  const char *text = "The office staff fled the flooded fields as the fire spread to the final flats.";
  static const double trackings[] = { 0, -0.1, 0.05 };
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  JopanStyle tracked;
  JopanTypesetter cached, fresh;
  gint taken = g_atomic_int_get (&jopan_paragraph_items_taken);
  guint shaped, respaced;

  g_assert_no_error (error);
  tracked = *style;
  jopan_typesetter_init_cached (&cached, fonts, &tracked, "en", NULL, cache);
  jopan_typesetter_init (&fresh, fonts, &tracked, "en", NULL);
  for (gsize t = 0; t < G_N_ELEMENTS (trackings); t++)
    {
      g_autoptr (JopanText) a = NULL;
      g_autoptr (JopanText) b = NULL;
      g_autoptr (GString) shown_a = g_string_new (NULL);
      g_autoptr (GString) shown_b = g_string_new (NULL);

      tracked.para[JOPAN_PARA_BODY].tracking = trackings[t];
      jopan_typesetter_begin (&cached, NULL);
      jopan_typesetter_begin (&fresh, NULL);
      a = jopan_typeset (&cached, JOPAN_PARA_BODY, text, NULL, 150, 0, "spaced");
      b = jopan_typeset (&fresh, JOPAN_PARA_BODY, text, NULL, 150, 0, "spaced");
      describe_text (shown_a, a);
      describe_text (shown_b, b);
      g_assert_cmpstr (shown_a->str, ==, shown_b->str);
    }
  jopan_typesetter_clear (&cached);
  jopan_typesetter_clear (&fresh);
  jopan_typeset_cache_shapings (cache, &shaped, &respaced);
  g_assert_cmpuint (shaped, ==, 2);
  g_assert_cmpuint (respaced, ==, 1);
  g_assert_cmpint (g_atomic_int_get (&jopan_paragraph_items_taken) - taken, ==, 1);
}

/* A one-line paragraph set a little tight is shrunk in a layout of its
 * own: the paragraph's shaped layout, kept by the cache, stays as shaped
 * for the next width, where the line shares it. */
static void
test_cache_tight (void)
{
  const char *text = "Tidal turbines approved for the harbour mouth";
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  JopanReport *report = jopan_report_new ();
  JopanTypesetter cached, fresh;
  double natural;

  g_assert_no_error (error);
  jopan_typesetter_init_cached (&cached, fonts, style, "en", report, cache);
  jopan_typesetter_init (&fresh, fonts, style, "en", report);
  {
    g_autoptr (JopanText) t = jopan_typeset (&fresh, JOPAN_PARA_BODY, text, NULL, 1000, 0, "tight");
    natural = g_array_index (t->lines, JopanLine, 0).true_width;
  }
  for (int i = 0; i < 3; i++)
    {
      double width = i == 1 ? natural + 40 : natural - 1 - i;
      g_autoptr (JopanText) a = jopan_typeset (&cached, JOPAN_PARA_BODY, text, NULL, width, 0, "tight");
      g_autoptr (JopanText) b = jopan_typeset (&fresh, JOPAN_PARA_BODY, text, NULL, width, 0, "tight");
      g_autoptr (GString) shown_a = g_string_new (NULL);
      g_autoptr (GString) shown_b = g_string_new (NULL);

      g_assert_cmpuint (a->lines->len, ==, 1);
      /* Set tight, then loose, then tight again. */
      g_assert_true ((g_array_index (a->lines, JopanLine, 0).ratio < 0) == (i != 1));
      describe_text (shown_a, a);
      describe_text (shown_b, b);
      g_assert_cmpstr (shown_a->str, ==, shown_b->str);
    }
  jopan_typesetter_clear (&cached);
  jopan_typesetter_clear (&fresh);
  jopan_report_free (report);
}

/* However many texts a page sets, the cache keeps at most so many shaped
 * paragraphs and hyphenation points, and what it dropped is set anew. */
static void
test_cache_bounded (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts, fresh;
  guint shaped, shaped_hits, hyphens, hyphen_hits;

  g_assert_no_error (error);
  jopan_typesetter_init_cached (&ts, fonts, style, "en", report, cache);
  jopan_typesetter_init (&fresh, fonts, style, "en", report);
  for (guint i = 0; i < JOPAN_HYPHENS_LIMIT + 10; i++)
    {
      g_autofree char *text = g_strdup_printf ("Paragraph %u of the councillors' papers", i);
      g_autoptr (JopanText) t = jopan_typeset (&ts, JOPAN_PARA_BODY, text, NULL, 100, 0, "bounded");
      g_assert_cmpuint (t->lines->len, >, 0);
      jopan_typeset_cache_parts (cache, &shaped, &shaped_hits, &hyphens, &hyphen_hits);
      g_assert_cmpuint (shaped, <=, JOPAN_SHAPED_LIMIT);
      g_assert_cmpuint (hyphens, <=, JOPAN_HYPHENS_LIMIT);
    }
  g_assert_cmpuint (shaped, ==, JOPAN_SHAPED_LIMIT);
  g_assert_cmpuint (hyphens, ==, JOPAN_HYPHENS_LIMIT);
  /* The first text was dropped from both: set again, at another width, it
   * is as a typesetter without a cache sets it. */
  {
    g_autoptr (JopanText) again = jopan_typeset (&ts, JOPAN_PARA_BODY,
                                                 "Paragraph 0 of the councillors' papers", NULL, 60,
                                                 0, "bounded");
    g_autoptr (JopanText) anew = jopan_typeset (&fresh, JOPAN_PARA_BODY,
                                                "Paragraph 0 of the councillors' papers", NULL, 60,
                                                0, "bounded");
    g_autoptr (GString) a = g_string_new (NULL);
    g_autoptr (GString) b = g_string_new (NULL);
    describe_text (a, again);
    describe_text (b, anew);
    g_assert_cmpstr (a->str, ==, b->str);
  }
  jopan_typeset_cache_parts (cache, &shaped, &shaped_hits, &hyphens, &hyphen_hits);
  g_assert_cmpuint (shaped_hits, ==, 0);
  g_assert_cmpuint (hyphen_hits, ==, 0);
  jopan_typesetter_clear (&ts);
  jopan_typesetter_clear (&fresh);
  jopan_report_free (report);
}

/* A text the cache has is handed out sharing its lines, not copied; a
 * text joined with another (a pull quote and its attribution) gets lines
 * of its own, and the cache's stay as they were. */
static void
test_cache_shares_lines (void)
{
  static const char text[] = "The approved scheme would anchor four turbines on the seabed "
                             "about six hundred metres beyond the breakwater.";
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  g_autoptr (GString) before = g_string_new (NULL);
  g_autoptr (GString) after = g_string_new (NULL);
  JopanReport *report = jopan_report_new ();
  JopanTypesetter ts;
  JopanText *a, *b, *c;
  guint n;

  g_assert_no_error (error);
  g_assert_true (jopan_typesetter_init_cached (&ts, fonts, style, "en", report, cache));
  jopan_typesetter_begin (&ts, report);
  a = jopan_typeset (&ts, JOPAN_PARA_BODY, text, NULL, 120, 0, "share");
  b = jopan_typeset (&ts, JOPAN_PARA_BODY, text, NULL, 120, 0, "share");
  c = jopan_typeset (&ts, JOPAN_PARA_ATTRIBUTION, "Councillor Anne Reid", NULL, 120, 0, "share");
  g_assert_true (a->lines == b->lines);
  describe_text (before, b);
  n = b->lines->len;
  jopan_text_append (a, c);
  g_assert_true (a->lines != b->lines);
  g_assert_cmpuint (a->lines->len, ==, n + c->lines->len);
  jopan_text_free (c);
  jopan_text_free (a);
  g_assert_cmpuint (b->lines->len, ==, n);
  describe_text (after, b);
  g_assert_cmpstr (after->str, ==, before->str);
  jopan_text_free (b);
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
}

typedef struct {
  const JopanStyle *style;
  GString *out;
} VariantsJob;

static gpointer
variants_thread (gpointer data)
{
  VariantsJob *job = data;
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, NULL);

  g_assert_nonnull (fonts);
  set_variants (job->out, fonts, job->style, cache);
  return NULL;
}

/* Pages composed at once on threads of their own, each with a cache and a
 * font set of its own (jopan.h: a JopanFonts is never shared) over the
 * shared style, set what one thread sets alone. */
static void
test_cache_threads (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (GString) alone = g_string_new (NULL);
  VariantsJob jobs[4];
  GThread *threads[4];

  g_assert_no_error (error);
  set_variants (alone, fonts, style, NULL);
  for (int i = 0; i < 4; i++)
    {
      jobs[i] = (VariantsJob) { style, g_string_new (NULL) };
      threads[i] = g_thread_new ("variants", variants_thread, &jobs[i]);
    }
  for (int i = 0; i < 4; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpstr (jobs[i].out->str, ==, alone->str);
      g_string_free (jobs[i].out, TRUE);
    }
}

/* What each_sample_paragraph() calls for paragraph @p of a block: @ts
 * set up over @style for the article's language. */
typedef void (*SampleParagraphFunc) (JopanTypesetter *ts, const JopanStyle *style, const char *para,
                                     guint p, const GArray *spans, guint *counts);

/* Calls @fn on every paragraph (each line of a block) of the sample
 * articles in @dir, with a typesetter over @style (resolved for the
 * article's language when @resolve).  A block of one paragraph keeps its
 * emphasis, links and code (@spans). */
static void
each_sample_paragraph (JopanFonts *fonts, const JopanStyle *style, gboolean resolve, const char *dir,
                       SampleParagraphFunc fn, guint *counts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr (JopanArticle) article = NULL;
      JopanStyle resolved = *style;
      JopanTypesetter ts;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      article = jopan_article_load (path, NULL);
      if (article == NULL)
        continue; /* an edition's page list */
      if (resolve)
        jopan_style_resolve (style, NULL, jopan_article_get_lang (article), &resolved);
      jopan_typesetter_init (&ts, fonts, resolve ? &resolved : style, jopan_article_get_lang (article), NULL);
      for (guint b = 0; b < article->blocks->len; b++)
        {
          const JopanBlock *block = g_ptr_array_index (article->blocks, b);
          g_auto (GStrv) paras = g_strsplit (block->text, "\n", -1);
          const GArray *spans = paras[0] && !paras[1] ? block->spans : NULL;

          for (guint p = 0; paras[p]; p++)
            fn (&ts, resolve ? &resolved : style, paras[p], p, spans, counts);
        }
      jopan_typesetter_clear (&ts);
    }
}

/* Compares paragraph @para's hyphenation points with each word's kept
 * for the process (twice: the words found anew, then found kept) and
 * found anew, names and all: counts the paragraphs compared ([0]), those
 * that came out otherwise ([1]), and words hyphenated on the second pass
 * ([2]). */
static void
hyphen_words_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                        const GArray *spans, guint *counts)
{
  (void) style, (void) p, (void) spans;
  if (ts->hyphenator == NULL)
    return;
  for (int capitalized = 0; capitalized < 2; capitalized++)
    {
      g_autoptr (GArray) anew = jopan_hyphen_points (ts->hyphenator, para, capitalized);
      g_autoptr (GArray) first = jopan_hyphen_points_shared (ts->hyphenator, para, capitalized);
      gint before = g_atomic_int_get (&jopan_hyphen_words_hyphenated);
      g_autoptr (GArray) kept = jopan_hyphen_points_shared (ts->hyphenator, para, capitalized);

      counts[2] += (guint) (g_atomic_int_get (&jopan_hyphen_words_hyphenated) - before);
      counts[0]++;
      counts[1] += first->len != anew->len || kept->len != anew->len
                   || (anew->len > 0
                       && (memcmp (first->data, anew->data, anew->len * sizeof (guint)) != 0
                           || memcmp (kept->data, anew->data, anew->len * sizeof (guint)) != 0));
    }
}

static void
hyphen_words_dirs (JopanFonts *fonts, const JopanStyle *style, guint *counts)
{
  each_sample_paragraph (fonts, style, FALSE, SOURCE_ROOT "/samples", hyphen_words_paragraph, counts);
  each_sample_paragraph (fonts, style, FALSE, SOURCE_ROOT "/samples/edition/en", hyphen_words_paragraph,
                         counts);
  each_sample_paragraph (fonts, style, FALSE, SOURCE_ROOT "/samples/edition/ko", hyphen_words_paragraph,
                         counts);
}

/* A word's hyphenation points kept for the process are the ones found
 * anew: every paragraph of the samples, names hyphenated and not; words
 * keyed wrongly (less their last byte) are seen to give other points. */
static void
test_hyphen_words (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  guint counts[3] = { 0 }, wrong[3] = { 0 };

  g_assert_no_error (error);
  hyphen_words_dirs (fonts, style, counts);
  g_test_message ("samples: %u paragraphs compared, %u unlike, %u words kept", counts[0], counts[1],
                  jopan_hyphen_words_kept ());
  g_assert_cmpuint (counts[0], >=, 800);
  g_assert_cmpuint (counts[1], ==, 0);
  /* The second pass found every word kept. */
  g_assert_cmpuint (counts[2], ==, 0);
  g_assert_cmpuint (jopan_hyphen_words_kept (), >=, 1000);
  jopan_hyphen_words_wrong = TRUE;
  hyphen_words_dirs (fonts, style, wrong);
  jopan_hyphen_words_wrong = FALSE;
  g_assert_cmpuint (wrong[1], >, 0);
}

/* Sets paragraph @p in the body and caption styles at sizes and trackings
 * around @style's, derived from each one shaped at another: counts in
 * @counts what it compared and derived, in the body ([0], [1]) and the
 * caption ([2], [3]). */
static void
resize_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                  const GArray *spans, guint *counts)
{
  static const double sizes[] = { -0.1, 0.2, -0.5, 0.3, 1.7 };
  /* Trackings (em) from and to; none from a spacing never derives. */
  static const double trackings[][2] = { { 0, 0 }, { 0, 0.01 }, { -0.02, 0.01 }, { 0.01, -0.02 },
                                         { -0.02, -0.02 } };

  for (gsize k = 0; k < 2 && *para; k++)
    for (gsize i = 0; i < G_N_ELEMENTS (sizes) * 2; i++)
      {
        JopanParaKind kind = k ? JOPAN_PARA_CAPTION : JOPAN_PARA_BODY;
        double size = style->para[kind].size;
        /* Each size from the style's, and the style's from it. */
        double from = i % 2 ? size : size + sizes[i / 2];
        double to = i % 2 ? size + sizes[i / 2] : size;
        const double *t = trackings[(i + p) % G_N_ELEMENTS (trackings)];
        gboolean derived;

        g_assert_true (jopan_resize_for_test (ts, kind, para, k ? NULL : spans, from, t[0] * from, to,
                                              t[1] * to, &derived));
        counts[2 * k]++;
        counts[2 * k + 1] += derived;
      }
}

/* Sets every paragraph of the sample articles in @dir in the article's
 * language's styles (resize_paragraph()). */
static void
resize_dir (JopanFonts *fonts, const JopanStyle *style, const char *dir, guint *counts)
{
  each_sample_paragraph (fonts, style, TRUE, dir, resize_paragraph, counts);
}

/* A paragraph set at another size from one shaped at the style's (and
 * the other way) has, glyph for glyph, the advances Pango gives it shaped
 * at that size: every paragraph of the samples, English and Korean, at
 * sizes and trackings copyfit tries and beyond, in two faces; and texts
 * the samples lack, derived or refused, never derived wrongly. */
static void
test_resize (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  static const char *const odd[] = {
    "cafe\xCC\x81 and re\xCC\x81sume\xCC\x81 with fi and fl", "a\xE2\x80\x8B""b zero\xE2\x80\x8Dwidth",
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D world \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", "thumbs \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD up",
    "the \xEF\xAC\x81nal of\xEF\xAC\x82""ce", "tab\there", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 jamo",
    "\xCC\x81leading mark", "soft\xC2\xADhyphen and Stra\xC3\x9F""e",
    "thin\xE2\x80\x89space, em\xE2\x80\x83space and\xE3\x80\x80ideographic", "AVAT Tea, WAVE. \"Yo,\" T.V. LY",
    "\xE2\x80\x9CTo\xE2\x80\x9D P.A. Fjord 7\xE2\x80\x93""1 \xEC\x84\x9C\xEC\x9A\xB8 Ty",
  };
  guint counts[4] = { 0 }, odd_counts[2] = { 0 };
  JopanTypesetter ts;

  g_assert_no_error (error);
  resize_dir (fonts, style, SOURCE_ROOT "/samples", counts);
  resize_dir (fonts, style, SOURCE_ROOT "/samples/edition/en", counts);
  resize_dir (fonts, style, SOURCE_ROOT "/samples/edition/ko", counts);
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    for (int f = 0; f < 3; f++)
      for (int t = 0; t < 4; t++)
        {
          gboolean derived;
          g_assert_true (jopan_resize_for_test (&ts, JOPAN_PARA_BODY, odd[i], NULL, 7 + f * 1.3,
                                                (f - 1) * 0.2, 9.2 + t * 0.1, (t % 2) * 0.1, &derived));
          odd_counts[0]++;
          odd_counts[1] += derived;
        }
  jopan_typesetter_clear (&ts);
  g_test_message ("samples: %u paragraphs derived at another size of %u in the body, %u of %u "
                  "in the caption; odd texts: %u of %u", counts[1], counts[0], counts[3], counts[2],
                  odd_counts[1], odd_counts[0]);
  g_assert_cmpuint (counts[0], >=, 5000);
  /* The body's faces (Noto Serif, NanumMyeongjo) scale: refused are only
   * ligatures a spacing turns off and a zero-width glyph at a run's edge. */
  g_assert_cmpuint (counts[1], >=, counts[0] * 3 / 4);
  /* Noto Sans positions in context (GPOS chained lookups): refused. */
  g_assert_cmpuint (counts[3], <, counts[2] / 10);
}

/* Shapes paragraph @para in the body, caption and headline styles at the
 * trackings copyfit tries (em), itemized as it was with none: counts in
 * @counts what it compared ([0]), so itemized ([1]) and found unlike
 * Pango's shaping ([2]). */
static void
spaced_items_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                        const GArray *spans, guint *counts)
{
  static const JopanParaKind kinds[] = { JOPAN_PARA_BODY, JOPAN_PARA_CAPTION, JOPAN_PARA_HEADLINE };
  static const double trackings[] = { -0.02, -0.01, -0.005, -0.0025, 0.0025, 0.005, 0.01, 0.015 };

  (void) p;
  for (gsize k = 0; k < G_N_ELEMENTS (kinds) && *para; k++)
    for (gsize t = 0; t < G_N_ELEMENTS (trackings); t++)
      {
        double size = style->para[kinds[k]].size;
        g_autofree char *quoted = k ? jopan_smart_quotes (para, NULL, ts->lang, NULL) : g_strdup (para);
        gboolean taken;

        counts[2] += !jopan_spaced_items_for_test (ts, kinds[k], quoted, k ? NULL : spans, 0,
                                                   trackings[t] * size, &taken);
        counts[0]++;
        counts[1] += taken;
      }
}

/* Shapes every paragraph of the sample articles in @dir so
 * (spaced_items_paragraph()), in their language's styles. */
static void
spaced_items_dir (JopanFonts *fonts, const JopanStyle *style, const char *dir, guint *counts)
{
  each_sample_paragraph (fonts, style, TRUE, dir, spaced_items_paragraph, counts);
}

/* Texts the samples lack, for the letter-spacing proofs: combining marks,
 * zero-width and soft hyphens, right-to-left runs, emoji with a modifier,
 * ligature characters, a tab, Hangul jamo, a first glyph of zero width. */
#define SPACING_ODD_TEXTS \
  "cafe\xCC\x81 and re\xCC\x81sume\xCC\x81 with fi and fl", "a\xE2\x80\x8B""b zero\xE2\x80\x8Dwidth", \
  "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D world \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7", \
  "thumbs \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD up", "the \xEF\xAC\x81nal of\xEF\xAC\x82""ce", "tab\there", \
  "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 jamo", "\xCC\x81leading mark", "soft\xC2\xADhyphen and Stra\xC3\x9F""e"

/* A paragraph shaped at a letter spacing with the items and break
 * analysis it had shaped with none (at the same size) has Pango's own
 * runs, glyphs, clusters and break analysis: every paragraph of the
 * samples, English and Korean, in three faces, at the trackings copyfit
 * tries, and odd texts.  Itemized as it was at another size (another
 * font) it is not: the comparison sees that. */
static void
test_spaced_items (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  static const char *const odd[] = { SPACING_ODD_TEXTS, "office flow, fjord and affluent" };
  guint counts[3] = { 0 }, unproven[3] = { 0 }, odd_taken = 0, wrong = 0;
  gint spliced = g_atomic_int_get (&jopan_paragraph_spliced);
  JopanTypesetter ts;

  g_assert_no_error (error);
  spaced_items_dir (fonts, style, SOURCE_ROOT "/samples", counts);
  spaced_items_dir (fonts, style, SOURCE_ROOT "/samples/edition/en", counts);
  spaced_items_dir (fonts, style, SOURCE_ROOT "/samples/edition/ko", counts);
  spliced = g_atomic_int_get (&jopan_paragraph_spliced) - spliced;
  /* Spliced at edges a lookup may read across (kerned pairs), some
   * paragraphs come out unlike Pango's: the comparison sees them. */
  jopan_line_cut_unproven = TRUE;
  spaced_items_dir (fonts, style, SOURCE_ROOT "/samples/edition/en", unproven);
  jopan_line_cut_unproven = FALSE;
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    for (int t = -2; t <= 2; t++)
      {
        gboolean taken;
        if (t == 0)
          continue;
        g_assert_true (jopan_spaced_items_for_test (&ts, JOPAN_PARA_BODY, odd[i], NULL, 0, t * 0.17, &taken));
        odd_taken += taken;
        /* Itemized at another size: another font, other glyph advances. */
        wrong += !jopan_spaced_items_for_test (&ts, JOPAN_PARA_BODY, odd[i], NULL,
                                               style->para[JOPAN_PARA_BODY].size + 1, t * 0.17, &taken);
      }
  jopan_typesetter_clear (&ts);
  g_test_message ("samples: %u paragraphs itemized as with no spacing of %u, %d runs spliced; odd "
                  "texts: %u; at another size: %u told apart; spliced unproven: %u of %u unlike",
                  counts[1], counts[0], spliced, odd_taken, wrong, unproven[2], unproven[0]);
  g_assert_cmpuint (counts[2], ==, 0);
  g_assert_cmpuint (unproven[2], >, 0);
  g_assert_cmpuint (counts[0], >=, 3000);
  /* Every paragraph a layout of its own does not need. */
  g_assert_cmpuint (counts[1], >=, counts[0] * 95 / 100);
  g_assert_cmpuint (wrong, >=, odd_taken * 9 / 10);
}

/* Respaces paragraph @para from each spacing of from[] to each of to[];
 * counts in @counts what it compared ([0]) and respaced ([1]): from a
 * spacing, and ([2], [3]) from none. */
static void
respace_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                   const GArray *spans, guint *counts)
{
  static const double from[] = { 0.01, -0.02, 0 }, to[] = { 0.0025, 0.005, 0.0075, -0.005, -0.02, 0.01 };

  (void) p;
  for (gsize f = 0; f < G_N_ELEMENTS (from) * 2; f++)
    for (gsize t = 0; t < G_N_ELEMENTS (to); t++)
      {
        /* The body's face, and the caption's (a sans) with typographic quotes. */
        JopanParaKind kind = f % 2 ? JOPAN_PARA_CAPTION : JOPAN_PARA_BODY;
        double size = style->para[kind].size;
        g_autofree char *quoted = f % 2 ? jopan_smart_quotes (para, NULL, ts->lang, NULL) : g_strdup (para);
        guint *count = from[f / 2] != 0 ? counts : counts + 2;
        gboolean respaced;

        if (*para == '\0' || from[f / 2] == to[t])
          continue;
        g_assert_true (jopan_respace_for_test (ts, kind, quoted, f % 2 ? NULL : spans,
                                               from[f / 2] * size, to[t] * size, &respaced));
        count[0]++;
        count[1] += respaced;
      }
}

/* Respaces every paragraph of the sample articles in @dir
 * (respace_paragraph()), in @style as it is. */
static void
respace_dir (JopanFonts *fonts, const JopanStyle *style, const char *dir, guint *counts)
{
  each_sample_paragraph (fonts, style, FALSE, dir, respace_paragraph, counts);
}

/* A paragraph letter-spaced anew from one shaped at another spacing has,
 * glyph for glyph, the advances Pango gives it shaped at that spacing:
 * every paragraph of the samples, English and Korean (with their Latin
 * words, digits, quotes and emphasis), spaced out and in, in two faces. */
static void
test_respace (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  guint counts[4] = { 0 };

  g_assert_no_error (error);
  respace_dir (fonts, style, SOURCE_ROOT "/samples", counts);
  respace_dir (fonts, style, SOURCE_ROOT "/samples/edition/en", counts);
  respace_dir (fonts, style, SOURCE_ROOT "/samples/edition/ko", counts);
  /* Texts the samples lack: combining marks, zero-width and soft hyphens,
   * right-to-left runs, emoji with a modifier, a ligature character, a tab,
   * Hangul jamo, a first glyph of zero width.  Respaced or refused, never
   * respaced wrongly. */
  {
    static const char *const odd[] = { SPACING_ODD_TEXTS };
    JopanTypesetter ts;
    guint odd_respaced = 0, odd_compared = 0;

    jopan_typesetter_init (&ts, fonts, style, "en", NULL);
    for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
      for (int f = -1; f <= 1; f++)
        for (int t = -2; t <= 2; t++)
          {
            gboolean respaced;
            if (f == t || t == 0)
              continue;
            g_assert_true (jopan_respace_for_test (&ts, JOPAN_PARA_BODY, odd[i], NULL, f * 0.3, t * 0.17,
                                                   &respaced));
            odd_compared++;
            odd_respaced += respaced;
          }
    jopan_typesetter_clear (&ts);
    g_test_message ("odd texts: %u respaced of %u", odd_respaced, odd_compared);
  }
  g_test_message ("from a spacing: %u paragraphs respaced of %u; from none: %u of %u", counts[1],
                  counts[0], counts[3], counts[2]);
  g_assert_cmpuint (counts[0], >=, 12000);
  /* From a spacing only a zero-width glyph at a run's edge is refused. */
  g_assert_cmpuint (counts[1], >=, counts[0] * 95 / 100);
  /* From none, the paragraphs set in Nanum alone (Korean): Noto's faces
   * form ligatures. */
  g_assert_cmpuint (counts[3], >=, counts[2] / 4);
  g_assert_cmpuint (counts[3], <, counts[2]);
}

/* The cache's key hash (read a word at a time) still tells apart keys that
 * differ in one bit anywhere, and spreads them over a table's low bits:
 * a style's bytes then a text, each bit flipped in turn. */
static void
test_cache_key_hash (void)
{
  guint8 key[301];
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint buckets[1024] = { 0 }, most = 0, n = 0;

  for (gsize i = 0; i < sizeof key; i++)
    key[i] = i < 200 ? (guint8) (i * 7) : (guint8) "a paragraph of text"[i % 19];
  for (gsize bit = 0; bit < 8 * sizeof key; bit++, n++)
    {
      guint h;
      key[bit / 8] ^= (guint8) (1u << (bit % 8));
      h = jopan_typeset_key_hash_for_test (key, sizeof key);
      key[bit / 8] ^= (guint8) (1u << (bit % 8));
      g_hash_table_add (seen, GUINT_TO_POINTER (h));
      most = MAX (most, ++buckets[h % 1024]);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
  /* 2,408 keys in 1,024 buckets: about 2.4 each. */
  g_assert_cmpuint (most, <=, 10);
}

static gboolean
same_glyph (const PangoGlyphInfo *a, const PangoGlyphInfo *b)
{
  return a->glyph == b->glyph && a->geometry.width == b->geometry.width
         && a->geometry.x_offset == b->geometry.x_offset && a->geometry.y_offset == b->geometry.y_offset
         && a->attr.is_cluster_start == b->attr.is_cluster_start && a->attr.is_color == b->attr.is_color;
}

/* Whether two runs are the same: item, font, offsets, glyphs, positions
 * and clusters; @why gets the first difference. */
static gboolean
same_run (const PangoGlyphItem *a, const PangoGlyphItem *b, GString *why)
{
  const PangoAnalysis *x = &a->item->analysis, *y = &b->item->analysis;

  if (a->item->offset != b->item->offset || a->item->length != b->item->length
      || a->item->num_chars != b->item->num_chars || x->font != y->font || x->level != y->level
      || x->script != y->script || x->language != y->language || x->gravity != y->gravity
      || x->flags != y->flags || g_slist_length (x->extra_attrs) != g_slist_length (y->extra_attrs))
    return g_string_append_printf (why, "item at %d", a->item->offset), FALSE;
  if (a->y_offset != b->y_offset || a->start_x_offset != b->start_x_offset
      || a->end_x_offset != b->end_x_offset || a->glyphs->num_glyphs != b->glyphs->num_glyphs)
    return g_string_append_printf (why, "run at %d: offsets or glyph count", a->item->offset), FALSE;
  for (int g = 0; g < a->glyphs->num_glyphs; g++)
    if (!same_glyph (&a->glyphs->glyphs[g], &b->glyphs->glyphs[g])
        || a->glyphs->log_clusters[g] != b->glyphs->log_clusters[g])
      return g_string_append_printf (why, "run at %d: glyph %d (%u %d %d %d, %u %d %d %d)", a->item->offset, g,
                                     a->glyphs->glyphs[g].glyph, a->glyphs->glyphs[g].geometry.width,
                                     a->glyphs->glyphs[g].geometry.x_offset, a->glyphs->log_clusters[g],
                                     b->glyphs->glyphs[g].glyph, b->glyphs->glyphs[g].geometry.width,
                                     b->glyphs->glyphs[g].geometry.x_offset, b->glyphs->log_clusters[g]), FALSE;
  return TRUE;
}

/* Whether lines @a (set with a layout of its own) and @b are the same
 * as placed and drawn; @why gets the first difference. */
static gboolean
same_line (const JopanLine *a, const JopanLine *b, GString *why)
{
  PangoLayoutLine *x = jopan_layout_line (a->layout, a->index), *y = jopan_layout_line (b->layout, b->index);
  PangoRectangle ink[2], logical[2];
  GSList *r = x->runs, *s = y->runs;

  if (strcmp (pango_layout_get_text (a->layout), pango_layout_get_text (b->layout)) != 0
      || a->x != b->x || a->width != b->width || a->true_width != b->true_width
      || a->scale != b->scale || a->measure != b->measure || x->start_index != y->start_index
      || x->length != y->length || x->resolved_dir != y->resolved_dir
      || !pango_font_description_equal (pango_layout_get_font_description (a->layout),
                                        pango_layout_get_font_description (b->layout)))
    return g_string_append (why, "text, font or place"), FALSE;
  for (; r && s; r = r->next, s = s->next)
    if (!same_run (r->data, s->data, why))
      return FALSE;
  if (r || s)
    return g_string_append (why, "run count"), FALSE;
  pango_layout_line_get_extents (x, &ink[0], &logical[0]);
  pango_layout_line_get_extents (y, &ink[1], &logical[1]);
  if (memcmp (&ink[0], &ink[1], sizeof ink[0]) || memcmp (&logical[0], &logical[1], sizeof logical[0]))
    return g_string_append (why, "extents"), FALSE;
  return TRUE;
}

/* Sets @para in @kind's style at @width with lines given a layout each
 * and with lines shaped alone; counts lines [0], lines shaped alone [1]
 * and lines that differ [2]. */
static void
shape_alone_set (JopanTypesetter *ts, JopanParaKind kind, const char *para, const GArray *spans,
                 double width, guint *counts)
{
  g_autoptr (JopanText) laid = NULL, alone = NULL;
  gint before;

  jopan_shape_alone_off = TRUE;
  laid = jopan_typeset (ts, kind, para, spans, width, 0, "paragraph");
  jopan_shape_alone_off = FALSE;
  before = g_atomic_int_get (&jopan_line_shapings_alone);
  alone = jopan_typeset (ts, kind, para, spans, width, 0, "paragraph");
  counts[1] += (guint) (g_atomic_int_get (&jopan_line_shapings_alone) - before);
  g_assert_cmpuint (laid->lines->len, ==, alone->lines->len);
  for (guint i = 0; i < laid->lines->len; i++)
    {
      g_autoptr (GString) why = g_string_new (NULL);
      counts[0]++;
      if (!same_line (jopan_text_line (laid, i), jopan_text_line (alone, i), why))
        {
          if (counts[2]++ == 0)
            g_test_message ("line %u of \"%.40s\" differs: %s", i, para, why->str);
        }
    }
}

/* shape_alone_set() over paragraph @p in the body style and in the
 * caption's or the headline's (by turns), tracked three ways, at two
 * widths. */
static void
shape_alone_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                       const GArray *spans, guint *counts)
{
  static const JopanParaKind kinds[] = { JOPAN_PARA_BODY, JOPAN_PARA_CAPTION, JOPAN_PARA_HEADLINE };
  static const double trackings[] = { 0, 0.3, -0.25 };
  JopanStyle tracked = *style;
  const JopanStyle *was = ts->style;
  JopanReport *report = jopan_report_new ();

  ts->style = &tracked;
  for (gsize k = 0; k < G_N_ELEMENTS (kinds) && *para; k++)
    {
      if (k > 0 && k != 1 + p % 2)
        continue;
      tracked.para[kinds[k]].tracking = trackings[(p + k) % G_N_ELEMENTS (trackings)];
      jopan_typesetter_begin (ts, report);
      shape_alone_set (ts, kinds[k], para, spans, p % 2 ? 140 : 95, counts);
      tracked.para[kinds[k]].tracking = style->para[kinds[k]].tracking;
    }
  ts->style = was;
  jopan_typesetter_begin (ts, NULL);
  jopan_report_free (report);
}

/* A line shaped without a layout of its own (typeset.c) is the line its
 * own layout gives: every run, glyph, position and cluster, its extents,
 * and its place, on every paragraph of the samples, English and Korean,
 * tracked and not.  Turning off one step of it (letter spacing taken off
 * the line's ends) is caught. */
static void
test_shape_alone (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  static const char *const dirs[] = { "/samples", "/samples/edition/en", "/samples/edition/ko" };
  static const char *const odd[] = {
    "the caf\xC3\xA9 caf\xCC\x81 r\xC3\xA9sum\xC3\xA9 with fi and fl, linked", "a\xE2\x80\x8B""b zero\xE2\x80\x8Dwidth",
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D world \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 and more words", "thumbs \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD up",
    "flags \xF0\x9F\x87\xB0\xF0\x9F\x87\xB7\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5 here", "tab\there", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 jamo \xEA\xB0\x80\xE1\x86\xA8",
    "\xCC\x81leading mark", "soft\xC2\xADhyphen and Stra\xC3\x9F""e", "a line\xE2\x80\xA8separator",
    "thin\xE2\x80\x89space, em\xE2\x80\x83space and\xE3\x80\x80ideographic", "AVAT Tea, WAVE. \"Yo,\" T.V. LY",
    "\xE2\x80\x9CTo\xE2\x80\x9D P.A. Fjord 7\xE2\x80\x93""1 \xEC\x84\x9C\xEC\x9A\xB8 Ty \xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7",
  };
  g_autoptr (GArray) links = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  JopanSpan link = { 4, 20, JOPAN_SPAN_LINK, "https://example.com/" };
  /* Words too long for any column, broken between kerned letters. */
  static const char kerned[] = "voyevowyeovoyevowyeovoyevowyeovoyevowyeovoyevowyeovoyevowyeovoyevowyeo "
                               "Tovovovywywyvovovywywyvovovywywyvovovywywyvovovywywyvovovywywyvovovywywy";
  guint counts[3] = { 0 }, broken[3] = { 0 }, unproven[3] = { 0 }, ends[3] = { 0 }, all[3] = { 0 };
  guint odd_alone = 0;
  JopanTypesetter ts;
  gint cuts, mid_word, en_mid_word = 0, all_cuts;

  g_assert_no_error (error);
  g_array_append_val (links, link);
  cuts = g_atomic_int_get (&jopan_line_cuts);
  mid_word = g_atomic_int_get (&jopan_line_cuts_mid_word);
  for (gsize d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir = g_strconcat (SOURCE_ROOT, dirs[d], NULL);
      gint before = g_atomic_int_get (&jopan_line_cuts_mid_word);
      each_sample_paragraph (fonts, style, TRUE, dir, shape_alone_paragraph, counts);
      if (d == 1)
        en_mid_word = g_atomic_int_get (&jopan_line_cuts_mid_word) - before;
    }
  cuts = g_atomic_int_get (&jopan_line_cuts) - cuts;
  mid_word = g_atomic_int_get (&jopan_line_cuts_mid_word) - mid_word;
  g_test_message ("%u lines, %u shaped alone, %d of them taking their paragraph's item, %d cut from its "
                  "glyphs (%d starting inside a word: after a hyphen, between syllables), %u differ",
                  counts[0], counts[1], g_atomic_int_get (&jopan_line_items_taken), cuts, mid_word, counts[2]);
  g_assert_cmpuint (counts[2], ==, 0);
  g_assert_cmpint (cuts, >=, (gint) counts[0] / 4);
  g_assert_cmpint (mid_word, >, 0);
  g_assert_cmpint (g_atomic_int_get (&jopan_line_items_taken), >, 0);
  g_assert_cmpuint (counts[1], >=, counts[0] * 9 / 10);
  /* Texts the samples lack: marks, joiners, jamo, flags, right to left,
   * a tab, a line separator, a link; shaped alone or with a layout. */
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      guint n[3] = { 0 };
      shape_alone_paragraph (&ts, style, odd[i], (guint) i, i == 0 ? links : NULL, n);
      shape_alone_paragraph (&ts, style, odd[i], (guint) i + 1, NULL, n);
      g_assert_cmpuint (n[2], ==, 0);
      odd_alone += n[1];
    }
  jopan_typesetter_clear (&ts);
  g_assert_cmpuint (odd_alone, >, 0);
  /* Cutting lines where the face does not prove it (two letters of a
   * pair lookup at an edge: "zer|o" in a narrow headline) is caught. */
  jopan_line_cut_unproven = TRUE;
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    shape_alone_paragraph (&ts, style, odd[i], (guint) i, NULL, unproven);
  jopan_typesetter_clear (&ts);
  jopan_line_cut_unproven = FALSE;
  g_assert_cmpuint (unproven[2], >, 0);
  jopan_shape_alone_no_edges = TRUE;
  each_sample_paragraph (fonts, style, TRUE, SOURCE_ROOT "/samples/edition/en", shape_alone_paragraph,
                         broken);
  jopan_shape_alone_no_edges = FALSE;
  g_assert_cmpuint (broken[2], >, 0);
  /* A line may start after a kerned pair (these faces' pairs adjust their
   * first glyph only), not end before one: proving its end as its start
   * is caught. */
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  shape_alone_paragraph (&ts, style, kerned, 0, NULL, ends);
  shape_alone_paragraph (&ts, style, kerned, 1, NULL, ends);
  g_assert_cmpuint (ends[2], ==, 0);
  jopan_line_cut_end_as_start = TRUE;
  shape_alone_paragraph (&ts, style, kerned, 0, NULL, ends);
  shape_alone_paragraph (&ts, style, kerned, 1, NULL, ends);
  jopan_line_cut_end_as_start = FALSE;
  jopan_typesetter_clear (&ts);
  g_test_message ("with line ends proved as starts: %u of %u lines differ", ends[2], ends[0]);
  g_assert_cmpuint (ends[2], >, 0);
  /* Reading the lookups of features HarfBuzz applies only when asked
   * (Noto Serif's aalt and small capitals reach every letter) cuts few
   * lines inside a word of the English edition (a font set of its own:
   * the faces keep what they were read as). */
  jopan_line_cut_features_all = TRUE;
  {
    g_autoptr (JopanFonts) own = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
    g_assert_no_error (error);
    all_cuts = g_atomic_int_get (&jopan_line_cuts_mid_word);
    each_sample_paragraph (own, style, TRUE, SOURCE_ROOT "/samples/edition/en", shape_alone_paragraph, all);
    all_cuts = g_atomic_int_get (&jopan_line_cuts_mid_word) - all_cuts;
  }
  jopan_line_cut_features_all = FALSE;
  g_test_message ("every feature's lookups read: %d lines cut inside a word of the English edition (%d "
                  "without those), %u of %u lines differ", all_cuts, en_mid_word, all[2], all[0]);
  g_assert_cmpuint (all[2], ==, 0);
  g_assert_cmpint (all_cuts * 4, <, en_mid_word);
}

/* @style's @kind in @tracked at a copyfit setting: @setting[0] em more
 * tracking, @setting[1] points more size (its font's in *@font). */
static void
set_setting (JopanStyle *tracked, const JopanStyle *style, JopanParaKind kind, const double *setting,
             char **font)
{
  const JopanParaStyle *own = &style->para[kind];
  PangoFontDescription *desc = pango_font_description_from_string (own->font);
  double size = own->size + setting[1];

  pango_font_description_set_size (desc, (int) lround (size * PANGO_SCALE));
  g_free (*font);
  *font = pango_font_description_to_string (desc);
  pango_font_description_free (desc);
  tracked->para[kind].font = *font;
  tracked->para[kind].size = size;
  tracked->para[kind].tracking = own->tracking + setting[0] * size;
}

/* Sets @para in @kind's style at setting @from with a cache, then at @to
 * with it (so derived from the first where respace() can, its lines cut
 * from the derived glyphs), and at @to without, each line laid out by
 * Pango: counts lines [0], lines that differ [1] and lines cut at @to [2]. */
static void
cut_derived_set (JopanTypesetter *ts, const JopanStyle *style, JopanParaKind kind, const char *para,
                 const GArray *spans, const double *from, const double *to, double width, guint *counts)
{
  g_autoptr (JopanTypesetCache) cache = jopan_typeset_cache_new ();
  g_autoptr (JopanText) first = NULL, derived = NULL, laid = NULL;
  g_autofree char *font = NULL;
  JopanStyle tracked = *style;
  JopanTypesetter cached;
  JopanReport *report = jopan_report_new ();
  gint cuts;

  jopan_typesetter_init_cached (&cached, ts->fonts, &tracked, ts->lang, report, cache);
  set_setting (&tracked, style, kind, from, &font);
  first = jopan_typeset (&cached, kind, para, spans, width, 0, "paragraph");
  set_setting (&tracked, style, kind, to, &font);
  jopan_typesetter_begin (&cached, report); /* a pass of its own: spaces measured anew */
  cuts = g_atomic_int_get (&jopan_line_cuts);
  derived = jopan_typeset (&cached, kind, para, spans, width, 0, "paragraph");
  counts[2] += (guint) (g_atomic_int_get (&jopan_line_cuts) - cuts);
  jopan_typesetter_clear (&cached);
  jopan_typesetter_init (&cached, ts->fonts, &tracked, ts->lang, report);
  jopan_shape_alone_off = TRUE;
  laid = jopan_typeset (&cached, kind, para, spans, width, 0, "paragraph");
  jopan_shape_alone_off = FALSE;
  jopan_typesetter_clear (&cached);
  jopan_report_free (report);
  g_assert_cmpuint (laid->lines->len, ==, derived->lines->len);
  for (guint i = 0; i < laid->lines->len; i++)
    {
      g_autoptr (GString) why = g_string_new (NULL);
      counts[0]++;
      if (!same_line (jopan_text_line (laid, i), jopan_text_line (derived, i), why) && counts[1]++ == 0)
        g_test_message ("line %u of \"%.40s\" (%g %g to %g %g, kind %d) differs: %s", i, para, from[0], from[1],
                        to[0], to[1], kind, why->str);
    }
}

/* cut_derived_set() over a paragraph in the body style (and in the
 * caption's, every other one) from and to settings copyfit tries, at two
 * widths, by turns (@counts[3] counts the paragraphs). */
static void
cut_derived_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                       const GArray *spans, guint *counts)
{
  /* Tracking (em) and size (points) from, then to. */
  static const double settings[][4] = {
    { 0, 0, -0.01, 0 }, { 0, 0, 0.005, 0 }, { -0.02, 0, 0.01, 0 }, { 0.01, 0, 0, 0 },
    { 0, 0, 0, -0.2 }, { 0, 0, 0, 0.3 }, { 0, 0, -0.01, -0.5 }, { -0.005, 0.1, 0, 0 },
  };

  guint n = counts[3]++;

  (void) p;
  for (guint k = 0; k < 2 && *para; k++)
    {
      const double *s = settings[(n + 3 * k) % G_N_ELEMENTS (settings)];
      if (k == 0 || n % 2)
        cut_derived_set (ts, style, k ? JOPAN_PARA_CAPTION : JOPAN_PARA_BODY, para, k ? NULL : spans, s,
                         s + 2, n % 3 ? 140 : 95, counts);
    }
}

/* A paragraph set at another tracking or size from one shaped at the
 * first (respace()) has its glyphs worked out whole when its lines are
 * drawn, and its lines cut from them: each such line is the line Pango's
 * layout gives, run by run, glyph by glyph (ids, advances, offsets,
 * clusters, item, font), its extents and place, on every paragraph of the
 * samples, English and Korean, at settings copyfit tries.  Leaving the
 * offsets where the source's spacing put them is caught. */
static void
test_cut_derived (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  static const char *const dirs[] = { "/samples", "/samples/edition/en", "/samples/edition/ko" };
  static const char *const odd[] = {
    "cafe\xCC\x81 and re\xCC\x81sume\xCC\x81 with fi and fl in a longer line of text to break", "a\xE2\x80\x8B""b zero\xE2\x80\x8Dwidth",
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D world \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 and more words", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 jamo \xEA\xB0\x80\xE1\x86\xA8",
    "\xCC\x81leading mark, then a\xCC\x81 few more words a\xCC\x8A and o\xCC\x88 to set", "AVAT Tea, WAVE. \"Yo,\" T.V. LY, AVAT Tea, WAVE. Ty Ty To",
    "\xE2\x80\x9CTo\xE2\x80\x9D P.A. Fjord 7\xE2\x80\x93""1 \xEC\x84\x9C\xEC\x9A\xB8 Ty \xEC\x84\x9C\xEC\x9A\xB8 and Ty",
  };
  guint counts[4] = { 0 }, broken[4] = { 0 }, odd_counts[4] = { 0 }, unproven[4] = { 0 };
  guint items_broken[4] = { 0 };
  gint runs = g_atomic_int_get (&jopan_derived_runs), checked, unlike;
  JopanTypesetter ts;

  g_assert_no_error (error);
  /* Each paragraph derived at its source's size also itemized anew: its
   * items taken from the source's runs are Pango's. */
  jopan_derived_items_check = TRUE;
  checked = g_atomic_int_get (&jopan_derived_items_checked);
  unlike = g_atomic_int_get (&jopan_derived_items_unlike);
  for (gsize d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir = g_strconcat (SOURCE_ROOT, dirs[d], NULL);
      each_sample_paragraph (fonts, style, TRUE, dir, cut_derived_paragraph, counts);
    }
  jopan_derived_items_check = FALSE;
  checked = g_atomic_int_get (&jopan_derived_items_checked) - checked;
  unlike = g_atomic_int_get (&jopan_derived_items_unlike) - unlike;
  runs = g_atomic_int_get (&jopan_derived_runs) - runs;
  g_test_message ("%u lines, %d paragraphs' glyphs derived (%d at their source's size, taking its items: %d "
                  "unlike Pango's), %u lines cut, %u differ", counts[0], runs, checked, unlike, counts[2],
                  counts[1]);
  g_assert_cmpuint (counts[1], ==, 0);
  g_assert_cmpint (checked, >=, 100);
  g_assert_cmpint (unlike, ==, 0);
  /* Taken with the source's spacing, they are caught. */
  jopan_derived_items_check = jopan_derived_items_unspaced = TRUE;
  unlike = g_atomic_int_get (&jopan_derived_items_unlike);
  each_sample_paragraph (fonts, style, TRUE, SOURCE_ROOT "/samples/edition/en", cut_derived_paragraph,
                         items_broken);
  jopan_derived_items_check = jopan_derived_items_unspaced = FALSE;
  g_assert_cmpint (g_atomic_int_get (&jopan_derived_items_unlike) - unlike, >, 0);
  g_assert_cmpuint (items_broken[1], ==, 0); /* refused: derive_run() asks for the spacing */
  g_assert_cmpint (runs, >=, 400);
  g_assert_cmpuint (counts[2], >=, counts[0] / 2);
  /* Texts the samples lack (marks, joiners, jamo, right to left, kerned
   * pairs): derived and cut, or not, never wrongly. */
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    for (guint k = 0; k < 8; k++)
      cut_derived_paragraph (&ts, style, odd[i], 0, NULL, odd_counts);
  g_assert_cmpuint (odd_counts[1], ==, 0);
  /* A mark's offset taken to another size unproven is caught. */
  jopan_derived_offsets_unproven = TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    for (guint k = 0; k < 8; k++)
      cut_derived_paragraph (&ts, style, odd[i], 0, NULL, unproven);
  jopan_derived_offsets_unproven = FALSE;
  jopan_typesetter_clear (&ts);
  g_assert_cmpuint (unproven[1], >, 0);
  /* Offsets left where the source's spacing put them are caught. */
  jopan_derived_offsets_unmoved = TRUE;
  each_sample_paragraph (fonts, style, TRUE, SOURCE_ROOT "/samples/edition/ko", cut_derived_paragraph, broken);
  jopan_derived_offsets_unmoved = FALSE;
  g_assert_cmpuint (broken[1], >, 0);
}

/* Whether @a and @b (a code point's count each) are the same. */
static gboolean
same_counts (GHashTable *a, GHashTable *b)
{
  GHashTableIter i;
  gpointer key, value;

  if ((a ? g_hash_table_size (a) : 0) != (b ? g_hash_table_size (b) : 0))
    return FALSE;
  if (a == NULL)
    return TRUE;
  g_hash_table_iter_init (&i, a);
  while (g_hash_table_iter_next (&i, &key, &value))
    if (g_hash_table_lookup (b, key) != value)
      return FALSE;
  return TRUE;
}

/* Whether paragraph @text shaped whole without a layout of its own (@b)
 * reads as its one-line layout (@a) does for the breaker: text, line
 * count, runs glyph by glyph, break analysis and missing glyphs; @why
 * gets the first difference. */
static gboolean
same_paragraph (PangoLayout *a, GHashTable *missing_a, PangoLayout *b, GHashTable *missing_b,
                GString *why)
{
  PangoLayoutLine *x = pango_layout_get_line_readonly (a, 0), *y = jopan_layout_line (b, 0);
  int n[2];
  const PangoLogAttr *la = pango_layout_get_log_attrs_readonly (a, &n[0]);
  const PangoLogAttr *lb = jopan_layout_log_attrs (b, &n[1]);
  GSList *r = x->runs, *s = y->runs;

  if (strcmp (pango_layout_get_text (a), pango_layout_get_text (b)) != 0
      || pango_layout_get_line_count (a) != 1 || x->start_index != y->start_index
      || x->length != y->length || x->resolved_dir != y->resolved_dir)
    return g_string_append (why, "text or line"), FALSE;
  for (; r && s; r = r->next, s = s->next)
    if (!same_run (r->data, s->data, why))
      return FALSE;
  if (r || s)
    return g_string_append (why, "run count"), FALSE;
  if (n[0] != n[1] || memcmp (la, lb, sizeof *la * (gsize) n[0]) != 0)
    return g_string_append (why, "break analysis"), FALSE;
  if (!same_counts (missing_a, missing_b))
    return g_string_append (why, "missing glyphs"), FALSE;
  return TRUE;
}

/* Shapes paragraph @para whole in the body style and in the caption's or
 * the headline's (by turns), tracked three ways, with a layout and
 * without; counts paragraphs [0], those shaped without a layout [1] and
 * those that differ [2]. */
static void
shape_whole_paragraph (JopanTypesetter *ts, const JopanStyle *style, const char *para, guint p,
                       const GArray *spans, guint *counts)
{
  static const JopanParaKind kinds[] = { JOPAN_PARA_BODY, JOPAN_PARA_CAPTION, JOPAN_PARA_HEADLINE };
  static const double trackings[] = { 0, 0.3, -0.25 };
  JopanStyle tracked = *style;
  const JopanStyle *was = ts->style;

  ts->style = &tracked;
  for (gsize k = 0; k < G_N_ELEMENTS (kinds) && *para; k++)
    {
      g_autoptr (PangoLayout) laid = NULL, alone = NULL;
      g_autoptr (GHashTable) missing_laid = NULL, missing_alone = NULL;
      g_autoptr (GString) why = g_string_new (NULL);
      gint before;

      if (k > 0 && k != 1 + p % 2)
        continue;
      tracked.para[kinds[k]].tracking = trackings[(p + k) % G_N_ELEMENTS (trackings)];
      jopan_shape_alone_off = TRUE;
      laid = jopan_shaped_paragraph_for_test (ts, kinds[k], para, spans, &missing_laid);
      jopan_shape_alone_off = FALSE;
      before = g_atomic_int_get (&jopan_paragraph_shapings_alone);
      alone = jopan_shaped_paragraph_for_test (ts, kinds[k], para, spans, &missing_alone);
      tracked.para[kinds[k]].tracking = style->para[kinds[k]].tracking;
      counts[0]++;
      if (g_atomic_int_get (&jopan_paragraph_shapings_alone) == before)
        continue;
      counts[1]++;
      if (!same_paragraph (laid, missing_laid, alone, missing_alone, why) && counts[2]++ == 0)
        g_test_message ("\"%.40s\" differs: %s", para, why->str);
    }
  ts->style = was;
}

/* A paragraph shaped whole without a layout of its own (typeset.c) reads
 * for the breaker as its one-line layout does: every run, glyph, position
 * and cluster, the break analysis and the missing glyphs, on every
 * paragraph of the samples, English and Korean, tracked and not, and on
 * texts the samples lack.  A wrong break analysis (cursor positions
 * alone) is caught. */
static void
test_shape_paragraph_alone (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  static const char *const dirs[] = { "/samples", "/samples/edition/en", "/samples/edition/ko" };
  static const char *const odd[] = {
    "the caf\xC3\xA9 caf\xCC\x81 r\xC3\xA9sum\xC3\xA9 with fi and fl", "a\xE2\x80\x8B""b zero\xE2\x80\x8Dwidth",
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D world \xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 and more words", "thumbs \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD up",
    "flags \xF0\x9F\x87\xB0\xF0\x9F\x87\xB7\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5 here", "tab\there", "\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8 jamo \xEA\xB0\x80\xE1\x86\xA8",
    "\xCC\x81leading mark", "soft\xC2\xADhyphen and Stra\xC3\x9F""e", "thin\xE2\x80\x89space, em\xE2\x80\x83space and\xE3\x80\x80ideographic",
    "\xE2\x80\x9CTo\xE2\x80\x9D P.A. Fjord 7\xE2\x80\x93""1 \xEC\x84\x9C\xEC\x9A\xB8 Ty \xE0\xA4\x95\xE0\xA5\x8D\xE0\xA4\xB7",
    "\xE0\xB8\xAA\xE0\xB8\xA7\xE0\xB8\xB1\xE0\xB8\xAA\xE0\xB8\x94\xE0\xB8\xB5\xE0\xB8\x84\xE0\xB8\xA3\xE0\xB8\xB1\xE0\xB8\x9A Thai, missing \xEE\x80\x80 glyph",
  };
  guint counts[3] = { 0 }, broken[3] = { 0 }, odd_alone = 0;
  gint lazy = g_atomic_int_get (&jopan_paragraph_logs_lazy);
  JopanTypesetter ts;

  g_assert_no_error (error);
  for (gsize d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir = g_strconcat (SOURCE_ROOT, dirs[d], NULL);
      each_sample_paragraph (fonts, style, TRUE, dir, shape_whole_paragraph, counts);
    }
  /* Those with no letter spacing have their break analysis worked out
   * when it is first read (here, compared with the layout's). */
  lazy = g_atomic_int_get (&jopan_paragraph_logs_lazy) - lazy;
  g_test_message ("%u paragraphs, %u shaped without a layout (%d break analyses worked out when read), "
                  "%u differ", counts[0], counts[1], lazy, counts[2]);
  g_assert_cmpuint (counts[2], ==, 0);
  g_assert_cmpint (lazy, >, 0);
  g_assert_cmpuint (counts[1], >=, counts[0] * 9 / 10);
  jopan_typesetter_init (&ts, fonts, style, "en", NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      guint n[3] = { 0 };
      shape_whole_paragraph (&ts, style, odd[i], (guint) i, NULL, n);
      shape_whole_paragraph (&ts, style, odd[i], (guint) i + 1, NULL, n);
      g_assert_cmpuint (n[2], ==, 0);
      odd_alone += n[1];
    }
  jopan_typesetter_clear (&ts);
  g_assert_cmpuint (odd_alone, >, 0);
  /* A space's and a hyphen's widths (the breaker's) measured alone are
   * their layouts', in every style, English and Korean, tracked or not. */
  for (gsize lang = 0; lang < 2; lang++)
    for (int kind = 0; kind < JOPAN_N_PARA; kind++)
      for (gsize t = 0; t < 3; t++)
        {
          JopanStyle tracked = *style;
          JopanBreakParams laid, alone;

          tracked.para[kind].tracking = t == 0 ? style->para[kind].tracking : t == 1 ? 0.3 : -0.25;
          jopan_typesetter_init (&ts, fonts, &tracked, lang ? "ko" : "en", NULL);
          jopan_shape_alone_off = TRUE;
          jopan_break_params_for_test (&ts, (JopanParaKind) kind, 100, &laid);
          jopan_shape_alone_off = FALSE;
          jopan_typesetter_begin (&ts, NULL);
          jopan_break_params_for_test (&ts, (JopanParaKind) kind, 100, &alone);
          g_assert_cmpfloat (laid.space_width, ==, alone.space_width);
          g_assert_cmpfloat (laid.hyphen_width, ==, alone.hyphen_width);
          g_assert_cmpfloat (alone.space_width, >, 0);
          jopan_typesetter_clear (&ts);
        }
  /* A break analysis of cursor positions alone is caught, worked out
   * when read as when shaped. */
  jopan_shape_alone_cursor_log = TRUE;
  lazy = g_atomic_int_get (&jopan_paragraph_logs_lazy);
  each_sample_paragraph (fonts, style, TRUE, SOURCE_ROOT "/samples/edition/en", shape_whole_paragraph,
                         broken);
  g_assert_cmpint (g_atomic_int_get (&jopan_paragraph_logs_lazy) - lazy, >, 0);
  g_assert_cmpuint (broken[2], >, 0);
  memset (broken, 0, sizeof broken);
  jopan_paragraph_logs_eager = TRUE;
  each_sample_paragraph (fonts, style, TRUE, SOURCE_ROOT "/samples/edition/en", shape_whole_paragraph,
                         broken);
  jopan_paragraph_logs_eager = FALSE;
  jopan_shape_alone_cursor_log = FALSE;
  g_assert_cmpuint (broken[2], >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/typeset/hyphenate", test_hyphenate);
  g_test_add_func ("/typeset/hyphenator-shared", test_hyphenator_shared);
  g_test_add_func ("/typeset/hyphen-words", test_hyphen_words);
  g_test_add_func ("/typeset/lines", test_lines);
  g_test_add_func ("/typeset/forced-breaks", test_forced_breaks);
  g_test_add_func ("/typeset/missing-glyph", test_missing_glyph);
  g_test_add_func ("/typeset/every-script", test_every_script);
  g_test_add_func ("/typeset/scale-and-tracking", test_scale_and_tracking);
  g_test_add_func ("/typeset/scale-steps", test_scale_steps);
  g_test_add_func ("/typeset/mixed-scripts", test_mixed_scripts);
  g_test_add_func ("/typeset/capitalised", test_capitalised);
  g_test_add_func ("/typeset/retrack", test_retrack);
  g_test_add_func ("/typeset/smart-quotes", test_smart_quotes);
  g_test_add_func ("/typeset/hanging-quote", test_hanging_quote);
  g_test_add_func ("/typeset/cache", test_cache);
  g_test_add_func ("/typeset/cache-keys", test_cache_keys);
  g_test_add_func ("/typeset/cache-spaces-shared", test_cache_spaces_shared);
  g_test_add_func ("/typeset/cache-shaped", test_cache_shaped);
  g_test_add_func ("/typeset/cache-tight", test_cache_tight);
  g_test_add_func ("/typeset/cache-spaced-items", test_cache_spaced_items);
  g_test_add_func ("/typeset/cache-bounded", test_cache_bounded);
  g_test_add_func ("/typeset/cache-shares-lines", test_cache_shares_lines);
  g_test_add_func ("/typeset/cache-threads", test_cache_threads);
  g_test_add_func ("/typeset/cache-key-hash", test_cache_key_hash);
  g_test_add_func ("/typeset/respace", test_respace);
  g_test_add_func ("/typeset/resize", test_resize);
  g_test_add_func ("/typeset/spaced-items", test_spaced_items);
  g_test_add_func ("/typeset/shape-alone", test_shape_alone);
  g_test_add_func ("/typeset/cut-derived", test_cut_derived);
  g_test_add_func ("/typeset/shape-paragraph-alone", test_shape_paragraph_alone);
  return g_test_run ();
}
