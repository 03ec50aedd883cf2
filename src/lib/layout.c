/* layout.c — one attempt at laying out a story: folio, header, photos,
 * rows of body text, flowed (flow.c) and drawn into page display lists.
 * See layout-private.h for the grid.
 */
#include "layout-private.h"

#include <math.h>
#include <string.h>

/* The words of the headline a jump head takes when the article has no
 * jump_headline. */
#define JUMP_WORDS 4
/* The most lines a headline in a module takes (a brief's), and the smallest
 * size it may go to then when the style has no brief sizes. */
#define MIN_HEADLINE_SIZE 12.0
/* The least air between a header's last line and a byline or text right
 * under it, in grid lines, for a part with less space after it (a deck):
 * its descenders clear the byline's capitals by some 5 points. */
#define HEADER_TEXT_AIR 0.25

/* ---- geometry ---------------------------------------------------------------- */

static double
column_x (const Grid *g, int column)
{
  return g->x0 + column * (g->column_width + g->gutter);
}

static double
span_width (const Grid *g, int columns)
{
  return columns * g->column_width + (columns - 1) * g->gutter;
}

static double
band_y (const Grid *g, int band)
{
  return g->y0 + band * g->pitch;
}

static void
grid_init (Grid *g, const JopanStyle *s)
{
  g->x0 = s->margin[3];
  g->y0 = s->margin[0];
  g->width = s->page_width - s->margin[1] - s->margin[3];
  g->height = s->page_height - s->margin[0] - s->margin[2];
  g->columns = s->columns;
  g->gutter = s->gutter;
  g->column_width = (g->width - (g->columns - 1) * g->gutter) / g->columns;
  g->pitch = s->baseline;
  g->bands = (int) floor (g->height / g->pitch + 1e-6);
  /* Sit the baseline where the body face's descenders just clear the band. */
  g->base_offset = g->pitch - 0.24 * s->para[JOPAN_PARA_BODY].size;
}

static int
bands_for (const Grid *g, double height)
{
  return (int) ceil (height / g->pitch - 1e-6);
}

/* A style's ascent and descent, approximated from its size. */
static double
ascent_of (const JopanParaStyle *p)
{
  return 0.8 * p->size;
}

static double
descent_of (const JopanParaStyle *p)
{
  return 0.25 * p->size;
}

/* ---- setting text --------------------------------------------------------------- */

static JopanText *
set_text (Layout *lo, JopanParaKind kind, const char *text, const GArray *spans, double width,
          double indent, const char *where)
{
  JopanText *t = jopan_typeset_named (&lo->at.ts, kind, text, spans, width, indent,
                                      lo->in->article->name, where);

  g_ptr_array_add (lo->at.texts, t);
  return t;
}

/* The advance of @text set on one line in @kind's style. */
static double
advance_of (Layout *lo, JopanParaKind kind, const char *text)
{
  g_autoptr (JopanText) t = jopan_typeset (&lo->at.ts, kind, text, NULL, G_MAXINT, 0, "measure");

  return t->lines->len ? jopan_text_line (t, 0)->true_width : 0;
}

/* Draws the first @count lines of @t from @top downwards at its leading;
 * returns the bottom of the last line's descent. */
static double
draw_lines (Layout *lo, JopanPage *page, const JopanText *t, guint count, JopanParaKind kind,
            double x, double top)
{
  const JopanParaStyle *p = &lo->set.style.para[kind];
  double baseline = top + ascent_of (p);

  for (guint i = 0; i < count && i < t->lines->len; i++, baseline += t->leading)
    jopan_page_add_line (page, jopan_para_names[kind], t, i, x, baseline, p->color);
  return baseline - t->leading + descent_of (p);
}

/* How many lines of @t, its first set from @top, end above @limit. */
static guint
lines_fitting (const Layout *lo, const JopanText *t, JopanParaKind kind, double top, double limit)
{
  const JopanParaStyle *p = &lo->set.style.para[kind];
  double room = limit - top - ascent_of (p) - descent_of (p);

  if (room < -1e-6)
    return 0;
  if (t->leading <= 0)
    return t->lines->len;
  return (guint) MIN ((double) t->lines->len, floor (room / t->leading + 1e-6) + 1);
}

/* Counts lines [@from, @to) of @t as overset of @element: they did not
 * fit where it goes (nothing is dropped silently). */
static void
count_overset (Layout *lo, const JopanText *t, guint from, guint to, const char *element)
{
  guint chars = 0;

  for (guint i = from; i < to; i++)
    chars += g_array_index (t->lines, JopanLine, i).chars;
  jopan_report_add_overset_element (lo->at.findings, element, to - from, chars);
  jopan_report_add (lo->at.findings, "overset",
                    "%s: %s: %u lines (%u characters) do not fit the %s", lo->in->article->name,
                    element, to - from, chars, lo->set.slot ? "slot" : "page");
}

/* Keeps the first @keep lines of @t where @element goes and counts the
 * rest as its overset; with @element %NULL the text is shown in full
 * elsewhere and is not counted.  Returns the lines to draw. */
static guint
keep_lines (Layout *lo, const JopanText *t, guint keep, const char *element)
{
  if (keep >= t->lines->len)
    return t->lines->len;
  if (element)
    count_overset (lo, t, keep, t->lines->len, element);
  return keep;
}

/* ---- the folio ----------------------------------------------------------------- */

static char *
format_date (const char *date, gboolean korean)
{
  static const char *const days_ko[] = { "", "월", "화", "수", "목", "금", "토", "일" };
  g_autofree char *iso = date ? g_strdup_printf ("%sT00:00:00Z", date) : NULL;
  g_autoptr (GDateTime) dt = iso ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  if (dt == NULL)
    return g_strdup (date ? date : "");
  if (korean)
    return g_strdup_printf ("%d년 %d월 %d일 %s요일", g_date_time_get_year (dt),
                            g_date_time_get_month (dt), g_date_time_get_day_of_month (dt),
                            days_ko[g_date_time_get_day_of_week (dt)]);
  /* Month and day names in English whatever the locale. */
  {
    static const char *const months[] = { "", "January", "February", "March", "April", "May",
                                          "June", "July", "August", "September", "October",
                                          "November", "December" };
    static const char *const days[] = { "", "Monday", "Tuesday", "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday" };
    return g_strdup_printf ("%s, %s %d, %d", days[g_date_time_get_day_of_week (dt)],
                            months[g_date_time_get_month (dt)], g_date_time_get_day_of_month (dt),
                            g_date_time_get_year (dt));
  }
}

int
jopan_layout_folio_bands (const JopanStyle *style)
{
  const JopanParaStyle *p = &style->para[JOPAN_PARA_FOLIO];

  /* As place_folio: one line, 3 points to the rule, half a band of air. */
  return (int) ceil ((ascent_of (p) + descent_of (p) + 3 + 0.5 * style->baseline) / style->baseline
                     - 1e-6);
}

/* A Korean date on a Korean page (a composed page's lang), else on a
 * Korean story's. */
static gboolean
folio_korean (const Layout *lo)
{
  const char *lang = lo->in->module.columns > 0 ? lo->in->module.lang : NULL;

  if (lang && *lang)
    return g_ascii_strncasecmp (lang, "ko", 2) == 0 && (lang[2] == '\0' || lang[2] == '-');
  return lo->set.korean;
}

/* Page number and section on the left, date on the right, a rule below.
 * Returns the first band below it. */
