/* test-layout.c — golden layout dumps, and the rules every layout keeps.
 *
 * Each tests/layouts/NAME.json is an article; NAME.args holds its options
 * (--style, --set, --slot, --copyfit); NAME.expected is the text dump of
 * the laid-out pages with the report's fit figures.  JOPAN_REGENERATE=1
 * rewrites the expectations; review them with `git diff`.
 *
 * Beyond the dump, every case is checked for the rules of a newspaper page:
 * body lines on one baseline grid, photos undistorted and whole grid lines
 * tall, nothing outside the page or over a photo, no widows or orphans, no
 * subhead at a column's foot, no pull quote split, balanced last columns,
 * the text above a photo across columns ending within a line in each.
 * These read the display list's true line widths and each line's paragraph
 * and line number, and /rules/ breaks each rule on purpose in a real layout
 * to see its check fail.
 */
#include "jopan-private.h"
#include "layout-private.h"
#include "support.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>

#define LAYOUTS TEST_DATA "/../layouts"

typedef struct {
  JopanDocument *doc;
  const JopanStyle *style;
} Case;

static gboolean
apply_args (const char *args, JopanStyle **style, JopanLayoutOptions *options)
{
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_shell_parse_argv (args, NULL, &argv, &error));
  for (int i = 0; argv[i]; i++)
    {
      if (strcmp (argv[i], "--copyfit") == 0)
        options->copyfit = TRUE;
      else if (strcmp (argv[i], "--style") == 0 && argv[i + 1])
        {
          jopan_style_free (*style);
          *style = jopan_style_load (argv[++i], SOURCE_ROOT, &error);
          g_assert_no_error (error);
        }
      else if (strcmp (argv[i], "--set") == 0 && argv[i + 1])
        g_assert_true (jopan_style_set (*style, argv[++i], NULL));
      else if (strcmp (argv[i], "--slot") == 0 && argv[i + 1])
        g_assert_true (jopan_layout_options_parse_slot (options, argv[++i], NULL));
      else if (strcmp (argv[i], "--fill") == 0)
        options->fill = TRUE;
      else if (strcmp (argv[i], "--jump-page") == 0 && argv[i + 1])
        options->jump_page = (guint) atoi (argv[++i]);
      else if (strcmp (argv[i], "--weight") == 0 && argv[i + 1])
        {
          const char *w = argv[++i];
          options->weight = strcmp (w, "lead") == 0        ? JOPAN_WEIGHT_LEAD
                            : strcmp (w, "secondary") == 0 ? JOPAN_WEIGHT_SECONDARY
                                                           : JOPAN_WEIGHT_BRIEF;
        }
      else
        g_error ("unknown option in args: %s", argv[i]);
    }
  return TRUE;
}

/* ---- rules ----------------------------------------------------------------- */

static double
grid_residue (double y, double pitch)
{
  double r = fmod (y, pitch);
  return r < 0 ? r + pitch : r;
}

static void
check_page_rules (const JopanPage *page, const JopanStyle *style)
{
  double pitch = style->baseline, residue = -1;

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);

      /* Inside the trim box. */
      g_assert_cmpfloat (b->x, >=, -0.01);
      g_assert_cmpfloat (b->y, >=, -0.01);
      g_assert_cmpfloat (b->x + MAX (b->w, 0), <=, page->width + 0.01);
      g_assert_cmpfloat (b->y + MAX (b->h, 0), <=, page->height + 0.01);
      if (b->kind == JOPAN_BOX_TEXT && strcmp (b->role, "body") == 0)
        {
          /* Every body line on the one grid. */
          double r = grid_residue (b->y, pitch);
          if (residue < 0)
            residue = r;
          g_assert_cmpfloat (fabs (r - residue), <, 0.01);
        }
      if (b->kind == JOPAN_BOX_IMAGE)
        {
          /* Cropped, never stretched; whole grid lines tall. */
          g_assert_cmpfloat (fabs (b->src_w / b->src_h - b->w / b->h), <, 1e-6 * b->w / b->h);
          g_assert_cmpfloat (fabs (b->h / pitch - round (b->h / pitch)), <, 1e-6);
          for (guint j = 0; j < page->boxes->len; j++)
            {
              const JopanBox *o = &g_array_index (page->boxes, JopanBox, j);
              gboolean across = o->x < b->x + b->w - 0.01 && o->x + MAX (o->w, 0.1) > b->x + 0.01;
              if (i == j || !across)
                continue;
              if (o->kind == JOPAN_BOX_IMAGE)
                g_assert_true (o->y >= b->y + b->h - 0.01 || o->y + o->h <= b->y + 0.01);
              if (o->kind == JOPAN_BOX_TEXT) /* no baseline inside a photo */
                g_assert_true (o->y <= b->y + 0.01 || o->y >= b->y + b->h - 0.01);
            }
        }
    }
}

/* The page rules below read only the display list: each text box's true
 * width and measure, and its paragraph and line in it.  Each returns NULL
 * when the rule holds, else what breaks it; the mutation tests break each
 * rule on purpose and see its check fail. */

static double
column_width_of (const JopanStyle *style)
{
  return (style->page_width - style->margin[1] - style->margin[3]
          - (style->columns - 1) * style->gutter) / style->columns;
}

static double
column_left (const JopanStyle *style, int column)
{
  return style->margin[3] + column * (column_width_of (style) + style->gutter);
}

/* The grid column @x lies in (an indent stays in its column). */
static int
column_of (const JopanStyle *style, double x)
{
  double pitch = column_width_of (style) + style->gutter;

  return (int) floor ((x - style->margin[3] + style->gutter / 2) / pitch);
}

