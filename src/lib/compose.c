/* compose.c — a page of several stories and fixed boxes: the solver.
 *
 * A page is a set of rectangular modules on the column grid, under one
 * folio.  Fixed boxes (ads) and stories with a fixed "slot" keep theirs;
 * the other stories share the largest free rectangle.  The solver
 * enumerates candidate module layouts from the order of the stories (the
 * first is the lead), lays every story out in its module with story
 * layout, ranks them by cost, lays the best three out again with copyfit
 * on, and keeps the one of least cost:
 *
 *   empty        2  per empty column-band (a line of one column)
 *   overset      4  per line that did not fit (0.5 for a story that jumps:
 *                   its rest continues elsewhere; 40 for a brief, which a
 *                   reader expects whole), 60 per photo left out
 *   collisions   40 per pair of headlines side by side at the same height
 *                (10 when one is a brief: its small headline does not
 *                read on into the other's, and a row of briefs is common)
 *   photos       0.5 per column-band the lead photo is short of its shape
 *   prominence   30 when the lead does not start at the top,
 *                30 for each story wider than the lead or larger in area
 *   front        10 per line, in each of its columns, that a lead whose text
 *                goes on elsewhere is short of a good block of body on its
 *                module (a third of the module's depth, at most 10 lines);
 *                60 when the lead's photo is left off its module
 *   legs         10 per line a secondary story spread over several columns
 *                is short of legs of 6 lines a column (a strip of a
 *                headline over two lines a column reads as a hole)
 *   headlines    40 per line a headline takes beyond 3 (a brief's beyond
 *                2) in a module too narrow for it even at the smallest
 *                size: a brief's tall headline over a few lines in one
 *                column; 5 per point a headline is set below 9/10 of
 *                its size to keep it to 3 lines (a "headline" finding: a
 *                lead's long head in 3 columns, set as a secondary's,
 *                rather than across the page)
 *   copyfit      40 per point copyfit moves a story's body size: a page's
 *                stories keep one body size where modules allow
 *
 * Modules touch: a hairline runs in the gutter between side-by-side
 * modules, and in a band of air at the foot of a module with another
 * below it.  Story layout is a pure function of (story, style, module), so
 * the results are cached by module and reused by every candidate.
 */
#include "compose-private.h"
#include "layout-private.h"
#include "json-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#define MAX_STORIES 6
#define MAX_MODULES (MAX_STORIES + 16)
/* The candidates laid out again with copyfit, best first. */
#define FITTED_CANDIDATES 3
/* The fewest bands a story under the lead may have. */
#define MIN_DEPTH 8
/* The most bands a continued story may take on the page that carries
 * it (a band of air under it, and room for a story of the page's own):
 * what goes beyond is the story's overset. */
#define CARRIED_MAX_BANDS(c) ((c)->bands - MIN_DEPTH - 1)

#define COST_EMPTY 2.0
#define COST_OVERSET_LINE 4.0
#define COST_JUMP_LINE 0.5
#define COST_BRIEF_LINE 40.0
#define COST_OVERSET_PHOTO 60.0
#define COST_COLLISION 40.0
#define COST_BRIEF_COLLISION 10.0
#define COST_PHOTO_BAND 0.5
#define COST_PROMINENCE 30.0
#define COST_FRONT_LINE 10.0
#define COST_LEAD_PHOTO_OFF 60.0
#define COST_LEG_LINE 10.0
#define COST_HEADLINE_LINE 40.0
#define COST_HEADLINE_POINT 5.0
#define COST_SIZE_POINT 40.0
/* The shallowest legs of a secondary story over several columns. */
#define LEG_LINES 6
/* The body a secondary story that does not fit shows at least (some 3
 * inches), else the solver tries leaving a story off. */
#define BODY_LINES 18
/* A good block of a lead's body on its module: a third of its depth, at
 * most this many lines a column. */
#define FRONT_LINES 10

gboolean jopan_compose_narrow_briefs;
gboolean jopan_compose_no_tight;
gboolean jopan_compose_no_fill;

gboolean
jopan_module_overlaps (const JopanModule *a, const JopanModule *b)
{
  return a->column < b->column + b->columns && b->column < a->column + a->columns
         && a->top < b->top + b->depth && b->top < a->top + a->depth;
}

/* Two story modules whose headlines would sit side by side: the same top,
 * touching at a gutter. */
static gboolean
side_by_side (const JopanModule *a, const JopanModule *b)
{
  return a->top == b->top
         && (a->column + a->columns == b->column || b->column + b->columns == a->column);
}

void
jopan_compose_cost (const JopanModuleFit *fits, guint n, int area, JopanComposeCost *cost)
{
  int covered = 0, top = G_MAXINT;

  *cost = (JopanComposeCost) { 0 };
  for (guint i = 0; i < n; i++)
    {
      const JopanModuleFit *f = &fits[i];
      covered += f->module.columns * f->module.depth;
      cost->empty += COST_EMPTY * f->underset;
      cost->overset += (f->jumps ? COST_JUMP_LINE : f->brief ? COST_BRIEF_LINE : COST_OVERSET_LINE)
                           * f->overset_lines
                       + COST_OVERSET_PHOTO * f->overset_photos;
      cost->photos += COST_PHOTO_BAND * f->photo_lost;
      cost->front += COST_FRONT_LINE * f->front_short * f->module.columns
                     + (f->lead_photo_off ? COST_LEAD_PHOTO_OFF : 0);
      cost->legs += COST_LEG_LINE * f->legs_short;
      cost->copyfit += COST_SIZE_POINT * fabs (f->size_change);
      cost->headlines += COST_HEADLINE_LINE * f->headline_over
                         + COST_HEADLINE_POINT * f->headline_small;
      if (f->is_box || f->off)
        continue;
      top = MIN (top, f->module.top);
      for (guint j = i + 1; j < n; j++)
        if (!fits[j].is_box && !fits[j].off && side_by_side (&f->module, &fits[j].module))
          cost->collisions += f->brief || fits[j].brief ? COST_BRIEF_COLLISION : COST_COLLISION;
      if (i > 0 && (f->module.columns > fits[0].module.columns
                    || f->module.columns * f->module.depth
                           > fits[0].module.columns * fits[0].module.depth))
        cost->prominence += COST_PROMINENCE;
    }
  if (n > 0 && fits[0].module.top > top)
    cost->prominence += COST_PROMINENCE;
  cost->empty += COST_EMPTY * MAX (0, area - covered);
  cost->total = cost->empty + cost->overset + cost->collisions + cost->photos + cost->prominence
                + cost->front + cost->legs + cost->headlines + cost->copyfit;
}

/* ---- the composer ---------------------------------------------------------------- */

typedef struct {
  const JopanPageStory *entry;
  int index;                    /* in the plan */
  JopanWeight weight;
  int need;                     /* estimated column-bands */
  int natural_depth;            /* bands across the whole region */
  int lines;                    /* its body lines in one column, about */
  gboolean fixed;
  JopanModule module;           /* when fixed */
} Story;

typedef struct {
  char name[64];
  JopanModule modules[MAX_STORIES]; /* the solver's stories, in order */
  guint order;                  /* as enumerated: ties keep the earlier */
  JopanComposeCost rough;       /* without copyfit */
  gboolean fitted;              /* laid out again with copyfit */
} Candidate;

/* Candidates by their cost without copyfit, ties in their order. */
static int
by_rough_cost (gconstpointer a, gconstpointer b)
{
  const Candidate *x = *(Candidate *const *) a, *y = *(Candidate *const *) b;

  if (x->rough.total != y->rough.total)
    return x->rough.total < y->rough.total ? -1 : 1;
  return (int) x->order - (int) y->order;
}

/* A layout without copyfit (the cache's) and its module's top. */
typedef struct {
  const LayoutResult *result;
  int top;
} Placed;

/* What a story as built leaves empty in its module. */
typedef struct {
  int lines;                    /* column lines under its text (its underset) */
  int across;                   /* bands empty in every column, under its text */
  int top;                      /* the first of those bands on the grid */
  double per_line;              /* its body's words in one column line, about */
} Short;

typedef struct {
  JopanFonts *fonts;
  const JopanStyle *style;
  const JopanPagePlan *plan;
  const JopanLayoutOptions *options;
  int columns, bands, folio_bands;
  Story stories[MAX_STORIES];
  guint n_stories;
  JopanModule boxes[MAX_MODULES]; /* the plan's boxes, in its order */
  guint n_boxes;
  JopanModule region;           /* where the unfixed stories go */
  JopanModule beside[4];        /* beside the foot boxes, the top boxes, fixed modules
                                 * (columns 0: none): each takes one of the last stories */
  GHashTable *cache;            /* LayoutKey → LayoutResult* */
  GHashTable *shapes;           /* LayoutKey (column, top, copyfit 0) → Placed*: the
                                 * first laid out so, without copyfit */
  JopanTypesetCache *texts;     /* the stories' texts as set, in any module */
  LayoutMemo *memo;             /* the stories' attempts measured, in any module */
  GHashTable *font_names;       /* the stories' fonts at the sizes their fits set */
  GPtrArray *candidates;        /* of Candidate* */
  const char *only;             /* tests: keep the candidates whose name has it */
  guint overset_lines, overset_chars; /* the page's stories', for the report */
  GString *overset_names;       /* "a.json (85 lines), b.json (67 lines)" */
  Short shorts[MAX_STORIES];    /* each story as built: what it leaves empty (build_story) */
  JopanReport *report;          /* the document's */
  GPtrArray *carried_in;        /* editions: JopanCarried* at the top, after the plan's boxes */
  GPtrArray *carried_out;       /* editions: where a jumped story's continuation goes */
} Composer;

static void
result_free (gpointer p)
{
  jopan_layout_result_clear (p);
  g_free (p);
}

static guint
count_words (const JopanArticle *a)
{
  guint words = 0;

  for (guint i = 0; i < a->blocks->len; i++)
    {
      g_auto (GStrv) w = g_strsplit_set (((JopanBlock *) g_ptr_array_index (a->blocks, i))->text,
                                         " \n\t", -1);
      for (char **p = w; *p; p++)
        words += **p != '\0';
    }
  return words;
}

/* The plan's weight, else the article's, else the first story leads, one
 * no longer than the style's briefs ([brief] max-words) is a brief, the
 * rest secondary. */
static JopanWeight
weight_of (const JopanStyle *style, const JopanPageStory *s, guint index)
{
  if (s->weight != JOPAN_WEIGHT_AUTO)
    return s->weight;
  if (s->article->weight != JOPAN_WEIGHT_AUTO)
    return s->article->weight;
  if (index == 0)
    return JOPAN_WEIGHT_LEAD;
  return count_words (s->article) <= (guint) style->treatment[JOPAN_WEIGHT_BRIEF - 1].max_words
             ? JOPAN_WEIGHT_BRIEF
             : JOPAN_WEIGHT_SECONDARY;
}

static const char *
weight_name (JopanWeight w)
{
  static const char *const names[] = { "auto", "lead", "secondary", "brief" };
  return names[w];
}

/* The widest module the solver gives a brief: the style's [brief]
 * columns, else 2 (a brief across 3 to 5 columns is a strip of a few
 * lines with a hole under it). */
static int
brief_columns (const Composer *c)
{
  int n = c->style->treatment[JOPAN_WEIGHT_BRIEF - 1].columns;

  return n > 0 ? n : 2;
}

static gboolean
too_wide (const Composer *c, const Story *s, const JopanModule *m)
{
  return s->weight == JOPAN_WEIGHT_BRIEF && m->columns > brief_columns (c);
}

