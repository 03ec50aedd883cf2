/* linebreak.c — where a paragraph's lines end.
 *
 * The paragraph is shaped once, unbroken, by Pango/HarfBuzz; Pango's
 * Unicode line-break opportunities are then narrowed by the Korean rules of
 * klreq (no closing mark at a line's start, no opening one at its end,
 * numbers kept with their units and signs, though a word space between two
 * numbers is a break, …… and —— unsplit, the Korean break mode)
 * and chosen either greedily or by total fit (Knuth and Plass): the breaks
 * that minimise the sum over lines of (badness + penalty)², with word
 * spaces (and, in Korean, the gaps between syllables) that stretch and
 * shrink, penalties for hyphens, and at most two hyphenated lines in a row.
 *
 * A stretch of text with no allowed break that is wider than the line (a
 * URL, a hash, a long compound, a long Korean word in keep-all) may break
 * at any grapheme boundary inside it: greedily, each line as full as it
 * goes, at the most readable break near its end (after / . - _, between
 * syllables or letters, beside a digit, else anywhere).  Such a line, and
 * one ending inside a URL, is set flush, never justified or letter-spaced,
 * so no line is ever wider than its measure unless one character is.
 *
 * Total fit keeps 12 nodes per break opportunity; a paragraph with more
 * than MAX_OPTIMAL_CANDIDATES opportunities (about 600 KB of English) is
 * set by first fit instead, which needs no memory beyond its lines: such a
 * paragraph is never read for its spacing, and nothing of it is lost.
 */
#include "jopan-private.h"

#include <math.h>
#include <string.h>

#define SOFT_HYPHEN 0x00AD
#define INFEASIBLE 1e30
#define MAX_HYPHEN_RUN 2
#define N_FITNESS 4
#define MAX_OPTIMAL_CANDIDATES 100000
/* How far a flush line may fall short before it costs like a loose line
 * at full stretch, as a share of the measure. */
#define FLUSH_SLACK 0.1
/* A line broken inside a string may come out wider when shaped alone (a
 * kerning pair at its end falls away): it keeps this share of a word space
 * free. */
#define STRING_MARGIN 0.5

typedef enum {
  BREAK_SPACE,       /* after a word space */
  BREAK_PLAIN,       /* no space: after a dash or slash, or before a CJK character */
  BREAK_HYPHEN,      /* at a soft hyphen: a hyphen is drawn */
  BREAK_NAME,        /* after the hyphen of a capitalised compound: Kim Jong-|un, Joong-|Ang */
  BREAK_NAME_HYPHEN, /* at a hyphenation point of a capitalised word: Salt-|market; a hyphen is drawn */
  BREAK_INNER,       /* between two Hangul syllables of one word */
  BREAK_SOFT_EMERGENCY, /* inside a string wider than the line: after / . - _ and the like */
  BREAK_EMERGENCY,   /* inside such a string where the klreq rules allow */
  BREAK_NUMBER,      /* inside such a string beside a digit */
  BREAK_FORCED,      /* inside such a string before a closing mark, say */
  BREAK_END,
} BreakKind;

typedef struct {
  int at;            /* the next line starts at this character */
  int end;           /* the line before it ends here (trailing spaces dropped) */
  BreakKind kind;
  gboolean in_string;/* inside a string wider than the line */
  gboolean in_url;   /* inside a URL, an address or a path */
  gboolean fallback; /* keep-all: inside a word, only where words alone set badly */
} Candidate;

/* A break after which a hyphen is drawn. */
static inline gboolean
draws_hyphen (BreakKind kind)
{
  return kind == BREAK_HYPHEN || kind == BREAK_NAME_HYPHEN;
}

/* A break inside a name, taken only when nothing else fits. */
static inline gboolean
is_name_break (BreakKind kind)
{
  return kind == BREAK_NAME || kind == BREAK_NAME_HYPHEN;
}

/* hyphen_marks(): what a hyphenation point at a character is. */
enum { HYPHEN_NONE, HYPHEN_IN_WORD, HYPHEN_IN_NAME };

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
  /* Once the candidates are all found, line_start() of each (0: the
   * paragraph's start, i: candidate i - 1): every line tried asks. */
  int *starts;
  /* The starts rise with the candidates and the pen never steps back:
   * a line starting later is never longer (see looser_still()). */
  gboolean rising;
  /* Where offset, chars, spaces and gaps (and, while the candidates are
   * its, starts) are borrowed from: never freed with the paragraph. */
  const JopanBreakFacts *facts;
} Paragraph;

/* What breaking a paragraph reads of its text alone, kept to break it
 * again at another measure, size or spacing: its characters, their
 * prefix counts, the ordinary candidates and where a line after each
 * starts.  (JopanBreakParams.candidates: they depend on the text, its
 * spans and language, the Korean break mode and the hyphenation points
 * alone.) */
struct _JopanBreakFacts {
  int n;
  int *ints;              /* offset, spaces, gaps: n + 1 each */
  gunichar *chars;
  GArray *candidates;     /* of Candidate, never changed */
  int *starts;            /* line_start() of the paragraph and of each candidate */
  gboolean starts_rise;
};

void
jopan_break_facts_free (JopanBreakFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->ints);
  g_free (facts->chars);
  g_array_unref (facts->candidates);
  g_free (facts->starts);
  g_free (facts);
}

/* ---- scratch arrays ---------------------------------------------------------- */

/* Breaking a paragraph works in arrays as long as its text (pen
 * positions) and its candidates (total fit's nodes): thousands of
 * paragraphs an edition, each broken at several measures, allocated and
 * freed each time.  Each thread keeps one array of each kind for the
 * next paragraph, up to SCRATCH_KEEP bytes (a larger one is allocated and
 * freed as before): a few hundred KB a thread at most, freed with it. */
#define SCRATCH_KEEP (256 * 1024)

enum { SCRATCH_AT_BYTE, SCRATCH_X, SCRATCH_NODES, SCRATCH_LIVE, SCRATCH_BEFORE, SCRATCH_AFTER, N_SCRATCH };

typedef struct {
  gpointer data[N_SCRATCH];
  gsize size[N_SCRATCH];
} BreakScratch;

static void
break_scratch_free (gpointer data)
{
  BreakScratch *s = data;

  for (int i = 0; i < N_SCRATCH; i++)
    g_free (s->data[i]);
  g_free (s);
}

static GPrivate break_scratch = G_PRIVATE_INIT (break_scratch_free);

gboolean jopan_break_scratch_off, jopan_break_scratch_dirty;

/* An array of @size bytes for @slot (its contents undefined), until
 * scratch_put(): the thread's own for @slot when it keeps one. */
static gpointer
scratch_get (int slot, gsize size)
{
  BreakScratch *s;

  if (size > SCRATCH_KEEP || jopan_break_scratch_off)
    return g_malloc (size);
  s = g_private_get (&break_scratch);
  if (s == NULL)
    {
      s = g_new0 (BreakScratch, 1);
      g_private_set (&break_scratch, s);
    }
  if (s->size[slot] < size)
    {
      g_free (s->data[slot]);
      s->size[slot] = MIN (SCRATCH_KEEP, MAX (size, 2 * s->size[slot]));
      s->data[slot] = g_malloc (s->size[slot]);
    }
  return s->data[slot];
}

/* Done with @data (scratch_get()'s for @slot). */
static void
scratch_put (int slot, gpointer data)
{
  BreakScratch *s = g_private_get (&break_scratch);

  if (s == NULL || data != s->data[slot])
    g_free (data);
}

/* ---- characters and the klreq rules --------------------------------------- */

static gboolean
is_hangul (gunichar c)
{
  return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F);
}

