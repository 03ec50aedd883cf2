/* layout.c — the page grid: header, photos and body text flowed through columns.
 *
 * The grid is a stack of bands one baseline pitch tall.  Everything that
 * sits in a column (body lines, subheads, quotes, photos with captions)
 * occupies whole bands, so every body line lands on the page's baseline
 * grid and lines in neighbouring columns share their baselines.
 *
 * Body text is set once at column width into rows (a row: one body line,
 * or a whole subhead or quote); the flow then only assigns rows to column
 * segments, which makes trying several depths to balance the last page
 * cheap.
 */
#include "jopan-private.h"

#include <math.h>
#include <string.h>

#define MAX_PAGES 500

typedef struct {
  double x0, y0, width, height; /* the type area */
  double column_width;
  double gutter;
  int columns;
  double pitch;
  int bands;                    /* bands on a page */
  double base_offset;           /* a body baseline below its band's top */
} Grid;

/* A row of the flow: one or more lines that move together. */
typedef struct {
  JopanText *text;              /* borrowed from the flow's list */
  guint first, count;           /* the lines of @text in this row */
  int bands;
  double offset;                /* first baseline below the row's top */
  const char *role;
  JopanParaKind kind;
  gboolean break_before;        /* may a column end before this row? */
  gboolean rule_above, rule_below;
  double indent;                /* x offset of the lines in the column */
} Row;

/* Where the flow may put rows: a free run of bands in a column. */
typedef struct {
  int page;                     /* 0-based */
  int column;
  int top, bottom;              /* bands [top, bottom) */
} Segment;

typedef struct {
  int segment;
  int band;
} Placement;

typedef struct {
  JopanDocument *doc;
  const JopanStyle *style;
  const JopanArticle *article;
  JopanTypesetter ts;
  Grid grid;
  GPtrArray *texts;             /* of JopanText*, owned */
  GArray *rows;                 /* of Row */
  gboolean korean;
  guint keep_pending;           /* rows still to keep with a subhead */
  /* page 1 */
  int story_top;                /* first band below the folio */
  int *column_top;              /* first free band per column on page 1 */
  int continued_top;            /* first free band on later pages */
} Layout;

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
  JopanText *t = jopan_typeset (&lo->ts, kind, text, spans, width, indent, where);

  g_ptr_array_add (lo->texts, t);
  return t;
}

/* Draws all lines of @t from @top downwards at its leading; returns the
 * bottom of the last line's descent. */