static JopanModule
module_from_slot (const Composer *c, const JopanModuleSlot *slot)
{
  double pitch = c->style->baseline, top, depth;
  JopanModule m = { .column = CLAMP (slot->column, 0, c->columns - 1) };

  jopan_module_slot_points (slot, c->style, &top, &depth);
  m.top = CLAMP ((int) lround (top / pitch), 0, c->bands - 1);
  m.columns = CLAMP (slot->columns, 1, c->columns - m.column);
  m.depth = CLAMP ((int) floor (depth / pitch + 1e-6), 1, c->bands - m.top);
  return m;
}

/* Is there a module right under @m (its foot then keeps a band of air
 * with a hairline)?  @others: the candidate's modules, then the boxes. */
static gboolean
has_below (const JopanModule *m, const JopanModule *others, guint n)
{
  for (guint i = 0; i < n; i++)
    if (others[i].top == m->top + m->depth && others[i].column < m->column + m->columns
        && m->column < others[i].column + others[i].columns)
      return TRUE;
  return FALSE;
}

/* The keys of the composer's layouts (by story, module and air: cache)
 * and of those without copyfit by shape (shapes, column and top 0):
 * ints compared as ints, hashed whole (no padding). */
typedef struct {
  int story, column, columns, top, depth, air, copyfit;
} LayoutKey;

static guint
layout_key_hash (gconstpointer key)
{
  const LayoutKey *k = key;
  guint h = 17;

  h = h * 31 + (guint) k->story;
  h = h * 31 + (guint) k->column;
  h = h * 31 + (guint) k->columns;
  h = h * 31 + (guint) k->top;
  h = h * 31 + (guint) k->depth;
  h = h * 31 + (guint) k->air;
  return h * 31 + (guint) k->copyfit;
}

static gboolean
layout_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (LayoutKey)) == 0;
}

/* A story laid out without copyfit in a module of the same shape as @m
 * elsewhere on the page, moved to @m: the solver reads such a layout's
 * measures only (overset, underset, the lines a column, its foot), and
 * they do not depend on where the module sits.  NULL when there is none. */
static LayoutResult *
moved_layout (Composer *c, const Story *s, const JopanModule *m, gboolean air)
{
  LayoutKey shape = { (int) s->index, 0, m->columns, 0, m->depth, air != FALSE, FALSE };
  const Placed *from = g_hash_table_lookup (c->shapes, &shape);
  LayoutResult *r;

  if (from == NULL)
    return NULL;
  r = g_new (LayoutResult, 1);
  *r = *from->result;
  r->pages = g_ptr_array_ref (from->result->pages);
  r->report = jopan_report_new ();
  jopan_report_absorb (r->report, from->result->report);
  /* Its foot moves with the module, on the module's page. */
  if (r->pages->len <= 1)
    r->bottom += m->top - from->top;
  return r;
}

/* Lays story @s out in @m (from the cache when it was already). */
static LayoutResult *
lay_out_in (Composer *c, const Story *s, const JopanModule *m, gboolean air, gboolean copyfit,
            GError **error)
{
  LayoutKey key = { (int) s->index, m->column, m->columns, m->top, m->depth, air != FALSE,
                    copyfit != FALSE };
  LayoutResult *r = g_hash_table_lookup (c->cache, &key);
  LayoutInput in = { .fonts = c->fonts, .style = c->style, .article = s->entry->article,
                     .cache = c->texts, .memo = c->memo, .font_names = c->font_names };

  if (r)
    return r;
  if (!copyfit && (r = moved_layout (c, s, m, air)) != NULL)
    {
      g_hash_table_insert (c->cache, g_memdup2 (&key, sizeof key), r);
      return r;
    }
  if (c->options)
    in.options = *c->options;
  in.options.slot_columns = (guint) m->columns;
  in.options.slot_lines = (guint) MAX (1, m->depth - (air ? 1 : 0));
  in.options.copyfit = copyfit;
  in.options.weight = s->weight;
  in.module = (LayoutModule) { .column = m->column, .columns = m->columns,
                               .top = c->folio_bands + m->top, .folio = s->index == 0,
                               .number = (int) MAX (1u, c->plan->number),
                               .title = c->plan->title, .section = c->plan->section,
                               .date = c->plan->date, .lang = c->plan->lang,
                               .later_bands = c->carried_out ? CARRIED_MAX_BANDS (c) : 0 };
  /* A jump: story layout ends the text with "Continued on page N" and
   * sets the rest on a continuation page numbered N. */
  in.options.jump_page = s->entry->jump;
  /* The solver only measures a layout without copyfit: what is drawn is
   * laid out with copyfit (build_story). */
  in.measure_only = !copyfit;
  /* Nothing under the module: what copyfit leaves empty is a hole in the
   * page, and the lead photo grows into it as far as --fill's. */
  in.fill_slot = copyfit && !air && !jopan_compose_no_fill;
  r = g_new0 (LayoutResult, 1);
  if (!jopan_layout_story (&in, r, error))
    {
      result_free (r);
      return NULL;
    }
  if (!copyfit)
    {
      Placed *placed = g_new (Placed, 1);
      *placed = (Placed) { r, m->top };
      LayoutKey shape = { (int) s->index, 0, m->columns, 0, m->depth, air != FALSE, FALSE };
      g_hash_table_insert (c->shapes, g_memdup2 (&shape, sizeof shape), placed);
    }
  g_hash_table_insert (c->cache, g_memdup2 (&key, sizeof key), r);
  return r;
}

/* The lead photo's loss: the column-bands it is short of its own shape at
 * its width (copyfit or a shallow module squeezed it into a strip). */
static int
photo_lost (const Composer *c, const LayoutResult *r)
{
  const JopanStyle *s = c->style;
  double width, ideal;

  if (!r->has_lead || r->lead.image == NULL || r->lead.image->width <= 0)
    return 0;
  width = r->lead.columns * (s->page_width - s->margin[1] - s->margin[3]
                             - (s->columns - 1) * s->gutter) / s->columns
          + (r->lead.columns - 1) * s->gutter;
  ideal = width * r->lead.image->height / r->lead.image->width / s->baseline;
  return MAX (0, (int) lround (ideal) - r->lead.frame_bands) * r->lead.columns;
}

/* A lead's body lines a column on its module's page, and how far that is
 * short of a good block, when its text goes on beyond the module (a
 * short story that fits is shown whole). */
static double
front_short (const LayoutResult *r, const JopanModule *m, gboolean jumps)
{
  const JopanPage *page;
  int lines = 0;

  if (r->weight != JOPAN_WEIGHT_LEAD || r->pages->len == 0
      || (!jumps && jopan_report_get_overset (r->report, NULL) == 0))
    return 0;
  page = g_ptr_array_index (r->pages, 0);
  for (int col = 0; col < page->n_columns; col++)
    lines += page->columns[col].lines;
  return MAX (0.0, MIN (FRONT_LINES, m->depth / 3) - (double) lines / MAX (1, m->columns));
}

/* A secondary story over several columns: the body lines it is short of
 * legs of LEG_LINES a column (a story too short for its columns has
 * short legs too: it is better set narrower). */
static double
legs_short (const LayoutResult *r, const JopanModule *m)
{
  const JopanPage *page;
  int lines = 0;

  if (r->weight != JOPAN_WEIGHT_SECONDARY || r->pages->len == 0 || m->columns < 2)
    return 0;
  page = g_ptr_array_index (r->pages, 0);
  for (int col = 0; col < page->n_columns; col++)
    lines += (int) page->columns[col].lines;
  return MAX (0, LEG_LINES * m->columns - lines);
}

static void
fit_of (const Composer *c, const Story *s, const LayoutResult *r, const JopanModule *m,
        JopanModuleFit *f)
{
  guint lines = jopan_report_get_overset (r->report, NULL);
  gboolean jumps = s->entry->jump > 0;

  *f = (JopanModuleFit) { .module = *m, .underset = MAX (0, r->underset_lines),
                          .overset_lines = lines, .overset_photos = r->overset_photos,
                          .photo_lost = photo_lost (c, r), .jumps = jumps,
                          .brief = r->weight == JOPAN_WEIGHT_BRIEF,
                          .front_short = front_short (r, m, jumps),
                          .lead_photo_off = r->weight == JOPAN_WEIGHT_LEAD
                                            && s->entry->article->images->len > 0
                                            && !r->has_lead,
                          .legs_short = legs_short (r, m),
                          .headline_over = r->headline_over,
                          .headline_small = r->headline_small,
                          .size_change = r->fit.size_change };
}

/* ---- the page's fixed parts: boxes, fixed stories, the free region ------------ */

static int
box_bands (const Composer *c, const JopanPageBox *b)
{
  return MAX (1, (int) ceil (b->depth / c->style->baseline - 1e-6));
}

/* The bands the continued stories an edition page carries take, each
 * with a band of air, stacked under the folio. */
static int
carried_bands (const Composer *c)
{
  int bands = 0;

  for (guint i = 0; c->carried_in && i < c->carried_in->len; i++)
    bands += ((JopanCarried *) g_ptr_array_index (c->carried_in, i))->bands + 1;
  return MIN (bands, c->bands - MIN_DEPTH);
}

/* Each continued story as a module across the page, after the plan's boxes. */
static void
place_carried (Composer *c)
{
  int top = 0, limit = carried_bands (c);

  for (guint i = 0; c->carried_in && i < c->carried_in->len && c->n_boxes < MAX_MODULES - MAX_STORIES;
       i++)
    {
      const JopanCarried *k = g_ptr_array_index (c->carried_in, i);
      int depth = MAX (1, MIN (k->bands + 1, limit - top));
      c->boxes[c->n_boxes++] = (JopanModule) { 0, c->columns, top, depth };
      top += depth;
    }
}

/* Foot boxes side by side from the right, top boxes from the right under
 * the folio (and the continued stories); the region shrinks by the
 * deepest of each. */
static void
place_boxes (Composer *c)
{
  int foot = 0, head = 0, foot_right = c->columns, head_right = c->columns;
  int carried = carried_bands (c);

  c->region = (JopanModule) { 0, c->columns, 0, c->bands };
  head = carried;
  for (guint i = 0; i < c->plan->boxes->len && i < MAX_MODULES; i++)
    {
      const JopanPageBox *b = g_ptr_array_index (c->plan->boxes, i);
      JopanModule *m = &c->boxes[c->n_boxes++];
      int columns = CLAMP (b->columns, 1, c->columns), depth = box_bands (c, b);

      if (b->position == JOPAN_BOX_AT_SLOT)
        *m = module_from_slot (c, &b->slot);
      else if (b->position == JOPAN_BOX_AT_TOP)
        {
          /* A band of air under it, with the hairline. */
          head_right = MAX (columns, head_right) - columns;
          *m = (JopanModule) { head_right, columns, carried, depth + 1 };
          head = MAX (head, carried + depth + 1);
        }
      else
        {
          foot_right = MAX (columns, foot_right) - columns;
          *m = (JopanModule) { foot_right, columns, c->bands - depth, depth };
          foot = MAX (foot, depth);
        }
    }
  place_carried (c);
  c->region.top = head;
  c->region.depth = c->bands - head - foot;
  /* The columns left of the boxes take the last stories: a brief beside
   * the ad rather than a hole. */
  c->beside[0] = (JopanModule) { 0, foot_right, c->bands - foot, foot };
  c->beside[1] = (JopanModule) { 0, head_right, carried, head - carried };
  if (foot == 0 || foot_right == 0)
    c->beside[0].columns = 0;
  if (head == carried || head_right == 0)
    c->beside[1].columns = 0;
}

/* A story's slot over a box at the top or foot (a page file may ask for
 * both) moves below it or stops above it: nothing overlaps. */