/* g_unichar_isspace(), ASCII answered inline: the breaker asks of nearly
 * every character, several times. */
G_ALWAYS_INLINE static inline gboolean
is_space (gunichar c)
{
  if (c < 0x80)
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  return g_unichar_isspace (c);
}

/* Is @c in @set, a set of marks (never a letter or a digit)? */
static gboolean
one_of (gunichar c, const gunichar *set, gsize n)
{
  /* Most characters are letters: none is a mark. */
  if ((c < 0x80 && g_ascii_isalnum (c)) || (c >= 0xAC00 && c <= 0xD7A3))
    return FALSE;
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

/* Breaks the marks rules forbid, between characters @a and @b. */
static gboolean
forbidden_by_marks (gunichar a, gunichar b)
{
  /* …… and —— are one mark each. */
  return no_line_start (b) || no_line_end (a) || (a == b && (a == 0x2026 || a == 0x2014));
}

/* A number stays with its unit, its sign and its digits: 2.7㎞, 45%,
 * 1만3221명.  A word space beside a number is an ordinary break (1 2 3,
 * page 12); a sign after a space (3 %) is kept by no_line_start. */
static gboolean
forbidden_by_number (gunichar a, gunichar b, gboolean spaced)
{
  return !spaced && (is_digit (a) || is_digit (b));
}

/* Is the word at character @k a unit of measure (600 m, 1.5 MWh, 20 °C)?
 * A number keeps it across a word space. */
static gboolean
unit_at (const Paragraph *p, int k)
{
  static const char *const units[] = {
    "m", "km", "cm", "mm", "m²", "km²", "ha", "g", "kg", "mg", "t", "l", "ml", "h", "min", "s",
    "W", "kW", "MW", "GW", "Wh", "kWh", "MWh", "GWh", "V", "kV", "A", "Hz", "kHz", "MHz", "GHz",
    "°C", "°F", "dB", "kB", "MB", "GB", "TB", "pt", "px", "mph", "€", "£", "$", "¥", "₩", "원",
  };
  int end = k;
  char word[16] = "";

  while (end < p->n && !is_space (p->chars[end]) && !g_unichar_ispunct (p->chars[end])
         && p->chars[end] != 0x00B0)
    end++;
  if (end < p->n && p->chars[end] == 0x00B0)
    end += 2; /* °C */
  end = MIN (end, p->n);
  if (end == k || p->offset[end] - p->offset[k] >= (int) sizeof word)
    return FALSE;
  memcpy (word, p->text + p->offset[k], (gsize) (p->offset[end] - p->offset[k]));
  for (gsize i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (word, units[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Breaks the rules forbid in every mode, between characters @a and @b,
 * with word spaces between them if @spaced. */
static gboolean
forbidden (gunichar a, gunichar b, gboolean spaced)
{
  return forbidden_by_marks (a, b) || forbidden_by_number (a, b, spaced);
}

/* ---- the paragraph ---------------------------------------------------------- */

/* Pen positions at each character boundary, from the unbroken line's
 * glyphs, in logical order: a right-to-left run (an Arabic name) is drawn
 * backwards, but what a line holds is what comes before its break.  So
 * each cluster's advance is summed in the order of the text. */
static void
measure (Paragraph *p, PangoLayout *layout, const int *widths)
{
  PangoLayoutLine *line = jopan_layout_line (layout, 0);
  int len = (int) strlen (p->text);
  /* One block: at_byte, then advance. */
  double *at_byte = scratch_get (SCRATCH_AT_BYTE, sizeof (double) * 2 * (gsize) (len + 1));
  double *advance = at_byte + len + 1;
  double pen = 0;
  guint nth = 0;

  for (int i = 0; i <= len; i++)
    at_byte[i] = -1, advance[i] = 0;
  for (GSList *l = line ? line->runs : NULL; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      PangoGlyphString *glyphs = run->glyphs;
      for (int g = 0; g < glyphs->num_glyphs; g++)
        {
          int byte = run->item->offset + glyphs->log_clusters[g];
          int width = widths ? widths[nth] : glyphs->glyphs[g].geometry.width;
          nth++;
          if (byte <= len)
            {
              advance[byte] += width / (double) PANGO_SCALE;
              at_byte[byte] = 0; /* a cluster starts here */
            }
        }
    }
  for (int byte = 0; byte < len; byte++)
    if (at_byte[byte] >= 0)
      {
        at_byte[byte] = pen;
        pen += advance[byte];
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
  scratch_put (SCRATCH_AT_BYTE, at_byte);
}

/* May the space between @a and @b grow a little when a line is justified?
 * Between two Hangul syllables in Korean text; between two Latin letters
 * of a word otherwise, by much less. */
/* Letters that may part: Latin, Greek and Cyrillic.  Joined scripts
 * (Arabic) must not, and Hangul parts only in Korean text. */
static gboolean
is_spaced_letter (gunichar c)
{
  GUnicodeScript script;

  /* Most text is ASCII: its letters are Latin, and nothing else is a letter. */
  if (c < 0x80)
    return g_ascii_isalpha (c);
  script = g_unichar_get_script (c);

  return g_unichar_isalpha (c)
         && (script == G_UNICODE_SCRIPT_LATIN || script == G_UNICODE_SCRIPT_GREEK
             || script == G_UNICODE_SCRIPT_CYRILLIC);
}

gboolean
jopan_is_gap (gunichar a, gunichar b, gboolean korean)
{
  if (korean)
    return a >= 0xAC00 && a <= 0xD7A3 && b >= 0xAC00 && b <= 0xD7A3;
  return is_spaced_letter (a) && is_spaced_letter (b);
}

/* The paragraph's text read: its characters and their prefix counts. */
static void
paragraph_read (Paragraph *p, PangoLayout *layout, gboolean korean)
{
  const char *s;
  int k = 0;

  p->korean = korean;
  p->text = pango_layout_get_text (layout);
  p->n = (int) g_utf8_strlen (p->text, -1);
  /* One block for the three arrays of int. */
  p->offset = g_new (int, 3 * (p->n + 1));
  p->spaces = p->offset + p->n + 1;
  p->gaps = p->spaces + p->n + 1;
  p->spaces[0] = p->gaps[0] = 0;
  p->chars = g_new (gunichar, p->n + 1);
  p->chars[p->n] = 0;
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
  /* Room for a break a word (grown only by a text of short words). */
  p->candidates = g_array_sized_new (FALSE, FALSE, sizeof (Candidate), p->n / 4 + 2);
}

/* The paragraph's text as read before (@facts, borrowed). */
static void
paragraph_borrow (Paragraph *p, PangoLayout *layout, gboolean korean, const JopanBreakFacts *facts)
{
  p->korean = korean;
  p->text = pango_layout_get_text (layout);
  p->n = facts->n;
  p->offset = facts->ints;
  p->spaces = facts->ints + p->n + 1;
  p->gaps = p->spaces + p->n + 1;
  p->chars = facts->chars;
  p->candidates = g_array_ref (facts->candidates);
  p->starts = facts->starts;
  p->facts = facts;
}

static void
paragraph_clear (Paragraph *p)
{
  if (p->facts == NULL)
    {
      g_free (p->offset); /* and spaces and gaps */
      g_free (p->chars);
    }
  if (p->facts == NULL || p->starts != p->facts->starts)
    g_free (p->starts);
  scratch_put (SCRATCH_X, p->x);
  g_array_unref (p->candidates);
}

/* Marks the characters hyphenation points (byte offsets) precede. */
static gboolean *
hyphen_marks (const Paragraph *p, const JopanBreakParams *bp)
{
  gboolean *hyphen = g_new0 (gboolean, p->n + 1);

  for (guint i = 0, k = 0; bp->hyphen_points && i < bp->hyphen_points->len; i++)
    {
      guint point = g_array_index (bp->hyphen_points, guint, i);
      guint at = point & ~JOPAN_HYPHEN_NAME;
      while ((int) k < p->n && (guint) p->offset[k] < at)
        k++;
      if ((int) k < p->n && (guint) p->offset[k] == at)
        hyphen[k] = point & JOPAN_HYPHEN_NAME ? HYPHEN_IN_NAME : HYPHEN_IN_WORD;
    }
  return hyphen;
}

/* Which characters belong to a word (a run between spaces) with Hangul: a
 * break there, not at a space, is a break inside a Korean word. */
static gboolean *
korean_words (const Paragraph *p)
{
  gboolean *korean_word = g_new0 (gboolean, p->n + 1);

  for (int k = 0; k < p->n; k++)
    {
      int end = k;
      gboolean hangul = FALSE;
      while (end < p->n && !is_space (p->chars[end]))
        hangul |= is_hangul (p->chars[end++]);
      for (int i = k; i < end; i++)
        korean_word[i] = hangul;
      k = end;
    }
  return korean_word;
}

static gboolean
has_at (const gunichar *chars, int from, int to, const char *ascii)
{
  int n = (int) strlen (ascii);

  for (int k = from; k + n <= to; k++)
    {
      int i = 0;
      while (i < n && chars[k + i] == (gunichar) ascii[i])
        i++;
      if (i == n)
        return TRUE;
    }
  return FALSE;
}

/* Is the word at @k (a run of Hangul up to a space) one of the titles a
 * Korean name goes before: 김민지 기자, 박 대표? */
static gboolean
title_at (const Paragraph *p, int k)
{
  static const char *const titles[] = {
    "기자", "특파원", "논설위원", "씨", "대표", "교수", "의원", "장관", "대통령", "위원장",
    "사장", "회장", "총리", "시장", "군수", "구청장", "감독", "선수", "원장", "부장", "팀장",
  };
  int end = k;
  char word[32] = "";

  while (end < p->n && is_hangul (p->chars[end]))
    end++;
  if (end == k || p->offset[end] - p->offset[k] >= (int) sizeof word)
    return FALSE;
  memcpy (word, p->text + p->offset[k], (gsize) (p->offset[end] - p->offset[k]));
  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (word, titles[i]) == 0 || (g_str_has_prefix (word, titles[i])
                                          && end - k <= (int) g_utf8_strlen (titles[i], -1) + 1))
      return TRUE; /* 기자는, 씨가: a title and its particle */
  return FALSE;
}

/* Which characters belong to a Korean name: a word of two to four Hangul
 * syllables before a title (김민지 기자).  A name is never split. */
static gboolean *
korean_names (const Paragraph *p)
{
  gboolean *name = g_new0 (gboolean, p->n + 1);

  for (int k = 0; k < p->n; k++)
    {
      int end = k;
      while (end < p->n && is_hangul (p->chars[end]))
        end++;
      if (end - k >= 2 && end - k <= 4 && end + 1 < p->n && p->chars[end] == ' '
          && title_at (p, end + 1))
        for (int i = k; i < end; i++)
          name[i] = TRUE;
      while (end < p->n && !is_space (p->chars[end]))
        end++;
      k = end;
    }
  return name;
}

/* Which characters belong to a URL, an e-mail address or a path (a run
 * between spaces with :// or www. or @ or /): a line that ends inside one
 * is set flush, as a piece of a string. */
static gboolean *
url_words (const Paragraph *p)
{
  gboolean *url = g_new0 (gboolean, p->n + 1);

  for (int k = 0; k < p->n; k++)
    {
      int end = k;
      while (end < p->n && !is_space (p->chars[end]))
        end++;
      if (has_at (p->chars, k, end, "://") || has_at (p->chars, k, end, "www.")
          || has_at (p->chars, k, end, "@") || has_at (p->chars, k, end, "/"))
        for (int i = k; i < end; i++)
          url[i] = TRUE;
      k = end;
    }
  return url;
}

/* A break before character @k: the line before it ends at the last
 * character that is not a space. */
static Candidate
candidate_at (const Paragraph *p, int k, BreakKind kind)
{
  Candidate c = { k, k, kind, FALSE, FALSE, FALSE };

  while (c.end > 0 && is_space (p->chars[c.end - 1]))
    c.end--;
  return c;
}

/* Is the break before @k one after the hyphen of a capitalised compound
 * (Kim Jong-un, Joong-Ang, PARK HYUN-JU)?  A name split there reads as two. */
static gboolean
capitalised_compound (const Paragraph *p, int k)
{
  int s = k - 1;

  if (k < 2 || (p->chars[k - 1] != '-' && p->chars[k - 1] != 0x2010))
    return FALSE;
  while (s > 0 && g_unichar_isalpha (p->chars[s - 1]))
    s--;
  return s < k - 1 && g_unichar_isupper (p->chars[s]);
}

/* Character facts find_candidates reads for each boundary. */
typedef struct {
  gboolean *hyphen, *korean_word, *url, *name;
} Marks;

/* The break before character @k, if the rules and @mode allow one. */
static gboolean
classify (const Paragraph *p, const PangoLogAttr *attrs, const Marks *m, JopanKoreanBreak mode,
          int k, Candidate *out)
{
  gunichar a = p->chars[k - 1], b = p->chars[k];
  Candidate c = candidate_at (p, k, BREAK_PLAIN);

  if (is_space (b) || c.end == 0 || forbidden (p->chars[c.end - 1], b, c.end < k))
    return FALSE;
  if (c.end < k && is_digit (p->chars[c.end - 1]) && unit_at (p, k))
    return FALSE; /* 600 m, 1.5 MWh */
  if (is_space (a) && !attrs[k].is_line_break)
    return FALSE; /* a space Pango keeps closed (before a closing mark, say) */
  if (is_space (a))
    c.kind = BREAK_SPACE;
  else if (m->hyphen[k] == HYPHEN_IN_NAME && a != SOFT_HYPHEN)
    c.kind = BREAK_NAME_HYPHEN;
  else if (m->hyphen[k] || a == SOFT_HYPHEN)
    c.kind = BREAK_HYPHEN;
  else if (!attrs[k].is_line_break && !(is_hangul (a) && is_hangul (b)))
    return FALSE; /* inside a word: only where the word is wider than the line */
  else if (capitalised_compound (p, k))
    c.kind = BREAK_NAME;
  else if (m->korean_word[k] && (mode == JOPAN_KOREAN_BREAK_KEEP_ALL || m->name[k]))
    return FALSE;
  else if (m->korean_word[k])
    c.kind = BREAK_INNER;
  c.in_url = c.kind != BREAK_SPACE && m->url[k];
  *out = c;
  return TRUE;
}

gint jopan_break_candidate_finds;

/* The ordinary break opportunities: Pango's, narrowed by the rules and the
 * Korean break mode. */
static void
find_candidates (Paragraph *p, const PangoLogAttr *attrs, int n_attrs, const JopanBreakParams *bp)
{
  g_autofree gboolean *hyphen = hyphen_marks (p, bp);
  g_autofree gboolean *korean_word = korean_words (p);
  g_autofree gboolean *url = url_words (p);
  g_autofree gboolean *name = korean_names (p);
  Marks m = { hyphen, korean_word, url, name };
  Candidate c;

  g_atomic_int_inc (&jopan_break_candidate_finds);
  g_array_set_size (p->candidates, 0);
  for (int k = 1; k < p->n && k < n_attrs; k++)
    if (classify (p, attrs, &m, bp->korean_break, k, &c))
      g_array_append_val (p->candidates, c);
  g_array_append_val (p->candidates, ((Candidate) { p->n, p->n, BREAK_END, FALSE, FALSE, FALSE }));
}

/* keep-all in total fit: the syllable breaks inside the words between two
 * ordinary breaks (not inside a string, which has breaks of its own), as
 * fallbacks that total_fit takes only where words alone set badly. */
static void
add_fallback_breaks (Paragraph *p, const PangoLogAttr *attrs, int n_attrs, const JopanBreakParams *bp)
{
  g_autofree gboolean *hyphen = hyphen_marks (p, bp);
  g_autofree gboolean *korean_word = korean_words (p);
  g_autofree gboolean *url = url_words (p);
  g_autofree gboolean *name = korean_names (p);
  Marks m = { hyphen, korean_word, url, name };
  GArray *all = g_array_sized_new (FALSE, FALSE, sizeof (Candidate), p->candidates->len * 2);
  int from = 0;

  for (guint i = 0; i < p->candidates->len; i++)
    {
      const Candidate *to = &g_array_index (p->candidates, Candidate, i);
      gboolean plain = !to->in_string && (i == 0 || !g_array_index (p->candidates, Candidate, i - 1).in_string);
      Candidate c;

      for (int k = from + 1; plain && k < to->at && k < n_attrs; k++)
        if (classify (p, attrs, &m, JOPAN_KOREAN_BREAK_SYLLABLE, k, &c) && c.kind == BREAK_INNER)
          {
            c.fallback = TRUE;
            g_array_append_val (all, c);
          }
      g_array_append_val (all, *to);
      from = to->at;
    }
  g_array_unref (p->candidates);
  p->candidates = all;
  p->starts = NULL; /* the ordinary candidates' (borrowed): keep_starts() finds them anew */
}

/* The first character of the line after break @from (NULL: the paragraph's start). */
G_ALWAYS_INLINE static inline int
line_start (const Paragraph *p, const Candidate *from)
{
  int s = from ? from->at : 0;

  if (p->starts)
    return p->starts[from ? from - &g_array_index (p->candidates, Candidate, 0) + 1 : 0];
  while (s < p->n && is_space (p->chars[s]))
    s++;
  return s;
}

/* line_start() of @p and of each of its candidates; @rise: whether they
 * never fall. */
static int *
starts_of (const Paragraph *p, gboolean *rise)
{
  int *starts = g_new (int, p->candidates->len + 1);

  starts[0] = line_start (p, NULL);
  *rise = TRUE;
  for (guint i = 0; i < p->candidates->len; i++)
    {
      starts[i + 1] = line_start (p, &g_array_index (p->candidates, Candidate, i));
      *rise = *rise && starts[i + 1] >= starts[i];
    }
  return starts;
}

/* Keeps line_start() of every candidate, now that they are all found. */
static void
keep_starts (Paragraph *p)
{
  /* The ordinary candidates alone: their starts were kept with them. */
  if (p->facts && p->candidates == p->facts->candidates)
    p->rising = p->facts->starts_rise;
  else
    p->starts = starts_of (p, &p->rising);
  for (int k = 0; k < p->n && p->rising; k++)
    p->rising = p->x[k + 1] >= p->x[k];
}

/* Facts of @p, read and its ordinary candidates found: @p borrows them
 * from now on. */
static JopanBreakFacts *
facts_keep (Paragraph *p)
{
  JopanBreakFacts *facts = g_new0 (JopanBreakFacts, 1);

  *facts = (JopanBreakFacts) { p->n, p->offset, p->chars, g_array_ref (p->candidates), NULL, TRUE };
  facts->starts = starts_of (p, &facts->starts_rise);
  p->starts = facts->starts;
  p->facts = facts;
  return facts;
}

/* After these a URL, a path or an identifier breaks most readably. */
static gboolean
soft_break_after (gunichar c)
{
  return c == '/' || c == '.' || c == '-' || c == '_' || c == '?' || c == '&' || c == '=' || c == '#'
         || c == ',' || c == ';' || c == ':' || c == '~' || c == '+' || c == '@' || c == '|'
         || c == 0x2010 || c == 0x2013;
}

/* Adds breaks at every grapheme boundary of [@from, @to), no klreq rule
 * excepted: the text there has no other way onto the page.  Between two
 * Hangul syllables it is a break inside a Korean word (keep-all gives way
 * to syllable breaking in a word wider than the line); elsewhere the kind
 * ranks how readable the break is. */
static void
add_emergency (const Paragraph *p, const PangoLogAttr *attrs, int n_attrs, int from, int to,
               GArray *out)
{
  for (int k = from + 1; k < to && k < n_attrs; k++)
    {
      gunichar a = p->chars[k - 1];
      Candidate c;

      if (!attrs[k].is_cursor_position || is_space (p->chars[k]))
        continue;
      c = candidate_at (p, k, BREAK_EMERGENCY);
      c.in_string = TRUE;
      if (c.end == 0 || forbidden_by_marks (p->chars[c.end - 1], p->chars[k]))
        c.kind = BREAK_FORCED;
      else if (forbidden_by_number (p->chars[c.end - 1], p->chars[k], c.end < k))
        c.kind = BREAK_NUMBER;
      else if (is_hangul (a) && is_hangul (p->chars[k]))
        c.kind = BREAK_INNER;
      else if (soft_break_after (a))
        c.kind = BREAK_SOFT_EMERGENCY;
      if (c.end > from)
        g_array_append_val (out, c);
    }
}

/* Is the stretch before candidate @i wider than @narrowest?  Sets *@start
 * to where it starts. */
static gboolean
stretch_too_wide (const Paragraph *p, guint i, double narrowest, int *start)
{
  const Candidate *to = &g_array_index (p->candidates, Candidate, i);

  *start = line_start (p, i > 0 ? &g_array_index (p->candidates, Candidate, i - 1) : NULL);
  return p->x[to->end] - p->x[*start] > narrowest;
}

/* Lets every stretch between two ordinary breaks that is wider than the
 * narrowest line break inside (a URL, a hash, a long compound or a long
 * Korean word in keep-all); elsewhere words stay whole.  @unbroken's
 * break analysis is read only when a stretch is that wide. */
static void
add_emergency_breaks (Paragraph *p, PangoLayout *unbroken, double narrowest)
{
  const PangoLogAttr *attrs;
  GArray *all;
  guint first = 0;
  int start, n_attrs;

  /* Most paragraphs have no such stretch: their candidates stay. */
  while (first < p->candidates->len && !stretch_too_wide (p, first, narrowest, &start))
    first++;
  if (first == p->candidates->len)
    return;
  attrs = jopan_layout_log_attrs (unbroken, &n_attrs);
  all = g_array_sized_new (FALSE, FALSE, sizeof (Candidate), p->candidates->len + 16);
  g_array_append_vals (all, p->candidates->data, first);
  for (guint i = first; i < p->candidates->len; i++)
    {
      const Candidate *to = &g_array_index (p->candidates, Candidate, i);

      if (stretch_too_wide (p, i, narrowest, &start))
        add_emergency (p, attrs, n_attrs, start, to->end, all);
      g_array_append_val (all, *to);
    }
  g_array_unref (p->candidates);
  p->candidates = all;
  p->starts = NULL; /* the ordinary candidates' (borrowed): keep_starts() finds them anew */
}

/* ---- one line from candidate i to candidate j -------------------------------- */

/* The badness is 100 × looseness³, but most lines tried are too long or
 * too loose to be taken: the cube (pow is dear) is worked out only for
 * those relaxed (badness_of). */
typedef struct {
  double ratio;           /* adjustment: > 0 stretch, < 0 shrink */
  double looseness;       /* what the badness is the cube of */
  gboolean capped;        /* badness at most 1e12 */
} Fit;

static double
badness_of (const Fit *f)
{
  double badness = 100 * pow (f->looseness, 3);

  return f->capped ? MIN (1e12, badness) : badness;
}

G_ALWAYS_INLINE static inline gboolean
is_emergency (BreakKind kind)
{
  return kind == BREAK_SOFT_EMERGENCY || kind == BREAK_EMERGENCY || kind == BREAK_NUMBER
         || kind == BREAK_FORCED;
}

G_ALWAYS_INLINE static inline gboolean
ends_in_string (const Candidate *c)
{
  return is_emergency (c->kind) || c->in_url;
}

/* A line broken inside a string wider than the line or inside a URL, or a
 * piece of one alone on its line, is set flush: never justified nor
 * letter-spaced. */
G_ALWAYS_INLINE static inline gboolean
is_flush (const Paragraph *p, const Candidate *from, int start, const Candidate *to)
{
  return ends_in_string (to)
         || (from && ends_in_string (from) && p->spaces[to->end] == p->spaces[start]);
}

/* How line @from → @to fits @width.  A flush line cannot shrink; its
 * shortfall costs as a stretch would, over a share of the measure. */
G_ALWAYS_INLINE static inline Fit
fit_line (const Paragraph *p, const JopanBreakParams *bp, const Candidate *from, const Candidate *to,
          double width)
{
  int start = line_start (p, from);
  double natural = p->x[to->end] - p->x[start] + (draws_hyphen (to->kind) ? bp->hyphen_width : 0);
  int spaces = p->spaces[to->end] - p->spaces[start];
  int gaps = p->gaps[to->end] - p->gaps[start];
  /* Glyphs may be scaled (font expansion) and letters part or close. */
  double stretch = spaces * bp->space_width * bp->space_stretch + gaps * bp->syllable_stretch
                   + natural * bp->expansion;
  double shrink = spaces * bp->space_width * bp->space_shrink + gaps * bp->gap_shrink
                  + natural * bp->expansion;
  Fit f = { 0, 0, FALSE };

  if (to->kind == BREAK_END && natural <= width)
    return f; /* the last line is set at its natural width */
  if (is_flush (p, from, start, to))
    {
      width -= STRING_MARGIN * bp->space_width;
      if (natural > width)
        f.ratio = -INFEASIBLE;
      else
        f.looseness = (width - natural) / (FLUSH_SLACK * width);
      return f;
    }
  if (natural > width)
    f.ratio = shrink > 0 ? (width - natural) / shrink : -INFEASIBLE;
  else
    f.ratio = stretch > 0 ? (width - natural) / stretch : INFEASIBLE;
  /* Beyond their maximum, letters and glyphs stop and the word spaces
   * alone take the rest (typeset.c): such a line is as loose as its
   * spaces, which a line of few spaces feels most. */
  if (f.ratio > 1 && spaces > 0)
    f.ratio = 1 + (width - natural - stretch) / (spaces * bp->space_width * bp->space_stretch);
  /* Not capped at 10000 as in TeX: when no set of breaks keeps every line
   * within tolerance, a line twice as loose must still cost more. */
  f.looseness = MIN (fabs (f.ratio), 1e4);
  f.capped = TRUE;
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
    case BREAK_NAME:
      return bp->name_penalty;
    case BREAK_NAME_HYPHEN:
      return bp->name_hyphen_penalty;
    case BREAK_INNER:
      return bp->inner_penalty;
    case BREAK_FORCED:
      return 1000;
    case BREAK_NUMBER:
      return 500;
    case BREAK_EMERGENCY:
      return 200;
    case BREAK_SOFT_EMERGENCY:
      return 50;
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

  for (int k = start; k < p->n && letters < 2; k++)
    letters += g_unichar_isalnum (p->chars[k]) || is_hangul (p->chars[k]);
  return start > 0 && letters < 2;
}

static const Candidate *
candidate (const Paragraph *p, int i)
{
  return i > 0 ? &g_array_index (p->candidates, Candidate, i - 1) : NULL;
}

/* The line from break @i to break @j (0: the paragraph's start). */
static JopanBreakLine
make_line (const Paragraph *p, int i, int j, double ratio)
{
  const Candidate *from = candidate (p, i), *to = candidate (p, j);
  int start = line_start (p, from);
  JopanBreakLine line = { 0 };

  line.start = (guint) p->offset[start];
  line.end = (guint) p->offset[to->end];
  line.hyphen = draws_hyphen (to->kind);
  line.inner = to->kind == BREAK_INNER || is_emergency (to->kind);
  line.flush = is_flush (p, from, start, to);
  line.last = to->kind == BREAK_END;
  line.ratio = ratio;
  /* For the typesetter's check whether a line may overflow, unshaped. */
  line.natural = p->x[to->end] - p->x[start];
  line.spaces = p->spaces[to->end] - p->spaces[start];
  line.gaps = p->gaps[to->end] - p->gaps[start];
  return line;
}

/* ---- total fit ------------------------------------------------------------------- */

typedef struct {
  double demerits;
  int previous;           /* the state this line started from, -1 at the start */
  double ratio;
} Node;

/* State index: candidate c (0 is the paragraph's start), hyphen run h, fitness f. */
#define STATE(c, h, f) (((c) * (MAX_HYPHEN_RUN + 1) + (h)) * N_FITNESS + (f))
#define CANDIDATE_OF(state) ((state) / ((MAX_HYPHEN_RUN + 1) * N_FITNESS))

/* The lines from the paragraph's start to @state, walked back along the
 * best path (iteratively: a paragraph may have a hundred thousand lines). */
static GArray *
trace (const Paragraph *p, const Node *nodes, int state)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (JopanBreakLine));
  guint n = 0;

  for (int s = state; CANDIDATE_OF (s) > 0; s = nodes[s].previous)
    n++;
  g_array_set_size (lines, n);
  for (int s = state; CANDIDATE_OF (s) > 0; s = nodes[s].previous)
    g_array_index (lines, JopanBreakLine, --n)
      = make_line (p, CANDIDATE_OF (nodes[s].previous), CANDIDATE_OF (s), nodes[s].ratio);
  return lines;
}

static double
width_of_line (const JopanBreakParams *bp, gboolean first)
{
  if (first)
    return bp->width - MAX (bp->indent, 0);
  return bp->width + MIN (bp->indent, 0);
}

/* The bit of state (@h, @f) in a break's mask of states reached. */
#define STATE_BIT(h, f) (1u << ((h) * N_FITNESS + (f)))
#define ALL_STATES ((1u << ((MAX_HYPHEN_RUN + 1) * N_FITNESS)) - 1)

gboolean jopan_break_skip_lines = TRUE;

/* Relaxes every state at break @j from the states at break @i.  @live
 * holds, for each break, the states reached (a line ended there at
 * finite demerits): those of a node alone are set, the others stand for
 * INFEASIBLE, and only the reached ones can start a line.  (Tests compare
 * with every state tried, every node set: !jopan_break_skip_lines.) */
static void
relax (const Paragraph *p, const JopanBreakParams *bp, Node *nodes, guint *live, int i, int j,
       const Fit *fit)
{
  const Candidate *to = candidate (p, j);
  /* The same for every state: worked out once, when a state can start
   * the line (pow is dear). */
  double line_demerits = -1;
  int fitness = fitness_of (fit->ratio);

  /* The states in their order, (0, 0) first, as a tie keeps the first. */
  for (guint from = jopan_break_skip_lines ? live[i] : ALL_STATES; from != 0; from &= from - 1)
    {
      int bit = __builtin_ctz (from), h = bit / N_FITNESS, f = bit % N_FITNESS;
      const Node *from_node = &nodes[STATE (i, h, f)];
      int run = draws_hyphen (to->kind) ? h + 1 : 0;
      double d;

      if ((!jopan_break_skip_lines && from_node->demerits >= INFEASIBLE) || run > MAX_HYPHEN_RUN)
        continue;
      if (line_demerits < 0)
        {
          double penalty = penalty_of (bp, to->kind);
          line_demerits = pow (bp->line_penalty + badness_of (fit), 2) + penalty * penalty;
        }
      d = line_demerits;
      if (run == 2)
        d += bp->double_hyphen_demerits;
      if (abs (fitness - f) > 1 && i > 0)
        d += bp->fitness_demerits;
      d += from_node->demerits;
      if ((live[j] & STATE_BIT (run, fitness)) || !jopan_break_skip_lines
            ? d < nodes[STATE (j, run, fitness)].demerits
            : d < INFEASIBLE)
        {
          nodes[STATE (j, run, fitness)] = (Node) { d, STATE (i, h, f), fit->ratio };
          live[j] |= STATE_BIT (run, fitness);
        }
    }
}

/* Inside a long string a line ends at the first kind of break in this
 * list that fills enough of the line (the last such break): after a slash,
 * say, if that fills three quarters; between two syllables if half; ...;
 * else at the last break that fits.  Letters part late, since a number
 * rule broken in a code (a hash) harms no one. */
static const struct {
  BreakKind kind;
  double fill;
} string_break_order[] = {
  { BREAK_SOFT_EMERGENCY, 0.75 },
  { BREAK_INNER, 0.5 },
  { BREAK_EMERGENCY, 0.85 },
  { BREAK_NUMBER, 0.5 },
  { BREAK_EMERGENCY, 0.5 },
};

/* Where a line from break @i ends inside a long string, if the last break
 * that fits is inside one; -1 if the line need not end inside a string.
 * A string is broken greedily, as a reader expects, never with its pieces
 * evened out. */
static int
string_end (const Paragraph *p, const JopanBreakParams *bp, int i)
{
  int start = line_start (p, candidate (p, i)), last = -1;
  double width = width_of_line (bp, i == 0) - STRING_MARGIN * bp->space_width;
  int best[G_N_ELEMENTS (string_break_order)];

  for (gsize r = 0; r < G_N_ELEMENTS (best); r++)
    best[r] = -1;
  for (int j = i + 1; j <= (int) p->candidates->len; j++)
    {
      const Candidate *to = candidate (p, j);
      double natural = p->x[to->end] - p->x[start] + (draws_hyphen (to->kind) ? bp->hyphen_width : 0);

      if (natural > width && draws_hyphen (to->kind))
        continue;
      if (natural > width)
        break;
      last = j;
      for (gsize r = 0; r < G_N_ELEMENTS (best); r++)
        if (to->in_string && to->kind == string_break_order[r].kind
            && natural >= string_break_order[r].fill * width)
          best[r] = j;
    }
  if (last < 0 || !candidate (p, last)->in_string)
    return -1;
  for (gsize r = 0; r < G_N_ELEMENTS (best); r++)
    if (best[r] > 0)
      return best[r];
  return last;
}

static gboolean
has_strings (const Paragraph *p)
{
  for (guint i = 0; i < p->candidates->len; i++)
    if (g_array_index (p->candidates, Candidate, i).in_string)
      return TRUE;
  return FALSE;
}

/* For each break (1-based, as candidate ()), the nearest ordinary break
 * before it (@before, 0: the paragraph's start) and after it (@after). */
static void
word_neighbours (const Paragraph *p, int *before, int *after)
{
  int n = (int) p->candidates->len, last = 0;

  for (int j = 1; j <= n; j++)
    {
      before[j] = last;
      if (!candidate (p, j)->fallback)
        last = j;
    }
  last = n;
  for (int j = n; j >= 1; j--)
    {
      after[j] = last;
      if (!candidate (p, j)->fallback)
        last = j;
    }
}

/* May a line from break @i end at fallback break @j?  Only where ending
 * it at a word would stretch its word spaces past the style's maximum
 * (max-word-space) and taking the next word would shrink it past its
 * minimum. */
static gboolean
fallback_allowed (const Paragraph *p, const JopanBreakParams *bp, int i, int j, const int *before,
                  const int *after)
{
  const Candidate *from = candidate (p, i);
  double width = width_of_line (bp, i == 0);

  if (before[j] > i && fit_line (p, bp, from, candidate (p, before[j]), width).ratio <= bp->fallback_ratio)
    return FALSE;
  return fit_line (p, bp, from, candidate (p, after[j]), width).ratio < -1;
}

/* Lines ending at @to that start later are looser still, and one that
 * starts at @i is too loose for @max_ratio: are those that start after
 * it with a word space (spaces > 0) too loose as well?  Yes where every
 * input rises with the line's start: the line's natural width and its
 * spaces and gaps fall (p->rising), so its stretch falls with them (no
 * stretch is negative) and the room to fill grows.  Then the adjustment
 * (width - natural) / stretch only grows, and so does fit_line()'s
 * ratio past 1, which divides by the spaces' stretch alone: both for
 * lines with spaces, which is why a line with none is still tried.
 * Lines measured from the paragraph's first line (another width), the
 * last line (set at its natural width) and lines ending in a string
 * (flush, measured otherwise) are not compared; a @max_ratio below 0 would
 * take shrunk lines in, whose ratio does not rise. */
static gboolean
looser_still (const Paragraph *p, const JopanBreakParams *bp, const Candidate *to, int i,
              double max_ratio)
{
  return i > 0 && max_ratio >= 0 && p->rising && to->kind != BREAK_END && !ends_in_string (to)
         && bp->space_width >= 0 && bp->space_stretch >= 0 && bp->syllable_stretch >= 0
         && bp->expansion >= 0 && p->spaces[to->end] > p->spaces[line_start (p, candidate (p, i))];
}

/* The first break after @i, before @j, from which a line to @to holds no
 * word space (@j: none): with rising starts, those lines come last. */
static int
first_unspaced (const Paragraph *p, const Candidate *to, int i, int j)
{
  int k = j;

  while (k - 1 > i && p->spaces[p->starts[k - 1]] >= p->spaces[to->end])
    k--;
  return k;
}

gint jopan_break_lines_tried;

static GArray *
total_fit (const Paragraph *p, const JopanBreakParams *bp, double max_ratio)
{
  int n_cand = (int) p->candidates->len, n_states = STATE (n_cand + 1, 0, 0);
  Node *nodes = scratch_get (SCRATCH_NODES, sizeof (Node) * (gsize) n_states);
  g_autofree int *string_ends = NULL;
  int *before = scratch_get (SCRATCH_BEFORE, sizeof (int) * (gsize) (n_cand + 1));
  int *after = scratch_get (SCRATCH_AFTER, sizeof (int) * (gsize) (n_cand + 1));
  /* The states reached at each break (relax()): a line from a break none
   * was reached at relaxes nothing.  The nodes of the others are never read. */
  guint *live = scratch_get (SCRATCH_LIVE, sizeof (guint) * (gsize) (n_cand + 1));
  GArray *lines = NULL;
  int best = -1, first_active = 0;
  double first_width = width_of_line (bp, TRUE), width = width_of_line (bp, FALSE);
  gint tried = 0;

  if (!jopan_break_scratch_dirty)
    memset (live, 0, sizeof (guint) * (gsize) (n_cand + 1));
  word_neighbours (p, before, after);
  if (has_strings (p))
    {
      string_ends = g_new (int, n_cand + 1);
      for (int i = 0; i <= n_cand; i++)
        string_ends[i] = string_end (p, bp, i);
    }

  G_STATIC_ASSERT ((MAX_HYPHEN_RUN + 1) * N_FITNESS <= 32);
  for (int i = 0; i < n_states && !jopan_break_skip_lines; i++)
    nodes[i] = (Node) { INFEASIBLE, -1, 0 };
  nodes[STATE (0, 0, 1)] = (Node) { 0, -1, 0 };
  live[0] = STATE_BIT (0, 1);
  for (int j = 1; j <= n_cand; j++)
    {
      const Candidate *to = candidate (p, j);

      for (int i = first_active; i < j; i++)
        {
          const Candidate *from = candidate (p, i);
          Fit fit;

          /* The first active break is measured all the same: a line from
           * it too long moves first_active on. */
          if (live[i] == 0 && i != first_active && jopan_break_skip_lines)
            continue;
          tried++;
          fit = fit_line (p, bp, from, to, i == 0 ? first_width : width);
          if (fit.ratio < -1)
            {
              /* Too long already: no later break can start from i either. */
              if (i == first_active)
                first_active++;
              continue;
            }
          if (fit.ratio > max_ratio)
            {
              /* Past a line too loose, only the lines without a word
               * space are tried: the last few, as the starts rise. */
              if (jopan_break_skip_lines && looser_still (p, bp, to, i, max_ratio))
                i = first_unspaced (p, to, i, j) - 1;
              continue;
            }
          /* A name is split only where no set of breaks keeps every
           * line within tolerance. */
          if (to->kind == BREAK_NAME_HYPHEN && (max_ratio < INFEASIBLE || !bp->name_hyphens))
            continue;
          if ((to->in_string && j != string_ends[i])
              || (to->kind == BREAK_END && last_line_too_short (p, line_start (p, from)))
              || (to->fallback && !fallback_allowed (p, bp, i, j, before, after)))
            continue;
          relax (p, bp, nodes, live, i, j, &fit);
        }
    }
  g_atomic_int_add (&jopan_break_lines_tried, tried);
  for (int h = 0; h <= MAX_HYPHEN_RUN; h++)
    for (int f = 0; f < N_FITNESS; f++)
      if ((jopan_break_skip_lines ? (live[n_cand] & STATE_BIT (h, f)) != 0
                                  : nodes[STATE (n_cand, h, f)].demerits < INFEASIBLE)
          && (best < 0 || nodes[STATE (n_cand, h, f)].demerits < nodes[best].demerits))
        best = STATE (n_cand, h, f);
  if (best >= 0)
    lines = trace (p, nodes, best);
  scratch_put (SCRATCH_NODES, nodes);
  scratch_put (SCRATCH_BEFORE, before);
  scratch_put (SCRATCH_AFTER, after);
  scratch_put (SCRATCH_LIVE, live);
  return lines;
}

/* ---- first fit -------------------------------------------------------------------- */

/* The break first fit takes for the line from break @from: the last that
 * fits, or where a long string should break.  -1 if nothing fits. */
static int
first_fit_pick (const Paragraph *p, const JopanBreakParams *bp, int from, int run)
{
  const Candidate *prev = candidate (p, from);
  int start = line_start (p, prev), pick = -1, unnamed = -1;
  double width = width_of_line (bp, from == 0);

  for (int j = from + 1; j <= (int) p->candidates->len; j++)
    {
      const Candidate *to = candidate (p, j);
      Fit fit = fit_line (p, bp, prev, to, width);
      if (fit.ratio < 0 && !(to->kind == BREAK_END && fit.ratio == 0))
        break;
      if ((draws_hyphen (to->kind) && run >= MAX_HYPHEN_RUN) || to->fallback)
        continue;
      if (to->kind == BREAK_END && last_line_too_short (p, start) && pick > 0)
        break;
      pick = j;
      if (!is_name_break (to->kind))
        unnamed = j;
    }
  /* Kim Jong-|un, Salt-|market only when nothing else fits. */
  if (pick > 0 && is_name_break (candidate (p, pick)->kind) && unnamed > 0)
    pick = unnamed;
  if (pick > 0 && candidate (p, pick)->in_string && string_end (p, bp, from) > 0)
    return string_end (p, bp, from);
  return pick;
}

/* Each line takes as much as fits at natural spacing; as in a browser, but
 * under the same rules (and hyphen limit) as total fit. */
static GArray *
first_fit (const Paragraph *p, const JopanBreakParams *bp)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (JopanBreakLine));
  int from = 0, run = 0;

  while (from < (int) p->candidates->len)
    {
      int pick = first_fit_pick (p, bp, from, run);
      JopanBreakLine line;

      if (pick < 0)
        pick = from + 1; /* nothing fits: the shortest line, overfull */
      line = make_line (p, from, pick,
                        fit_line (p, bp, candidate (p, from), candidate (p, pick),
                                  width_of_line (bp, from == 0)).ratio);
      run = line.hyphen ? run + 1 : 0;
      g_array_append_val (lines, line);
      if (line.last)
        break;
      from = pick;
    }
  return lines;
}

/* ---- balanced display lines -------------------------------------------------- */

/* A display paragraph with more breaks than this is set by first fit. */
#define MAX_BALANCE_CANDIDATES 2000
/* How far a display line may stray from the mean length before it costs
 * steeply: lines within it keep the shortest over 60 % of the longest
 * ((1 - 0.24) / (1 + 0.24) = 0.61). */
#define BALANCE_SLACK 0.24
/* A ragged paragraph's last line shorter than this share of the measure is a runt. */
#define RUNT 0.3
/* What a ragged paragraph's extra line costs: more than three lines half
 * empty, less than a name split. */
#define EXTRA_LINE 3000

/* Does a phrase end before the break (a comma, a colon, a sentence's end,
 * a dash), so that a display line reads best ending there? */
static gboolean
phrase_end (const Paragraph *p, const Candidate *c)
{
  static const gunichar marks[] = {
    ',', ';', ':', '.', '?', '!', 0x00B7, 0x2014, 0x2013, 0x2026, 0x3001, 0x3002, 0xFF0C,
  };
  int k = c->end - 1;

  while (k > 0 && (p->chars[k] == 0x2019 || p->chars[k] == 0x201D || p->chars[k] == ')'
                   || p->chars[k] == '"' || p->chars[k] == '\''))
    k--;
  return k >= 0 && one_of (p->chars[k], marks, G_N_ELEMENTS (marks));
}

/* Does the line before the break end on a little word that belongs with
 * the next (a, the, of, to …)?  A headline line reads badly ending there. */
static gboolean
weak_end (const Paragraph *p, const Candidate *c)
{
  static const char *const words[] = {
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "and", "or", "with", "from", "as",
  };
  int s = c->end;
  char word[8] = "";

  while (s > 0 && g_unichar_isalpha (p->chars[s - 1]))
    s--;
  if (s == c->end || c->end - s >= (int) sizeof word || (s > 0 && !is_space (p->chars[s - 1])))
    return FALSE;
  for (int k = s; k < c->end; k++)
    word[k - s] = (char) g_unichar_tolower (p->chars[k]);
  for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
    if (strcmp (word, words[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The natural length of the line from break @i to break @j. */
static double
line_length (const Paragraph *p, const JopanBreakParams *bp, int i, int j)
{
  const Candidate *to = candidate (p, j);

  return p->x[to->end] - p->x[line_start (p, candidate (p, i))]
         + (draws_hyphen (to->kind) ? bp->hyphen_width : 0);
}

/* What a display line of @length costs against the mean @target, and its
 * break: a line within BALANCE_SLACK of the mean costs little, one beyond
 * it steeply (lines within it keep the shortest over 60 % of the
 * longest); a break after a comma or a phrase's end is worth two lines
 * some 25 % off the mean, one after a little word (of, the) costs. */
static double
balance_cost (const Paragraph *p, const JopanBreakParams *bp, double length, double target,
              const Candidate *to)
{
  double off = fabs (length - target) / target;
  double cost = 1000 * off * off;

  if (off > BALANCE_SLACK)
    cost += 1e5 * (off - BALANCE_SLACK) * (off - BALANCE_SLACK);
  if (to->kind == BREAK_END)
    return cost;
  if (phrase_end (p, to))
    cost -= 150;
  if (weak_end (p, to))
    cost += 60;
  return cost + 10 * penalty_of (bp, to->kind);
}

/* What a ragged line (a caption's, say) of @length costs in a measure
 * @width: white at its end costs, but the last line's only when it is a
 * runt (under RUNT of the measure). */
static double
ragged_cost (const Paragraph *p, const JopanBreakParams *bp, double length, double width,
             const Candidate *to)
{
  double fill = length / width;

  if (to->kind == BREAK_END)
    return fill < RUNT ? 300 + 1e5 * (RUNT - fill) * (RUNT - fill) : 0;
  return 1000 * (1 - fill) * (1 - fill) + 10 * penalty_of (bp, to->kind) + (phrase_end (p, to) ? -5 : 0);
}

/* The fewest lines each break can be reached in, lines within the
 * measure; -1 where none reaches it. */
static int *
fewest_lines (const Paragraph *p, const JopanBreakParams *bp)
{
  int n = (int) p->candidates->len;
  int *fewest = g_new (int, n + 1);

  fewest[0] = 0;
  for (int j = 1; j <= n; j++)
    {
      fewest[j] = -1;
      for (int i = j - 1; i >= 0; i--)
        {
          if (line_length (p, bp, i, j) > width_of_line (bp, i == 0))
            break;
          if (fewest[i] >= 0 && (fewest[j] < 0 || fewest[i] + 1 < fewest[j]))
            fewest[j] = fewest[i] + 1;
        }
    }
  return fewest;
}

/* The breaks that set the paragraph in exactly @k_lines lines at the least
 * sum of balance_cost (ragged: ragged_cost); their cost in *@total
 * (INFEASIBLE, and NULL returned, when no such breaks fit). */
static GArray *
break_into (const Paragraph *p, const JopanBreakParams *bp, int k_lines, double *total)
{
  int n = (int) p->candidates->len;
  double target = MAX (1, (p->x[p->n] - p->x[0]) / k_lines);
  g_autofree double *cost = g_new (double, (gsize) (n + 1) * (k_lines + 1));
  g_autofree int *previous = g_new (int, (gsize) (n + 1) * (k_lines + 1));
  GArray *lines;

#define AT(j, k) ((j) * (k_lines + 1) + (k))
  for (int i = 0; i < (n + 1) * (k_lines + 1); i++)
    cost[i] = INFEASIBLE, previous[i] = -1;
  cost[AT (0, 0)] = 0;
  for (int j = 1; j <= n; j++)
    for (int i = j - 1; i >= 0; i--)
      {
        double length = line_length (p, bp, i, j);
        double c;
        if (length > width_of_line (bp, i == 0))
          break;
        if (j == n && i > 0 && last_line_too_short (p, line_start (p, candidate (p, i))))
          continue;
        c = bp->balance ? balance_cost (p, bp, length, target, candidate (p, j))
                        : ragged_cost (p, bp, length, width_of_line (bp, i == 0), candidate (p, j));
        for (int k = 0; k < k_lines; k++)
          if (cost[AT (i, k)] < INFEASIBLE && cost[AT (i, k)] + c < cost[AT (j, k + 1)])
            cost[AT (j, k + 1)] = cost[AT (i, k)] + c, previous[AT (j, k + 1)] = i;
      }
  *total = cost[AT (n, k_lines)];
  if (*total >= INFEASIBLE)
    return NULL;
  lines = g_array_new (FALSE, FALSE, sizeof (JopanBreakLine));
  g_array_set_size (lines, (guint) k_lines);
  for (int j = n, k = k_lines; k > 0; j = previous[AT (j, k)], k--)
    g_array_index (lines, JopanBreakLine, k - 1) = make_line (p, previous[AT (j, k)], j, 0);
#undef AT
  return lines;
}

/* Lines of even length (or, ragged, lines as full as they go and no runt
 * at the end) in as few lines as the measure allows, or in one more when
 * that saves more than EXTRA_LINE (a name split, say).  NULL when no set
 * of breaks fits (a character wider than the line). */
static GArray *
balanced (const Paragraph *p, const JopanBreakParams *bp)
{
  g_autofree int *fewest = fewest_lines (p, bp);
  int k = fewest[p->candidates->len];
  double cost, more_cost;
  GArray *lines, *more;

  if (k < 1)
    return NULL;
  lines = break_into (p, bp, k, &cost);
  if (lines == NULL || cost < EXTRA_LINE)
    return lines;
  more = break_into (p, bp, k + 1, &more_cost);
  if (more == NULL || more_cost + EXTRA_LINE >= cost)
    {
      if (more)
        g_array_unref (more);
      return lines;
    }
  g_array_unref (lines);
  return more;
}

GArray *
jopan_break_paragraph (PangoLayout *unbroken, const JopanBreakParams *bp)
{
  Paragraph p = { 0 };
  GArray *lines = NULL;
  g_autoptr (JopanBreakFacts) own = NULL; /* the facts read, when nothing keeps them */

  /* The break analysis is read only where it is needed (a paragraph
   * shaped alone works it out when first read). */
  if (bp->candidates && *bp->candidates)
    paragraph_borrow (&p, unbroken, bp->korean_text, *bp->candidates);
  else
    {
      int n_attrs;
      const PangoLogAttr *attrs = jopan_layout_log_attrs (unbroken, &n_attrs);

      paragraph_read (&p, unbroken, bp->korean_text);
      find_candidates (&p, attrs, n_attrs, bp);
      own = facts_keep (&p);
      if (bp->candidates)
        *bp->candidates = g_steal_pointer (&own);
    }
  p.x = scratch_get (SCRATCH_X, sizeof (double) * (gsize) (p.n + 1));
  measure (&p, unbroken, bp->glyph_widths);
  add_emergency_breaks (&p, unbroken, MIN (width_of_line (bp, TRUE), width_of_line (bp, FALSE)));
  if (bp->korean_break == JOPAN_KOREAN_BREAK_KEEP_ALL && bp->optimal && bp->fallback_ratio > 0)
    {
      int n_attrs;
      const PangoLogAttr *attrs = jopan_layout_log_attrs (unbroken, &n_attrs);

      add_fallback_breaks (&p, attrs, n_attrs, bp);
    }
  keep_starts (&p);
  /* Tolerances widen until the paragraph can be set: loose lines first,
   * then any stretch.  Only a character wider than the line defeats both. */
  if ((bp->balance || bp->ragged) && p.candidates->len <= MAX_BALANCE_CANDIDATES)
    lines = balanced (&p, bp);
  else if (bp->optimal && p.candidates->len <= MAX_OPTIMAL_CANDIDATES)
    {
      lines = total_fit (&p, bp, bp->tolerance);
      if (lines == NULL)
        lines = total_fit (&p, bp, INFEASIBLE);
    }
  if (lines == NULL)
    lines = first_fit (&p, bp);
  paragraph_clear (&p);
  return lines;
}
