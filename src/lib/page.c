/* page.c — the page display list: placed lines, photos, rules and fixed
 * boxes (ads). */
#include "compose-private.h"

#include <math.h>

JopanPage *
jopan_page_new (double width, double height, int number)
{
  JopanPage *page = g_new0 (JopanPage, 1);

  page->width = width;
  page->height = height;
  page->number = number;
  page->boxes = g_array_new (FALSE, TRUE, sizeof (JopanBox));
  return page;
}

void
jopan_page_free (JopanPage *page)
{
  if (page == NULL)
    return;
  for (guint i = 0; i < page->boxes->len; i++)
    {
      JopanBox *box = &g_array_index (page->boxes, JopanBox, i);
      g_clear_object (&box->layout);
      jopan_line_shape_unref (box->shape);
      g_free (box->path);
      g_free (box->place);
    }
  g_array_unref (page->boxes);
  g_free (page);
}

static JopanBox *
add_box (JopanPage *page, JopanBoxKind kind, const char *role, const double color[3])
{
  JopanBox box = { .kind = kind, .role = role };

  if (color)
    for (int i = 0; i < 3; i++)
      box.color[i] = color[i];
  g_array_append_val (page->boxes, box);
  return &g_array_index (page->boxes, JopanBox, page->boxes->len - 1);
}

gint jopan_page_lines_added;

/* A line set lazily goes in as its plan: only a page that is kept has
 * its lines shaped (jopan_page_shape_lines). */
void
jopan_page_add_line (JopanPage *page, const char *role, const JopanText *text, guint index,
                     double x, double baseline, const double color[3])
{
  const JopanLine *line = &g_array_index (text->lines, JopanLine, index);
  JopanBox *box = add_box (page, JOPAN_BOX_TEXT, role, color);

  g_atomic_int_inc (&jopan_page_lines_added);
  box->line = line->index;
  box->x = x;
  box->y = baseline;
  box->measure = line->measure;
  box->para = text->para;
  box->para_line = (int) index;
  box->para_lines = (int) text->lines->len;
  if (line->layout == NULL)
    {
      box->shape = jopan_line_shape_ref (line->shape);
      return;
    }
  box->layout = g_object_ref (line->layout);
  box->x += line->x;
  box->w = line->width;
  box->true_width = line->true_width;
  box->scale = line->scale;
}

void
jopan_page_shape_lines (JopanPage *page)
{
  for (guint i = 0; i < page->boxes->len; i++)
    {
      JopanBox *box = &g_array_index (page->boxes, JopanBox, i);
      const JopanLine *line;

      if (box->shape == NULL)
        continue;
      line = jopan_line_shape_get (box->shape);
      box->layout = g_object_ref (line->layout);
      box->x += line->x;
      box->w = line->width;
      box->true_width = line->true_width;
      box->scale = line->scale;
      g_clear_pointer (&box->shape, jopan_line_shape_unref);
    }
}

void
jopan_page_add_rule (JopanPage *page, double x0, double y0, double x1, double y1, double width,
                     const double color[3])
{
  JopanBox *box = add_box (page, JOPAN_BOX_RULE, "rule", color);

  box->x = x0, box->y = y0;
  box->w = x1 - x0, box->h = y1 - y0;
  box->line_width = width;
}

/* The photo covers the frame, scaled to fill it, cropped around its focus. */
void
jopan_page_add_image (JopanPage *page, const JopanImageRef *image, double x, double y, double w,
                      double h)
{
  JopanBox *box = add_box (page, JOPAN_BOX_IMAGE, "photo", NULL);
  double scale = MAX (w / image->width, h / image->height);
  double sw = w / scale, sh = h / scale;

  box->image = image;
  box->x = x, box->y = y, box->w = w, box->h = h;
  box->src_w = sw;
  box->src_h = sh;
  box->src_x = CLAMP (image->focus_x * image->width - sw / 2, 0, image->width - sw);
  box->src_y = CLAMP (image->focus_y * image->height - sh / 2, 0, image->height - sh);
}

/* A thin frame around an ad is house style: it tells the reader where
 * the advertiser's space ends.  The rules sit inside the box. */
#define BOX_FRAME_WIDTH 0.5

void
jopan_box_fit (double aspect, double w, double h, double *fw, double *fh)
{
  *fw = w, *fh = h;
  if (aspect > 0 && w / h > aspect)
    *fw = h * aspect;
  else if (aspect > 0)
    *fh = w / aspect;
}