static void
clear_of_boxes (Composer *c, Story *s)
{
  for (guint i = 0; i < c->n_boxes; i++)
    {
      const JopanModule *b = &c->boxes[i];
      JopanModule *m = &s->module;
      int bottom = m->top + m->depth;
      if (!jopan_module_overlaps (m, b))
        continue;
      if (b->top + b->depth < bottom)
        m->top = b->top + b->depth;
      m->depth = MAX (1, MIN (bottom, c->bands) - m->top);
      if (jopan_module_overlaps (m, b))
        m->depth = MAX (1, b->top - m->top);
      jopan_report_add (c->report, "slot", "%s: its slot overlaps the box %s: moved to lines %d "
                        "to %d of the page", s->entry->place ? s->entry->place : s->entry->src,
                        i < c->plan->boxes->len
                            ? ((JopanPageBox *) g_ptr_array_index (c->plan->boxes, i))->src
                            : "of a continued story", m->top + 1, m->top + m->depth);
    }
}

/* Has @a a larger area than @b? */
static gboolean
larger (const JopanModule *a, const JopanModule *b)
{
  return a->columns > 0 && a->depth > 0 && a->columns * a->depth > b->columns * b->depth;
}

/* The part of @r left, right, above or below @f with the most area; in
 * @rest, the largest piece of what it leaves beside @f. */
static JopanModule
free_part (const JopanModule *r, const JopanModule *f, JopanModule *rest)
{
  int right = r->column + r->columns, bottom = r->top + r->depth;
  int f_right = f->column + f->columns, f_bottom = f->top + f->depth;
  JopanModule parts[4] = {
    { r->column, f->column - r->column, r->top, r->depth },
    { f_right, right - f_right, r->top, r->depth },
    { r->column, r->columns, r->top, f->top - r->top },
    { r->column, r->columns, f_bottom, bottom - f_bottom },
  };
  /* Beside @f, once parts[i] is taken: two pieces each. */
  JopanModule pieces[4][2] = {
    { { f->column, right - f->column, r->top, f->top - r->top },
      { f->column, right - f->column, f_bottom, bottom - f_bottom } },
    { { r->column, f_right - r->column, r->top, f->top - r->top },
      { r->column, f_right - r->column, f_bottom, bottom - f_bottom } },
    { { r->column, f->column - r->column, f->top, bottom - f->top },
      { f_right, right - f_right, f->top, bottom - f->top } },
    { { r->column, f->column - r->column, r->top, f_bottom - r->top },
      { f_right, right - f_right, r->top, f_bottom - r->top } },
  };
  JopanModule best = { 0, 0, 0, 0 };
  int chosen = -1;

  for (int i = 0; i < 4; i++)
    if (larger (&parts[i], &best))
      best = parts[i], chosen = i;
  *rest = (JopanModule) { 0, 0, 0, 0 };
  for (int k = 0; chosen >= 0 && k < 2; k++)
    if (pieces[chosen][k].depth >= MIN_DEPTH / 2 && larger (&pieces[chosen][k], rest))
      *rest = pieces[chosen][k];
  return best;
}

static void
add_beside (Composer *c, const JopanModule *m)
{
  for (int b = 0; b < 4 && m->columns > 0; b++)
    if (c->beside[b].columns == 0)
      {
        c->beside[b] = *m;
        return;
      }
}

/* The free region avoids every fixed module (a story's slot or a box's);
 * what that leaves beside one, the last stories take. */
static void
avoid_fixed (Composer *c)
{
  JopanModule rest;

  for (guint i = 0; i < c->n_stories; i++)
    if (c->stories[i].fixed && jopan_module_overlaps (&c->region, &c->stories[i].module))
      {
        c->region = free_part (&c->region, &c->stories[i].module, &rest);
        add_beside (c, &rest);
      }
  for (guint i = 0; i < c->n_boxes; i++)
    if (jopan_module_overlaps (&c->region, &c->boxes[i]))
      {
        c->region = free_part (&c->region, &c->boxes[i], &rest);
        add_beside (c, &rest);
      }
  for (int b = 0; b < 4; b++)
    {
      gboolean clash = jopan_module_overlaps (&c->beside[b], &c->region);
      for (guint i = 0; i < c->n_stories; i++)
        clash |= c->stories[i].fixed && jopan_module_overlaps (&c->beside[b], &c->stories[i].module);
      for (guint i = 0; i < c->n_boxes; i++)
        clash |= jopan_module_overlaps (&c->beside[b], &c->boxes[i]);
      for (int o = 0; o < b; o++)
        clash |= jopan_module_overlaps (&c->beside[b], &c->beside[o]);
      if (clash)
        c->beside[b].columns = 0;
    }
}

/* ---- candidates ----------------------------------------------------------------- */

/* Splits @total into @n parts in proportion to @weights, each at least @min. */
static gboolean
split (int total, guint n, const int *weights, int min, int *parts)
{
  gint64 sum = 0;
  int given = 0;

  if (n == 0 || total < (int) n * min)
    return FALSE;
  for (guint i = 0; i < n; i++)
    sum += MAX (1, weights[i]);
  for (guint i = 0; i < n; i++)
    {
      parts[i] = MAX (min, (int) ((total - (int) n * min) * (gint64) MAX (1, weights[i]) / sum) + min);
      given += parts[i];
    }
  /* What rounding left goes to the first parts, one each. */
  for (guint i = 0; given < total; i = (i + 1) % n)
    parts[i]++, given++;
  for (guint i = n; given > total && i-- > 0;)
    while (given > total && parts[i] > min)
      parts[i]--, given--;
  return given == total;
}

/* The unfixed stories, in order (the first is the lead). */
typedef struct {
  guint index[MAX_STORIES];
  guint n;
} Order;

static Candidate *
candidate_new (Composer *c, const char *format, ...) G_GNUC_PRINTF (2, 3);

static Candidate *
candidate_new (Composer *c, const char *format, ...)
{
  Candidate *cand = g_new0 (Candidate, 1);
  va_list args;

  va_start (args, format);
  g_vsnprintf (cand->name, sizeof cand->name, format, args);
  va_end (args);
  cand->order = c->candidates->len;
  g_ptr_array_add (c->candidates, cand);
  return cand;
}

static LayoutResult *lay_out_in (Composer *c, const Story *s, const JopanModule *m, gboolean air,
                                 gboolean copyfit, GError **error);

/* The bands story @s takes set in @area's width (with a band of air
 * under it), or 0 when it does not fit @area's depth. */
static int
depth_in (Composer *c, const Story *s, const JopanModule *area)
{
  LayoutResult *r = lay_out_in (c, s, area, FALSE, FALSE, NULL);

  if (r == NULL || jopan_report_get_overset (r->report, NULL) > 0 || r->overset_photos > 0)
    return 0;
  return MIN (area->depth, r->bottom - c->folio_bands - area->top + 1);
}

/* The depths of stories [from, to) stacked in @area.  Each story is
 * measured set in the area's width; one that fits in its share closes
 * its module at its depth (a brief always does), and what it leaves goes
 * to the others, in proportion to their need.  When every story fits,
 * the modules close at their depths and the area's foot is left free
 * (no hole under a story). */
static gboolean
stack_depths (Composer *c, const Order *o, guint from, guint to, const JopanModule *area,
              int *depths)
{
  int weights[MAX_STORIES] = { 0 }, others[MAX_STORIES], measured[MAX_STORIES], rest = area->depth;
  guint n = to - from, open = 0;
  gboolean closed = TRUE;

  for (guint i = 0; i < n; i++)
    {
      const Story *s = &c->stories[o->index[from + i]];
      measured[i] = depth_in (c, s, area);
      depths[i] = s->weight == JOPAN_WEIGHT_BRIEF ? measured[i] : 0;
      rest -= depths[i];
    }
  /* Closing a story at its depth may let another close at its own. */
  while (closed && rest >= 0)
    {
      gint64 need = 0;
      closed = FALSE;
      for (guint i = 0; i < n; i++)
        if (depths[i] == 0)
          need += MAX (1, c->stories[o->index[from + i]].need);
      for (guint i = 0; i < n && need > 0; i++)
        if (depths[i] == 0 && measured[i] > 0
            && measured[i] <= rest * MAX (1, c->stories[o->index[from + i]].need) / need)
          {
            depths[i] = measured[i], rest -= measured[i], closed = TRUE;
            break;
          }
    }
  for (guint i = 0; i < n; i++)
    if (depths[i] == 0)
      weights[open++] = c->stories[o->index[from + i]].need / MAX (1, area->columns);
  if (open == 0)
    return rest >= 0;
  if (!split (rest, open, weights, MIN (MIN_DEPTH, MAX (1, rest) / (int) open), others))
    return FALSE;
  open = 0;
  for (guint i = 0; i < n; i++)
    if (depths[i] == 0)
      depths[i] = others[open++];
  return TRUE;
}

/* Stories [from, to) of @o stacked in @area; briefs at their depth, the
 * others in proportion to need. */
static gboolean
stack (Composer *c, const Order *o, guint from, guint to, JopanModule area, JopanModule *out)
{
  int weights[MAX_STORIES], depths[MAX_STORIES] = { 0 };

  for (guint i = from; i < to; i++)
    weights[i - from] = c->stories[o->index[i]].need / MAX (1, area.columns);
  /* Briefs too deep together for the area: in proportion, as the rest. */
  if (!stack_depths (c, o, from, to, &area, depths)
      && !split (area.depth, to - from, weights,
                 MIN (MIN_DEPTH, area.depth / MAX (1u, to - from)), depths))
    return FALSE;
  for (guint i = from; i < to; i++)
    {
      out[o->index[i]] = (JopanModule) { area.column, area.columns, area.top, depths[i - from] };
      area.top += depths[i - from];
    }
  return TRUE;
}

static void fit_of (const Composer *c, const Story *s, const LayoutResult *r,
                    const JopanModule *m, JopanModuleFit *f);

/* What story @s costs alone in @m, set without copyfit (empty, overset,
 * short legs). */
static double
module_cost (Composer *c, const Story *s, const JopanModule *m)
{
  LayoutResult *r = lay_out_in (c, s, m, FALSE, FALSE, NULL);
  JopanModuleFit f;
  JopanComposeCost cost;

  if (r == NULL)
    return G_MAXDOUBLE / 8;
  fit_of (c, s, r, m, &f);
  jopan_compose_cost (&f, 1, m->columns * m->depth, &cost);
  return cost.total;
}

/* The widths of stories [from, to) side by side in @area that cost least
 * (each laid out in its strip), no brief wider than brief_columns();
 * FALSE when there are too many to try. */
static gboolean
cheapest_widths (Composer *c, const Order *o, guint from, guint to, const JopanModule *area,
                 int *widths)
{
  int n = (int) (to - from), w[MAX_STORIES], limit = brief_columns (c);
  double best = G_MAXDOUBLE;

  if (n < 2 || n > 4 || area->columns > 6 || area->columns < n)
    return FALSE;
  /* Every composition of the columns into n parts, as an odometer. */
  for (int i = 0; i < n - 1; i++)
    w[i] = 1;
  for (;;)
    {
      int used = 0, column = area->column;
      double cost = 0;
      for (int i = 0; i < n - 1; i++)
        used += w[i];
      w[n - 1] = area->columns - used;
      for (int i = 0; i < n && w[n - 1] >= 1 && cost < best; i++)
        {
          const Story *s = &c->stories[o->index[from + i]];
          JopanModule m = { column, w[i], area->top, area->depth };
          cost += s->weight == JOPAN_WEIGHT_BRIEF && w[i] > limit ? G_MAXDOUBLE / 8
                                                                   : module_cost (c, s, &m);
          column += w[i];
        }
      if (w[n - 1] >= 1 && cost < best)
        best = cost, memcpy (widths, w, n * sizeof *w);
      int k = 0;
      while (k < n - 1 && ++w[k] > area->columns - (n - 1))
        w[k++] = 1;
      if (k == n - 1)
        break;
    }
  return best < G_MAXDOUBLE / 8;
}

