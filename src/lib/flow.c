/* flow.c — rows through column segments and pages; balancing the last page. */
#include "layout-private.h"

typedef struct {
  int n_pages;
  int last_depth;               /* bands of the last page in use */
  guint shorten;                /* per column, base 3: 0, 1 or 2 bands higher on the last page */
} FlowSpec;

/* The band under the last column of a page the story continues from: it
 * holds the "Continued on page N" line. */
static int
jump_band (const Layout *lo, int page, int column, gboolean continues)
{
  return continues && column == layout_page_columns (lo, page) - 1 ? 1 : 0;
}

/* Column segments of one page, left to right, each column top to bottom;
 * @continues: the story goes on on a later page. */
static void
page_segments (const Layout *lo, int page, int depth, guint shorten, gboolean continues,
               GArray *out)
{
  for (int c = 0; c < layout_page_columns (lo, page); c++)
    {
      int top = page == 0 ? lo->column_top[c] : lo->continued_top;
      int bottom = MIN (depth, layout_page_depth (lo, page)) - (int) (shorten % 3)
                   - jump_band (lo, page, c, continues);

      shorten /= 3;

      for (guint h = 0; h < lo->holes->len; h++)
        {
          const Hole *hole = &g_array_index (lo->holes, Hole, h);
          if (hole->page != page || c < hole->column || c >= hole->column + hole->photo.columns
              || hole->top + hole->photo.bands <= top)
            continue;
          if (MIN (hole->top, bottom) > top)
            g_array_append_val (out, ((Segment) { page, c, top, MIN (hole->top, bottom) }));
          top = hole->top + hole->photo.bands;
        }
      if (bottom > top)
        g_array_append_val (out, ((Segment) { page, c, top, bottom }));
    }
}

static gboolean
may_end_before (const Layout *lo, const GArray *segments, guint s, guint r)
{
  const Row *row;
  gboolean page_ends;

  /* With every row placed and only a pull quote waiting, a column may end
   * after the last row: there is no row @r to ask. */
  if (r >= lo->rows->len)
    return TRUE;
  row = &g_array_index (lo->rows, Row, r);
  page_ends = s + 1 >= segments->len
                       || g_array_index (segments, Segment, s + 1).page
                              != g_array_index (segments, Segment, s).page;

  return row->break_before && !(page_ends && row->after_hyphen);
}

/* Places row @r at @band of segment @s if it fits there; a row opening a
 * segment sheds the space before it. */
static gboolean
place (Layout *lo, guint r, guint s, int *band)
{
  const Segment *seg = &g_array_index (lo->segments, Segment, s);
  const Row *row = &g_array_index (lo->rows, Row, r);
  int lift = *band == seg->top ? row->discard : 0;

  if (*band + row->bands - lift > seg->bottom)
    return FALSE;
  lo->placed[r] = (Placement) { (int) s, *band - lift };
  *band += row->bands - lift;
  return TRUE;
}

/* Fills segments with rows in order.  A pull quote that does not fit what
 * is left of a column waits for the next one, and the text after it fills
 * the column (a column never ends early for a quote).  Returns how many
 * rows, from the first, were placed. */