static gboolean
is_running (const JopanBox *b)
{
  return b->kind == JOPAN_BOX_TEXT
         && (strcmp (b->role, "body") == 0 || strcmp (b->role, "subhead") == 0
             || strcmp (b->role, "quote") == 0 || strcmp (b->role, "byline") == 0);
}

/* A line of running text and where it stands. */
typedef struct {
  const JopanBox *box;
  int page, column;
} Placed;

/* Reading order: the byline, then the body blocks, each line by line; a
 * byline after the text (Korean style) has the p of the block it follows. */
static int
by_reading_order (gconstpointer a, gconstpointer b)
{
  const JopanBox *x = ((const Placed *) a)->box, *y = ((const Placed *) b)->box;
  int px = strcmp (x->role, "byline") == 0 && x->para == 0 ? -1 : x->para;
  int py = strcmp (y->role, "byline") == 0 && y->para == 0 ? -1 : y->para;

  return px != py ? px - py : x->para_line - y->para_line;
}

/* All running lines of the story, in reading order, with their columns. */
static GArray *
running_lines (const GPtrArray *pages, const JopanStyle *style)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (Placed));

  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
          Placed placed = { b, page->number, column_of (style, b->x + support_hang_of (b)) };
          if (is_running (b))
            g_array_append_val (lines, placed);
        }
    }
  g_array_sort (lines, by_reading_order);
  return lines;
}

static gboolean
same_column (const Placed *a, const Placed *b)
{
  return a->page == b->page && a->column == b->column;
}

/* A line's text, for messages. */
static char *
line_text (const JopanBox *b)
{
  PangoLayoutLine *line = jopan_layout_line (b->layout, b->line);

  return g_strndup (pango_layout_get_text (b->layout) + line->start_index, line->length);
}

static char *
describe (const Placed *l, const char *what)
{
  g_autofree char *text = line_text (l->box);

  return g_strdup_printf ("%s: %s paragraph %d line %d/%d |%s| in column %d of page %d", what,
                          l->box->role, l->box->para, l->box->para_line + 1, l->box->para_lines,
                          text, l->column + 1, l->page);
}

/* Nothing overflows: no line set wider than its measure, no running line
 * outside its column, no text outside the type area. */
static char *
check_overflow (const GPtrArray *pages, const JopanStyle *style)
{
  double right = style->page_width - style->margin[1];

  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
          Placed l = { b, page->number, column_of (style, b->x + support_hang_of (b)) };
          if (b->kind != JOPAN_BOX_TEXT)
            continue;
          if (b->true_width > b->measure + 0.01)
            return describe (&l, "wider than its measure");
          if (b->x + support_hang_of (b) < style->margin[3] - 0.01 || b->x + b->true_width > right + 0.01)
            return describe (&l, "outside the type area");
          if (is_running (b)
              && (b->x + support_hang_of (b) < column_left (style, l.column) - 0.01
                  || b->x + b->true_width
                         > column_left (style, l.column) + column_width_of (style) + 0.01))
            return describe (&l, "outside its column");
        }
    }
  return NULL;
}

/* A column may end inside a body paragraph only after its second line and
 * before its last but one: @first TRUE finds a first line left alone at a
 * column's foot (an orphan), FALSE a last line alone at a head (a widow). */
static char *
check_paragraph_breaks (const GPtrArray *pages, const JopanStyle *style, gboolean first)
{
  g_autoptr (GArray) lines = running_lines (pages, style);

  for (guint i = 1; i < lines->len; i++)
    {
      const Placed *a = &g_array_index (lines, Placed, i - 1), *b = &g_array_index (lines, Placed, i);
      if (strcmp (b->box->role, "body") != 0 || strcmp (a->box->role, "body") != 0
          || a->box->para != b->box->para || same_column (a, b))
        continue;
      if (first && a->box->para_line == 0)
        return describe (a, "orphan");
      if (!first && b->box->para_line == b->box->para_lines - 1)
        return describe (b, "widow");
    }
  return NULL;
}

static char *
check_orphans (const GPtrArray *pages, const JopanStyle *style)
{
  return check_paragraph_breaks (pages, style, TRUE);
}

static char *
check_widows (const GPtrArray *pages, const JopanStyle *style)
{
  return check_paragraph_breaks (pages, style, FALSE);
}

/* Is @l the lowest running line of its column? */
static gboolean
at_column_foot (const GArray *lines, const Placed *l)
{
  for (guint i = 0; i < lines->len; i++)
    {
      const Placed *o = &g_array_index (lines, Placed, i);
      if (same_column (o, l) && o->box->y > l->box->y + 0.01)
        return FALSE;
    }
  return TRUE;
}

/* A subhead never ends a column, and the first two body lines after it
 * stand in its column. */
static char *
check_subhead_keeps (const GPtrArray *pages, const JopanStyle *style)
{
  g_autoptr (GArray) lines = running_lines (pages, style);

  for (guint i = 0; i < lines->len; i++)
    {
      const Placed *s = &g_array_index (lines, Placed, i);
      int kept = 0;

      if (strcmp (s->box->role, "subhead") != 0)
        continue;
      if (at_column_foot (lines, s))
        return describe (s, "subhead at a column's foot");
      for (guint j = i + 1; j < lines->len && kept < 2; j++)
        {
          const Placed *n = &g_array_index (lines, Placed, j);
          if (strcmp (n->box->role, "subhead") == 0)
            break;
          if (strcmp (n->box->role, "body") != 0)
            continue; /* a pull quote may wait for the next column */
          if (!same_column (n, s))
            return describe (n, "a subhead's first lines parted from it");
          kept++;
        }
    }
  return NULL;
}

