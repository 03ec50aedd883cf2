/* copyfit.c — laying out an article: on pages, or in a slot, made to fit.
 *
 * In a slot the story has a fixed number of columns and a depth.  Copyfit
 * makes it fit by changing, within the style's [copyfit] bounds and in this
 * order, the body's tracking, the lead photo's height in whole grid lines,
 * then the body size in small steps; it never cuts text.  What still does
 * not fit is reported as overset.  A composed page's story with nothing
 * under its module (LayoutInput's fill_slot) that is still short of its
 * foot then grows its lead photo as --fill does.
 */
#include "layout-private.h"

#include <math.h>
#include <string.h>

/* ---- the search ------------------------------------------------------------------
 *
 * Copyfit judges a fit by three numbers (overset, underset, whether the
 * lead photo has room), and laying the story out is what costs: each new
 * tracking or size sets every paragraph again.  So a fit is probed: its
 * measures come from the memo when an earlier attempt (this search's,
 * the plain layout compose made of the same module, or another
 * candidate's search) measured them; only the fit chosen at the end must
 * be laid out for real.  A story's measures do not depend on where its
 * module sits (its first column, its top), only on its shape: the memo is
 * keyed by story, slot and fit.
 *
 * More tracking, a taller photo or a bigger body never sets fewer lines:
 * overset comes as a parameter rises and goes as it falls, and underset
 * falls as it rises.  The search relies on that: it probes the far end
 * of a range first and bisects only when that end changes anything,
 * instead of walking step by step.  A story with photos besides its lead
 * is the exception (see underset_monotone()): growing it walks, as it
 * did, from the memo. */

struct _LayoutMemo {
  GHashTable *measures; /* ProbeKey → Probe */
  GHashTable *words;    /* JopanArticle* → Count (count_words), owned */
  GPtrArray *styles;    /* of Resolved (resolved_style) */
};

/* A style resolved for a language (jopan_style_resolve()). */
typedef struct {
  const JopanStyle *base;
  char *page_lang, *text_lang;
  JopanStyle style;
} Resolved;

static void
resolved_free (gpointer p)
{
  Resolved *r = p;

  g_free (r->page_lang);
  g_free (r->text_lang);
  g_free (r);
}

typedef struct {
  guint overset_lines;
  int underset_lines;
  gboolean has_lead;
} Probe;

/* Everything an attempt's measures depend on but its module's place and
 * the page's style (a memo serves one page): probe_key().  Compared byte
 * for byte (no padding: set whole by probe_key()), as its printed form
 * was, with each fit's number exact (-0 apart from 0 both ways). */
typedef struct {
  const JopanArticle *article;
  int weight, max_pages, fill_page, slot_columns, depth_lines, columns, folio, later_bands, number;
  guint jump_page;
  FitParams fit;
} ProbeKey;

static guint
probe_key_hash (gconstpointer key)
{
  const guint8 *p = key;
  guint32 h = 2166136261u;

  /* FNV-1a over its bytes. */
  for (gsize i = 0; i < sizeof (ProbeKey); i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

static gboolean
probe_key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (ProbeKey)) == 0;
}

LayoutMemo *
jopan_layout_memo_new (void)
{
  LayoutMemo *memo = g_new0 (LayoutMemo, 1);

  memo->measures = g_hash_table_new_full (probe_key_hash, probe_key_equal, g_free, g_free);
  memo->words = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  memo->styles = g_ptr_array_new_with_free_func (resolved_free);
  return memo;
}

void
jopan_layout_memo_free (LayoutMemo *memo)
{
  if (memo == NULL)
    return;
  g_hash_table_unref (memo->measures);
  g_hash_table_unref (memo->words);
  g_ptr_array_unref (memo->styles);
  g_free (memo);
}

/* An attempt set aside: its settings, scratch (its typesetter is the
 * Layout's) and measures. */
typedef struct {
  LayoutSettings set;
  LayoutAttempt at;
  LayoutMeasures res;
  gboolean valid;
} Kept;

/* A copyfit search: the Layout holds the last attempt laid out (at
 * @held, when @holding); @kept, the best found so far when it was laid
 * out, so that settling on it does not lay it out again. */
typedef struct {
  Layout *lo;
  LayoutMemo *memo;
  FitParams held;
  gboolean holding;
  gboolean monotone;            /* underset falls as a parameter rises */
  Kept kept;
} Search;

static void
kept_clear (Kept *k)
{
  if (!k->valid)
    return;
  jopan_layout_attempt_clear (&k->at);
  g_free (k->set.body_font);
  g_free (k->set.headline_font);
  k->valid = FALSE;
}