static int
place_folio (Layout *lo, JopanPage *page, int number)
{
  const Grid *g = &lo->set.grid;
  const JopanParaStyle *p = &lo->set.style.para[JOPAN_PARA_FOLIO];
  const JopanArticle *a = lo->in->article;
  const char *section = lo->in->module.columns > 0 ? lo->in->module.section : a->section;
  const char *title = lo->in->module.columns > 0 ? lo->in->module.title : NULL;
  g_autofree char *left = title && *title
                              ? g_strdup_printf ("%d   %s   %s", number, title, section ? section : "")
                              : g_strdup_printf ("%d   %s", number, section ? section : "");
  g_autofree char *date = format_date (lo->in->module.columns > 0 ? lo->in->module.date : a->date,
                                       folio_korean (lo));
  g_autofree char *where = g_strdup_printf ("folio of page %d", number);
  JopanText *l = set_text (lo, JOPAN_PARA_FOLIO, g_strstrip (left), NULL, g->width / 2, 0, where);
  JopanText *r = NULL;
  double bottom;
  JopanParaStyle right = *p;

  /* A folio is one line; what does not fit it is counted once, on page 1. */
  bottom = draw_lines (lo, page, l, keep_lines (lo, l, 1, number == 1 ? "section" : NULL),
                       JOPAN_PARA_FOLIO, g->x0, g->y0);
  if (*date)
    {
      /* The same style, right-aligned: typeset once with a copy of it. */
      const JopanLine *line;
      r = set_text (lo, JOPAN_PARA_FOLIO, date, NULL, g->width / 2, 0, where);
      keep_lines (lo, r, 1, number == 1 ? "date" : NULL);
      line = jopan_text_line (r, 0);
      r->para = 1;
      jopan_page_add_line (page, "folio", r, 0, g->x0 + g->width - line->width - line->x,
                           g->y0 + ascent_of (&right), p->color);
    }
  bottom += 3;
  jopan_page_add_rule (page, g->x0, bottom, g->x0 + g->width, bottom, 0.75, p->color);
  return bands_for (g, bottom + 0.5 * g->pitch - g->y0);
}

/* ---- header: kicker, headline, deck ---------------------------------------------- */

/* The columns a header part spans: the article's choice for the headline,
 * else its weight's, else the style's, never wider than the story. */
static int
span_of (const Layout *lo, JopanParaKind kind)
{
  int n = lo->set.style.para[kind].columns;

  if (kind == JOPAN_PARA_HEADLINE && lo->set.treatment->headline_columns > 0)
    n = lo->set.treatment->headline_columns;
  if (kind == JOPAN_PARA_HEADLINE && lo->in->article->headline_columns > 0)
    n = lo->in->article->headline_columns;
  return n <= 0 || n > lo->set.columns ? lo->set.columns : n;
}

/* On a composed page a module's first line starts at its top edge: it
 * steps down as far as its font's box reaches above the ascent the grid
 * allows for, so that nothing it draws is outside its module. */
static double
module_inset (const Layout *lo, const JopanText *t, JopanParaKind kind)
{
  const JopanLine *line;
  PangoRectangle logical;

  if (lo->in->module.columns <= 0 || t->lines->len == 0)
    return 0;
  line = jopan_text_line (t, 0);
  pango_layout_line_get_extents (jopan_layout_line (line->layout, line->index), NULL,
                                 &logical);
  return MAX (0, -logical.y / (double) PANGO_SCALE - ascent_of (&lo->set.style.para[kind]));
}

static void apply_headline (Layout *lo);

/* A headline in a module takes at most 3 lines (a brief's 2): a narrow
 * module sets it smaller, below its weight's range if need be, down to
 * the brief's smallest size.  The cap stays for later attempts. */
static JopanText *
headline_to_lines (Layout *lo, JopanText *t, double width)
{
  const JopanStyle *s = lo->in->style;
  guint most = jopan_headline_most_lines (lo->set.weight);
  double floor_size = s->treatment[JOPAN_WEIGHT_BRIEF - 1].headline_min > 0
                          ? s->treatment[JOPAN_WEIGHT_BRIEF - 1].headline_min
                          : MIN_HEADLINE_SIZE;

  if (!lo->set.slot && lo->in->module.columns <= 0)
    return t;
  while (t->lines->len > most && lo->set.style.para[JOPAN_PARA_HEADLINE].size > floor_size)
    {
      double size = lo->set.style.para[JOPAN_PARA_HEADLINE].size;
      /* The lines go about as the size: step by their share, at least half a point. */
      double next = MIN (size - 0.5, round (2 * size * (most + 0.5) / t->lines->len) / 2);
      lo->set.headline_size -= size - MAX (next, floor_size);
      apply_headline (lo);
      t = set_text (lo, JOPAN_PARA_HEADLINE, lo->in->article->headline, NULL, width, 0, "headline");
    }
  lo->res.headline_over = MAX (0, (int) t->lines->len - (int) most);
  return t;
}

/* Places the kicker, headline and deck from band @top.  Returns the
 * first band a byline or the text under them may start at: below their
 * last line's descent and its space after (at least HEADER_TEXT_AIR).
 * Sets *@photo_top to the band a photo under them starts at: a grid line
 * lower than the band their space after reaches. */
static int
place_header (Layout *lo, JopanPage *page, int top, int *photo_top)
{
  const Grid *g = &lo->set.grid;
  const JopanArticle *a = lo->in->article;
  const struct {
    JopanParaKind kind;
    const char *text;
  } parts[] = {
    { JOPAN_PARA_KICKER, a->kicker },
    { JOPAN_PARA_HEADLINE, a->headline },
    { JOPAN_PARA_DECK, a->subheadline },
  };
  double y = band_y (g, top), limit = band_y (g, lo->set.depth), text_foot = y;

  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const JopanParaStyle *p = &lo->set.style.para[parts[i].kind];
      const char *name = jopan_para_names[parts[i].kind];
      JopanText *t;
      double from;
      guint keep;

      if (parts[i].text == NULL || *parts[i].text == '\0')
        continue;
      t = set_text (lo, parts[i].kind, parts[i].text, NULL,
                    span_width (g, span_of (lo, parts[i].kind)), 0, name);
      if (parts[i].kind == JOPAN_PARA_HEADLINE)
        t = headline_to_lines (lo, t, span_width (g, span_of (lo, parts[i].kind)));
      from = y + (y > band_y (g, top) ? p->space_before : module_inset (lo, t, parts[i].kind));
      /* A header taller than the story's area keeps what fits in it. */
      keep = keep_lines (lo, t, lines_fitting (lo, t, parts[i].kind, from, limit), name);
      if (keep > 0)
        {
          double descent = draw_lines (lo, page, t, keep, parts[i].kind, g->x0, from);
          y = descent + p->space_after;
          text_foot = descent + MAX (p->space_after, HEADER_TEXT_AIR * g->pitch);
        }
    }
  *photo_top = MIN (bands_for (g, y - g->y0) + 1, lo->set.depth);
  return MIN (bands_for (g, text_foot - g->y0), lo->set.depth);
}

/* ---- photos ------------------------------------------------------------------------ */

/* The points under a photo's frame: credit and caption with their air. */
static double
photo_below (const Layout *lo, const Photo *ph)
{
  double below = 3;

  if (ph->credit_lines > 0 && !ph->credit_inline)
    below += ph->credit_lines * lo->set.style.para[JOPAN_PARA_CREDIT].leading + 1;
  return below + ph->caption_lines * lo->set.style.para[JOPAN_PARA_CAPTION].leading;
}

/* A caption reads in lines no longer than two columns' measure: under a
 * wider photo it keeps to the photo's first two columns. */
static double
caption_width (const Grid *g, int columns)
{
  return span_width (g, MIN (columns, 2));
}

/* Does a one-line credit fit at the end of the caption's last line, an
 * em of the credit's size after its text? */
static gboolean
credit_fits_inline (const Layout *lo, const Photo *ph, double width)
{
  const JopanLine *last, *credit;

  if (!ph->caption || !ph->credit || ph->credit->lines->len != 1 || ph->caption->lines->len == 0)
    return FALSE;
  last = jopan_text_line (ph->caption, ph->caption->lines->len - 1);
  credit = jopan_text_line (ph->credit, 0);
  return last->x + last->true_width + lo->set.style.para[JOPAN_PARA_CREDIT].size + credit->true_width
         <= width + 0.01;
}

