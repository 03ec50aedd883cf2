/* test-fonts.c — the font set: a face at another size made as Pango makes it. */
#include "jopan-private.h"

#include <glib/gstdio.h>
#include <hb-ot.h>
#include <pango/pangocairo.h>

/* Every bundled face, as a style names it. */
static const char *const faces[] = {
  "Noto Serif", "Noto Serif Bold", "Noto Serif Italic", "Noto Serif Bold Italic", "Noto Sans",
  "Noto Sans Bold", "NanumMyeongjo", "NanumMyeongjo Bold", "NanumGothic", "NanumGothic Bold",
  "Noto Serif CJK KR", "Noto Naskh Arabic", "Noto Naskh Arabic Bold", "Noto Serif Hebrew",
  "Noto Serif Hebrew Bold", "Symbola",
};

/* Whether @a and @b set text alike: the same face, scale, sizes, slant,
 * variations and the advances of @a's glyphs (every glyph of a small
 * face, one in 37 of a large one, with the first 300). */
static gboolean
same_font (hb_font_t *a, hb_font_t *b)
{
  hb_face_t *face = hb_font_get_face (a);
  unsigned int glyphs = hb_face_get_glyph_count (face), ax, ay, bx, by, an, bn;
  int asx, asy, bsx, bsy;

  hb_font_get_scale (a, &asx, &asy);
  hb_font_get_scale (b, &bsx, &bsy);
  hb_font_get_ppem (a, &ax, &ay);
  hb_font_get_ppem (b, &bx, &by);
  hb_font_get_var_coords_normalized (a, &an);
  hb_font_get_var_coords_normalized (b, &bn);
  if (face != hb_font_get_face (b) || asx != bsx || asy != bsy || ax != bx || ay != by || an != bn
      || hb_font_get_ptem (a) != hb_font_get_ptem (b)
      || hb_font_get_synthetic_slant (a) != hb_font_get_synthetic_slant (b))
    return FALSE;
  for (unsigned int g = 0; g < glyphs; g += g < 300 || glyphs < 3000 ? 1 : 37)
    if (hb_font_get_glyph_h_advance (a, g) != hb_font_get_glyph_h_advance (b, g))
      return FALSE;
  return TRUE;
}

/* @font loaded anew at @size as Pango loads it: its description, resized. */
static PangoFont *
loaded_at (PangoContext *context, PangoFont *font, int size)
{
  g_autoptr (PangoFontDescription) desc = pango_font_describe (font);

  pango_font_description_set_size (desc, size);
  return pango_font_map_load_font (pango_context_get_font_map (context), context, desc);
}

/* The sizes copyfit and compose reach (headlines from 4 to 96 pt, bodies
 * in steps of a fraction of a point): an odd step meets all fractions. */
static void
test_hb_font_at_sizes (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  PangoContext *context;
  guint compared = 0;

  g_assert_no_error (error);
  context = jopan_fonts_create_context (fonts);
  for (gsize f = 0; f < G_N_ELEMENTS (faces); f++)
    {
      g_autoptr (PangoFontDescription) desc = pango_font_description_from_string (faces[f]);
      g_autoptr (PangoFont) font = NULL;

      pango_font_description_set_size (desc, 9 * PANGO_SCALE + 512);
      font = pango_context_load_font (context, desc);
      g_assert_nonnull (font);
      for (int size = 4 * PANGO_SCALE; size <= 96 * PANGO_SCALE; size += 613)
        {
          g_autoptr (PangoFont) loaded = loaded_at (context, font, size);
          hb_font_t *made = jopan_fonts_hb_font_at (context, font, size);

          g_assert_nonnull (made);
          if (!same_font (made, pango_font_get_hb_font (loaded)))
            g_error ("%s at %d/1024 pt: not the font Pango loads", faces[f], size);
          hb_font_destroy (made);
          compared++;
        }
    }
  g_assert_cmpuint (compared, ==, G_N_ELEMENTS (faces) * (92 * PANGO_SCALE / 613 + 1));
  g_object_unref (context);
}

/* The comparison above sees a font a unit off in scale (as a wrong
 * rounding of the pixel size would make it) or in point size. */
