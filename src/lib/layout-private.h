/* layout-private.h — what the layout files share: the grid, rows, the flow.
 *
 * The grid is a stack of bands one baseline pitch tall.  Everything that
 * sits in a column (body lines, subheads, quotes, photos with captions)
 * occupies whole bands, so every body line lands on the page's baseline
 * grid and lines in neighbouring columns share their baselines.
 *
 * Body text is set once per attempt at column width into rows (a row: one
 * body line, or a whole subhead or quote); the flow then only assigns rows
 * to column segments, which makes trying many depths (balancing) cheap.
 * Copyfit makes several attempts with different fit parameters.
 *
 * A Layout is grouped by role: lo->in, the input (never written); lo->set,
 * the settings one attempt derives from the input and its fit; lo->at, the
 * attempt's scratch and flow; lo->res, what the attempt measured, which
 * copyfit judges and the last attempt hands on in a LayoutResult.
 */
#ifndef JOPAN_LAYOUT_PRIVATE_H
#define JOPAN_LAYOUT_PRIVATE_H

#include "jopan-private.h"

#include <math.h>

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
  JopanText *text;              /* borrowed from the attempt's list */
  guint first, count;           /* the lines of @text in this row */
  int bands;
  int discard;                  /* bands of space before it that vanish at a column's top */
  double offset;                /* first baseline below the row's top */
  JopanParaKind kind;
  gboolean break_before;        /* may a column end before this row? */
  gboolean after_hyphen;        /* the line before ends in a hyphen: no page may end there */
  gboolean rule_above, rule_below;
  double indent;                /* x offset of the lines in the column */
  guint order;                  /* its place in the text, whatever its place on the page */
} Row;

/* A free run of bands in a column, where the flow may put rows. */
typedef struct {
  int page;                     /* 0-based */
  int column;
  int top, bottom;              /* bands [top, bottom) */
} Segment;

typedef struct {
  int segment;
  int band;                     /* the row's top (above its segment when space was discarded) */
} Placement;

typedef struct {
  const JopanImageRef *image;
  int index;                    /* in the article's images */
  int columns;
  int frame_bands;              /* the photo itself */
  int bands;                    /* photo, credit, caption and the air below */
  int natural_frame_bands, natural_bands; /* before any room was short */
  JopanText *credit, *caption;
  guint credit_lines, caption_lines; /* drawn: what fits under the frame */
  gboolean credit_inline;       /* the credit ends the caption's last line */
} Photo;

/* A photo in the columns: a hole the flow goes around. */
typedef struct {
  Photo photo;
  int page, column, top;
  int delta;                    /* frame lines the flow gave (or took) to even the
                                 * text above it: its foot stays, its top moves */
} Hole;

/* What copyfit may change. */
typedef struct {
  double tracking;              /* body letter spacing, em */
  double photo_lines;           /* grid lines added to the lead photo (whole) */
  double size_change;           /* points added to the body size */
  double headline_change;       /* points added to the headline (--fill) */
  double photo_span;            /* columns added to the lead photo (--fill) */
} FitParams;

/* Where a story's area sits on a composed page (compose.c): a module of
 * the grid.  With columns 0 the story is laid out as before: at the left
 * of the grid, under a folio of its own. */
typedef struct {
  int column, columns;          /* the first grid column, and how many */
  int top;                      /* its first band (below the page's folio) */
  gboolean folio;               /* this story draws the page's one folio */
  int number;                   /* the page's number, for the folio */
  const char *title, *section, *date; /* the page's, for the folio */
  const char *lang;             /* the page's (NULL: the story's), for the folio's date */
  int later_bands;              /* > 0: a continuation page holds the story in at most
                                 * this many bands under its folio (an edition's page
                                 * carries it above stories of its own) */
} LayoutModule;


/* What attempts measured, by story, slot and fit: a page's copyfit
 * searches share it across the solver's candidates (see copyfit.c). */
typedef struct _LayoutMemo LayoutMemo;

LayoutMemo *jopan_layout_memo_new (void);
void jopan_layout_memo_free (LayoutMemo *memo);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (LayoutMemo, jopan_layout_memo_free)
/* @a's words (split at spaces: a Korean word is an eojeol), counted once
 * per memo. */
guint jopan_layout_memo_words (LayoutMemo *memo, const JopanArticle *a);

/* About @words words, as a desk writes or cuts them: to the nearest
 * five, at least five (0 for none). */
static inline guint
jopan_words_about (double words)
{
  return words > 0 ? (guint) MAX (1.0, round (words / 5)) * 5 : 0;
}

/* The most lines a headline of @weight takes in a module (3, a brief's
 * 2): a longer one is set smaller (headline_to_lines()). */
static inline guint
jopan_headline_most_lines (JopanWeight weight)
{
  return weight == JOPAN_WEIGHT_BRIEF ? 2 : 3;
}