void
jopan_page_add_box (JopanPage *page, const JopanPageBox *box, double x, double y, double w,
                    double h)
{
  static const double black[3] = { 0, 0, 0 };
  double in = BOX_FRAME_WIDTH / 2, fw, fh;

  if (box->is_pdf)
    {
      JopanBox *b = add_box (page, JOPAN_BOX_PDF, "box", NULL);
      b->x = x, b->y = y, b->w = w, b->h = h;
      b->path = g_strdup (box->path);
      b->place = g_strdup (box->place);
    }
  else
    {
      jopan_box_fit (box->aspect, w, h, &fw, &fh);
      jopan_page_add_image (page, box->image, x + (w - fw) / 2, y + (h - fh) / 2, fw, fh);
      g_array_index (page->boxes, JopanBox, page->boxes->len - 1).role = "box";
    }
  jopan_page_add_rule (page, x, y + in, x + w, y + in, BOX_FRAME_WIDTH, black);
  jopan_page_add_rule (page, x, y + h - in, x + w, y + h - in, BOX_FRAME_WIDTH, black);
  jopan_page_add_rule (page, x + in, y, x + in, y + h, BOX_FRAME_WIDTH, black);
  jopan_page_add_rule (page, x + w - in, y, x + w - in, y + h, BOX_FRAME_WIDTH, black);
}

GArray *
jopan_box_links (const JopanBox *b)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (JopanLinkRect));
  const GArray *links = b->kind == JOPAN_BOX_TEXT ? jopan_layout_links (b->layout) : NULL;
  PangoLayoutLine *line;
  PangoRectangle logical;

  if (links == NULL)
    return out;
  line = jopan_layout_line (b->layout, b->line);
  pango_layout_line_get_extents (line, NULL, &logical);
  for (guint i = 0; i < links->len; i++)
    {
      const JopanLink *l = &g_array_index (links, JopanLink, i);
      int start = MAX ((int) l->start, line->start_index);
      int end = MIN ((int) l->end, line->start_index + line->length);
      g_autofree int *ranges = NULL;
      int n = 0, x0 = G_MAXINT, x1 = G_MININT;
      double scale = b->scale > 0 ? b->scale : 1;

      if (start >= end)
        continue;
      /* One rectangle over the link's part of the line, even where
       * bidi text splits it: a reader taps a word, not a glyph run. */
      pango_layout_line_get_x_ranges (line, start, end, &ranges, &n);
      for (int k = 0; k < n; k++)
        x0 = MIN (x0, ranges[2 * k]), x1 = MAX (x1, ranges[2 * k + 1]);
      if (n == 0 || x1 <= x0)
        continue;
      JopanLinkRect r = { b->x + scale * x0 / PANGO_SCALE, b->y + logical.y / (double) PANGO_SCALE,
                          scale * (x1 - x0) / PANGO_SCALE, logical.height / (double) PANGO_SCALE,
                          l->uri };
      g_array_append_val (out, r);
    }
  return out;
}

/* A "link" line after a text box for each link on it. */
static void
dump_links (const JopanBox *b, GString *out)
{
  g_autoptr (GArray) rects = jopan_box_links (b);

  for (guint i = 0; i < rects->len; i++)
    {
      const JopanLinkRect *r = &g_array_index (rects, JopanLinkRect, i);
      g_string_append_printf (out, "  link     x=%.2f y=%.2f w=%.2f h=%.2f uri=%s\n", r->x, r->y,
                              r->w, r->h, r->uri);
    }
}

void
jopan_page_dump (const JopanPage *page, GString *out)
{
  g_string_append_printf (out, "page %d %.2f x %.2f\n", page->number, page->width, page->height);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      switch (b->kind)
        {
        case JOPAN_BOX_TEXT:
          {
            PangoLayoutLine *line = jopan_layout_line (b->layout, b->line);
            const char *text = pango_layout_get_text (b->layout);
            g_autofree char *scale = fabs (b->scale - 1) > 5e-4 ? g_strdup_printf (" s=%.3f", b->scale)
                                                                : g_strdup ("");
            g_string_append_printf (out, "  %-8s x=%.2f base=%.2f w=%.2f m=%.2f%s p=%d l=%d/%d |%.*s|\n",
                                    b->role, b->x, b->y, b->true_width, b->measure, scale, b->para,
                                    b->para_line, b->para_lines, line->length,
                                    text + line->start_index);
            dump_links (b, out);
            break;
          }
        case JOPAN_BOX_IMAGE:
          g_string_append_printf (out, "  %-8s x=%.2f y=%.2f w=%.2f h=%.2f src=%s crop=%.0f,%.0f,%.0f,%.0f\n",
                                  b->role, b->x, b->y, b->w, b->h, b->image->src, b->src_x,
                                  b->src_y, b->src_w, b->src_h);
          break;
        case JOPAN_BOX_PDF:
          {
            /* The file's name only: a dump is the same wherever it runs. */
            g_autofree char *name = b->path ? g_path_get_basename (b->path) : g_strdup ("(none)");
            g_string_append_printf (out, "  box      x=%.2f y=%.2f w=%.2f h=%.2f pdf=%s\n", b->x,
                                    b->y, b->w, b->h, name);
            break;
          }
        case JOPAN_BOX_RULE:
          g_string_append_printf (out, "  rule     x=%.2f y=%.2f dx=%.2f dy=%.2f width=%.2f\n", b->x,
                                  b->y, b->w, b->h, b->line_width);
          break;
        }
    }
}
