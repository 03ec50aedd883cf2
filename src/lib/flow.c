/* flow.c — rows through column segments and pages; balancing the last page. */
#include "layout-private.h"
#include <string.h>

typedef struct {
  int n_pages;
  int last_depth;               /* bands of the last page in use */
  guint shorten;                /* per column, base 3: 0, 1 or 2 bands higher on the last page */
} FlowSpec;

/* What balancing varies besides the depths: the order of the rows (a pull
 * quote moved down) and the lead photo's frame.  A trial only reads the
 * Layout; the chosen one is applied to it once, at the end. */
typedef struct {
  const GArray *rows;           /* of Row: the Layout's, or a copy with a quote moved */
  int lead_delta;               /* grid lines added to the lead photo's frame */
  const int *sums;              /* the rows' bands summed (row_sums()); NULL: none */
} FlowTrial;

/* Fills @sums (of int, one more than @rows) with the bands of the rows
 * before each: a run of rows below a segment's top, where no space is
 * shed, is placed from them (flow_on()).  Returns them, NULL (and the
 * flow places row by row) where a row's bands are negative or fewer than
 * it sheds at a segment's top: only with sums does each row placed end no
 * higher than the rows placed before it (column_foot()). */
static const int *
row_sums (GArray *sums, const GArray *rows)
{
  int total = 0;

  g_array_set_size (sums, rows->len + 1);
  for (guint r = 0; r < rows->len; r++)
    {
      int bands = g_array_index (rows, Row, r).bands;
      if (bands < 0 || bands < g_array_index (rows, Row, r).discard
          || bands > G_MAXINT / 2 - total)
        return NULL;
      g_array_index (sums, int, r) = total;
      total += bands;
    }
  g_array_index (sums, int, rows->len) = total;
  return (const int *) (void *) sums->data;
}

/* Column segments, as a flow builds them: a segment at a time, hundreds of
 * thousands a page (a GArray's append is a call and a copy each). */
typedef struct {
  Segment *data;
  guint len, size;
} Segments;

static inline void
segments_add (Segments *s, Segment seg)
{
  if (s->len == s->size)
    {
      s->size = MAX (16u, 2 * s->size);
      s->data = g_renew (Segment, s->data, s->size);
    }
  s->data[s->len++] = seg;
}

/* What flowing a trial gives: the column segments, the rows' placements
 * and the further photos' places.  The final flow writes the Layout's own. */
typedef struct {
  Segments segments;
  Placement *placed;            /* one per row */
  GArray *holes;                /* of Hole */
  guint forced_breaks;
  GArray *column_flows[64];     /* balancing's scratch (ByColumn's flowed), kept for
                                 * the next depth and trial */
  GArray *column_heads[64];     /* of int, by row: where the last of column_flows
                                 * flowed from that row is in them (-1: none) */
  int flows_lead;               /* the lead_delta column_flows were flowed with */
} FlowOut;

/* The first free band of column @c on @page, under the lead photo as the
 * trial sizes it. */
static int
column_top (const Layout *lo, const FlowTrial *t, int page, int c)
{
  if (page != 0)
    return lo->at.continued_top;
  if (lo->at.has_lead && c >= lo->at.lead_column && c < lo->at.lead_column + lo->at.lead.columns)
    return lo->at.column_top[c] + t->lead_delta;
  return lo->at.column_top[c];
}

/* The band under the last column of a page the story continues from: it
 * holds the "Continued on page N" line. */
static int
jump_band (const Layout *lo, int page, int column, gboolean continues)
{
  return continues && column == layout_page_columns (lo, page) - 1 ? 1 : 0;
}

/* The foot of column @c of @page's last segment, @shorten bands above
 * @depth. */
static int
column_bottom (const Layout *lo, int page, int c, int depth, int shorten, gboolean continues)
{
  return MIN (depth, layout_page_depth (lo, page)) - shorten - jump_band (lo, page, c, continues);
}

/* The segments of column @c of @page, top to bottom, its foot @shorten
 * bands above @depth; @continues: the story goes on on a later page.  A
 * single band under a photo (beside the jump line under a photo across
 * the last columns) is left white: a line stranded under a photo's caption
 * reads as an orphan. */
static void
column_segments (const Layout *lo, const FlowTrial *t, const GArray *holes, int page, int c,
                 int depth, int shorten, gboolean continues, Segments *out)
{
  int top = column_top (lo, t, page, c);
  int bottom = column_bottom (lo, page, c, depth, shorten, continues);
  gboolean under_photo = FALSE;

  for (guint h = 0; h < holes->len; h++)
    {
      const Hole *hole = &g_array_index (holes, Hole, h);
      if (hole->page != page || c < hole->column || c >= hole->column + hole->photo.columns
          || hole->top + hole->photo.bands <= top)
        continue;
      if (MIN (hole->top, bottom) > top)
        segments_add (out, (Segment) { page, c, top, MIN (hole->top, bottom) });
      top = hole->top + hole->photo.bands;
      under_photo = TRUE;
    }
  if (bottom > top && !(under_photo && bottom - top < 2))
    segments_add (out, (Segment) { page, c, top, bottom });
}

/* Column segments of one page, left to right, each column top to bottom;
 * @shorten holds, in base 3, how far each column ends above @depth. */
static void
page_segments (const Layout *lo, const FlowTrial *t, const GArray *holes, int page, int depth,
               guint shorten, gboolean continues, Segments *out)
{
  for (int c = 0; c < layout_page_columns (lo, page); c++, shorten /= 3)
    column_segments (lo, t, holes, page, c, depth, (int) (shorten % 3), continues, out);
}

/* May a column end before row @r, segment @s being filled?  @more: more
 * segments of the same page follow those built (balancing builds them
 * column by column). */