/* Sets the attempt the Layout holds aside, when it is at @fit: the best
 * so far.  The Layout holds nothing then. */
static void
keep (Search *s, const FitParams *fit)
{
  Layout *lo = s->lo;

  if (!s->holding || memcmp (&s->held, fit, sizeof *fit) != 0)
    return;
  kept_clear (&s->kept);
  s->kept = (Kept) { .set = lo->set, .at = lo->at, .res = lo->res, .valid = TRUE };
  lo->at = (LayoutAttempt) { .ts = lo->at.ts };
  lo->set.body_font = lo->set.headline_font = NULL;
  s->holding = FALSE;
}

/* Takes the attempt set aside back, when it is at @fit. */
static gboolean
take_kept (Search *s, const FitParams *fit)
{
  Layout *lo = s->lo;
  JopanTypesetter ts = lo->at.ts;

  if (!s->kept.valid || memcmp (&s->kept.set.fit, fit, sizeof *fit) != 0)
    return FALSE;
  jopan_layout_attempt_clear (&lo->at);
  g_free (lo->set.body_font);
  g_free (lo->set.headline_font);
  lo->set = s->kept.set, lo->at = s->kept.at, lo->res = s->kept.res;
  lo->at.ts = ts;
  jopan_typesetter_begin (&lo->at.ts, lo->at.findings);
  s->kept.valid = FALSE;
  s->held = *fit, s->holding = TRUE;
  return TRUE;
}

static gboolean
fit_equal (const FitParams *a, const FitParams *b)
{
  return memcmp (a, b, sizeof *a) == 0;
}

/* The memo's key of @lo's attempt at @f, in @key. */
static void
probe_key (const Layout *lo, const FitParams *f, ProbeKey *key)
{
  const LayoutInput *in = lo->in;

  memset (key, 0, sizeof *key);
  key->article = in->article;
  key->weight = (int) lo->set.weight;
  key->jump_page = lo->set.jump_page;
  key->max_pages = lo->set.max_pages;
  key->fill_page = lo->set.fill_page;
  key->slot_columns = lo->set.slot ? lo->set.slot_columns : 0;
  key->depth_lines = lo->set.slot ? lo->set.depth_lines : 0;
  /* A module past the grid's right edge loses columns (compose's never
   * does, nor one past its foot). */
  key->columns = MIN (in->module.columns, in->style->columns - in->module.column);
  key->folio = in->module.folio;
  key->later_bands = in->module.later_bands;
  key->number = in->module.number;
  key->fit = *f;
}

/* Lays the story out at @fit; the Layout then holds it. */
static gboolean
try_fit (Search *s, FitParams fit, GError **error)
{
  Layout *lo = s->lo;
  Probe *p = g_new (Probe, 1);
  ProbeKey *key;

  lo->set.fit = fit;
  s->holding = FALSE;
  if (!jopan_layout_attempt (lo, error))
    {
      g_free (p);
      return FALSE;
    }
  s->held = fit, s->holding = TRUE;
  *p = (Probe) { lo->res.overset_lines, lo->res.underset_lines, lo->at.has_lead };
  key = g_new (ProbeKey, 1);
  probe_key (lo, &fit, key);
  g_hash_table_replace (s->memo->measures, key, p);
  return TRUE;
}

/* The measures of @fit: the memo's, else laid out. */
static gboolean
probe (Search *s, FitParams fit, Probe *out, GError **error)
{
  ProbeKey key;
  const Probe *known;

  probe_key (s->lo, &fit, &key);
  known = g_hash_table_lookup (s->memo->measures, &key);
  if (known == NULL && !try_fit (s, fit, error))
    return FALSE;
  *out = *(const Probe *) g_hash_table_lookup (s->memo->measures, &key);
  return TRUE;
}

/* Leaves the Layout holding @fit, laying it out unless it does or it
 * was set aside. */
static gboolean
settle (Search *s, FitParams fit, GError **error)
{
  if ((s->holding && fit_equal (&s->held, &fit)) || take_kept (s, &fit))
    return TRUE;
  return try_fit (s, fit, error);
}

/* Shrinks until nothing is overset: the tracking tighter step by step,
 * then (at the tightest) the photo a line shorter at a time, then (at
 * its shortest) the body smaller; stops at the first step that fits, or
 * at the last.  Each step shrinks more than the one before, so overset
 * never grows along them: the last is probed first, then the first that
 * fits is found by bisection. */