static void
test_hb_font_at_wrong (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  PangoContext *context;
  g_autoptr (PangoFontDescription) desc = pango_font_description_from_string ("Noto Serif 9.5");
  g_autoptr (PangoFont) font = NULL;
  hb_font_t *made, *wrong;
  guint moved = 0;
  int x, y;

  g_assert_no_error (error);
  context = jopan_fonts_create_context (fonts);
  font = pango_context_load_font (context, desc);
  made = jopan_fonts_hb_font_at (context, font, 8 * PANGO_SCALE + 300);
  g_assert_nonnull (made);
  hb_font_get_scale (made, &x, &y);
  wrong = hb_font_create (hb_font_get_face (made));
  hb_font_set_scale (wrong, x + 1, y + 1);
  hb_font_set_ptem (wrong, hb_font_get_ptem (made));
  g_assert_false (same_font (made, wrong));
  /* The advances alone tell it too: a unit of scale moves some of them. */
  for (hb_codepoint_t g = 0; g < 300; g++)
    moved += hb_font_get_glyph_h_advance (made, g) != hb_font_get_glyph_h_advance (wrong, g);
  g_assert_cmpuint (moved, >, 0);
  hb_font_set_scale (wrong, x, y);
  g_assert_true (same_font (made, wrong));
  hb_font_set_ptem (wrong, hb_font_get_ptem (made) + 0.01f);
  g_assert_false (same_font (made, wrong));
  hb_font_destroy (wrong);
  hb_font_destroy (made);
  g_clear_object (&font);
  g_object_unref (context);
}

/* Where Pango would make the font otherwise (a matrix on the context: a
 * scale the rules here do not follow), there is none. */
static void
test_hb_font_at_matrix (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  PangoContext *context;
  g_autoptr (PangoFontDescription) desc = pango_font_description_from_string ("Noto Serif 9.5");
  g_autoptr (PangoFont) font = NULL;
  PangoMatrix matrix = PANGO_MATRIX_INIT;

  g_assert_no_error (error);
  context = jopan_fonts_create_context (fonts);
  pango_matrix_scale (&matrix, 2, 2);
  pango_context_set_matrix (context, &matrix);
  font = pango_context_load_font (context, desc);
  g_assert_null (jopan_fonts_hb_font_at (context, font, 12 * PANGO_SCALE));
  g_clear_object (&font);
  g_object_unref (context);
}

/* Font sets made from the same font files share one fontconfig
 * configuration (the files scanned once a process); a file changed or
 * added makes another, and the font sets still find their fonts. */
static void
test_shared_config (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-fonts-XXXXXX", &error);
  g_autofree char *font = g_build_filename (dir, "extra.ttf", NULL);
  g_autofree char *more = g_build_filename (dir, "more.ttf", NULL);
  g_autofree char *data = NULL;
  const char *dirs[] = { dir, NULL };
  gsize length;
  int before = g_atomic_int_get (&jopan_fonts_scanned);

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (SOURCE_ROOT "/fonts/NotoSans-Regular.ttf", &data, &length,
                                      &error));
  g_assert_true (g_file_set_contents (font, data, (gssize) length, &error));
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (JopanFonts) fonts = jopan_fonts_new (dirs, SOURCE_ROOT, &error);
      g_assert_no_error (error);
      g_assert_true (jopan_fonts_has_family (fonts, "Noto Sans"));
    }
  g_assert_cmpint (g_atomic_int_get (&jopan_fonts_scanned) - before, ==, 1);
  g_assert_true (g_file_set_contents (more, data, (gssize) length, &error));
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (JopanFonts) fonts = jopan_fonts_new (dirs, SOURCE_ROOT, &error);
      g_assert_no_error (error);
      g_assert_true (jopan_fonts_has_family (fonts, "NanumMyeongjo"));
    }
  g_assert_cmpint (g_atomic_int_get (&jopan_fonts_scanned) - before, ==, 2);
  g_unlink (more);
  g_unlink (font);
  g_rmdir (dir);
}

/* How many of @style's paragraphs, resolved for @lang, find what
 * jopan_fonts_prime_style() loaded: the fontset a typesetter's context
 * loads for the paragraph's font is the one held (the map's cache gave it
 * back: the same key), and the text set in it takes its first font from
 * it.  *@kinds: how many paragraphs there are. */