/* What a story is laid out from. */
typedef struct {
  JopanFonts *fonts;
  const JopanStyle *style;
  const JopanArticle *article;
  JopanLayoutOptions options;   /* a slot (or the module's columns and depth), copyfit,
                                 * weight, jump_page */
  LayoutModule module;          /* columns 0: not on a composed page */
  JopanTypesetCache *cache;     /* the page's texts as set; NULL: the story's own */
  LayoutMemo *memo;             /* the page's attempts measured; NULL: the story's own */
  GHashTable *font_names;       /* "size|font" → the font at that size, printed: the
                                 * page's; NULL: the story's own */
  gboolean measure_only;        /* the result is measured, never drawn: its pages hold
                                 * no body lines, only what its columns hold */
  gboolean fill_slot;           /* copyfit in a slot with nothing under it: what growing
                                 * within [copyfit] leaves empty, --fill's steps take */
} LayoutInput;

/* What one attempt is set with: derived from the input and the fit, once
 * per attempt (the fitted style, the grid, the story's area, its weight). */
typedef struct {
  JopanStyle style;             /* a shallow copy of the input's with the fit applied */
  const JopanStyle *style_from; /* the input's style @style was copied from whole */
  char *body_font;              /* owned: the copy's body font */
  char *headline_font;          /* owned: the copy's headline font */
  int body_font_size, headline_font_size; /* theirs, in Pango units (when not NULL) */
  Grid grid;
  gboolean korean;
  /* the story's area */
  int columns;                  /* its columns, from the left of the grid */
  int depth;                    /* its last band + 1 on each page */
  int max_pages;                /* 1 in a slot */
  gboolean slot;
  int slot_columns;
  int depth_lines;              /* a slot's depth in grid lines */
  FitParams fit;
  /* the story's treatment (its weight) and its jumps */
  JopanWeight weight;           /* never AUTO here */
  const JopanTreatment *treatment;
  double headline_size;         /* from the ladder, before --fill */
  double headline_chosen;       /* the size the story's length chose, before a module's
                                 * lines stepped it down (headline_to_lines()) */
  guint jump_page;              /* the number of the page the rest continues on; 0: next */
  gboolean fill_page;           /* --fill on a whole page: every column */
  int folio_bottom;             /* first band under the folio */
  /* Later pages: a module's story continues across the whole page. */
  Grid later_grid;
  int later_columns, later_depth;
} LayoutSettings;

/* One attempt's scratch and its flow: the texts set, the rows, the photos,
 * where the flow put the rows. */
typedef struct {
  JopanTypesetter ts;           /* kept across attempts: it sets with the settings' style */
  JopanReport *findings;
  GPtrArray *texts;             /* of JopanText*, owned */
  GArray *rows;                 /* of Row */
  guint keep_pending;           /* rows still to keep with a subhead */
  GPtrArray *pages;             /* of JopanPage* */
  int *column_top;              /* first free band per column on page 1 */
  int continued_top;            /* first free band on later pages */
  GArray *holes;                /* of Hole */
  Photo lead;
  gboolean has_lead;
  int lead_top;                 /* band of the lead photo's top on page 1 */
  int lead_column;              /* the lead photo's first column */
  /* the flow (flow.c) */
  GArray *segments;             /* of Segment */
  Placement *placed;
  guint n_placed;               /* rows placed; the rest is overset */
  guint forced_breaks;          /* column breaks the keeps did not allow */
  int n_pages;
  int last_depth;               /* the balanced depth of the last page */
  gboolean beyond_pages;        /* rows were left unset: they fill max_pages already */
  guint *rows_at;               /* by page: where its rows' boxes go (NULL: drawn) */
} LayoutAttempt;

/* What an attempt measured: copyfit judges by it, and the last attempt's
 * goes into the LayoutResult. */
typedef struct {
  guint overset_lines, overset_chars;
  guint overset_photos;         /* further photos with no room in the slot */
  int underset_lines;
  double underset_share;        /* of the story's type area, last page */
  int used[JOPAN_MAX_COLUMNS];  /* the bands each column fills on the last page, from the
                                 * story's top (all of them when it continues or overflows) */
  int bottom;                   /* the last band the story uses on its last page + 1 */
  int need_bands;               /* the body's rows, in bands of one column */
  int header_bands;             /* kicker, headline and deck */
  int headline_over;            /* the headline's lines beyond a module's most (3, a
                                 * brief's 2), where even its smallest size needs them */
  guint folio_boxes;            /* the page's folio: the first boxes of page 1 */
} LayoutMeasures;

/* A story being laid out: its input (read only), the settings of the
 * present attempt, the attempt's scratch, and what it measured. */
typedef struct {
  const LayoutInput *in;
  LayoutSettings set;
  LayoutAttempt at;
  LayoutMeasures res;
} Layout;

/* The grid, the columns and the depth of the story's page @p: its module
 * on the first, the whole page on a continuation page. */