static guint
flow (Layout *lo, const FlowSpec *spec)
{
  GArray *segments = lo->segments;
  guint r = 0, first = 0, s = 0, n = lo->rows->len;
  int band, waiting = -1;

  g_array_set_size (segments, 0);
  lo->forced_breaks = 0;
  for (int page = 0; page < spec->n_pages; page++)
    {
      gboolean last = page == spec->n_pages - 1;
      page_segments (lo, page, last ? spec->last_depth : layout_page_depth (lo, page),
                     last ? spec->shorten : 0, !last, segments);
    }
  if (segments->len == 0)
    return 0;
  band = g_array_index (segments, Segment, 0).top;
  while (s < segments->len && (r < n || waiting >= 0))
    {
      const Segment *seg = &g_array_index (segments, Segment, s);
      guint back = r;

      if (waiting >= 0 && band == seg->top && place (lo, (guint) waiting, s, &band))
        {
          waiting = -1;
          continue;
        }
      if (r < n && place (lo, r, s, &band))
        {
          r++;
          continue;
        }
      if (r < n && waiting < 0 && band > seg->top && g_array_index (lo->rows, Row, r).rule_above)
        {
          waiting = (int) r++;
          continue;
        }
      /* End the segment before the last row a column may end before (a
       * page never ends in a hyphen); where no break is allowed, break here
       * rather than lose text. */
      while (back > first && !may_end_before (lo, segments, s, back))
        back--;
      if (back > first)
        r = back;
      else if (r > first && r < n)
        lo->forced_breaks++;
      if (waiting >= 0 && (guint) waiting >= r)
        waiting = -1; /* the quote comes round again */
      if (++s < segments->len)
        band = g_array_index (segments, Segment, s).top;
      first = r;
    }
  return waiting >= 0 ? (guint) waiting : r;
}

/* The first band below every column in [@column, @column + @columns) on
 * @page, and below the photos placed there before hole @before. */
static int
columns_top (const Layout *lo, int page, int column, int columns, guint before)
{
  int top = 0;

  for (int c = column; c < column + columns; c++)
    top = MAX (top, page == 0 ? lo->column_top[c] : lo->continued_top);
  for (guint i = 0; i < before; i++)
    {
      const Hole *h = &g_array_index (lo->holes, Hole, i);
      if (h->page == page && h->column < column + columns && column < h->column + h->photo.columns)
        top = MAX (top, h->top + h->photo.bands);
    }
  return top;
}

/* The columns for hole @i on @page: where the most bands are free, the
 * right-hand side first for even holes, the left for odd ones. */
static int
roomiest_column (const Layout *lo, int page, guint i, int span, int *top)
{
  int best = -1;

  int columns = layout_page_columns (lo, page);

  for (int k = 0; k <= columns - span; k++)
    {
      int c = i % 2 == 0 ? columns - span - k : k;
      int t = columns_top (lo, page, c, span, i);
      if (best < 0 || t < *top)
        best = c, *top = t;
    }
  return best;
}

/* Puts the further photos for a story of @n_pages pages whose last page
 * is @depth bands deep, each where its columns have the most room, at the
 * foot of those columns (the text above it runs on at the top of the next
 * column: the reader never jumps over a photo).  A photo short of room
 * gives up frame lines (its crop changes, never its shape) down to four;
 * with less room it moves to the next page, and in a slot it is left out
 * (page -1) and reported.  Returns FALSE if a photo needs a page beyond
 * @n_pages. */
static gboolean
place_holes (Layout *lo, int n_pages, int depth)
{
  for (guint i = 0; i < lo->holes->len; i++)
    {
      Hole *h = &g_array_index (lo->holes, Hole, i);
      Photo *ph = &h->photo;
      int below = ph->natural_bands - ph->natural_frame_bands;
      int page = i < 2 ? 0 : MIN ((int) i - 1, MAX (0, n_pages - 2));

      for (h->page = -1; page < lo->max_pages; page++)
        {
          int page_depth = layout_page_depth (lo, page);
          int bottom = MIN (page == n_pages - 1 ? depth : page_depth, page_depth);
          int top = 0, room;

          h->column = roomiest_column (lo, page, i, ph->columns, &top);
          bottom -= jump_band (lo, page, h->column + ph->columns - 1, page < n_pages - 1);
          room = page_depth - top;
          if (room < below + 4)
            continue;
          ph->frame_bands = MIN (ph->natural_frame_bands, room - below);
          ph->bands = ph->frame_bands + below;
          /* A last page too shallow for the photo: the balancing must go
           * deeper, or the photo to a later page. */
          if (bottom - top < ph->bands)
            continue;
          h->page = page;
          h->top = bottom - ph->bands;
          break;
        }
      if (h->page >= n_pages)
        return FALSE;
    }
  return TRUE;
}

