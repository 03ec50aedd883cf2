/* copyfit.c — laying out an article: on pages, or in a slot, made to fit.
 *
 * In a slot the story has a fixed number of columns and a depth.  Copyfit
 * makes it fit by changing, within the style's [copyfit] bounds and in this
 * order, the body's tracking, the lead photo's height in whole grid lines,
 * then the body size in small steps; it never cuts text.  What still does
 * not fit is reported as overset.
 */
#include "layout-private.h"

#include <math.h>

static gboolean
try_fit (Layout *lo, FitParams fit, GError **error)
{
  lo->set.fit = fit;
  return jopan_layout_attempt (lo, error);
}

/* Shrinks until nothing is overset: tracking, then photo, then size. */
static gboolean
shrink (Layout *lo, const JopanCopyfit *b, GError **error)
{
  FitParams f = lo->set.fit;

#define TRY()                                                                              \
  do                                                                                       \
    {                                                                                      \
      if (!try_fit (lo, f, error))                                                         \
        return FALSE;                                                                      \
      if (lo->res.overset_lines == 0)                                                          \
        return TRUE;                                                                       \
    }                                                                                      \
  while (0)

  for (f.tracking = -b->tracking_step; f.tracking >= b->tracking_min - 1e-9; f.tracking -= b->tracking_step)
    TRY ();
  f.tracking = b->tracking_min;
  for (f.photo_lines = -1; lo->at.has_lead && f.photo_lines >= b->photo_min; f.photo_lines--)
    TRY ();
  f.photo_lines = lo->at.has_lead ? b->photo_min : 0;
  for (f.size_change = -b->size_step; f.size_change >= b->size_min - 1e-9; f.size_change -= b->size_step)
    TRY ();
#undef TRY
  return TRUE;
}

/* Raises one parameter (at @field in a copy of the best) step by step while
 * the story still fits, keeping the fullest fit in @best. */
static gboolean
grow_along (Layout *lo, FitParams *best, int *best_underset, gsize field, double to, double step,
            GError **error)
{
  FitParams f = *best;
  double *value = (double *) ((char *) &f + field);

  for (*value += step; *value <= to + 1e-9 && *best_underset > 0; *value += step)
    {
      if (!try_fit (lo, f, error))
        return FALSE;
      if (lo->res.overset_lines > 0)
        break;
      if (lo->res.underset_lines < *best_underset)
        *best = f, *best_underset = lo->res.underset_lines;
    }
  return TRUE;
}

/* Grows while the story still fits: tracking, then photo, then size. */
static gboolean
grow (Layout *lo, const JopanCopyfit *b, GError **error)
{
  FitParams best = lo->set.fit;
  int best_underset = lo->res.underset_lines;

  if (!grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, tracking),
                   b->tracking_max, b->tracking_step, error)
      || (lo->at.has_lead && !grow_along (lo, &best, &best_underset,
                                       G_STRUCT_OFFSET (FitParams, photo_lines), b->photo_max, 1,
                                       error))
      || !grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, size_change),
                      b->size_max, b->size_step, error))
    return FALSE;
  return try_fit (lo, best, error);
}

/* --fill: a story alone on its page grows into the empty lines, in this
 * order: its lead photo spans more columns, its headline grows up to the
 * top of its weight's range, the photo takes up to two fifths more lines,
 * then the body grows within the [copyfit] bounds; the story stays on one
 * page. */
static gboolean
fill (Layout *lo, const JopanCopyfit *b, GError **error)
{
  FitParams best = lo->set.fit;
  int best_underset = lo->res.underset_lines;
  int span_max = lo->at.has_lead ? lo->set.columns - lo->at.lead.columns : 0;
  double headline_room = MAX (0, lo->set.treatment->headline_max - lo->set.headline_size);

  lo->set.max_pages = 1;
  if ((span_max > 0 && !grow_along (lo, &best, &best_underset,
                                    G_STRUCT_OFFSET (FitParams, photo_span), span_max, 1, error))
      || !grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, headline_change),
                      headline_room, 1, error)
      || !try_fit (lo, best, error))
    return FALSE;
  if (lo->at.has_lead
      && !grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, photo_lines),
                      lo->at.lead.frame_bands * 2 / 5, 1, error))
    return FALSE;
  if (!grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, size_change),
                   b->size_max, b->size_step, error)
      || !try_fit (lo, best, error))
    return FALSE;
  return TRUE;
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