/* All of a pull quote in one column of one page, unless it is longer than
 * half a column and runs like a paragraph. */
static char *
check_quotes (const GPtrArray *pages, const JopanStyle *style)
{
  g_autoptr (GArray) lines = running_lines (pages, style);
  double half = (style->page_height - style->margin[0] - style->margin[2]) / 2;

  for (guint i = 1; i < lines->len; i++)
    {
      const Placed *a = &g_array_index (lines, Placed, i - 1), *b = &g_array_index (lines, Placed, i);
      if (strcmp (a->box->role, "quote") == 0 && strcmp (b->box->role, "quote") == 0
          && a->box->para == b->box->para && !same_column (a, b)
          && a->box->para_lines * style->para[JOPAN_PARA_QUOTE].leading < half)
        return describe (b, "pull quote split");
    }
  return NULL;
}

/* The points of a running line above and below its baseline. */
static void
line_extent (const JopanBox *b, const JopanStyle *style, double *top, double *bottom)
{
  double size = 9;

  for (int k = 0; k < JOPAN_N_PARA; k++)
    if (strcmp (b->role, jopan_para_names[k]) == 0)
      size = style->para[k].size;
  *top = b->y - 0.8 * size;
  *bottom = b->y + 0.25 * size;
}

/* The foot of a photo's block: its frame, then the credit and caption
 * lines that follow it in its columns. */
static double
photo_block_foot (const JopanPage *page, const JopanBox *photo)
{
  double foot = photo->y + photo->h;
  gboolean grew = TRUE;

  while (grew)
    {
      grew = FALSE;
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *o = &g_array_index (page->boxes, JopanBox, i);
          if (o->kind == JOPAN_BOX_TEXT
              && (strcmp (o->role, "caption") == 0 || strcmp (o->role, "credit") == 0)
              && o->x >= photo->x - 0.01 && o->x < photo->x + photo->w
              && o->y > foot + 0.01 && o->y < foot + 14)
            foot = o->y + 2, grew = TRUE;
        }
    }
  return foot;
}

/* At least one grid line (less half a point) of air between running text
 * and a photo above or below it in the same columns. */
static char *
check_photo_clearance (const GPtrArray *pages, const JopanStyle *style)
{
  double air = style->baseline - 0.5;

  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *ph = &g_array_index (page->boxes, JopanBox, i);
          double foot;
          if (ph->kind != JOPAN_BOX_IMAGE)
            continue;
          foot = photo_block_foot (page, ph);
          for (guint j = 0; j < page->boxes->len; j++)
            {
              const JopanBox *b = &g_array_index (page->boxes, JopanBox, j);
              Placed l = { b, page->number, column_of (style, b->x) };
              double top, bottom;
              if (!is_running (b) || b->x >= ph->x + ph->w || b->x + b->true_width <= ph->x)
                continue;
              line_extent (b, style, &top, &bottom);
              if (b->y <= ph->y + 0.01 && bottom > ph->y - air)
                return describe (&l, "text within a grid line above a photo");
              if (b->y >= foot && top < foot + air)
                return describe (&l, "text within a grid line below a photo's caption");
            }
        }
    }
  return NULL;
}

/* The body lines of @column of @page below @top and above the next photo
 * there; *@last: the last of them. */
static guint
body_lines_below (const JopanPage *page, const JopanStyle *style, int column, double top,
                  const JopanBox **last)
{
  double left = column_left (style, column), end = G_MAXDOUBLE;
  guint n = 0;

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && b->x < left + 1 && b->x + b->w > left + 1 && b->y > top)
        end = MIN (end, b->y);
    }
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_TEXT && strcmp (b->role, "body") == 0
          && column_of (style, b->x) == column && b->y > top && b->y < end)
        n++, *last = b;
    }
  return n;
}

/* No column holds a single body line under a photo's caption: a photo
 * near the foot goes to the foot, or leaves two lines under it. */
static char *
check_photo_lines (const GPtrArray *pages, const JopanStyle *style)
{
  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *ph = &g_array_index (page->boxes, JopanBox, i);
          double foot;
          if (ph->kind != JOPAN_BOX_IMAGE)
            continue;
          foot = photo_block_foot (page, ph);
          for (int c = column_of (style, ph->x); c < style->columns
                                                 && column_left (style, c) < ph->x + ph->w - 1; c++)
            {
              const JopanBox *last = NULL;
              if (body_lines_below (page, style, c, foot, &last) == 1)
                {
                  Placed l = { last, page->number, c };
                  return describe (&l, "a single body line under a photo");
                }
            }
        }
    }
  return NULL;
}

/* The last running line of @column of @page above photo @ph, below any
 * other photo's block there (NULL: none). */
static const JopanBox *
last_line_above (const JopanPage *page, const JopanStyle *style, int column, const JopanBox *ph)
{
  double left = column_left (style, column), barrier = -1;
  const JopanBox *last = NULL;

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *o = &g_array_index (page->boxes, JopanBox, i);
      if (o != ph && o->kind == JOPAN_BOX_IMAGE && o->x < left + 1 && o->x + o->w > left + 1
          && o->y < ph->y)
        barrier = MAX (barrier, photo_block_foot (page, o));
    }
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (is_running (b) && column_of (style, b->x + support_hang_of (b)) == column
          && b->y < ph->y && b->y > barrier && (last == NULL || b->y > last->y))
        last = b;
    }
  return last;
}

