/* linebreak.c — where a paragraph's lines end.
 *
 * The paragraph is shaped once, unbroken, by Pango/HarfBuzz; Pango's
 * Unicode line-break opportunities are then narrowed by the Korean rules of
 * klreq (no closing mark at a line's start, no opening one at its end,
 * numbers kept with their units, …… and —— unsplit, the Korean break mode)
 * and chosen either greedily or by total fit (Knuth and Plass): the breaks
 * that minimise the sum over lines of (badness + penalty)², with word
 * spaces (and, in Korean, the gaps between syllables) that stretch and
 * shrink, penalties for hyphens, and at most two hyphenated lines in a row.
 */
#include "jopan-private.h"

#include <math.h>
#include <string.h>

#define SOFT_HYPHEN 0x00AD
#define INFEASIBLE 1e30
#define MAX_HYPHEN_RUN 2
#define N_FITNESS 4

typedef enum {
  BREAK_SPACE,       /* after a word space */
  BREAK_PLAIN,       /* no space: after a dash or slash, or before a CJK character */
  BREAK_HYPHEN,      /* at a soft hyphen: a hyphen is drawn */
  BREAK_INNER,       /* between two Hangul syllables of one word */
  BREAK_EMERGENCY,   /* anywhere else a word too long for the line must break */
  BREAK_END,
} BreakKind;

typedef struct {
  int at;            /* the next line starts at this character */
  int end;           /* the line before it ends here (trailing spaces dropped) */
  BreakKind kind;
} Candidate;

/* Per character boundary k (0..n): prefix counts and positions. */
typedef struct {
  const char *text;
  int n;                  /* characters */
  int *offset;            /* byte offset of character k */
  gunichar *chars;
  double *x;              /* pen position before character k, points */
  int *spaces;            /* word spaces before k */
  int *gaps;              /* gaps that may grow (jopan_is_gap) before k */
  gboolean korean;
  GArray *candidates;     /* of Candidate */
} Paragraph;

/* ---- characters and the klreq rules --------------------------------------- */

static gboolean
is_hangul (gunichar c)
{
  return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F);
}

static gboolean
one_of (gunichar c, const gunichar *set, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (c == set[i])
      return TRUE;
  return FALSE;
}

/* Marks no line may start with (klreq): closing brackets and quotes, and
 * . , ? ! · : ; % and their full-width forms; and (house rule) a dash,
 * which stays at the end of the line it follows. */
static gboolean
no_line_start (gunichar c)
{
  static const gunichar marks[] = {
    '.', ',', '?', '!', ':', ';', '%', ')', ']', '}', 0x00B7, 0x00BB, 0x2014, 0x2015, 0x2019, 0x201D, 0x2026,
    0x2030, 0x203A, 0x2103, 0x3001, 0x3002, 0x3009, 0x300B, 0x300D, 0x300F, 0x3011, 0x338F,
    0x33A1, 0x33DE, 0xFF01, 0xFF09, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F,
  };

  return one_of (c, marks, G_N_ELEMENTS (marks));
}

/* Marks no line may end with: opening brackets and quotes. */
static gboolean
no_line_end (gunichar c)
{
  static const gunichar marks[] = {
    '(', '[', '{', 0x00AB, 0x2018, 0x201C, 0x2039, 0x3008, 0x300A, 0x300C, 0x300E, 0x3010, 0xFF08,
  };

  return one_of (c, marks, G_N_ELEMENTS (marks));
}

static gboolean
is_digit (gunichar c)
{
  return c >= '0' && c <= '9';
}

/* Breaks the rules forbid in every mode, between characters @a and @b. */
static gboolean
forbidden (gunichar a, gunichar b)
{
  if (no_line_start (b) || no_line_end (a))
    return TRUE;
  /* A number stays with its unit, its sign and its digits: 2.7㎞, 45%, 1만3221명. */
  if ((is_digit (a) && !g_unichar_isspace (b)) || (is_digit (b) && !g_unichar_isspace (a)))
    return TRUE;
  /* …… and —— are one mark each. */
  if (a == b && (a == 0x2026 || a == 0x2014))
    return TRUE;
  return FALSE;
}

