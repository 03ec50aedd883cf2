/* typeset.c — a paragraph, a style and a width become lines.
 *
 * Pango itemizes, shapes (HarfBuzz) and breaks; this stage sets up the
 * paragraph for it (font, language, emphasis, hyphenation points) and reads
 * the lines back with their horizontal offsets.  Vertical placement is the
 * layout stage's: a line here has no y.
 */
#include "jopan-private.h"

#include "jopan-config.h"

#include <hyphen.h>
#include <math.h>
#include <string.h>


static gboolean
is_korean (const char *lang)
{
  return lang && (g_ascii_strncasecmp (lang, "ko", 2) == 0)
         && (lang[2] == '\0' || lang[2] == '-');
}

gboolean
jopan_typesetter_init (JopanTypesetter *ts, JopanFonts *fonts, const JopanStyle *style,
                       const char *lang, JopanReport *report)
{
  *ts = (JopanTypesetter) { .fonts = fonts, .style = style, .lang = lang, .report = report };
  ts->context = jopan_fonts_create_context (fonts);
  pango_context_set_language (ts->context, pango_language_from_string (lang));
  ts->korean = is_korean (lang);
  if (!ts->korean)
    {
      ts->hyphenator = jopan_fonts_get_hyphenator (fonts, lang);
      if (ts->hyphenator == NULL)
        jopan_report_add (report, "warning", "no hyphenation patterns for language \"%s\": words "
                          "are not hyphenated", lang);
    }
  return TRUE;
}

void
jopan_typesetter_begin (JopanTypesetter *ts, JopanReport *report)
{
  ts->report = report;
  memset (ts->space_width, 0, sizeof ts->space_width);
  memset (ts->hyphen_width, 0, sizeof ts->hyphen_width);
}

void
jopan_typesetter_clear (JopanTypesetter *ts)
{
  g_clear_object (&ts->context);
  ts->hyphenator = NULL; /* the font set's, shared */
}

/* ---- hyphenation --------------------------------------------------------- */

static gboolean
is_url_like (const char *token, gsize n)
{
  g_autofree char *t = g_strndup (token, n);
  return strstr (t, "://") || strstr (t, "www.") || strchr (t, '@') || strchr (t, '/');
}

static gboolean
is_latin_letter (gunichar c)
{
  return g_unichar_isalpha (c) && g_unichar_get_script (c) == G_UNICODE_SCRIPT_LATIN;
}

/* Adds the hyphenation points of @word (@n bytes of Latin letters at byte
 * @offset of the text) to @points; never in a word under six letters. */
static void
hyphenate_word (HyphenDict *dict, const char *word, gsize n, guint offset, GArray *points)
{
  glong letters = g_utf8_strlen (word, (gssize) n);
  g_autofree char *lower = g_utf8_strdown (word, (gssize) n);
  g_autofree char *hyphens = NULL;
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  const char *p = word;

  if (letters < 6 || strlen (lower) != n)
    return;
  hyphens = g_malloc0 (n + 5);
  if (hnj_hyphen_hyphenate3 (dict, lower, (int) n, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 3)
      != 0)
    memset (hyphens, '0', n);
  for (glong i = 0; i + 1 < letters; i++)
    {
      p = g_utf8_next_char (p);
      if (hyphens[i] & 1)
        {
          guint at = offset + (guint) (p - word);
          g_array_append_val (points, at);
        }
    }
  if (rep)
    {
      for (gsize i = 0; i < n; i++)
        free (rep[i]);
      free (rep), free (pos), free (cut);
    }
}

/* Adds the hyphenation points of the Latin words in the token (a run
 * between spaces) [@token, @end) of @text. */