static gboolean
shrink (Search *s, const JopanCopyfit *b, gboolean has_lead, GError **error)
{
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (FitParams));
  FitParams f = s->lo->set.fit;
  int hi;
  Probe p;

  for (f.tracking = -b->tracking_step; f.tracking >= b->tracking_min - 1e-9; f.tracking -= b->tracking_step)
    g_array_append_val (steps, f);
  f.tracking = b->tracking_min;
  for (f.photo_lines = -1; has_lead && f.photo_lines >= b->photo_min; f.photo_lines--)
    g_array_append_val (steps, f);
  f.photo_lines = has_lead ? b->photo_min : 0;
  for (f.size_change = -b->size_step; f.size_change >= b->size_min - 1e-9; f.size_change -= b->size_step)
    g_array_append_val (steps, f);
  if (steps->len == 0)
    return TRUE;
  /* The unshrunk fit oversets; the first step that fits is in (lo, hi]. */
  hi = (int) steps->len - 1;
  if (!probe (s, g_array_index (steps, FitParams, hi), &p, error))
    return FALSE;
  for (int lo = -1; p.overset_lines == 0 && hi - lo > 1;)
    {
      int mid = lo + (hi - lo) / 2;
      Probe q;
      keep (s, &g_array_index (steps, FitParams, hi));
      if (!probe (s, g_array_index (steps, FitParams, mid), &q, error))
        return FALSE;
      *(q.overset_lines > 0 ? &lo : &hi) = mid;
    }
  return settle (s, g_array_index (steps, FitParams, hi), error);
}

/* Walks @steps in order while the story fits, keeping in @best the
 * first that leaves fewer empty lines than any before it. */
static gboolean
grow_walk (Search *s, const GArray *steps, FitParams *best, int *best_underset, GError **error)
{
  Probe p;

  for (guint i = 0; i < steps->len && *best_underset > 0; i++)
    {
      if (!probe (s, g_array_index (steps, FitParams, i), &p, error))
        return FALSE;
      if (p.overset_lines > 0)
        break;
      if (p.underset_lines < *best_underset)
        {
          *best = g_array_index (steps, FitParams, i), *best_underset = p.underset_lines;
          keep (s, best);
        }
    }
  return TRUE;
}

/* The last of @steps that does not overset (-1: none) and its measures:
 * the last step probed first, bisection only when it oversets. */
static gboolean
last_fitting (Search *s, const GArray *steps, int *last, Probe *p, GError **error)
{
  int ok = -1, over = (int) steps->len - 1;

  if (!probe (s, g_array_index (steps, FitParams, over), p, error))
    return FALSE;
  if (p->overset_lines == 0)
    {
      *last = over;
      return TRUE;
    }
  while (over - ok > 1)
    {
      int mid = ok + (over - ok) / 2;
      if (!probe (s, g_array_index (steps, FitParams, mid), p, error))
        return FALSE;
      *(p->overset_lines > 0 ? &over : &ok) = mid;
    }
  *last = ok;
  return ok < 0 || probe (s, g_array_index (steps, FitParams, ok), p, error);
}

/* Raises one parameter (at @field in a copy of @best) step by step
 * towards @to while the story still fits, keeping in @best the first
 * value that leaves the fewest empty lines.  When underset falls as the
 * parameter rises (s->monotone), the answer is the first step as full as
 * the last that fits: found by bisection, and in one probe when the last
 * step fills no line more. */
static gboolean
grow_along (Search *s, FitParams *best, int *best_underset, gsize field, double to, double step,
            GError **error)
{
  g_autoptr (GArray) steps = g_array_new (FALSE, FALSE, sizeof (FitParams));
  FitParams f = *best;
  double *value = (double *) ((char *) &f + field);
  int last, hi;
  Probe p, q;

  for (*value += step; *value <= to + 1e-9; *value += step)
    g_array_append_val (steps, f);
  if (*best_underset <= 0 || steps->len == 0)
    return TRUE;
  if (!s->monotone)
    return grow_walk (s, steps, best, best_underset, error);
  if (!last_fitting (s, steps, &last, &p, error))
    return FALSE;
  if (last < 0 || p.underset_lines >= *best_underset)
    return TRUE;
  /* The first step as full: in (lo, hi]. */
  hi = last;
  keep (s, &g_array_index (steps, FitParams, hi));
  for (int lo = -1; hi - lo > 1;)
    {
      int mid = lo + (hi - lo) / 2;
      if (!probe (s, g_array_index (steps, FitParams, mid), &q, error))
        return FALSE;
      *(q.overset_lines == 0 && q.underset_lines <= p.underset_lines ? &hi : &lo) = mid;
      keep (s, &g_array_index (steps, FitParams, hi));
    }
  *best = g_array_index (steps, FitParams, hi);
  *best_underset = p.underset_lines;
  return TRUE;
}