/* Do stories [from, to) fit side by side in @area at @widths, each
 * whole, no brief too wide? */
static gboolean
all_fit (Composer *c, const Order *o, guint from, guint to, const JopanModule *area,
         const int *widths)
{
  JopanModule m = *area;

  for (guint i = from; i < to; i++)
    {
      const Story *s = &c->stories[o->index[i]];
      LayoutResult *r;
      m.columns = widths[i - from];
      r = lay_out_in (c, s, &m, FALSE, FALSE, NULL);
      if (too_wide (c, s, &m) || r == NULL || jopan_report_get_overset (r->report, NULL) > 0
          || r->overset_photos > 0)
        return FALSE;
      m.column += m.columns;
    }
  return TRUE;
}

/* Stories [from, to) side by side in @area, widths in proportion to
 * need; when one does not fit so, the widths that cost least. */
static gboolean
strips (Composer *c, const Order *o, guint from, guint to, JopanModule area, JopanModule *out)
{
  int weights[MAX_STORIES] = { 0 }, widths[MAX_STORIES];
  gboolean even;

  for (guint i = from; i < to; i++)
    weights[i - from] = c->stories[o->index[i]].need;
  even = split (area.columns, to - from, weights, 1, widths);
  if ((!even || !all_fit (c, o, from, to, &area, widths))
      && !cheapest_widths (c, o, from, to, &area, widths) && !even)
    return FALSE;
  for (guint i = from; i < to; i++)
    {
      out[o->index[i]] = (JopanModule) { area.column, widths[i - from], area.top, area.depth };
      area.column += widths[i - from];
    }
  return TRUE;
}

/* How the stories under a lead across the top share the area below it:
 * side by side, stacked, or the second wide with the rest in a rail of
 * 1 or 2 columns. */
typedef enum { UNDER_STRIPS, UNDER_STACKED, UNDER_WIDE_RAIL } Under;

static const char *const under_names[] = { "strips", "stacked", "wide+rail" };

/* Stories [1, n) of @o in @under as @kind says, into @out. */
static gboolean
arrange_under (Composer *c, const Order *o, Under kind, int rail, JopanModule under,
               JopanModule *out)
{
  JopanModule wide = { under.column, under.columns - rail, under.top, under.depth };
  JopanModule side = { under.column + wide.columns, rail, under.top, under.depth };

  if (kind == UNDER_STRIPS)
    return strips (c, o, 1, o->n, under, out);
  if (kind == UNDER_STACKED)
    return stack (c, o, 1, o->n, under, out);
  out[o->index[1]] = wide;
  return stack (c, o, 2, o->n, side, out);
}

static void
lead_top_candidate (Composer *c, const Order *o, const JopanModule *r, int depth, Under kind,
                    int rail)
{
  JopanModule under = { r->column, r->columns, r->top + depth, r->depth - depth };
  Candidate *cand = kind == UNDER_WIDE_RAIL
                        ? candidate_new (c, "lead-top-%d/%s-%d", depth, under_names[kind], rail)
                        : candidate_new (c, "lead-top-%d/%s", depth, under_names[kind]);

  cand->modules[o->index[0]] = (JopanModule) { r->column, r->columns, r->top, depth };
  if (!arrange_under (c, o, kind, rail, under, cand->modules))
    g_ptr_array_remove (c->candidates, cand);
}

/* Story @s set @d bands deep in @area's columns (depth_in()): as few
 * bands less as its columns, balanced, leave empty (a column-line short
 * of a band in each), where it still fits whole.  Returns: its depth. */
static int
tight_depth (Composer *c, const Story *s, const JopanModule *area, int d)
{
  JopanModule m = { area->column, area->columns, area->top, d };
  LayoutResult *r = lay_out_in (c, s, &m, FALSE, FALSE, NULL);

  for (int k = r ? MAX (0, r->underset_lines) / area->columns : 0; k > 0; k--)
    {
      m.depth = d - k;
      r = lay_out_in (c, s, &m, FALSE, FALSE, NULL);
      if (r && jopan_report_get_overset (r->report, NULL) == 0 && r->overset_photos == 0)
        return d - k;
    }
  return d;
}

/* The lead's depth across the top that leaves the stories under it,
 * arranged as @kind says, just the depth they take (each measured in its
 * module of a trial arrangement in the lower two thirds; with @tight,
 * balanced: tight_depth()); 0 when one does not fit even there. */
static int
snug_depth (Composer *c, const Order *o, const JopanModule *r, Under kind, int rail, gboolean tight)
{
  JopanModule under = { r->column, r->columns, r->top + r->depth / 3, r->depth - r->depth / 3 };
  JopanModule out[MAX_STORIES];
  int need = 0, stacked = 0;

  if (!arrange_under (c, o, kind, rail, under, out))
    return 0;
  for (guint i = 1; i < o->n; i++)
    {
      const JopanModule *m = &out[o->index[i]];
      JopanModule area = { m->column, m->columns, under.top, under.depth };
      int d = depth_in (c, &c->stories[o->index[i]], &area);
      if (d == 0)
        return 0;
      if (tight)
        d = tight_depth (c, &c->stories[o->index[i]], &area, d);
      /* Stacked modules add up; modules side by side take the deepest. */
      if (kind == UNDER_STACKED || (kind == UNDER_WIDE_RAIL && i >= 2))
        stacked += d;
      else
        need = MAX (need, d);
    }
  return r->depth - MAX (need, stacked);
}

/* The lead across the top, @depth bands deep; the rest below it, in
 * every arrangement (@kind < 0) or in @kind's. */
static void
lead_on_top (Composer *c, const Order *o, const JopanModule *r, int depth, int kind)
{
  if (o->n == 1)
    return;
  for (Under k = UNDER_STRIPS; k <= UNDER_STACKED; k++)
    if (kind < 0 || kind == (int) k)
      lead_top_candidate (c, o, r, depth, k, 0);
  /* The second story wide under the lead, the rest in a rail. */
  for (int rail = 1; rail <= 2 && o->n >= 3 && rail < r->columns - 1; rail++)
    if (kind < 0 || kind == UNDER_WIDE_RAIL + rail - 1)
      lead_top_candidate (c, o, r, depth, UNDER_WIDE_RAIL, rail);
}

/* @o with its stories [from, n) reordered briefs first: the staggered
 * rail, whose top story is a brief, its small headline beside the lead's,
 * and the secondaries' headlines lower, level with the lead's text.
 * FALSE when that changes nothing. */
static gboolean
staggered (const Composer *c, const Order *o, guint from, Order *out)
{
  guint n = from;

  *out = *o;
  for (int brief = 1; brief >= 0; brief--)
    for (guint i = from; i < o->n; i++)
      if ((c->stories[o->index[i]].weight == JOPAN_WEIGHT_BRIEF) == brief)
        out->index[n++] = o->index[i];
  return memcmp (out->index, o->index, sizeof o->index) != 0;
}

/* The lead as a wide block the region's depth, the rest in a right rail,
 * in their order and staggered. */
static void
lead_with_rail (Composer *c, const Order *o, const JopanModule *r)
{
  Order stagger;
  gboolean can_stagger = staggered (c, o, 1, &stagger);

  for (int rail = 1; rail <= 2 && o->n >= 2 && rail < r->columns - 1; rail++)
    for (int s = 0; s <= can_stagger; s++)
      {
        Candidate *cand = candidate_new (c, "lead-left/rail-%d%s", rail, s ? "/staggered" : "");
        JopanModule side = { r->column + r->columns - rail, rail, r->top, r->depth };

        cand->modules[o->index[0]] = (JopanModule) { r->column, r->columns - rail, r->top,
                                                     r->depth };
        if (!stack (c, s ? &stagger : o, 1, o->n, side, cand->modules))
          g_ptr_array_remove (c->candidates, cand);
      }
}