static void
hyphenate_token (gpointer dict, const char *text, const char *token, const char *end, GArray *points)
{
  const char *p = token;

  /* URLs and addresses break after their slashes, never with a hyphen. */
  if (is_url_like (token, (gsize) (end - token)))
    return;
  while (p < end)
    {
      const char *start = p;

      if (!is_latin_letter (g_utf8_get_char (p)))
        {
          p = g_utf8_next_char (p);
          continue;
        }
      while (p < end && is_latin_letter (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      /* Letters against a digit are part of a code (a hash, a part
       * number), which breaks without a hyphen; nor has a dictionary a
       * word of a hundred letters. */
      if ((start > token && g_ascii_isdigit (start[-1])) || (p < end && g_ascii_isdigit (*p))
          || p - start > 100)
        continue;
      hyphenate_word (dict, start, (gsize) (p - start), (guint) (start - text), points);
    }
}

GArray *
jopan_hyphen_points (gpointer dict, const char *text)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *p = text;

  /* Token by token, each read once: a paragraph may be one 3 MB token. */
  while (*p)
    {
      const char *token = p;

      while (*p && !g_ascii_isspace (*p))
        p++;
      if (p > token)
        hyphenate_token (dict, text, token, p, points);
      while (g_ascii_isspace (*p))
        p++;
    }
  return points;
}

/* ---- setting a paragraph --------------------------------------------------- */

static void
add_span_attributes (PangoAttrList *attrs, const GArray *spans)
{
  for (guint i = 0; spans && i < spans->len; i++)
    {
      const JopanSpan *s = &g_array_index (spans, JopanSpan, i);
      PangoAttribute *a;

      if (s->flags & JOPAN_SPAN_EMPHASIS)
        {
          a = pango_attr_style_new (PANGO_STYLE_ITALIC);
          a->start_index = s->start, a->end_index = s->end;
          pango_attr_list_insert (attrs, a);
        }
      if (s->flags & JOPAN_SPAN_STRONG)
        {
          a = pango_attr_weight_new (PANGO_WEIGHT_BOLD);
          a->start_index = s->start, a->end_index = s->end;
          pango_attr_list_insert (attrs, a);
        }
      if (s->flags & JOPAN_SPAN_CODE)
        {
          a = pango_attr_family_new ("Noto Sans, NanumGothic");
          a->start_index = s->start, a->end_index = s->end;
          pango_attr_list_insert (attrs, a);
        }
    }
}

/* Reports each character no font has, once per paragraph. */
static void
report_missing_glyphs (JopanTypesetter *ts, PangoLayout *layout, const char *where)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      if (run == NULL)
        continue;
      for (int i = 0; i < run->glyphs->num_glyphs; i++)
        {
          PangoGlyph glyph = run->glyphs->glyphs[i].glyph;
          gunichar ch = glyph & ~PANGO_GLYPH_UNKNOWN_FLAG;
          char utf8[8] = { 0 };

          if (!(glyph & PANGO_GLYPH_UNKNOWN_FLAG) || g_hash_table_contains (seen, GUINT_TO_POINTER (ch)))
            continue;
          g_hash_table_add (seen, GUINT_TO_POINTER (ch));
          g_unichar_to_utf8 (ch, utf8);
          jopan_report_add (ts->report, "missing-glyph", "%s: no bundled font has U+%04X \"%s\"",
                            where, ch, utf8);
        }
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
}

/* A layout of @text on one line (no wrapping): breaking is ours. */
static PangoLayout *
make_layout (JopanTypesetter *ts, const JopanParaStyle *p, const char *text, const GArray *spans)
{
  PangoLayout *layout = pango_layout_new (ts->context);
  PangoFontDescription *desc = pango_font_description_from_string (p->font);
  PangoAttrList *attrs = pango_attr_list_new ();

  if (ts->korean)
    {
      g_autofree char *families = jopan_fonts_korean_first (ts->fonts,
                                                            pango_font_description_get_family (desc));
      pango_font_description_set_family (desc, families);
    }
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, -1);
  if (p->tracking != 0)
    pango_attr_list_insert (attrs, pango_attr_letter_spacing_new ((int) (p->tracking * PANGO_SCALE)));
  add_span_attributes (attrs, spans);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* The spans of @text[@start, @end), moved to start at 0. */
static GArray *
clip_spans (const GArray *spans, guint start, guint end)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (JopanSpan));

  for (guint i = 0; spans && i < spans->len; i++)
    {
      JopanSpan s = g_array_index (spans, JopanSpan, i);
      if (s.end <= start || s.start >= end)
        continue;
      s.start = MAX (s.start, start) - start;
      s.end = MIN (s.end, end) - start;
      g_array_append_val (out, s);
    }
  return out;
}

static double
text_width (JopanTypesetter *ts, const JopanParaStyle *p, const char *text)
{
  g_autoptr (PangoLayout) layout = make_layout (ts, p, text, NULL);
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return logical.width / (double) PANGO_SCALE;
}

/* ---- justification ------------------------------------------------------------ */