/* Does underset fall as a fit parameter rises?  Not when the story has
 * photos besides its lead: they go to the foot of the columns with the
 * most room, and a line more can move one to other columns. */
static gboolean
underset_monotone (const JopanArticle *a, const Probe *plain)
{
  return a->images->len <= (plain->has_lead ? 1u : 0u);
}

/* Grows while the story still fits: tracking, then photo, then size. */
static gboolean
grow (Search *s, const JopanCopyfit *b, const Probe *plain, GError **error)
{
  FitParams best = s->lo->set.fit;
  int best_underset = plain->underset_lines;

  if (!grow_along (s, &best, &best_underset, G_STRUCT_OFFSET (FitParams, tracking),
                   b->tracking_max, b->tracking_step, error)
      || (plain->has_lead && !grow_along (s, &best, &best_underset,
                                          G_STRUCT_OFFSET (FitParams, photo_lines), b->photo_max,
                                          1, error))
      || !grow_along (s, &best, &best_underset, G_STRUCT_OFFSET (FitParams, size_change),
                      b->size_max, b->size_step, error))
    return FALSE;
  return settle (s, best, error);
}

/* --fill's first step (and a slot's with nothing under it): the lead
 * photo spans more of the story's columns while the story still fits. */
static gboolean
grow_photo_span (Search *s, FitParams *best, int *best_underset, GError **error)
{
  const Layout *lo = s->lo;
  int span_max = lo->at.has_lead ? lo->set.columns - lo->at.lead.columns : 0;

  return span_max <= 0
         || grow_along (s, best, best_underset, G_STRUCT_OFFSET (FitParams, photo_span), span_max, 1,
                        error);
}

/* --fill: a story alone on its page grows into the empty lines, in this
 * order: its lead photo spans more columns, its headline grows up to the
 * top of its weight's range, the photo takes up to two fifths more lines,
 * then the body grows within the [copyfit] bounds; the story stays on one
 * page. */
static gboolean
fill (Search *s, const JopanCopyfit *b, GError **error)
{
  Layout *lo = s->lo;
  FitParams best = lo->set.fit;
  int best_underset = lo->res.underset_lines;
  double headline_room = MAX (0, lo->set.treatment->headline_max - lo->set.headline_size);

  lo->set.max_pages = 1;
  if (!grow_photo_span (s, &best, &best_underset, error)
      || !grow_along (s, &best, &best_underset, G_STRUCT_OFFSET (FitParams, headline_change),
                      headline_room, 1, error)
      || !settle (s, best, error))
    return FALSE;
  if (lo->at.has_lead
      && !grow_along (s, &best, &best_underset, G_STRUCT_OFFSET (FitParams, photo_lines),
                      lo->at.lead.frame_bands * 2 / 5, 1, error))
    return FALSE;
  if (!grow_along (s, &best, &best_underset, G_STRUCT_OFFSET (FitParams, size_change),
                   b->size_max, b->size_step, error)
      || !settle (s, best, error))
    return FALSE;
  return TRUE;
}

/* A story in a slot with nothing under it, grown within [copyfit] and
 * still short of its foot: its lead photo spans more columns, then takes
 * up to two fifths more lines, as with --fill (its headline keeps its
 * size: a bigger one may take more lines than a module allows, and the
 * size that caps it holds for every later attempt). */
static gboolean
fill_slot (Search *s, GError **error)
{
  Layout *lo = s->lo;
  FitParams best = lo->set.fit;
  int best_underset = lo->res.underset_lines;

  if (!lo->at.has_lead)
    return TRUE;
  if (!grow_photo_span (s, &best, &best_underset, error) || !settle (s, best, error))
    return FALSE;
  if (!grow_along (s, &best, &best_underset, G_STRUCT_OFFSET (FitParams, photo_lines),
                   MAX (best.photo_lines, lo->at.lead.frame_bands * 2 / 5), 1, error))
    return FALSE;
  return settle (s, best, error);
}

