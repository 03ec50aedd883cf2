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
  lo->fit = fit;
  return jopan_layout_attempt (lo, error);
}

/* Shrinks until nothing is overset: tracking, then photo, then size. */
static gboolean
shrink (Layout *lo, const JopanCopyfit *b, GError **error)
{
  FitParams f = lo->fit;

#define TRY()                                                                              \
  do                                                                                       \
    {                                                                                      \
      if (!try_fit (lo, f, error))                                                         \
        return FALSE;                                                                      \
      if (lo->overset_lines == 0)                                                          \
        return TRUE;                                                                       \
    }                                                                                      \
  while (0)

  for (f.tracking = -b->tracking_step; f.tracking >= b->tracking_min - 1e-9; f.tracking -= b->tracking_step)
    TRY ();
  f.tracking = b->tracking_min;
  for (f.photo_lines = -1; lo->has_lead && f.photo_lines >= b->photo_min; f.photo_lines--)
    TRY ();
  f.photo_lines = lo->has_lead ? b->photo_min : 0;
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
      if (lo->overset_lines > 0)
        break;
      if (lo->underset_lines < *best_underset)
        *best = f, *best_underset = lo->underset_lines;
    }
  return TRUE;
}

/* Grows while the story still fits: tracking, then photo, then size. */
static gboolean
grow (Layout *lo, const JopanCopyfit *b, GError **error)
{
  FitParams best = lo->fit;
  int best_underset = lo->underset_lines;

  if (!grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, tracking),
                   b->tracking_max, b->tracking_step, error)
      || (lo->has_lead && !grow_along (lo, &best, &best_underset,
                                       G_STRUCT_OFFSET (FitParams, photo_lines), b->photo_max, 1,
                                       error))
      || !grow_along (lo, &best, &best_underset, G_STRUCT_OFFSET (FitParams, size_change),
                      b->size_max, b->size_step, error))
    return FALSE;
  return try_fit (lo, best, error);
}

static void
report_changes (JopanReport *report, const Layout *lo)
{
  const JopanParaStyle *body = &lo->base_style->para[JOPAN_PARA_BODY];

  jopan_report_set_copyfit (report, lo->fit.tracking, (int) lo->fit.photo_lines,
                            body->size + lo->fit.size_change);
  if (lo->fit.tracking != 0)
    jopan_report_add_change (report, "body tracking %+.4fem", lo->fit.tracking);
  if (lo->fit.photo_lines != 0)
    jopan_report_add_change (report, "lead photo %+d grid lines", (int) lo->fit.photo_lines);
  if (fabs (lo->fit.size_change) > 1e-9)
    jopan_report_add_change (report, "body size %.2fpt to %.2fpt", body->size,
                             body->size + lo->fit.size_change);
}

/* The settings a layout starts from, from its input. */
static void
layout_init (Layout *lo, const LayoutInput *in)
{
  const JopanLayoutOptions *options = &in->options;

  *lo = (Layout) { .base_style = in->style, .article = in->article, .fonts = in->fonts,
                   .max_pages = MAX_PAGES, .module = in->module, .weight = options->weight,
                   .jump_page = in->jump_page };
  lo->has_lead = in->article->images->len > 0;
  lo->korean = g_ascii_strncasecmp (jopan_article_get_lang (in->article), "ko", 2) == 0;
  if (options->slot_columns > 0)
    {
      lo->slot = TRUE;
      lo->max_pages = 1;
      lo->slot_columns = (int) options->slot_columns;
      lo->depth_lines = options->slot_lines > 0
                            ? (int) options->slot_lines
                            : (int) floor (options->slot_depth / in->style->baseline + 1e-6);
    }
}

/* Moves the last attempt's pages and measures into @result. */
static void
layout_take (Layout *lo, LayoutResult *result)
{
  JopanReport *report = result->report;

  while (lo->pages->len > 0)
    g_ptr_array_add (result->pages, g_ptr_array_steal_index (lo->pages, 0));
  jopan_report_merge (report, lo->findings);
  jopan_report_set_overset (report, lo->overset_lines, lo->overset_chars);
  jopan_report_set_underset (report, lo->underset_lines);
  for (guint i = 0; i < lo->holes->len; i++)
    {
      const Hole *h = &g_array_index (lo->holes, Hole, i);
      if (h->page < 0)
        jopan_report_add (report, "overset", "%s: images[%d]: photo \"%s\" did not fit "
                          "the slot", lo->article->name, h->photo.index, h->photo.image->src);
    }
  if (lo->overset_lines > 0)
    jopan_report_add (report, "overset", "%s: %u lines (%u characters) did not fit the "
                      "slot", lo->article->name, lo->overset_lines, lo->overset_chars);
  result->has_lead = lo->has_lead;
  result->lead = lo->lead;
  result->lead.credit = result->lead.caption = NULL;
  result->fit = lo->fit;
  result->headline_size = lo->style.para[JOPAN_PARA_HEADLINE].size;
  result->overset_lines = lo->overset_lines;
  result->overset_chars = lo->overset_chars;
  result->overset_photos = lo->overset_photos;
  result->underset_lines = lo->underset_lines;
  result->bottom = lo->bottom;
  result->need_bands = lo->need_bands;
  result->header_bands = lo->header_bands;
  result->folio_boxes = lo->folio_boxes;
  result->columns = lo->columns;
}

void
jopan_layout_result_clear (LayoutResult *result)
{
  g_clear_pointer (&result->pages, g_ptr_array_unref);
  g_clear_pointer (&result->report, jopan_report_free);
}

gboolean
jopan_layout_story (const LayoutInput *in, LayoutResult *result, GError **error)
{
  Layout lo;
  gboolean ok;

  layout_init (&lo, in);
  *result = (LayoutResult) { 0 };
  result->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  result->report = jopan_report_new ();
  /* One typesetter (and hyphenation dictionary) for every attempt; it
   * sets with lo.style, which each attempt refits. */
  jopan_typesetter_init (&lo.ts, lo.fonts, &lo.style, jopan_article_get_lang (in->article),
                         result->report);
  ok = jopan_layout_attempt (&lo, error);
  if (ok && lo.slot && in->options.copyfit)
    {
      if (lo.overset_lines > 0)
        ok = shrink (&lo, &in->style->copyfit, error);
      else if (lo.underset_lines > 0)
        ok = grow (&lo, &in->style->copyfit, error);
      if (ok)
        report_changes (result->report, &lo);
    }
  if (ok)
    layout_take (&lo, result);
  jopan_report_set_pages (result->report, result->pages->len);
  jopan_layout_attempt_clear (&lo);
  jopan_typesetter_clear (&lo.ts);
  g_free (lo.body_font);
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