/* Sets the photo's credit and caption; if, with the smallest frame, they
 * would not fit the @room bands the photo may take, the lines that do not
 * fit are overset of the caption (then the credit). */
static void
photo_set_texts (Layout *lo, Photo *ph, int room, const char *where)
{
  double width = caption_width (&lo->set.grid, ph->columns);
  const int min_frame = ph->index == 0 ? 3 : 4;
  g_autofree char *credit_name = g_strdup_printf ("%s.credit", where);
  g_autofree char *caption_name = g_strdup_printf ("%s.caption", where);
  guint credit_keep, caption_keep;

  if (ph->image->credit && *ph->image->credit)
    {
      ph->credit = set_text (lo, JOPAN_PARA_CREDIT, ph->image->credit, NULL, width, 0, where);
      ph->credit->para = ph->index;
    }
  if (ph->image->caption && *ph->image->caption)
    {
      ph->caption = set_text (lo, JOPAN_PARA_CAPTION, ph->image->caption, NULL, width, 0, where);
      ph->caption->para = ph->index;
    }
  ph->credit_lines = ph->credit ? ph->credit->lines->len : 0;
  ph->caption_lines = ph->caption ? ph->caption->lines->len : 0;
  ph->credit_inline = credit_fits_inline (lo, ph, width);
  while (min_frame + bands_for (&lo->set.grid, photo_below (lo, ph)) + 1 > room
         && ph->credit_lines + ph->caption_lines > 0)
    {
      /* A caption cut short no longer ends where the credit would. */
      ph->credit_inline = FALSE;
      *(ph->caption_lines > 0 ? &ph->caption_lines : &ph->credit_lines) -= 1;
    }
  credit_keep = ph->credit_lines, caption_keep = ph->caption_lines;
  if (ph->credit)
    keep_lines (lo, ph->credit, credit_keep, credit_name);
  if (ph->caption)
    keep_lines (lo, ph->caption, caption_keep, caption_name);
}

/* @max_bands: the tallest frame wanted; @room: the bands the photo with
 * its credit and caption may take at most. */
static void
photo_prepare (Layout *lo, Photo *ph, const JopanImageRef *image, int columns, int max_bands,
               int room, int index)
{
  const Grid *g = &lo->set.grid;
  double width = span_width (g, columns);
  g_autofree char *where = g_strdup_printf ("images[%d]", index);

  *ph = (Photo) { .image = image, .index = index, .columns = columns };
  ph->frame_bands = (int) lround (width * image->height / image->width / g->pitch);
  ph->frame_bands = CLAMP (ph->frame_bands, 3, MAX (3, max_bands));
  /* Copyfit may take lines from (or give lines to) the lead photo. */
  if (index == 0)
    ph->frame_bands = MAX (3, ph->frame_bands + (int) lo->set.fit.photo_lines);
  photo_set_texts (lo, ph, room, where);
  ph->bands = ph->frame_bands + bands_for (g, photo_below (lo, ph)) + 1;
  ph->natural_frame_bands = ph->frame_bands;
  ph->natural_bands = ph->bands;
}

/* A photo printed below the style's resolution, in its frame as placed
 * (the flow and copyfit may have grown or shrunk it): a finding. */
static void
check_resolution (Layout *lo, const Photo *ph, double w, double h)
{
  double min_dpi = lo->set.style.min_image_dpi;
  double dpi;

  if (min_dpi <= 0 || w <= 0 || h <= 0)
    return;
  dpi = MIN (ph->image->width / (w / 72.0), ph->image->height / (h / 72.0));
  /* Under half the minimum the press would print visible pixels. */
  if (dpi < min_dpi)
    jopan_report_add (lo->at.findings, "low-resolution",
                      "%s: images[%d]: photo \"%s\" prints at %.0f dpi, below %.0f%s",
                      lo->in->article->name, ph->index, ph->image->src, dpi, min_dpi,
                      dpi < min_dpi / 2 ? ": under half of it, an error for the press" : "");
}

/* Draws a photo in its bands: with @air_above (a photo under text) a grid
 * line of air and the slack of the caption's last band above the frame,
 * so the caption ends at the foot of its bands; else the frame at the top,
 * the slack and a line of air below the caption.  Either way the air
 * between text and the photo, or its caption, is a grid line and the
 * slack. */
static void
photo_place (Layout *lo, const Grid *g, JopanPage *page, const Photo *ph, int column, int band,
             gboolean air_above)
{
  double below = photo_below (lo, ph);
  double slack = bands_for (g, below) * g->pitch - below;
  double x = column_x (g, column), y = band_y (g, band) + (air_above ? g->pitch + slack : 0);
  double w = span_width (g, ph->columns), h = ph->frame_bands * g->pitch;

  jopan_page_add_image (page, ph->image, x, y, w, h);
  check_resolution (lo, ph, w, h);
  y += h + 2;
  if (ph->caption_lines > 0)
    y = draw_lines (lo, page, ph->caption, ph->caption_lines, JOPAN_PARA_CAPTION, x, y) + 1;
  if (ph->credit_lines > 0 && ph->credit_inline)
    {
      /* On the caption's last baseline, flush with its measure's end. */
      const JopanParaStyle *caption = &lo->set.style.para[JOPAN_PARA_CAPTION];
      double baseline = y - 1 - descent_of (caption);
      draw_lines (lo, page, ph->credit, 1, JOPAN_PARA_CREDIT, x,
                  baseline - ascent_of (&lo->set.style.para[JOPAN_PARA_CREDIT]));
    }
  else if (ph->credit_lines > 0)
    draw_lines (lo, page, ph->credit, ph->credit_lines, JOPAN_PARA_CREDIT, x, y);
}

/* ---- rows: the body set at column width ------------------------------------------- */

static Row *
add_row (Layout *lo, JopanText *t, guint first, guint count, JopanParaKind kind, int bands)
{
  Row row = { .text = t, .first = first, .count = count, .bands = bands, .kind = kind,
              .break_before = TRUE,
              .offset = lo->set.grid.base_offset };

  row.order = lo->at.rows->len;
  /* The first rows after a subhead stay in its column. */
  if (lo->at.keep_pending > 0)
    row.break_before = FALSE, lo->at.keep_pending--;
  g_array_append_val (lo->at.rows, row);
  return &g_array_index (lo->at.rows, Row, lo->at.rows->len - 1);
}

/* A paragraph: a row per line.  No column may end after its first line or
 * before its last (no orphans, no widows). */
static void
add_paragraph_rows (Layout *lo, JopanText *t, JopanParaKind kind, double indent)
{
  guint n = t->lines->len;

  for (guint i = 0; i < n; i++)
    {
      Row *row = add_row (lo, t, i, 1, kind, 1);
      row->indent = indent;
      row->after_hyphen = i > 0 && g_array_index (t->lines, JopanLine, i - 1).hyphen;
      row->break_before = row->break_before && (i == 0 || (i >= 2 && n - i >= 2));
    }
}

/* A block set at its own leading: one row, its last baseline on the grid.
 * Returns the row, or %NULL if the block was too tall and became a row a line. */