static void
report_changes (JopanReport *report, const Layout *lo)
{
  const JopanParaStyle *body = &lo->in->style->para[JOPAN_PARA_BODY];

  jopan_report_set_copyfit (report, lo->set.fit.tracking, (int) lo->set.fit.photo_lines,
                            body->size + lo->set.fit.size_change);
  if (lo->set.fit.tracking != 0)
    jopan_report_add_change (report, "body tracking %+.4fem", lo->set.fit.tracking);
  if (lo->set.fit.photo_lines != 0)
    jopan_report_add_change (report, "lead photo %+d grid lines", (int) lo->set.fit.photo_lines);
  if (fabs (lo->set.fit.size_change) > 1e-9)
    jopan_report_add_change (report, "body size %.2fpt to %.2fpt", body->size,
                             body->size + lo->set.fit.size_change);
  if (lo->set.fit.photo_span > 0)
    jopan_report_add_change (report, "lead photo %+d columns", (int) lo->set.fit.photo_span);
  if (lo->set.fit.headline_change > 0)
    jopan_report_add_change (report, "headline %.1fpt to %.1fpt", lo->set.headline_size,
                             lo->set.headline_size + lo->set.fit.headline_change);
}

/* A story's body counted: its words, split at spaces (a Korean word is
 * an eojeol), and its characters. */
typedef struct {
  guint words, chars;
} Count;

static Count
count_words (const JopanArticle *a)
{
  Count n = { 0, 0 };

  for (guint i = 0; i < a->blocks->len; i++)
    {
      const JopanBlock *b = g_ptr_array_index (a->blocks, i);
      gboolean in_word = FALSE;
      for (const char *p = b->text; p && *p; p = g_utf8_next_char (p))
        {
          gboolean space = g_unichar_isspace (g_utf8_get_char (p));
          n.words += !space && !in_word;
          n.chars++;
          in_word = !space;
        }
    }
  return n;
}

gint jopan_layout_word_counts;

/* The article's count, made once per memo: a page lays each story out
 * in dozens of modules, and counting reads its every character. */
static Count
count_of (LayoutMemo *memo, const JopanArticle *a)
{
  Count *known = g_hash_table_lookup (memo->words, a);

  if (known == NULL)
    {
      g_atomic_int_inc (&jopan_layout_word_counts);
      known = g_new (Count, 1);
      *known = count_words (a);
      g_hash_table_insert (memo->words, (gpointer) a, known);
    }
  return *known;
}

guint
jopan_layout_memo_words (LayoutMemo *memo, const JopanArticle *a)
{
  return count_of (memo, a).words;
}

/* The options' weight, else the article's, else by length: up to
 * [brief] max-words a brief, up to [secondary] max-words a secondary. */
static JopanWeight
choose_weight (const JopanStyle *s, const JopanArticle *a, const JopanLayoutOptions *o,
               guint words)
{
  if (o && o->weight != JOPAN_WEIGHT_AUTO)
    return o->weight;
  if (a->weight != JOPAN_WEIGHT_AUTO)
    return a->weight;
  if (words <= (guint) s->treatment[JOPAN_WEIGHT_BRIEF - 1].max_words)
    return JOPAN_WEIGHT_BRIEF;
  if (words <= (guint) s->treatment[JOPAN_WEIGHT_SECONDARY - 1].max_words)
    return JOPAN_WEIGHT_SECONDARY;
  return JOPAN_WEIGHT_LEAD;
}

/* The width the headline spans, from the style (before any attempt):
 * the article's span, else the weight's, else [headline] columns, never
 * wider than the story. */
static double
headline_width (const Layout *lo)
{
  const JopanStyle *s = lo->in->style;
  double column = (s->page_width - s->margin[1] - s->margin[3] - (s->columns - 1) * s->gutter)
                  / s->columns;
  int story = lo->set.slot ? MIN (lo->set.slot_columns, s->columns)
              : lo->set.treatment->columns > 0 && !lo->set.fill_page
                  ? MIN (lo->set.treatment->columns, s->columns)
                                                             : s->columns;
  int span = lo->in->article->headline_columns > 0 ? lo->in->article->headline_columns
             : lo->set.treatment->headline_columns > 0 ? lo->set.treatment->headline_columns
             : s->para[JOPAN_PARA_HEADLINE].columns;

  span = span <= 0 || span > story ? story : span;
  return span * column + (span - 1) * s->gutter;
}

/* A headline stepped down below this share of its size is a finding. */
#define SMALL_HEADLINE 0.9

/* Within the weight's range: the longer the story (against the lengths
 * its weight covers) and the shorter its headline, the bigger the head.
 * Rounded to half points. */
