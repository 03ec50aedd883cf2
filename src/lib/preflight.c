/* preflight.c — a printer's checks on the finished pages (display list) and
 * on the PDF/X file itself (finish.cc does the reading with qpdf).
 *
 * On the pages: small type printed in more than one ink (the plates never
 * register exactly: it blurs), reversed (light) type too small to survive
 * the ink spreading around it, and text or rules too close to the trim or
 * outside it.  In the file: RGB left, ink over the limit, fonts not
 * embedded.  Each finding names the page and the object.
 */
#include "compose-private.h"
#include "finish-private.h"

#include <string.h>

#define SMALL_TYPE 7.0     /* points: under this, one ink only */
#define REVERSED_TYPE 10.0 /* points: light type under this fills in */
#define SAFETY (3 * 72 / 25.4) /* the trim may wander 3mm: keep text inside it */

/* The smallest size on a text box's line, points. */
static double
line_size (const JopanBox *b)
{
  PangoLayoutLine *line = jopan_layout_line (b->layout, b->line);
  double size = 0;

  for (GSList *r = line ? line->runs : NULL; r; r = r->next)
    {
      PangoGlyphItem *run = r->data;
      PangoFontDescription *d = pango_font_describe (run->item->analysis.font);
      double s = pango_font_description_get_size (d) / (double) PANGO_SCALE;
      size = size == 0 ? s : MIN (size, s);
      pango_font_description_free (d);
    }
  return size;
}

/* "caption \"Net sheds and a cable drum…\"": the box's role and its first
 * words, to name it in a finding. */
static char *
box_name (const JopanBox *b)
{
  PangoLayoutLine *line;
  const char *text;
  g_autofree char *words = NULL;

  if (b->kind == JOPAN_BOX_RULE)
    return g_strdup_printf ("a rule at %.0f, %.0f pt", b->x, b->y);
  if (b->kind != JOPAN_BOX_TEXT)
    return g_strdup (b->role);
  line = jopan_layout_line (b->layout, b->line);
  text = pango_layout_get_text (b->layout) + line->start_index;
  words = g_utf8_make_valid (text, MIN (line->length, 40));
  return g_strdup_printf ("%s line \"%s%s\"", b->role, words, line->length > 40 ? "…" : "");
}

static int
inks (const double cmyk[4])
{
  int n = 0;

  for (int i = 0; i < 4; i++)
    n += cmyk[i] > 0.005;
  return n;
}

static void
check_text (const JopanDocument *doc, const JopanFinish *f, const JopanPage *page,
            const JopanBox *b)
{
  double size = line_size (b), cmyk[4];
  double light = (b->color[0] + b->color[1] + b->color[2]) / 3;

  if (size <= 0)
    return;
  if (f->color && size < SMALL_TYPE && (jopan_finish_fill_cmyk (f, b->color, cmyk), inks (cmyk) > 1))
    {
      g_autofree char *name = box_name (b);
      jopan_report_add (doc->report, "print", "page %d: %s: %.1f pt type in %d inks (C %.0f M %.0f "
                        "Y %.0f K %.0f): expected one ink under %.0f pt", page->number, name, size,
                        inks (cmyk), 100 * cmyk[0], 100 * cmyk[1], 100 * cmyk[2], 100 * cmyk[3],
                        SMALL_TYPE);
    }
  if (light > 0.6 && size < REVERSED_TYPE)
    {
      g_autofree char *name = box_name (b);
      jopan_report_add (doc->report, "print", "page %d: %s: reversed (light) type of %.1f pt: "
                        "expected %.0f pt or more", page->number, name, size, REVERSED_TYPE);
    }
}

/* Text and rules stay SAFETY inside the trim; only photos may bleed. */
static void
check_trim (const JopanDocument *doc, const JopanPage *page, const JopanBox *b)
{
  double x0 = b->x, x1 = b->x, y0 = b->y, y1 = b->y;

  if (b->kind == JOPAN_BOX_TEXT)
    {
      double size = line_size (b);
      x1 = b->x + b->true_width, y0 = b->y - size * 0.8, y1 = b->y + size * 0.2;
    }
  else if (b->kind == JOPAN_BOX_RULE)
    x0 = MIN (b->x, b->x + b->w), x1 = MAX (b->x, b->x + b->w),
    y0 = MIN (b->y, b->y + b->h), y1 = MAX (b->y, b->y + b->h);
  else
    return;
  if (x0 < SAFETY || y0 < SAFETY || x1 > page->width - SAFETY || y1 > page->height - SAFETY)
    {
      g_autofree char *name = box_name (b);
      jopan_report_add (doc->report, "print", "page %d: %s reaches %s: expected text and rules "
                        "3mm or more inside the trim", page->number, name,
                        x0 < 0 || y0 < 0 || x1 > page->width || y1 > page->height
                        ? "into the bleed" : "within 3mm of the trim");
    }
}

/* The display-list checks of every page; ink counts for PDF/X only (an
 * RGB file's inks are the printer's separation, not ours). */
void
jopan_preflight_pages (JopanDocument *doc)
{
  JopanFinish f = { 0 };
  JopanFinishInk inks_given[JOPAN_N_PARA];

  /* Still on the thread that composed them: lines set lazily are shaped. */
  for (guint i = 0; i < doc->pages->len; i++)
    jopan_page_shape_lines (g_ptr_array_index (doc->pages, i));
  /* Then the lines that may overflow: those on these pages are shaped by
   * now, the others of the kept attempts are shaped here (typeset.c). */
  jopan_report_settle (doc->report);

  for (int i = 0; i < doc->print.n_inks; i++)
    {
      memcpy (inks_given[i].rgb, doc->print.inks[i].rgb, sizeof inks_given[i].rgb);
      memcpy (inks_given[i].cmyk, doc->print.inks[i].cmyk, sizeof inks_given[i].cmyk);
    }
  f.inks = inks_given;
  f.n_inks = (guint) doc->print.n_inks;
  if (doc->print.output != JOPAN_OUTPUT_RGB)
    f.color = jopan_color_new (doc->print.profile, doc->print.intent, doc->print.ink_limit, NULL);
  for (guint p = 0; p < doc->pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (doc->pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
          if (b->kind == JOPAN_BOX_TEXT)
            check_text (doc, &f, page, b);
          check_trim (doc, page, b);
        }
    }
  jopan_color_free (f.color);
}