static Row *
add_block_row (Layout *lo, JopanText *t, JopanParaKind kind)
{
  const Grid *g = &lo->set.grid;
  const JopanParaStyle *p = &lo->set.style.para[kind];
  double body = (t->lines->len - 1) * t->leading;
  int bands = 1;
  Row *row;

  while ((bands - 1) * g->pitch + g->base_offset - body - ascent_of (p) < p->space_before - 1e-6)
    bands++;
  if (bands > g->bands / 2)
    {
      /* Too tall to move whole (a hostile byline or subhead): it runs
       * through the columns a line a band, so no column is too short. */
      add_paragraph_rows (lo, t, kind, 0);
      return NULL;
    }
  row = add_row (lo, t, 0, t->lines->len, kind, bands);
  row->offset = (bands - 1) * g->pitch + g->base_offset - body;
  /* At a column's top the space before it is not needed; its first line
   * may reach into the air above by a fifth of a grid line (a two-line
   * subhead on its own leading), as a body line's accents do. */
  while (row->discard + 1 < bands
         && (bands - row->discard - 2) * g->pitch + g->base_offset - body - ascent_of (p)
              >= -0.2 * g->pitch)
    row->discard++;
  return row;
}

/* A pull quote: rules above and below, never split; the slack of its last
 * band goes above it, where a column's top discards it with the space. */
static void
add_quote_row (Layout *lo, JopanText *t)
{
  const Grid *g = &lo->set.grid;
  const JopanParaStyle *p = &lo->set.style.para[JOPAN_PARA_QUOTE];
  double below_rule = 6 + ascent_of (p) + (t->lines->len - 1) * t->leading + descent_of (p) + 6
                      + p->space_after;
  double rule;
  Row *row;

  if (bands_for (g, p->space_before + below_rule) > g->bands / 2)
    {
      /* Too long to keep whole: let it run through columns like a paragraph. */
      add_paragraph_rows (lo, t, JOPAN_PARA_QUOTE, 0);
      return;
    }
  row = add_row (lo, t, 0, t->lines->len, JOPAN_PARA_QUOTE, bands_for (g, p->space_before + below_rule));
  rule = row->bands * g->pitch - below_rule;
  row->offset = rule + 6 + ascent_of (p);
  row->discard = (int) floor (rule / g->pitch + 1e-6);
  row->rule_above = row->rule_below = TRUE;
}

/* Where a pull quote's attribution starts: its last paragraph when that
 * starts with a dash ("> — Name"); -1 if it has none. */
static int
attribution_at (const char *text)
{
  const char *last = strrchr (text, '\n');
  const char *start = last ? last + 1 : NULL;

  if (start && (g_str_has_prefix (start, "\xE2\x80\x94") || g_str_has_prefix (start, "\xE2\x80\x95")
                || g_str_has_prefix (start, "\xE2\x80\x93") || g_str_has_prefix (start, "-- ")))
    return (int) (start - text);
  return -1;
}

/* A pull quote, its attribution's lines set in their own style after its own. */
static JopanText *
set_quote (Layout *lo, const JopanBlock *block, double width, const char *where)
{
  int at = attribution_at (block->text);
  g_autofree char *quote = at > 0 ? g_strndup (block->text, (gsize) at - 1) : NULL;
  JopanText *t, *name;

  if (at < 0)
    return set_text (lo, JOPAN_PARA_QUOTE, block->text, block->spans, width, 0, where);
  t = set_text (lo, JOPAN_PARA_QUOTE, quote, block->spans, width, 0, where);
  name = set_text (lo, JOPAN_PARA_ATTRIBUTION, block->text + at, NULL, width, 0, where);
  /* The quote's text takes them too: the row draws one text. */
  jopan_text_append (t, name);
  return t;
}

/* The dateline leads the first paragraph: "SEOUL — …". */
static char *
with_dateline (Layout *lo, const JopanBlock *block, GArray *spans)
{
  const char *dateline = lo->in->article->dateline;
  int form = lo->set.style.para[JOPAN_PARA_BODY].dateline_form;
  g_autofree char *lead = NULL;
  JopanSpan strong = { 0, 0, JOPAN_SPAN_STRONG, NULL };

  g_array_append_vals (spans, block->spans->data, block->spans->len);
  if (dateline == NULL || *dateline == '\0')
    return g_strdup (block->text);
  switch (form >= 0 ? form : lo->set.korean ? JOPAN_DATELINE_BRACKET : JOPAN_DATELINE_DASH)
    {
    case JOPAN_DATELINE_LENTICULAR:
      lead = g_strdup_printf ("【%s】 ", dateline);
      break;
    case JOPAN_DATELINE_BRACKET:
      lead = g_strdup_printf ("[%s] ", dateline);
      break;
    default:
      lead = g_strdup_printf ("%s — ", dateline);
      break;
    }
  strong.end = (guint) strlen (lead) - 1;
  for (guint i = 0; i < spans->len; i++)
    {
      g_array_index (spans, JopanSpan, i).start += (guint) strlen (lead);
      g_array_index (spans, JopanSpan, i).end += (guint) strlen (lead);
    }
  g_array_prepend_val (spans, strong);
  return g_strconcat (lead, block->text, NULL);
}

/* "body line N" into @where, the name under which a block's findings are
 * reported: every attempt sets every block, and most find nothing, so
 * the name is written without printf or an allocation. */
static void
body_line_name (char where[32], guint line)
{
  static const char prefix[] = "body line ";
  char digits[12];
  int n = 0;

  do
    digits[n++] = (char) ('0' + line % 10), line /= 10;
  while (line > 0);
  memcpy (where, prefix, sizeof prefix - 1);
  where += sizeof prefix - 1;
  while (n > 0)
    *where++ = digits[--n];
  *where = '\0';
}

static void
add_block (Layout *lo, const JopanBlock *block, guint index, gboolean *indent_next)
{
  const JopanParaStyle *body = &lo->set.style.para[JOPAN_PARA_BODY];
  double width = lo->set.grid.column_width;
  char where[32];
  g_autoptr (GArray) spans = NULL; /* made for the blocks whose spans move */
  g_autofree char *text = NULL;
  JopanText *t = NULL;

  body_line_name (where, block->line);

  switch (block->kind)
    {
    case JOPAN_BLOCK_SUBHEAD:
      t = set_text (lo, JOPAN_PARA_SUBHEAD, block->text, block->spans, width, 0, where);
      add_block_row (lo, t, JOPAN_PARA_SUBHEAD);
      lo->at.keep_pending = 2;
      *indent_next = FALSE;
      break;
    case JOPAN_BLOCK_QUOTE:
      t = set_quote (lo, block, width, where);
      add_quote_row (lo, t);
      *indent_next = FALSE;
      break;
    case JOPAN_BLOCK_LIST_ITEM:
      {
        /* A hanging indent: the marker hangs left of the item's text,
         * a no-break space after it that justification never stretches,
         * so every item's text starts at the same place. */
        g_autofree char *lead = g_strdup_printf ("%s\xC2\xA0", block->marker);
        double hang = advance_of (lo, JOPAN_PARA_BODY, lead);
        spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
        g_array_append_vals (spans, block->spans->data, block->spans->len);
        for (guint i = 0; i < spans->len; i++)
          {
            g_array_index (spans, JopanSpan, i).start += (guint) strlen (lead);
            g_array_index (spans, JopanSpan, i).end += (guint) strlen (lead);
          }
        /* A nested item steps in by the hang, down to half the column. */
        double step = MIN (block->level * body->size, width / 2);
        text = g_strconcat (lead, block->text, NULL);
        t = set_text (lo, JOPAN_PARA_BODY, text, spans, width - step, -hang, where);
        add_paragraph_rows (lo, t, JOPAN_PARA_BODY, step);
        *indent_next = FALSE;
        break;
      }
    case JOPAN_BLOCK_PARAGRAPH:
      if (index == 0)
        spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
      text = index == 0 ? with_dateline (lo, block, spans) : NULL;
      t = set_text (lo, JOPAN_PARA_BODY, text ? text : block->text, text ? spans : block->spans,
                    width, *indent_next ? body->indent : 0, where);
      add_paragraph_rows (lo, t, JOPAN_PARA_BODY, 0);
      *indent_next = TRUE;
      break;
    }
  if (t)
    t->para = (int) index;
}