static guint
try_flow (Layout *lo, const FlowSpec *spec)
{
  if (!place_holes (lo, spec->n_pages, spec->last_depth))
    return 0;
  return flow (lo, spec);
}

/* How far apart the last page's column feet are, in bands. */
static int
spread_of_last_page (const Layout *lo, int page)
{
  int bottoms[64];
  int lowest = G_MAXINT, highest = 0;

  /* A column left empty ends at its top: it counts. */
  for (int c = 0; c < layout_page_columns (lo, page) && c < 64; c++)
    bottoms[c] = page == 0 ? lo->column_top[c] : lo->continued_top;
  for (guint r = 0; r < lo->n_placed; r++)
    {
      const Segment *seg = &g_array_index (lo->segments, Segment, lo->placed[r].segment);
      const Row *row = &g_array_index (lo->rows, Row, r);
      if (seg->page == page && seg->column < 64)
        bottoms[seg->column] = MAX (bottoms[seg->column], lo->placed[r].band + row->bands);
    }
  /* A photo at the foot of its columns ends them. */
  for (guint i = 0; i < lo->holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->holes, Hole, i);
      for (int c = h->column; h->page == page && c < h->column + h->photo.columns && c < 64; c++)
        bottoms[c] = MAX (bottoms[c], h->top + h->photo.bands);
    }
  for (int c = 0; c < layout_page_columns (lo, page) && c < 64; c++)
    lowest = MIN (lowest, bottoms[c]), highest = MAX (highest, bottoms[c]);
  return lowest == G_MAXINT ? 0 : highest - lowest;
}

/* For the rows in their present order: the shallowest last page that holds
 * them all, then the depth (a few bands deeper at most) and the columns
 * ending a band or two early that leave the columns' feet most even.
 * Sets *@spread (G_MAXINT if the rows do not fit on @spec's pages). */
static FlowSpec
balance_rows (Layout *lo, FlowSpec spec, int *spread)
{
  guint n_rows = lo->rows->len;
  int last = spec.n_pages - 1, depth_of_last = layout_page_depth (lo, last);
  int lo_depth = 1, hi_depth = depth_of_last;
  guint combinations = 1;
  FlowSpec best = spec;

  *spread = G_MAXINT;
  spec.last_depth = depth_of_last;
  spec.shorten = 0;
  if (try_flow (lo, &spec) != n_rows)
    return best;
  while (lo_depth < hi_depth)
    {
      spec.last_depth = (lo_depth + hi_depth) / 2;
      if (try_flow (lo, &spec) == n_rows)
        hi_depth = spec.last_depth;
      else
        lo_depth = spec.last_depth + 1;
    }
  /* The least depth can leave one column short by several lines (keeps
   * and widows decide where columns may end). */
  for (int c = 0; c < MIN (layout_page_columns (lo, last), 6); c++)
    combinations *= 3;
  for (int depth = hi_depth; depth <= MIN (hi_depth + 3, depth_of_last) && *spread > 1; depth++)
    for (guint shorten = 0; shorten < combinations && *spread > 1; shorten++)
      {
        int s;
        spec.last_depth = depth;
        spec.shorten = shorten;
        if (try_flow (lo, &spec) != n_rows)
          continue;
        /* A break the keeps did not allow (a widow, say) weighs more than
         * any unevenness. */
        s = spread_of_last_page (lo, spec.n_pages - 1) + 100 * (int) lo->forced_breaks;
        if (s < *spread)
          *spread = s, best = spec;
      }
  return best;
}

/* Takes row @from out and puts it back at index @to of the result. */
static void
relocate_row (GArray *rows, guint from, guint to)
{
  Row row = g_array_index (rows, Row, from);

  g_array_remove_index (rows, from);
  g_array_insert_val (rows, to, row);
}

/* May a pull quote stand before row @at (and after row @at - 1)?  Between
 * two body lines where a column may end, never between a subhead and the
 * lines kept with it. */