/* ---- the paragraph ---------------------------------------------------------- */

/* Pen positions at each character boundary, from the unbroken line's glyphs. */
static void
measure (Paragraph *p, PangoLayout *layout)
{
  PangoLayoutLine *line = pango_layout_get_line_readonly (layout, 0);
  int len = (int) strlen (p->text);
  double *at_byte = g_new (double, len + 1);
  double pen = 0;

  for (int i = 0; i <= len; i++)
    at_byte[i] = -1;
  for (GSList *l = line ? line->runs : NULL; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      PangoGlyphString *glyphs = run->glyphs;
      for (int g = 0; g < glyphs->num_glyphs; g++)
        {
          int byte = run->item->offset + glyphs->log_clusters[g];
          if (byte <= len && at_byte[byte] < 0)
            at_byte[byte] = pen;
          pen += glyphs->glyphs[g].geometry.width / (double) PANGO_SCALE;
        }
    }
  at_byte[len] = pen;
  /* A character inside a cluster (the second f of an ff ligature) sits in
   * proportion between the cluster's ends: a break there splits the glyph. */
  for (int k = 0, known = 0; k <= p->n; k++)
    {
      int next = k;
      p->x[k] = at_byte[p->offset[k]];
      if (p->x[k] >= 0)
        {
          known = k;
          continue;
        }
      while (at_byte[p->offset[next]] < 0)
        next++;
      p->x[k] = p->x[known] + (at_byte[p->offset[next]] - p->x[known]) * (k - known) / (next - known);
    }
  g_free (at_byte);
}

/* May the space between @a and @b grow a little when a line is justified?
 * Between two Hangul syllables in Korean text; between two Latin letters
 * of a word otherwise, by much less. */
gboolean
jopan_is_gap (gunichar a, gunichar b, gboolean korean)
{
  if (korean)
    return a >= 0xAC00 && a <= 0xD7A3 && b >= 0xAC00 && b <= 0xD7A3;
  return g_unichar_isalpha (a) && g_unichar_isalpha (b) && !is_hangul (a) && !is_hangul (b);
}

static void
paragraph_init (Paragraph *p, PangoLayout *layout, gboolean korean)
{
  const char *s;
  int k = 0;

  p->korean = korean;
  p->text = pango_layout_get_text (layout);
  p->n = (int) g_utf8_strlen (p->text, -1);
  p->offset = g_new (int, p->n + 1);
  p->chars = g_new0 (gunichar, p->n + 1);
  p->x = g_new (double, p->n + 1);
  p->spaces = g_new0 (int, p->n + 1);
  p->gaps = g_new0 (int, p->n + 1);
  for (s = p->text; *s; s = g_utf8_next_char (s), k++)
    {
      p->offset[k] = (int) (s - p->text);
      p->chars[k] = g_utf8_get_char (s);
    }
  p->offset[p->n] = (int) strlen (p->text);
  for (k = 1; k <= p->n; k++)
    {
      gunichar a = p->chars[k - 1], b = p->chars[k];
      p->spaces[k] = p->spaces[k - 1] + (a == ' ');
      p->gaps[k] = p->gaps[k - 1] + (k < p->n && jopan_is_gap (a, b, p->korean));
    }
  measure (p, layout);
  p->candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
}

static void
paragraph_clear (Paragraph *p)
{
  g_free (p->offset);
  g_free (p->chars);
  g_free (p->x);
  g_free (p->spaces);
  g_free (p->gaps);
  g_array_unref (p->candidates);
}

/* The break opportunities, Pango's narrowed by the rules; with @emergency,
 * also inside words, so that a word wider than the line can break. */