/* The text above a photo across columns ends within a line in each of
 * them: the photo stands under an even block, never under one column
 * that runs on to it and one that stops lines short (a hole). */
static char *
check_even_above_photos (const GPtrArray *pages, const JopanStyle *style)
{
  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *ph = &g_array_index (page->boxes, JopanBox, i);
          const JopanBox *high = NULL, *low = NULL;
          int c0 = column_of (style, ph->x), empty = -1;
          if (ph->kind != JOPAN_BOX_IMAGE)
            continue;
          for (int c = c0; c < style->columns && column_left (style, c) < ph->x + ph->w - 1; c++)
            {
              const JopanBox *last = last_line_above (page, style, c, ph);
              if (last == NULL)
                empty = c;
              else if (high == NULL || last->y < high->y)
                high = last;
              if (last && (low == NULL || last->y > low->y))
                low = last;
            }
          if (high && empty >= 0)
            {
              Placed l = { low, page->number, column_of (style, low->x + support_hang_of (low)) };
              g_autofree char *what = g_strdup_printf ("column %d empty above a photo its text "
                                                       "runs on to", empty + 1);
              return describe (&l, what);
            }
          if (high && low->y - high->y > style->baseline + 0.5)
            {
              Placed l = { high, page->number, column_of (style, high->x + support_hang_of (high)) };
              g_autofree char *what = g_strdup_printf ("text above a photo ends %.1f lines short "
                                                       "of its neighbour's",
                                                       (low->y - high->y) / style->baseline);
              return describe (&l, what);
            }
        }
    }
  return NULL;
}

/* Is there a photo in @column of @page above @y? */
static gboolean
photo_above (const JopanPage *page, const JopanStyle *style, int column, double y)
{
  double left = column_left (style, column);

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && b->x < left + 1 && b->x + b->w > left + 1 && b->y < y)
        return TRUE;
    }
  return FALSE;
}

/* The top of running line @b on @page: a pull quote's is its rule above
 * it (a quote heading a column starts there, as the body beside it). */
static double
running_top (const JopanPage *page, const JopanStyle *style, const JopanBox *b)
{
  double top, bottom;

  line_extent (b, style, &top, &bottom);
  if (strcmp (b->role, "quote") != 0)
    return top;
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *r = &g_array_index (page->boxes, JopanBox, i);
      if (r->kind == JOPAN_BOX_RULE && fabs (r->x - (b->x + support_hang_of (b))) < 1
          && r->y < b->y && r->y > b->y - 2 * style->para[JOPAN_PARA_QUOTE].leading)
        top = MIN (top, r->y);
    }
  return top;
}

/* Reading order: the text runs down a column and on at the top of the
 * next column to the right (or the first column of the next page); on
 * each page every column's text starts at one top line, unless a photo
 * stands above it, and no column starts above the one before it.  Pull
 * quotes are display type and may float. */
static char *
check_reading_order (const GPtrArray *pages, const JopanStyle *style)
{
  g_autoptr (GArray) lines = running_lines (pages, style);
  const Placed *prev = NULL;

  for (guint i = 0; i < lines->len; i++)
    {
      const Placed *l = &g_array_index (lines, Placed, i);
      if (strcmp (l->box->role, "quote") == 0)
        continue;
      if (prev && !same_column (prev, l)
          && !(l->page == prev->page && l->column == prev->column + 1)
          && !(l->page > prev->page && l->column == 0))
        return describe (l, "the text jumps from another column than the one to its left");
      prev = l;
    }
  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      double first[JOPAN_MAX_COLUMNS], top_line = G_MAXDOUBLE;
      const Placed *at[JOPAN_MAX_COLUMNS] = { NULL };

      for (guint i = 0; i < lines->len; i++)
        {
          const Placed *l = &g_array_index (lines, Placed, i);
          double top;
          if (l->page != page->number || l->column < 0 || l->column >= JOPAN_MAX_COLUMNS)
            continue;
          top = running_top (page, style, l->box);
          if (at[l->column] == NULL || top < first[l->column])
            at[l->column] = l, first[l->column] = top;
        }
      for (int c = 0; c < JOPAN_MAX_COLUMNS; c++)
        if (at[c] && !photo_above (page, style, c, first[c]))
          top_line = MIN (top_line, first[c]);
      for (int c = 0; c < JOPAN_MAX_COLUMNS; c++)
        if (at[c] && !photo_above (page, style, c, first[c])
            && first[c] > top_line + style->baseline + 0.01)
          return describe (at[c], "a column starts below the story's top line");
      /* No dog-leg: a later column never starts above an earlier one (the
       * story's opening under a photo, its middle beside it). */
      for (int c = 0, last = -1; c < JOPAN_MAX_COLUMNS; c++)
        if (at[c])
          {
            if (last >= 0 && first[c] < first[last] - style->baseline / 2)
              return describe (at[c], "dog-leg: a later column starts above an earlier one");
            last = c;
          }
    }
  return NULL;
}

/* "Continued on page N" names a page of the story that opens with
 * "Continued from page M", M the page it came from; each page the story
 * leaves has the line. */