static double
draw_text (Layout *lo, JopanPage *page, const JopanText *t, JopanParaKind kind, double x, double top)
{
  const JopanParaStyle *p = &lo->style->para[kind];
  double baseline = top + ascent_of (p);

  for (guint i = 0; i < t->lines->len; i++, baseline += t->leading)
    jopan_page_add_line (page, jopan_para_names[kind], &g_array_index (t->lines, JopanLine, i), x,
                         baseline, p->color);
  return baseline - t->leading + descent_of (p);
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

/* Page number and section on the left, date on the right, a rule below.
 * Returns the first band below it. */
static int
place_folio (Layout *lo, JopanPage *page, int number)
{
  const Grid *g = &lo->grid;
  const JopanParaStyle *p = &lo->style->para[JOPAN_PARA_FOLIO];
  const JopanArticle *a = lo->article;
  g_autofree char *left = g_strdup_printf ("%d   %s", number, a->section ? a->section : "");
  g_autofree char *date = format_date (a->date, lo->korean);
  g_autofree char *where = g_strdup_printf ("folio of page %d", number);
  JopanText *l = set_text (lo, JOPAN_PARA_FOLIO, g_strstrip (left), NULL, g->width / 2, 0, where);
  JopanText *r = NULL;
  double bottom;
  JopanParaStyle right = *p;

  bottom = draw_text (lo, page, l, JOPAN_PARA_FOLIO, g->x0, g->y0);
  if (*date)
    {
      /* The same style, right-aligned: typeset once with a copy of it. */
      JopanLine *line;
      r = set_text (lo, JOPAN_PARA_FOLIO, date, NULL, g->width / 2, 0, where);
      line = &g_array_index (r->lines, JopanLine, 0);
      jopan_page_add_line (page, "folio", line, g->x0 + g->width - line->width - line->x,
                           g->y0 + ascent_of (&right), p->color);
    }
  bottom += 3;
  jopan_page_add_rule (page, g->x0, bottom, g->x0 + g->width, bottom, 0.75, p->color);
  return bands_for (g, bottom + 0.5 * g->pitch - g->y0);
}

/* ---- header: kicker, headline, deck ---------------------------------------------- */

static int
span_of (const Layout *lo, JopanParaKind kind)
{
  int n = lo->style->para[kind].columns;
  return n <= 0 || n > lo->grid.columns ? lo->grid.columns : n;
}

/* Places the kicker, headline and deck from band @top; returns the first
 * band below them. */
static int
place_header (Layout *lo, JopanPage *page, int top)
{
  const Grid *g = &lo->grid;
  const JopanArticle *a = lo->article;
  const struct {
    JopanParaKind kind;
    const char *text;
  } parts[] = {
    { JOPAN_PARA_KICKER, a->kicker },
    { JOPAN_PARA_HEADLINE, a->headline },
    { JOPAN_PARA_DECK, a->subheadline },
  };
  double y = band_y (g, top);

  for (gsize i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const JopanParaStyle *p = &lo->style->para[parts[i].kind];
      JopanText *t;

      if (parts[i].text == NULL || *parts[i].text == '\0')
        continue;
      t = set_text (lo, parts[i].kind, parts[i].text, NULL,
                    span_width (g, span_of (lo, parts[i].kind)), 0, jopan_para_names[parts[i].kind]);
      y = draw_text (lo, page, t, parts[i].kind, g->x0, y + (y > band_y (g, top) ? p->space_before : 0))
          + p->space_after;
    }
  return bands_for (g, y - g->y0) + 1;
}

/* ---- photos ------------------------------------------------------------------------ */

typedef struct {
  const JopanImageRef *image;
  int columns;
  int frame_bands;              /* the photo itself */
  int bands;                    /* photo, credit, caption and the gap below */
  JopanText *credit, *caption;
} Photo;

static void
photo_prepare (Layout *lo, Photo *ph, const JopanImageRef *image, int columns, int max_bands,
               int index)
{
  const Grid *g = &lo->grid;
  double width = span_width (g, columns);
  double below = 3;
  g_autofree char *where = g_strdup_printf ("images[%d]", index);

  *ph = (Photo) { .image = image, .columns = columns };
  ph->frame_bands = (int) lround (width * image->height / image->width / g->pitch);
  ph->frame_bands = CLAMP (ph->frame_bands, 3, MAX (3, max_bands));
  if (image->credit && *image->credit)
    {
      const JopanParaStyle *p = &lo->style->para[JOPAN_PARA_CREDIT];
      ph->credit = set_text (lo, JOPAN_PARA_CREDIT, image->credit, NULL, width, 0, where);
      below += ph->credit->lines->len * p->leading + 1;
    }
  if (image->caption && *image->caption)
    {
      const JopanParaStyle *p = &lo->style->para[JOPAN_PARA_CAPTION];
      ph->caption = set_text (lo, JOPAN_PARA_CAPTION, image->caption, NULL, width, 0, where);
      below += ph->caption->lines->len * p->leading;
    }
  ph->bands = ph->frame_bands + bands_for (g, below) + 1;
  /* Report photos printed below the style's resolution. */
  if (lo->style->min_image_dpi > 0)
    {
      double frame_in = width / 72.0;
      double dpi = image->width / frame_in;
      double frame_h_in = ph->frame_bands * g->pitch / 72.0;
      dpi = MIN (dpi, image->height / frame_h_in);
      if (dpi < lo->style->min_image_dpi)
        jopan_report_add (lo->doc->report, "low-resolution",
                          "%s: photo \"%s\" prints at %.0f dpi, below %.0f", where, image->src, dpi,
                          lo->style->min_image_dpi);
    }
}

static void
photo_place (Layout *lo, JopanPage *page, const Photo *ph, int column, int band)
{
  const Grid *g = &lo->grid;
  double x = column_x (g, column), y = band_y (g, band);
  double w = span_width (g, ph->columns), h = ph->frame_bands * g->pitch;

  jopan_page_add_image (page, ph->image, x, y, w, h);
  y += h + 2;
  if (ph->credit)
    y = draw_text (lo, page, ph->credit, JOPAN_PARA_CREDIT, x, y) + 1;
  if (ph->caption)
    draw_text (lo, page, ph->caption, JOPAN_PARA_CAPTION, x, y);
}

/* ---- rows: the body set at column width ------------------------------------------- */

static Row *
add_row (Layout *lo, JopanText *t, guint first, guint count, JopanParaKind kind, int bands)
{
  Row row = { .text = t, .first = first, .count = count, .bands = bands, .kind = kind,
              .role = jopan_para_names[kind], .break_before = TRUE,
              .offset = lo->grid.base_offset };

  /* The first rows after a subhead stay in its column. */
  if (lo->keep_pending > 0)
    row.break_before = FALSE, lo->keep_pending--;
  g_array_append_val (lo->rows, row);
  return &g_array_index (lo->rows, Row, lo->rows->len - 1);
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
      row->break_before = row->break_before && (i == 0 || (i >= 2 && n - i >= 2));
    }
}