static void
find_candidates (Paragraph *p, PangoLayout *layout, const JopanBreakParams *bp, gboolean emergency)
{
  int n_attrs;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (layout, &n_attrs);
  JopanKoreanBreak mode = bp->korean_break;
  g_autofree gboolean *hyphen = g_new0 (gboolean, p->n + 1);

  /* Hyphenation points are byte offsets: mark the characters they precede. */
  for (guint i = 0, k = 0; bp->hyphen_points && i < bp->hyphen_points->len; i++)
    {
      guint at = g_array_index (bp->hyphen_points, guint, i);
      while ((int) k < p->n && (guint) p->offset[k] < at)
        k++;
      if ((int) k < p->n && (guint) p->offset[k] == at)
        hyphen[k] = TRUE;
    }
  /* Which characters belong to a word (a run between spaces) with Hangul:
   * a break there, not at a space, is a break inside a Korean word. */
  g_autofree gboolean *korean_word = g_new0 (gboolean, p->n + 1);
  for (int k = 0; k < p->n; k++)
    {
      int end = k;
      gboolean hangul = FALSE;
      while (end < p->n && !g_unichar_isspace (p->chars[end]))
        hangul |= is_hangul (p->chars[end++]);
      for (int i = k; i < end; i++)
        korean_word[i] = hangul;
      k = end;
    }
  g_array_set_size (p->candidates, 0);
  for (int k = 1; k < p->n && k < n_attrs; k++)
    {
      gunichar a = p->chars[k - 1], b = p->chars[k];
      Candidate c = { k, k, BREAK_PLAIN };
      int last = k - 1;

      while (last > 0 && g_unichar_isspace (p->chars[last]))
        last--;
      if (g_unichar_isspace (b) || forbidden (p->chars[last], b))
        continue;
      if (g_unichar_isspace (a))
        {
          c.kind = BREAK_SPACE;
          c.end = last + 1;
        }
      else if (hyphen[k] || a == SOFT_HYPHEN)
        c.kind = BREAK_HYPHEN;
      else if (!attrs[k].is_line_break && !(is_hangul (a) && is_hangul (b)))
        c.kind = BREAK_EMERGENCY;
      else if (korean_word[k])
        c.kind = mode == JOPAN_KOREAN_BREAK_KEEP_ALL ? BREAK_EMERGENCY : BREAK_INNER;
      if (c.kind == BREAK_EMERGENCY && !emergency)
        continue;
      if (c.kind == BREAK_SPACE && !attrs[k].is_line_break)
        continue;
      g_array_append_val (p->candidates, c);
    }
  g_array_append_val (p->candidates, ((Candidate) { p->n, p->n, BREAK_END }));

}

/* ---- one line from candidate i to candidate j -------------------------------- */

typedef struct {
  double ratio;           /* adjustment: > 0 stretch, < 0 shrink */
  double badness;
} Fit;

static int
line_start (const Paragraph *p, const Candidate *from)
{
  int s = from ? from->at : 0;

  while (s < p->n && g_unichar_isspace (p->chars[s]))
    s++;
  return s;
}

static Fit
fit_line (const Paragraph *p, const JopanBreakParams *bp, int start, const Candidate *to,
          double width)
{
  double natural = p->x[to->end] - p->x[start] + (to->kind == BREAK_HYPHEN ? bp->hyphen_width : 0);
  int spaces = p->spaces[to->end] - p->spaces[start];
  int gaps = p->gaps[to->end] - p->gaps[start];
  double stretch = spaces * bp->space_width * bp->space_stretch + gaps * bp->syllable_stretch;
  double shrink = spaces * bp->space_width * bp->space_shrink;
  Fit f = { 0, 0 };

  if (to->kind == BREAK_END && natural <= width)
    return f; /* the last line is set at its natural width */
  if (natural > width)
    f.ratio = shrink > 0 ? (width - natural) / shrink : -INFEASIBLE;
  else
    f.ratio = stretch > 0 ? (width - natural) / stretch : INFEASIBLE;
  /* Not capped at 10000 as in TeX: when no set of breaks keeps every line
   * within tolerance, a line twice as loose must still cost more. */
  f.badness = MIN (1e12, 100 * pow (MIN (fabs (f.ratio), 1e4), 3));
  return f;
}

static int
fitness_of (double ratio)
{
  return ratio < -0.5 ? 0 : ratio <= 0.5 ? 1 : ratio <= 1 ? 2 : 3;
}

static double
penalty_of (const JopanBreakParams *bp, BreakKind kind)
{
  switch (kind)
    {
    case BREAK_HYPHEN:
      return bp->hyphen_penalty;
    case BREAK_INNER:
      return bp->inner_penalty;
    case BREAK_EMERGENCY:
      return 5000;
    case BREAK_PLAIN:
      return 10;
    default:
      return 0;
    }
}