static int
primed_hits (const JopanStyle *style, const char *lang, const char *sample, int *kinds)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  JopanReport *report = jopan_report_new ();
  gboolean korean = g_str_has_prefix (lang, "ko");
  JopanStyle resolved;
  JopanTypesetter ts;
  int hits = 0;

  g_assert_no_error (error);
  jopan_fonts_prime_style (fonts, style, lang);
  jopan_style_resolve (style, lang, lang, &resolved);
  jopan_typesetter_init (&ts, fonts, &resolved, lang, report);
  *kinds = 0;
  for (int k = 0; k < JOPAN_N_PARA; k++)
    {
      g_autoptr (PangoFontDescription) desc = jopan_fonts_describe (fonts, resolved.para[k].font, korean);
      PangoFontset *set = pango_font_map_load_fontset (
        pango_context_get_font_map (ts.context), ts.context, desc, pango_context_get_language (ts.context));
      g_autoptr (GHashTable) missing = NULL;
      g_autoptr (PangoLayout) layout = jopan_shaped_paragraph_for_test (&ts, k, sample, NULL, &missing);
      PangoGlyphItem *run = jopan_layout_line (layout, 0)->runs->data;
      g_autoptr (PangoFont) first = pango_fontset_get_font (set, g_utf8_get_char (sample));

      (*kinds)++;
      g_assert_true (run->item->analysis.font == first);
      hits += jopan_fonts_is_primed (fonts, set);
      g_object_unref (set);
    }
  jopan_typesetter_clear (&ts);
  jopan_report_free (report);
  return hits;
}

/* Every paragraph of the style, in English and in Korean, finds its fonts
 * loaded ahead; loaded at the wrong size (jopan_fonts_prime_break), none
 * does, and this test sees it. */
static void
test_prime (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  const char *const langs[][2] = { { "en", "Harbour wall" }, { "ko", "\xED\x95\x9C\xEA\xB5\xAD harbour" } };
  int kinds;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (langs); i++)
    {
      g_assert_cmpint (primed_hits (style, langs[i][0], langs[i][1], &kinds), ==, kinds);
      g_assert_cmpint (kinds, ==, JOPAN_N_PARA);
      jopan_fonts_prime_break = TRUE;
      g_assert_cmpint (primed_hits (style, langs[i][0], langs[i][1], &kinds), ==, 0);
      jopan_fonts_prime_break = FALSE;
    }
}

/* Counts the fonts of every paragraph style of the three styles whose
 * description (jopan_fonts_describe(), asked twice: made, then kept) is
 * not the one made anew, in Korean text and other, asking for the Korean
 * (@korean_first) or the other first; @korean_differ: how many differ
 * between the two. */
static guint
described_unlike (gboolean korean_first, guint *korean_differ)
{
  static const char *const names[] = { "berliner", "tabloid", "a4" };
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  guint unlike = 0;

  g_assert_no_error (error);
  *korean_differ = 0;
  for (gsize n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr (JopanStyle) style = jopan_style_load (names[n], SOURCE_ROOT, &error);
      g_assert_no_error (error);
      for (int k = 0; k < JOPAN_N_PARA; k++)
        for (int pass = 0; pass < 4; pass++)
          {
            gboolean korean = (pass % 2 == 0) == korean_first;
            const char *font = style->para[k].font;
            g_autoptr (PangoFontDescription) kept = jopan_fonts_describe (fonts, font, korean);
            g_autoptr (PangoFontDescription) anew = NULL;
            g_autoptr (PangoFontDescription) other = NULL;
            jopan_fonts_describe_anew = TRUE;
            anew = jopan_fonts_describe (fonts, font, korean);
            other = jopan_fonts_describe (fonts, font, !korean);
            jopan_fonts_describe_anew = FALSE;
            unlike += !pango_font_description_equal (kept, anew);
            *korean_differ += pass == 0 && !pango_font_description_equal (anew, other);
          }
    }
  return unlike;
}

/* A font's description is made once per font set and kept (every
 * story's typesetter asks): the same as made anew for every paragraph
 * style, Korean and not.  Kept under a key that leaves out whether the
 * text is Korean, this test sees the wrong families come back. */
static void
test_describe_kept (void)
{
  guint korean_differ;

  g_assert_cmpuint (described_unlike (TRUE, &korean_differ), ==, 0);
  g_assert_cmpuint (korean_differ, >, 0);
  g_assert_cmpuint (described_unlike (FALSE, &korean_differ), ==, 0);
  jopan_fonts_describe_wrong_key = TRUE;
  g_assert_cmpuint (described_unlike (TRUE, &korean_differ), >, 0);
  jopan_fonts_describe_wrong_key = FALSE;
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fonts/hb-font-at/sizes", test_hb_font_at_sizes);
  g_test_add_func ("/fonts/hb-font-at/wrong", test_hb_font_at_wrong);
  g_test_add_func ("/fonts/hb-font-at/matrix", test_hb_font_at_matrix);
  g_test_add_func ("/fonts/shared-config", test_shared_config);
  g_test_add_func ("/fonts/prime", test_prime);
  g_test_add_func ("/fonts/describe-kept", test_describe_kept);
  return g_test_run ();
}