static double
choose_headline_size (const Layout *lo, guint words)
{
  const JopanTreatment *t = lo->set.treatment;
  const JopanStyle *s = lo->in->style;
  JopanWeight w = lo->set.weight;
  double low = w == JOPAN_WEIGHT_BRIEF ? 0
               : w == JOPAN_WEIGHT_SECONDARY ? s->treatment[JOPAN_WEIGHT_BRIEF - 1].max_words
                                             : s->treatment[JOPAN_WEIGHT_SECONDARY - 1].max_words;
  double high = w == JOPAN_WEIGHT_LEAD ? MAX (low * 3, 1) : MAX (t->max_words, low + 1);
  double by_length = CLAMP ((words - low) / (high - low), 0, 1);
  glong chars = lo->in->article->headline ? g_utf8_strlen (lo->in->article->headline, -1) : 0;
  double by_shortness = CLAMP ((60.0 - chars) / 40.0, 0, 1);

  double size;

  if (t->headline_max <= 0)
    return s->para[JOPAN_PARA_HEADLINE].size;
  size = t->headline_min + (t->headline_max - t->headline_min) * (0.5 * by_length + 0.5 * by_shortness);
  /* A narrow story (a slot of two columns) takes a smaller head: at most
   * an eighth of its width, never below the brief's smallest. */
  size = MIN (size, MAX (headline_width (lo) / 8,
                         MIN (t->headline_min, s->treatment[JOPAN_WEIGHT_BRIEF - 1].headline_min)));
  return round (2 * size) / 2;
}

/* The settings a layout starts from, from its input: the weight and its
 * treatment, the slot (a module's columns and depth), a jump. */
static void
layout_init (Layout *lo, const LayoutInput *in, LayoutMemo *memo)
{
  const JopanLayoutOptions *options = &in->options;
  guint words = jopan_layout_memo_words (memo, in->article);

  /* All but the settings' style copy (14 KB, most of a Layout), which
   * the first attempt copies whole (apply_fit(): style_from NULL). */
  G_STATIC_ASSERT (G_STRUCT_OFFSET (LayoutSettings, style) == 0
                   && G_STRUCT_OFFSET (LayoutSettings, style_from) == sizeof (JopanStyle));
  memset (&lo->set.style_from, 0, sizeof lo->set - G_STRUCT_OFFSET (LayoutSettings, style_from));
  lo->in = in;
  lo->at = (LayoutAttempt) { 0 };
  lo->res = (LayoutMeasures) { 0 };
  lo->set.max_pages = MAX_PAGES;
  lo->at.has_lead = in->article->images->len > 0;
  lo->set.weight = choose_weight (in->style, in->article, options, words);
  lo->set.treatment = &in->style->treatment[lo->set.weight - 1];
  lo->set.jump_page = options->jump_page;
  /* A story filling its page takes all of its columns; a brief stays a
   * brief (a five-column strip a few lines deep fills nothing). */
  lo->set.fill_page = options->fill && options->slot_columns == 0
                      && lo->set.weight != JOPAN_WEIGHT_BRIEF;
  lo->set.korean = g_ascii_strncasecmp (jopan_article_get_lang (in->article), "ko", 2) == 0;
  if (options->slot_columns > 0)
    {
      lo->set.slot = TRUE;
      lo->set.slot_columns = (int) options->slot_columns;
      /* A slot story that jumps takes one continuation page. */
      lo->set.max_pages = options->jump_page > 0 ? 2 : 1;
      lo->set.depth_lines = options->slot_lines > 0
                            ? (int) options->slot_lines
                            : (int) floor (options->slot_depth / in->style->baseline + 1e-6);
    }
  lo->set.headline_size = lo->set.headline_chosen = choose_headline_size (lo, words);
}

/* A headline a module's lines stepped down well below its weight's range
 * (a lead's head the size of a secondary's): what a desk would shorten,
 * and what the composer avoids (Returns: the points it is short).
 * Measured against the size it would have had (its range's foot, or less
 * in a narrow module): a tenth below is not worth a finding.  Its lines
 * hold about as many characters more as the size is smaller, so at that
 * size it would take some chars * (1 - size / target) fewer. */
static double
report_small_headline (const Layout *lo, JopanReport *report)
{
  const JopanTreatment *t = lo->set.treatment;
  double size = lo->set.headline_size + lo->set.fit.headline_change;
  double target = MIN (lo->set.headline_chosen, t->headline_min);
  const char *headline = lo->in->article->headline;
  int columns = lo->set.columns;

  if (t->headline_min <= 0 || headline == NULL || size >= SMALL_HEADLINE * target)
    return 0;
  jopan_report_add (report, "headline", "%s: the headline is set at %gpt, down from %gpt, to keep "
                    "it to %u lines over %d column%s (a %s's is %g–%gpt); shorten it by about %u "
                    "characters or give it more columns", lo->in->article->name, size,
                    lo->set.headline_chosen,
                    jopan_headline_most_lines (lo->set.weight),
                    columns, columns == 1 ? "" : "s", jopan_weight_names[lo->set.weight - 1],
                    t->headline_min, t->headline_max,
                    jopan_words_about (g_utf8_strlen (headline, -1) * (1 - size / target)));
  return SMALL_HEADLINE * target - size;
}