/* The byline (and the writer's address after it, as Korean dailies print
 * "김민지 기자 minji@…"), above the text or, by the style, after it. */
static void
add_byline (Layout *lo)
{
  const JopanArticle *a = lo->in->article;
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  g_autofree char *text = NULL;
  JopanText *t;
  Row *row;

  if (a->byline == NULL || *a->byline == '\0')
    return;
  text = a->email && *a->email ? g_strdup_printf ("%s %s", a->byline, a->email) : g_strdup (a->byline);
  if (strlen (text) > strlen (a->byline))
    {
      /* The address in the regular weight, as dailies print it. */
      JopanSpan address = { (guint) strlen (a->byline) + 1, (guint) strlen (text), JOPAN_SPAN_REGULAR, NULL };
      g_array_append_val (spans, address);
    }
  t = set_text (lo, JOPAN_PARA_BYLINE, text, spans, lo->set.grid.column_width, 0, "byline");
  /* Its p: the body block it follows (0 above the text), for checks. */
  if (lo->set.style.para[JOPAN_PARA_BYLINE].at_end)
    t->para = (int) a->blocks->len;
  row = add_block_row (lo, t, JOPAN_PARA_BYLINE);
  if (row)
    row->bands += 1; /* a band of air between it and the text */
  if (row && lo->set.style.para[JOPAN_PARA_BYLINE].at_end)
    row->offset += lo->set.grid.pitch;
}

static void
build_rows (Layout *lo)
{
  const JopanArticle *a = lo->in->article;
  gboolean indent_next = FALSE;
  gint64 bands = 0;

  if (!lo->set.style.para[JOPAN_PARA_BYLINE].at_end)
    add_byline (lo);
  lo->at.beyond_pages = FALSE;
  for (guint i = 0, counted = 0; i < a->blocks->len; i++)
    {
      /* Rows that would fill every column of every page leave no room for
       * the rest: stop setting it (a 16 MB body would take gigabytes). */
      for (; counted < lo->at.rows->len; counted++)
        bands += g_array_index (lo->at.rows, Row, counted).bands;
      if (lo->set.max_pages == MAX_PAGES
          && bands > (gint64) lo->set.max_pages * lo->set.columns * lo->set.depth)
        {
          lo->at.beyond_pages = TRUE;
          return;
        }
      add_block (lo, g_ptr_array_index (a->blocks, i), i, &indent_next);
    }
  if (lo->set.style.para[JOPAN_PARA_BYLINE].at_end)
    add_byline (lo);
}

/* ---- pages -------------------------------------------------------------------------- */

static void
draw_row (Layout *lo, const Grid *g, JopanPage *page, const Row *row, int column, int band)
{
  const JopanParaStyle *p = &lo->set.style.para[row->kind];
  double x = column_x (g, column) + row->indent;
  double top = band_y (g, band);
  double baseline = top + row->offset;

  if (row->rule_above)
    {
      double y = top + row->offset - ascent_of (p) - 6;
      jopan_page_add_rule (page, column_x (g, column), y, column_x (g, column) + g->column_width,
                           y, 1.5, p->color);
    }
  for (guint i = 0; i < row->count; i++, baseline += row->text->leading)
    jopan_page_add_line (page, jopan_para_names[row->kind], row->text, row->first + i, x, baseline,
                         p->color);
  if (row->rule_below)
    {
      double y = band_y (g, band + row->bands) - p->space_after;
      jopan_page_add_rule (page, column_x (g, column), y, column_x (g, column) + g->column_width,
                           y, 0.75, p->color);
    }
}

int
jopan_layout_page_number (const Layout *lo, int p)
{
  /* On a composed page, the story starts on that page's number. */
  if (p == 0)
    return lo->in->module.columns > 0 ? MAX (1, lo->in->module.number) : 1;
  if (lo->set.jump_page == 0)
    return p + 1;
  return (int) lo->set.jump_page + p - 1;
}

/* The jump head: the article's jump_headline, else the first words of its
 * headline. */