typedef struct {
  PangoGlyphInfo *glyph;
  gboolean space;         /* a word space */
  gboolean gap;           /* the last glyph of a Hangul syllable followed by another */
} Slot;

/* The glyphs of a one-line layout in order, each marked as a word space, a
 * gap that may grow (between two Hangul syllables, or two Latin letters;
 * never beside punctuation), or neither. */
static GArray *
collect_slots (PangoLayout *layout, gboolean korean, double *natural)
{
  PangoLayoutLine *line = pango_layout_get_line (layout, 0);
  const char *text = pango_layout_get_text (layout);
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (Slot));
  gunichar previous = 0;

  *natural = 0;
  for (GSList *l = line->runs; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++)
        {
          const char *at = text + run->item->offset + run->glyphs->log_clusters[g];
          gunichar c = g_utf8_get_char (at);
          Slot slot = { &run->glyphs->glyphs[g], c == ' ', FALSE };
          gboolean new_cluster = g == 0 || run->glyphs->log_clusters[g] != run->glyphs->log_clusters[g - 1];

          /* A new syllable after a syllable: the gap between them may grow. */
          if (slots->len && new_cluster && jopan_is_gap (previous, c, korean))
            g_array_index (slots, Slot, slots->len - 1).gap = TRUE;
          previous = c;
          *natural += slot.glyph->geometry.width / (double) PANGO_SCALE;
          g_array_append_val (slots, slot);
        }
    }
  return slots;
}

/* Adds @total points, in whole Pango units, over the spaces (or the gaps). */
static void
spread (GArray *slots, gboolean gaps, double total)
{
  int n = 0, units, done = 0, k = 0;

  for (guint i = 0; i < slots->len; i++)
    n += gaps ? g_array_index (slots, Slot, i).gap : g_array_index (slots, Slot, i).space;
  if (n == 0 || total == 0)
    return;
  units = (int) lround (total * PANGO_SCALE);
  for (guint i = 0; i < slots->len; i++)
    {
      Slot *s = &g_array_index (slots, Slot, i);
      int share;
      if (!(gaps ? s->gap : s->space))
        continue;
      k++;
      share = (int) ((gint64) units * k / n) - done;
      s->glyph->geometry.width += share;
      done += share;
    }
}

/* Sets a one-line layout to @width as the breaker planned it: each word
 * space and (in Korean) each gap between two syllables takes its share of
 * the difference in proportion to how far it may stretch, so that Korean
 * word spaces stay even while the syllables take up most of the slack; a
 * line that is too long shrinks its spaces only.  A line without spaces is
 * never letter-spaced beyond its gaps' stretch. */
static void
justify_line (PangoLayout *layout, double width, const JopanBreakParams *bp, gboolean shrink_only)
{
  double natural, delta, space_part;
  g_autoptr (GArray) slots = collect_slots (layout, bp->korean_text, &natural);
  int spaces = 0, gaps = 0;

  delta = width - natural;
  for (guint i = 0; i < slots->len; i++)
    spaces += g_array_index (slots, Slot, i).space, gaps += g_array_index (slots, Slot, i).gap;
  if (fabs (delta) < 0.01 || slots->len < 2 || (shrink_only && delta > 0))
    return;
  if (delta < 0 || gaps == 0)
    space_part = spaces > 0 ? delta : 0;
  else
    {
      /* Syllables never part by more than their stretch: wider gaps read
       * as letter-spacing (and split words for a text extractor). */
      double by_spaces = spaces * bp->space_width * bp->space_stretch;
      double by_gaps = gaps * bp->syllable_stretch;
      space_part = delta * by_spaces / (by_spaces + by_gaps);
      if (delta - space_part > by_gaps && spaces > 0)
        space_part = delta - by_gaps;
    }
  spread (slots, FALSE, space_part);
  /* A line without word spaces (a long word, hyphenated) parts its letters
   * no further than the breaker allowed for; the rest stays white at its
   * end: letter-spaced words read as codes spelled out. */
  if (delta > 0 && gaps > 0)
    spread (slots, TRUE, spaces > 0 ? delta - space_part : MIN (delta, gaps * bp->syllable_stretch));
}

/* ---- setting a paragraph -------------------------------------------------------- */