/* A block set at its own leading: one row, its last baseline on the grid. */
static Row *
add_block_row (Layout *lo, JopanText *t, JopanParaKind kind)
{
  const Grid *g = &lo->grid;
  const JopanParaStyle *p = &lo->style->para[kind];
  double body = (t->lines->len - 1) * t->leading;
  int bands = 1;
  Row *row;

  while ((bands - 1) * g->pitch + g->base_offset - body - ascent_of (p) < p->space_before - 1e-6)
    bands++;
  row = add_row (lo, t, 0, t->lines->len, kind, bands);
  row->offset = (bands - 1) * g->pitch + g->base_offset - body;
  return row;
}

/* A pull quote: rules above and below, never split. */
static void
add_quote_row (Layout *lo, JopanText *t)
{
  const Grid *g = &lo->grid;
  const JopanParaStyle *p = &lo->style->para[JOPAN_PARA_QUOTE];
  double height = p->space_before + 6 + ascent_of (p) + (t->lines->len - 1) * t->leading
                  + descent_of (p) + 6 + p->space_after;
  Row *row;

  if (bands_for (g, height) > g->bands / 2)
    {
      /* Too long to keep whole: let it run through columns like a paragraph. */
      add_paragraph_rows (lo, t, JOPAN_PARA_QUOTE, 0);
      return;
    }
  row = add_row (lo, t, 0, t->lines->len, JOPAN_PARA_QUOTE, bands_for (g, height));

  row->offset = p->space_before + 6 + ascent_of (p)
                + (row->bands * g->pitch - height) / 2;
  row->rule_above = row->rule_below = TRUE;
}

/* The dateline leads the first paragraph: "SEOUL — …". */
static char *
with_dateline (Layout *lo, const JopanBlock *block, GArray *spans)
{
  const char *dateline = lo->article->dateline;
  g_autofree char *lead = NULL;
  JopanSpan strong = { 0, 0, JOPAN_SPAN_STRONG };

  g_array_append_vals (spans, block->spans->data, block->spans->len);
  if (dateline == NULL || *dateline == '\0')
    return g_strdup (block->text);
  lead = lo->korean ? g_strdup_printf ("[%s] ", dateline) : g_strdup_printf ("%s — ", dateline);
  strong.end = (guint) strlen (lead) - 1;
  for (guint i = 0; i < spans->len; i++)
    {
      g_array_index (spans, JopanSpan, i).start += (guint) strlen (lead);
      g_array_index (spans, JopanSpan, i).end += (guint) strlen (lead);
    }
  g_array_prepend_val (spans, strong);
  return g_strconcat (lead, block->text, NULL);
}