static char *
jump_head_text (const Layout *lo)
{
  const JopanArticle *a = lo->in->article;
  g_auto (GStrv) words = NULL;
  g_autoptr (GPtrArray) kept = g_ptr_array_new ();

  if (a->jump_headline && *a->jump_headline)
    return g_strdup (a->jump_headline);
  words = g_strsplit_set (a->headline ? a->headline : "", " \t\n", -1);
  for (int i = 0; words[i] && kept->len < JUMP_WORDS; i++)
    if (*words[i])
      g_ptr_array_add (kept, words[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (" ", (char **) kept->pdata);
}

/* "Continued from page M" / "M면에서 계속", or "Continued on page N". */
static char *
jump_line (const Layout *lo, gboolean from, int page)
{
  if (lo->set.korean)
    return g_strdup_printf (from ? "%d면에서 계속" : "%d면에 계속", page);
  return g_strdup_printf (from ? "Continued from page %d" : "Continued on page %d", page);
}

/* The jump head and its "continued from" line from band @top of a
 * continuation page (drawn when @page is not %NULL); returns the first
 * band below them. */
static int
place_jump_head (Layout *lo, JopanPage *page, int top, int from_page)
{
  const Grid *g = &lo->set.later_grid;
  const JopanParaStyle *j = &lo->set.style.para[JOPAN_PARA_JUMP];
  g_autofree char *head_text = jump_head_text (lo);
  g_autofree char *from_text = jump_line (lo, TRUE, from_page);
  double width = span_width (g, lo->set.later_columns), y = band_y (g, top);
  JopanText *head = set_text (lo, JOPAN_PARA_JUMP, head_text, NULL, width, 0, "jump head");
  JopanText *from = set_text (lo, JOPAN_PARA_BYLINE, from_text, NULL, width, 0, "jump head");
  const char *given = lo->in->article->jump_headline;
  /* Two lines at most; a longer jump_headline is overset, counted once,
   * on the first continuation page. */
  guint head_lines = keep_lines (lo, head, 2,
                                 page && given && *given && from_page == jopan_layout_page_number (lo, 0)
                                     ? "jump_headline" : NULL);

  if (page && head_lines > 0)
    y = draw_lines (lo, page, head, head_lines, JOPAN_PARA_JUMP, g->x0, y) + j->space_after;
  else if (head_lines > 0)
    y += ascent_of (j) + (head_lines - 1) * head->leading + descent_of (j) + j->space_after;
  /* Its role is "jump", not "byline": it is no part of the story's text. */
  y += ascent_of (&lo->set.style.para[JOPAN_PARA_BYLINE]);
  if (page)
    jopan_page_add_line (page, "jump", from, 0, g->x0, y,
                         lo->set.style.para[JOPAN_PARA_BYLINE].color);
  y += descent_of (&lo->set.style.para[JOPAN_PARA_BYLINE]);
  return bands_for (g, y - g->y0) + 1;
}

/* "Continued on page N" in the band kept free at the foot of the story's
 * last column on every page but its last. */
static void
place_jump_lines (Layout *lo)
{
  const Grid *g = &lo->set.grid;
  const JopanParaStyle *p = &lo->set.style.para[JOPAN_PARA_BYLINE];

  for (int i = 0; i + 1 < lo->at.n_pages; i++)
    {
      g_autofree char *text = jump_line (lo, FALSE, jopan_layout_page_number (lo, i + 1));
      JopanText *t = set_text (lo, JOPAN_PARA_BYLINE, text, NULL, g->column_width, 0, "jump line");
      const JopanLine *line = jopan_text_line (t, 0);
      double x = column_x (g, lo->set.columns - 1) + g->column_width - line->width - line->x;

      jopan_page_add_line (g_ptr_array_index (lo->at.pages, i), "jump", t, 0, x,
                           band_y (g, lo->set.depth - 1) + g->base_offset, p->color);
    }
}

static JopanPage *
new_page (Layout *lo, int number)
{
  const JopanStyle *s = &lo->set.style;
  JopanPage *page = jopan_page_new (s->page_width, s->page_height, number);

  page->bleed = s->bleed;
  page->marks = s->marks;
  g_ptr_array_add (lo->at.pages, page);
  return page;
}

static int
by_order (gconstpointer a, gconstpointer b, gpointer rows)
{
  guint ra = *(const guint *) a, rb = *(const guint *) b;

  return (int) g_array_index ((GArray *) rows, Row, ra).order
         - (int) g_array_index ((GArray *) rows, Row, rb).order;
}

/* The placed rows in the order of the text (a floated pull quote
 * included), so that the PDF's text reads in order. */
static GArray *
rows_in_order (const Layout *lo)
{
  GArray *sequence = g_array_sized_new (FALSE, FALSE, sizeof (guint), lo->at.n_placed);

  for (guint r = 0; r < lo->at.n_placed; r++)
    g_array_append_val (sequence, r);
  g_array_sort_with_data (sequence, by_order, lo->at.rows);
  return sequence;
}

/* What the rows fill of each column (compose reads it from any attempt),
 * and where on each page their lines go: most attempts are only
 * measured, so the lines themselves are added by jopan_layout_draw_rows()
 * to the attempt that is kept. */
static void
measure_rows (Layout *lo)
{
  g_free (lo->at.rows_at);
  lo->at.rows_at = g_new (guint, lo->at.pages->len);
  for (guint p = 0; p < lo->at.pages->len; p++)
    lo->at.rows_at[p] = ((JopanPage *) g_ptr_array_index (lo->at.pages, p))->boxes->len;
  for (guint r = 0; r < lo->at.n_placed; r++)
    {
      const Segment *seg = &g_array_index (lo->at.segments, Segment, lo->at.placed[r].segment);
      JopanPage *page = g_ptr_array_index (lo->at.pages, seg->page);
      const Row *row = &g_array_index (lo->at.rows, Row, r);
      JopanColumnStats *c;
      double top, bottom;

      if (seg->column >= JOPAN_MAX_COLUMNS)
        continue;
      c = &page->columns[seg->column];
      top = band_y (&lo->set.grid, lo->at.placed[r].band);
      bottom = band_y (&lo->set.grid, lo->at.placed[r].band + row->bands);
      if (c->lines == 0 || top < c->top)
        c->top = top;
      c->bottom = MAX (c->bottom, bottom);
      c->lines += row->kind == JOPAN_PARA_BODY ? row->count : 0;
      page->n_columns = MAX (page->n_columns, seg->column + 1);
    }
}

void
jopan_layout_draw_rows (Layout *lo)
{
  g_autoptr (GArray) sequence = NULL;

  if (lo->at.rows_at == NULL)
    return;
  sequence = rows_in_order (lo);
  for (guint p = 0; p < lo->at.pages->len; p++)
    {
      JopanPage *page = g_ptr_array_index (lo->at.pages, p);
      /* Drawn apart, then put where measure_rows() left their place:
       * the page's boxes keep the order a drawing in one pass gave. */
      JopanPage *rows = jopan_page_new (page->width, page->height, page->number);

      for (guint i = 0; i < sequence->len; i++)
        {
          guint r = g_array_index (sequence, guint, i);
          const Segment *seg = &g_array_index (lo->at.segments, Segment, lo->at.placed[r].segment);
          if (seg->page == (int) p)
            draw_row (lo, layout_page_grid (lo, seg->page), rows,
                      &g_array_index (lo->at.rows, Row, r), seg->column, lo->at.placed[r].band);
        }
      g_array_insert_vals (page->boxes, lo->at.rows_at[p], rows->boxes->data, rows->boxes->len);
      g_array_set_size (rows->boxes, 0); /* the page holds its lines' references now */
      jopan_page_free (rows);
    }
  g_clear_pointer (&lo->at.rows_at, g_free);
}

/* Later pages: folio and jump head; then photos, rows and jump lines. */
static void
lay_out_pages (Layout *lo)
{
  for (int p = 1; p < lo->at.n_pages; p++)
    {
      int number = jopan_layout_page_number (lo, p);
      JopanPage *page = new_page (lo, number);
      int top = place_folio (lo, page, number);
      place_jump_head (lo, page, top, jopan_layout_page_number (lo, p - 1));
    }
  if (lo->at.has_lead)
    photo_place (lo, &lo->set.grid, g_ptr_array_index (lo->at.pages, 0), &lo->at.lead, lo->at.lead_column, lo->at.lead_top,
                 FALSE);
  for (guint i = 0; i < lo->at.holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->at.holes, Hole, i);
      if (h->page >= 0)
        photo_place (lo, layout_page_grid (lo, h->page), g_ptr_array_index (lo->at.pages, h->page),
                     &h->photo, h->column, h->top,
                     TRUE);
    }
  measure_rows (lo);
  /* A photo at the foot of its columns ends them. */
  for (guint i = 0; i < lo->at.holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->at.holes, Hole, i);
      JopanPage *page = h->page >= 0 ? g_ptr_array_index (lo->at.pages, h->page) : NULL;
      for (int c = h->column; page && c < h->column + h->photo.columns && c < JOPAN_MAX_COLUMNS; c++)
        page->columns[c].bottom = MAX (page->columns[c].bottom,
                                       band_y (&lo->set.grid, h->top + h->photo.bands));
    }
  place_jump_lines (lo);
}

/* The number of photo columns: the article's, else for the lead photo
 * its weight's span (0: all the text columns; unset: the page's
 * image-columns), else a third of the story's width, never wider than
 * the story. */
static int
photo_columns (const Layout *lo, const JopanImageRef *image, guint index)
{
  int lead = lo->set.treatment->photo_columns > 0    ? lo->set.treatment->photo_columns
             : lo->set.treatment->photo_columns == 0 ? lo->set.columns
                                                 : lo->set.style.image_columns;
  int n = image->columns > 0 ? image->columns
          : index == 0       ? lead
                             : MAX (1, lo->set.columns / 3);
  if (index == 0)
    n += (int) lo->set.fit.photo_span;
  return MIN (n, lo->set.columns);
}

/* ---- the module on a composed page (compose.c) ----------------------------- */

/* Moves the grid's left edge to the module's first column: every x the
 * story draws is then inside its module. */
static void
module_apply (Layout *lo)
{
  Grid *g = &lo->set.grid;

  if (lo->in->module.columns <= 0)
    return;
  g->x0 += lo->in->module.column * (g->column_width + g->gutter);
  g->width = span_width (g, lo->in->module.columns);
  lo->set.columns = MIN (lo->in->module.columns, g->columns - lo->in->module.column);
}

/* The first band of the story's area on page 1: under its own folio, or
 * the module's top (the page's folio is drawn once, by the module that
 * has it). */
static int
module_top (Layout *lo, JopanPage *page)
{
  if (lo->in->module.columns <= 0)
    return place_folio (lo, page, 1);
  page->number = lo->in->module.number;
  if (lo->in->module.folio)
    place_folio (lo, page, lo->in->module.number);
  lo->res.folio_boxes = page->boxes->len;
  return lo->in->module.top;
}

int jopan_layout_jump_heads = 0;

/* Page 1: folio, header, lead photo; sets where each column's text starts
 * and which photos the flow must go around. */