/* Moves the last attempt's pages and measures into @result. */
static void
layout_take (Layout *lo, LayoutMemo *memo, LayoutResult *result)
{
  JopanReport *report = result->report;

  if (!lo->in->measure_only)
    jopan_layout_draw_rows (lo);
  while (lo->at.pages->len > 0)
    g_ptr_array_add (result->pages, g_ptr_array_steal_index (lo->at.pages, 0));
  jopan_report_merge (report, lo->at.findings);
  jopan_report_set_overset (report, lo->res.overset_lines, lo->res.overset_chars);
  jopan_report_set_underset (report, lo->res.underset_lines);
  jopan_report_set_underset_share (report, lo->res.underset_share);
  jopan_report_set_treatment (report, jopan_weight_names[lo->set.weight - 1],
                              lo->set.headline_size + lo->set.fit.headline_change);
  for (guint i = 0; i < lo->at.holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->at.holes, Hole, i);
      if (h->page < 0)
        jopan_report_add (report, "overset", "%s: images[%d]: photo \"%s\" did not fit "
                          "the slot", lo->in->article->name, h->photo.index, h->photo.image->src);
    }
  if (lo->res.overset_lines > 0)
    {
      /* What a desk cuts, in words: the characters over, at the story's
       * own characters a word (to the nearest five). */
      Count n = count_of (memo, lo->in->article);
      guint cut = n.chars > 0 ? jopan_words_about ((double) lo->res.overset_chars * n.words / n.chars)
                              : 0;
      jopan_report_add (report, "overset", "%s: %u lines (%u characters) did not fit the "
                        "slot; cut about %u words or give it more room", lo->in->article->name,
                        lo->res.overset_lines, lo->res.overset_chars, cut);
    }
  result->headline_small = report_small_headline (lo, report);
  result->has_lead = lo->at.has_lead;
  result->lead = lo->at.lead;
  result->lead.credit = result->lead.caption = NULL;
  result->fit = lo->set.fit;
  result->weight = lo->set.weight;
  result->headline_size = lo->set.headline_size + lo->set.fit.headline_change;
  result->overset_lines = lo->res.overset_lines;
  result->overset_chars = lo->res.overset_chars;
  result->overset_photos = lo->res.overset_photos;
  result->underset_lines = lo->res.underset_lines;
  memcpy (result->used, lo->res.used, sizeof result->used);
  result->bottom = lo->res.bottom;
  result->need_bands = lo->res.need_bands;
  result->header_bands = lo->res.header_bands;
  result->headline_over = lo->res.headline_over;
  result->folio_boxes = lo->res.folio_boxes;
  result->columns = lo->set.columns;
}

void
jopan_layout_result_clear (LayoutResult *result)
{
  g_clear_pointer (&result->pages, g_ptr_array_unref);
  g_clear_pointer (&result->report, jopan_report_free);
}

gint jopan_layout_style_resolves;
int jopan_layout_resolve_once = 1;

/* @base resolved for a story in @text_lang (on a page in @page_lang),
 * once a memo: a page lays its stories, in one or two languages, out
 * dozens of times, and a style is 14 KB to copy.  The memo serves one
 * page, whose style outlives it. */
static const JopanStyle *
resolved_style (LayoutMemo *memo, const JopanStyle *base, const char *page_lang,
                const char *text_lang)
{
  Resolved *r;

  for (guint i = 0; i < memo->styles->len && jopan_layout_resolve_once != 0; i++)
    {
      r = g_ptr_array_index (memo->styles, i);
      if (r->base == base && g_strcmp0 (r->page_lang, page_lang) == 0
          && (g_strcmp0 (r->text_lang, text_lang) == 0 || jopan_layout_resolve_once == 2))
        return &r->style;
    }
  g_atomic_int_inc (&jopan_layout_style_resolves);
  r = g_new (Resolved, 1);
  r->base = base;
  r->page_lang = g_strdup (page_lang);
  r->text_lang = g_strdup (text_lang);
  jopan_style_resolve (base, page_lang, text_lang, &r->style);
  g_ptr_array_add (memo->styles, r);
  return &r->style;
}