static void
break_params (JopanTypesetter *ts, JopanParaKind kind, double width, double indent,
              JopanBreakParams *bp)
{
  const JopanParaStyle *p = &ts->style->para[kind];

  if (ts->space_width[kind] == 0)
    {
      ts->space_width[kind] = text_width (ts, p, " ");
      ts->hyphen_width[kind] = text_width (ts, p, "-");
    }
  *bp = (JopanBreakParams) {
    .width = width,
    .indent = indent,
    .korean_break = p->korean_break,
    .optimal = p->align == JOPAN_ALIGN_JUSTIFY && p->line_breaking == JOPAN_BREAKING_OPTIMAL,
    .space_width = ts->space_width[kind],
    /* Korean stretches mostly between syllables, keeping word spaces even. */
    .space_stretch = ts->korean ? 0.25 : 0.6,
    .space_shrink = ts->korean ? 0.2 : 0.3,
    .korean_text = ts->korean,
    /* Letters part by at most 0.012 em (invisible; words stay whole for a
     * reader and an extractor), Hangul syllables by 0.05 em. */
    .syllable_stretch = (ts->korean ? 0.05 : 0.012) * p->size,
    .hyphen_width = ts->hyphen_width[kind],
    .line_penalty = 10,
    .hyphen_penalty = 50,
    .inner_penalty = p->korean_break == JOPAN_KOREAN_BREAK_AUTO ? 400 : 0,
    .double_hyphen_demerits = 3000,
    .fitness_demerits = 100,
    .tolerance = 3,
  };
}

/* The line @b of @text as a layout of its own, justified to @width unless
 * it is the paragraph's last. */
static PangoLayout *
set_line (JopanTypesetter *ts, const JopanParaStyle *p, const char *text, const GArray *spans,
          const JopanBreakLine *b, double width, const JopanBreakParams *bp)
{
  g_autoptr (GArray) clipped = clip_spans (spans, b->start, b->end);
  g_autofree char *line = g_strndup (text + b->start, b->end - b->start);
  PangoLayout *layout;

  if (b->hyphen)
    {
      char *with = g_strconcat (line, "-", NULL);
      g_free (line);
      line = with;
    }
  layout = make_layout (ts, p, line, clipped);
  if (b->flush)
    return layout; /* a piece of a long string: never letter-spaced */
  if (p->align == JOPAN_ALIGN_JUSTIFY && !b->last)
    justify_line (layout, width, bp, FALSE);
  else if (b->ratio < 0)
    justify_line (layout, width, bp, TRUE); /* a last line set a little tight */
  return layout;
}

static guint
count_flush (const GArray *lines)
{
  guint n = 0;

  for (guint i = 0; i < lines->len; i++)
    n += g_array_index (lines, JopanBreakLine, i).flush;
  return n;
}

/* Display type reads best with lines of even length: the narrowest width
 * that still needs no more lines than the full width, and breaks no more
 * long words inside. */
static double
balanced_width (PangoLayout *unbroken, const JopanBreakParams *bp)
{
  JopanBreakParams trial = *bp;
  g_autoptr (GArray) full = jopan_break_paragraph (unbroken, bp);
  double lo = bp->width / 2, hi = bp->width;

  if (full->len < 2)
    return bp->width;
  while (hi - lo > 1)
    {
      g_autoptr (GArray) lines = NULL;
      trial.width = (lo + hi) / 2;
      lines = jopan_break_paragraph (unbroken, &trial);
      if (lines->len > full->len || count_flush (lines) > count_flush (full))
        lo = trial.width;
      else
        hi = trial.width;
    }
  return hi;
}

/* The line @b set in a column @measure wide, @offset from its left: its
 * width is the measure if justified, its true width is its advance. */
static JopanLine
place_line (JopanTypesetter *ts, const JopanParaStyle *p, const char *text, const GArray *spans,
            const JopanBreakLine *b, double offset, double measure, const JopanBreakParams *bp)
{
  JopanLine line = { set_line (ts, p, text, spans, b, measure, bp), 0, offset, 0,
                     b->hyphen, b->inner, b->ratio, measure, 0 };
  PangoRectangle logical;

  pango_layout_line_get_extents (pango_layout_get_line_readonly (line.layout, 0), NULL, &logical);
  line.width = line.true_width = logical.width / (double) PANGO_SCALE;
  if (p->align == JOPAN_ALIGN_JUSTIFY && !b->last && !b->flush && line.width < measure)
    line.width = measure;
  else if (p->align == JOPAN_ALIGN_CENTER)
    line.x += (measure - line.width) / 2;
  else if (p->align == JOPAN_ALIGN_RIGHT)
    line.x += measure - line.width;
  return line;
}

