/* support.c — what several unit tests need alike. */
#include "support.h"

double
support_hang_of (const JopanBox *b)
{
  const char *text = b->kind == JOPAN_BOX_TEXT && b->layout ? pango_layout_get_text (b->layout) : "";
  gunichar c = g_utf8_get_char (text);
  PangoRectangle pos;

  if (c != 0x201C && c != 0x2018 && c != 0x201E && c != 0x201A && c != 0x00AB)
    return 0;
  pango_layout_index_to_pos (b->layout, (int) (g_utf8_next_char (text) - text), &pos);
  return pos.x / (double) PANGO_SCALE;
}

JopanDocument *
support_compose_sample (JopanFonts *fonts, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s/samples/pages/%s", SOURCE_ROOT, name);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanPagePlan) plan = NULL;
  JopanLayoutOptions options = { .copyfit = TRUE };
  JopanDocument *doc;

  g_assert_no_error (error);
  plan = jopan_page_plan_load (path, &error);
  g_assert_no_error (error);
  doc = jopan_document_new_page (fonts, style, plan, &options, &error);
  g_assert_no_error (error);
  return doc;
}

guint
support_composing_count (const char *name, gint *counter)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  gint before;

  g_assert_no_error (error);
  before = g_atomic_int_get (counter);
  doc = support_compose_sample (fonts, name);
  return (guint) (g_atomic_int_get (counter) - before);
}