static char *
check_jumps (const GPtrArray *pages, const JopanStyle *style)
{
  (void) style;
  for (guint p = 0; p < pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (pages, p);
      gboolean has_on = FALSE;
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
          g_autofree char *text = NULL;
          int on = 0;
          if (b->kind != JOPAN_BOX_TEXT || strcmp (b->role, "jump") != 0)
            continue;
          text = line_text (b);
          if (sscanf (text, "Continued on page %d", &on) != 1
              && !(g_str_has_suffix (text, "면에 계속") && sscanf (text, "%d", &on) == 1))
            continue;
          has_on = TRUE;
          if (p + 1 >= pages->len)
            return g_strdup_printf ("jump to page %d from the story's last page %d", on, page->number);
          {
            const JopanPage *next = g_ptr_array_index (pages, p + 1);
            g_autofree char *from = g_strdup_printf ("Continued from page %d", page->number);
            g_autofree char *from_ko = g_strdup_printf ("%d면에서 계속", page->number);
            gboolean found = FALSE;
            if (next->number != on)
              return g_strdup_printf ("page %d jumps to page %d, the story goes on on page %d",
                                      page->number, on, next->number);
            for (guint j = 0; j < next->boxes->len; j++)
              {
                const JopanBox *o = &g_array_index (next->boxes, JopanBox, j);
                g_autofree char *t = o->kind == JOPAN_BOX_TEXT ? line_text (o) : NULL;
                found = found || (t && (strcmp (t, from) == 0 || strcmp (t, from_ko) == 0));
              }
            if (!found)
              return g_strdup_printf ("page %d has no \"%s\"", next->number, from);
          }
        }
      if (!has_on && p + 1 < pages->len)
        return g_strdup_printf ("page %d has no jump line to page %d", page->number,
                                ((const JopanPage *) g_ptr_array_index (pages, p + 1))->number);
    }
  return NULL;
}

/* The air under the header (support_check_header_air()). */
static char *
check_header_air (const GPtrArray *pages, const JopanStyle *style)
{
  for (guint p = 0; p < pages->len; p++)
    {
      char *wrong = support_check_header_air (g_ptr_array_index (pages, p), style);
      if (wrong)
        return wrong;
    }
  return NULL;
}

typedef char *(*Check) (const GPtrArray *pages, const JopanStyle *style);

static const struct {
  const char *name;
  Check check;
} checks[] = {
  { "overflow", check_overflow },
  { "orphans", check_orphans },
  { "widows", check_widows },
  { "subhead-keeps", check_subhead_keeps },
  { "quotes", check_quotes },
  { "photo-lines", check_photo_lines },
  { "photo-clearance", check_photo_clearance },
  { "even-above-photos", check_even_above_photos },
  { "reading-order", check_reading_order },
  { "jumps", check_jumps },
  { "header-air", check_header_air },
};

static void
check_story_rules (const GPtrArray *pages, const JopanStyle *style)
{
  for (gsize i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autofree char *broken = checks[i].check (pages, style);
      if (broken)
        g_error ("%s: %s", checks[i].name, broken);
    }
}

/* How far apart the last page's column feet are, in points. */
static int
last_page_spread (const JopanPage *page)
{
  double lowest = G_MAXDOUBLE, highest = 0;

  for (int c = 0; c < page->n_columns; c++)
    if (page->columns[c].lines > 0 || page->columns[c].bottom > 0)
      {
        lowest = MIN (lowest, page->columns[c].bottom);
        highest = MAX (highest, page->columns[c].bottom);
      }
  return page->n_columns ? (int) lround (highest - lowest) : 0;
}

/* ---- the golden dump -------------------------------------------------------- */

static char *
dump (const JopanDocument *doc)
{
  GString *out = g_string_new (NULL);
  g_autofree char *report = jopan_document_report_json (doc);

  for (guint i = 0; i < doc->pages->len; i++)
    jopan_page_dump (g_ptr_array_index (doc->pages, i), out);
  /* The report: overset, underset, what copyfit changed, columns, findings. */
  g_string_append_printf (out, "report %s\n", report);
  return g_string_free (out, FALSE);
}

/* Lays out tests/layouts/@name.json with its args; sets *@style. */
static JopanDocument *
lay_out_case (const char *name, JopanFonts *fonts, JopanStyle **style, JopanArticle **article)
{
  g_autofree char *json = g_strdup_printf ("%s.json", name);
  g_autofree char *args_path = g_strdup_printf ("%s.args", name);
  g_autofree char *args = NULL;
  g_autoptr (GError) error = NULL;
  JopanLayoutOptions options = { 0 };
  JopanDocument *doc;

  *style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_assert_no_error (error);
  *article = jopan_article_load (json, &error);
  g_assert_no_error (error);
  if (g_file_get_contents (args_path, &args, NULL, NULL))
    apply_args (args, style, &options);
  doc = jopan_document_new_full (fonts, *style, *article, &options, &error);
  g_assert_no_error (error);
  return doc;
}

static void
test_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *expected_path = g_strdup_printf ("%s.expected", name);
  g_autofree char *expected = NULL, *actual = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = NULL;
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanDocument) doc = NULL;

  JopanStyle as_set;

  g_assert_no_error (error);
  doc = lay_out_case (name, fonts, &style, &article);
  /* The rules hold on the grid the story was set on: a Korean story's
   * ([page:ko]). */
  jopan_style_resolve (style, jopan_article_get_lang (article), jopan_article_get_lang (article), &as_set);
  for (guint i = 0; i < doc->pages->len; i++)
    check_page_rules (g_ptr_array_index (doc->pages, i), &as_set);
  check_story_rules (doc->pages, &as_set);
  /* Within one line on the samples (tests/grid_pdf.py); keeps and slots
   * can leave two here.  In "keeps" (a subhead every few lines, each kept
   * with two lines, no widows or orphans) no choice of column breaks
   * leaves less than three since justification sets its lines tighter:
   * an exhaustive search over the breaks its keeps allow finds feet
   * 33, 30, 33, 33 bands at best. */
  g_assert_cmpint (last_page_spread (g_ptr_array_index (doc->pages, doc->pages->len - 1)), <=,
                   (strcmp (name, "keeps") == 0 ? 3 : 2) * as_set.baseline + 0.5);

  actual = dump (doc);
  if (g_getenv ("JOPAN_REGENERATE"))
    g_assert_true (g_file_set_contents (expected_path, actual, -1, NULL));
  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
  if (strcmp (expected, actual) != 0)
    {
      g_autofree char *actual_path = g_strdup_printf ("%s/%s.actual", g_get_tmp_dir (), name);
      g_file_set_contents (actual_path, actual, -1, NULL);
      g_error ("%s: the layout differs from %s; the new one is in %s", name, expected_path,
               actual_path);
    }
}