static void
add_block (Layout *lo, const JopanBlock *block, guint index, gboolean *indent_next)
{
  const JopanParaStyle *body = &lo->style->para[JOPAN_PARA_BODY];
  double width = lo->grid.column_width;
  g_autofree char *where = g_strdup_printf ("%s: body line %u", lo->article->name, block->line);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  g_autofree char *text = NULL;
  JopanText *t;

  switch (block->kind)
    {
    case JOPAN_BLOCK_SUBHEAD:
      t = set_text (lo, JOPAN_PARA_SUBHEAD, block->text, block->spans, width, 0, where);
      add_block_row (lo, t, JOPAN_PARA_SUBHEAD);
      lo->keep_pending = 2;
      *indent_next = FALSE;
      break;
    case JOPAN_BLOCK_QUOTE:
      t = set_text (lo, JOPAN_PARA_QUOTE, block->text, block->spans, width, 0, where);
      add_quote_row (lo, t);
      *indent_next = FALSE;
      break;
    case JOPAN_BLOCK_LIST_ITEM:
      {
        /* A hanging indent: the marker hangs left of the item's text. */
        g_autofree char *lead = g_strdup_printf ("%s ", block->marker);
        g_array_append_vals (spans, block->spans->data, block->spans->len);
        for (guint i = 0; i < spans->len; i++)
          {
            g_array_index (spans, JopanSpan, i).start += (guint) strlen (lead);
            g_array_index (spans, JopanSpan, i).end += (guint) strlen (lead);
          }
        text = g_strconcat (lead, block->text, NULL);
        t = set_text (lo, JOPAN_PARA_BODY, text, spans, width, -body->size, where);
        add_paragraph_rows (lo, t, JOPAN_PARA_BODY, 0);
        *indent_next = FALSE;
        break;
      }
    case JOPAN_BLOCK_PARAGRAPH:
      text = index == 0 ? with_dateline (lo, block, spans) : NULL;
      t = set_text (lo, JOPAN_PARA_BODY, text ? text : block->text, text ? spans : block->spans,
                    width, *indent_next ? body->indent : 0, where);
      add_paragraph_rows (lo, t, JOPAN_PARA_BODY, 0);
      *indent_next = TRUE;
      break;
    }
}

static void
build_rows (Layout *lo)
{
  const JopanArticle *a = lo->article;
  gboolean indent_next = FALSE;

  if (a->byline && *a->byline)
    {
      JopanText *t = set_text (lo, JOPAN_PARA_BYLINE, a->byline, NULL, lo->grid.column_width, 0,
                               "byline");
      Row *row = add_block_row (lo, t, JOPAN_PARA_BYLINE);
      row->bands += 1; /* a band of air before the text */
    }
  for (guint i = 0; i < a->blocks->len; i++)
    add_block (lo, g_ptr_array_index (a->blocks, i), i, &indent_next);
}

/* ---- the flow ------------------------------------------------------------------------ */

/* A photo in the columns: a hole the flow goes around. */
typedef struct {
  Photo photo;
  int page, column, top;
} Hole;

/* Column segments of one page, left to right, each column top to bottom. */
static void
page_segments (const Layout *lo, int page, int depth, const GArray *holes, GArray *out)
{
  const Grid *g = &lo->grid;

  for (int c = 0; c < g->columns; c++)
    {
      int top = page == 0 ? lo->column_top[c] : lo->continued_top;
      int bottom = MIN (depth, g->bands);

      for (guint h = 0; h < holes->len; h++)
        {
          const Hole *hole = &g_array_index (holes, Hole, h);
          if (hole->page != page || c < hole->column || c >= hole->column + hole->photo.columns
              || hole->top >= bottom || hole->top + hole->photo.bands <= top)
            continue;
          if (hole->top > top)
            g_array_append_val (out, ((Segment) { page, c, top, hole->top }));
          top = hole->top + hole->photo.bands;
        }
      if (bottom > top)
        g_array_append_val (out, ((Segment) { page, c, top, bottom }));
    }
}

/* Fills the segments of @n_pages pages with rows in order, the last page
 * cut at @last_depth.  Returns FALSE if the rows do not all fit. */
static gboolean
flow (const Layout *lo, int n_pages, int last_depth, const GArray *holes, GArray *segments,
      Placement *out)
{
  guint r = 0, first = 0, s = 0;
  int band;

  g_array_set_size (segments, 0);
  for (int page = 0; page < n_pages; page++)
    page_segments (lo, page, page == n_pages - 1 ? last_depth : lo->grid.bands, holes, segments);
  if (segments->len == 0)
    return lo->rows->len == 0;
  band = g_array_index (segments, Segment, 0).top;
  while (r < lo->rows->len && s < segments->len)
    {
      const Segment *seg = &g_array_index (segments, Segment, s);
      const Row *row = &g_array_index (lo->rows, Row, r);
      guint back = r;

      if (band + row->bands <= seg->bottom)
        {
          out[r++] = (Placement) { (int) s, band };
          band += row->bands;
          continue;
        }
      /* End the segment before the last row a column may end before;
       * where no break is allowed, break here rather than lose text. */
      while (back > first && !g_array_index (lo->rows, Row, back).break_before)
        back--;
      if (back > first)
        r = back;
      if (++s < segments->len)
        band = g_array_index (segments, Segment, s).top;
      first = r;
    }
  return r == lo->rows->len;
}