static inline const Grid *
layout_page_grid (const Layout *lo, int p)
{
  return p == 0 ? &lo->set.grid : &lo->set.later_grid;
}

static inline int
layout_page_columns (const Layout *lo, int p)
{
  return p == 0 ? lo->set.columns : lo->set.later_columns;
}

static inline int
layout_page_depth (const Layout *lo, int p)
{
  return p == 0 ? lo->set.depth : lo->set.later_depth;
}

/* ---- story layout as a function: (story, style, module) → result ---------
 * Compose calls it many times for one story, in different modules; it
 * changes nothing but the result it fills. */


/* What laying it out gave. */
typedef struct {
  GPtrArray *pages;             /* of JopanPage*, owned */
  JopanReport *report;          /* its findings, overset, underset and copyfit; owned */
  Photo lead;                   /* the lead photo as placed (credit and caption not kept) */
  gboolean has_lead;
  FitParams fit;
  JopanWeight weight;           /* as chosen: never AUTO */
  double headline_size;         /* points */
  guint overset_lines, overset_chars, overset_photos;
  int underset_lines;
  int used[JOPAN_MAX_COLUMNS];  /* see LayoutMeasures */
  int bottom, need_bands, header_bands, headline_over; /* see LayoutMeasures */
  double headline_small;        /* points its headline is set below 9/10 of the size it
                                 * would have had (the "headline" finding); 0: none */
  guint folio_boxes;
  int columns;                  /* the story's columns */
  gboolean filled;              /* fill_slot's steps grew it (LayoutInput) */
} LayoutResult;

gboolean jopan_layout_story (const LayoutInput *input, LayoutResult *result, GError **error);
void jopan_layout_result_clear (LayoutResult *result);

/* layout.c */
/* The bands a page's folio takes, rule and air included. */
int jopan_layout_folio_bands (const JopanStyle *style);
gboolean jopan_layout_attempt (Layout *lo, GError **error);
/* Attempts made in this process (atomically counted): tests bound them. */
extern gint jopan_layout_attempts;
/* Tests: 0 (a story held to one page sets the jump head it never prints
 * only to size a further photo), 1 (every attempt sets it, as it did),
 * 2 (wrong: never in a story held to one page). */
extern int jopan_layout_jump_heads;
/* Font descriptions an attempt's fit printed (layout.c): tests bound them. */
extern gint jopan_layout_font_prints;
/* Articles whose words were counted (copyfit.c, once per memo): tests bound them. */
extern gint jopan_layout_word_counts;
/* Styles resolved for a story's language (copyfit.c, once per memo and
 * language): tests bound them. */
extern gint jopan_layout_style_resolves;
/* Tests: 1 (a memo resolves a style once per language), 0 (every layout
 * resolves it, as it did), 2 (a wrong key: the first language's for all). */
extern int jopan_layout_resolve_once;
void jopan_layout_attempt_clear (LayoutAttempt *at);
/* Adds the rows' lines to the attempt's pages: only the attempt kept,
 * and drawn, needs them. */
void jopan_layout_draw_rows (Layout *lo);
/* The number printed on page @p (0-based) of the story. */
int jopan_layout_page_number (const Layout *lo, int p);

/* flow.c */
/* Tests: FALSE makes balancing flow every way of ending the last page's
 * columns whole, as it did before it flowed them column by column; never
 * written outside tests. */
extern gboolean jopan_flow_by_column;
/* Tests: TRUE makes balancing check each column's foot, as it finds it
 * from the row placed last, against every row's (g_error on a difference). */
extern gboolean jopan_flow_check_feet;
/* Tests: 1 (balancing reuses a column flowed at one depth at the next,
 * where it ends as low), 0 (it flows it again at each depth, as it did),
 * 2 (a wrong key: it reuses it where it ends as many bands early). */
extern int jopan_flow_reuse_depths;
/* Tests: 1 (a flow places a run of rows from their summed bands, the end
 * of the run found by bisection), 0 (row by row), 2 (wrong: a band past the foot). */
extern int jopan_flow_runs;
/* Tests: TRUE makes balancing blind to the white between the text above a
 * photo at the foot of the last page and the photo (it counts the photo's
 * foot as its columns'). */
extern gboolean jopan_flow_blind_above_photos;
/* Tests: FALSE leaves every further photo's frame as placed: none gives or
 * takes lines to even the text above it. */
extern gboolean jopan_flow_even_photos;
/* Columns balancing flowed in this process (atomically counted): tests bound them. */
extern gint jopan_flow_column_flows;
/* Places the rows on the fewest pages (at most lo->set.max_pages), balances
 * the last page, and sets lo->at's placed, n_placed, n_pages, last_depth
 * (and the lead's frame and the rows' order, as the balancing chose). */
void jopan_flow_fit (Layout *lo);

#endif /* JOPAN_LAYOUT_PRIVATE_H */