static gboolean
may_end_before (const GArray *rows, const Segments *segments, guint s, guint r, gboolean more)
{
  const Row *row;
  gboolean page_ends;

  /* With every row placed and only a pull quote waiting, a column may end
   * after the last row: there is no row @r to ask. */
  if (r >= rows->len)
    return TRUE;
  row = &g_array_index (rows, Row, r);
  page_ends = s + 1 >= segments->len
                ? !more
                : segments->data[s + 1].page != segments->data[s].page;

  return row->break_before && !(page_ends && row->after_hyphen);
}

/* Places row @r at @band of segment @s if it fits there; a row opening a
 * segment sheds the space before it. */
G_ALWAYS_INLINE static inline gboolean
place (const GArray *rows, FlowOut *out, guint r, guint s, int *band)
{
  const Segment *seg = &out->segments.data[s];
  const Row *row = &g_array_index (rows, Row, r);
  int lift = *band == seg->top ? row->discard : 0;

  if (*band + row->bands - lift > seg->bottom)
    return FALSE;
  out->placed[r] = (Placement) { (int) s, *band - lift };
  *band += row->bands - lift;
  return TRUE;
}

/* Where a flow stands: the next row, the first row of the present
 * segment, the segment and the band, the pull quote waiting (-1: none). */
typedef struct {
  guint r, first, s;
  int band, waiting;
  guint forced_breaks;
  guint reach;                  /* the highest r held so far: no row after it was read */
  int last;                     /* the row placed last (-1: none yet, -2: not known) */
} FlowState;

/* Fills the segments built, from @st on, with rows in order.  A pull quote
 * that does not fit what is left of a column waits for the next one, and
 * the text after it fills the column (a column never ends early for a
 * quote).  @more: see may_end_before(). */
/* Tests: 1 (a run of rows below a segment's top is placed from the sums),
 * 0 (row by row, as place() does), 2 (wrong: a band past the foot). */
int jopan_flow_runs = 1;

/* Places rows from @st->r on in segment @s while they fit, @st->band
 * below its top (no row sheds space there): what place() would do row
 * by row, from the sums. */
static void
place_run (const int *sums, guint n, FlowOut *out, FlowState *st, int bottom)
{
  guint r = st->r, end = n;
  int origin = st->band - sums[r], limit = bottom - origin + (jopan_flow_runs == 2);

  /* The rows end at sums[r + 1], which never falls (row_sums()): the
   * first that ends below @bottom is found by bisection, and the rows
   * before it placed in a loop that compares nothing else. */
  for (guint lo = r; lo < end;)
    {
      guint mid = lo + (end - lo) / 2;
      if (sums[mid + 1] <= limit)
        lo = mid + 1;
      else
        end = mid;
    }
  for (Placement *at = out->placed + r; r < end; r++, at++)
    *at = (Placement) { (int) st->s, origin + sums[r] };
  if (r > st->r)
    st->last = (int) r - 1;
  st->band = origin + sums[r];
  st->r = r;
}

/* The row placed last once the segment ends before row @back: the one
 * before, unless that is the pull quote waiting for the next segment;
 * -2 (not known) where this segment placed no other. */
static int
last_before (const FlowState *st, guint back)
{
  if ((int) back - 1 != st->waiting)
    return (int) back - 1;
  return back - 1 > st->first ? (int) back - 2 : -2;
}

static void
flow_on (const FlowTrial *t, FlowOut *out, FlowState *st, gboolean more)
{
  const GArray *rows = t->rows;
  const Segments *segments = &out->segments;
  guint n = rows->len;

  while (st->s < segments->len && (st->r < n || st->waiting >= 0))
    {
      const Segment *seg = &segments->data[st->s];
      guint back = st->r;

      if (st->waiting >= 0 && st->band == seg->top
          && place (rows, out, (guint) st->waiting, st->s, &st->band))
        {
          st->last = st->waiting;
          st->waiting = -1;
          continue;
        }
      if (st->r < n && place (rows, out, st->r, st->s, &st->band))
        {
          st->last = (int) st->r;
          /* The rows after it, while the loop would only place them
           * (no quote waits for this segment's top): a tight loop, or
           * below the top, the sums. */
          for (st->r++; (st->waiting < 0 || st->band != seg->top) && st->r < n; st->r++)
            {
              if (t->sums && st->band > seg->top && jopan_flow_runs != 0)
                {
                  place_run (t->sums, n, out, st, seg->bottom);
                  break;
                }
              if (!place (rows, out, st->r, st->s, &st->band))
                break;
              st->last = (int) st->r;
            }
          continue;
        }
      if (st->r < n && st->waiting < 0 && st->band > seg->top
          && g_array_index (rows, Row, st->r).rule_above)
        {
          st->waiting = (int) st->r++;
          continue;
        }
      /* End the segment before the last row a column may end before (a
       * page never ends in a hyphen); where no break is allowed, break here
       * rather than lose text. */
      st->reach = MAX (st->reach, st->r);
      while (back > st->first && !may_end_before (rows, segments, st->s, back, more))
        back--;
      if (back > st->first)
        st->r = back, st->last = last_before (st, back);
      else if (st->r > st->first && st->r < n)
        st->forced_breaks++;
      if (st->waiting >= 0 && (guint) st->waiting >= st->r)
        st->waiting = -1; /* the quote comes round again */
      if (++st->s < segments->len)
        st->band = segments->data[st->s].top;
      st->first = st->r;
    }
  st->reach = MAX (st->reach, st->r);
}

/* Flows on into segments just built after the @built ones: the band
 * starts at the top of the first of them. */
static void
flow_into_new (const FlowTrial *t, FlowOut *out, FlowState *st, guint built, gboolean more)
{
  if (st->s == built && st->s < out->segments.len)
    st->band = out->segments.data[st->s].top;
  flow_on (t, out, st, more);
}

/* Rows placed by a flow that stands at @st. */
static guint
flow_placed (const FlowState *st)
{
  return st->waiting >= 0 ? (guint) st->waiting : st->r;
}

/* Fills segments with rows in order (flow_on).  Returns how many rows,
 * from the first, were placed. */