/* Puts the further photos for a story of @n_pages pages whose last page
 * is @depth bands deep: the first in the right-hand columns halfway down
 * page 1, the second in the left-hand columns low on page 1, the rest at
 * the top of the right-hand columns of later pages. */
static void
place_holes (const Layout *lo, GArray *holes, int n_pages, int depth)
{
  const Grid *g = &lo->grid;

  for (guint i = 0; i < holes->len; i++)
    {
      Hole *h = &g_array_index (holes, Hole, i);
      int page = i < 2 ? 0 : MIN ((int) i - 1, n_pages - 1);
      int bottom = page == n_pages - 1 ? depth : g->bands;
      int top = 0;

      h->page = page;
      h->column = i % 2 == 1 ? 0 : g->columns - h->photo.columns;
      for (int c = h->column; c < h->column + h->photo.columns; c++)
        top = MAX (top, page == 0 ? lo->column_top[c] : lo->continued_top);
      if (page == 0)
        top += MAX (0, (bottom - top - h->photo.bands) * (i == 0 ? 1 : 2) / (i == 0 ? 2 : 3));
      h->top = MIN (top, g->bands - h->photo.bands);
    }
}

/* The fewest pages, then the shallowest last page, that hold every row. */
static gboolean
fit (const Layout *lo, GArray *holes, GArray *segments, Placement *out, int *n_pages, int *depth)
{
  const Grid *g = &lo->grid;
  int lo_depth = 1, hi_depth = g->bands;

  for (*n_pages = 1; *n_pages <= MAX_PAGES; (*n_pages)++)
    {
      place_holes (lo, holes, *n_pages, g->bands);
      if (flow (lo, *n_pages, g->bands, holes, segments, out))
        break;
    }
  if (*n_pages > MAX_PAGES)
    return FALSE;
  /* Balance: the least depth at which it still fits.  Photos must fit too. */
  for (guint i = 0; i < holes->len; i++)
    {
      const Hole *h = &g_array_index (holes, Hole, i);
      if (h->page == *n_pages - 1)
        lo_depth = MAX (lo_depth, h->top + h->photo.bands);
    }
  while (lo_depth < hi_depth)
    {
      int mid = (lo_depth + hi_depth) / 2;
      place_holes (lo, holes, *n_pages, mid);
      if (flow (lo, *n_pages, mid, holes, segments, out))
        hi_depth = mid;
      else
        lo_depth = mid + 1;
    }
  *depth = hi_depth;
  place_holes (lo, holes, *n_pages, *depth);
  return flow (lo, *n_pages, *depth, holes, segments, out);
}

/* ---- pages -------------------------------------------------------------------------- */

static void
draw_row (Layout *lo, JopanPage *page, const Row *row, int column, int band)
{
  const Grid *g = &lo->grid;
  const JopanParaStyle *p = &lo->style->para[row->kind];
  double x = column_x (g, column) + row->indent;
  double top = band_y (g, band);
  double baseline = top + row->offset;

  if (row->rule_above)
    jopan_page_add_rule (page, column_x (g, column), top + p->space_before,
                         column_x (g, column) + g->column_width, top + p->space_before, 1.5,
                         p->color);
  for (guint i = 0; i < row->count; i++, baseline += row->text->leading)
    jopan_page_add_line (page, row->role, &g_array_index (row->text->lines, JopanLine, row->first + i),
                         x, baseline, p->color);
  if (row->rule_below)
    {
      double y = band_y (g, band + row->bands) - p->space_after;
      jopan_page_add_rule (page, column_x (g, column), y, column_x (g, column) + g->column_width,
                           y, 0.75, p->color);
    }
}

/* "Headline (continued from page 1)" under a later page's folio. */
static JopanText *
continued_head (Layout *lo, int from_page)
{
  g_autofree char *text = g_strdup_printf (lo->korean ? "%s (%d면에서 계속)" : "%s (continued from page %d)",
                                           lo->article->headline, from_page);

  return set_text (lo, JOPAN_PARA_KICKER, text, NULL, lo->grid.width, 0, "continued head");
}

static JopanPage *
new_page (Layout *lo, int number)
{
  const JopanStyle *s = lo->style;
  JopanPage *page = jopan_page_new (s->page_width, s->page_height, number);

  page->bleed = s->bleed;
  page->marks = s->marks;
  g_ptr_array_add (lo->doc->pages, page);
  return page;
}