static void
lay_out_first_page (Layout *lo)
{
  const Grid *g = &lo->set.grid;
  const JopanArticle *a = lo->in->article;
  JopanPage *page = new_page (lo, 1);
  int top = module_top (lo, page);
  int body_top, photo_top;

  if (lo->set.slot)
    lo->set.depth = MIN (g->bands, top + lo->set.depth_lines);
  lo->set.folio_bottom = top;
  body_top = place_header (lo, page, top, &photo_top);
  /* The smallest lead: a 3-band frame and a band of air below it.  A lead
   * photo at the header's foot takes a band of air above it over every
   * column, so that the text beside it starts level with its frame; a
   * byline or text right under the header needs only the header's space
   * after. */
  lo->at.has_lead = a->images->len > 0 && lo->set.depth - photo_top >= 4;
  if (lo->at.has_lead)
    body_top = photo_top;
  lo->res.header_bands = body_top - top;
  /* Later pages: the same folio, then the jump head.  A story held to one
   * page reads where their text starts only to size a further photo: a
   * jump head it never prints is not set (a slot's attempts are many). */
  if (jopan_layout_jump_heads == 1 || lo->set.max_pages > 1
      || (a->images->len > (lo->at.has_lead ? 1u : 0u) && jopan_layout_jump_heads != 2))
    lo->at.continued_top = place_jump_head (lo, NULL, lo->in->module.columns > 0
                                                      ? jopan_layout_folio_bands (&lo->set.style)
                                                      : top, 1);
  else
    lo->at.continued_top = lo->set.depth;
  if (lo->in->module.columns <= 0)
    lo->set.later_depth = lo->set.depth;
  for (int c = 0; c < lo->set.columns; c++)
    lo->at.column_top[c] = body_top;
  for (guint i = 0; i < a->images->len; i++)
    {
      const JopanImageRef *image = g_ptr_array_index (a->images, i);
      int columns = photo_columns (lo, image, i);
      Hole hole = { .page = 0 };

      if (i == 0 && lo->at.has_lead)
        {
          /* Placed (and drawn) after the flow, which may give or take a
           * line or two of its frame to balance the columns. */
          photo_prepare (lo, &lo->at.lead, image, columns, (lo->set.depth - body_top) / 2,
                         lo->set.depth - body_top, (int) i);
          /* At the top right: the text starts top left, beside it, and
           * runs on under it (no dog-leg). */
          lo->at.lead_top = body_top;
          lo->at.lead_column = lo->set.columns - columns;
          for (int c = lo->at.lead_column; c < lo->set.columns; c++)
            lo->at.column_top[c] = body_top + lo->at.lead.bands;
          continue;
        }
      /* Further photos, and a lead the header left no room for, go where
       * the flow finds room for them, on a later page if need be. */
      photo_prepare (lo, &hole.photo, image, columns, lo->set.depth / 3,
                     lo->set.depth - lo->at.continued_top, (int) i);
      g_array_append_val (lo->at.holes, hole);
    }
}

/* The bands each column of the last page fills: text, photos, the lead. */
static void
column_feet (const Layout *lo, int page, int *feet)
{
  for (int c = 0; c < layout_page_columns (lo, page); c++)
    feet[c] = page == 0 ? lo->at.column_top[c] : lo->at.continued_top;
  for (guint r = 0; r < lo->at.n_placed; r++)
    {
      const Segment *seg = &g_array_index (lo->at.segments, Segment, lo->at.placed[r].segment);
      if (seg->page == page)
        feet[seg->column] = MAX (feet[seg->column],
                                 lo->at.placed[r].band + g_array_index (lo->at.rows, Row, r).bands);
    }
  for (guint i = 0; i < lo->at.holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->at.holes, Hole, i);
      for (int c = h->column; h->page == page && c < h->column + h->photo.columns; c++)
        feet[c] = MAX (feet[c], h->top + h->photo.bands);
    }
}

/* Underset: the grid lines of the story's type area (its slot, or the
 * whole page under the folio) left empty on its last page, in lines and
 * as a share; more than 5 % empty is a finding. */
static void
measure_underset (Layout *lo)
{
  g_autofree int *feet = g_new0 (int, MAX (lo->set.columns, lo->set.later_columns));
  int area_columns = lo->set.slot ? lo->set.columns : lo->set.grid.columns;
  int area = area_columns * (lo->set.depth - lo->set.folio_bottom);

  lo->res.underset_lines = 0;
  lo->res.underset_share = 0;
  /* Columns of its module the story leaves out are empty. */
  for (int c = 0; c < JOPAN_MAX_COLUMNS; c++)
    lo->res.used[c] = c < lo->set.columns ? lo->set.depth - lo->set.folio_bottom : 0;
  /* A module's story that continues fills its module; its continuation
   * page is the next page's business. */
  if (lo->at.n_placed < lo->at.rows->len || area <= 0
      || (lo->in->module.columns > 0 && lo->at.n_pages > 1))
    return;
  column_feet (lo, lo->at.n_pages - 1, feet);
  for (int c = 0; c < lo->set.columns; c++)
    {
      lo->res.underset_lines += MAX (0, lo->set.depth - feet[c]);
      if (c < JOPAN_MAX_COLUMNS)
        lo->res.used[c] = MIN (feet[c], lo->set.depth) - lo->set.folio_bottom;
    }
  /* Columns the story leaves out are empty under the folio. */
  lo->res.underset_lines
      += (area_columns - lo->set.columns) * (lo->set.depth - lo->set.folio_bottom);
  lo->res.underset_share = (double) lo->res.underset_lines / area;
  /* On a composed page, compose reports the page's empty share. */
  if (lo->res.underset_share > 0.05 && lo->in->module.columns <= 0)
    jopan_report_add (lo->at.findings, "underset", "%s: %d grid lines (%.0f%% of the type area) are "
                      "empty on page %d", lo->in->article->name, lo->res.underset_lines,
                      100 * lo->res.underset_share,
                      jopan_layout_page_number (lo, lo->at.n_pages - 1));
}

/* Overset: the rows the flow could not place; underset: the bands of the
 * story's area left empty under the balanced columns. */
static void
measure_fit (Layout *lo)
{
  lo->res.overset_lines = lo->res.overset_chars = 0;
  for (guint r = lo->at.n_placed; r < lo->at.rows->len; r++)
    {
      const Row *row = &g_array_index (lo->at.rows, Row, r);
      for (guint i = 0; i < row->count; i++)
        {
          lo->res.overset_lines++;
          lo->res.overset_chars += g_array_index (row->text->lines, JopanLine, row->first + i).chars;
        }
    }
  lo->res.overset_photos = 0;
  for (guint i = 0; i < lo->at.holes->len; i++)
    {
      const Photo *ph = &g_array_index (lo->at.holes, Hole, i).photo;
      g_autofree char *credit = g_strdup_printf ("images[%d].credit", ph->index);
      g_autofree char *caption = g_strdup_printf ("images[%d].caption", ph->index);

      if (g_array_index (lo->at.holes, Hole, i).page >= 0)
        continue;
      /* A photo left out takes its credit and caption with it. */
      lo->res.overset_photos++;
      if (ph->credit_lines > 0)
        count_overset (lo, ph->credit, 0, ph->credit_lines, credit);
      if (ph->caption_lines > 0)
        count_overset (lo, ph->caption, 0, ph->caption_lines, caption);
    }
  measure_underset (lo);
}

gint jopan_layout_font_prints;

/* Sets *@font to @base at @size, unless it is already: an attempt sets
 * the sizes of the one before it more often than not, and a page's
 * stories are laid out in dozens of modules at the same few sizes;
 * parsing and printing a font description is not free.  @set_size: the
 * size *@font has, in Pango units. */
static char *
font_at_size (const Layout *lo, char **font, int *set_size, const char *base, double size)
{
  int pango_size = (int) lround (size * PANGO_SCALE);
  GHashTable *names = lo->in->font_names;
  g_autofree char *key = NULL;
  const char *known;
  PangoFontDescription *desc;

  if (*font && *set_size == pango_size)
    return *font;
  g_free (*font);
  *set_size = pango_size;
  key = names ? g_strdup_printf ("%d|%s", pango_size, base) : NULL;
  known = key ? g_hash_table_lookup (names, key) : NULL;
  if (known)
    return *font = g_strdup (known);
  g_atomic_int_inc (&jopan_layout_font_prints);
  desc = pango_font_description_from_string (base);
  pango_font_description_set_size (desc, pango_size);
  *font = pango_font_description_to_string (desc);
  pango_font_description_free (desc);
  if (key)
    g_hash_table_insert (names, g_steal_pointer (&key), g_strdup (*font));
  return *font;
}