/* ---- the checks can fail: real layouts, one rule broken on purpose ------------ */

typedef struct {
  JopanFonts *fonts;
  JopanStyle *style;
  JopanArticle *article;
  JopanDocument *doc;
  JopanPage *page;              /* page 1 */
} Mutant;

static void
mutant_init (Mutant *m, const char *name)
{
  g_autoptr (GError) error = NULL;

  m->fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_assert_no_error (error);
  m->doc = lay_out_case (name, m->fonts, &m->style, &m->article);
  m->page = g_ptr_array_index (m->doc->pages, 0);
  /* Every rule holds before the mutation. */
  check_story_rules (m->doc->pages, m->style);
}

static void
mutant_clear (Mutant *m)
{
  jopan_document_free (m->doc);
  jopan_article_free (m->article);
  jopan_style_free (m->style);
  jopan_fonts_free (m->fonts);
}

static JopanBox *
find_line (const Mutant *m, const char *role, int para, int line)
{
  for (guint i = 0; i < m->page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m->page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_TEXT && strcmp (b->role, role) == 0 && b->para == para
          && b->para_line == line)
        return b;
    }
  return NULL;
}

/* The first line of @role on page 1 that is line @line (from the end if
 * negative) of a paragraph of @min_lines or more, in a column from
 * @min_column to @max_column, with its neighbour @next (±1) in the same column. */
static JopanBox *
pick_line (const Mutant *m, const char *role, int line, int min_lines, int min_column,
           int max_column, int next)
{
  for (guint i = 0; i < m->page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m->page->boxes, JopanBox, i);
      int c = column_of (m->style, b->x);
      const JopanBox *n;
      if (b->kind != JOPAN_BOX_TEXT || strcmp (b->role, role) != 0 || b->para_lines < min_lines
          || b->para_line != (line >= 0 ? line : b->para_lines + line) || c < min_column
          || c > max_column)
        continue;
      n = find_line (m, role, b->para, b->para_line + next);
      if (next == 0 || (n && column_of (m->style, n->x) == c))
        return b;
    }
  g_error ("no %s line to mutate", role);
}

/* Moves @b to the head (or the foot) of grid column @column on page 1. */
static void
move_line (const Mutant *m, JopanBox *b, int column, gboolean head)
{
  double top = G_MAXDOUBLE, foot = 0;

  for (guint i = 0; i < m->page->boxes->len; i++)
    {
      const JopanBox *o = &g_array_index (m->page->boxes, JopanBox, i);
      if (is_running (o) && column_of (m->style, o->x) == column)
        top = MIN (top, o->y), foot = MAX (foot, o->y);
    }
  g_assert_cmpfloat (foot, >, 0);
  b->x += column_left (m->style, column) - column_left (m->style, column_of (m->style, b->x));
  b->y = head ? top - m->style->baseline : foot + m->style->baseline;
}

static void
assert_fails (const Mutant *m, Check check, const char *expected)
{
  g_autofree char *broken = check (m->doc->pages, m->style);

  g_assert_nonnull (broken);
  g_test_message ("the check fails as it should: %s", broken);
  g_assert_nonnull (strstr (broken, expected));
}

static void
test_mutant_widow (void)
{
  Mutant m;
  JopanBox *b;

  mutant_init (&m, "keeps");
  /* A paragraph's last line moved alone to the head of the next column. */
  b = pick_line (&m, "body", -1, 3, 0, m.style->columns - 2, -1);
  move_line (&m, b, column_of (m.style, b->x) + 1, TRUE);
  assert_fails (&m, check_widows, "widow");
  mutant_clear (&m);
}

static void
test_mutant_orphan (void)
{
  Mutant m;
  JopanBox *b;

  mutant_init (&m, "keeps");
  /* A paragraph's first line moved alone to the foot of the column before. */
  b = pick_line (&m, "body", 0, 3, 1, m.style->columns - 1, 1);
  move_line (&m, b, column_of (m.style, b->x) - 1, FALSE);
  assert_fails (&m, check_orphans, "orphan");
  mutant_clear (&m);
}

static void
test_mutant_subhead_foot (void)
{
  Mutant m;
  JopanBox *b;

  mutant_init (&m, "keeps");
  b = pick_line (&m, "subhead", 0, 1, 1, m.style->columns - 1, 0);
  move_line (&m, b, column_of (m.style, b->x) - 1, FALSE);
  assert_fails (&m, check_subhead_keeps, "subhead at a column's foot");
  mutant_clear (&m);
}

static void
test_mutant_subhead_parted (void)
{
  Mutant m;
  JopanBox *s, *b;

  mutant_init (&m, "keeps");
  /* The subhead stays; the first line after it goes to the next column's
   * head (the paragraph is long, so no orphan or widow hides the keep). */
  s = pick_line (&m, "subhead", 0, 1, 0, m.style->columns - 2, 0);
  b = find_line (&m, "body", s->para + 1, 0);
  g_assert_nonnull (b);
  move_line (&m, b, column_of (m.style, s->x) + 1, TRUE);
  assert_fails (&m, check_subhead_keeps, "parted");
  mutant_clear (&m);
}