/* Korean: the last line is never a lone syllable (a syllable and its
 * punctuation); Latin: never a lone letter. */
static gboolean
last_line_too_short (const Paragraph *p, int start)
{
  int letters = 0;

  for (int k = start; k < p->n; k++)
    letters += g_unichar_isalnum (p->chars[k]) || is_hangul (p->chars[k]);
  return start > 0 && letters < 2;
}

/* ---- total fit ------------------------------------------------------------------- */

typedef struct {
  double demerits;
  int previous;           /* the state this line started from, -1 at the start */
  double ratio;
} Node;

/* State index: candidate c (0 is the paragraph's start), hyphen run h, fitness f. */
#define STATE(c, h, f) (((c) * (MAX_HYPHEN_RUN + 1) + (h)) * N_FITNESS + (f))

static GArray *
trace (const Paragraph *p, const Node *nodes, int state, GArray *lines)
{
  int c = state / ((MAX_HYPHEN_RUN + 1) * N_FITNESS);

  if (c == 0)
    return lines; /* the paragraph's start */
  trace (p, nodes, nodes[state].previous, lines);
  {
    const Candidate *to = &g_array_index (p->candidates, Candidate, c - 1);
    int from_state = nodes[state].previous;
    int from = from_state >= 0 ? from_state / ((MAX_HYPHEN_RUN + 1) * N_FITNESS) : 0;
    JopanBreakLine line = { 0 };
    int s = line_start (p, from > 0 ? &g_array_index (p->candidates, Candidate, from - 1) : NULL);

    line.start = (guint) p->offset[s];
    line.end = (guint) p->offset[to->end];
    line.hyphen = to->kind == BREAK_HYPHEN;
    line.inner = to->kind == BREAK_INNER || to->kind == BREAK_EMERGENCY;
    line.last = to->kind == BREAK_END;
    line.ratio = nodes[state].ratio;
    g_array_append_val (lines, line);
  }
  return lines;
}

static double
width_of_line (const JopanBreakParams *bp, gboolean first)
{
  if (first)
    return bp->width - MAX (bp->indent, 0);
  return bp->width + MIN (bp->indent, 0);
}

static GArray *
total_fit (const Paragraph *p, const JopanBreakParams *bp, double max_ratio)
{
  int n_cand = (int) p->candidates->len, n_states = STATE (n_cand + 1, 0, 0);
  g_autofree Node *nodes = g_new (Node, n_states);
  int best = -1, first_active = 0;

  for (int i = 0; i < n_states; i++)
    nodes[i] = (Node) { INFEASIBLE, -1, 0 };
  nodes[STATE (0, 0, 1)].demerits = 0;
  for (int j = 1; j <= n_cand; j++)
    {
      const Candidate *to = &g_array_index (p->candidates, Candidate, j - 1);
      for (int i = first_active; i < j; i++)
        {
          const Candidate *from = i > 0 ? &g_array_index (p->candidates, Candidate, i - 1) : NULL;
          int start = line_start (p, from);
          Fit fit = fit_line (p, bp, start, to, width_of_line (bp, i == 0));
          double penalty = penalty_of (bp, to->kind);

          if (fit.ratio < -1)
            {
              /* Too long already: no later break can start from i either. */
              if (i == first_active)
                first_active++;
              continue;
            }
          if (fit.ratio > max_ratio || (to->kind == BREAK_END && last_line_too_short (p, start)))
            continue;
          for (int h = 0; h <= MAX_HYPHEN_RUN; h++)
            for (int f = 0; f < N_FITNESS; f++)
              {
                const Node *from_node = &nodes[STATE (i, h, f)];
                int run = to->kind == BREAK_HYPHEN ? h + 1 : 0;
                int fitness = fitness_of (fit.ratio);
                double d;

                if (from_node->demerits >= INFEASIBLE || run > MAX_HYPHEN_RUN)
                  continue;
                d = pow (bp->line_penalty + fit.badness, 2) + penalty * penalty;
                if (run == 2)
                  d += bp->double_hyphen_demerits;
                if (abs (fitness - f) > 1 && i > 0)
                  d += bp->fitness_demerits;
                d += from_node->demerits;
                if (d < nodes[STATE (j, run, fitness)].demerits)
                  nodes[STATE (j, run, fitness)] = (Node) { d, STATE (i, h, f), fit.ratio };
              }
        }
    }
  for (int h = 0; h <= MAX_HYPHEN_RUN; h++)
    for (int f = 0; f < N_FITNESS; f++)
      if (nodes[STATE (n_cand, h, f)].demerits < INFEASIBLE
          && (best < 0 || nodes[STATE (n_cand, h, f)].demerits < nodes[best].demerits))
        best = STATE (n_cand, h, f);
  if (best < 0)
    return NULL;
  return trace (p, nodes, best, g_array_new (FALSE, FALSE, sizeof (JopanBreakLine)));
}