static guint
flow (const Layout *lo, const FlowTrial *t, const FlowSpec *spec, FlowOut *out)
{
  FlowState st = { .waiting = -1, .last = -1 };

  out->segments.len = 0;
  out->forced_breaks = 0;
  for (int page = 0; page < spec->n_pages; page++)
    {
      gboolean last = page == spec->n_pages - 1;
      page_segments (lo, t, out->holes, page,
                     last ? spec->last_depth : layout_page_depth (lo, page),
                     last ? spec->shorten : 0, !last, &out->segments);
    }
  if (out->segments.len == 0)
    return 0;
  flow_into_new (t, out, &st, 0, FALSE);
  out->forced_breaks = st.forced_breaks;
  return flow_placed (&st);
}

/* The first band below every column in [@column, @column + @columns) on
 * @page, and below the photos placed there before hole @before. */
static int
columns_top (const Layout *lo, const FlowTrial *t, const GArray *holes, int page, int column,
             int columns, guint before)
{
  int top = 0;

  for (int c = column; c < column + columns; c++)
    top = MAX (top, column_top (lo, t, page, c));
  for (guint i = 0; i < before; i++)
    {
      const Hole *h = &g_array_index (holes, Hole, i);
      if (h->page == page && h->column < column + columns && column < h->column + h->photo.columns)
        top = MAX (top, h->top + h->photo.bands);
    }
  return top;
}

/* The columns for hole @i on @page: where the most bands are free, the
 * right-hand side first for even holes, the left for odd ones. */
static int
roomiest_column (const Layout *lo, const FlowTrial *t, const GArray *holes, int page, guint i,
                 int span, int *top)
{
  int best = -1;

  int columns = layout_page_columns (lo, page);

  for (int k = 0; k <= columns - span; k++)
    {
      int c = i % 2 == 0 ? columns - span - k : k;
      int tp = columns_top (lo, t, holes, page, c, span, i);
      if (best < 0 || tp < *top)
        best = c, *top = tp;
    }
  return best;
}

/* Puts the further photos (in @holes) for a story of @n_pages pages whose
 * last page is @depth bands deep, each where its columns have the most
 * room, at the foot of those columns (the text above it runs on at the top
 * of the next column: the reader never jumps over a photo).  A photo short
 * of room gives up frame lines (its crop changes, never its shape) down to
 * four; with less room it moves to the next page, and in a slot it is left
 * out (page -1) and reported.  Returns FALSE if a photo needs a page beyond
 * @n_pages. */