static void
test_mutant_split_quote (void)
{
  Mutant m;
  JopanBox *b;
  int c;

  mutant_init (&m, "quote");
  b = pick_line (&m, "quote", -1, 2, 0, m.style->columns - 1, -1);
  c = column_of (m.style, b->x);
  move_line (&m, b, c + 1 < m.style->columns ? c + 1 : c - 1, c + 1 < m.style->columns);
  assert_fails (&m, check_quotes, "pull quote split");
  mutant_clear (&m);
}

static void
test_mutant_wide_line (void)
{
  Mutant m;
  JopanBox *b;

  mutant_init (&m, "keeps");
  b = pick_line (&m, "body", 1, 3, 0, m.style->columns - 1, 0);
  b->true_width = b->measure + 2;
  assert_fails (&m, check_overflow, "wider than its measure");
  mutant_clear (&m);
}

static void
test_mutant_line_out_of_column (void)
{
  Mutant m;
  JopanBox *b;

  mutant_init (&m, "keeps");
  /* A justified line as wide as its measure, drawn 3 pt to the right. */
  b = pick_line (&m, "body", 1, 3, 0, m.style->columns - 1, 0);
  b->x += 3;
  assert_fails (&m, check_overflow, "outside its column");
  mutant_clear (&m);
}

/* A photo at the foot of its columns, with text above it: the lowest
 * running line above it moved down to touch it (2 pt of air). */
static void
test_mutant_photo_clearance (void)
{
  Mutant m;
  JopanBox *photo = NULL, *above = NULL;

  mutant_init (&m, "photos-foot");
  for (guint i = 0; i < m.page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m.page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && (photo == NULL || b->y > photo->y))
        photo = b;
    }
  g_assert_nonnull (photo);
  for (guint i = 0; i < m.page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m.page->boxes, JopanBox, i);
      if (is_running (b) && strcmp (b->role, "body") == 0 && fabs (b->x - photo->x) < 1
          && b->y < photo->y && (above == NULL || b->y > above->y))
        above = b;
    }
  g_assert_nonnull (above);
  above->y = photo->y - 2 - 0.25 * m.style->para[JOPAN_PARA_BODY].size;
  assert_fails (&m, check_photo_clearance, "above a photo");
  mutant_clear (&m);
}

/* The band of air between the header and the text under it paid again
 * (as a photo there needs it, the text does not): the byline and the
 * text a grid line lower. */
static void
test_mutant_header_air_text (void)
{
  Mutant m;

  mutant_init (&m, "weight-brief");
  for (guint i = 0; i < m.page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m.page->boxes, JopanBox, i);
      if (is_running (b))
        b->y += m.style->baseline;
    }
  assert_fails (&m, check_header_air, "a grid line more than");
  mutant_clear (&m);
}

/* The lead photo under the deck without its band of air: moved up a
 * grid line. */
static void
test_mutant_header_air_photo (void)
{
  Mutant m;
  JopanBox *photo = NULL;

  mutant_init (&m, "harbour-page");
  for (guint i = 0; i < m.page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m.page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && (photo == NULL || b->y < photo->y))
        photo = b;
    }
  g_assert_nonnull (photo);
  photo->y -= m.style->baseline;
  assert_fails (&m, check_header_air, "less than a grid line of air");
  mutant_clear (&m);
}

/* The lowest photo on page 1 spanning columns, with text above it in
 * each: its first column's last two lines moved up two lines (the
 * column stops short of the photo while the next runs on to it). */
static void
test_mutant_even_above_photos (void)
{
  Mutant m;
  JopanBox *photo = NULL;
  JopanStyle as_set;
  int c;

  mutant_init (&m, "photo-above-ko");
  for (guint i = 0; i < m.page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m.page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && b->w > column_width_of (m.style) + 1
          && (photo == NULL || b->y > photo->y))
        photo = b;
    }
  g_assert_nonnull (photo);
  jopan_style_resolve (m.style, "ko", "ko", &as_set);
  g_assert_null (check_even_above_photos (m.doc->pages, &as_set));
  c = column_of (&as_set, photo->x);
  for (int k = 0; k < 2; k++)
    {
      JopanBox *last = (JopanBox *) last_line_above (m.page, &as_set, c, photo);
      g_assert_nonnull (last);
      last->y -= 2 * as_set.baseline;
    }
  {
    g_autofree char *broken = check_even_above_photos (m.doc->pages, &as_set);
    g_assert_nonnull (broken);
    g_test_message ("the check fails as it should: %s", broken);
    g_assert_nonnull (strstr (broken, "2.0 lines short of its neighbour's"));
  }
  mutant_clear (&m);
}

/* The flow as it was, blind to the white above a photo and never moving
 * one: the text above the photo ends lines short in one of its columns
 * (a subhead kept with its lines waits for the next page; the balance
 * counted the photo's foot as its columns'). */