static int
compare_int (gconstpointer a, gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/* Every candidate for the unfixed stories of @o in the region. */
static void
enumerate (Composer *c, const Order *o)
{
  const JopanModule *r = &c->region;
  int depths[5];
  guint n = 0;

  if (o->n == 0)
    {
      candidate_new (c, "fixed");
      return;
    }
  if (o->n == 1)
    {
      candidate_new (c, "one-module")->modules[o->index[0]] = *r;
      return;
    }
  /* The lead's depth across the top: what it needs, and simple shares. */
  depths[n++] = c->stories[o->index[0]].natural_depth + 1;
  depths[n++] = r->depth / 3;
  depths[n++] = r->depth / 2;
  depths[n++] = r->depth * 2 / 3;
  qsort (depths, n, sizeof *depths, compare_int);
  for (guint i = 0; i < n; i++)
    if (depths[i] >= MIN_DEPTH && depths[i] <= r->depth - MIN_DEPTH
        && (i == 0 || depths[i] != depths[i - 1]))
      lead_on_top (c, o, r, depths[i], -1);
  /* And each arrangement with the lead as deep as the stories under it
   * leave room for: they close at their depths, no hole under them; and
   * as deep as they leave set balanced, the lines their columns would
   * leave empty the lead's (which copyfit would otherwise squeeze while
   * it grew them). */
  for (int kind = UNDER_STRIPS; kind <= UNDER_WIDE_RAIL + 1 && o->n >= 2; kind++)
    for (int tight = 0, snug = -1; tight <= !jopan_compose_no_tight; tight++)
      {
        int rail = kind >= UNDER_WIDE_RAIL ? kind - UNDER_WIDE_RAIL + 1 : 0;
        int depth = (rail == 0 || (o->n >= 3 && rail < r->columns - 1))
                        ? snug_depth (c, o, r, MIN (kind, UNDER_WIDE_RAIL), rail, tight)
                        : 0;
        gboolean known = depth == snug;
        for (guint i = 0; i < n; i++)
          known |= depths[i] == depth;
        if (!known && depth >= MIN_DEPTH && depth <= r->depth - MIN_DEPTH)
          lead_on_top (c, o, r, depth, kind);
        snug = depth;
      }
  lead_with_rail (c, o, r);
}

/* ---- evaluating a candidate ---------------------------------------------------- */

/* Every module of @cand and the boxes, in one array: stories first, by
 * their plan index. */
static guint
all_modules (const Composer *c, const Candidate *cand, JopanModule *out)
{
  guint n = 0;

  for (guint i = 0; i < c->n_stories; i++)
    out[n++] = c->stories[i].fixed ? c->stories[i].module : cand->modules[i];
  for (guint i = 0; i < c->n_boxes; i++)
    out[n++] = c->boxes[i];
  return n;
}

/* Story @s's layout @r, grown into module @m with --fill's steps, closed
 * at @depth: the layout of the closed module, whose foot it reaches (laid
 * out again there, it would grow from another start). */
static void
keep_filled (Composer *c, const Story *s, const LayoutResult *r, const JopanModule *m, int depth)
{
  LayoutKey key = { (int) s->index, m->column, m->columns, m->top, depth, FALSE, TRUE };
  LayoutResult *copy = g_new (LayoutResult, 1);

  *copy = *r;
  copy->pages = g_ptr_array_ref (r->pages);
  copy->report = jopan_report_new ();
  jopan_report_absorb (copy->report, r->report);
  copy->underset_lines = MAX (0, r->underset_lines - (m->depth - depth) * m->columns);
  jopan_report_set_underset (copy->report, copy->underset_lines);
  g_hash_table_insert (c->cache, g_memdup2 (&key, sizeof key), copy);
}

/* After copyfit: a story module with nothing under it closes at the
 * depth its story takes, when that frees a band or more: what copyfit
 * could not fill is left at the page's foot (or the rail's), not as a
 * hole inside the module.  Whether any closed. */
static gboolean
close_modules (Composer *c, Candidate *cand)
{
  JopanModule modules[MAX_MODULES];
  guint n = all_modules (c, cand, modules);
  gboolean closed = FALSE;

  for (guint i = 0; i < c->n_stories; i++)
    {
      JopanModule *m = &cand->modules[i];
      LayoutResult *r;
      int depth;
      if (c->stories[i].fixed || m->columns == 0 || has_below (m, modules, n))
        continue;
      r = lay_out_in (c, &c->stories[i], m, FALSE, TRUE, NULL);
      if (r == NULL || jopan_report_get_overset (r->report, NULL) > 0 || r->overset_photos > 0
          || r->pages->len != 1)
        continue;
      depth = r->bottom - c->folio_bands - m->top + 1;
      if (depth > 0 && depth < m->depth)
        {
          if (r->filled)
            keep_filled (c, &c->stories[i], r, m, depth);
          m->depth = depth, closed = TRUE;
        }
    }
  return closed;
}

static gboolean
evaluate (Composer *c, const Candidate *cand, gboolean copyfit, JopanComposeCost *cost,
          GError **error)
{
  JopanModule modules[MAX_MODULES];
  JopanModuleFit fits[MAX_MODULES];
  guint n = all_modules (c, cand, modules);

  for (guint i = 0; i < n; i++)
    {
      gboolean air = has_below (&modules[i], modules, n);
      if (i >= c->n_stories)
        {
          fits[i] = (JopanModuleFit) { .module = modules[i], .is_box = TRUE };
          continue;
        }
      if (modules[i].columns == 0)
        {
          fits[i] = (JopanModuleFit) { .off = TRUE, .overset_lines = (guint) c->stories[i].lines };
          continue;
        }
      LayoutResult *r = lay_out_in (c, &c->stories[i], &modules[i], air, copyfit, error);
      if (r == NULL)
        return FALSE;
      fit_of (c, &c->stories[i], r, &modules[i], &fits[i]);
    }
  jopan_compose_cost (fits, n, c->columns * c->bands, cost);
  return TRUE;
}

/* ---- the page --------------------------------------------------------------------- */

static double
module_x (const Composer *c, int column)
{
  const JopanStyle *s = c->style;
  double cw = (s->page_width - s->margin[1] - s->margin[3] - (s->columns - 1) * s->gutter)
              / s->columns;

  return s->margin[3] + column * (cw + s->gutter);
}

static double
module_y (const Composer *c, int band)
{
  return c->style->margin[0] + (c->folio_bands + band) * c->style->baseline;
}

static void
module_rect (const Composer *c, const JopanModule *m, JopanPlaced *p)
{
  p->column = m->column;
  p->columns = m->columns;
  p->x = module_x (c, m->column);
  p->w = module_x (c, m->column + m->columns) - c->style->gutter - p->x;
  p->y = module_y (c, m->top);
  p->h = m->depth * c->style->baseline;
}

/* Moves the boxes and column stats of a story's page onto the page. */
static void
take_page (JopanPage *page, JopanPage *from, guint folio_boxes, const JopanModule *m,
           JopanPlaced *p)
{
  /* The page's folio, drawn with the lead, is no part of its module. */
  p->first_box = page->boxes->len + folio_boxes;
  p->n_boxes = from->boxes->len - folio_boxes;
  g_array_append_vals (page->boxes, from->boxes->data, from->boxes->len);
  g_array_set_size (from->boxes, 0); /* the layouts' references moved with them */
  for (int col = 0; col < from->n_columns && m->column + col < JOPAN_MAX_COLUMNS; col++)
    page->columns[m->column + col] = from->columns[col];
  page->n_columns = MAX (page->n_columns, MIN (JOPAN_MAX_COLUMNS, m->column + from->n_columns));
}

/* White an advert may leave in its box, on either axis, before it is a
 * finding: a millimetre, about what a frame's hairline and the eye let
 * pass, and what an advert's maker rounds to. */
#define BOX_MISFIT 2.835 /* points: 1 mm */

/* A fixed box: its image or PDF page whole, fitted and centred in its
 * frame.  An advert of other proportions than its box (made for another
 * paper's columns, say) leaves white in it, which the desk is told of
 * with the size to ask for: cropped, it would lose the advertiser's words
 * at its edges. */
static void
place_box (Composer *c, JopanPage *page, const JopanPageBox *box, const JopanPlaced *p)
{
  /* A slot given in grid lines leaves the box's depth to its module. */
  double h = box->depth > 0 ? MIN (box->depth, p->h) : p->h, fw, fh;
  const double mm = 72 / 25.4;

  jopan_page_add_box (page, box, p->x, p->y, p->w, h);
  jopan_box_fit (box->aspect, p->w, h, &fw, &fh);
  if (p->w - fw <= BOX_MISFIT && h - fh <= BOX_MISFIT)
    return;
  jopan_report_add (c->report, "box", "%s: %s is %.2f:1, its box (%d columns × %.0f mm, "
                    "%.0f × %.0f mm) %.2f:1: the advert is set whole at %.0f × %.0f mm, with "
                    "%.1f mm white %s; supply it at %.0f × %.0f mm",
                    box->place ? box->place : box->src, box->src, box->aspect, p->columns,
                    h / mm, p->w / mm, h / mm, p->w / h, fw / mm, fh / mm,
                    (p->w - fw + h - fh) / 2 / mm,
                    p->w - fw > BOX_MISFIT ? "at each side" : "above and below", p->w / mm, h / mm);
}

/* Hairlines: in the gutter between modules side by side, and in the band
 * of air at the foot of a module with another under it. */
static void
draw_hairlines (const Composer *c, JopanPage *page, const JopanModule *m, guint n)
{
  static const double grey[3] = { 0.35, 0.35, 0.35 };
  double pitch = c->style->baseline;

  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        const JopanModule *a = &m[i], *b = &m[j];
        int top = MAX (a->top, b->top), bottom = MIN (a->top + a->depth, b->top + b->depth);
        int left = MAX (a->column, b->column);
        int right = MIN (a->column + a->columns, b->column + b->columns);
        if (a->column + a->columns == b->column && top < bottom)
          {
            double x = module_x (c, b->column) - c->style->gutter / 2;
            /* Down to the hairline in the air band of a module below. */
            double y1 = module_y (c, bottom) - (bottom < c->bands ? pitch / 2 : 0);
            jopan_page_add_rule (page, x, module_y (c, top), x, y1, 0.5, grey);
          }
        if (b->top == a->top + a->depth && left < right)
          {
            double y = module_y (c, b->top) - pitch / 2;
            jopan_page_add_rule (page, module_x (c, left), y,
                                 module_x (c, right) - c->style->gutter, y, 0.5, grey);
          }
      }
}

/* ---- the solver ------------------------------------------------------------------- */

/* Each unfixed story once across the whole region, without copyfit: the
 * bands its body takes in one column and the depth it needs there. */
static gboolean
estimate (Composer *c, GError **error)
{
  for (guint i = 0; i < c->n_stories; i++)
    {
      Story *s = &c->stories[i];
      LayoutResult *r;

      if (s->fixed)
        continue;
      r = lay_out_in (c, s, &c->region, FALSE, FALSE, error);
      if (r == NULL)
        return FALSE;
      s->need = r->need_bands + r->header_bands * 2
                + (r->has_lead ? r->lead.bands * r->lead.columns : 0);
      s->natural_depth = MAX (1, r->bottom - c->folio_bands - c->region.top);
      s->lines = r->need_bands;
    }
  return TRUE;
}

/* Does @m fill an area beside a box whole?  A brief there is no strip
 * over a hole however wide: the box beside it fixes its depth, and a
 * narrower one leaves the rest of the area empty. */
static gboolean
fills_beside (const Composer *c, const JopanModule *m)
{
  for (int b = 0; b < 4; b++)
    if (c->beside[b].columns > 0 && memcmp (&c->beside[b], m, sizeof *m) == 0)
      return TRUE;
  return FALSE;
}

/* Does brief @s set across the whole of area @m take two thirds of its
 * depth at least (else it is a strip over a hole there too)? */
static gboolean
fills_deep (Composer *c, const Story *s, const JopanModule *m)
{
  int depth = depth_in (c, s, m);

  return depth > 0 && 3 * depth >= 2 * m->depth;
}

/* Candidates with the last stories of @all beside the boxes: @k of them
 * side by side in the first area beside a box (briefs beside the ad
 * rather than a hole), one in each other area; the rest in the region.
 * A brief too wide for its area closes at its width next to the box,
 * and, in a copy of each candidate, takes the whole area when it fills
 * most of its depth so: the cost chooses between the columns the narrow
 * one leaves empty and the feet of the wide one's shallower legs. */
static void
enumerate_beside (Composer *c, const Order *all, guint k)
{
  Order o = *all;
  JopanModule mods[MAX_STORIES], wide[MAX_STORIES];
  guint first = c->candidates->len, from = o.n, last;
  gboolean split_first = FALSE, narrowed = FALSE;

  for (int b = 0; b < 4; b++)
    {
      JopanModule area = c->beside[b];
      guint take = split_first ? 1 : k;
      if (area.columns == 0 || (take == 1 && o.n < 2))
        continue;
      if (o.n < take + 1 || (int) take > area.columns)
        return;
      if (take > 1 && !strips (c, &o, o.n - take, o.n, area, mods))
        return;
      if (take == 1)
        mods[o.index[o.n - 1]] = area;
      split_first = TRUE;
      o.n -= take;
    }
  if (k > 1 && !split_first)
    return;
  memcpy (wide, mods, sizeof mods);
  for (guint i = o.n; i < from; i++)
    {
      JopanModule *m = &mods[o.index[i]];
      if (too_wide (c, &c->stories[o.index[i]], m))
        {
          narrowed |= fills_deep (c, &c->stories[o.index[i]], m);
          m->column += m->columns - brief_columns (c), m->columns = brief_columns (c);
        }
    }
  enumerate (c, &o);
  last = c->candidates->len;
  for (guint j = first; j < last; j++)
    {
      Candidate *cand = g_ptr_array_index (c->candidates, j);
      for (guint i = o.n; i < from; i++)
        cand->modules[o.index[i]] = mods[o.index[i]];
      if (k > 1)
        {
          gsize len = strlen (cand->name);
          g_snprintf (cand->name + len, sizeof cand->name - len, ", %u beside", k);
        }
      if (narrowed && !jopan_compose_narrow_briefs)
        {
          Candidate *copy = candidate_new (c, "%s, brief wide", cand->name);
          memcpy (copy->modules, cand->modules, sizeof cand->modules);
          for (guint i = o.n; i < from; i++)
            copy->modules[o.index[i]] = wide[o.index[i]];
        }
    }
}

/* Does the page hold more copy than its free area?  A lead that jumps
 * counts for half the region at most. */
static gboolean
overfull (const Composer *c, const Order *o)
{
  gint64 need = 0, area = (gint64) c->region.columns * c->region.depth;

  for (int b = 0; b < 4; b++)
    area += (gint64) c->beside[b].columns * c->beside[b].depth;
  for (guint i = 0; i < o->n; i++)
    {
      const Story *s = &c->stories[o->index[i]];
      need += i == 0 && s->entry->jump > 0 ? MIN (s->need, area / 2) : s->need;
    }
  return need > area;
}

/* On a page with more copy than it holds, candidates with one secondary
 * story left off (its lines overset, reported: a desk moves it or jumps
 * it), so that the others show a good block of body rather than a
 * headline over nothing. */