/* The headline at its weight's size (and --fill's change), its leading
 * in proportion. */
static void
apply_headline (Layout *lo)
{
  JopanParaStyle *head = &lo->set.style.para[JOPAN_PARA_HEADLINE];
  const JopanParaStyle *base = &lo->in->style->para[JOPAN_PARA_HEADLINE];
  double size = lo->set.headline_size + lo->set.fit.headline_change;

  head->size = size;
  head->leading = base->leading * size / base->size;
  head->space_after = base->space_after * size / base->size;
  head->font = font_at_size (lo, &lo->set.headline_font, &lo->set.headline_font_size, base->font, size);
}

/* How deep the story goes on its last page, and how many bands its body
 * takes in one column wherever it is: what compose sizes modules by. */
static void
measure_extent (Layout *lo)
{
  int last = lo->at.n_pages - 1;

  lo->res.need_bands = 0;
  for (guint r = 0; r < lo->at.rows->len; r++)
    lo->res.need_bands += g_array_index (lo->at.rows, Row, r).bands;
  lo->res.bottom = 0;
  for (int c = 0; c < lo->set.columns && last == 0; c++)
    lo->res.bottom = MAX (lo->res.bottom, lo->at.column_top[c]);
  for (guint r = 0; r < lo->at.n_placed; r++)
    {
      const Segment *seg = &g_array_index (lo->at.segments, Segment, lo->at.placed[r].segment);
      if (seg->page == last)
        lo->res.bottom = MAX (lo->res.bottom,
                              lo->at.placed[r].band + g_array_index (lo->at.rows, Row, r).bands);
    }
  for (guint i = 0; i < lo->at.holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->at.holes, Hole, i);
      if (h->page == last)
        lo->res.bottom = MAX (lo->res.bottom, h->top + h->photo.bands);
    }
}

/* The paragraph styles apply_fit changes in its copy of the style. */
static const JopanParaKind fitted_paras[] = { JOPAN_PARA_HEADLINE, JOPAN_PARA_DECK,
                                              JOPAN_PARA_BODY };

/* The fit parameters applied to a copy of the style: body tracking and size.
 * The style (~3 KB without its language variants) is copied for the
 * first attempt only; the next restore the few paragraph styles an
 * attempt changes. */
static void
apply_fit (Layout *lo)
{
  JopanParaStyle *body;
  const JopanParaStyle *base = &lo->in->style->para[JOPAN_PARA_BODY];

  if (lo->set.style_from != lo->in->style)
    {
      /* Its language variants (most of it) are resolved already: not
       * copied, none left to resolve. */
      G_STATIC_ASSERT (G_STRUCT_OFFSET (JopanStyle, variant) + sizeof lo->set.style.variant
                           <= G_STRUCT_OFFSET (JopanStyle, n_variants)
                       && sizeof (JopanStyle) - G_STRUCT_OFFSET (JopanStyle, n_variants) <= 8);
      memcpy (&lo->set.style, lo->in->style, G_STRUCT_OFFSET (JopanStyle, variant));
      lo->set.style.n_variants = 0;
      lo->set.style_from = lo->in->style;
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (fitted_paras); i++)
      lo->set.style.para[fitted_paras[i]] = lo->in->style->para[fitted_paras[i]];
  apply_headline (lo);
  /* A weight without a display deck (a brief) sets it small, in the
   * subhead's type: never dropped. */
  if (!lo->set.treatment->deck)
    {
      JopanParaStyle *deck = &lo->set.style.para[JOPAN_PARA_DECK];
      int columns = deck->columns;
      *deck = lo->in->style->para[JOPAN_PARA_SUBHEAD];
      deck->columns = columns;
      deck->space_before = 0;
      deck->space_after = lo->in->style->para[JOPAN_PARA_DECK].space_after;
    }
  body = &lo->set.style.para[JOPAN_PARA_BODY];
  body->size = base->size + lo->set.fit.size_change;
  body->tracking = base->tracking + lo->set.fit.tracking * body->size;
  body->font = font_at_size (lo, &lo->set.body_font, &lo->set.body_font_size, base->font, body->size);
}

void
jopan_layout_attempt_clear (LayoutAttempt *at)
{
  g_clear_pointer (&at->rows, g_array_unref);
  g_clear_pointer (&at->texts, g_ptr_array_unref);
  g_clear_pointer (&at->pages, g_ptr_array_unref);
  g_clear_pointer (&at->holes, g_array_unref);
  g_clear_pointer (&at->segments, g_array_unref);
  g_clear_pointer (&at->findings, jopan_report_free);
  g_clear_pointer (&at->placed, g_free);
  g_clear_pointer (&at->column_top, g_free);
  g_clear_pointer (&at->rows_at, g_free);
}

gint jopan_layout_attempts;

gboolean
jopan_layout_attempt (Layout *lo, GError **error)
{
  g_atomic_int_inc (&jopan_layout_attempts);
  jopan_layout_attempt_clear (&lo->at);
  apply_fit (lo);
  grid_init (&lo->set.grid, &lo->set.style);
  lo->set.columns = lo->set.slot ? MIN (lo->set.slot_columns, lo->set.grid.columns)
                    : lo->set.treatment->columns > 0 && !lo->set.fill_page
                        ? MIN (lo->set.treatment->columns, lo->set.grid.columns)
                        : lo->set.grid.columns;
  lo->set.later_grid = lo->set.grid;
  lo->set.later_columns = lo->in->module.columns > 0 ? lo->set.grid.columns : lo->set.columns;
  module_apply (lo);
  if (lo->in->module.columns <= 0)
    lo->set.later_grid = lo->set.grid;
  lo->set.depth = lo->set.grid.bands;
  lo->set.later_depth = lo->set.grid.bands;
  if (lo->in->module.columns > 0 && lo->in->module.later_bands > 0)
    lo->set.later_depth = MIN (lo->set.grid.bands, jopan_layout_folio_bands (&lo->set.style)
                                                   + lo->in->module.later_bands);
  lo->at.findings = jopan_report_new ();
  jopan_typesetter_begin (&lo->at.ts, lo->at.findings);
  /* Sized for a story's paragraphs.  The rows are not: sized for a
   * story (9 KB) they cost more in glibc's consolidations of freed
   * memory, which a large request starts, than growing saves. */
  lo->at.texts = g_ptr_array_new_full (32, (GDestroyNotify) jopan_text_free);
  lo->at.rows = g_array_new (FALSE, FALSE, sizeof (Row));
  lo->at.pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  lo->at.holes = g_array_new (FALSE, FALSE, sizeof (Hole));
  lo->at.segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  lo->at.column_top = g_new0 (int, lo->set.columns);
  lo->at.keep_pending = 0;
  lo->at.n_placed = 0;
  lo->at.n_pages = 1;

  lay_out_first_page (lo);
  build_rows (lo);
  if (!lo->at.beyond_pages)
    jopan_flow_fit (lo);
  if (lo->set.max_pages == MAX_PAGES && (lo->at.beyond_pages || lo->at.n_placed < lo->at.rows->len))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: the story needs more than %d pages",
                       lo->in->article->name, MAX_PAGES);
      return FALSE;
    }
  lay_out_pages (lo);
  measure_fit (lo);
  measure_extent (lo);
  jopan_typesetter_report_missing (&lo->at.ts, lo->in->article->name);
  return TRUE;
}