static void
test_old_flow_uneven_above_photos (void)
{
  static const char *const cases[] = { "photo-above-ko", "harbour-page" };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
      g_autoptr (JopanStyle) style = NULL;
      g_autoptr (JopanArticle) article = NULL;
      g_autoptr (JopanDocument) doc = NULL;
      g_autofree char *broken = NULL;
      JopanStyle as_set;

      jopan_flow_blind_above_photos = TRUE;
      jopan_flow_even_photos = FALSE;
      doc = lay_out_case (cases[i], fonts, &style, &article);
      jopan_flow_blind_above_photos = FALSE;
      jopan_flow_even_photos = TRUE;
      jopan_style_resolve (style, jopan_article_get_lang (article),
                           jopan_article_get_lang (article), &as_set);
      broken = check_even_above_photos (doc->pages, &as_set);
      g_assert_nonnull (broken);
      g_test_message ("%s, flowed as before: %s", cases[i], broken);
    }
}

/* Moves every running line of @column on page 1 by @dx, @dy. */
static void
shift_column (const Mutant *m, int column, double dx, double dy)
{
  for (guint i = 0; i < m->page->boxes->len; i++)
    {
      JopanBox *b = &g_array_index (m->page->boxes, JopanBox, i);
      if (is_running (b) && column_of (m->style, b->x) == column)
        b->x += dx, b->y += dy;
    }
}

/* The second column's text starts two lines below the first's. */
static void
test_mutant_column_top (void)
{
  Mutant m;

  mutant_init (&m, "weight-secondary");
  shift_column (&m, 1, 0, 2 * m.style->baseline);
  assert_fails (&m, check_reading_order, "starts below the story's top line");
  mutant_clear (&m);
}

/* The opening column moved down under a (pretend) photo while the next
 * starts at the top: the dog-leg of issue 8. */
static void
test_mutant_dog_leg (void)
{
  Mutant m;

  mutant_init (&m, "weight-lead-short");
  shift_column (&m, 0, 0, 6 * m.style->baseline);
  assert_fails (&m, check_reading_order, "dog-leg");
  mutant_clear (&m);
}

/* The first two columns swapped: the text runs right to left. */
static void
test_mutant_column_order (void)
{
  Mutant m;
  double step;

  mutant_init (&m, "weight-secondary");
  step = column_width_of (m.style) + m.style->gutter;
  shift_column (&m, 0, 100 * step, 0);
  shift_column (&m, 1, -step, 0);
  shift_column (&m, 100, -99 * step, 0);
  assert_fails (&m, check_reading_order, "jumps from another column");
  mutant_clear (&m);
}

/* The continuation page numbered otherwise than its jump line says. */
static void
test_mutant_jump (void)
{
  Mutant m;

  mutant_init (&m, "weight-lead-long");
  g_assert_cmpuint (m.doc->pages->len, ==, 2);
  ((JopanPage *) g_ptr_array_index (m.doc->pages, 1))->number = 5;
  assert_fails (&m, check_jumps, "jumps to page 2");
  mutant_clear (&m);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A block's findings are reported under its body line: a hieroglyph no
 * bundled font has, in the paragraph on line 123. */
static void
test_body_line_name (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) json = g_string_new ("{\"headline\": \"H\", \"body\": \"");
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  gboolean found = FALSE;

  g_assert_no_error (error);
  for (int i = 0; i < 61; i++)
    g_string_append (json, "A paragraph.\\n\\n");
  g_string_append (json, "A hieroglyph \xF0\x93\x80\x80 here.\"}");
  article = jopan_article_load_from_data (json->str, -1, "lines.json", ".", &error);
  g_assert_no_error (error);
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < jopan_document_get_n_findings (doc); i++)
    {
      const char *kind;
      const char *message = jopan_document_get_finding (doc, i, &kind);
      g_test_message ("%s: %s", kind, message);
      found |= g_str_equal (kind, "missing-glyph")
               && strstr (message, "lines.json: body line 123: no bundled font") != NULL;
    }
  g_assert_true (found);
}

int
main (int argc, char **argv)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *file;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (g_chdir (LAYOUTS) == 0);
  dir = g_dir_open (".", 0, NULL);
  while ((file = g_dir_read_name (dir)))
    if (g_str_has_suffix (file, ".json"))
      g_ptr_array_add (names, g_strndup (file, strlen (file) - 5));
  g_ptr_array_sort (names, by_name);
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/layout/%s", (char *) g_ptr_array_index (names, i));
      g_test_add_data_func (path, g_ptr_array_index (names, i), test_case);
    }
  g_test_add_func ("/rules/widow", test_mutant_widow);
  g_test_add_func ("/rules/orphan", test_mutant_orphan);
  g_test_add_func ("/rules/subhead-foot", test_mutant_subhead_foot);
  g_test_add_func ("/rules/subhead-parted", test_mutant_subhead_parted);
  g_test_add_func ("/rules/split-quote", test_mutant_split_quote);
  g_test_add_func ("/rules/wide-line", test_mutant_wide_line);
  g_test_add_func ("/rules/line-out-of-column", test_mutant_line_out_of_column);
  g_test_add_func ("/rules/photo-clearance", test_mutant_photo_clearance);
  g_test_add_func ("/rules/even-above-photos", test_mutant_even_above_photos);
  g_test_add_func ("/rules/even-above-photos-old-flow", test_old_flow_uneven_above_photos);
  g_test_add_func ("/rules/column-top", test_mutant_column_top);
  g_test_add_func ("/rules/column-order", test_mutant_column_order);
  g_test_add_func ("/rules/dog-leg", test_mutant_dog_leg);
  g_test_add_func ("/rules/jump", test_mutant_jump);
  g_test_add_func ("/rules/header-air-text", test_mutant_header_air_text);
  g_test_add_func ("/rules/header-air-photo", test_mutant_header_air_photo);
  g_test_add_func ("/layout-names/body-line", test_body_line_name);
  return g_test_run ();
}
