/* support.c — what several unit tests need alike. */
#include "support.h"

#include <glib/gstdio.h>
#include <string.h>

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
  g_autofree char *path = g_strdup_printf ("%s/%s%s", SOURCE_ROOT,
                                           strchr (name, '/') ? "" : "samples/pages/", name);
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

char *
support_composed_dump (JopanFonts *fonts, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanDocument) doc = support_compose_sample (fonts, name);
  g_autofree char *dump = g_build_filename (g_get_tmp_dir (), "test-support-XXXXXX.txt", NULL);
  g_autofree char *report = NULL, *text = NULL;
  int fd = g_mkstemp (dump);

  g_assert_cmpint (fd, >=, 0);
  g_close (fd, NULL);
  g_assert_true (jopan_document_write (doc, dump, JOPAN_FORMAT_DUMP, 72, &error));
  g_assert_true (g_file_get_contents (dump, &text, NULL, &error));
  g_unlink (dump);
  report = jopan_document_report_json (doc);
  return g_strconcat (report, text, NULL);
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