/* ---- first fit -------------------------------------------------------------------- */

/* Each line takes as much as fits at natural spacing; as in a browser, but
 * under the same rules (and hyphen limit) as total fit. */
static GArray *
first_fit (const Paragraph *p, const JopanBreakParams *bp)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (JopanBreakLine));
  int from = 0, run = 0;

  while (from < (int) p->candidates->len + 1)
    {
      const Candidate *prev = from > 0 ? &g_array_index (p->candidates, Candidate, from - 1) : NULL;
      int start = line_start (p, prev), pick = -1;
      double width = width_of_line (bp, from == 0);
      JopanBreakLine line = { 0 };

      for (int j = from + 1; j <= (int) p->candidates->len; j++)
        {
          const Candidate *to = &g_array_index (p->candidates, Candidate, j - 1);
          Fit fit = fit_line (p, bp, start, to, width);
          if (fit.ratio < 0 && !(to->kind == BREAK_END && fit.ratio == 0))
            break;
          if (to->kind == BREAK_HYPHEN && run >= MAX_HYPHEN_RUN)
            continue;
          if (to->kind == BREAK_END && last_line_too_short (p, start) && pick > 0)
            break;
          pick = j;
        }
      if (pick < 0)
        pick = from + 1; /* nothing fits: the shortest line, overfull */
      {
        const Candidate *to = &g_array_index (p->candidates, Candidate, pick - 1);
        line.start = (guint) p->offset[start];
        line.end = (guint) p->offset[to->end];
        line.hyphen = to->kind == BREAK_HYPHEN;
        line.inner = to->kind == BREAK_INNER || to->kind == BREAK_EMERGENCY;
        line.last = to->kind == BREAK_END;
        line.ratio = fit_line (p, bp, start, to, width).ratio;
        run = line.hyphen ? run + 1 : 0;
      }
      g_array_append_val (lines, line);
      if (line.last)
        break;
      from = pick;
    }
  return lines;
}

GArray *
jopan_break_paragraph (PangoLayout *unbroken, const JopanBreakParams *bp)
{
  Paragraph p = { 0 };
  GArray *lines = NULL;

  paragraph_init (&p, unbroken, bp->korean_text);
  if (!bp->optimal)
    {
      find_candidates (&p, unbroken, bp, FALSE);
      lines = first_fit (&p, bp);
      if (lines->len && g_array_index (lines, JopanBreakLine, 0).ratio < -1)
        {
          /* A word wider than the line: let it break inside. */
          g_array_unref (lines);
          find_candidates (&p, unbroken, bp, TRUE);
          lines = first_fit (&p, bp);
        }
      paragraph_clear (&p);
      return lines;
    }
  /* Tolerances widen until the paragraph can be set: loose lines first,
   * then any stretch, then breaks inside words that are too long. */
  find_candidates (&p, unbroken, bp, FALSE);
  lines = total_fit (&p, bp, bp->tolerance);
  if (lines == NULL)
    lines = total_fit (&p, bp, INFEASIBLE);
  if (lines == NULL)
    {
      find_candidates (&p, unbroken, bp, TRUE);
      lines = total_fit (&p, bp, INFEASIBLE);
    }
  if (lines == NULL)
    lines = first_fit (&p, bp);
  paragraph_clear (&p);
  return lines;
}