static void
enumerate_left_off (Composer *c, const Order *all)
{
  if (all->n < 3 || !overfull (c, all))
    return;
  for (guint x = 1; x < all->n; x++)
    {
      Order o = { .n = 0 };
      guint first = c->candidates->len;
      if (c->stories[all->index[x]].weight != JOPAN_WEIGHT_SECONDARY)
        continue;
      for (guint i = 0; i < all->n; i++)
        if (i != x)
          o.index[o.n++] = all->index[i];
      for (guint k = 1; k <= 3; k++)
        enumerate_beside (c, &o, k);
      for (guint j = first; j < c->candidates->len; j++)
        {
          Candidate *cand = g_ptr_array_index (c->candidates, j);
          gsize len = strlen (cand->name);
          g_snprintf (cand->name + len, sizeof cand->name - len, ", %u off", all->index[x] + 1);
        }
    }
}

/* Drops the candidates from @from on that set a brief wider than
 * brief_columns() (but for one that fills an area beside a box), unless
 * no other is left among them. */
static void
drop_wide_briefs (Composer *c, guint from)
{
  guint wide = 0;
  g_autofree gboolean *is_wide = g_new0 (gboolean, c->candidates->len + 1);

  for (guint j = from; j < c->candidates->len; j++)
    {
      const Candidate *cand = g_ptr_array_index (c->candidates, j);
      for (guint i = 0; i < c->n_stories; i++)
        is_wide[j] |= !c->stories[i].fixed && too_wide (c, &c->stories[i], &cand->modules[i])
                      && !fills_beside (c, &cand->modules[i]);
      wide += is_wide[j];
    }
  if (wide == c->candidates->len - from)
    return;
  for (guint j = c->candidates->len; j-- > from;)
    if (is_wide[j])
      g_ptr_array_remove_index (c->candidates, j);
}

/* Drops a candidate from @from on whose modules an earlier one has
 * already (one story under the lead is the same in strips as stacked):
 * it would cost the same, and take a place among the few copyfitted. */
static void
drop_duplicates (Composer *c, guint from)
{
  for (guint j = c->candidates->len; j-- > MAX (from, 1u);)
    {
      const Candidate *cand = g_ptr_array_index (c->candidates, j);
      for (guint k = 0; k < j; k++)
        if (memcmp (((Candidate *) g_ptr_array_index (c->candidates, k))->modules, cand->modules,
                    sizeof cand->modules) == 0)
          {
            g_ptr_array_remove_index (c->candidates, j);
            break;
          }
    }
}

/* The candidates from @from on that the test's name filter keeps, none
 * too wide for a brief or twice; FALSE when none is left at all. */
static gboolean
keep_candidates (Composer *c, guint from)
{
  for (guint i = c->candidates->len; c->only && i-- > from;)
    if (strstr (((Candidate *) g_ptr_array_index (c->candidates, i))->name, c->only) == NULL)
      g_ptr_array_remove_index (c->candidates, i);
  drop_wide_briefs (c, from);
  drop_duplicates (c, from);
  return c->candidates->len > 0;
}

/* Evaluates the candidates from @from on as set, then copyfits the best
 * few not yet copyfitted (copyfit takes a dozen attempts a story, and it
 * moves a cost by a few lines); @best and its cost as the cheapest so
 * far, a tie keeping the one found first. */
static gboolean
pick (Composer *c, guint from, Candidate **best, JopanComposeCost *best_cost, GError **error)
{
  guint fitted = 0;

  for (guint i = from; i < c->candidates->len; i++)
    {
      Candidate *cand = g_ptr_array_index (c->candidates, i);
      if (!evaluate (c, cand, FALSE, &cand->rough, error))
        return FALSE;
    }
  g_ptr_array_sort (c->candidates, by_rough_cost);
  for (guint i = 0; i < c->candidates->len && fitted < FITTED_CANDIDATES; i++)
    {
      Candidate *cand = g_ptr_array_index (c->candidates, i);
      JopanComposeCost cost;
      if (cand->fitted)
        continue;
      cand->fitted = TRUE, fitted++;
      if (!evaluate (c, cand, TRUE, &cost, error)
          || (close_modules (c, cand) && !evaluate (c, cand, TRUE, &cost, error)))
        return FALSE;
      if (*best == NULL || cost.total < best_cost->total - 1e-9)
        *best = cand, *best_cost = cost;
    }
  return TRUE;
}

/* Does a secondary story of @cand, as copyfitted, show less than
 * BODY_LINES of body while the rest of it is overset (a headline over
 * nothing)? */
static gboolean
starved (Composer *c, const Candidate *cand)
{
  JopanModule modules[MAX_MODULES];
  guint n = all_modules (c, cand, modules);

  for (guint i = 0; i < c->n_stories; i++)
    {
      const JopanPage *page;
      LayoutResult *r;
      guint lines = 0;
      if (c->stories[i].weight != JOPAN_WEIGHT_SECONDARY || modules[i].columns == 0)
        continue;
      r = lay_out_in (c, &c->stories[i], &modules[i], has_below (&modules[i], modules, n), TRUE,
                      NULL);
      if (r == NULL || r->pages->len == 0 || jopan_report_get_overset (r->report, NULL) == 0)
        continue;
      page = g_ptr_array_index (r->pages, 0);
      for (int col = 0; col < page->n_columns; col++)
        lines += page->columns[col].lines;
      if (lines < BODY_LINES)
        return TRUE;
    }
  return FALSE;
}

/* The best candidate and its cost; ties keep the earlier one.  When its
 * page starves a secondary story of body, the candidates that leave one
 * off are tried too. */
static const Candidate *
solve (Composer *c, JopanComposeCost *best_cost, GError **error)
{
  Order o = { .n = 0 };
  Candidate *best = NULL;
  guint from;

  for (guint i = 0; i < c->n_stories; i++)
    if (!c->stories[i].fixed)
      o.index[o.n++] = i;
  if (!estimate (c, error))
    return NULL;
  for (guint k = 1; k <= 3; k++)
    enumerate_beside (c, &o, k);
  if (!keep_candidates (c, 0))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: no module layout \"%s\" for this page",
                       c->plan->name ? c->plan->name : "page", c->only ? c->only : "");
      return NULL;
    }
  if (!pick (c, 0, &best, best_cost, error))
    return NULL;
  if (!starved (c, best))
    return best;
  from = c->candidates->len;
  enumerate_left_off (c, &o);
  keep_candidates (c, from);
  return pick (c, from, &best, best_cost, error) ? best : NULL;
}

/* ---- the report --------------------------------------------------------------------- */

/* Story @i's file, as the plan names it. */
static const char *
story_src (const Composer *c, guint i)
{
  const JopanPageStory *e = c->stories[i].entry;

  return e->src ? e->src : e->article->name;
}

/* About @lines lines' worth of words, at @per_line a line. */
static int
words_for (int lines, double per_line)
{
  return (int) jopan_words_about (MAX (lines, 0) * per_line);
}

static void
report_story (JsonBuilder *b, const Composer *c, const Story *s, const JopanPlaced *p,
              const JopanModule *m, const LayoutResult *r)
{
  const Short *sh = &c->shorts[s->index];
  guint chars, lines = jopan_report_get_overset (r->report, &chars), n_changes;
  double pitch = c->style->baseline;
  const char *const *changes;

  json_builder_begin_object (b);
  jopan_json_string (b, "src", s->entry->src ? s->entry->src : s->entry->article->name);
  jopan_json_string (b, "weight", weight_name (r->weight));
  jopan_json_int (b, "page", p->page + 1);
  /* The module: on the grid (column from 1, top and depth in points under
   * the folio) and as a frame on the page (points from the trim box's top
   * left, as the photos'). */
  json_builder_set_member_name (b, "module");
  json_builder_begin_object (b);
  jopan_json_number (b, "x", p->x);
  jopan_json_number (b, "y", p->y);
  jopan_json_number (b, "width", p->w);
  jopan_json_number (b, "height", p->h);
  jopan_json_int (b, "column", m->column + 1);
  jopan_json_int (b, "columns", m->columns);
  jopan_json_number (b, "top", m->top * pitch);
  jopan_json_number (b, "depth", m->depth * pitch);
  json_builder_set_member_name (b, "fixed");
  json_builder_add_boolean_value (b, s->entry->slot.fixed);
  json_builder_end_object (b);
  jopan_json_number (b, "headline_size", r->headline_size);
  json_builder_set_member_name (b, "copyfit");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tracking_em");
  json_builder_add_double_value (b, round (r->fit.tracking * 10000) / 10000);
  jopan_json_int (b, "photo_lines", (int) r->fit.photo_lines);
  jopan_json_number (b, "size_change", r->fit.size_change);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  changes = jopan_report_get_changes (r->report, &n_changes);
  for (guint i = 0; i < n_changes; i++)
    json_builder_add_string_value (b, changes[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "overset");
  json_builder_begin_object (b);
  jopan_json_int (b, "lines", lines);
  jopan_json_int (b, "characters", chars);
  jopan_json_int (b, "photos", r->overset_photos);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "underset");
  json_builder_begin_object (b);
  jopan_json_int (b, "lines", r->underset_lines);
  jopan_json_int (b, "across", sh->across);
  jopan_json_int (b, "words", words_for (sh->lines, sh->per_line));
  json_builder_end_object (b);
  if (s->entry->jump > 0)
    jopan_json_int (b, "jump", s->entry->jump);
  json_builder_end_object (b);
}

static void
report_cost (JsonBuilder *b, const JopanComposeCost *cost)
{
  json_builder_set_member_name (b, "cost");
  json_builder_begin_object (b);
  jopan_json_number (b, "total", cost->total);
  jopan_json_number (b, "empty", cost->empty);
  jopan_json_number (b, "overset", cost->overset);
  jopan_json_number (b, "collisions", cost->collisions);
  jopan_json_number (b, "photos", cost->photos);
  jopan_json_number (b, "prominence", cost->prominence);
  jopan_json_number (b, "front", cost->front);
  jopan_json_number (b, "legs", cost->legs);
  jopan_json_number (b, "headlines", cost->headlines);
  jopan_json_number (b, "copyfit", cost->copyfit);
  json_builder_end_object (b);
}

/* ---- the document ------------------------------------------------------------------ */

/* The plans of the continued stories a page carries (their photos), and
 * their lines that found no page, as overset. */
static void
hold_carried (JopanDocument *doc, GPtrArray *carried_in)
{
  for (guint i = 0; carried_in && i < carried_in->len; i++)
    {
      const JopanCarried *k = g_ptr_array_index (carried_in, i);
      const JopanPageStory *e = g_ptr_array_index (k->source->stories, k->story);
      if (doc->held == NULL)
        doc->held = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_plan_free);
      g_ptr_array_add (doc->held, jopan_page_plan_ref (k->source));
      if (k->lost_lines > 0)
        jopan_report_add (doc->report, "overset", "%s: the story from page %u needs more than "
                          "page %u: %u lines overset", e->place, k->from, k->to, k->lost_lines);
    }
}

static gboolean
check_plan (const JopanPagePlan *plan, GError **error)
{
  if (plan->stories->len >= 1 && plan->stories->len <= MAX_STORIES
      && plan->boxes->len <= MAX_MODULES - MAX_STORIES)
    return TRUE;
  jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: a page holds 1 to %d stories and at most %d "
                   "boxes, got %u stories and %u boxes", plan->name ? plan->name : "page",
                   MAX_STORIES, MAX_MODULES - MAX_STORIES, plan->stories->len, plan->boxes->len);
  return FALSE;
}