static void
lay_out_pages (Layout *lo, GArray *holes, GArray *segments, const Placement *placed, int n_pages)
{
  for (int p = 1; p < n_pages; p++)
    {
      JopanPage *page = new_page (lo, p + 1);
      int top = place_folio (lo, page, p + 1);
      draw_text (lo, page, continued_head (lo, p), JOPAN_PARA_KICKER, lo->grid.x0,
                 band_y (&lo->grid, top));
    }
  for (guint i = 0; i < holes->len; i++)
    {
      const Hole *h = &g_array_index (holes, Hole, i);
      photo_place (lo, g_ptr_array_index (lo->doc->pages, h->page), &h->photo, h->column, h->top);
    }
  for (guint r = 0; r < lo->rows->len; r++)
    {
      const Segment *seg = &g_array_index (segments, Segment, placed[r].segment);
      draw_row (lo, g_ptr_array_index (lo->doc->pages, seg->page), &g_array_index (lo->rows, Row, r),
                seg->column, placed[r].band);
    }
}

/* Page 1: folio, header, lead photo; sets where each column's text starts. */
static void
lay_out_first_page (Layout *lo, GArray *holes)
{
  const Grid *g = &lo->grid;
  const JopanArticle *a = lo->article;
  JopanPage *page = new_page (lo, 1);
  int top = place_folio (lo, page, 1);
  int body_top = place_header (lo, page, top);

  /* Later pages: the same folio, then a continued head (its page number
   * never changes its length much: set it once for its depth). */
  {
    const JopanParaStyle *k = &lo->style->para[JOPAN_PARA_KICKER];
    JopanText *head = continued_head (lo, 99);
    double depth = ascent_of (k) + (head->lines->len - 1) * head->leading + descent_of (k);
    lo->continued_top = top + bands_for (g, depth) + 1;
  }
  for (int c = 0; c < g->columns; c++)
    lo->column_top[c] = body_top;
  for (guint i = 0; i < a->images->len; i++)
    {
      const JopanImageRef *image = g_ptr_array_index (a->images, i);
      int columns = image->columns > 0 ? image->columns
                    : i == 0 ? lo->style->image_columns : MAX (1, g->columns / 3);
      Hole hole = { .page = 0 };

      columns = MIN (columns, g->columns);
      if (i == 0)
        {
          Photo lead;
          photo_prepare (lo, &lead, image, columns, (g->bands - body_top) / 2, (int) i);
          photo_place (lo, page, &lead, 0, body_top);
          for (int c = 0; c < columns; c++)
            lo->column_top[c] = body_top + lead.bands;
          continue;
        }
      photo_prepare (lo, &hole.photo, image, columns, g->bands / 3, (int) i);
      g_array_append_val (holes, hole);
    }
}

gboolean
jopan_layout_article (JopanDocument *doc, GError **error)
{
  Layout lo = { .doc = doc, .style = doc->style, .article = doc->article };
  g_autoptr (GArray) holes = g_array_new (FALSE, FALSE, sizeof (Hole));
  g_autoptr (GArray) segments = g_array_new (FALSE, FALSE, sizeof (Segment));
  g_autofree Placement *placed = NULL;
  g_autofree int *column_top = NULL;
  const char *lang = jopan_article_get_lang (doc->article);
  int n_pages, depth;
  gboolean ok;

  grid_init (&lo.grid, lo.style);
  lo.korean = g_ascii_strncasecmp (lang, "ko", 2) == 0;
  jopan_typesetter_init (&lo.ts, doc->fonts, lo.style, lang, doc->report);
  lo.texts = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_text_free);
  lo.rows = g_array_new (FALSE, FALSE, sizeof (Row));
  lo.column_top = column_top = g_new0 (int, lo.grid.columns);

  lay_out_first_page (&lo, holes);
  build_rows (&lo);
  placed = g_new0 (Placement, MAX (1, lo.rows->len));
  ok = fit (&lo, holes, segments, placed, &n_pages, &depth);
  if (ok)
    lay_out_pages (&lo, holes, segments, placed, n_pages);
  else
    jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: the story needs more than %d pages",
                     doc->article->name, MAX_PAGES);
  jopan_report_set_pages (doc->report, doc->pages->len);
  g_array_unref (lo.rows);
  g_ptr_array_unref (lo.texts);
  jopan_typesetter_clear (&lo.ts);
  return ok;
}