static gboolean
quote_may_stand_before (const Layout *lo, guint at)
{
  const Row *next = at < lo->rows->len ? &g_array_index (lo->rows, Row, at) : NULL;
  const Row *prev = &g_array_index (lo->rows, Row, at - 1);

  return prev->kind == JOPAN_PARA_BODY
         && (next == NULL || (next->kind == JOPAN_PARA_BODY && next->break_before));
}

/* Balances the last page.  A pull quote is display type, not running text:
 * where its size keeps the columns uneven, it may float down a few lines
 * (as a designer would move it) to where the columns come out even. */
/* Gives the lead photo @delta grid lines more (or fewer) of frame: the
 * columns under it start that much lower (or higher). */
static void
grow_lead (Layout *lo, int delta)
{
  lo->lead.frame_bands += delta;
  lo->lead.bands += delta;
  for (int c = lo->lead_column; c < lo->lead_column + lo->lead.columns; c++)
    lo->column_top[c] += delta;
}

/* On a one-page story the lead photo's frame may give or take up to two
 * grid lines (its crop changes, never its shape) where that evens the
 * columns; a photo beside the text, whose foot is its columns' foot, up to
 * four.  The best change is kept. */
static FlowSpec
balance_with_lead (Layout *lo, FlowSpec spec, int *spread)
{
  static const int deltas[] = { -1, 1, -2, 2, -3, 3, -4, 4 };
  gboolean beside = lo->has_lead && lo->lead.columns < lo->columns;
  FlowSpec best = balance_rows (lo, spec, spread);
  int best_delta = 0;

  if (!lo->has_lead || lo->slot || spec.n_pages != 1)
    return best;
  for (gsize i = 0; i < (beside ? 8u : 4u) && *spread > 1; i++)
    {
      int s;
      FlowSpec candidate;

      if (lo->lead.frame_bands + deltas[i] < 3)
        continue;
      grow_lead (lo, deltas[i]);
      candidate = balance_rows (lo, spec, &s);
      grow_lead (lo, -deltas[i]);
      if (s < *spread)
        *spread = s, best = candidate, best_delta = deltas[i];
    }
  grow_lead (lo, best_delta);
  return best;
}

static FlowSpec
balance (Layout *lo, FlowSpec spec)
{
  int spread;
  FlowSpec best = balance_with_lead (lo, spec, &spread);

  for (guint q = 0; q < lo->rows->len && spread > 1; q++)
    {
      guint best_at = q;

      if (!g_array_index (lo->rows, Row, q).rule_above)
        continue;
      for (guint at = q + 2; at <= MIN (q + 12, lo->rows->len) && spread > 1; at++)
        {
          int s;
          FlowSpec candidate;

          if (!quote_may_stand_before (lo, at))
            continue;
          relocate_row (lo->rows, q, at - 1);
          candidate = balance_rows (lo, spec, &s);
          relocate_row (lo->rows, at - 1, q);
          if (s < spread)
            spread = s, best = candidate, best_at = at;
        }
      if (best_at != q)
        {
          relocate_row (lo->rows, q, best_at - 1);
          q = best_at - 1;
        }
    }
  return best;
}

void
jopan_flow_fit (Layout *lo)
{
  FlowSpec spec = { .n_pages = 1, .last_depth = lo->depth };
  guint n_rows = lo->rows->len;

  g_free (lo->placed);
  lo->placed = g_new0 (Placement, MAX (1, n_rows));
  for (spec.n_pages = 1; spec.n_pages <= lo->max_pages; spec.n_pages++)
    {
      spec.last_depth = layout_page_depth (lo, spec.n_pages - 1);
      lo->n_placed = try_flow (lo, &spec);
      if (lo->n_placed == n_rows)
        break;
    }
  if (lo->n_placed == n_rows && lo->n_placed > 0)
    spec = balance (lo, spec);
  else
    {
      spec.n_pages = lo->max_pages; /* overset: what did not fit is reported */
      spec.last_depth = layout_page_depth (lo, spec.n_pages - 1);
    }
  lo->n_placed = try_flow (lo, &spec);
  lo->n_pages = spec.n_pages;
  lo->last_depth = spec.last_depth;
}