/* Every field of @s zeroed but the attempt set aside, @kept, which is
 * last: its settings hold a copy of a style (14 KB) that only keep()
 * writes and nothing reads before it is valid. */
static void
search_init (Search *s, Layout *lo, LayoutMemo *memo)
{
  G_STATIC_ASSERT (G_STRUCT_OFFSET (Search, kept) + sizeof (Kept) == sizeof (Search));
  memset (s, 0, G_STRUCT_OFFSET (Search, kept));
  s->kept.valid = FALSE;
  s->lo = lo;
  s->memo = memo;
}

gboolean
jopan_layout_story (const LayoutInput *input, LayoutResult *result, GError **error)
{
  const char *lang = jopan_article_get_lang (input->article);
  LayoutInput local = *input;
  const LayoutInput *in = &local;
  g_autoptr (JopanTypesetCache) own_cache = input->cache ? NULL : jopan_typeset_cache_new ();
  g_autoptr (LayoutMemo) own_memo = input->memo ? NULL : jopan_layout_memo_new ();
  Layout lo;
  Search search;
  gboolean ok;

  search_init (&search, &lo, input->memo ? input->memo : own_memo);
  /* The story's language picks its paragraph styles ([body:ko]); alone
   * on its page, its grid too ([page:ko]). */
  local.style = resolved_style (search.memo, input->style,
                                input->module.columns == 0 ? lang : NULL, lang);
  layout_init (&lo, in, search.memo);
  *result = (LayoutResult) { 0 };
  result->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  result->report = jopan_report_new ();
  /* One typesetter (and hyphenation dictionary) for every attempt; it
   * sets with lo.set.style, which each attempt refits. */
  jopan_typesetter_init_cached (&lo.at.ts, in->fonts, &lo.set.style,
                                jopan_article_get_lang (in->article), result->report,
                                input->cache ? input->cache : own_cache);
  lo.at.ts.lazy_lines = TRUE; /* most attempts are measured, not drawn (typeset.c) */
  if (lo.set.slot && in->options.copyfit)
    {
      /* The unfitted layout is probed (compose laid it out already):
       * shrink or grow lay out only what they must. */
      Probe plain;
      ok = probe (&search, lo.set.fit, &plain, error);
      search.monotone = underset_monotone (in->article, &plain);
      if (ok && plain.overset_lines > 0)
        ok = shrink (&search, &in->style->copyfit, plain.has_lead, error);
      else if (ok && plain.underset_lines > 0)
        ok = grow (&search, &in->style->copyfit, &plain, error);
      else if (ok)
        ok = settle (&search, lo.set.fit, error);
      /* With nothing under the slot, what is still empty is a hole in
       * the page: the lead photo grows into it too. */
      if (ok && in->fill_slot && lo.set.max_pages == 1 && lo.at.n_pages == 1
          && lo.res.overset_lines == 0 && lo.res.underset_lines > 0)
        {
          FitParams before = lo.set.fit;
          ok = fill_slot (&search, error);
          result->filled = memcmp (&before, &lo.set.fit, sizeof before) != 0;
        }
      if (ok)
        report_changes (result->report, &lo);
    }
  else
    {
      ok = try_fit (&search, lo.set.fit, error);
      if (ok && in->options.fill && !lo.set.slot && lo.at.n_pages == 1
          && lo.res.underset_lines > 0)
        {
          ok = fill (&search, &in->style->copyfit, error);
          if (ok)
            report_changes (result->report, &lo);
        }
    }
  if (ok)
    layout_take (&lo, search.memo, result);
  jopan_report_set_pages (result->report, result->pages->len);
  kept_clear (&search.kept);
  jopan_layout_attempt_clear (&lo.at);
  jopan_typesetter_clear (&lo.at.ts);
  g_free (lo.set.body_font);
  g_free (lo.set.headline_font);
  return ok;
}

gboolean
jopan_layout_article (JopanDocument *doc, const JopanLayoutOptions *options, GError **error)
{
  LayoutInput in = { .fonts = doc->fonts, .style = doc->style, .article = doc->article };
  LayoutResult result;
  gboolean ok;

  if (options)
    in.options = *options;
  ok = jopan_layout_story (&in, &result, error);
  if (ok)
    {
      while (result.pages->len > 0)
        g_ptr_array_add (doc->pages, g_ptr_array_steal_index (result.pages, 0));
      jopan_report_absorb (doc->report, result.report);
    }
  jopan_report_set_pages (doc->report, doc->pages->len);
  jopan_layout_result_clear (&result);
  return ok;
}