/* The story's words: its body's, split at spaces (a Korean word is an
 * eojeol). */
static guint
count_words (const JopanArticle *a)
{
  guint n = 0;

  for (guint i = 0; i < a->blocks->len; i++)
    {
      const JopanBlock *b = g_ptr_array_index (a->blocks, i);
      gboolean in_word = FALSE;
      for (const char *p = b->text; p && *p; p = g_utf8_next_char (p))
        {
          gboolean space = g_unichar_isspace (g_utf8_get_char (p));
          n += !space && !in_word;
          in_word = !space;
        }
    }
  return n;
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
layout_init (Layout *lo, const LayoutInput *in)
{
  const JopanLayoutOptions *options = &in->options;
  guint words = count_words (in->article);

  *lo = (Layout) { .in = in, .set.max_pages = MAX_PAGES };
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
  lo->set.headline_size = choose_headline_size (lo, words);
}

/* Moves the last attempt's pages and measures into @result. */
static void
layout_take (Layout *lo, LayoutResult *result)
{
  JopanReport *report = result->report;

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
    jopan_report_add (report, "overset", "%s: %u lines (%u characters) did not fit the "
                      "slot", lo->in->article->name, lo->res.overset_lines, lo->res.overset_chars);
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
  result->bottom = lo->res.bottom;
  result->need_bands = lo->res.need_bands;
  result->header_bands = lo->res.header_bands;
  result->folio_boxes = lo->res.folio_boxes;
  result->columns = lo->set.columns;
}

void
jopan_layout_result_clear (LayoutResult *result)
{
  g_clear_pointer (&result->pages, g_ptr_array_unref);
  g_clear_pointer (&result->report, jopan_report_free);
}

gboolean
jopan_layout_story (const LayoutInput *input, LayoutResult *result, GError **error)
{
  const char *lang = jopan_article_get_lang (input->article);
  LayoutInput local = *input;
  const LayoutInput *in = &local;
  JopanStyle style;
  Layout lo;
  gboolean ok;

  /* The story's language picks its paragraph styles ([body:ko]); alone
   * on its page, its grid too ([page:ko]). */
  jopan_style_resolve (input->style, input->module.columns == 0 ? lang : NULL, lang, &style);
  local.style = &style;
  layout_init (&lo, in);
  *result = (LayoutResult) { 0 };
  result->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  result->report = jopan_report_new ();
  /* One typesetter (and hyphenation dictionary) for every attempt; it
   * sets with lo.set.style, which each attempt refits. */
  jopan_typesetter_init (&lo.at.ts, in->fonts, &lo.set.style, jopan_article_get_lang (in->article),
                         result->report);
  ok = jopan_layout_attempt (&lo, error);
  if (ok && lo.set.slot && in->options.copyfit)
    {
      if (lo.res.overset_lines > 0)
        ok = shrink (&lo, &in->style->copyfit, error);
      else if (lo.res.underset_lines > 0)
        ok = grow (&lo, &in->style->copyfit, error);
      if (ok)
        report_changes (result->report, &lo);
    }
  else if (ok && in->options.fill && !lo.set.slot && lo.at.n_pages == 1
           && lo.res.underset_lines > 0)
    {
      ok = fill (&lo, &in->style->copyfit, error);
      if (ok)
        report_changes (result->report, &lo);
    }
  if (ok)
    layout_take (&lo, result);
  jopan_report_set_pages (result->report, result->pages->len);
  jopan_layout_attempt_clear (&lo);
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