/* Sets one paragraph (no newlines) and appends its lines to @result. */
static void
set_paragraph (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
               double width, double indent, const char *where, JopanText *result)
{
  const JopanParaStyle *p = &ts->style->para[kind];
  g_autoptr (PangoLayout) unbroken = make_layout (ts, p, text, spans);
  g_autoptr (GArray) breaks = NULL;
  g_autoptr (GArray) hyphens = NULL;
  JopanBreakParams bp;
  guint overfull = 0, first_overfull = 0;

  report_missing_glyphs (ts, unbroken, where);
  break_params (ts, kind, width, indent, &bp);
  if (p->hyphenate && ts->hyphenator)
    bp.hyphen_points = hyphens = jopan_hyphen_points (ts->hyphenator, text);
  if (kind == JOPAN_PARA_HEADLINE || kind == JOPAN_PARA_DECK)
    bp.width = balanced_width (unbroken, &bp);
  breaks = jopan_break_paragraph (unbroken, &bp);
  for (guint i = 0; i < breaks->len; i++)
    {
      const JopanBreakLine *b = &g_array_index (breaks, JopanBreakLine, i);
      double offset = i == 0 ? MAX (indent, 0) : MAX (-indent, 0);
      JopanLine line = place_line (ts, p, text, spans, b, offset, width - offset, &bp);

      /* Only a character wider than the column makes a line overfull. */
      if (line.true_width > width - offset + 0.01 && overfull++ == 0)
        first_overfull = i + 1;
      if (line.width > width - offset)
        line.width = width - offset;
      g_array_append_val (result->lines, line);
    }
  if (overfull > 0)
    jopan_report_add (ts->report, "overfull", "%s: a character is wider than the %.2f pt column: "
                      "%u of its set lines overflow, the first is line %u", where, width, overfull,
                      first_overfull);
}

/* The length of the mandatory line break (UAX #14 classes BK, CR, LF, NL)
 * at @p, or 0.  Pango would end its paragraph there and the breaker read
 * only the first, so each one starts a paragraph of its own. */
static guint
break_length (const char *p)
{
  switch ((guchar) p[0])
    {
    case '\r':
      return p[1] == '\n' ? 2 : 1;
    case '\n':
    case '\v':
    case '\f':
      return 1;
    case 0xC2: /* U+0085 */
      return (guchar) p[1] == 0x85 ? 2 : 0;
    case 0xE2: /* U+2028, U+2029 */
      return (guchar) p[1] == 0x80 && ((guchar) p[2] == 0xA8 || (guchar) p[2] == 0xA9) ? 3 : 0;
    default:
      return 0;
    }
}

JopanText *
jopan_typeset (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
               double width, double indent, const char *where)
{
  const JopanParaStyle *p = &ts->style->para[kind];
  g_autofree char *prepared = NULL;
  JopanText *result = g_new0 (JopanText, 1);
  guint start = 0;

  if (p->uppercase && (spans == NULL || spans->len == 0))
    text = prepared = g_utf8_strup (text, -1);
  result->lines = g_array_new (FALSE, FALSE, sizeof (JopanLine));
  result->leading = p->leading;
  /* Each forced break starts a paragraph of its own (quotes, hard breaks). */
  for (guint end = 0;; end++)
    {
      guint separator = text[end] ? break_length (text + end) : 1;
      g_autofree char *paragraph = NULL;
      g_autoptr (GArray) clipped = NULL;

      if (separator == 0)
        continue;
      paragraph = g_strndup (text + start, end - start);
      clipped = clip_spans (spans, start, end);
      set_paragraph (ts, kind, paragraph, clipped, width, start == 0 ? indent : MIN (indent, 0),
                     where, result);
      if (text[end] == '\0')
        break;
      end += separator - 1;
      start = end + 1;
    }
  return result;
}

void
jopan_text_free (JopanText *text)
{
  if (text == NULL)
    return;
  for (guint i = 0; i < text->lines->len; i++)
    g_object_unref (g_array_index (text->lines, JopanLine, i).layout);
  g_array_unref (text->lines);
  g_free (text);
}