static void
composer_init (Composer *c, JopanFonts *fonts, const JopanStyle *style, const JopanPagePlan *plan,
               const JopanLayoutOptions *options, GPtrArray *carried_in, JopanReport *report)
{
  *c = (Composer) { .fonts = fonts, .style = style, .plan = plan, .options = options,
                    .report = report, .carried_in = carried_in };
  c->columns = style->columns;
  c->folio_bands = jopan_layout_folio_bands (style);
  c->bands = (int) floor ((style->page_height - style->margin[0] - style->margin[2])
                          / style->baseline + 1e-6) - c->folio_bands;
  c->cache = g_hash_table_new_full (layout_key_hash, layout_key_equal, g_free, result_free);
  c->shapes = g_hash_table_new_full (layout_key_hash, layout_key_equal, g_free, g_free);
  c->texts = jopan_typeset_cache_new ();
  c->memo = jopan_layout_memo_new ();
  c->font_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  c->candidates = g_ptr_array_new_with_free_func (g_free);
  c->overset_names = g_string_new (NULL);
  c->n_stories = plan->stories->len;
  for (guint i = 0; i < c->n_stories; i++)
    {
      const JopanPageStory *e = g_ptr_array_index (plan->stories, i);
      Story *s = &c->stories[i];
      *s = (Story) { .entry = e, .index = (int) i, .weight = weight_of (style, e, i),
                     .fixed = e->slot.fixed };
      if (s->fixed)
        s->module = module_from_slot (c, &e->slot);
    }
  place_boxes (c);
  for (guint i = 0; i < c->n_stories; i++)
    if (c->stories[i].fixed)
      clear_of_boxes (c, &c->stories[i]);
  avoid_fixed (c);
}

static void
composer_clear (Composer *c)
{
  g_clear_pointer (&c->shapes, g_hash_table_unref);
  g_clear_pointer (&c->cache, g_hash_table_unref);
  g_clear_pointer (&c->texts, jopan_typeset_cache_free);
  g_clear_pointer (&c->memo, jopan_layout_memo_free);
  g_clear_pointer (&c->font_names, g_hash_table_unref);
  g_clear_pointer (&c->candidates, g_ptr_array_unref);
  g_string_free (c->overset_names, TRUE);
}

/* A hole: this many points of one column empty, top to bottom, is a
 * finding (an inch: what a desk sees at arm's length and fills). */
#define HOLE_POINTS 72.0

/* Marks in @owner (a band of each column under the folio: the module
 * there, -1 empty) what module @m fills: a box all of it, a story
 * @used[c] bands of its column c from the top (NULL: all). */
static void
cover (const Composer *c, int *owner, const JopanModule *m, const int *used, int who)
{
  for (int k = 0; k < m->columns && m->column + k < c->columns; k++)
    {
      int depth = used && k < JOPAN_MAX_COLUMNS ? CLAMP (used[k], 0, m->depth) : m->depth;
      for (int band = m->top; band < MIN (m->top + depth, c->bands); band++)
        owner[(m->column + k) * c->bands + band] = who;
    }
}

/* One hole, @depth bands of column @col from band @top: into the
 * report's list (on the grid as a module is, and as a frame on the
 * page) and the finding's text, with the story above it. */
static void
add_hole (const Composer *c, const int *owner, int col, int top, int depth, JsonBuilder *b,
          GString *where)
{
  double pitch = c->style->baseline;
  JopanModule hole = { col, 1, top, depth };
  int above = top > 0 ? owner[col * c->bands + top - 1] : -1;
  JopanPlaced frame;

  module_rect (c, &hole, &frame);
  json_builder_begin_object (b);
  jopan_json_int (b, "column", col + 1);
  jopan_json_number (b, "top", top * pitch);
  jopan_json_number (b, "depth", depth * pitch);
  jopan_json_number (b, "x", frame.x);
  jopan_json_number (b, "y", frame.y);
  jopan_json_number (b, "width", frame.w);
  jopan_json_number (b, "height", frame.h);
  json_builder_end_object (b);
  g_string_append_printf (where, "%scolumn %d, %.0f mm (%d lines)", where->len ? "; " : "",
                          col + 1, depth * pitch * 25.4 / 72, depth);
  if (above >= 0 && (guint) above < c->n_stories)
    g_string_append_printf (where, " under %s (about %d words)", story_src (c, (guint) above),
                            words_for (depth, c->shorts[above].per_line));
}

/* The page's holes: each run of empty bands in a column HOLE_POINTS or
 * deeper, into @b's "holes" and one finding naming them. */
static void
report_holes (Composer *c, JopanDocument *doc, const JopanPage *page, const int *owner,
              JsonBuilder *b)
{
  g_autoptr (GString) where = g_string_new (NULL);

  json_builder_set_member_name (b, "holes");
  json_builder_begin_array (b);
  for (int col = 0; col < c->columns; col++)
    for (int band = 0, run = 0; band <= c->bands; band++)
      {
        if (band < c->bands && owner[col * c->bands + band] < 0)
          run++;
        else
          {
            if (run * c->style->baseline >= HOLE_POINTS)
              add_hole (c, owner, col, band - run, run, b, where);
            run = 0;
          }
      }
  json_builder_end_array (b);
  if (where->len)
    jopan_report_add (doc->report, "underset", "%s: page %d has holes of an inch or more: %s; add "
                      "copy or a photo, or move a story", c->plan->name ? c->plan->name : "page",
                      page->number, where->str);
}

/* White across a story: BAND_LINES empty lines or more under its text
 * in every column of a module two columns wide or more.  A story's
 * columns may end a line or two apart as they balance; a band this deep
 * across all of them is a gap a reader sees between it and what
 * follows, though no column of it reaches an inch. */
#define BAND_LINES 3

/* Whether each column of @band lies in a hole (@owner: see cover()). */
static gboolean
all_holes (const Composer *c, const int *owner, const JopanModule *band)
{
  for (int col = band->column; col < band->column + band->columns; col++)
    {
      int from = band->top, to = band->top;
      while (from > 0 && owner[col * c->bands + from - 1] < 0)
        from--;
      while (to < c->bands && owner[col * c->bands + to] < 0)
        to++;
      if ((to - from) * c->style->baseline < HOLE_POINTS)
        return FALSE;
    }
  return TRUE;
}

/* The page's bands of white across a story (@modules: the stories'),
 * into @b's "bands", each with the story, its depth in lines, its frame
 * on the page and about how many words fill the story's underset; and
 * one finding naming those the holes finding does not already name in
 * every column. */
static void
report_bands (Composer *c, JopanDocument *doc, const JopanPage *page, const JopanModule *modules,
              guint n, const int *owner, JsonBuilder *b)
{
  g_autoptr (GString) where = g_string_new (NULL);

  json_builder_set_member_name (b, "bands");
  json_builder_begin_array (b);
  for (guint i = 0; i < MIN (n, c->n_stories); i++)
    {
      const Short *sh = &c->shorts[i];
      JopanModule band = { modules[i].column, modules[i].columns, sh->top, sh->across };
      int words = words_for (sh->lines, sh->per_line);
      JopanPlaced frame;

      if (modules[i].columns < 2 || sh->across < BAND_LINES)
        continue;
      module_rect (c, &band, &frame);
      json_builder_begin_object (b);
      jopan_json_string (b, "src", story_src (c, i));
      jopan_json_int (b, "lines", sh->across);
      jopan_json_int (b, "columns", band.columns);
      jopan_json_number (b, "x", frame.x);
      jopan_json_number (b, "y", frame.y);
      jopan_json_number (b, "width", frame.w);
      jopan_json_number (b, "height", frame.h);
      jopan_json_int (b, "words", words);
      json_builder_end_object (b);
      if (all_holes (c, owner, &band))
        continue;
      g_string_append_printf (where, "%s%s, %d lines under its text in ", where->len ? "; " : "",
                              story_src (c, i), sh->across);
      if (band.columns == 2)
        g_string_append (where, "both columns");
      else
        g_string_append_printf (where, "all %d columns", band.columns);
      g_string_append_printf (where, " (%d lines short, about %d words)", sh->lines, words);
    }
  json_builder_end_array (b);
  if (where->len)
    jopan_report_add (doc->report, "underset", "%s: page %d has white across stories: %s; add "
                      "copy or a photo, or move a story", c->plan->name ? c->plan->name : "page",
                      page->number, where->str);
}

/* The page's empty share, the solver's layout and its cost; a finding
 * when more than 5 % of the type area is empty, another for its holes. */
static void
report_page (Composer *c, JopanDocument *doc, const JopanPage *page, const Candidate *best,
             const JopanComposeCost *cost, const JopanModule *modules, guint n, int empty,
             const int *owner)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  int area = c->columns * c->bands, covered = 0;
  double share;

  for (guint i = 0; i < n; i++)
    covered += modules[i].columns * modules[i].depth;
  empty += MAX (0, area - covered);
  share = area > 0 ? (double) empty / area : 0;
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  jopan_json_int (b, "page", page->number);
  jopan_json_string (b, "layout", best->name);
  jopan_json_int (b, "candidates", c->candidates->len);
  jopan_json_int (b, "layouts", g_hash_table_size (c->cache));
  jopan_json_int (b, "empty_lines", empty);
  jopan_json_number (b, "empty_share", share);
  report_cost (b, cost);
  report_holes (c, doc, page, owner, b);
  report_bands (c, doc, page, modules, n, owner, b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  jopan_report_add_member (doc->report, "composition", json_builder_get_root (b));
  jopan_report_set_underset (doc->report, empty);
  /* More copy than the page holds: a desk moves a story or jumps one. */
  if (c->overset_lines > 0)
    jopan_report_add (doc->report, "overset", "%s: page %d holds %u lines more than fit; move a "
                      "story or jump one: %s", c->plan->name ? c->plan->name : "page",
                      page->number, c->overset_lines, c->overset_names->str);
  if (share > 0.05)
    jopan_report_add (doc->report, "underset", "%s: page %d: %.0f%% of the type area is empty "
                      "(%d column lines)", c->plan->name ? c->plan->name : "page", page->number,
                      share * 100, empty);
}

/* Draws a continued story's boxes (its own folio left out) moved down
 * to its module; the page keeps references of its own.  What falls below
 * the module (a continuation deeper than the page leaves it) is not
 * drawn: its body lines are counted in @cut. */
static void
place_carried_boxes (const Composer *c, JopanPage *page, const JopanCarried *k, const JopanPlaced *p,
                     guint *cut)
{
  double dy = p->y - module_y (c, 0), bottom = p->y + p->h;

  *cut = 0;
  for (guint i = k->skip; i < k->page->boxes->len; i++)
    {
      JopanBox box = g_array_index (k->page->boxes, JopanBox, i);
      box.y += dy;
      if (box.y + (box.kind == JOPAN_BOX_IMAGE ? box.h : 0) > bottom + 0.01)
        {
          *cut += box.kind == JOPAN_BOX_TEXT && g_strcmp0 (box.role, "body") == 0;
          continue;
        }
      if (box.layout)
        g_object_ref (box.layout);
      if (box.shape)
        jopan_line_shape_ref (box.shape);
      box.path = g_strdup (box.path);
      box.place = g_strdup (box.place);
      g_array_append_val (page->boxes, box);
    }
}

/* Places box @i (of the plan's boxes, then the continued stories) in its
 * module. */
static void
build_box (Composer *c, JopanDocument *doc, JopanPage *page, guint i, JopanPlaced *p)
{
  p->index = (int) i;
  p->first_box = page->boxes->len;
  if (i >= c->plan->boxes->len)
    {
      const JopanCarried *k = g_ptr_array_index (c->carried_in, i - c->plan->boxes->len);
      const JopanPageStory *e = g_ptr_array_index (k->source->stories, k->story);
      guint cut;
      place_carried_boxes (c, page, k, p, &cut);
      if (cut > 0)
        jopan_report_add (c->report, "overset", "%s: the story from page %u is deeper than page "
                          "%u leaves it: %u lines overset", e->place, k->from, k->to, cut);
    }
  else
    place_box (c, page, g_ptr_array_index (c->plan->boxes, i), p);
  p->n_boxes = page->boxes->len - p->first_box;
  g_array_append_val (doc->placed, *p);
}

