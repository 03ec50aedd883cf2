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

/* A header line's size: its layout's font, else its style's. */
static double
header_size (const JopanBox *b, const JopanParaStyle *p)
{
  const PangoFontDescription *font = b->layout ? pango_layout_get_font_description (b->layout) : NULL;

  return font && pango_font_description_get_size (font) > 0
             ? pango_font_description_get_size (font) / (double) PANGO_SCALE
             : p->size;
}

/* The air under the header run @from..@to (kicker, headline, deck), or a
 * message saying how it is wrong. */
static char *
air_under (const JopanPage *page, const JopanStyle *style, guint from, guint to)
{
  const JopanBox *last = &g_array_index (page->boxes, JopanBox, from);
  double x0 = last->x, x1 = last->x + last->measure, column_width, size, after, foot;
  double base_offset = style->baseline - 0.24 * style->para[JOPAN_PARA_BODY].size;
  const JopanParaStyle *p;
  const JopanBox *photo = NULL, *text = NULL;
  double text_foot;

  for (guint i = from; i < to; i++)
    if (g_array_index (page->boxes, JopanBox, i).y > last->y)
      last = &g_array_index (page->boxes, JopanBox, i);
  p = &style->para[strcmp (last->role, "deck") == 0 ? JOPAN_PARA_DECK : JOPAN_PARA_HEADLINE];
  size = header_size (last, p);
  /* A headline's space after goes with its size (a weight's, or fitted). */
  after = strcmp (last->role, "deck") == 0 ? p->space_after : p->space_after * size / p->size;
  foot = last->y + 0.25 * size + after;
  /* Text keeps a quarter of a grid line at least under a part with less
   * space after it (a deck). */
  text_foot = last->y + 0.25 * size + MAX (after, style->baseline / 4);
  column_width = (page->width - style->margin[1] - style->margin[3]
                  - (style->columns - 1) * style->gutter) / style->columns;
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && b->y > last->y && b->y < foot + 2 * style->baseline
          && b->x < x1 - 1 && b->x + b->w > x0 + 1)
        photo = b;
      else if (b->kind == JOPAN_BOX_TEXT && b->y > last->y + 1 && b->x > x0 - 1
               && b->x < x0 + column_width
               && (strcmp (b->role, "byline") == 0 || strcmp (b->role, "body") == 0)
               && (text == NULL || b->y < text->y))
        text = b;
    }
  if (photo && photo->y < foot + style->baseline - 0.01)
    return g_strdup_printf ("page %d: a photo %.2f pt under the %s's last baseline at %.2f: less "
                            "than a grid line of air", page->number, photo->y - last->y, last->role,
                            last->y);
  if (!photo && text && text->y < text_foot + base_offset - 0.01)
    return g_strdup_printf ("page %d: the %s %.2f pt under the %s's last baseline at %.2f: too "
                            "close", page->number, text->role, text->y - last->y, last->role,
                            last->y);
  if (!photo && text && text->y > text_foot + style->baseline + base_offset - 0.01)
    return g_strdup_printf ("page %d: the %s %.2f pt under the %s's last baseline at %.2f: a grid "
                            "line more than the header's space after needs", page->number,
                            text->role, text->y - last->y, last->role, last->y);
  return NULL;
}

char *
support_check_header_air (const JopanPage *page, const JopanStyle *style)
{
  for (guint i = 0; i < page->boxes->len; i++)
    {
      guint end = i;
      char *wrong;

      while (end < page->boxes->len && g_array_index (page->boxes, JopanBox, end).kind == JOPAN_BOX_TEXT
             && (strcmp (g_array_index (page->boxes, JopanBox, end).role, "kicker") == 0
                 || strcmp (g_array_index (page->boxes, JopanBox, end).role, "headline") == 0
                 || strcmp (g_array_index (page->boxes, JopanBox, end).role, "deck") == 0))
        end++;
      if (end == i)
        continue;
      if ((wrong = air_under (page, style, i, end)))
        return wrong;
      i = end - 1;
    }
  return NULL;
}