static gboolean
place_holes (const Layout *lo, const FlowTrial *t, GArray *holes, int n_pages, int depth)
{
  for (guint i = 0; i < holes->len; i++)
    {
      Hole *h = &g_array_index (holes, Hole, i);
      Photo *ph = &h->photo;
      int below = ph->natural_bands - ph->natural_frame_bands;
      int page = i < 2 ? 0 : MIN ((int) i - 1, MAX (0, n_pages - 2));

      for (h->page = -1; page < lo->set.max_pages; page++)
        {
          int page_depth = layout_page_depth (lo, page);
          int bottom = MIN (page == n_pages - 1 ? depth : page_depth, page_depth);
          int top = 0, room;

          h->column = roomiest_column (lo, t, holes, page, i, ph->columns, &top);
          bottom -= jump_band (lo, page, h->column + ph->columns - 1, page < n_pages - 1);
          room = page_depth - top;
          if (room < below + 4)
            continue;
          ph->frame_bands = MIN (ph->natural_frame_bands + h->delta, room - below);
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

/* Flows trial @t on @spec's pages into @out; returns the rows placed. */
static guint
try_flow (const Layout *lo, const FlowTrial *t, const FlowSpec *spec, FlowOut *out)
{
  if (!place_holes (lo, t, out->holes, spec->n_pages, spec->last_depth))
    return 0;
  return flow (lo, t, spec, out);
}

/* Where column @c of @page has a photo at its foot (the last page's
 * photos stand at the foot of the depth): its top and foot, else -1 for
 * both; *@top: the first band of the text above it, the column's top or
 * the foot of a photo higher up. */
static void
column_photo (const Layout *lo, const FlowTrial *t, const GArray *holes, int page, int c,
              int *top, int *photo_top, int *photo_foot)
{
  const Hole *lowest = NULL;

  *top = column_top (lo, t, page, c);
  for (guint i = 0; i < holes->len; i++)
    {
      const Hole *h = &g_array_index (holes, Hole, i);
      if (h->page == page && c >= h->column && c < h->column + h->photo.columns
          && (lowest == NULL || h->top > lowest->top))
        lowest = h;
    }
  for (guint i = 0; i < holes->len; i++)
    {
      const Hole *h = &g_array_index (holes, Hole, i);
      if (lowest != NULL && h != lowest && h->page == page && c >= h->column
          && c < h->column + h->photo.columns && h->top + h->photo.bands <= lowest->top)
        *top = MAX (*top, h->top + h->photo.bands);
    }
  *photo_top = lowest ? lowest->top : -1;
  *photo_foot = lowest ? lowest->top + lowest->photo.bands : -1;
}

/* Tests: TRUE counts a photo's foot as its columns' foot, whatever white
 * the text above it leaves (as balancing did before it saw that white). */
gboolean jopan_flow_blind_above_photos = FALSE;

/* The foot a column counts for in balancing, its text ending at band
 * @text: a photo at its foot ends it, less the white between the text and
 * the photo (a column whose text stops short above a photo is as short as
 * one whose text stops short at the foot: the eye sees the hole). */
static int
counted_foot (int text, int photo_top, int photo_foot)
{
  if (photo_top < 0 || text > photo_top || jopan_flow_blind_above_photos)
    return MAX (text, photo_foot);
  return photo_foot - (photo_top - text);
}

/* How far apart the last page's column feet are, in bands, for the @n_placed
 * rows of trial @t as @out places them. */
static int
spread_of_last_page (const Layout *lo, const FlowTrial *t, const FlowOut *out, guint n_placed,
                     int page)
{
  int texts[64], photo_tops[64], photo_feet[64];
  int lowest = G_MAXINT, highest = 0;

  /* A column left empty ends at its top: it counts. */
  for (int c = 0; c < layout_page_columns (lo, page) && c < 64; c++)
    column_photo (lo, t, out->holes, page, c, &texts[c], &photo_tops[c], &photo_feet[c]);
  for (guint r = 0; r < n_placed; r++)
    {
      const Segment *seg = &out->segments.data[out->placed[r].segment];
      const Row *row = &g_array_index (t->rows, Row, r);
      if (seg->page == page && seg->column < 64)
        texts[seg->column] = MAX (texts[seg->column], out->placed[r].band + row->bands);
    }
  for (int c = 0; c < layout_page_columns (lo, page) && c < 64; c++)
    {
      int foot = counted_foot (texts[c], photo_tops[c], photo_feet[c]);
      lowest = MIN (lowest, foot), highest = MAX (highest, foot);
    }
  return lowest == G_MAXINT ? 0 : highest - lowest;
}

/* Balancing tries every way of ending the last page's columns up to two
 * bands early: 3^columns flows of every row at each depth.  Flows that end
 * the first columns alike are alike up to there, so they are flowed column
 * by column, each column's three feet from where the flow stood after the
 * columns before: 3 + 9 + … + 3^columns columns flowed instead of
 * columns × 3^columns.  A row never goes back past the column it stands in
 * (the first row of a segment bounds its breaks), so the rows the columns
 * before placed keep their places while the later columns vary. */
gboolean jopan_flow_by_column = TRUE;

/* A column flowed: from the rows where a flow stood (@r, @waiting; it
 * stands at a column's first segment, so its first row is @r and its band
 * the segment's top), down to @bottom (@ends bands above the last page's
 * depth), to @next (its
 * segment @next_s counted from the end of the column's segments, its
 * forced breaks @forced more), the column's foot @foot.  Ways that end the
 * first columns differently often reach a column from the same rows: it
 * is flowed once for them all.  It read no row after @reach: a trial whose
 * rows differ only after it (a pull quote moved further down) flows it
 * alike (forget_flows()). */
typedef struct {
  guint r;
  int waiting, bottom, depth;
  gboolean photos;              /* photos stood on the page */
  FlowState next;
  int next_s, foot;
  guint forced, reach;
  int chain;                    /* the one flowed before it from @r (-1: none) */
} ColumnFlow;

gint jopan_flow_column_flows;

/* Tests: 0 flows a column again at each depth (as balancing did before it
 * reused a column's flow at the depth after); 2 reuses a column's flow at
 * every depth that ends it as many bands early (wrong: its foot moves). */
int jopan_flow_reuse_depths = 1;

typedef struct {
  const Layout *lo;
  const FlowTrial *t;
  FlowOut *out;
  int page, depth, columns;
  int *spreads;                 /* by shortening, as FlowSpec.shorten counts it */
  gboolean photos;              /* photos stand on the page: they move with the depth */
  int bound;                    /* a way spreading this far or more is never chosen */
  int base[64];                 /* each column's text top: its top, or under a photo */
  int photo_top[64], photo_foot[64]; /* the photo at each column's foot (-1: none) */
  GArray **flowed;              /* by column: its ColumnFlows (NULL: none yet) */
  GArray **heads;               /* by column: FlowOut's column_heads */
} ByColumn;

/* Tests: TRUE makes column_foot() check the foot of the row placed last
 * against the lowest foot of every row the column placed. */
gboolean jopan_flow_check_feet = FALSE;

/* The foot of column @c of the last page, flowed from @before to @after,
 * as balancing counts it (counted_foot()) from its text's: its base, or
 * the foot of its lowest row (the rows it placed are those
 * between, but the pull quote still waiting; the quote that waited
 * before it, when it took it): the row it placed last (@after->last, -1
 * for none), with row sums (row_sums()) each row placed ending no higher
 * than those before it. */
static int
column_foot (const ByColumn *b, const FlowState *before, const FlowState *after, int c,
             guint built)
{
  int foot = b->base[c], last_foot = foot;
  guint from = before->r;

  if (after->last >= 0)
    last_foot = MAX (foot, b->out->placed[after->last].band
                             + g_array_index (b->t->rows, Row, after->last).bands);
  if (b->t->sums && after->last != -2 && !jopan_flow_check_feet)
    return counted_foot (last_foot, b->photo_top[c], b->photo_foot[c]);

  if (before->waiting >= 0 && after->waiting != before->waiting)
    from = MIN (from, (guint) before->waiting);
  for (guint r = from; r < after->r; r++)
    {
      const Placement *at = &b->out->placed[r];
      if ((int) r == after->waiting || (r < before->r && (int) r != before->waiting)
          || at->segment < (int) built)
        continue;
      foot = MAX (foot, at->band + g_array_index (b->t->rows, Row, r).bands);
    }
  if (b->t->sums && after->last != -2 && foot != last_foot)
    g_error ("flow: column %d's last row ends at band %d, its lowest at %d", c, last_foot, foot);
  return counted_foot (foot, b->photo_top[c], b->photo_foot[c]);
}

/* The spread of a flow standing at @st after the last segment, its
 * columns' @feet measured as spread_of_last_page() would, G_MAXINT if it
 * left rows unset.  A break the keeps did not allow (a widow, say) weighs
 * more than any unevenness. */
static int
spread_of_feet (const ByColumn *b, const FlowState *st, const int *feet)
{
  int lowest = G_MAXINT, highest = 0;

  if (flow_placed (st) != b->t->rows->len)
    return G_MAXINT;
  for (int c = 0; c < b->columns && c < 64; c++)
    lowest = MIN (lowest, feet[c]), highest = MAX (highest, feet[c]);
  return (lowest == G_MAXINT ? 0 : highest - lowest) + 100 * (int) st->forced_breaks;
}

/* A ColumnFlow index for @n rows: none flowed from any. */
static GArray *
no_heads (guint n)
{
  GArray *heads = g_array_sized_new (FALSE, FALSE, sizeof (int), n);

  g_array_set_size (heads, n);
  memset (heads->data, 0xff, n * sizeof (int)); /* -1 each */
  return heads;
}

/* Column @c flowed from @st down to @bottom, as flowed before when it
 * was (NULL: not yet).  A flow at a column's first segment depends on its
 * rows alone: its first row is its next, its band the segment's top.  Its
 * segments depend on the depth only through its foot, but where photos
 * stand on the page (place_holes() puts them at the foot of the depth). */
static const ColumnFlow *
flowed_before (const ByColumn *b, const FlowState *st, int c, int bottom)
{
  const GArray *heads = c < 64 ? b->heads[c] : NULL;

  if (heads == NULL || st->r >= heads->len)
    return NULL;
  for (int i = g_array_index (heads, int, st->r); i >= 0;)
    {
      const ColumnFlow *f = &g_array_index (b->flowed[c], ColumnFlow, i);
      if (jopan_flow_reuse_depths == 2 && f->waiting == st->waiting
          && f->bottom - f->depth == bottom - b->depth)
        return f;
      if (f->waiting == st->waiting && f->bottom == bottom
          && (f->depth == b->depth || (jopan_flow_reuse_depths == 1 && !f->photos && !b->photos)))
        return f;
      i = f->chain;
    }
  return NULL;
}

/* Flows column @c with @ends from @st into @next (see ColumnFlow);
 * returns its foot. */
static int
flow_column (ByColumn *b, const FlowState *st, int c, int ends, FlowState *next)
{
  guint built = b->out->segments.len;
  gboolean at_top = st->s == built && st->first == st->r;
  int bottom = column_bottom (b->lo, b->page, c, b->depth, ends, FALSE);
  const ColumnFlow *known = at_top ? flowed_before (b, st, c, bottom) : NULL;
  ColumnFlow f = { st->r, st->waiting, bottom, b->depth, b->photos, *st, 0, 0, 0, 0, -1 };

  /* With every row placed and no quote waiting, the column stays empty
   * at its base whatever its segments: nothing after reads more of the
   * flow than its rows and forced breaks (spread_of_feet()). */
  if (st->r >= b->t->rows->len && st->waiting < 0)
    {
      *next = *st;
      return c < 64 ? counted_foot (b->base[c], b->photo_top[c], b->photo_foot[c]) : 0;
    }
  if (known)
    {
      *next = known->next;
      next->s = (guint) ((int) built + known->next_s);
      next->forced_breaks = st->forced_breaks + known->forced;
      return known->foot;
    }
  g_atomic_int_inc (&jopan_flow_column_flows);
  f.next.reach = st->r;
  f.next.last = -1;
  column_segments (b->lo, b->t, b->out->holes, b->page, c, b->depth, ends, FALSE,
                   &b->out->segments);
  flow_into_new (b->t, b->out, &f.next, built, c + 1 < b->columns);
  f.foot = c < 64 ? column_foot (b, st, &f.next, c, built) : 0;
  *next = f.next;
  if (c < 64 && at_top)
    {
      /* Where it stands against the end of the column's segments, where
       * the next column's begin (a column taken from here builds none). */
      f.next_s = (int) f.next.s - (int) b->out->segments.len;
      f.forced = f.next.forced_breaks - st->forced_breaks;
      f.reach = f.next.reach;
      if (b->flowed[c] == NULL)
        b->flowed[c] = g_array_sized_new (FALSE, FALSE, sizeof (ColumnFlow), 32);
      if (b->heads[c] == NULL)
        b->heads[c] = no_heads (b->t->rows->len + 1);
      f.chain = g_array_index (b->heads[c], int, f.r);
      g_array_index (b->heads[c], int, f.r) = (int) b->flowed[c]->len;
      g_array_append_val (b->flowed[c], f);
    }
  return f.foot;
}

/* Do the columns up to @c, flowed to @st with @feet, spread so far that
 * no way of ending the columns after them can be chosen?  A spread only
 * grows with more columns (and forced breaks with more rows); balancing
 * takes the first way with the least spread, or the first spreading a
 * band at most: a way that spreads 2 or more and no less than one
 * already measured (or @b->bound) is never it. */
static gboolean
spread_already (const ByColumn *b, const FlowState *st, int c, const int *feet)
{
  int lowest = G_MAXINT, highest = 0;

  for (int k = 0; k <= c && k < 64; k++)
    lowest = MIN (lowest, feet[k]), highest = MAX (highest, feet[k]);
  if (lowest == G_MAXINT || st->forced_breaks > 1000)
    return FALSE;
  return highest - lowest + 100 * (int) st->forced_breaks >= MAX (2, b->bound);
}

/* Flows column @c on, each of its three feet, and the columns after it;
 * @feet holds the feet of the columns before it.  Ways that can no
 * longer be chosen (spread_already()) are left unflowed, their spreads
 * G_MAXINT. */
static void
flow_columns (ByColumn *b, const FlowState *st, int c, guint shorten, guint unit, int *feet)
{
  guint built = b->out->segments.len;

  if (c == b->columns)
    {
      int s = spread_of_feet (b, st, feet);
      b->spreads[shorten] = s;
      if (s < G_MAXINT)
        b->bound = MIN (b->bound, s + 1);
      return;
    }
  for (int ends = 0; ends < (c < 6 ? 3 : 1); ends++)
    {
      FlowState next;
      int foot;

      b->out->segments.len = built;
      foot = flow_column (b, st, c, ends, &next);
      if (c < 64)
        feet[c] = foot;
      if (c + 1 < b->columns && spread_already (b, &next, c, feet))
        continue;
      flow_columns (b, &next, c + 1, shorten + (guint) ends * unit, unit * 3, feet);
    }
}

/* Forgets the columns flowed (see ColumnFlow) that read row @reach or
 * later: the next trial's rows may differ from there on. */
static void
forget_flows (FlowOut *out, guint reach)
{
  for (int c = 0; c < 64; c++)
    {
      GArray *flowed = out->column_flows[c], *heads = out->column_heads[c];
      guint kept = 0;

      if (flowed == NULL || heads == NULL)
        continue;
      memset (heads->data, 0xff, heads->len * sizeof (int));
      for (guint i = 0; i < flowed->len; i++)
        {
          ColumnFlow f = g_array_index (flowed, ColumnFlow, i);
          if (f.reach >= reach)
            continue;
          f.chain = g_array_index (heads, int, f.r);
          g_array_index (heads, int, f.r) = (int) kept;
          g_array_index (flowed, ColumnFlow, kept++) = f;
        }
      g_array_set_size (flowed, kept);
    }
}

/* Whether every column of the last page keeps a segment however short it
 * ends: only then does a column's flow not depend on the columns after it
 * (a page's last segment may not end in a hyphen).  It builds them in the
 * flow's segments, which every flow builds anew. */
static gboolean
columns_never_vanish (const ByColumn *b)
{
  Segments *scratch = &b->out->segments;

  for (int c = 0; c < b->columns; c++)
    for (int feet = 0; feet < (c < 6 ? 3 : 1); feet++)
      {
        scratch->len = 0;
        column_segments (b->lo, b->t, b->out->holes, b->page, c, b->depth, feet, FALSE, scratch);
        if (scratch->len == 0)
          return FALSE;
      }
  return TRUE;
}

/* Each column's text top and the photo at its foot (see
 * spread_of_last_page()). */
static void
column_bases (ByColumn *b)
{
  for (int c = 0; c < b->columns && c < 64; c++)
    column_photo (b->lo, b->t, b->out->holes, b->page, c, &b->base[c], &b->photo_top[c],
                  &b->photo_foot[c]);
}

/* Fills @spreads (by shortening) with the spread of each way of ending the
 * last page's columns at @spec's depth, as balance_rows() would measure it
 * flow by flow, G_MAXINT for a way that spreads @bound or more (as far
 * as the best so far: never chosen) and 2 or more.  FALSE (nothing
 * measured) where a column may vanish. */
static gboolean
spreads_by_column (const Layout *lo, const FlowTrial *t, FlowSpec spec, FlowOut *out,
                   guint combinations, int bound, int *spreads)
{
  ByColumn b = { .lo = lo, .t = t, .out = out, .page = spec.n_pages - 1,
                 .depth = spec.last_depth, .columns = layout_page_columns (lo, spec.n_pages - 1),
                 .spreads = spreads, .bound = bound, .flowed = out->column_flows,
                 .heads = out->column_heads };
  FlowState st = { .waiting = -1, .last = -1 };
  int feet[64];

  for (guint i = 0; i < combinations; i++)
    spreads[i] = G_MAXINT;
  if (!place_holes (lo, t, out->holes, spec.n_pages, spec.last_depth))
    return TRUE;
  if (!jopan_flow_by_column || b.columns < 1 || !columns_never_vanish (&b))
    return FALSE;
  out->segments.len = 0;
  for (int page = 0; page < b.page; page++)
    page_segments (lo, t, out->holes, page, layout_page_depth (lo, page), 0, TRUE, &out->segments);
  /* The pages before the last end where the last page begins: their last
   * segment ends a page. */
  flow_into_new (t, out, &st, 0, FALSE);
  column_bases (&b);
  for (guint i = 0; i < out->holes->len; i++)
    if (g_array_index (out->holes, Hole, i).page == b.page)
      b.photos = TRUE;
  if (out->flows_lead != t->lead_delta)
    forget_flows (out, 0);
  out->flows_lead = t->lead_delta;
  flow_columns (&b, &st, 0, 0, 1, feet);
  return TRUE;
}

/* For trial @t's rows in their order: the shallowest last page that holds
 * them all (@least bands deep at least), then the depth (a few bands
 * deeper at most) and the columns
 * ending a band or two early that leave the columns' feet most even.
 * Sets *@spread (G_MAXINT if the rows do not fit on @spec's pages); @out
 * is scratch.  @bound: the spread of another trial, which this one is
 * chosen over only if it spreads less (its ways that spread as far or
 * farther are not measured exactly). */
static FlowSpec
balance_rows (const Layout *lo, const FlowTrial *t, FlowSpec spec, FlowOut *out, int bound,
              int least, int *spread)
{
  guint n_rows = t->rows->len;
  int last = spec.n_pages - 1, depth_of_last = layout_page_depth (lo, last);
  int lo_depth = CLAMP (least, 1, depth_of_last), hi_depth = depth_of_last;
  guint combinations = 1;
  FlowSpec best = spec;
  int spreads[729];

  *spread = G_MAXINT;
  spec.last_depth = depth_of_last;
  spec.shorten = 0;
  if (try_flow (lo, t, &spec, out) != n_rows)
    return best;
  while (lo_depth < hi_depth)
    {
      spec.last_depth = (lo_depth + hi_depth) / 2;
      if (try_flow (lo, t, &spec, out) == n_rows)
        hi_depth = spec.last_depth;
      else
        lo_depth = spec.last_depth + 1;
    }
  /* The least depth can leave one column short by several lines (keeps
   * and widows decide where columns may end). */
  for (int c = 0; c < MIN (layout_page_columns (lo, last), 6); c++)
    combinations *= 3;
  for (int depth = hi_depth; depth <= MIN (hi_depth + 3, depth_of_last) && *spread > 1; depth++)
    {
      gboolean measured;

      spec.last_depth = depth;
      measured = spreads_by_column (lo, t, spec, out, combinations, MIN (*spread, bound), spreads);
      for (guint shorten = 0; shorten < combinations && *spread > 1; shorten++)
        {
          int s;
          spec.shorten = shorten;
          if (measured)
            s = spreads[shorten];
          else if (try_flow (lo, t, &spec, out) != n_rows)
            continue;
          else
            s = spread_of_last_page (lo, t, out, n_rows, spec.n_pages - 1)
                + 100 * (int) out->forced_breaks;
          if (s < *spread)
            *spread = s, best = spec;
        }
    }
  return best;
}

/* Frame lines a further photo may give or take to even the text above
 * it, a line or two first: a quarter of its frame at most (its crop
 * changes, never its shape), never under four lines. */
static const int photo_deltas[] = { -1, 1, -2, 2, -3, 3, -4, 4 };

static gboolean
photo_delta_allowed (const Hole *h, int delta)
{
  int frame = h->photo.natural_frame_bands;

  return ABS (delta) <= MAX (1, frame / 4) && frame + delta >= MIN (4, frame);
}

/* The most white any column of hole @h leaves between its text and the
 * photo, in bands, with @out's @n_placed rows of @rows placed. */
static int
white_above (const FlowOut *out, const Hole *h, const GArray *rows, guint n_placed)
{
  int text[64], white = 0;
  gboolean above[64] = { FALSE };

  for (guint s = 0; s < out->segments.len; s++)
    {
      const Segment *seg = &out->segments.data[s];
      int c = seg->column - h->column;
      if (seg->page == h->page && c >= 0 && c < h->photo.columns && c < 64
          && seg->bottom == h->top)
        text[c] = seg->top, above[c] = TRUE;
    }
  for (guint r = 0; r < n_placed; r++)
    {
      const Segment *seg = &out->segments.data[out->placed[r].segment];
      int c = seg->column - h->column;
      if (seg->page == h->page && c >= 0 && c < h->photo.columns && c < 64 && above[c]
          && seg->bottom == h->top)
        text[c] = MAX (text[c], out->placed[r].band + g_array_index (rows, Row, r).bands);
    }
  for (int c = 0; c < h->photo.columns && c < 64; c++)
    if (above[c])
      white = MAX (white, h->top - text[c]);
  return white;
}

/* Tests: FALSE leaves the photos on the pages before the last as placed,
 * whatever white the text above them leaves (as the flow did before). */
gboolean jopan_flow_even_photos = TRUE;

/* On the pages before the last, the text above a photo ends where the
 * keeps let it (a subhead kept with its first lines waits for the next
 * page): a column of the photo may stop lines short of it while the next
 * runs full.  The photo gives or takes frame lines, its foot staying,
 * where that leaves less white above it and the story on as many pages. */
static void
even_earlier_photos (const Layout *lo, const FlowTrial *t, const FlowSpec *spec, FlowOut *out)
{
  guint n_rows = t->rows->len;

  for (guint i = 0; i < out->holes->len && jopan_flow_even_photos; i++)
    {
      Hole *h = &g_array_index (out->holes, Hole, i);
      int page, best_delta = 0, best_white;

      if (try_flow (lo, t, spec, out) != n_rows || h->page < 0 || h->page >= spec->n_pages - 1)
        continue;
      page = h->page;
      best_white = white_above (out, h, t->rows, n_rows);
      for (gsize k = 0; k < G_N_ELEMENTS (photo_deltas) && best_white > 0; k++)
        {
          int white;
          if (!photo_delta_allowed (h, photo_deltas[k]))
            continue;
          h->delta = photo_deltas[k];
          if (try_flow (lo, t, spec, out) != n_rows || h->page != page)
            continue;
          white = white_above (out, h, t->rows, n_rows);
          if (white < best_white)
            best_white = white, best_delta = h->delta;
        }
      h->delta = best_delta;
    }
}

/* On the last page a further photo stands at the foot of the depth, and
 * the text above it counts short by the white it leaves there
 * (counted_foot()): the photo's frame may give or take lines, as the
 * lead's does (balance_with_lead()), its foot staying, where that evens
 * the columns.  In a slot it only grows, and the story goes no shallower
 * for it (balance_rows()'s least depth): a smaller photo or a shallower
 * story only leaves more white at the slot's foot. */
static FlowSpec
balance_with_photos (const Layout *lo, const FlowTrial *t, FlowSpec spec, FlowSpec best,
                     FlowOut *out, int *spread)
{
  int depth = best.last_depth;

  if (*spread <= 1 || !jopan_flow_even_photos || try_flow (lo, t, &best, out) == 0)
    return best;
  for (guint i = 0; i < out->holes->len && *spread > 1; i++)
    {
      Hole *h = &g_array_index (out->holes, Hole, i);
      int best_delta = h->delta;

      if (h->page != spec.n_pages - 1)
        continue;
      for (gsize k = 0; k < G_N_ELEMENTS (photo_deltas) && *spread > 1; k++)
        {
          int s;
          FlowSpec found;

          if (!photo_delta_allowed (h, photo_deltas[k]) || (lo->set.slot && photo_deltas[k] < 0))
            continue;
          h->delta = photo_deltas[k];
          forget_flows (out, 0);
          found = balance_rows (lo, t, spec, out, *spread, lo->set.slot ? depth : 1, &s);
          if (s < *spread)
            *spread = s, best = found, best_delta = h->delta;
        }
      h->delta = best_delta;
      forget_flows (out, 0);
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
quote_may_stand_before (const GArray *rows, guint at)
{
  const Row *next = at < rows->len ? &g_array_index (rows, Row, at) : NULL;
  const Row *prev = &g_array_index (rows, Row, at - 1);

  return prev->kind == JOPAN_PARA_BODY
         && (next == NULL || (next->kind == JOPAN_PARA_BODY && next->break_before));
}

/* On a one-page story the lead photo's frame may give or take up to two
 * grid lines (its crop changes, never its shape) where that evens the
 * columns; a photo beside the text, whose foot is its columns' foot, up to
 * four.  Sets @t->lead_delta to the best change. */
static FlowSpec
balance_with_lead (const Layout *lo, FlowTrial *t, FlowSpec spec, FlowOut *out, int *spread)
{
  static const int deltas[] = { -1, 1, -2, 2, -3, 3, -4, 4 };
  gboolean beside = lo->at.has_lead && lo->at.lead.columns < lo->set.columns;
  FlowSpec best = balance_rows (lo, t, spec, out, G_MAXINT, 1, spread);
  int best_delta = 0;

  if (!lo->at.has_lead || lo->set.slot || spec.n_pages != 1)
    return best;
  for (gsize i = 0; i < (beside ? 8u : 4u) && *spread > 1; i++)
    {
      int s;
      FlowTrial candidate = { t->rows, deltas[i], t->sums };
      FlowSpec found;

      if (lo->at.lead.frame_bands + deltas[i] < 3)
        continue;
      found = balance_rows (lo, &candidate, spec, out, *spread, 1, &s);
      if (s < *spread)
        *spread = s, best = found, best_delta = deltas[i];
    }
  t->lead_delta = best_delta;
  return best;
}

/* Balances the last page.  A pull quote is display type, not running text:
 * where its size keeps the columns uneven, it may float down a few lines
 * (as a designer would move it) to where the columns come out even.  Fills
 * @t with the chosen lead change and @order with the chosen row order (a
 * copy of the Layout's rows, to begin with). */
static FlowSpec
balance (const Layout *lo, FlowTrial *t, GArray *order, FlowSpec spec, FlowOut *out)
{
  int spread;
  FlowSpec best;
  g_autoptr (GArray) moved = NULL; /* made for a story with a pull quote */
  g_autoptr (GArray) order_sums = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GArray) moved_sums = NULL;

  t->rows = order;
  t->sums = row_sums (order_sums, order);
  best = balance_with_lead (lo, t, spec, out, &spread);
  best = balance_with_photos (lo, t, spec, best, out, &spread);
  for (guint q = 0; q < order->len && spread > 1; q++)
    {
      guint best_at = q;

      if (!g_array_index (order, Row, q).rule_above)
        continue;
      if (moved == NULL)
        {
          moved = g_array_sized_new (FALSE, FALSE, sizeof (Row), order->len);
          moved_sums = g_array_new (FALSE, FALSE, sizeof (int));
        }
      for (guint at = q + 2; at <= MIN (q + 12, order->len) && spread > 1; at++)
        {
          int s;
          FlowTrial candidate = { moved, t->lead_delta, NULL };
          FlowSpec found;

          if (!quote_may_stand_before (order, at))
            continue;
          g_array_set_size (moved, 0);
          g_array_append_vals (moved, order->data, order->len);
          relocate_row (moved, q, at - 1);
          /* Every trial's rows are the order's up to the quote. */
          forget_flows (out, q);
          candidate.sums = row_sums (moved_sums, moved);
          found = balance_rows (lo, &candidate, spec, out, spread, 1, &s);
          if (s < spread)
            spread = s, best = found, best_at = at;
        }
      forget_flows (out, q);
      if (best_at != q)
        {
          relocate_row (order, q, best_at - 1);
          t->sums = row_sums (order_sums, order);
          q = best_at - 1;
        }
    }
  return best;
}

/* Applies the chosen trial to the Layout: the lead photo's frame and the
 * rows' order. */
static void
apply_trial (Layout *lo, const FlowTrial *t)
{
  lo->at.lead.frame_bands += t->lead_delta;
  lo->at.lead.bands += t->lead_delta;
  for (int c = 0; t->lead_delta != 0 && c < lo->at.lead.columns; c++)
    lo->at.column_top[lo->at.lead_column + c] += t->lead_delta;
  if (t->rows != lo->at.rows)
    {
      g_array_set_size (lo->at.rows, 0);
      g_array_append_vals (lo->at.rows, t->rows->data, t->rows->len);
    }
}

/* The chosen flow's placements, segments and photos become the Layout's. */
static void
keep_out (Layout *lo, FlowOut *out)
{
  g_array_set_size (lo->at.segments, 0);
  g_array_append_vals (lo->at.segments, out->segments.data, out->segments.len);
  g_array_set_size (lo->at.holes, 0);
  g_array_append_vals (lo->at.holes, out->holes->data, out->holes->len);
  g_free (lo->at.placed);
  lo->at.placed = g_steal_pointer (&out->placed);
  lo->at.forced_breaks = out->forced_breaks;
}

void
jopan_flow_fit (Layout *lo)
{
  FlowSpec spec = { .n_pages = 1, .last_depth = lo->set.depth };
  guint n_rows = lo->at.rows->len, n_placed = 0;
  g_autoptr (GArray) sums = g_array_new (FALSE, FALSE, sizeof (int));
  FlowTrial trial = { lo->at.rows, 0, row_sums (sums, lo->at.rows) };
  g_autoptr (GArray) order = g_array_copy (lo->at.rows);
  g_autoptr (GArray) holes = g_array_copy (lo->at.holes);
  FlowOut scratch = { { NULL, 0, 0 }, g_new0 (Placement, MAX (1, n_rows)), holes, 0, { NULL },
                      { NULL }, G_MININT };

  for (spec.n_pages = 1; spec.n_pages <= lo->set.max_pages; spec.n_pages++)
    {
      spec.last_depth = layout_page_depth (lo, spec.n_pages - 1);
      n_placed = try_flow (lo, &trial, &spec, &scratch);
      if (n_placed == n_rows)
        break;
    }
  if (n_placed == n_rows && n_placed > 0)
    {
      even_earlier_photos (lo, &trial, &spec, &scratch);
      spec = balance (lo, &trial, order, spec, &scratch);
    }
  else
    {
      spec.n_pages = lo->set.max_pages; /* overset: what did not fit is reported */
      spec.last_depth = layout_page_depth (lo, spec.n_pages - 1);
    }
  apply_trial (lo, &trial);
  trial.rows = lo->at.rows;
  trial.lead_delta = 0;
  trial.sums = row_sums (sums, lo->at.rows);
  lo->at.n_placed = try_flow (lo, &trial, &spec, &scratch);
  keep_out (lo, &scratch);
  for (int c = 0; c < 64; c++)
    {
      g_clear_pointer (&scratch.column_flows[c], g_array_unref);
      g_clear_pointer (&scratch.column_heads[c], g_array_unref);
    }
  g_free (scratch.segments.data);
  lo->at.n_pages = spec.n_pages;
  lo->at.last_depth = spec.last_depth;
}