void
jopan_carried_free (JopanCarried *k)
{
  if (k == NULL)
    return;
  jopan_page_free (k->page);
  jopan_page_plan_free (k->source);
  g_free (k);
}

/* The body lines on @page. */
static guint
body_lines (const JopanPage *page)
{
  guint n = 0;

  for (guint i = 0; i < page->boxes->len; i++)
    n += g_strcmp0 (g_array_index (page->boxes, JopanBox, i).role, "body") == 0;
  return n;
}

/* Story @i's first continuation page, taken from @r, for the page it
 * continues on; what would go on further pages is counted as lost. */
static JopanCarried *
carried_new (Composer *c, guint i, LayoutResult *r)
{
  JopanCarried *k = g_new0 (JopanCarried, 1);
  const JopanPageStory *e = c->stories[i].entry;

  k->page = g_ptr_array_steal_index (r->pages, 1);
  jopan_page_shape_lines (k->page); /* it goes to another page's thread */
  k->source = jopan_page_plan_ref ((JopanPagePlan *) c->plan);
  k->story = (int) i;
  k->from = MAX (1u, c->plan->number);
  k->to = e->jump;
  /* Its own folio comes first, then the jump head. */
  while (k->skip < k->page->boxes->len
         && g_strcmp0 (g_array_index (k->page->boxes, JopanBox, k->skip).role, "jump") != 0)
    k->skip++;
  k->bands = (r->pages->len == 1 ? r->bottom : c->bands + c->folio_bands) - c->folio_bands;
  k->bands = CLAMP (k->bands, 1, c->bands);
  while (r->pages->len > 1)
    {
      JopanPage *further = g_ptr_array_steal_index (r->pages, 1);
      k->lost_lines += body_lines (further);
      jopan_page_free (further);
    }
  return k;
}

/* The bands of module @m its story (which fills @used bands of each
 * column from the top) leaves empty in every column, down to the air
 * above a story below: white across the story's width, which no
 * balancing of its columns explains. */
static int
empty_across (const JopanModule *m, const int *used, gboolean air)
{
  int depth = m->depth - (air ? 1 : 0), band = depth;

  for (int k = 0; k < m->columns && k < JOPAN_MAX_COLUMNS; k++)
    band = MIN (band, depth - CLAMP (used[k], 0, depth));
  return MAX (band, 0);
}

/* Moves story @i's layout in its module onto the page; reports it. */
static gboolean
build_story (Composer *c, JopanDocument *doc, JopanPage *page, guint i, JopanPlaced *p,
             const JopanModule *m, gboolean air, JsonBuilder *b, int *empty, int *owner,
             GError **error)
{
  const JopanPageStory *e = c->stories[i].entry;
  LayoutResult *r = lay_out_in (c, &c->stories[i], m, air, TRUE, error);
  Short *sh = &c->shorts[i];
  guint chars, lines;

  if (r == NULL)
    return FALSE;
  sh->lines = MAX (0, r->underset_lines);
  sh->per_line = r->need_bands > 0
                 ? (double) jopan_layout_memo_words (c->memo, e->article) / r->need_bands : 0;
  sh->across = empty_across (m, r->used, air);
  sh->top = m->top + m->depth - (air ? 1 : 0) - sh->across;
  report_story (b, c, &c->stories[i], p, m, r);
  jopan_report_merge (doc->report, r->report);
  if (r->pages->len > 0)
    take_page (page, g_ptr_array_index (r->pages, 0), r->folio_boxes, m, p);
  g_array_append_val (doc->placed, *p);
  *empty += MAX (0, r->underset_lines);
  cover (c, owner, m, r->used, (int) i);
  lines = jopan_report_get_overset (r->report, &chars);
  c->overset_lines += lines;
  c->overset_chars += chars;
  if (lines > 0)
    g_string_append_printf (c->overset_names, "%s%s (%u lines)", c->overset_names->len ? ", " : "",
                            e->src ? e->src : e->article->name, lines);
  /* A jumped story's continuation page follows the composed page, or in
   * an edition goes to the page it continues on. */
  if (e->jump > 0 && r->pages->len > 1 && c->carried_out)
    g_ptr_array_add (c->carried_out, carried_new (c, i, r));
  while (e->jump > 0 && r->pages->len > 1)
    g_ptr_array_add (doc->pages, g_ptr_array_steal_index (r->pages, 1));
  return TRUE;
}

/* Story @i, left off the page: all of it is overset, and said so. */
static void
left_off (Composer *c, JopanDocument *doc, const JopanPage *page, guint i, JsonBuilder *b)
{
  const Story *s = &c->stories[i];
  const JopanArticle *a = s->entry->article;
  const char *src = s->entry->src ? s->entry->src : a->name;
  guint chars = 0;

  for (guint k = 0; k < a->blocks->len; k++)
    chars += (guint) g_utf8_strlen (((JopanBlock *) g_ptr_array_index (a->blocks, k))->text, -1);
  jopan_report_add (doc->report, "overset", "%s: left off page %d, it does not fit beside the "
                    "others (some %d lines); move it to another page or jump it",
                    s->entry->place ? s->entry->place : src, page->number, s->lines);
  c->overset_lines += (guint) s->lines;
  c->overset_chars += chars;
  g_string_append_printf (c->overset_names, "%s%s (left off)", c->overset_names->len ? ", " : "",
                          src);
  json_builder_begin_object (b);
  jopan_json_string (b, "src", src);
  jopan_json_string (b, "weight", weight_name (s->weight));
  jopan_json_int (b, "lines", s->lines);
  jopan_json_int (b, "characters", chars);
  json_builder_end_object (b);
}

/* Draws the chosen candidate onto a page and reports each story. */
static gboolean
build_page (Composer *c, JopanDocument *doc, const Candidate *best, const JopanComposeCost *cost,
            GError **error)
{
  JopanModule modules[MAX_MODULES];
  guint n = all_modules (c, best, modules);
  JopanPage *page = jopan_page_new (c->style->page_width, c->style->page_height,
                                    (int) MAX (1u, c->plan->number));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonBuilder) off = json_builder_new ();
  int empty = 0, index = (int) doc->pages->len;
  g_autofree int *owner = g_new (int, (gsize) c->columns * MAX (c->bands, 1));

  for (int k = 0; k < c->columns * c->bands; k++)
    owner[k] = -1;
  json_builder_begin_array (off);
  page->bleed = c->style->bleed;
  page->marks = c->style->marks;
  g_ptr_array_add (doc->pages, page);
  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    {
      JopanPlaced p = { .is_box = i >= c->n_stories, .index = (int) i,
                        .page = index };
      module_rect (c, &modules[i], &p);
      if (!p.is_box && modules[i].columns == 0)
        left_off (c, doc, page, i, off);
      else if (p.is_box)
        {
          build_box (c, doc, page, i - c->n_stories, &p);
          cover (c, owner, &modules[i], NULL, (int) i);
        }
      else if (!build_story (c, doc, page, i, &p, &modules[i], has_below (&modules[i], modules, n),
                             b, &empty, owner, error))
        return FALSE;
    }
  json_builder_end_array (b);
  jopan_report_add_member (doc->report, "stories", json_builder_get_root (b));
  json_builder_end_array (off);
  jopan_report_add_member (doc->report, "left_off", json_builder_get_root (off));
  draw_hairlines (c, page, modules, n);
  report_page (c, doc, page, best, cost, modules, n, empty, owner);
  jopan_report_set_overset (doc->report, c->overset_lines, c->overset_chars);
  return TRUE;
}

JopanDocument *
jopan_document_new_page (JopanFonts *fonts, const JopanStyle *style, const JopanPagePlan *plan,
                         const JopanLayoutOptions *options, GError **error)
{
  return jopan_compose_page (fonts, style, plan, options, NULL, error);
}

/* The page file's lang, else its first story's. */
static const char *
page_lang (const JopanPagePlan *plan)
{
  if (plan->lang || plan->stories->len == 0)
    return plan->lang;
  return jopan_article_get_lang (((JopanPageStory *) g_ptr_array_index (plan->stories, 0))->article);
}

static JopanDocument *compose (JopanFonts *fonts, const JopanStyle *style,
                               const JopanPagePlan *plan, const JopanLayoutOptions *options,
                               const char *only, GPtrArray *carried_in, GPtrArray *carried_out,
                               GError **error);

JopanDocument *
jopan_compose_page (JopanFonts *fonts, const JopanStyle *style, const JopanPagePlan *plan,
                    const JopanLayoutOptions *options, const char *only, GError **error)
{
  return compose (fonts, style, plan, options, only, NULL, NULL, error);
}

JopanDocument *
jopan_compose_edition_page (JopanFonts *fonts, const JopanStyle *style, const JopanPagePlan *plan,
                            const JopanLayoutOptions *options, GPtrArray *carried_in,
                            GPtrArray *carried_out, GError **error)
{
  return compose (fonts, style, plan, options, NULL, carried_in, carried_out, error);
}

static JopanDocument *
compose (JopanFonts *fonts, const JopanStyle *style, const JopanPagePlan *plan,
         const JopanLayoutOptions *options, const char *only, GPtrArray *carried_in,
         GPtrArray *carried_out, GError **error)
{
  g_autoptr (JopanDocument) doc = NULL;
  Composer c;
  JopanComposeCost cost;
  const Candidate *best;
  JopanStyle page_style;
  gboolean ok;

  g_return_val_if_fail (fonts != NULL && style != NULL && plan != NULL, NULL);
  /* The page's grid is its language's ([page:ko] baseline); each story
   * takes its own language's paragraph styles. */
  jopan_style_resolve (style, page_lang (plan), NULL, &page_style);
  style = &page_style;
  if (!check_plan (plan, error) || !jopan_layout_options_check (options, style, error))
    return NULL;
  doc = g_new0 (JopanDocument, 1);
  doc->fonts = jopan_fonts_ref (fonts);
  doc->style_path = g_strdup (style->path);
  jopan_print_copy (&doc->print, style);
  doc->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  doc->report = jopan_report_new ();
  doc->placed = g_array_new (FALSE, FALSE, sizeof (JopanPlaced));
  /* The plan keeps the articles, their photos and the boxes alive. */
  doc->plan = jopan_page_plan_ref ((JopanPagePlan *) plan);
  for (const char *const *w = (const char *const *) plan->warnings->pdata; w && *w; w++)
    jopan_report_add (doc->report, "warning", "%s", *w);
  for (guint i = 0; i < plan->stories->len; i++)
    {
      JopanArticle *a = ((JopanPageStory *) g_ptr_array_index (plan->stories, i))->article;
      for (const char *const *w = jopan_article_get_warnings (a); *w; w++)
        jopan_report_add (doc->report, "warning", "%s", *w);
    }
  jopan_style_report_fonts (style, fonts, doc->report);
  hold_carried (doc, carried_in);
  composer_init (&c, fonts, style, plan, options, carried_in, doc->report);
  c.only = only;
  c.carried_out = carried_out;
  best = solve (&c, &cost, error);
  ok = best != NULL && build_page (&c, doc, best, &cost, error);
  composer_clear (&c);
  if (!ok)
    return NULL;
  jopan_preflight_pages (doc);
  jopan_report_set_pages (doc->report, doc->pages->len);
  return g_steal_pointer (&doc);
}
