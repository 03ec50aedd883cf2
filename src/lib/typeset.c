/* typeset.c — a paragraph, a style and a width become lines.
 *
 * Pango itemizes, shapes (HarfBuzz) and breaks; this stage sets up the
 * paragraph for it (font, language, emphasis, hyphenation points) and reads
 * the lines back with their horizontal offsets.  Vertical placement is the
 * layout stage's: a line here has no y.
 */
#include "jopan-private.h"

#include "jopan-config.h"

#include <hb-aat.h>
#include <hb-ot.h>
#include <hyphen.h>
#include <math.h>
#include <string.h>

gboolean
jopan_lang_is_korean (const char *lang)
{
  return lang && (g_ascii_strncasecmp (lang, "ko", 2) == 0)
         && (lang[2] == '\0' || lang[2] == '-');
}

gboolean
jopan_typesetter_init (JopanTypesetter *ts, JopanFonts *fonts, const JopanStyle *style,
                       const char *lang, JopanReport *report)
{
  return jopan_typesetter_init_cached (ts, fonts, style, lang, report, NULL);
}

gboolean
jopan_typesetter_init_cached (JopanTypesetter *ts, JopanFonts *fonts, const JopanStyle *style,
                              const char *lang, JopanReport *report, JopanTypesetCache *cache)
{
  *ts = (JopanTypesetter) { .fonts = fonts, .style = style, .lang = lang, .report = report,
                            .cache = cache };
  ts->context = jopan_fonts_create_context (fonts);
  pango_context_set_language (ts->context, pango_language_from_string (lang));
  /* Korean and English run left to right whatever a line starts with (a
   * Hebrew name): right-to-left runs are reordered inside it. */
  pango_context_set_base_dir (ts->context, PANGO_DIRECTION_LTR);
  ts->korean = jopan_lang_is_korean (lang);
  if (!ts->korean)
    {
      ts->hyphenator = jopan_fonts_get_hyphenator (fonts, lang);
      if (ts->hyphenator == NULL)
        jopan_report_add (report, "warning", "no hyphenation patterns for language \"%s\": words "
                          "are not hyphenated", lang);
    }
  return TRUE;
}

/* A character no font has: how often each text has it, and the first. */
typedef struct {
  GHashTable *places;     /* "where" → GUINT count in that text */
  char *first;
} MissingGlyph;

static void
missing_glyph_free (gpointer data)
{
  MissingGlyph *m = data;

  g_hash_table_unref (m->places);
  g_free (m->first);
  g_free (m);
}

void
jopan_typesetter_begin (JopanTypesetter *ts, JopanReport *report)
{
  ts->report = report;
  g_clear_pointer (&ts->missing, g_hash_table_unref);
  memset (ts->space_width, 0, sizeof ts->space_width);
  memset (ts->hyphen_width, 0, sizeof ts->hyphen_width);
}

void
jopan_typesetter_clear (JopanTypesetter *ts)
{
  g_clear_object (&ts->context);
  g_clear_pointer (&ts->missing, g_hash_table_unref);
  g_clear_pointer (&ts->fonts_of, g_hash_table_unref);
  ts->hyphenator = NULL; /* the font set's, shared */
}

/* ---- hyphenation --------------------------------------------------------- */

/* (A token holds no NUL: it is read in place.) */
/* The longest word (in bytes) hyphenate_token() hyphenates. */
#define HYPHEN_WORD_MAX 100

gint jopan_hyphen_words_hyphenated;
gboolean jopan_hyphen_words_wrong;
static gboolean hyphen_words_get (HyphenDict *dict, const char *word, gsize n, guint8 *at,
                                  guint *count);
static void hyphen_words_put (HyphenDict *dict, const char *word, gsize n, const guint8 *at,
                              guint count);

static gboolean
is_url_like (const char *token, gsize n)
{
  return g_strstr_len (token, (gssize) n, "://") || g_strstr_len (token, (gssize) n, "www.")
         || memchr (token, '@', n) || memchr (token, '/', n);
}

static gboolean
is_latin_letter (gunichar c)
{
  /* Most letters are ASCII, where the Latin ones are the letters. */
  if (c < 0x80)
    return g_ascii_isalpha (c);
  return g_unichar_isalpha (c) && g_unichar_get_script (c) == G_UNICODE_SCRIPT_LATIN;
}

/* Writes to @at the byte offsets in @word (@n bytes of Latin letters, six
 * or more) before which @dict allows a hyphen; returns how many. */
static guint
word_points (HyphenDict *dict, const char *word, gsize n, glong letters, guint8 *at)
{
  g_autofree char *lower = g_utf8_strdown (word, (gssize) n);
  g_autofree char *hyphens = NULL;
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  const char *p = word;
  guint count = 0;

  g_atomic_int_inc (&jopan_hyphen_words_hyphenated);
  if (strlen (lower) != n)
    return 0;
  hyphens = g_malloc0 (n + 5);
  if (hnj_hyphen_hyphenate3 (dict, lower, (int) n, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 3)
      != 0)
    memset (hyphens, '0', n);
  for (glong i = 0; i + 1 < letters; i++)
    {
      p = g_utf8_next_char (p);
      if (hyphens[i] & 1)
        at[count++] = (guint8) (p - word);
    }
  if (rep)
    {
      for (gsize i = 0; i < n; i++)
        free (rep[i]);
      free (rep), free (pos), free (cut);
    }
  return count;
}

/* Adds the hyphenation points of @word (@n bytes of Latin letters at byte
 * @offset of the text) to @points; never in a word under six letters.
 * @memo: @dict lives as long as the process (shared_patterns()), and the
 * points are taken from the words kept (hyphen_words_get()). */
static void
hyphenate_word (HyphenDict *dict, const char *word, gsize n, guint offset, guint flag, GArray *points,
                gboolean memo)
{
  glong letters = g_utf8_strlen (word, (gssize) n);
  guint8 at[HYPHEN_WORD_MAX];
  guint count;

  if (letters < 6)
    return;
  memo = memo && n <= HYPHEN_WORD_MAX;
  if (!memo || !hyphen_words_get (dict, word, n, at, &count))
    {
      count = word_points (dict, word, n, letters, at);
      if (memo)
        hyphen_words_put (dict, word, n, at, count);
    }
  for (guint i = 0; i < count; i++)
    {
      guint point = (offset + at[i]) | flag;
      g_array_append_val (points, point);
    }
}

/* Adds the hyphenation points of the Latin words in the token (a run
 * between spaces) [@token, @end) of @text. */
static void
hyphenate_token (gpointer dict, const char *text, const char *token, const char *end,
                 gboolean capitalized, GArray *points, gboolean memo)
{
  const char *p = token;

  /* URLs and addresses break after their slashes, never with a hyphen. */
  if (is_url_like (token, (gsize) (end - token)))
    return;
  while (p < end)
    {
      const char *start = p;
      gboolean name;

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
          || p - start > HYPHEN_WORD_MAX)
        continue;
      /* A capitalised word is most often a name (Kinmar-|row, Hus-|sain):
       * its points are marked, and the breaker takes one only where no
       * other breaks keep every line within tolerance (linebreak.c). */
      name = !capitalized && g_unichar_isupper (g_utf8_get_char (start));
      hyphenate_word (dict, start, (gsize) (p - start), (guint) (start - text), name ? JOPAN_HYPHEN_NAME : 0,
                      points, memo);
    }
}

static GArray *
hyphen_points_of (gpointer dict, const char *text, gboolean capitalized, gboolean memo)
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
        hyphenate_token (dict, text, token, p, capitalized, points, memo);
      while (g_ascii_isspace (*p))
        p++;
    }
  return points;
}

GArray *
jopan_hyphen_points (gpointer dict, const char *text, gboolean capitalized)
{
  return hyphen_points_of (dict, text, capitalized, FALSE);
}

GArray *
jopan_hyphen_points_shared (gpointer dict, const char *text, gboolean capitalized)
{
  return hyphen_points_of (dict, text, capitalized, TRUE);
}

/* ---- typographic quotes ------------------------------------------------------ */

/* Does a quote mark after @c open a quotation?  After a space, the
 * paragraph's start, an opening bracket or quote, or a dash. */
static gboolean
opens_after (gunichar c)
{
  return c == 0 || g_unichar_isspace (c) || c == '(' || c == '[' || c == '{' || c == 0x201C
         || c == 0x2018 || c == 0x00AB || c == 0x2014 || c == 0x2013 || c == '-' || c == '/'
         || c == 0x300C || c == 0x300E;
}

/* The typographic mark for the straight quote @c between @prev and @next:
 * “ ” and ‘ ’ in English and Korean, „ “ and ‚ ‘ in German.  An apostrophe
 * inside a word (it’s, 김’s) or before a year (’90s) is a closing single. */
static const char *
curly (gunichar c, gunichar prev, gunichar next, gunichar after_next, const char *lang)
{
  gboolean german = lang && g_ascii_strncasecmp (lang, "de", 2) == 0;
  gboolean opening = opens_after (prev);

  if (c == '"')
    return opening ? (german ? "„" : "“") : (german ? "“" : "”");
  if (opening && g_unichar_isdigit (next) && g_unichar_isdigit (after_next))
    return "’"; /* ’90s */
  if (opening && !g_unichar_isspace (next) && next != 0)
    return german ? "‚" : "‘";
  return german && !g_unichar_isalnum (prev) ? "‘" : "’";
}

static gboolean
in_code (const GArray *spans, gsize at)
{
  for (guint i = 0; spans && i < spans->len; i++)
    {
      const JopanSpan *s = &g_array_index (spans, JopanSpan, i);
      if ((s->flags & JOPAN_SPAN_CODE) && at >= s->start && at < s->end)
        return TRUE;
    }
  return FALSE;
}

/* @text with its straight quotes made typographic (code spans untouched);
 * @spans, if any, move to the new byte offsets in *@moved. */
char *
jopan_smart_quotes (const char *text, const GArray *spans, const char *lang, GArray **moved)
{
  gsize len = strlen (text);
  g_autofree gsize *to = g_new (gsize, len + 1);
  GString *out = g_string_sized_new (len + 16);
  gunichar prev = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *next = g_utf8_next_char (p);
      gunichar n1 = *next ? g_utf8_get_char (next) : 0;
      gunichar n2 = n1 ? g_utf8_get_char (g_utf8_next_char (next)) : 0;

      for (const char *b = p; b < next; b++)
        to[b - text] = out->len;
      if ((c == '"' || c == '\'') && !in_code (spans, (gsize) (p - text)))
        g_string_append (out, curly (c, prev, n1, n2, lang));
      else
        g_string_append_len (out, p, next - p);
      prev = c;
    }
  to[len] = out->len;
  if (moved)
    {
      *moved = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
      for (guint i = 0; spans && i < spans->len; i++)
        {
          JopanSpan s = g_array_index (spans, JopanSpan, i);
          s.start = (guint) to[MIN (s.start, len)], s.end = (guint) to[MIN (s.end, len)];
          g_array_append_val (*moved, s);
        }
    }
  return g_string_free (out, FALSE);
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
      if (s->flags & JOPAN_SPAN_REGULAR)
        {
          a = pango_attr_weight_new (PANGO_WEIGHT_NORMAL);
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

static int layout_line_count (PangoLayout *layout);

/* How often each character no font has occurs in @layout: code point →
 * count, or NULL when it has none.  The runs are read as they are: a
 * PangoLayoutIter would measure every glyph's extents first. */
static GHashTable *
missing_glyphs_of (PangoLayout *layout)
{
  GHashTable *counts = NULL;
  PangoLayoutLine *own = layout_line_count (layout) == 1 ? jopan_layout_line (layout, 0) : NULL;
  GSList one = { own, NULL };

  /* A line of its own is read as Pango counts (every glyph flagged unknown). */
  if (own == NULL && pango_layout_get_unknown_glyphs_count (layout) == 0)
    return NULL;
  for (GSList *l = own ? &one : pango_layout_get_lines_readonly (layout); l; l = l->next)
    for (GSList *r = ((PangoLayoutLine *) l->data)->runs; r; r = r->next)
      {
        const PangoGlyphString *glyphs = ((PangoGlyphItem *) r->data)->glyphs;
        for (int g = 0; g < glyphs->num_glyphs; g++)
          {
            PangoGlyph glyph = glyphs->glyphs[g].glyph;
            gpointer key = GUINT_TO_POINTER (glyph & ~PANGO_GLYPH_UNKNOWN_FLAG);
            if (!(glyph & PANGO_GLYPH_UNKNOWN_FLAG))
              continue;
            if (counts == NULL)
              counts = g_hash_table_new (NULL, NULL);
            g_hash_table_insert (counts, key, GUINT_TO_POINTER (GPOINTER_TO_UINT (
                                                g_hash_table_lookup (counts, key)) + 1));
          }
      }
  return counts;
}

/* Notes each character no font has (@counts), with how often this text
 * (@where) has it: a text set again (a headline tried at several sizes)
 * counts once. */
static void
note_missing_glyphs (JopanTypesetter *ts, GHashTable *counts, const char *where)
{
  GHashTableIter i;
  gpointer ch, count;

  if (counts == NULL)
    return;
  if (ts->missing == NULL)
    ts->missing = g_hash_table_new_full (NULL, NULL, NULL, missing_glyph_free);
  g_hash_table_iter_init (&i, counts);
  while (g_hash_table_iter_next (&i, &ch, &count))
    {
      MissingGlyph *m = g_hash_table_lookup (ts->missing, ch);
      if (m == NULL)
        {
          m = g_new0 (MissingGlyph, 1);
          m->places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          m->first = g_strdup (where);
          g_hash_table_insert (ts->missing, ch, m);
        }
      g_hash_table_replace (m->places, g_strdup (where), count);
    }
}

static int
by_code_point (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(const gpointer *) a), y = GPOINTER_TO_UINT (*(const gpointer *) b);
  return x < y ? -1 : x > y;
}

void
jopan_typesetter_report_missing (JopanTypesetter *ts, const char *name)
{
  g_autoptr (GPtrArray) chars = g_ptr_array_new ();
  GHashTableIter i;
  gpointer ch;

  if (ts->missing == NULL)
    return;
  g_hash_table_iter_init (&i, ts->missing);
  while (g_hash_table_iter_next (&i, &ch, NULL))
    g_ptr_array_add (chars, ch);
  g_ptr_array_sort (chars, by_code_point);
  for (guint c = 0; c < chars->len; c++)
    {
      const MissingGlyph *m = g_hash_table_lookup (ts->missing, chars->pdata[c]);
      gunichar code = GPOINTER_TO_UINT (chars->pdata[c]);
      guint total = 0;
      gpointer count;
      char utf8[8] = { 0 };

      g_hash_table_iter_init (&i, m->places);
      while (g_hash_table_iter_next (&i, NULL, &count))
        total += GPOINTER_TO_UINT (count);
      g_unichar_to_utf8 (code, utf8);
      jopan_report_add (ts->report, "missing-glyph", "%s: no bundled font has U+%04X \"%s\" (%u "
                        "time%s in %s)", m->first, code, utf8, total, total == 1 ? "" : "s", name);
    }
  g_clear_pointer (&ts->missing, g_hash_table_unref);
}

static gboolean
is_hangul_char (gunichar c)
{
  return (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0x1100 && c <= 0x11FF) || (c >= 0x3130 && c <= 0x318F);
}

/* Is @c of the other script of the pair, whose size the style adjusts:
 * Hangul in Latin text, Latin letters and digits in Korean text? */
static gboolean
is_guest (gunichar c, gboolean korean)
{
  if (!korean)
    return is_hangul_char (c);
  return g_unichar_isdigit (c) || (g_unichar_isalpha (c) && g_unichar_get_script (c) == G_UNICODE_SCRIPT_LATIN);
}

/* Sets the runs of the other script of the pair at the style's size for
 * them (hangul-size, latin-size), so that their x-heights match the face
 * around them. */
static void
add_script_sizes (PangoAttrList *attrs, const char *text, const JopanParaStyle *p, gboolean korean)
{
  double share = korean ? p->latin_size : p->hangul_size;
  const char *s = text, *run = NULL;

  if (share <= 0 || fabs (share - 1) < 1e-6)
    return;
  for (;; s = g_utf8_next_char (s))
    {
      gboolean guest = *s && is_guest (g_utf8_get_char (s), korean);
      if (guest && run == NULL)
        run = s;
      else if (!guest && run)
        {
          PangoAttribute *a = pango_attr_size_new ((int) lround (p->size * share * PANGO_SCALE));
          a->start_index = (guint) (run - text), a->end_index = (guint) (s - text);
          pango_attr_list_insert (attrs, a);
          run = NULL;
        }
      if (*s == '\0')
        break;
    }
}

static void
link_clear (gpointer data)
{
  g_free (((JopanLink *) data)->uri);
}

/* The link spans travel with the layout (its own copies of the
 * destinations), so that a line on a page knows where it points. */
static void
attach_links (PangoLayout *layout, const GArray *spans)
{
  GArray *links = NULL;

  for (guint i = 0; spans && i < spans->len; i++)
    {
      const JopanSpan *s = &g_array_index (spans, JopanSpan, i);
      JopanLink link = { s->start, s->end, NULL };

      if (!(s->flags & JOPAN_SPAN_LINK) || s->uri == NULL || s->end <= s->start)
        continue;
      if (links == NULL)
        {
          links = g_array_new (FALSE, FALSE, sizeof (JopanLink));
          g_array_set_clear_func (links, link_clear);
        }
      link.uri = g_strdup (s->uri);
      g_array_append_val (links, link);
    }
  if (links)
    g_object_set_qdata_full (G_OBJECT (layout), g_quark_from_static_string ("jopan-links"), links,
                             (GDestroyNotify) g_array_unref);
}

const GArray *
jopan_layout_links (PangoLayout *layout)
{
  return g_object_get_qdata (G_OBJECT (layout), g_quark_from_static_string ("jopan-links"));
}

/* @font (a style's font, as Pango reads it) with its families in the
 * order this language takes them and the fallbacks after them.  Kept by
 * the typesetter: working the families out reads the font set under its
 * lock, and every line of every paragraph asks. */
static const PangoFontDescription *
font_of (JopanTypesetter *ts, const char *font)
{
  PangoFontDescription *desc;

  if (ts->fonts_of == NULL)
    ts->fonts_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) pango_font_description_free);
  desc = g_hash_table_lookup (ts->fonts_of, font);
  if (desc == NULL)
    {
      desc = jopan_fonts_describe (ts->fonts, font, ts->korean);
      g_hash_table_insert (ts->fonts_of, g_strdup (font), desc);
    }
  return desc;
}

/* The attributes a line or paragraph of @text is set with (its
 * layout's; shape_alone() itemizes with the same). */
static void
add_line_attributes (PangoAttrList *attrs, const JopanParaStyle *p, gboolean korean, const char *text,
                     const GArray *spans)
{
  if (p->tracking != 0)
    pango_attr_list_insert (attrs, pango_attr_letter_spacing_new ((int) (p->tracking * PANGO_SCALE)));
  add_script_sizes (attrs, text, p, korean);
  add_span_attributes (attrs, spans);
}

/* A layout of @text on one line (no wrapping): breaking is ours. */
static PangoLayout *
make_layout_in (PangoContext *context, const PangoFontDescription *font, gboolean korean,
                const JopanParaStyle *p, const char *text, const GArray *spans)
{
  PangoLayout *layout = pango_layout_new (context);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, -1);
  /* The story's direction, not the first letter's: a line opening with a
   * Hebrew name is still a left-to-right line. */
  pango_layout_set_auto_dir (layout, FALSE);
  add_line_attributes (attrs, p, korean, text, spans);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);
  attach_links (layout, spans);
  return layout;
}

static PangoLayout *
make_layout (JopanTypesetter *ts, const JopanParaStyle *p, const char *text, const GArray *spans)
{
  return make_layout_in (ts->context, font_of (ts, p->font), ts->korean, p, text, spans);
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

static PangoLayout *shape_alone (PangoContext *context, const PangoFontDescription *font,
                                 gboolean korean, const JopanParaStyle *p, const char *text,
                                 const GArray *spans, const PangoItem *item, gboolean paragraph,
                                 const JopanLineShape *line);
static int line_advance (PangoLayoutLine *line);

/* The width of @text set on a line in @p's style: its advance where it is
 * shaped alone (a layout's extents would fetch its fonts' metrics for a
 * height not asked for), else its layout's logical width. */
static double
text_width (JopanTypesetter *ts, const JopanParaStyle *p, const char *text)
{
  g_autoptr (PangoLayout) layout = shape_alone (ts->context, font_of (ts, p->font), ts->korean, p,
                                                text, NULL, NULL, FALSE, NULL);
  PangoRectangle logical;

  if (layout)
    return line_advance (jopan_layout_line (layout, 0)) / (double) PANGO_SCALE;
  layout = make_layout (ts, p, text, NULL);
  pango_layout_get_extents (layout, NULL, &logical);
  return logical.width / (double) PANGO_SCALE;
}

/* ---- justification ------------------------------------------------------------ */

typedef struct {
  PangoGlyphInfo *glyph;
  gboolean space;         /* a word space */
  gboolean gap;           /* the last glyph of a Hangul syllable followed by another */
} Slot;

/* The glyphs of a line of @text in order, each marked as a word space, a
 * gap that may grow (between two Hangul syllables, or two Latin letters;
 * never beside punctuation), or neither. */
static GArray *
collect_slots (PangoLayoutLine *line, const char *text, gboolean korean, double *natural)
{
  GArray *slots;
  Slot *slot;
  gunichar previous = 0;
  guint n = 0, k = 0;

  /* Sized once: a line has a few dozen glyphs, each appended alone was a
   * good part of justifying it. */
  for (GSList *l = line->runs; l; l = l->next)
    n += (guint) ((PangoGlyphItem *) l->data)->glyphs->num_glyphs;
  slots = g_array_sized_new (FALSE, FALSE, sizeof (Slot), n);
  g_array_set_size (slots, n);
  slot = (Slot *) (void *) slots->data;
  *natural = 0;
  for (GSList *l = line->runs; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      for (int g = 0; g < run->glyphs->num_glyphs; g++, k++)
        {
          const char *at = text + run->item->offset + run->glyphs->log_clusters[g];
          gunichar c = g_utf8_get_char (at);
          gboolean new_cluster = g == 0 || run->glyphs->log_clusters[g] != run->glyphs->log_clusters[g - 1];

          slot[k] = (Slot) { &run->glyphs->glyphs[g], c == ' ', FALSE };
          /* A new syllable after a syllable: the gap between them may grow. */
          if (k > 0 && new_cluster && jopan_is_gap (previous, c, korean))
            slot[k - 1].gap = TRUE;
          previous = c;
          *natural += slot[k].glyph->geometry.width / (double) PANGO_SCALE;
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

/* Sets @line (of @text) to @width as the breaker planned it and returns
 * the horizontal scale to draw it at.  Word spaces, the gaps between
 * letters (in Korean, between syllables) and the glyphs' width (font
 * expansion, as in pdfTeX) share the difference in proportion to how far
 * each may go, so that a loose line grows its spaces less; letters and
 * glyphs never go beyond their bounds: what is left goes to the spaces.  A
 * line without spaces parts its letters no further than their bound, and
 * the rest stays white at its end: letter-spaced words read as codes. */
#define SCALE_STEPS 1000.0

static double
justify_line (PangoLayoutLine *line, const char *text, double width, const JopanBreakParams *bp,
              gboolean shrink_only)
{
  double natural, delta, by_spaces, by_gaps, by_scale, ratio, scale, gap_part;
  g_autoptr (GArray) slots = collect_slots (line, text, bp->korean_text, &natural);
  int spaces = 0, gaps = 0, sign;

  delta = width - natural;
  for (guint i = 0; i < slots->len; i++)
    spaces += g_array_index (slots, Slot, i).space, gaps += g_array_index (slots, Slot, i).gap;
  if (fabs (delta) < 0.01 || slots->len < 2 || (shrink_only && delta > 0))
    return 1;
  sign = delta > 0 ? 1 : -1;
  by_spaces = spaces * bp->space_width * (sign > 0 ? bp->space_stretch : bp->space_shrink);
  by_gaps = gaps * (sign > 0 ? bp->syllable_stretch : bp->gap_shrink);
  by_scale = natural * bp->expansion;
  ratio = by_spaces + by_gaps + by_scale > 0 ? fabs (delta) / (by_spaces + by_gaps + by_scale) : 0;
  ratio = MIN (ratio, 1);
  /* The glyphs' scale goes in steps of 1/1000, rounded towards 1: each
   * scale a line is drawn at is a font cairo makes and measures anew, and
   * a few dozen steps serve every line of an edition; the spaces take the
   * rest, so the line still ends at its measure. */
  scale = 1 + sign * floor (ratio * bp->expansion * SCALE_STEPS + 1e-9) / SCALE_STEPS;
  /* What is left, in the line's own units, after the glyphs are scaled. */
  delta = width / scale - natural;
  gap_part = sign * ratio * by_gaps;
  if (spaces == 0 || fabs (gap_part) > fabs (delta))
    gap_part = sign > 0 ? MIN (delta, by_gaps) : MAX (delta, -by_gaps);
  spread (slots, FALSE, spaces > 0 ? delta - gap_part : 0);
  spread (slots, TRUE, gap_part);
  return scale;
}

/* ---- setting a paragraph -------------------------------------------------------- */

/* Measures @kind's word space and hyphen, once per pass: a style changed
 * inside a pass (a headline tried smaller) keeps the first measures. */
static gboolean cached_spaces (JopanTypesetter *ts, JopanParaKind kind);

static void
measure_spaces (JopanTypesetter *ts, JopanParaKind kind)
{
  const JopanParaStyle *p = &ts->style->para[kind];

  if (ts->space_width[kind] == 0 && !cached_spaces (ts, kind))
    {
      ts->space_width[kind] = text_width (ts, p, " ");
      ts->hyphen_width[kind] = text_width (ts, p, "-");
    }
}

static void
break_params (JopanTypesetter *ts, JopanParaKind kind, double width, double indent,
              JopanBreakParams *bp)
{
  const JopanParaStyle *p = &ts->style->para[kind];

  measure_spaces (ts, kind);
  *bp = (JopanBreakParams) {
    .width = width,
    .indent = indent,
    .korean_break = p->korean_break,
    .optimal = p->align == JOPAN_ALIGN_JUSTIFY && p->line_breaking == JOPAN_BREAKING_OPTIMAL,
    .space_width = ts->space_width[kind],
    /* Korean stretches mostly between syllables, keeping word spaces even;
     * Latin word spaces go from 66 % to 140 % (InDesign: 80/100/133 %),
     * letters and glyph scaling taking their share. */
    .space_stretch = ts->korean ? 0.25 : 0.4,
    .space_shrink = ts->korean ? 0.2 : 0.34,
    .korean_text = ts->korean,
    /* Unless the style says: letters part and close by at most 0.02 em
     * (words stay whole for a reader and an extractor), Hangul syllables
     * part by 0.05 em and close by 0.02 em. */
    .syllable_stretch = isnan (p->letter_max) ? (ts->korean ? 0.05 : 0.02) * p->size : p->letter_max,
    .gap_shrink = isnan (p->letter_min) ? 0.02 * p->size : -p->letter_min,
    .expansion = p->align == JOPAN_ALIGN_JUSTIFY ? p->expansion : 0,
    /* A word space at adjustment r is 1 + r × stretch spaces wide. */
    .fallback_ratio = p->max_word_space > 0 ? (p->max_word_space - 1) / (ts->korean ? 0.25 : 0.4) : 0,
    .hyphen_width = ts->hyphen_width[kind],
    .line_penalty = 10,
    .hyphen_penalty = 50,
    /* keep-all breaks inside a word only where a line would otherwise be
     * too loose or too tight (linebreak.c), auto wherever that pays. */
    .inner_penalty = p->korean_break == JOPAN_KOREAN_BREAK_AUTO       ? 150
                     : p->korean_break == JOPAN_KOREAN_BREAK_KEEP_ALL ? 100
                                                                      : 0,
    .name_penalty = 3000,
    .name_hyphen_penalty = 40000,
    .balance = p->balance && p->align != JOPAN_ALIGN_JUSTIFY,
    .ragged = !p->balance && p->align != JOPAN_ALIGN_JUSTIFY,
    .double_hyphen_demerits = 3000,
    .fitness_demerits = 100,
    .tolerance = 3,
  };
}

void
jopan_break_params_for_test (JopanTypesetter *ts, JopanParaKind kind, double width,
                             JopanBreakParams *bp)
{
  break_params (ts, kind, width, 0, bp);
}

/* How far line @b hangs into the left margin: the width of its opening
 * quote mark, when the style hangs punctuation (optical margin alignment:
 * the text's edge, not the mark's, lines up with the column). */
static double
hang_of (JopanTypesetter *ts, const JopanParaStyle *p, const char *text, const JopanBreakLine *b)
{
  static const gunichar marks[] = { 0x201C, 0x2018, 0x201E, 0x201A, 0x00AB, '"', '\'' };
  gunichar c = b->end > b->start ? g_utf8_get_char (text + b->start) : 0;
  char mark[8] = { 0 };

  if (!p->hang_punctuation || (p->align != JOPAN_ALIGN_LEFT && p->align != JOPAN_ALIGN_JUSTIFY))
    return 0;
  for (gsize i = 0; i < G_N_ELEMENTS (marks); i++)
    if (c == marks[i])
      {
        g_unichar_to_utf8 (c, mark);
        return text_width (ts, p, mark);
      }
  return 0;
}

/* ---- lines shaped when read ---------------------------------------------------
 *
 * Copyfit and compose set a story at many fits and in many modules, and
 * draw few of the lines they set: most attempts are only measured.  A
 * line's own layout (shaping it with its hyphen, justifying it) is what
 * costs, and the breaker already knows all an attempt decides by (how
 * many lines, where each breaks, its characters).  So a typesetter with
 * lazy_lines keeps each line as a plan (a JopanLineShape: what set_line
 * reads, copied) and shapes it the first time its layout or its drawn
 * width is read (jopan_text_line, or a kept page's jopan_page_shape_lines).
 * Shaped later it is shaped exactly as it would have been at once: the
 * same code, the same inputs.
 *
 * Only an overfull line is a finding of setting: a line the breaker's
 * widths show could be near the column (within a quarter em, after all
 * the shrinking justification may do) is checked, shaped, when the
 * findings are read (LaterCheck below); any other is shaped when read
 * (jopan_line_shapings_missed counts a check that was wrong, tests hold
 * it at 0).
 *
 * Why not take a line's drawn width and scale from the breaker, and shape
 * none until drawn: they are not the same numbers.  The breaker measures
 * a line in the paragraph shaped whole; the line shaped alone kerns
 * differently at its ends and draws its own hyphen, and justify_line()
 * works from that (in the 12-page sample edition 1,905 of the 3,532
 * lines shaped alone differ, by up to 0.18 pt): the scale drawn would change.
 *
 * Threads: a plan is reached only from the thread that composes its page
 * (it lives in that page's cache or layout, and the PangoContext it keeps
 * is that typesetter's); a page's boxes are shaped before it leaves that
 * thread (jopan_preflight_pages, a carried continuation), so no plan is
 * shaped by two threads.  Its reference count is atomic all the same. */

typedef struct _Shaped Shaped;
/* A paragraph shaped whole, on one line (the cache's, or the caller's). */
struct _Shaped {
  gint refs;
  PangoLayout *layout;     /* make_layout's, never changed once shaped */
  GHashTable *missing;     /* missing_glyphs_of; NULL: none */
  int spacing;             /* the letter spacing it was set with, Pango units */
  int size, guest;         /* the sizes it was set at (para_sizes) */
  /* spacing_shares() of its line, worked out the first time it is
   * respaced (@shares_known): NULL where it is not respaced. */
  GArray *left, *right;
  gboolean shares_known;
  /* ligature_free() of @layout, asked the first time it is respaced to a
   * spacing: 0 not yet, 1 free, 2 not. */
  int ligatures;
  /* Each glyph's advance at the spacing and size asked for, when @layout
   * was shaped at others (respace()): runs in line order; NULL: @layout's
   * own. */
  int *widths;
  /* Then: the spacing @layout was shaped with, and whether at another
   * size, where its one run's advances were worked out in @font (a
   * reference; else NULL). */
  int from_spacing;
  gboolean resized;
  hb_font_t *font;
};

static void shaped_unref (Shaped *shaped);

/* What a paragraph's lines are shaped with, copied once for them all. */
typedef struct {
  gint refs;
  PangoContext *context;
  PangoFontDescription *font;
  JopanParaStyle style;      /* a copy; its font is @font, the pointer cleared */
  gboolean korean;
  JopanBreakParams bp;       /* its hyphen_points cleared (not read) */
  double style_scale;        /* the style's 장평 */
  PangoLayout *whole;        /* the paragraph shaped whole in this style, or NULL */
  /* The paragraph's text (@length bytes) and spans (a reference, or
   * NULL): each line's own are cut from them when it is shaped
   * (line_inputs()), not for each line planned (most are never shaped). */
  char *text;
  gsize length;
  GArray *spans;
  /* A paragraph derived from one shaped at another spacing or size (a
   * reference; NULL: none), and its runs in this style once worked out
   * (derive_runs(); @derived_tried). */
  Shaped *derived;
  GSList *derived_runs;
  gboolean derived_tried;
} ParaPlan;

struct _JopanLineShape {
  gint refs;
  /* What shaping reads (cleared once shaped). */
  ParaPlan *para;            /* a reference */
  char *text;                /* the line's own text with its hyphen, once shaping
                              * starts (line_inputs()); NULL: @whole */
  GArray *spans;             /* of JopanSpan, clipped to the line (the same) */
  PangoLayout *whole;        /* the paragraph's shaped layout, when the line is all of it */
  JopanBreakLine b;
  double offset, measure, hang, column;
  gboolean checked;          /* overfull was checked unshaped: it was not */
  /* What shaping gives. */
  gboolean shaped, overfull;
  JopanLine line;            /* as placed, drawn at the style's scale; owns a layout reference */
};

gint jopan_line_shapings, jopan_line_shapings_missed;

JopanLineShape *
jopan_line_shape_ref (JopanLineShape *shape)
{
  g_atomic_int_inc (&shape->refs);
  return shape;
}

static Shaped *shaped_ref (Shaped *shaped);

static ParaPlan *
para_plan_new (JopanTypesetter *ts, const JopanParaStyle *p, const JopanBreakParams *bp,
               double style_scale, PangoLayout *whole, Shaped *derived, const char *text,
               const GArray *spans)
{
  ParaPlan *para = g_new0 (ParaPlan, 1);

  *para = (ParaPlan) { .refs = 1, .context = g_object_ref (ts->context), .style = *p,
                       .korean = ts->korean, .bp = *bp, .style_scale = style_scale };
  para->font = pango_font_description_copy (font_of (ts, p->font));
  para->style.font = NULL;
  para->bp.hyphen_points = NULL;
  para->bp.glyph_widths = NULL;
  para->bp.candidates = NULL;
  para->whole = whole ? g_object_ref (whole) : NULL;
  para->length = strlen (text);
  para->text = g_memdup2 (text, para->length + 1);
  para->spans = spans ? g_array_ref ((GArray *) spans) : NULL;
  if (derived)
    para->derived = shaped_ref (derived);
  return para;
}

static void
para_plan_unref (ParaPlan *para)
{
  if (para == NULL || !g_atomic_int_dec_and_test (&para->refs))
    return;
  g_object_unref (para->context);
  pango_font_description_free (para->font);
  g_clear_object (&para->whole);
  g_clear_pointer (&para->derived, shaped_unref);
  g_clear_pointer (&para->spans, g_array_unref);
  g_free (para->text);
  g_slist_free_full (para->derived_runs, (GDestroyNotify) pango_glyph_item_free);
  g_free (para);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParaPlan, para_plan_unref)

static void
line_shape_clear_inputs (JopanLineShape *shape)
{
  g_clear_pointer (&shape->para, para_plan_unref);
  g_clear_pointer (&shape->text, g_free);
  g_clear_pointer (&shape->spans, g_array_unref);
  g_clear_object (&shape->whole);
}

void
jopan_line_shape_unref (JopanLineShape *shape)
{
  if (shape == NULL || !g_atomic_int_dec_and_test (&shape->refs))
    return;
  line_shape_clear_inputs (shape);
  g_clear_object (&shape->line.layout);
  g_free (shape);
}

/* ---- a line shaped without a layout -------------------------------------------
 *
 * A line's own PangoLayout cost twice its shaping: Pango's break analysis
 * of its text, its line and run lists, its extents and their allocations
 * (HarfBuzz was a third of the time).  A line of plain text is shaped here
 * as a one-line PangoLayout of it shapes it (Pango 1.50's
 * pango_layout_check_lines for a text of one paragraph, not wrapped, left
 * to right): itemized with the layout's attributes under its font, each
 * item shaped with the context's flags and letter-spaced as a run, the
 * spacing taken off the line's two ends, each run moved to the first
 * run's baseline.  The runs make a PangoLayoutLine of our own, hung on a
 * layout that holds only the text, font and context (what drawing and the
 * checks read off a box's layout): jopan_layout_line() finds it there.  A
 * line needing more (a tab, a line separator, right-to-left text, a link,
 * an attribute Pango shapes or draws otherwise) gets a layout as before.
 * tests/test-typeset.c (/typeset/shape-alone) compares the two, run by run
 * and glyph by glyph, on every line of the samples. */

/* A PangoLayoutLine as Pango lays its own out (PangoLayoutLinePrivate in
 * 1.50), so that Pango's calls on a line (its extents) work on ours;
 * LEAKED keeps Pango from caching its extents in it. */
typedef struct {
  PangoLayoutLine line;
  guint refs;
  guint cache_status;
  PangoRectangle ink, logical;
  int height;
  PangoLogAttr *log;      /* a paragraph's: its break analysis (n_log of them), else NULL */
  int n_log;
  /* A paragraph's break analysis is worked out when first read
   * (jopan_layout_log_attrs), not when shaped with no letter spacing (its
   * shaping reads none): the breaker reads it only for a text it has not
   * broken before, respace() when it is respaced; a tenth of the
   * paragraphs shaped never have it read. */
  gboolean lazy_log;
} OwnLine;

#define OWN_LINE_LEAKED 2

static GQuark
own_line_quark (void)
{
  static gsize quark;

  if (g_once_init_enter (&quark))
    g_once_init_leave (&quark, g_quark_from_static_string ("jopan-own-line"));
  return (GQuark) quark;
}

gint jopan_line_shapings_alone, jopan_line_items_taken, jopan_paragraph_shapings_alone;
gboolean jopan_shape_alone_off, jopan_shape_alone_no_edges, jopan_shape_alone_cursor_log;
gboolean jopan_paragraph_logs_eager;

static void spacing_halves (int spacing, int *left, int *right);

static void
own_line_free (gpointer data)
{
  OwnLine *own = data;

  g_slist_free_full (own->line.runs, (GDestroyNotify) pango_glyph_item_free);
  g_free (own->log);
  g_free (own);
}

PangoLayoutLine *
jopan_layout_line (PangoLayout *layout, int index)
{
  OwnLine *own = g_object_get_qdata (G_OBJECT (layout), own_line_quark ());

  return own ? &own->line : pango_layout_get_line_readonly (layout, index);
}

static PangoLogAttr *paragraph_log_attrs (const char *text, int length, int n, GList *items);

gint jopan_paragraph_logs_lazy;

/* Works out @own's lazy break analysis from its runs' items (those it was
 * shaped as), once (atomically: the first thread's is kept). */
static void
own_line_log (OwnLine *own, PangoLayout *layout)
{
  const char *text = pango_layout_get_text (layout);
  GList *items = NULL;
  PangoLogAttr *log;

  for (GSList *r = own->line.runs; r; r = r->next)
    items = g_list_prepend (items, ((PangoGlyphItem *) r->data)->item);
  items = g_list_reverse (items);
  log = paragraph_log_attrs (text, (int) strlen (text), own->n_log - 1, items);
  g_list_free (items);
  if (g_atomic_pointer_compare_and_exchange (&own->log, NULL, log))
    g_atomic_int_inc (&jopan_paragraph_logs_lazy);
  else
    g_free (log);
}

const PangoLogAttr *
jopan_layout_log_attrs (PangoLayout *layout, int *n)
{
  OwnLine *own = g_object_get_qdata (G_OBJECT (layout), own_line_quark ());

  if (own && own->lazy_log && g_atomic_pointer_get (&own->log) == NULL)
    own_line_log (own, layout);
  if (own && own->log)
    return *n = own->n_log, own->log;
  return pango_layout_get_log_attrs_readonly (layout, n);
}

/* How many lines @layout has: one where it holds a line of its own. */
static int
layout_line_count (PangoLayout *layout)
{
  return g_object_get_qdata (G_OBJECT (layout), own_line_quark ()) ? 1
                                                                     : pango_layout_get_line_count (layout);
}

/* Whether @text is one paragraph of plain text, no link in it: what
 * shape_alone() shapes as a layout would. */
static gboolean
plain_line (const char *text, gsize length, const GArray *spans)
{
  if (length == 0 || g_str_has_suffix (text, "\xE2\x80\xA7")) /* a hyphenation point adds a hyphen */
    return FALSE;
  for (const guchar *c = (const guchar *) text; *c; c++)
    if (*c < 0x20 || (c[0] == 0xC2 && c[1] == 0x85)
        || (c[0] == 0xE2 && c[1] == 0x80 && (c[2] == 0xA8 || c[2] == 0xA9)))
      return FALSE;
  for (guint i = 0; spans && i < spans->len; i++)
    if (g_array_index (spans, JopanSpan, i).flags & JOPAN_SPAN_LINK)
      return FALSE;
  return TRUE;
}

/* Whether @item is set as shape_run() sets it: left to right,
 * horizontal, with a font, and no attribute but letter spacing;
 * @spacing gets that (the last, as Pango reads it). */
static gboolean
plain_item (const PangoItem *item, int *spacing)
{
  *spacing = 0;
  if (item->analysis.level % 2 || item->analysis.font == NULL
      || PANGO_GRAVITY_IS_VERTICAL (item->analysis.gravity)
      || (item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE))
    return FALSE;
  for (GSList *a = item->analysis.extra_attrs; a; a = a->next)
    {
      const PangoAttribute *attr = a->data;
      if (attr->klass->type != PANGO_ATTR_LETTER_SPACING)
        return FALSE;
      *spacing = ((const PangoAttrInt *) attr)->value;
    }
  return TRUE;
}

/* Whether @c starts a grapheme cluster (UAX #29) whatever stands beside
 * it, so that in a text of such characters every place is a cursor
 * position: it is of a block without a mark, joiner, prepended letter,
 * conjoining jamo or regional indicator, whose grapheme rules (GB9-GB13)
 * never join two.  Controls (GB4, GB5) only part them. */
static gboolean
grapheme_character (gunichar c)
{
  return (c >= 0x20 && c <= 0x7E) || (c >= 0xA0 && c <= 0x24F) /* Latin, Latin-1, Extended-A and -B */
         || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) /* punctuation */
         || (c >= 0x3000 && c <= 0x3029) || (c >= 0x3030 && c <= 0x303F) /* CJK punctuation */
         || (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xFF01 && c <= 0xFF60); /* syllables, full width */
}

static gboolean
graphemes_are_characters (const char *text)
{
  for (const char *s = text; *s; s = g_utf8_next_char (s))
    if (!grapheme_character (g_utf8_get_char (s)))
      return FALSE;
  return TRUE;
}

/* A break analysis of @n characters holding only their cursor positions:
 * all of them (each starts a grapheme). */
static PangoLogAttr *
cursor_log_attrs (int n)
{
  PangoLogAttr *log = g_new0 (PangoLogAttr, n + 1);

  for (int i = 0; i <= n; i++)
    log[i].is_cursor_position = TRUE;
  return log;
}

/* The break analysis a layout makes of @text (@n characters) itemized
 * as @items (get_items_log_attrs in pango-layout.c: the default breaks,
 * each item's tailored; attributes tailor none here, as none of a line's
 * is of a kind that breaks or shapes: affects_break_or_shape). */
static PangoLogAttr *
full_log_attrs (const char *text, int length, int n, GList *items)
{
  PangoLogAttr *log = g_new0 (PangoLogAttr, n + 1);
  int offset = 0;

  pango_default_break (text, length, NULL, log, n + 1);
  for (GList *l = items; l; l = l->next)
    {
      PangoItem *item = l->data;
      pango_tailor_break (text + item->offset, item->length, &item->analysis, -1, log + offset,
                          item->num_chars + 1);
      offset += item->num_chars;
    }
  return log;
}

/* The break analysis a layout makes of @text, as far as letter spacing
 * reads it (its cursor positions): Pango's whole analysis (line, word and
 * sentence breaks too) is a text's cost, worked out only where a
 * character may join the one before it. */
static PangoLogAttr *
log_attrs_of (const char *text, int length, GList *items)
{
  int n = (int) g_utf8_strlen (text, length);

  if (graphemes_are_characters (text))
    return cursor_log_attrs (n);
  return full_log_attrs (text, length, n, items);
}

/* Letter-spaces @run, shaped, as a layout's (shape_run in pango-layout.c). */
static void
space_run (PangoGlyphItem *run, const char *text, PangoLogAttr *log, int spacing)
{
  PangoGlyphString *g = run->glyphs;
  int left, right;

  if (spacing != 0 && g->num_glyphs > 0)
    {
      pango_glyph_item_letter_space (run, text, log, spacing);
      spacing_halves (spacing, &left, &right);
      g->glyphs[0].geometry.width += left;
      g->glyphs[0].geometry.x_offset += left;
      g->glyphs[g->num_glyphs - 1].geometry.width += right;
    }
}

/* Shapes @item of @text into a run, letter-spaced as a layout's. */
static PangoGlyphItem *
shape_run (PangoItem *item, const char *text, int length, PangoLogAttr *log, int spacing,
           PangoShapeFlags flags)
{
  PangoGlyphItem *run = g_slice_new0 (PangoGlyphItem);
  PangoGlyphString *g;

  run->item = item;
  run->glyphs = g = pango_glyph_string_new ();
  /* Without a hyphen or text transform, shaping reads no log attribute. */
  pango_shape_item (item, text, length, NULL, g, flags);
  space_run (run, text, log, spacing);
  return run;
}

/* @item's baseline (of the tag the line's first run chose, @tag). */
static hb_position_t
item_baseline (const PangoItem *item, hb_ot_layout_baseline_tag_t *tag)
{
  hb_script_t script = (hb_script_t) g_unicode_script_to_iso15924 (item->analysis.script);
  hb_language_t language = hb_language_from_string (pango_language_to_string (item->analysis.language), -1);
  hb_tag_t scripts[HB_OT_MAX_TAGS_PER_SCRIPT], languages[HB_OT_MAX_TAGS_PER_LANGUAGE];
  unsigned int n_scripts = HB_OT_MAX_TAGS_PER_SCRIPT, n_languages = HB_OT_MAX_TAGS_PER_LANGUAGE;
  hb_position_t baseline;

  hb_ot_tags_from_script_and_language (script, language, &n_scripts, scripts, &n_languages, languages);
  if (*tag == 0)
    *tag = hb_ot_layout_get_horizontal_baseline_tag_for_script (script);
  hb_ot_layout_get_baseline_with_fallback (pango_font_get_hb_font (item->analysis.font), *tag,
                                           HB_DIRECTION_LTR, scripts[n_scripts - 1],
                                           n_languages ? languages[n_languages - 1] : HB_TAG_NONE,
                                           &baseline);
  return baseline;
}

/* Adds @adjustment to the first (@left) or last glyph of @g with a width
 * (pad_glyphstring_left and _right in pango-layout.c). */
static void
pad_run (PangoGlyphString *g, gboolean left, int adjustment)
{
  int i = left ? 0 : g->num_glyphs - 1;

  while (i >= 0 && i < g->num_glyphs && g->glyphs[i].geometry.width == 0)
    i += left ? 1 : -1;
  if (i < 0 || i == g->num_glyphs)
    return;
  g->glyphs[i].geometry.width += adjustment;
  if (left)
    g->glyphs[i].geometry.x_offset += adjustment;
  else if (g->glyphs[i].geometry.width < 0)
    g->glyphs[i].geometry.width = 0;
}

/* What a layout's line does after shaping (pango_layout_line_postprocess
 * for a line not wrapped, left to right): each run on the first run's
 * baseline, and no letter spacing outside the line's first and last glyph. */
static void
finish_runs (GSList *runs, gboolean trim)
{
  hb_ot_layout_baseline_tag_t tag = 0;
  hb_position_t first = 0;

  for (GSList *l = runs; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      hb_position_t baseline = item_baseline (run->item, &tag);
      int spacing, left, right;

      if (l == runs)
        first = baseline;
      run->y_offset = first - baseline;
      if (run->glyphs->num_glyphs == 0)
        continue;
      plain_item (run->item, &spacing);
      spacing_halves (spacing, &left, &right);
      if (!trim)
        continue; /* tests: the check must see what this does */
      if (run->glyphs->glyphs[0].geometry.width == 0 || l == runs)
        pad_run (run->glyphs, TRUE, -left);
      if (run->glyphs->glyphs[run->glyphs->num_glyphs - 1].geometry.width == 0 || l->next == NULL)
        pad_run (run->glyphs, FALSE, -right);
    }
}

/* The runs of @text itemized as @items: NULL (and @items freed) if an
 * item needs what only a layout does.  @whole: the text's break
 * analysis, or NULL to work out what letter spacing needs of it. */
static GSList *
shape_items (PangoContext *context, const char *text, int length, GList *items,
             PangoLogAttr *whole)
{
  PangoShapeFlags flags = pango_context_get_round_glyph_positions (context)
                          ? PANGO_SHAPE_ROUND_POSITIONS : PANGO_SHAPE_NONE;
  g_autofree PangoLogAttr *own = NULL;
  PangoLogAttr *log = NULL;
  GSList *runs = NULL;
  gboolean spaced = FALSE;
  int offset = 0;

  for (GList *l = items; l; l = l->next)
    {
      int spacing;
      if (!plain_item (l->data, &spacing))
        {
          g_list_free_full (items, (GDestroyNotify) pango_item_free);
          return NULL;
        }
      spaced |= spacing != 0;
    }
  if (spaced)
    log = whole ? whole : (own = log_attrs_of (text, length, items));
  for (GList *l = items; l; l = l->next)
    {
      PangoItem *item = l->data;
      int spacing;
      plain_item (item, &spacing);
      runs = g_slist_prepend (runs, shape_run (item, text, length, log ? log + offset : NULL,
                                               spacing, flags));
      offset += item->num_chars;
    }
  g_list_free (items);
  runs = g_slist_reverse (runs);
  /* Tests take the trimming off drawn lines only (a paragraph's widths
   * would break it otherwise). */
  finish_runs (runs, whole != NULL || !jopan_shape_alone_no_edges);
  return runs;
}

static gboolean
is_font_attribute (PangoAttribute *attr, gpointer data)
{
  return attr->klass->type == PANGO_ATTR_FONT_DESC;
}

/* The line of @text itemized as @item is (a copy, set over the whole text). */
static GList *
one_item (const PangoItem *item, const char *text, int length)
{
  PangoItem *copy = pango_item_copy ((PangoItem *) item);

  copy->offset = 0;
  copy->length = length;
  copy->num_chars = (int) g_utf8_strlen (text, length);
  return g_list_prepend (NULL, copy);
}

/* ---- a line cut from its paragraph's glyphs ------------------------------------
 *
 * A line that is a stretch of its paragraph, shaped whole as one item (or
 * derived as one at another spacing or size: derive_runs()), is shaped
 * again alone for drawing.  Its glyphs are the paragraph's where
 * no lookup of the face reads across either of its edges: HarfBuzz then
 * substitutes and positions each side of an edge alone.  That is proved
 * from the face, edge by edge, for the two glyphs A | B beside it (each
 * one character, one glyph, the character's own glyph: no substitution
 * made it, none of the characters that a mark, joiner or jamo could join,
 * normalize or hide, neither a mark, ligature or component in GDEF):
 *
 * - no GSUB lookup but single, multiple and alternate substitutions (one
 *   glyph each) matches a sequence holding both: A or B is in none of the
 *   other lookups' glyphs, nor substituted into one (a lookup whose output
 *   is one of them counts its input too); only lookups of features HarfBuzz
 *   may apply unasked count (lookups_on(): not a font's small capitals or
 *   alternates, which in Noto Serif reach every letter), and a font that
 *   asks for features of its own (fontconfig) is not cut;
 * - no cursive or contextual GPOS lookup holds both;
 * - no pair adjustment has A first: A is in no pair lookup, or B is in no
 *   pair lookup, no class-based pair's second classes, and every class-based
 *   pair adjusts the second class 0 (the glyphs it does not list) by nothing.
 *   At a line's start (A is not drawn with it) a pair may adjust A when
 *   the face's pairs never adjust their second glyph (every ValueFormat2
 *   is 0): B is then as the paragraph has it (a line after a hyphenated
 *   one, "gin" of "mar-gin");
 * - no mark attachment moves B onto A: B is in no mark coverage;
 * - no lookup of those skips a base glyph or a ligature (which would
 *   let a match reach past A or B), no kern table, no AAT.
 *
 * Letter spacing goes by cursor positions, every character's in a line
 * of characters that each start a grapheme; the paragraph's ends were
 * trimmed of their halves of it as the line's would be, and a line's
 * edge inside the paragraph is trimmed here (finish_runs); the two
 * glyphs at such an edge have a width, so the paragraph's own trimming
 * (of the first and last glyph with one) stopped outside the line.
 * /typeset/shape-alone compares every line so cut with Pango's layout of
 * it, and /typeset/cut-line sees a kerned edge refused.
 *
 * A paragraph of several runs (a bold dateline, an italic phrase): a line
 * inside one of them, itemized alone as one item that is the run's but
 * for its place, is cut from that run's glyphs the same way, the run's
 * ends standing for the paragraph's.  Pango shaped the run alone, given
 * the rest of the paragraph only as context, which HarfBuzz reads for
 * joining scripts (Arabic) and marks at a run's start alone: the run must
 * be Latin, Hangul or common, and its edges at the line's have a width
 * (the line was trimmed of its spacing there, not a glyph beside it).  A
 * tab is refused: a layout trims the spacing beside it too. */

static guint be16 (const guint8 *data, gsize size, gsize at);
static guint lookup_type (const guint8 *data, gsize size, guint index, guint extension);
static gboolean table_present (hb_face_t *face, hb_tag_t tag);

gint jopan_line_cuts, jopan_line_cuts_mid_word;
gboolean jopan_line_cut_off, jopan_line_cut_unproven, jopan_line_cut_end_as_start, jopan_line_cut_features_all;

/* What cutting lines of a face needs (see above). */
typedef struct {
  gboolean cuttable;
  gboolean zero_class0;   /* every class-based pair adjusts the second class 0 by nothing */
  gboolean seconds_kept;  /* no pair adjusts its second glyph (every ValueFormat2 is 0) */
  hb_set_t *subst;        /* glyphs of GSUB lookups of more than one glyph, and their sources */
  hb_set_t *spans;        /* glyphs of cursive and contextual GPOS lookups */
  hb_set_t *pairs;        /* glyphs of pair lookups, and their second classes' */
  hb_set_t *marks;        /* mark coverage of mark attachments */
} FaceCuts;

static void
face_cuts_free (gpointer data)
{
  FaceCuts *f = data;

  hb_set_destroy (f->subst);
  hb_set_destroy (f->spans);
  hb_set_destroy (f->pairs);
  hb_set_destroy (f->marks);
  g_free (f);
}

static guint32
be32 (const guint8 *data, gsize size, gsize at)
{
  return at + 4 <= size ? (guint32) be16 (data, size, at) << 16 | be16 (data, size, at + 2) : G_MAXUINT32;
}

/* Adds glyphs @first to @last to @set; FALSE: not a range. */
static gboolean
add_range (hb_set_t *set, guint first, guint last)
{
  if (first > last || last == G_MAXUINT)
    return FALSE;
  hb_set_add_range (set, first, last);
  return TRUE;
}

/* Adds the glyphs of Coverage table @at of @data to @set; FALSE: unreadable. */
static gboolean
coverage_add (const guint8 *data, gsize size, gsize at, hb_set_t *set)
{
  guint format = be16 (data, size, at), n = be16 (data, size, at + 2);

  if (n == G_MAXUINT || (format != 1 && format != 2) || at + 4 + (gsize) n * (format == 1 ? 2 : 6) > size)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (format == 1)
      hb_set_add (set, be16 (data, size, at + 4 + 2 * i));
    else if (!add_range (set, be16 (data, size, at + 4 + 6 * i), be16 (data, size, at + 6 + 6 * i)))
      return FALSE;
  return TRUE;
}

/* Adds the glyphs ClassDef table @at of @data lists to @set; FALSE: unreadable. */
static gboolean
class_def_add (const guint8 *data, gsize size, gsize at, hb_set_t *set)
{
  guint format = be16 (data, size, at);

  if (format == 1)
    {
      guint first = be16 (data, size, at + 2), n = be16 (data, size, at + 4);
      if (n == G_MAXUINT || at + 6 + 2 * (gsize) n > size)
        return FALSE;
      if (n > 0)
        hb_set_add_range (set, first, first + n - 1);
      return TRUE;
    }
  if (format == 2)
    {
      guint n = be16 (data, size, at + 2);
      if (n == G_MAXUINT || at + 4 + 6 * (gsize) n > size)
        return FALSE;
      for (guint i = 0; i < n; i++)
        if (!add_range (set, be16 (data, size, at + 4 + 6 * i), be16 (data, size, at + 6 + 6 * i)))
          return FALSE;
      return TRUE;
    }
  return FALSE;
}

/* Whether the class-based pair subtable at @at adjusts no first class
 * against second class 0, adding its second classes' glyphs to @pairs. */
static gboolean
pair_class0_zero (const guint8 *data, gsize size, gsize at, hb_set_t *pairs)
{
  guint f1 = be16 (data, size, at + 4), f2 = be16 (data, size, at + 6);
  guint n1 = be16 (data, size, at + 12), n2 = be16 (data, size, at + 14);
  gsize record, at_record = at + 16;

  if (n1 == G_MAXUINT || n2 == G_MAXUINT || f1 == G_MAXUINT || f2 == G_MAXUINT
      || !class_def_add (data, size, at + be16 (data, size, at + 10), pairs))
    return FALSE;
  record = 2 * (gsize) (__builtin_popcount (f1) + __builtin_popcount (f2)); /* as HarfBuzz reads it */
  for (guint c1 = 0; c1 < n1; c1++)
    for (gsize b = 0; b < record; b++)
      {
        gsize byte = at_record + (gsize) c1 * n2 * record + b;
        if (byte >= size || data[byte] != 0)
          return FALSE;
      }
  return TRUE;
}

/* Adds the second glyphs of the glyph pair subtable at @at to @pairs;
 * FALSE: unreadable. */
static gboolean
pair_seconds (const guint8 *data, gsize size, gsize at, hb_set_t *pairs)
{
  guint f1 = be16 (data, size, at + 4), f2 = be16 (data, size, at + 6), n = be16 (data, size, at + 8);
  gsize record;

  if (f1 == G_MAXUINT || f2 == G_MAXUINT || n == G_MAXUINT)
    return FALSE;
  record = 2 + 2 * (gsize) (__builtin_popcount (f1) + __builtin_popcount (f2));
  for (guint i = 0; i < n; i++)
    {
      gsize set = at + be16 (data, size, at + 10 + 2 * i);
      guint count = be16 (data, size, set);
      if (count == G_MAXUINT || set + 2 + count * record > size)
        return FALSE;
      for (guint r = 0; r < count; r++)
        hb_set_add (pairs, be16 (data, size, set + 2 + r * record));
    }
  return TRUE;
}

/* Reads subtable @at of GPOS lookup type @type (resolved from extensions)
 * into @f; FALSE: unreadable or of a kind not allowed. */
static gboolean
gpos_subtable_read (FaceCuts *f, const guint8 *data, gsize size, gsize at, guint type)
{
  guint format = be16 (data, size, at);

  if (type == 9)
    {
      guint32 offset = be32 (data, size, at + 4);
      return format == 1 && offset != G_MAXUINT32
             && gpos_subtable_read (f, data, size, at + offset, be16 (data, size, at + 2));
    }
  if (type >= 4 && type <= 6)
    return format == 1 && coverage_add (data, size, at + be16 (data, size, at + 2), f->marks);
  if (type == 2)
    f->seconds_kept = f->seconds_kept && be16 (data, size, at + 6) == 0;
  if (type == 2 && format == 1)
    return coverage_add (data, size, at + be16 (data, size, at + 2), f->pairs)
           && pair_seconds (data, size, at, f->pairs);
  if (type == 2 && format == 2)
    {
      f->zero_class0 = pair_class0_zero (data, size, at, f->pairs) && f->zero_class0;
      return coverage_add (data, size, at + be16 (data, size, at + 2), f->pairs);
    }
  return type == 1 || type == 3 || type == 7 || type == 8;
}

/* Features HarfBuzz applies only when asked (hb-ot-shape.cc, and the
 * shapers' lists), as Pango never asks for a plain item (plain_item():
 * no font-features attribute; a font with features of its own is not cut,
 * font_features_none()); frac, numr and dnom go only around a fraction
 * slash, which no paragraph cut holds.  Four letters each. */
static const char off_features[] =
  "aalt" "afrc" "c2pc" "c2sc" "case" "cpsp" "cswh" "dlig" "dnom" "expt" "falt" "frac" "fwid" "halt" "hist"
  "hkna" "hlig" "hngl" "hojo" "hwid" "ital" "jalt" "jp04" "jp78" "jp83" "jp90" "lnum" "mgrk" "nalt"
  "nlck" "numr" "onum" "ordn" "ornm" "palt" "pcap" "pkna" "pnum" "pwid" "qwid" "ruby" "salt" "sinf"
  "size" "smcp" "smpl" "subs" "sups" "swsh" "titl" "tnum" "trad" "twid" "unic" "valt" "vhal" "vkna"
  "vpal" "zero";

/* Whether feature @tag is one HarfBuzz applies only when asked (above):
 * those listed, stylistic sets and character variants. */
static gboolean
off_feature (hb_tag_t tag)
{
  char name[5];

  hb_tag_to_string (tag, name);
  name[4] = '\0';
  if ((name[0] == 's' && name[1] == 's' && g_ascii_isdigit (name[2]) && g_ascii_isdigit (name[3]))
      || (name[0] == 'c' && name[1] == 'v' && g_ascii_isdigit (name[2]) && g_ascii_isdigit (name[3])))
    return !jopan_line_cut_features_all;
  for (gsize i = 0; i + 4 < sizeof off_features; i += 4)
    if (memcmp (off_features + i, name, 4) == 0)
      return !jopan_line_cut_features_all;
  return FALSE;
}

/* The lookups of GSUB table @table of @face that a feature HarfBuzz may
 * apply unasked lists; all of them where the table has feature
 * variations.  A lookup only nested in another is read with it: what it
 * reads is its parent's input, what it makes its parent's output
 * (hb_ot_layout_lookup_collect_glyphs), all of it in FaceCuts.subst. */
static hb_set_t *
lookups_on (hb_face_t *face, hb_tag_t table, const guint8 *data, gsize size)
{
  hb_set_t *on = hb_set_create ();
  hb_tag_t tags[256];
  guint n_tags, lookups[64], n = hb_ot_layout_table_get_lookup_count (face, table), start = 0;

  if (jopan_line_cut_features_all || (be16 (data, size, 2) >= 1 && be32 (data, size, 10) != 0))
    {
      if (n > 0)
        hb_set_add_range (on, 0, n - 1);
      return on;
    }
  do
    {
      n_tags = G_N_ELEMENTS (tags);
      hb_ot_layout_table_get_feature_tags (face, table, start, &n_tags, tags);
      for (guint t = 0; t < n_tags; t++)
        {
          guint from = 0;
          if (off_feature (tags[t]))
            continue;
          do
            {
              n = G_N_ELEMENTS (lookups);
              hb_ot_layout_feature_get_lookups (face, table, start + t, from, &n, lookups);
              for (guint l = 0; l < n; l++)
                hb_set_add (on, lookups[l]);
              from += n;
            }
          while (n == G_N_ELEMENTS (lookups));
        }
      start += n_tags;
    }
  while (n_tags == G_N_ELEMENTS (tags));
  return on;
}

/* Reads the lookups of @table (GSUB or GPOS) of @face into @f (of GSUB,
 * those HarfBuzz may apply unasked: lookups_on()); FALSE where a lookup
 * is unreadable or skips base glyphs or ligatures. */
static gboolean
face_cuts_read (FaceCuts *f, hb_face_t *face, hb_tag_t table, GPtrArray *singles)
{
  gboolean gpos = table == HB_OT_TAG_GPOS, ok = TRUE;
  hb_blob_t *blob = hb_face_reference_table (face, table);
  unsigned int size;
  const guint8 *data = (const guint8 *) hb_blob_get_data (blob, &size);
  guint n = hb_ot_layout_table_get_lookup_count (face, table), list = be16 (data, size, 8);
  hb_set_t *on = gpos ? NULL : lookups_on (face, table, data, size);

  for (guint i = 0; ok && i < n; i++)
    {
      guint type = lookup_type (data, size, i, gpos ? 9 : 7);
      gsize lookup = list + be16 (data, size, list + 2 + 2 * i);
      guint flags = be16 (data, size, lookup + 2), subtables = be16 (data, size, lookup + 4);
      gboolean single = gpos ? type == 1 || (type >= 4 && type <= 6) : type >= 1 && type <= 3;
      hb_set_t *glyphs;

      if (on && !hb_set_has (on, i))
        continue;
      ok = type != 0 && flags != G_MAXUINT && subtables != G_MAXUINT && (single || (flags & 0x6) == 0);
      for (guint s = 0; ok && gpos && s < subtables; s++)
        ok = gpos_subtable_read (f, data, size, lookup + be16 (data, size, lookup + 6 + 2 * s),
                                 be16 (data, size, lookup));
      if (!ok || (gpos && single))
        continue;
      glyphs = hb_set_create ();
      if (single)
        {
          hb_set_t *output = hb_set_create ();
          hb_ot_layout_lookup_collect_glyphs (face, table, i, NULL, glyphs, NULL, output);
          g_ptr_array_add (singles, glyphs);
          g_ptr_array_add (singles, output);
          continue;
        }
      hb_ot_layout_lookup_collect_glyphs (face, table, i, glyphs, glyphs, glyphs, glyphs);
      hb_set_union (gpos ? type == 2 ? f->pairs : f->spans : f->subst, glyphs);
      hb_set_destroy (glyphs);
    }
  if (on)
    hb_set_destroy (on);
  hb_blob_destroy (blob);
  return ok;
}

/* Adds to @subst the sources of single substitutions into it, until none
 * is left (@singles: each lookup's input, then output). */
static void
subst_sources (hb_set_t *subst, GPtrArray *singles)
{
  for (gboolean grew = TRUE; grew;)
    {
      grew = FALSE;
      for (guint i = 0; i + 1 < singles->len; i += 2)
        {
          hb_set_t *into = hb_set_copy (g_ptr_array_index (singles, i + 1));
          hb_set_intersect (into, subst);
          if (!hb_set_is_empty (into) && !hb_set_is_subset (g_ptr_array_index (singles, i), subst))
            {
              hb_set_union (subst, g_ptr_array_index (singles, i));
              grew = TRUE;
            }
          hb_set_destroy (into);
        }
    }
}

static hb_user_data_key_t face_cuts_key;

/* How lines of @face may be cut (see above), kept on the face. */
static const FaceCuts *
face_cuts (hb_face_t *face)
{
  FaceCuts *f = hb_face_get_user_data (face, &face_cuts_key);
  g_autoptr (GPtrArray) singles = NULL;

  if (f)
    return f;
  singles = g_ptr_array_new_with_free_func ((GDestroyNotify) hb_set_destroy);
  f = g_new0 (FaceCuts, 1);
  f->subst = hb_set_create ();
  f->spans = hb_set_create ();
  f->pairs = hb_set_create ();
  f->marks = hb_set_create ();
  f->zero_class0 = TRUE;
  f->seconds_kept = TRUE;
  f->cuttable = !hb_aat_layout_has_substitution (face) && !hb_aat_layout_has_positioning (face)
                && !hb_aat_layout_has_tracking (face) && !table_present (face, HB_TAG ('k', 'e', 'r', 'n'))
                && face_cuts_read (f, face, HB_OT_TAG_GSUB, singles)
                && face_cuts_read (f, face, HB_OT_TAG_GPOS, singles);
  subst_sources (f->subst, singles);
  f->cuttable = f->cuttable && hb_set_allocation_successful (f->subst) && hb_set_allocation_successful (f->spans)
                && hb_set_allocation_successful (f->pairs) && hb_set_allocation_successful (f->marks);
  if (!hb_face_set_user_data (face, &face_cuts_key, f, face_cuts_free, FALSE))
    {
      face_cuts_free (f); /* another thread's came first */
      f = hb_face_get_user_data (face, &face_cuts_key);
    }
  return f;
}

/* Whether @c may stand beside a cut: a character starting its grapheme
 * that HarfBuzz neither joins, normalizes with a neighbour nor hides. */
static gboolean
cut_character (gunichar c)
{
  return c != 0xAD && c != 0x2044 && grapheme_character (c);
}

/* Whether glyph @g of @glyphs is the whole cluster of character @c at
 * byte @at, the character's own glyph, not a mark, ligature or component. */
static gboolean
edge_glyph (hb_font_t *font, const PangoGlyphString *glyphs, int g, gunichar c, int at)
{
  hb_codepoint_t own;
  hb_ot_layout_glyph_class_t klass;

  if (g < 0 || g >= glyphs->num_glyphs || glyphs->log_clusters[g] != at
      || (g > 0 && glyphs->log_clusters[g - 1] == at)
      || (g + 1 < glyphs->num_glyphs && glyphs->log_clusters[g + 1] == at)
      || !cut_character (c) || !hb_font_get_nominal_glyph (font, c, &own)
      || own != glyphs->glyphs[g].glyph)
    return FALSE;
  klass = hb_ot_layout_get_glyph_class (hb_font_get_face (font), own);
  return klass == HB_OT_LAYOUT_GLYPH_CLASS_UNCLASSIFIED || klass == HB_OT_LAYOUT_GLYPH_CLASS_BASE_GLYPH;
}

/* Whether @text has a fraction slash, around which HarfBuzz applies frac,
 * numr and dnom (U+2044; later versions take U+2215 too): their lookups
 * are left out of FaceCuts (lookups_on()). */
static gboolean
has_fraction_slash (const char *text)
{
  return strstr (text, "\xE2\x81\x84") != NULL || strstr (text, "\xE2\x88\x95") != NULL;
}

/* Whether @font asks for no OpenType feature of its own (fontconfig's
 * fontfeatures, which Pango adds to every item shaped in it): the lookups
 * FaceCuts leaves out stay off. */
static gboolean
font_features_none (PangoFont *font)
{
  hb_feature_t features[1];
  guint n = 0;

  pango_font_get_features (font, features, G_N_ELEMENTS (features), &n);
  return n == 0;
}

/* Whether no lookup of @f reads across glyphs @a | @b (see above); or,
 * @after (only the glyphs from @b on are kept: a line starts there), none
 * that changes @b: a pair lookup may adjust @a for @b when the face's
 * pairs never adjust their second glyph. */
static gboolean
edge_apart (const FaceCuts *f, hb_codepoint_t a, hb_codepoint_t b, gboolean after)
{
  gboolean pair_kept = after && f->seconds_kept;

  return (!hb_set_has (f->subst, a) || !hb_set_has (f->subst, b))
         && (!hb_set_has (f->spans, a) || !hb_set_has (f->spans, b))
         && (pair_kept || !hb_set_has (f->pairs, a) || (!hb_set_has (f->pairs, b) && f->zero_class0))
         && !hb_set_has (f->marks, b);
}

/* The first glyph of @glyphs (clusters rising) whose cluster is at or
 * after byte @at. */
static int
glyph_at (const PangoGlyphString *glyphs, int at)
{
  int lo = 0, hi = glyphs->num_glyphs;

  while (lo < hi)
    {
      int mid = (lo + hi) / 2;
      if (glyphs->log_clusters[mid] < at)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Whether @text (the paragraph's) may be cut at byte @at, glyph @g of
 * @glyphs starting there: an end of it, or an edge no lookup reads across
 * (@after: none that changes glyph @g, the glyphs before it not kept). */
static gboolean
cut_edge (const FaceCuts *f, hb_font_t *font, const PangoGlyphString *glyphs, const char *text, int length,
          int at, int g, gboolean after)
{
  const char *before;

  if (at == 0 || at == length)
    return (at == 0) == (g == 0) && (at == length) == (g == glyphs->num_glyphs);
  before = g_utf8_prev_char (text + at);
  return edge_glyph (font, glyphs, g - 1, g_utf8_get_char (before), (int) (before - text))
         && edge_glyph (font, glyphs, g, g_utf8_get_char (text + at), at)
         && glyphs->glyphs[g - 1].geometry.width != 0 && glyphs->glyphs[g].geometry.width != 0
         && (jopan_line_cut_unproven || edge_apart (f, glyphs->glyphs[g - 1].glyph, glyphs->glyphs[g].glyph, after));
}

static const GSList *whole_runs (ParaPlan *para, const char **text);

/* Whether a run of @para's paragraph ends at byte @at, the paragraph's
 * own ends aside, where its glyph @g (0 or the last) has no width: the
 * paragraph's line trimmed its letter spacing off another glyph then
 * (finish_runs). */
static gboolean
bare_run_edge (const PangoGlyphString *glyphs, int g, int at, int para_length)
{
  return at > 0 && at < para_length && glyphs->glyphs[g].geometry.width == 0;
}

/* Line @s (@text, @length bytes, of @item) as a run cut from run @from of
 * its paragraph's glyphs (@para its text), or NULL where that is not
 * proved the same. */
static GSList *
cut_line (const JopanLineShape *s, const PangoGlyphItem *from, const char *para, const PangoItem *item,
          const char *text, int length)
{
  const PangoGlyphString *glyphs = from->glyphs;
  hb_font_t *font = pango_font_get_hb_font (item->analysis.font);
  const FaceCuts *f = font ? face_cuts (hb_font_get_face (font)) : NULL;
  int para_length = (int) strlen (para), start = (int) s->b.start, end = (int) s->b.end, g0, g1, spacing;
  int offset = from->item->offset, run_length = from->item->length, left, right;
  PangoGlyphItem *run;
  GList *items;

  plain_item (item, &spacing);
  if (jopan_line_cut_off || jopan_shape_alone_no_edges || f == NULL || !f->cuttable
      || !font_features_none (item->analysis.font)
      || end - start != length || start < offset || end > offset + run_length
      || strncmp (para + start, text, (size_t) length) != 0
      || (spacing != 0 && !graphemes_are_characters (text)) || has_fraction_slash (para))
    return NULL;
  g0 = glyph_at (glyphs, start - offset);
  g1 = glyph_at (glyphs, end - offset);
  if (g1 <= g0 || !cut_edge (f, font, glyphs, para + offset, run_length, start - offset, g0, TRUE)
      || !cut_edge (f, font, glyphs, para + offset, run_length, end - offset, g1, jopan_line_cut_end_as_start)
      || (start == offset && bare_run_edge (glyphs, g0, start, para_length))
      || (end == offset + run_length && bare_run_edge (glyphs, g1 - 1, end, para_length)))
    return NULL;
  run = g_slice_new0 (PangoGlyphItem);
  items = one_item (item, text, length);
  run->item = items->data;
  g_list_free (items);
  run->glyphs = pango_glyph_string_new ();
  pango_glyph_string_set_size (run->glyphs, g1 - g0);
  memcpy (run->glyphs->glyphs, glyphs->glyphs + g0, sizeof *glyphs->glyphs * (gsize) (g1 - g0));
  for (int g = g0; g < g1; g++)
    run->glyphs->log_clusters[g - g0] = glyphs->log_clusters[g] - (start - offset);
  spacing_halves (spacing, &left, &right);
  if (start > 0)
    pad_run (run->glyphs, TRUE, -left);
  if (end < para_length)
    pad_run (run->glyphs, FALSE, -right);
  g_atomic_int_inc (&jopan_line_cuts);
  if (start > 0 && !g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (para + start))))
    g_atomic_int_inc (&jopan_line_cuts_mid_word);
  return g_slist_prepend (NULL, run);
}

/* Whether @a is @b but for its place and length: an item of a line
 * itemized alone that is one of its paragraph's. */
static gboolean
same_item (const PangoItem *a, const PangoItem *b)
{
  const PangoAnalysis *x = &a->analysis, *y = &b->analysis;
  int s, t;

  return x->font == y->font && x->level == y->level && x->script == y->script && x->language == y->language
         && x->gravity == y->gravity && x->flags == y->flags && x->shape_engine == y->shape_engine
         && x->lang_engine == y->lang_engine && plain_item (a, &s) && plain_item (b, &t) && s == t
         && g_slist_length (x->extra_attrs) == g_slist_length (y->extra_attrs);
}

/* Line @s (@text, @length bytes), itemized alone as @items, as a run cut
 * from the run of its paragraph it lies in (one of several), or NULL. */
static GSList *
cut_from_runs (const JopanLineShape *s, GList *items, const char *text, int length)
{
  const GSList *runs;
  const char *para;

  /* A layout trims the letter spacing off a run's edge beside a tab
   * (adjust_line_letter_spacing), as a line alone would not. */
  if (s->b.hyphen || items == NULL || items->next || (runs = whole_runs (s->para, &para)) == NULL
      || runs->next == NULL || strchr (para, '\t'))
    return NULL;
  for (; runs; runs = runs->next)
    {
      const PangoGlyphItem *run = runs->data;
      PangoScript script = run->item->analysis.script;
      if (s->b.start >= (guint) run->item->offset && s->b.end <= (guint) (run->item->offset + run->item->length))
        return (script == PANGO_SCRIPT_LATIN || script == PANGO_SCRIPT_HANGUL || script == PANGO_SCRIPT_COMMON)
               && same_item (items->data, run->item) ? cut_line (s, run, para, items->data, text, length) : NULL;
    }
  return NULL;
}

/* ---- a derived paragraph's glyphs ----------------------------------------------
 *
 * A paragraph letter-spaced anew or set at another size (respace()) knows
 * only its glyphs' advances; its lines would each be itemized and shaped
 * again.  When its lines are drawn, its runs are worked out once, so that
 * they can be cut from them (cut_line()) and take its item
 * (paragraph_item()), as a paragraph shaped in its own style:
 *
 * - its items are Pango's: the paragraph is itemized in its style, as
 *   shape_alone() itemizes it, and each item must be its source run's
 *   (the same bytes), left to right, letter-spaced as asked, in the font
 *   its advances were worked out for (the source's at the same size; at
 *   another, of font_at()'s face and scale, for a paragraph of one run
 *   only);
 * - its glyphs and clusters are the source's (respace(): the same
 *   ligatures, and at another size the same substitutions), its advances
 *   respace()'s;
 * - each offset is HarfBuzz's plus the halves of the spacing Pango moved
 *   it by (spacing_shares(): the left halves a glyph took, less the one
 *   the paragraph's first glyph gave back when its start was trimmed), as
 *   every character starts a grapheme where the text is spaced (no glyph
 *   moved otherwise, pango_glyph_item_letter_space); each run keeps its
 *   source's baseline (the same fonts, or one run).  At the same size
 *   HarfBuzz's are the source's; at another size only zero is known: a
 *   glyph in no mark attachment's coverage (FaceCuts) is moved by one
 *   single or pair adjustment at most (face_sizes()), a value in font
 *   units HarfBuzz scales by at least one unit a unit, so an offset of 0
 *   stays 0, and any other is refused.
 *
 * /typeset/cut-derived compares every line of the samples so cut with
 * the line laid out by Pango, and sees a wrongly moved offset caught. */

gint jopan_derived_runs, jopan_derived_items_checked, jopan_derived_items_unlike;
gboolean jopan_derived_offsets_unmoved, jopan_derived_offsets_unproven;
gboolean jopan_derived_items_anew, jopan_derived_items_check, jopan_derived_items_unspaced;

/* The paragraph @text of @para itemized in its style. */
static GList *
whole_items (ParaPlan *para, const char *text, int length)
{
  PangoAttrList *attrs = pango_attr_list_new ();
  GList *items;

  add_line_attributes (attrs, &para->style, para->korean, text, para->spans);
  pango_attr_list_insert_before (attrs, pango_attr_font_desc_new (para->font));
  items = pango_itemize_with_base_dir (para->context, PANGO_DIRECTION_LTR, text, 0, length, attrs, NULL);
  pango_attr_list_unref (attrs);
  return items;
}

/* The items of @d's paragraph at its spacing, as Pango itemizes it, taken
 * from its source's runs (the same size: not @d->resized), or NULL (a
 * run's item has an attribute but letter spacing).  A letter spacing over
 * the whole text parts no item and changes no item's font, script,
 * language or level: it is only each item's one extra attribute (as
 * shape_spaced_as() takes a paragraph's items from its shaping with
 * none).  /typeset/cut-derived compares them with Pango's items of every
 * paragraph so derived. */
static GList *
source_items (const Shaped *d)
{
  GList *items = NULL;
  int spacing;

  for (GSList *l = jopan_layout_line (d->layout, 0)->runs; l; l = l->next)
    {
      PangoItem *item = ((PangoGlyphItem *) l->data)->item;

      if (!plain_item (item, &spacing))
        {
          g_list_free_full (items, (GDestroyNotify) pango_item_free);
          return NULL;
        }
      item = pango_item_copy (item);
      g_slist_free_full (item->analysis.extra_attrs, (GDestroyNotify) pango_attribute_destroy);
      item->analysis.extra_attrs = NULL;
      spacing = jopan_derived_items_unspaced ? d->from_spacing : d->spacing;
      if (spacing != 0)
        item->analysis.extra_attrs = g_slist_prepend (NULL, pango_attr_letter_spacing_new (spacing));
      items = g_list_prepend (items, item);
    }
  return g_list_reverse (items);
}

/* Whether @a and @b are the same items (tests: source_items()). */
static gboolean
same_items (GList *a, GList *b)
{
  for (; a && b; a = a->next, b = b->next)
    {
      const PangoItem *x = a->data, *y = b->data;
      int s, t;

      if (x->offset != y->offset || x->length != y->length || x->num_chars != y->num_chars
          || !same_item (x, y) || !plain_item (x, &s) || !plain_item (y, &t) || s != t)
        return FALSE;
    }
  return a == NULL && b == NULL;
}

/* Moves @glyphs (@d's source's, from its glyph @first in line order) to
 * the spacing and size @d asks for: FALSE where an offset is not known
 * there (see above). */
static gboolean
derive_glyphs (const Shaped *d, PangoGlyphString *glyphs, guint first, const FaceCuts *f)
{
  int l1, r1, l2, r2;

  if (d->left->len < first + (guint) glyphs->num_glyphs || (d->resized && (f == NULL || !f->cuttable)))
    return FALSE;
  spacing_halves (d->from_spacing, &l1, &r1);
  spacing_halves (d->spacing, &l2, &r2);
  for (int i = 0; i < glyphs->num_glyphs; i++)
    {
      PangoGlyphGeometry *geometry = &glyphs->glyphs[i].geometry;
      guint g = first + (guint) i;
      int shares = g_array_index (d->left, int, g) - (g == 0);
      int offset = geometry->x_offset - shares * l1;

      if (d->resized && !jopan_derived_offsets_unproven
          && (offset != 0 || geometry->y_offset != 0 || hb_set_has (f->marks, glyphs->glyphs[i].glyph)))
        return FALSE;
      geometry->width = d->widths[g];
      geometry->x_offset = jopan_derived_offsets_unmoved ? geometry->x_offset : offset + shares * l2;
    }
  return TRUE;
}

static gboolean unvaried (hb_font_t *font);

/* Whether @font shapes as @as, which advances were worked out in: the
 * same face and scale, no ppem or variations (resize_advance()). */
static gboolean
same_scaled (PangoFont *font, hb_font_t *as)
{
  hb_font_t *hb = font ? pango_font_get_hb_font (font) : NULL;
  int x, y, x_as, y_as;

  if (hb == NULL || as == NULL)
    return FALSE;
  hb_font_get_scale (hb, &x, &y);
  hb_font_get_scale (as, &x_as, &y_as);
  return hb_font_get_face (hb) == hb_font_get_face (as) && x == x_as && y == y_as && unvaried (hb)
         && unvaried (as);
}

/* Source run @from of @d as derived, itemized as @item (taken), or NULL. */
static PangoGlyphItem *
derive_run (const Shaped *d, const PangoGlyphItem *from, PangoItem *item, guint first)
{
  PangoGlyphItem *run;
  hb_font_t *font;
  int spacing;

  if (!plain_item (item, &spacing) || spacing != d->spacing || item->analysis.level != 0
      || item->offset != from->item->offset || item->length != from->item->length
      || (d->resized ? !same_scaled (item->analysis.font, d->font)
                     : item->analysis.font != from->item->analysis.font))
    {
      pango_item_free (item);
      return NULL;
    }
  run = g_slice_new0 (PangoGlyphItem);
  *run = (PangoGlyphItem) { .item = item, .glyphs = pango_glyph_string_copy (from->glyphs),
                            .y_offset = from->y_offset, .start_x_offset = from->start_x_offset,
                            .end_x_offset = from->end_x_offset };
  font = pango_font_get_hb_font (item->analysis.font);
  if (!derive_glyphs (d, run->glyphs, first, font ? face_cuts (hb_font_get_face (font)) : NULL))
    {
      pango_glyph_item_free (run);
      return NULL;
    }
  return run;
}

/* @para's runs derived (see above), or NULL: at another size, one run. */
static GSList *
derive_runs (ParaPlan *para)
{
  const Shaped *d = para->derived;
  const char *text = pango_layout_get_text (d->layout);
  GSList *from = jopan_layout_line (d->layout, 0)->runs, *runs = NULL;
  GList *items, *i;
  guint first = 0;

  if (from == NULL || d->left == NULL || (d->resized && from->next)
      || ((d->spacing != 0 || d->from_spacing != 0) && !graphemes_are_characters (text)))
    return NULL;
  items = d->resized || jopan_derived_items_anew ? NULL : source_items (d);
  if (items && jopan_derived_items_check)
    {
      GList *laid = whole_items (para, text, (int) strlen (text));
      if (!same_items (items, laid))
        g_atomic_int_inc (&jopan_derived_items_unlike);
      g_atomic_int_inc (&jopan_derived_items_checked);
      g_list_free_full (laid, (GDestroyNotify) pango_item_free);
    }
  if (items == NULL)
    items = whole_items (para, text, (int) strlen (text));
  for (i = items; i && from; i = i->next, from = from->next)
    {
      PangoGlyphItem *run = derive_run (d, from->data, g_steal_pointer (&i->data), first);
      if (run == NULL)
        break;
      runs = g_slist_prepend (runs, run);
      first += (guint) run->glyphs->num_glyphs;
    }
  if (i || from || first != d->left->len)
    {
      for (i = items; i; i = i->next)
        if (i->data)
          pango_item_free (i->data); /* not taken */
      g_list_free (items);
      g_slist_free_full (runs, (GDestroyNotify) pango_glyph_item_free);
      return NULL;
    }
  g_list_free (items);
  g_atomic_int_inc (&jopan_derived_runs);
  return g_slist_reverse (runs);
}

/* The runs of @para's paragraph, shaped whole in its style on one line
 * (or derived so), and (@text) its text; or NULL. */
static const GSList *
whole_runs (ParaPlan *para, const char **text)
{
  if (para->derived)
    {
      if (!para->derived_tried)
        para->derived_runs = derive_runs (para);
      para->derived_tried = TRUE;
      *text = pango_layout_get_text (para->derived->layout);
      return para->derived_runs;
    }
  if (para->whole == NULL || layout_line_count (para->whole) != 1)
    return NULL;
  *text = pango_layout_get_text (para->whole);
  return jopan_layout_line (para->whole, 0)->runs;
}

/* Line @s (@text, @length bytes) of a paragraph of one run, @item, cut
 * from it (cut_line()), or NULL. */
static GSList *
cut_single (const JopanLineShape *s, const PangoItem *item, const char *text, int length)
{
  const char *para;
  const GSList *runs = whole_runs (s->para, &para);

  return cut_line (s, runs->data, para, item, text, length);
}

/* The break analysis of @text itemized as @items, as a layout's (or, for
 * tests, a wrong one: cursor positions alone). */
static PangoLogAttr *
paragraph_log_attrs (const char *text, int length, int n, GList *items)
{
  if (!jopan_shape_alone_cursor_log)
    return full_log_attrs (text, length, n, items);
  return cursor_log_attrs (n);
}

/* Whether an item of @items is letter-spaced (its shaping reads the break
 * analysis then: shape_items()). */
static gboolean
items_spaced (GList *items)
{
  int spacing;

  for (GList *l = items; l; l = l->next)
    if (!plain_item (l->data, &spacing) || spacing != 0)
      return TRUE;
  return FALSE;
}

/* The layout as make_layout_in() makes it, but not laid out (a copy of
 * it is the line at its natural width), holding @runs (taken) and @log
 * (taken; @n characters' or NULL), with @attrs (taken, no font's). */
static PangoLayout *
own_layout (PangoContext *context, const PangoFontDescription *font, PangoAttrList *attrs,
            const char *text, int length, GSList *runs, PangoLogAttr *log, int n)
{
  PangoLayout *layout = pango_layout_new (context);
  OwnLine *own = g_new0 (OwnLine, 1);

  pango_layout_set_font_description (layout, font);
  pango_layout_set_auto_dir (layout, FALSE);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, length);
  own->line = (PangoLayoutLine) { .layout = layout, .start_index = 0, .length = length, .runs = runs,
                                  .is_paragraph_start = TRUE, .resolved_dir = PANGO_DIRECTION_LTR };
  own->refs = 1;
  own->cache_status = OWN_LINE_LEAKED;
  own->log = log;
  own->n_log = n + 1;
  g_object_set_qdata_full (G_OBJECT (layout), own_line_quark (), own, own_line_free);
  return layout;
}

/* A layout holding line @text shaped alone (see above), or NULL where the
 * line needs a layout of its own (make_layout_in); @item: the item it is
 * all of (paragraph_item()), or NULL to itemize it.  A @paragraph shaped
 * whole for the breaker keeps its break analysis too
 * (jopan_layout_log_attrs()): its layout would work it out anyway.
 * @line: the planned line @text is, cut from its paragraph's glyphs where
 * that is proved the same (cut_line()), or NULL. */
static PangoLayout *
shape_alone (PangoContext *context, const PangoFontDescription *font, gboolean korean,
             const JopanParaStyle *p, const char *text, const GArray *spans, const PangoItem *item,
             gboolean paragraph, const JopanLineShape *line)
{
  int length = (int) strlen (text), n = 0;
  PangoAttrList *attrs;
  GList *items;
  GSList *runs;
  PangoLogAttr *log = NULL;
  gboolean lazy = FALSE;
  PangoLayout *layout;

  if (jopan_shape_alone_off || !plain_line (text, length, spans)
      || pango_context_get_base_dir (context) != PANGO_DIRECTION_LTR
      || pango_context_get_gravity (context) != PANGO_GRAVITY_SOUTH)
    return NULL;
  attrs = pango_attr_list_new ();
  add_line_attributes (attrs, p, korean, text, spans);
  pango_attr_list_insert_before (attrs, pango_attr_font_desc_new (font));
  if (item)
    g_atomic_int_inc (&jopan_line_items_taken);
  runs = item && line ? cut_single (line, item, text, length) : NULL;
  items = runs || !item ? NULL : one_item (item, text, length);
  if (runs == NULL && item == NULL)
    {
      items = pango_itemize_with_base_dir (context, PANGO_DIRECTION_LTR, text, 0, length, attrs, NULL);
      runs = line ? cut_from_runs (line, items, text, length) : NULL;
      if (runs)
        g_list_free_full (g_steal_pointer (&items), (GDestroyNotify) pango_item_free);
    }
  if (paragraph && items)
    {
      n = (int) g_utf8_strlen (text, length);
      lazy = !jopan_paragraph_logs_eager && !items_spaced (items);
      log = lazy ? NULL : paragraph_log_attrs (text, length, n, items);
    }
  if (runs == NULL)
    runs = items ? shape_items (context, text, length, items, log) : NULL;
  if (runs == NULL)
    {
      g_free (log);
      pango_attr_list_unref (attrs);
      return NULL;
    }
  pango_attr_list_unref (pango_attr_list_filter (attrs, is_font_attribute, NULL));
  layout = own_layout (context, font, attrs, text, length, runs, log, n);
  if (lazy)
    ((OwnLine *) g_object_get_qdata (G_OBJECT (layout), own_line_quark ()))->lazy_log = TRUE;
  return layout;
}

/* ---- a paragraph shaped at a spacing, itemized as with none -----------------
 *
 * A paragraph with a ligature (Noto Serif's fi, fl) shaped with no letter
 * spacing cannot be respaced (respace()): at any spacing Pango turns the
 * ligatures off, and so shapes other glyphs.  It is shaped again at the
 * first spacing asked for, but its items and break analysis are the
 * ones it had with none: a letter spacing over the whole text (as
 * add_line_attributes() sets it) parts no item, changes no item's font,
 * script, language or level, and is only added to each item's extra
 * attributes (a copy of it, the only one there: plain_item()); and the
 * break analysis reads the text and the items' analysis alone
 * (full_log_attrs()).  So they are taken from it (its fonts are this
 * paragraph's: the keys name the font map and the style less its size
 * and tracking, and the sizes are compared).
 *
 * Nor is all of it shaped again: only the words of its ligatures.  Where
 * the features Pango turns off make only ligatures in a face (or none:
 * ligature_free()), a stretch of the run in which no cluster holds more
 * than one character made no ligature, so the features did nothing there.
 * Each ligature's cluster is widened to edges no lookup reads across
 * (cut_edge(), as a line is cut from its paragraph: each side of such an
 * edge is substituted and positioned alone), and only that window is
 * shaped, as a piece of the item, with the ligatures off (its edges must
 * hold the same characters' own glyphs as the run's did); the rest of the
 * run keeps the glyphs it had with none, then the whole run is spaced as
 * a layout spaces it (shape_run()).  /typeset/spaced-items compares every
 * paragraph of the samples so shaped, at the trackings copyfit tries, with
 * Pango's own shaping, and sees paragraphs spliced at edges not proved
 * apart come out unlike it. */

gint jopan_paragraph_items_taken, jopan_paragraph_spliced;
gboolean jopan_splice_off;

static gboolean ligature_lookups_only (PangoFont *font, GHashTable *known);

/* Whether @text may be parted at byte @at inside run @from (see cut_edge()). */
static gboolean
splice_edge (const FaceCuts *f, hb_font_t *font, const PangoGlyphItem *from, const char *text, int at)
{
  int offset = from->item->offset;

  return cut_edge (f, font, from->glyphs, text + offset, from->item->length, at - offset,
                   glyph_at (from->glyphs, at - offset), FALSE);
}

/* The stretches [start, end) of run @from (bytes of @text) to shape
 * again: each of its clusters of more than one character (a ligature),
 * widened to edges no lookup reads across; NULL where there is none. */
static GArray *
splice_windows (const FaceCuts *f, hb_font_t *font, const PangoGlyphItem *from, const char *text)
{
  GArray *windows = g_array_new (FALSE, FALSE, sizeof (int));
  PangoGlyphItemIter iter;

  for (gboolean more = pango_glyph_item_iter_init_start (&iter, (PangoGlyphItem *) from, text); more;
       more = pango_glyph_item_iter_next_cluster (&iter))
    {
      int start = iter.start_index, end = iter.end_index;
      if (iter.end_char - iter.start_char == 1)
        continue;
      while (!splice_edge (f, font, from, text, start))
        start = (int) (g_utf8_prev_char (text + start) - text);
      while (!splice_edge (f, font, from, text, end))
        end = (int) (g_utf8_next_char (text + end) - text);
      if (windows->len > 0 && g_array_index (windows, int, windows->len - 1) >= start)
        g_array_index (windows, int, windows->len - 1) = end;
      else
        {
          g_array_append_val (windows, start);
          g_array_append_val (windows, end);
        }
    }
  if (windows->len == 0)
    g_clear_pointer (&windows, g_array_unref);
  return windows;
}

/* Appends glyphs @first to @last of @from to @to, their clusters moved by @shift. */
static void
append_glyphs (PangoGlyphString *to, const PangoGlyphString *from, int first, int last, int shift)
{
  int n = to->num_glyphs;

  if (last <= first)
    return;
  pango_glyph_string_set_size (to, n + last - first);
  memcpy (to->glyphs + n, from->glyphs + first, sizeof *from->glyphs * (gsize) (last - first));
  for (int g = first; g < last; g++)
    to->log_clusters[n + g - first] = from->log_clusters[g] + shift;
}

/* Whether @g (shaped from byte @start to @end of @text, a stretch of
 * @item) has the character's own glyph alone at each edge inside @item,
 * with a width, as the run it goes into had there. */
static gboolean
window_edges (hb_font_t *font, const PangoGlyphString *g, const PangoItem *item, const char *text,
              int start, int end)
{
  const char *last = g_utf8_prev_char (text + end);

  return g->num_glyphs > 0
         && (start == item->offset
             || (edge_glyph (font, g, 0, g_utf8_get_char (text + start), 0) && g->glyphs[0].geometry.width != 0))
         && (end == item->offset + item->length
             || (edge_glyph (font, g, g->num_glyphs - 1, g_utf8_get_char (last), (int) (last - text) - start)
                 && g->glyphs[g->num_glyphs - 1].geometry.width != 0));
}

/* The glyphs of @item (@from's item, letter-spaced) shaped: @from's
 * outside @windows, each window shaped alone; or NULL where a window's
 * edges are not as @from's. */
static PangoGlyphString *
splice_glyphs (hb_font_t *font, const PangoGlyphItem *from, const PangoItem *item, const char *text,
               int length, const GArray *windows, PangoShapeFlags flags)
{
  PangoGlyphString *g = pango_glyph_string_new ();
  int offset = item->offset, done = 0;

  for (guint w = 0; w < windows->len; w += 2)
    {
      int start = g_array_index (windows, int, w), end = g_array_index (windows, int, w + 1);
      PangoItem *piece = pango_item_copy ((PangoItem *) item);
      PangoGlyphString *shaped = pango_glyph_string_new ();
      gboolean fits;

      append_glyphs (g, from->glyphs, glyph_at (from->glyphs, done), glyph_at (from->glyphs, start - offset), 0);
      piece->offset = start;
      piece->length = end - start;
      piece->num_chars = (int) g_utf8_strlen (text + start, end - start);
      pango_shape_item (piece, text, length, NULL, shaped, flags);
      pango_item_free (piece);
      fits = window_edges (font, shaped, item, text, start, end);
      if (fits)
        append_glyphs (g, shaped, 0, shaped->num_glyphs, start - offset);
      pango_glyph_string_free (shaped);
      if (!fits)
        {
          pango_glyph_string_free (g);
          return NULL;
        }
      done = end - offset;
    }
  append_glyphs (g, from->glyphs, glyph_at (from->glyphs, done), from->glyphs->num_glyphs, 0);
  return g;
}

/* @item (taken: @from's item, letter-spaced) shaped and spaced as
 * shape_run() would, from @from (its run shaped with no spacing) where
 * that is proved the same (see above), else shaped whole. */
static PangoGlyphItem *
splice_run (const PangoGlyphItem *from, PangoItem *item, const char *text, int length, PangoLogAttr *log,
            int spacing, PangoShapeFlags flags, GHashTable *faces)
{
  hb_font_t *font = pango_font_get_hb_font (item->analysis.font);
  const FaceCuts *f = font ? face_cuts (hb_font_get_face (font)) : NULL;
  g_autoptr (GArray) windows = NULL;
  PangoGlyphString *glyphs = NULL;
  PangoGlyphItem *run;

  if (!jopan_splice_off && faces && f && f->cuttable && !has_fraction_slash (text)
      && font_features_none (item->analysis.font)
      && ligature_lookups_only (item->analysis.font, faces)
      && (windows = splice_windows (f, font, from, text)) != NULL)
    glyphs = splice_glyphs (font, from, item, text, length, windows, flags);
  if (glyphs == NULL)
    return shape_run (item, text, length, log, spacing, flags);
  g_atomic_int_inc (&jopan_paragraph_spliced);
  run = g_slice_new0 (PangoGlyphItem);
  run->item = item;
  run->glyphs = glyphs;
  space_run (run, text, log, spacing);
  return run;
}

/* As shape_items() (@items letter-spaced, @log the text's break
 * analysis), each run spliced from its run in @from (splice_run()). */
static GSList *
splice_items (PangoContext *context, const char *text, int length, GList *items, PangoLogAttr *log,
              GSList *from, GHashTable *faces)
{
  PangoShapeFlags flags = pango_context_get_round_glyph_positions (context)
                          ? PANGO_SHAPE_ROUND_POSITIONS : PANGO_SHAPE_NONE;
  GSList *runs = NULL;
  int offset = 0, spacing;

  for (GList *l = items; l; l = l->next)
    if (!plain_item (l->data, &spacing))
      {
        g_list_free_full (items, (GDestroyNotify) pango_item_free);
        return NULL;
      }
  for (GList *l = items; l; l = l->next, from = from->next)
    {
      PangoItem *item = l->data;
      plain_item (item, &spacing);
      runs = g_slist_prepend (runs, splice_run (from->data, item, text, length, log + offset, spacing, flags,
                                                faces));
      offset += item->num_chars;
    }
  g_list_free (items);
  runs = g_slist_reverse (runs);
  finish_runs (runs, TRUE);
  return runs;
}

/* @text shaped alone (as shape_alone() would) at @p's spacing, itemized
 * as @none (a paragraph shape_alone() shaped at the same size with no
 * spacing), or NULL. */
static PangoLayout *
shape_spaced_as (PangoContext *context, const PangoFontDescription *font, gboolean korean,
                 const JopanParaStyle *p, const char *text, const GArray *spans, PangoLayout *none,
                 GHashTable *faces)
{
  OwnLine *own = g_object_get_qdata (G_OBJECT (none), own_line_quark ());
  int length = (int) strlen (text);
  int spacing = p->tracking != 0 ? (int) (p->tracking * PANGO_SCALE) : 0, n_log;
  const PangoLogAttr *none_log;
  PangoAttrList *attrs;
  PangoLogAttr *log;
  GList *items = NULL;
  GSList *runs;

  if (jopan_shape_alone_off || own == NULL || (own->log == NULL && !own->lazy_log) || spacing == 0
      || strcmp (pango_layout_get_text (none), text) != 0
      || pango_context_get_base_dir (context) != PANGO_DIRECTION_LTR
      || pango_context_get_gravity (context) != PANGO_GRAVITY_SOUTH)
    return NULL;
  for (GSList *l = own->line.runs; l; l = l->next)
    {
      PangoItem *item = ((PangoGlyphItem *) l->data)->item;
      if (item->analysis.extra_attrs != NULL)
        {
          g_list_free_full (items, (GDestroyNotify) pango_item_free);
          return NULL;
        }
      item = pango_item_copy (item);
      item->analysis.extra_attrs = g_slist_prepend (NULL, pango_attr_letter_spacing_new (spacing));
      items = g_list_prepend (items, item);
    }
  items = g_list_reverse (items);
  none_log = jopan_layout_log_attrs (none, &n_log);
  log = g_memdup2 (none_log, sizeof (PangoLogAttr) * (gsize) n_log);
  runs = splice_items (context, text, length, items, log, own->line.runs, faces);
  if (runs == NULL)
    {
      g_free (log);
      return NULL;
    }
  g_atomic_int_inc (&jopan_paragraph_items_taken);
  attrs = pango_attr_list_new ();
  add_line_attributes (attrs, p, korean, text, spans);
  return own_layout (context, font, attrs, text, length, runs, log, n_log - 1);
}

/* The plan of line @b of @text: what set_line reads, copied.  A line that
 * is the whole paragraph, set as it is, is the paragraph's layout (the
 * same text, spans and style): shaped once, and never changed, so it may
 * be shared with the cache. */
static JopanLineShape *
plan_line (ParaPlan *para, const JopanBreakLine *b, double offset, double column, double hang,
           PangoLayout *whole)
{
  JopanLineShape *s = g_new0 (JopanLineShape, 1);
  gboolean justify = !b->flush && para->style.align == JOPAN_ALIGN_JUSTIFY && !b->last;
  gboolean tighten = !b->flush && !justify && b->ratio < 0;

  g_atomic_int_inc (&para->refs);
  *s = (JopanLineShape) { .refs = 1, .para = para, .b = *b, .offset = offset,
                          .measure = column - offset, .hang = hang, .column = column };
  if (whole && b->start == 0 && b->end == para->length && !b->hyphen && !justify && !tighten)
    s->whole = g_object_ref (whole);
  return s;
}

/* Line @s's own text (with its hyphen) and spans, cut from its
 * paragraph's: what planning it once copied for every line. */
static void
line_inputs (JopanLineShape *s)
{
  const JopanBreakLine *b = &s->b;
  char *text = g_malloc (b->end - b->start + (b->hyphen ? 2 : 1));

  memcpy (text, s->para->text + b->start, b->end - b->start);
  if (b->hyphen)
    text[b->end - b->start] = '-';
  text[b->end - b->start + (b->hyphen ? 1 : 0)] = '\0';
  s->text = text;
  s->spans = clip_spans (s->para->spans, b->start, b->end);
}

/* Whether a character of @text is of @script. */
static gboolean
has_script (const char *text, PangoScript script)
{
  for (const char *c = text; *c; c = g_utf8_next_char (c))
    if ((PangoScript) g_unichar_get_script (g_utf8_get_char (c)) == script)
      return TRUE;
  return FALSE;
}

/* The item line @s is itemized as when its paragraph, shaped whole in
 * its style, is one item left to right, and the line (no hyphen of its
 * own) has a character of the item's script (or the item is of none):
 * itemizing takes a character's font from its attributes (the line's are
 * the paragraph's, clipped) and its language (its script's), so every
 * character of the line gets the item's font again; its level stays 0
 * (the paragraph has no right-to-left letter); and its script is the
 * item's, the only one it has, with common characters (spaces, digits,
 * punctuation) taking it from the letters beside them.  Else NULL:
 * itemize the line. */
static const PangoItem *
paragraph_item (const JopanLineShape *s)
{
  const GSList *runs;
  const PangoItem *item;
  const char *text;

  if (s->b.hyphen || (runs = whole_runs (s->para, &text)) == NULL || runs->next)
    return NULL;
  item = ((const PangoGlyphItem *) runs->data)->item;
  if (item->analysis.level != 0
      || (item->analysis.script != PANGO_SCRIPT_COMMON && !has_script (s->text, item->analysis.script)))
    return NULL;
  return item;
}

/* The line's layout, justified to @width unless it is the paragraph's
 * last; @scale gets the scale it is drawn at, @line its line. */
static PangoLayout *
set_line (JopanLineShape *s, double width, double *scale, PangoLayoutLine **line)
{
  const JopanBreakLine *b = &s->b;
  const ParaPlan *para = s->para;
  gboolean justify = !b->flush && para->style.align == JOPAN_ALIGN_JUSTIFY && !b->last;
  gboolean tighten = !b->flush && !justify && b->ratio < 0;
  PangoLayout *layout;

  *scale = 1;
  if (s->whole)
    {
      *line = jopan_layout_line (s->whole, 0);
      return g_object_ref (s->whole);
    }
  g_atomic_int_inc (&jopan_line_shapings);
  line_inputs (s);
  layout = shape_alone (para->context, para->font, para->korean, &para->style, s->text, s->spans,
                        paragraph_item (s), FALSE, s);
  if (layout)
    {
      g_atomic_int_inc (&jopan_line_shapings_alone);
      *line = jopan_layout_line (layout, 0);
    }
  else
    {
      layout = make_layout_in (para->context, para->font, para->korean, &para->style, s->text, s->spans);
      *line = pango_layout_get_line (layout, 0); /* not read-only: its extents are read after justifying */
    }
  if (justify)
    *scale = justify_line (*line, s->text, width, &para->bp, FALSE);
  else if (tighten)
    *scale = justify_line (*line, s->text, width, &para->bp, TRUE); /* a last line set a little tight */
  return layout;
}

/* The advance of @line: the width of its logical extents (their x is 0
 * on a line left to right), summed here without the glyphs' extents
 * Pango would measure for their height. */
static int
line_advance (PangoLayoutLine *line)
{
  int width = 0;

  for (GSList *r = line->runs; r; r = r->next)
    width += pango_glyph_string_get_width (((PangoGlyphItem *) r->data)->glyphs);
  return width;
}

/* Draws @line @scale times as wide (the style's 장평): its places and
 * widths as drawn. */
static void
scale_line (JopanLine *line, double scale)
{
  line->x *= scale;
  line->width *= scale;
  line->measure *= scale;
  line->true_width *= scale;
  line->scale *= scale;
}

/* Places the planned line in its column, @offset from its left: its width
 * is the measure if justified, its true width is its advance.  A hanging
 * mark moves it left by its hang and widens its measure as much.  Then
 * checks it (overfull: only a character wider than the column makes a
 * line so), caps its width at the column, and scales it as drawn. */
static void
shape_line (JopanLineShape *s)
{
  const JopanBreakLine *b = &s->b;
  const JopanParaStyle *p = &s->para->style;
  double style_scale = s->para->style_scale;
  double measure = s->measure + s->hang, room = s->column - s->offset + s->hang;
  JopanLine line = { NULL, 0, s->offset - s->hang, 0, b->hyphen, b->inner, b->ratio, measure, 0, 1,
                     s->line.chars, NULL };
  PangoLayoutLine *set;

  line.layout = set_line (s, measure, &line.scale, &set);
  line.width = line.true_width = line.scale * line_advance (set) / (double) PANGO_SCALE;
  if (p->align == JOPAN_ALIGN_JUSTIFY && !b->last && !b->flush && line.width < measure)
    line.width = measure;
  else if (p->align == JOPAN_ALIGN_CENTER)
    line.x += (measure - line.width) / 2;
  else if (p->align == JOPAN_ALIGN_RIGHT)
    line.x += measure - line.width;
  s->overfull = line.true_width > room + 0.01;
  if (s->overfull && s->checked)
    g_atomic_int_inc (&jopan_line_shapings_missed);
  if (line.width > room)
    line.width = room;
  scale_line (&line, style_scale);
  s->line = line;
  s->shaped = TRUE;
  line_shape_clear_inputs (s);
}

const JopanLine *
jopan_line_shape_get (JopanLineShape *shape)
{
  if (!shape->shaped)
    shape_line (shape);
  return &shape->line;
}

/* Whether the planned line may come out wider than its column, by the
 * breaker's widths (the paragraph's glyphs, shaped whole): what shaping
 * the line alone changes (kerning across its ends, its hyphen's: 0.2 pt
 * at most in the sample edition; a ligature's gap the breaker counts and
 * justify_line() does not, 0.02 em each) stays well under a quarter em.
 * A line justified or set tight may shrink its spaces, gaps and glyphs as
 * far as justify_line() takes them. */
static gboolean
may_overflow (const JopanLineShape *s)
{
  const JopanBreakLine *b = &s->b;
  const JopanBreakParams *bp = &s->para->bp;
  gboolean justify = !b->flush && s->para->style.align == JOPAN_ALIGN_JUSTIFY && !b->last;
  gboolean tighten = !b->flush && !justify && b->ratio < 0;
  double natural = b->natural + (b->hyphen ? bp->hyphen_width : 0);
  double shrink = 0;

  if (justify || tighten)
    shrink = b->spaces * bp->space_width * bp->space_shrink + b->gaps * bp->gap_shrink
             + natural * bp->expansion;
  return b->flush || natural - shrink > s->column - s->offset + s->hang - s->para->style.size / 4;
}

/* Lines that may overflow, checked when the findings are read.  Copyfit
 * and compose throw most attempts away, and their findings with them; a
 * lazy typesetter reports a paragraph's lines that may overflow as a
 * finding pending (jopan_report_add_pending) that shapes them only when
 * the findings are read: the findings of a kept page are settled after
 * its lines are shaped for drawing (jopan_preflight_pages), so a line is
 * shaped once if its page is kept and never if not (the 12-page sample
 * edition shaped 4,217 lines when it checked them at once, now 3,565 for
 * its 3,532 drawn).  The finding is the one set_paragraph() made when it
 * shaped them at once, in the same place among the findings.  Threads:
 * settled where the page was composed, as its lines are shaped. */
typedef struct {
  gint refs;
  GPtrArray *lines;          /* the plans (references), in order */
  GArray *numbers;           /* of guint: each one's line in its paragraph, from 1 */
  gboolean checked;
  guint overfull, first;     /* as Findings' */
} LaterCheck;

static void
later_check_add (LaterCheck **check, JopanLineShape *plan, guint number)
{
  if (*check == NULL)
    {
      *check = g_new0 (LaterCheck, 1);
      (*check)->refs = 1;
      (*check)->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_line_shape_unref);
      (*check)->numbers = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  g_ptr_array_add ((*check)->lines, jopan_line_shape_ref (plan));
  g_array_append_val ((*check)->numbers, number);
}

static LaterCheck *
later_check_ref (LaterCheck *check)
{
  g_atomic_int_inc (&check->refs);
  return check;
}

static void
later_check_unref (LaterCheck *check)
{
  if (check == NULL || !g_atomic_int_dec_and_test (&check->refs))
    return;
  g_clear_pointer (&check->lines, g_ptr_array_unref);
  g_array_unref (check->numbers);
  g_free (check);
}

/* Shapes the lines (once for every copy of the check) and counts. */
static void
later_check_run (LaterCheck *check)
{
  if (check->checked)
    return;
  for (guint i = 0; i < check->lines->len; i++)
    {
      JopanLineShape *plan = g_ptr_array_index (check->lines, i);
      jopan_line_shape_get (plan);
      if (plan->overfull && check->overfull++ == 0)
        check->first = g_array_index (check->numbers, guint, i);
    }
  check->checked = TRUE;
  g_clear_pointer (&check->lines, g_ptr_array_unref); /* what the plans held goes */
}

static char *
overfull_message (const char *where, double column, guint overfull, guint first)
{
  return g_strdup_printf ("%s: a character is wider than the %.2f pt column: %u of its set lines "
                          "overflow, the first is line %u", where, column, overfull, first);
}

/* One report of a check: where, and in what column. */
typedef struct {
  gint refs;
  LaterCheck *check;
  char *where;
  double column;
} LaterFinding;

static gpointer
later_finding_ref (gpointer data)
{
  LaterFinding *f = data;

  g_atomic_int_inc (&f->refs);
  return f;
}

static void
later_finding_unref (gpointer data)
{
  LaterFinding *f = data;

  if (!g_atomic_int_dec_and_test (&f->refs))
    return;
  later_check_unref (f->check);
  g_free (f->where);
  g_free (f);
}

static char *
later_finding_resolve (gpointer data)
{
  LaterFinding *f = data;

  later_check_run (f->check);
  return f->check->overfull > 0
         ? overfull_message (f->where, f->column, f->check->overfull, f->check->first) : NULL;
}

static void
report_later (JopanReport *report, LaterCheck *check, const char *where, double column)
{
  LaterFinding *f = g_new0 (LaterFinding, 1);

  *f = (LaterFinding) { 1, later_check_ref (check), g_strdup (where), column };
  jopan_report_add_pending (report, "overfull", later_finding_resolve, f, later_finding_ref,
                            later_finding_unref);
}

/* Bylines, headlines, kickers and credits are never hyphenated, whatever
 * the style says: they hold names, and a name split by a hyphen reads as two. */
static gboolean
names_only (JopanParaKind kind)
{
  return kind == JOPAN_PARA_BYLINE || kind == JOPAN_PARA_HEADLINE || kind == JOPAN_PARA_KICKER
         || kind == JOPAN_PARA_CREDIT;
}

/* What setting one paragraph found: reported under the text's name each
 * time the text is set, newly or from the cache (report_findings). */
typedef struct {
  GHashTable *missing;    /* code point → count; NULL: none */
  guint overfull;         /* lines wider than the column */
  guint first_overfull;   /* the first, counted from 1 */
  double column;          /* the column's width, as reported */
  LaterCheck *later;      /* lines still to check (set lazily); NULL: none */
  /* Justified lines set loose (note_loose): how many, the loosest (from
   * 1), its word spaces in spaces, and its text. */
  guint loose, loosest;
  double loosest_spaces;
  char *loosest_text;
} Findings;

static void
report_findings (JopanTypesetter *ts, const Findings *f, const char *where)
{
  note_missing_glyphs (ts, f->missing, where);
  if (f->loose == 1)
    jopan_report_add (ts->report, "loose",
                      "%s: the paragraph's line %u is set loose, its word spaces %.1f times their "
                      "width (no breaks keep it within the style's spacing): “%s”; rewrite or refit",
                      where, f->loosest, f->loosest_spaces, f->loosest_text);
  else if (f->loose > 1)
    jopan_report_add (ts->report, "loose",
                      "%s: %u of the paragraph's lines are set loose, the loosest line %u, its word "
                      "spaces %.1f times their width (no breaks keep them within the style's "
                      "spacing): “%s”; rewrite or refit",
                      where, f->loose, f->loosest, f->loosest_spaces, f->loosest_text);
  if (f->later)
    report_later (ts->report, f->later, where, f->column);
  else if (f->overfull > 0)
    {
      g_autofree char *message = overfull_message (where, f->column, f->overfull, f->first_overfull);
      jopan_report_add (ts->report, "overfull", "%s", message);
    }
}

static Shaped *shaped_paragraph (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                                 const GArray *spans);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Shaped, shaped_unref)
static GArray *hyphen_points (JopanTypesetter *ts, const char *text, gboolean capitalized);
static GArray *break_paragraph (JopanTypesetter *ts, const char *text, const GArray *spans,
                                PangoLayout *unbroken, JopanBreakParams *bp);

/* A justified line whose word spaces are this many times their width or
 * more is reported: a river a reader sees.  Total fit goes past its
 * tolerance (2.2 times in Latin) only where no breaks avoid it, a long
 * name that has no hyphenation point after a paragraph's indent, say. */
#define LOOSE_SPACES 3.0

/* The justified lines of @breaks set loose: counted, the loosest kept for
 * the finding. */
static void
note_loose (Findings *found, const JopanBreakParams *bp, const GArray *breaks, const char *text)
{
  double most = 0;

  if (bp->balance || bp->ragged)
    return;
  for (guint i = 0; i < breaks->len; i++)
    {
      const JopanBreakLine *b = &g_array_index (breaks, JopanBreakLine, i);

      if (b->last || b->flush || b->spaces == 0 || 1 + bp->space_stretch * b->ratio < LOOSE_SPACES)
        continue;
      found->loose++;
      if (b->ratio > most)
        {
          most = b->ratio;
          found->loosest = i + 1;
          found->loosest_spaces = 1 + bp->space_stretch * b->ratio;
          g_free (found->loosest_text);
          found->loosest_text = g_strndup (text + b->start, b->end - b->start);
        }
    }
}

/* Sets one paragraph (no newlines) and appends its lines to @result and
 * what it found to @found.  A style with a horizontal scale sets it in a
 * column as much wider and draws it narrower: breaking and justifying see
 * the glyphs as shaped. */
static void
set_paragraph_as (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
                  double width, double indent, gboolean names, JopanText *result, Findings *found)
{
  const JopanParaStyle *p = &ts->style->para[kind];
  g_autoptr (Shaped) shaped = NULL;
  g_autoptr (GArray) breaks = NULL;
  g_autoptr (GArray) hyphens = NULL;
  JopanBreakParams bp;
  double scale = p->scale > 0 ? p->scale : 1;
  g_autoptr (ParaPlan) para = NULL;

  *found = (Findings) { 0 };
  shaped = shaped_paragraph (ts, kind, text, spans);
  found->missing = shaped->missing ? g_hash_table_ref (shaped->missing) : NULL;
  width /= scale;
  indent /= scale;
  break_params (ts, kind, width, indent, &bp);
  bp.name_hyphens = names;
  if (p->hyphenate && ts->hyphenator && !names_only (kind))
    bp.hyphen_points = hyphens = hyphen_points (ts, text, p->hyphenate_capitalized);
  bp.glyph_widths = shaped->widths;
  breaks = break_paragraph (ts, text, spans, shaped->layout, &bp);
  para = para_plan_new (ts, p, &bp, scale, shaped->widths ? NULL : shaped->layout,
                       shaped->widths ? shaped : NULL, text, spans);
  for (guint i = 0; i < breaks->len; i++)
    {
      const JopanBreakLine *b = &g_array_index (breaks, JopanBreakLine, i);
      double offset = i == 0 ? MAX (indent, 0) : MAX (-indent, 0);
      double hang = hang_of (ts, p, text, b);
      /* A layout spaced otherwise is no line of this paragraph's. */
      JopanLineShape *plan = plan_line (para, b, offset, width, hang,
                                        shaped->widths ? NULL : shaped->layout);

      plan->line.chars = (guint) g_utf8_strlen (text + b->start, b->end - b->start) + b->hyphen;
      g_array_append_val (result->lines, ((JopanLine) { .hyphen = b->hyphen, .inner = b->inner,
                                                        .ratio = b->ratio, .chars = plan->line.chars,
                                                        .measure = (width - offset + hang) * scale,
                                                        .shape = plan }));
      if (ts->lazy_lines)
        {
          plan->checked = !may_overflow (plan);
          if (!plan->checked)
            later_check_add (&found->later, plan, i + 1);
          continue;
        }
      jopan_text_line (result, result->lines->len - 1);
      if (plan->overfull && found->overfull++ == 0)
        found->first_overfull = i + 1;
    }
  note_loose (found, &bp, breaks, text);
  found->column = width * scale;
}

/* The trackings (em, added to the paragraph's) at which a paragraph with
 * a loose line is set again, in this order: as a compositor mends a line
 * by tightening or opening its paragraph a few units. */
static const double retrack_em[] = { -0.01, 0.01, -0.02 };

static void findings_clear (gpointer data);
static GArray *text_lines_new (guint size);
static void add_line_refs (GArray *lines, const GArray *from);

/* @text set again, at the typesetter's style and with names split
 * (@names) or not, in place of @result's lines from @start (what setting
 * them found: @found) where it has as many lines and leaves its loosest
 * line looser by a quarter space less, or none loose. */
static void
set_again (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
           double width, double indent, gboolean names, JopanText *result, guint start,
           Findings *found)
{
  guint n = result->lines->len - start;
  JopanText *trial = g_new0 (JopanText, 1);
  Findings f;

  trial->lines = text_lines_new (n);
  set_paragraph_as (ts, kind, text, spans, width, indent, names, trial, &f);
  if (trial->lines->len == n && (f.loose == 0 || f.loosest_spaces < found->loosest_spaces - 0.25))
    {
      g_array_remove_range (result->lines, start, n);
      add_line_refs (result->lines, trial->lines);
      findings_clear (found);
      *found = f;
    }
  else
    findings_clear (&f);
  jopan_text_free (trial);
}

/* A paragraph set with a loose line (@found), its lines @result's from
 * @start: set again at each of retrack_em's trackings (names whole) until
 * one has none (set_again() keeps the better). */
static void
retrack (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
         double width, double indent, JopanText *result, guint start, Findings *found)
{
  const JopanStyle *style = ts->style;
  double space = ts->space_width[kind], hyphen = ts->hyphen_width[kind];
  g_autofree JopanStyle *tracked = g_new (JopanStyle, 1);

  for (gsize i = 0; i < G_N_ELEMENTS (retrack_em) && found->loose > 0; i++)
    {
      *tracked = *style;
      tracked->para[kind].tracking += retrack_em[i] * style->para[kind].size;
      /* The spaces are measured anew at this tracking. */
      ts->style = tracked;
      ts->space_width[kind] = ts->hyphen_width[kind] = 0;
      set_again (ts, kind, text, spans, width, indent, FALSE, result, start, found);
      ts->style = style;
      ts->space_width[kind] = space;
      ts->hyphen_width[kind] = hyphen;
    }
}

gboolean jopan_typeset_retrack = TRUE;

/* Sets one paragraph, names whole; one with a loose line is tracked
 * anew, and only a line loose still may split a name (Wednes-|day): a
 * paragraph a little tighter reads better than a name in two. */
static void
set_paragraph (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
               double width, double indent, JopanText *result, Findings *found)
{
  guint start = result->lines->len;

  set_paragraph_as (ts, kind, text, spans, width, indent, FALSE, result, found);
  if (found->loose == 0 || !jopan_typeset_retrack)
    return;
  retrack (ts, kind, text, spans, width, indent, result, start, found);
  if (found->loose > 0)
    set_again (ts, kind, text, spans, width, indent, TRUE, result, start, found);
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

/* A text set, with what setting each of its paragraphs found. */
typedef struct {
  JopanText *text;
  GArray *findings;       /* of Findings */
} SetText;

/* A line's references, dropped with the array that holds it. */
static void
line_clear (gpointer data)
{
  JopanLine *line = data;

  g_clear_object (&line->layout);
  g_clear_pointer (&line->shape, jopan_line_shape_unref);
}

/* An array of a text's lines: it holds their references (line_clear). */
static GArray *
text_lines_new (guint size)
{
  GArray *lines = g_array_sized_new (FALSE, FALSE, sizeof (JopanLine), size);

  g_array_set_clear_func (lines, line_clear);
  return lines;
}

/* Appends @from's lines to @lines, each with references of its own. */
static void
add_line_refs (GArray *lines, const GArray *from)
{
  g_array_append_vals (lines, from->data, from->len);
  for (guint i = lines->len - from->len; i < lines->len; i++)
    {
      JopanLine *line = &g_array_index (lines, JopanLine, i);
      if (line->layout)
        g_object_ref (line->layout);
      if (line->shape)
        jopan_line_shape_ref (line->shape);
    }
}

static void
findings_clear (gpointer data)
{
  Findings *f = data;

  g_clear_pointer (&f->missing, g_hash_table_unref);
  g_clear_pointer (&f->later, later_check_unref);
  g_clear_pointer (&f->loosest_text, g_free);
}

static void
set_text_free (gpointer data)
{
  SetText *t = data;

  jopan_text_free (t->text);
  g_array_unref (t->findings);
  g_free (t);
}

static SetText *
set_text (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
          double width, double indent)
{
  const JopanParaStyle *p = &ts->style->para[kind];
  g_autofree char *prepared = NULL;
  SetText *set = g_new0 (SetText, 1);
  JopanText *result = set->text = g_new0 (JopanText, 1);
  guint start = 0;

  g_autofree char *quoted = NULL;
  g_autoptr (GArray) quoted_spans = NULL;

  set->findings = g_array_new (FALSE, TRUE, sizeof (Findings));
  g_array_set_clear_func (set->findings, findings_clear);
  if (p->uppercase && (spans == NULL || spans->len == 0))
    text = prepared = g_utf8_strup (text, -1);
  if (p->smart_quotes && (strchr (text, '"') || strchr (text, '\'')))
    {
      text = quoted = jopan_smart_quotes (text, spans, ts->lang, &quoted_spans);
      spans = quoted_spans;
    }
  result->lines = text_lines_new (0);
  result->leading = p->leading;
  /* Each forced break starts a paragraph of its own (quotes, hard breaks). */
  for (guint end = 0;; end++)
    {
      guint separator = text[end] ? break_length (text + end) : 1;
      g_autofree char *paragraph = NULL;
      g_autoptr (GArray) clipped = NULL;
      Findings found;

      if (separator == 0)
        continue;
      paragraph = g_strndup (text + start, end - start);
      clipped = clip_spans (spans, start, end);
      set_paragraph (ts, kind, paragraph, clipped, width, start == 0 ? indent : MIN (indent, 0),
                     result, &found);
      g_array_append_val (set->findings, found);
      if (text[end] == '\0')
        break;
      end += separator - 1;
      start = end + 1;
    }
  return set;
}

/* ---- the cache ------------------------------------------------------------------- */

/* A page's composer lays each story out in dozens of candidate modules,
 * and copyfit tries several fits in each: most paragraphs are set again
 * and again at the same measure in the same style.  The cache keeps each
 * text as set.  Why that is safe:
 *
 * - The key holds everything jopan_typeset reads: the text, its spans, the
 *   kind, width and indent, the paragraph style's every byte (a field added
 *   to JopanParaStyle is keyed without a change here) and its font's name,
 *   the language (context, hyphenator, quotes), the fonts, and the word
 *   space and hyphen measured for the pass (a headline tried smaller keeps
 *   its pass's first measures).  A key that differs in padding alone only
 *   misses.  A style's word space and hyphen are kept by the same key,
 *   less the text: a measure depends on nothing else.
 * - A hit hands out a text sharing the cache's lines (text_share), each
 *   holding a reference to a layout nothing changes once set (or to its
 *   plan, shaped once when first read, the same for every holder), and
 *   reports what the text found
 *   (missing glyphs, overfull lines) under the present name, as setting it
 *   again would.
 * - A paragraph shaped whole is keyed by what make_layout reads (the
 *   style's key, the text and its spans), its hyphenation points by the
 *   text, the dictionary and whether capitals are hyphenated.  Both are
 *   read, never changed: a line that is its whole paragraph shares the
 *   layout only when it is not justified (set_line).
 * - One cache belongs to one page's composition (or one story's layout)
 *   and is freed with it: no global state, and a page composed on a thread
 *   of its own has a cache of its own. */
typedef struct {
  GHashTable *table;       /* FlatKey → value */
  GQueue order;            /* its keys (the table's), oldest first */
  guint limit;
} Bounded;

/* A key being built: appended to by key_add (inline; the keys are built
 * a few fields at a time, hundreds of thousands of times an edition). */
typedef struct {
  guint8 *data;
  gsize len, size;
} KeyBuf;

struct _JopanTypesetCache {
  GHashTable *texts;       /* FlatKey (cache_key) → SetText* */
  GHashTable *spaces;      /* FlatKey (style_key) → double[2]: a word space, a hyphen */
  KeyBuf scratch;          /* the FlatKey looked up: built in place, copied when kept */
  Bounded shaped;          /* paragraph_key → Shaped* */
  Bounded spaced;          /* spacing_key → Shaped*: shaped with a letter spacing, and
                            * (a byte more) with none */
  GHashTable *faces;       /* hb_face_t* → its Ligatures (ligatures_of) */
  GHashTable *fonts_at;    /* FontAt (a font and a size, font_at) → itself */
  GHashTable *sizeless;    /* a style's font → its description less the size (spacing_key) */
  Bounded hyphens;         /* hyphen_key → GArray of guint */
  Bounded candidates;      /* candidates_key → a paragraph's break opportunities and
                            * characters (JopanBreakFacts) */
  guint hits, misses;
  guint shaped_hits, hyphen_hits;
  guint shapings, respaced;  /* paragraphs shaped whole, and letter-spaced anew instead */
};

/* Copyfit sets a text again at each tracking and size, a module at
 * another width: a paragraph shaped whole (for the breaker) serves every
 * width of its style (and, respace(), most trackings and sizes), its
 * hyphenation points every style.  These are kept
 * for the most recent texts only (by count): an attempt sets a story's
 * paragraphs in order, and the next attempt asks for them in the same
 * order, so a story's worth suffices (JOPAN_SHAPED_LIMIT,
 * JOPAN_HYPHENS_LIMIT: a few MB at most). */

/* Atomic: a line's plan may hold one (ParaPlan) and be dropped on another
 * thread than the cache's. */
static Shaped *
shaped_ref (Shaped *shaped)
{
  g_atomic_int_inc (&shaped->refs);
  return shaped;
}

static void
shaped_unref (Shaped *shaped)
{
  if (shaped == NULL || !g_atomic_int_dec_and_test (&shaped->refs))
    return;
  g_object_unref (shaped->layout);
  g_clear_pointer (&shaped->font, hb_font_destroy);
  g_clear_pointer (&shaped->missing, g_hash_table_unref);
  g_clear_pointer (&shaped->left, g_array_unref);
  g_clear_pointer (&shaped->right, g_array_unref);
  g_free (shaped->widths);
  g_free (shaped);
}

/* The hash of a cache key: the key holds a paragraph's text and a style's
 * every byte (hundreds of bytes), and every jopan_typeset looks one up, so
 * it is read eight bytes at a time (g_bytes_hash takes them one by one),
 * each word mixed in by a multiply and a rotation, the whole avalanched at
 * the end so that every bit of the key reaches the low bits a table uses. */
static guint
key_hash_data (const guint8 *p, gsize n)
{
  guint64 h = 0x9E3779B97F4A7C15u ^ (n * 0xC2B2AE3D27D4EB4Fu);
  guint64 w;

  for (; n >= 8; n -= 8, p += 8)
    {
      memcpy (&w, p, 8);
      h ^= w * 0x87C37B91114253D5u;
      h = ((h << 27) | (h >> 37)) * 0x4CF5AD432745937Fu;
    }
  w = 0;
  memcpy (&w, p, n);
  h ^= w * 0x87C37B91114253D5u;
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDu;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53u;
  h ^= h >> 33;
  return (guint) h;
}

/* A key of the tables every jopan_typeset looks in (texts, spaces): its
 * bytes after its hash and length, all in one block.  A lookup builds it
 * in the cache's scratch array (no allocation) and hashes it once; only a
 * key kept (a miss) is copied. */
typedef struct {
  guint hash;
  guint len;
  guint8 data[];
} FlatKey;

static guint
flat_key_hash (gconstpointer key)
{
  return ((const FlatKey *) key)->hash;
}

static gboolean
flat_key_equal (gconstpointer a, gconstpointer b)
{
  const FlatKey *x = a, *y = b;

  return x->hash == y->hash && x->len == y->len && memcmp (x->data, y->data, x->len) == 0;
}

static GHashTable *
flat_table_new (GDestroyNotify free_value)
{
  return g_hash_table_new_full (flat_key_hash, flat_key_equal, g_free, free_value);
}

/* Makes room in @key for @n bytes more. */
static void
key_grow (KeyBuf *key, gsize n)
{
  key->size = MAX (2 * key->size, key->len + n);
  key->data = g_realloc (key->data, key->size);
}

static inline void
key_add (KeyBuf *key, const void *bytes, gsize n)
{
  if (key->len + n > key->size)
    key_grow (key, n);
  memcpy (key->data + key->len, bytes, n);
  key->len += n;
}

/* Empties the cache's scratch array for a key to be appended to it. */
static KeyBuf *
flat_key_begin (JopanTypesetCache *cache)
{
  /* The header is filled in by flat_key_end (the array holds 1 KB at least). */
  cache->scratch.len = sizeof (FlatKey);
  return &cache->scratch;
}

/* The key appended to @scratch since flat_key_begin(), its hash taken
 * (key_hash_data over its bytes). */
static const FlatKey *
flat_key_end (KeyBuf *scratch)
{
  FlatKey *key = (FlatKey *) (void *) scratch->data;

  key->len = (guint) (scratch->len - sizeof (FlatKey));
  key->hash = key_hash_data (key->data, key->len);
  return key;
}

/* A copy of @key to keep in a table. */
static FlatKey *
flat_key_copy (const FlatKey *key)
{
  return g_memdup2 (key, sizeof (FlatKey) + key->len);
}

/* ---- a word's hyphenation points, kept for the process -------------------------
 *
 * A paragraph's hyphenation points are kept per page (hyphen_points()), but
 * its words recur across paragraphs and pages: in the 12-page sample
 * edition, 4,100 words hyphenated are 1,747 distinct ones.  A word's points
 * depend on the dictionary and the word's bytes alone (word_points(): the
 * case is folded there, the patterns and minimums are fixed), so they are
 * kept by those, for the dictionaries shared for the life of the process
 * (shared_patterns() in fonts.c: their address names them), under a lock
 * (pages are composed on threads), emptied at HYPHEN_WORDS_LIMIT words
 * (a few MB at most).  /typeset/hyphen-words compares the points so found
 * with the points found anew for every paragraph of the samples. */
#define HYPHEN_WORDS_LIMIT 16384

static GMutex hyphen_words_lock;
static GHashTable *hyphen_words; /* FlatKey (dictionary, word) → guint8[]: count, offsets */

/* The key of @word (@n bytes, HYPHEN_WORD_MAX at most) in @buffer. */
static const FlatKey *
hyphen_word_key (guint64 *buffer, HyphenDict *dict, const char *word, gsize n)
{
  FlatKey *key = (FlatKey *) (void *) buffer;

  memcpy (key->data, &dict, sizeof dict);
  memcpy (key->data + sizeof dict, word, n);
  key->len = (guint) (sizeof dict + n);
  key->hash = key_hash_data (key->data, key->len);
  return key;
}

#define HYPHEN_KEY_WORDS ((sizeof (FlatKey) + sizeof (gpointer) + HYPHEN_WORD_MAX) / 8 + 1)

/* @word's points (as word_points() writes them) when kept. */
static gboolean
hyphen_words_get (HyphenDict *dict, const char *word, gsize n, guint8 *at, guint *count)
{
  guint64 buffer[HYPHEN_KEY_WORDS];
  /* Tests: a word sought less its last byte finds another's points. */
  const FlatKey *key = hyphen_word_key (buffer, dict, word, jopan_hyphen_words_wrong ? n - 1 : n);
  const guint8 *known;

  g_mutex_lock (&hyphen_words_lock);
  known = hyphen_words ? g_hash_table_lookup (hyphen_words, key) : NULL;
  if (known)
    {
      *count = known[0];
      memcpy (at, known + 1, known[0]);
    }
  g_mutex_unlock (&hyphen_words_lock);
  return known != NULL;
}

static void
hyphen_words_put (HyphenDict *dict, const char *word, gsize n, const guint8 *at, guint count)
{
  guint64 buffer[HYPHEN_KEY_WORDS];
  const FlatKey *key = hyphen_word_key (buffer, dict, word, n);
  guint8 *points = g_malloc (1 + count);

  points[0] = (guint8) count;
  memcpy (points + 1, at, count);
  g_mutex_lock (&hyphen_words_lock);
  if (hyphen_words == NULL)
    hyphen_words = flat_table_new (g_free);
  if (g_hash_table_size (hyphen_words) >= HYPHEN_WORDS_LIMIT)
    g_hash_table_remove_all (hyphen_words);
  g_hash_table_replace (hyphen_words, flat_key_copy (key), points);
  g_mutex_unlock (&hyphen_words_lock);
}

guint
jopan_hyphen_words_kept (void)
{
  guint n;

  g_mutex_lock (&hyphen_words_lock);
  n = hyphen_words ? g_hash_table_size (hyphen_words) : 0;
  g_mutex_unlock (&hyphen_words_lock);
  return n;
}

guint
jopan_typeset_key_hash_for_test (const void *data, gsize n)
{
  return key_hash_data (data, n);
}

static void
bounded_init (Bounded *b, guint limit, GDestroyNotify free_value)
{
  b->table = flat_table_new (free_value);
  g_queue_init (&b->order);
  b->limit = limit;
}

static void
bounded_clear (Bounded *b)
{
  g_queue_clear (&b->order);
  g_hash_table_unref (b->table);
}

/* Adds @value under @key (a copy, taken; not in the table yet), dropping
 * the oldest entry when full.  The queue holds the table's own keys: an
 * entry's key is freed with it, when it is dropped. */
static void
bounded_insert (Bounded *b, FlatKey *key, gpointer value)
{
  g_assert (!g_hash_table_contains (b->table, key));
  if (g_hash_table_size (b->table) >= b->limit)
    g_hash_table_remove (b->table, g_queue_pop_head (&b->order));
  g_queue_push_tail (&b->order, key);
  g_hash_table_insert (b->table, key, value);
}

static guint font_at_hash (gconstpointer key);
static gboolean font_at_equal (gconstpointer a, gconstpointer b);
static void font_at_free (gpointer data);

JopanTypesetCache *
jopan_typeset_cache_new (void)
{
  JopanTypesetCache *cache = g_new0 (JopanTypesetCache, 1);

  cache->texts = flat_table_new (set_text_free);
  cache->spaces = flat_table_new (g_free);
  key_grow (&cache->scratch, 1024);
  bounded_init (&cache->shaped, JOPAN_SHAPED_LIMIT, (GDestroyNotify) shaped_unref);
  bounded_init (&cache->spaced, 2 * JOPAN_SHAPED_LIMIT, (GDestroyNotify) shaped_unref);
  cache->faces = g_hash_table_new (NULL, NULL);
  cache->fonts_at = g_hash_table_new_full (font_at_hash, font_at_equal, NULL, font_at_free);
  cache->sizeless = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bounded_init (&cache->hyphens, JOPAN_HYPHENS_LIMIT, (GDestroyNotify) g_array_unref);
  bounded_init (&cache->candidates, JOPAN_SHAPED_LIMIT, (GDestroyNotify) jopan_break_facts_free);
  return cache;
}

void
jopan_typeset_cache_free (JopanTypesetCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_unref (cache->texts);
  g_hash_table_unref (cache->spaces);
  g_free (cache->scratch.data);
  bounded_clear (&cache->shaped);
  bounded_clear (&cache->spaced);
  g_hash_table_unref (cache->faces);
  g_hash_table_unref (cache->fonts_at);
  g_hash_table_unref (cache->sizeless);
  bounded_clear (&cache->hyphens);
  bounded_clear (&cache->candidates);
  g_free (cache);
}

void
jopan_typeset_cache_counts (const JopanTypesetCache *cache, guint *hits, guint *misses)
{
  *hits = cache->hits;
  *misses = cache->misses;
}

void
jopan_typeset_cache_shapings (const JopanTypesetCache *cache, guint *shaped, guint *respaced)
{
  *shaped = cache->shapings;
  *respaced = cache->respaced;
}

void
jopan_typeset_cache_parts (const JopanTypesetCache *cache, guint *shaped, guint *shaped_hits,
                           guint *hyphens, guint *hyphen_hits)
{
  *shaped = g_hash_table_size (cache->shaped.table);
  *shaped_hits = cache->shaped_hits;
  *hyphens = g_hash_table_size (cache->hyphens.table);
  *hyphen_hits = cache->hyphen_hits;
}

#define KEY_ADD(key, value) key_add ((key), &(value), sizeof (value))

/* Appends what setting anything in @kind's style depends on: the style's
 * every byte and its font's name, the fonts and the language. */
static void
para_style_key (KeyBuf *key, JopanTypesetter *ts, const JopanParaStyle *para)
{
  const char *lang = ts->lang ? ts->lang : "";
  const char *font = para->font ? para->font : "";
  JopanParaStyle style;

  memcpy (&style, para, sizeof style);
  style.font = NULL;
  KEY_ADD (key, style);
  KEY_ADD (key, ts->fonts);
  key_add (key, font, (guint) strlen (font) + 1);
  key_add (key, lang, (guint) strlen (lang) + 1);
}

static void
style_key (KeyBuf *key, JopanTypesetter *ts, JopanParaKind kind)
{
  para_style_key (key, ts, &ts->style->para[kind]);
}

/* A style's word space and hyphen are the same for every page set with
 * one font map (the key names the fonts, the style's every byte and the
 * language): each page's cache would measure them anew, so they are also
 * kept with the font map, for the process, a few thousand styles at most
 * (copyfit's sizes and trackings), under a lock (pages are composed on
 * threads that may share the fonts). */
#define SHARED_SPACES_LIMIT 4096

gint jopan_typeset_spaces_measured;

static GMutex shared_spaces_lock;

static GHashTable *
shared_spaces_locked (PangoContext *context)
{
  static GQuark quark;
  PangoFontMap *map = pango_context_get_font_map (context);
  GHashTable *table;

  if (quark == 0)
    quark = g_quark_from_static_string ("jopan-spaces");
  table = g_object_get_qdata (G_OBJECT (map), quark);
  if (table == NULL)
    {
      table = flat_table_new (g_free);
      g_object_set_qdata_full (G_OBJECT (map), quark, table, (GDestroyNotify) g_hash_table_unref);
    }
  return table;
}

/* @key's widths as measured before with @context's font map (into
 * @widths), or FALSE. */
static gboolean
shared_spaces_get (PangoContext *context, const FlatKey *key, double *widths)
{
  const double *known;

  g_mutex_lock (&shared_spaces_lock);
  known = g_hash_table_lookup (shared_spaces_locked (context), key);
  if (known)
    memcpy (widths, known, 2 * sizeof (double));
  g_mutex_unlock (&shared_spaces_lock);
  return known != NULL;
}

static void
shared_spaces_put (PangoContext *context, const FlatKey *key, const double *widths)
{
  GHashTable *table;

  g_mutex_lock (&shared_spaces_lock);
  table = shared_spaces_locked (context);
  if (g_hash_table_size (table) >= SHARED_SPACES_LIMIT)
    g_hash_table_remove_all (table);
  g_hash_table_replace (table, flat_key_copy (key), g_memdup2 (widths, 2 * sizeof (double)));
  g_mutex_unlock (&shared_spaces_lock);
}

/* Takes @kind's word space and hyphen from the cache, measuring them into
 * it the first time: they depend on the style alone. */
static gboolean
cached_spaces (JopanTypesetter *ts, JopanParaKind kind)
{
  KeyBuf *bytes;
  const FlatKey *key;
  double *widths;

  if (ts->cache == NULL)
    return FALSE;
  bytes = flat_key_begin (ts->cache);
  style_key (bytes, ts, kind);
  key = flat_key_end (bytes);
  widths = g_hash_table_lookup (ts->cache->spaces, key);
  if (widths == NULL)
    {
      /* Kept before measuring: the scratch array serves any lookup. */
      FlatKey *kept = flat_key_copy (key);
      widths = g_new (double, 2);
      if (!shared_spaces_get (ts->context, kept, widths))
        {
          g_atomic_int_inc (&jopan_typeset_spaces_measured);
          widths[0] = text_width (ts, &ts->style->para[kind], " ");
          widths[1] = text_width (ts, &ts->style->para[kind], "-");
          shared_spaces_put (ts->context, kept, widths);
        }
      g_hash_table_insert (ts->cache->spaces, kept, widths);
    }
  ts->space_width[kind] = widths[0];
  ts->hyphen_width[kind] = widths[1];
  return TRUE;
}

/* Appends @text and its spans. */
static void
text_key (KeyBuf *key, const char *text, const GArray *spans)
{
  guint n_spans = spans ? spans->len : 0;

  for (guint i = 0; i < n_spans; i++)
    {
      const JopanSpan *span = &g_array_index (spans, JopanSpan, i);
      const char *uri = span->uri ? span->uri : "";
      guint8 has_uri = span->uri != NULL;

      KEY_ADD (key, span->start);
      KEY_ADD (key, span->end);
      KEY_ADD (key, span->flags);
      KEY_ADD (key, has_uri);
      key_add (key, uri, (guint) strlen (uri) + 1);
    }
  KEY_ADD (key, n_spans);
  key_add (key, text, (guint) strlen (text));
}

/* Everything the setting of @text depends on (see the cache's comment),
 * built in the cache's scratch array: valid until the next key is. */
static const FlatKey *
cache_key (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
           double width, double indent)
{
  KeyBuf *key = flat_key_begin (ts->cache);
  gboolean hyphenates = ts->hyphenator != NULL;

  style_key (key, ts, kind);
  KEY_ADD (key, kind);
  KEY_ADD (key, hyphenates);
  KEY_ADD (key, width);
  KEY_ADD (key, indent);
  KEY_ADD (key, ts->space_width[kind]);
  KEY_ADD (key, ts->hyphen_width[kind]);
  text_key (key, text, spans);
  return flat_key_end (key);
}

/* What shaping @text whole depends on: make_layout's every input (in
 * the cache's scratch array, as cache_key). */
static const FlatKey *
paragraph_key (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans)
{
  KeyBuf *key = flat_key_begin (ts->cache);

  style_key (key, ts, kind);
  text_key (key, text, spans);
  return flat_key_end (key);
}

/* ---- a paragraph letter-spaced anew ------------------------------------------
 *
 * Copyfit tries a story at several trackings, and each is a letter
 * spacing Pango shapes every paragraph anew for.  But with any letter
 * spacing Pango shapes alike: it turns the ligatures off whenever there is
 * one (pango_analysis_collect_features), and the spacing itself is added
 * to the glyphs' advances after shaping, half before a cluster and half
 * after (pango 1.50: pango_glyph_item_letter_space, shape_run,
 * adjust_line_letter_spacing).  So a paragraph shaped at one spacing gives
 * its advances at another: each glyph keeps what the font gave it and
 * takes the halves of the new spacing where Pango puts them.  Only the
 * advances are derived (the breaker reads nothing else); the rest of the
 * glyph string is worked out only when a line of it is drawn
 * (derive_runs()).
 *
 * A paragraph shaped with no spacing gives the same glyphs only where no
 * ligature formed: it serves when each of its faces has no lookup for the
 * features Pango turns off (the Nanum faces) or ligature substitutions
 * only and its text made none (Noto's fi, fl: ligature_free()), and its
 * advances then are the font's own.
 *
 * Where the halves go depends on widths in a few places (a zero-width
 * glyph at a run's edge is passed over, a line's last advance never goes
 * below zero): a paragraph where either spacing reaches those, or with a
 * tab, a right-to-left run or more than one line, is shaped for real.
 * /typeset/respace compares derived advances with Pango's for every
 * paragraph of the samples at several spacings. */

/* Pango's halves of a letter spacing (distribute_letter_spacing). */
static void
spacing_halves (int spacing, int *left, int *right)
{
  *left = spacing / 2;
  if ((spacing & (PANGO_SCALE - 1)) == 0)
    *left = PANGO_UNITS_ROUND (*left);
  *right = spacing - *left;
}

/* How many left and right halves of the spacing each glyph of @line gets
 * before the line's ends are trimmed, counting the line's glyphs; FALSE
 * where Pango would not space it as respace() assumes. */
static gboolean
spacing_shares (PangoLayout *layout, PangoLayoutLine *line, GArray *left, GArray *right)
{
  const char *text = pango_layout_get_text (layout);
  int n_attrs;
  const PangoLogAttr *attrs = jopan_layout_log_attrs (layout, &n_attrs);

  for (GSList *l = line->runs; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      PangoGlyphItemIter iter;
      guint first = left->len;
      glong item_char = g_utf8_pointer_to_offset (text, text + run->item->offset);

      if (run->glyphs->num_glyphs == 0 || run->item->analysis.level % 2 != 0)
        return FALSE;
      g_array_set_size (left, first + (guint) run->glyphs->num_glyphs);
      g_array_set_size (right, first + (guint) run->glyphs->num_glyphs);
      for (gboolean more = pango_glyph_item_iter_init_start (&iter, run, text); more;
           more = pango_glyph_item_iter_next_cluster (&iter))
        {
          if (item_char + iter.start_char >= n_attrs)
            return FALSE;
          if (!attrs[item_char + iter.start_char].is_cursor_position)
            continue; /* only its offset moves */
          if (iter.start_char > 0)
            g_array_index (left, int, first + (guint) iter.start_glyph)++;
          if (iter.end_char < run->item->num_chars)
            g_array_index (right, int, first + (guint) iter.end_glyph - 1)++;
        }
      /* The run's ends (shape_run). */
      g_array_index (left, int, first)++;
      g_array_index (right, int, left->len - 1)++;
    }
  return left->len > 0;
}

/* Whether the glyph at @g starts or ends a run of @line (of @n glyphs
 * counted in line order): adjust_line_letter_spacing reads their widths. */
static GArray *
run_edges (PangoLayoutLine *line)
{
  GArray *edges = g_array_new (FALSE, FALSE, sizeof (guint));
  guint at = 0;

  for (GSList *l = line->runs; l; l = l->next)
    {
      guint last = at + (guint) ((PangoGlyphItem *) l->data)->glyphs->num_glyphs - 1;
      g_array_append_val (edges, at);
      g_array_append_val (edges, last);
      at = last + 1;
    }
  return edges;
}

/* What a face does with the features Pango turns off at any letter
 * spacing (pango_analysis_collect_features). */
typedef enum {
  LIGATURES_NONE = 1,   /* it has no lookup for them */
  LIGATURES_ONLY,       /* only ligature substitutions (GSUB type 4) */
  LIGATURES_OTHER,      /* other substitutions too, or unreadable */
} Ligatures;

static guint
be16 (const guint8 *data, gsize size, gsize at)
{
  return at + 2 <= size ? (guint) data[at] << 8 | data[at + 1] : G_MAXUINT;
}

/* The type of lookup @index of @data (a GSUB or GPOS table), an
 * extension's (type @extension: 7 in GSUB, 9 in GPOS) own type when all
 * its subtables share it; 0: unreadable. */
static guint
lookup_type (const guint8 *data, gsize size, guint index, guint extension)
{
  gsize list = be16 (data, size, 8), lookup, type, n;

  if (list == G_MAXUINT || index >= be16 (data, size, list))
    return 0;
  lookup = list + be16 (data, size, list + 2 + 2 * index);
  type = be16 (data, size, lookup);
  n = be16 (data, size, lookup + 4);
  if (type != extension || n == G_MAXUINT)
    return type == G_MAXUINT ? 0 : (guint) type;
  type = 0;
  for (gsize i = 0; i < n; i++)
    {
      gsize sub = lookup + be16 (data, size, lookup + 6 + 2 * i);
      guint own = be16 (data, size, sub + 2);
      if (own == G_MAXUINT || (type != 0 && own != type))
        return 0;
      type = own;
    }
  return (guint) type;
}

static Ligatures
face_ligatures (hb_face_t *face)
{
  static const hb_tag_t off[] = { HB_TAG ('l', 'i', 'g', 'a'), HB_TAG ('c', 'l', 'i', 'g'),
                                  HB_TAG ('d', 'l', 'i', 'g'), HB_TAG ('h', 'l', 'i', 'g'),
                                  HB_TAG_NONE };
  hb_set_t *lookups = hb_set_create ();
  hb_blob_t *gsub = hb_face_reference_table (face, HB_TAG ('G', 'S', 'U', 'B'));
  unsigned int size;
  const guint8 *data = (const guint8 *) hb_blob_get_data (gsub, &size);
  hb_codepoint_t index = HB_SET_VALUE_INVALID;
  Ligatures found = LIGATURES_NONE;

  hb_ot_layout_collect_lookups (face, HB_OT_TAG_GSUB, NULL, NULL, off, lookups);
  while (found != LIGATURES_OTHER && hb_set_next (lookups, &index))
    found = lookup_type (data, size, index, 7) == 4 ? LIGATURES_ONLY : LIGATURES_OTHER;
  hb_set_destroy (lookups);
  hb_blob_destroy (gsub);
  return found;
}

/* face_ligatures() of @font's face, kept per face in @known. */
static Ligatures
ligatures_of (PangoFont *font, GHashTable *known)
{
  hb_font_t *hb = font ? pango_font_get_hb_font (font) : NULL;
  hb_face_t *face = hb ? hb_font_get_face (hb) : NULL;
  Ligatures found;

  if (face == NULL)
    return LIGATURES_OTHER;
  found = GPOINTER_TO_INT (g_hash_table_lookup (known, face));
  if (found == 0)
    {
      found = face_ligatures (face);
      g_hash_table_insert (known, face, GINT_TO_POINTER (found));
    }
  return found;
}

/* Whether the features Pango turns off at a spacing make only ligatures
 * in @font's face, if any (splice_run()). */
static gboolean
ligature_lookups_only (PangoFont *font, GHashTable *known)
{
  return ligatures_of (font, known) != LIGATURES_OTHER;
}

/* Whether @layout shaped with no spacing has the glyphs it would have with
 * one, where Pango turns the ligatures off: each of its runs is in a face
 * with no ligature lookups, or with ligature substitutions only and none
 * made (a ligature merges its characters' clusters: HarfBuzz ligate_input;
 * here each cluster is one character). */
static gboolean
ligature_free (PangoLayout *layout, GHashTable *known)
{
  const char *text = pango_layout_get_text (layout);

  for (GSList *l = jopan_layout_line (layout, 0)->runs; l; l = l->next)
    {
      PangoGlyphItem *run = l->data;
      PangoGlyphItemIter iter;
      Ligatures found = ligatures_of (run->item->analysis.font, known);

      if (found == LIGATURES_OTHER)
        return FALSE;
      for (gboolean more = found == LIGATURES_ONLY && pango_glyph_item_iter_init_start (&iter, run, text);
           more; more = pango_glyph_item_iter_next_cluster (&iter))
        if (iter.end_char - iter.start_char != 1)
          return FALSE;
    }
  return TRUE;
}

/* ---- a paragraph set at another size ------------------------------------------
 *
 * Copyfit tries a story's body at several sizes too, and at each Pango
 * shapes every paragraph anew.  The glyphs do not change with the size:
 * GSUB substitutes by glyph, never by scale, and a face of scalable
 * outlines covers the same characters at every size, so the runs fall
 * alike.  Only the advances scale, and HarfBuzz scales each font unit
 * value on its own with its own rounding (hb_font_t's em_mult: the
 * advance from hmtx, and each GPOS value record's x advance), which Pango
 * takes as it is (round_glyph_positions is off: fonts.c).  So an advance
 * is derived exactly where it is known what it was made of:
 *
 * - a face whose GPOS has single and pair adjustments (types 1, 2) and
 *   mark attachments (4, 5, 6: offsets only) and no other lookups, no glyph
 *   in two adjusting lookups, and no kern table, AAT tables or variations:
 *   a glyph takes at most one adjustment (a pair lookup adjusts a glyph as
 *   the first of a pair or, skipping it then, as the second; HarfBuzz
 *   PairPos), so its advance is the font's, the font's and one value, or 0
 *   (a mark zeroed);
 * - the value is the one whose scaled value is the difference (scaling
 *   by at least a unit a font unit is one to one); a glyph no lookup
 *   adjusts must have the font's advance or none;
 * - Pango's fonts at both sizes have no ppem (no device tables apply) and
 *   no variations, and the font at the new size is the same face.
 *
 * Anything else (a mark that may be adjusted, a missing glyph's hex box,
 * a space HarfBuzz makes of another: _hb_ot_shape_fallback_spaces) is
 * shaped for real.  /typeset/resize compares derived advances with
 * Pango's for every paragraph of the samples at several sizes. */

/* What deriving a face's advances at another size needs. */
typedef struct {
  gboolean resizable;
  hb_set_t *adjustable;   /* glyphs a single or pair adjustment may move */
  hb_set_t *marks;        /* those of them that are marks (GDEF) */
  /* The same by glyph, read for every glyph respaced at another size
   * (hb_set_has was a tenth of respace()): FACE_ADJUSTABLE, FACE_MARK;
   * glyphs from @n_bits on are in neither. */
  guint8 *bits;
  guint n_bits;
} FaceSizes;

#define FACE_ADJUSTABLE 1
#define FACE_MARK 2

static void
face_sizes_free (gpointer data)
{
  FaceSizes *f = data;

  hb_set_destroy (f->adjustable);
  hb_set_destroy (f->marks);
  g_free (f->bits);
  g_free (f);
}

/* @f's sets as bits by glyph (FaceSizes.bits). */
static void
face_sizes_bits (FaceSizes *f)
{
  hb_codepoint_t g = HB_SET_VALUE_INVALID;

  f->n_bits = hb_set_is_empty (f->adjustable) ? 0 : hb_set_get_max (f->adjustable) + 1;
  f->bits = g_malloc0 (MAX (f->n_bits, 1));
  while (hb_set_next (f->adjustable, &g))
    f->bits[g] |= FACE_ADJUSTABLE;
  g = HB_SET_VALUE_INVALID;
  while (hb_set_next (f->marks, &g))
    f->bits[g] |= FACE_MARK;
}

static inline guint
face_bits (const FaceSizes *f, PangoGlyph glyph)
{
  return glyph < f->n_bits ? f->bits[glyph] : 0;
}

static gboolean
table_present (hb_face_t *face, hb_tag_t tag)
{
  hb_blob_t *blob = hb_face_reference_table (face, tag);
  gboolean present = hb_blob_get_length (blob) > 0;

  hb_blob_destroy (blob);
  return present;
}

/* Whether every GPOS lookup of @face is an adjustment or a mark
 * attachment, no glyph in two adjustments, gathering those it may adjust. */
static gboolean
adjustments_single (hb_face_t *face, hb_set_t *adjustable)
{
  hb_blob_t *gpos = hb_face_reference_table (face, HB_TAG ('G', 'P', 'O', 'S'));
  unsigned int size;
  const guint8 *data = (const guint8 *) hb_blob_get_data (gpos, &size);
  guint n = hb_ot_layout_table_get_lookup_count (face, HB_OT_TAG_GPOS);
  gboolean single = TRUE;

  for (guint i = 0; single && i < n; i++)
    {
      guint type = lookup_type (data, size, i, 9);
      hb_set_t *glyphs, *both;

      single = type == 1 || type == 2 || type == 4 || type == 5 || type == 6;
      if (!single || type > 2)
        continue;
      glyphs = hb_set_create ();
      hb_ot_layout_lookup_collect_glyphs (face, HB_OT_TAG_GPOS, i, glyphs, glyphs, glyphs, glyphs);
      both = hb_set_copy (glyphs);
      hb_set_intersect (both, adjustable);
      single = hb_set_is_empty (both) && hb_set_allocation_successful (glyphs);
      hb_set_union (adjustable, glyphs);
      hb_set_destroy (both);
      hb_set_destroy (glyphs);
    }
  hb_blob_destroy (gpos);
  return single;
}

static hb_user_data_key_t face_sizes_key;

/* How @face's advances scale (see above), kept on the face for the
 * process (as its FaceCuts), not worked out again for each page. */
static const FaceSizes *
face_sizes (hb_face_t *face)
{
  FaceSizes *f = hb_face_get_user_data (face, &face_sizes_key);

  if (f)
    return f;
  f = g_new0 (FaceSizes, 1);
  f->adjustable = hb_set_create ();
  f->marks = hb_set_create ();
  f->resizable = !hb_ot_var_has_data (face) && !hb_aat_layout_has_substitution (face)
                 && !hb_aat_layout_has_positioning (face) && !hb_aat_layout_has_tracking (face)
                 && !table_present (face, HB_TAG ('k', 'e', 'r', 'n'))
                 && adjustments_single (face, f->adjustable);
  hb_ot_layout_get_glyphs_in_class (face, HB_OT_LAYOUT_GLYPH_CLASS_MARK, f->marks);
  hb_set_intersect (f->marks, f->adjustable);
  f->resizable = f->resizable && hb_set_allocation_successful (f->marks)
                 && hb_set_allocation_successful (f->adjustable);
  face_sizes_bits (f);
  if (!hb_face_set_user_data (face, &face_sizes_key, f, face_sizes_free, FALSE))
    {
      face_sizes_free (f); /* another thread's came first */
      f = hb_face_get_user_data (face, &face_sizes_key);
    }
  return f;
}

/* A font and its face at another size, as Pango would load it
 * (jopan_fonts_hb_font_at: no font loaded, no font pattern made). */
typedef struct {
  PangoFont *from;        /* a reference */
  hb_font_t *to;          /* owned; NULL: not made as Pango would */
  int from_size;          /* @from's size, Pango units */
  int size;               /* the size asked for (@to's), Pango units */
} FontAt;

/* A FontAt is its own key: the font asked for and the size. */
static guint
font_at_hash (gconstpointer key)
{
  const FontAt *f = key;

  return g_direct_hash (f->from) ^ ((guint) f->size * 0x9E3779B1u);
}

static gboolean
font_at_equal (gconstpointer a, gconstpointer b)
{
  const FontAt *x = a, *y = b;

  return x->from == y->from && x->size == y->size;
}

static void
font_at_free (gpointer data)
{
  FontAt *f = data;

  g_clear_object (&f->from);
  g_clear_pointer (&f->to, hb_font_destroy);
  g_free (f);
}

/* @font's face at @size (Pango units), kept in the cache. */
static const FontAt *
font_at (JopanTypesetter *ts, PangoFont *font, int size)
{
  FontAt sought = { .from = font, .size = size };
  FontAt *at = g_hash_table_lookup (ts->cache->fonts_at, &sought);
  PangoFontDescription *desc;

  if (at)
    return at;
  at = g_new0 (FontAt, 1);
  at->from = g_object_ref (font);
  at->size = size;
  desc = pango_font_describe (font);
  at->from_size = pango_font_description_get_size (desc);
  pango_font_description_free (desc);
  at->to = jopan_fonts_hb_font_at (ts->context, font, size);
  g_hash_table_add (ts->cache->fonts_at, at);
  return at;
}

/* The sizes (Pango units) @p sets a paragraph at: its own, and (else 0)
 * that of the other script's runs (add_script_sizes). */
static void
para_sizes (JopanTypesetter *ts, const JopanParaStyle *p, int *size, int *guest)
{
  double share = ts->korean ? p->latin_size : p->hangul_size;

  *size = pango_font_description_get_size (font_of (ts, p->font));
  *guest = share <= 0 || fabs (share - 1) < 1e-6 ? 0 : (int) lround (p->size * share * PANGO_SCALE);
}

/* A run's fonts at the size its paragraph was shaped at and at the other. */
typedef struct {
  hb_font_t *from, *to;
  const FaceSizes *face;
  gint64 from_mult, to_mult; /* hb_font_t's x_mult */
} RunSizes;

static gint64
x_mult (hb_font_t *font)
{
  int x, y;

  hb_font_get_scale (font, &x, &y);
  return ((gint64) x << 16) / (gint64) hb_face_get_upem (hb_font_get_face (font));
}

/* HarfBuzz's scaling of @v font units (em_mult). */
static int
em_mult (int v, gint64 mult)
{
  return (int) ((v * mult + 32768) >> 16);
}

static gboolean
unvaried (hb_font_t *font)
{
  unsigned int x, y, n = 0;

  hb_font_get_ppem (font, &x, &y);
  hb_font_get_var_coords_normalized (font, &n);
  return x == 0 && y == 0 && n == 0;
}

/* Whether @run's advances can be derived at the sizes @size and @guest
 * (Pango units) from @from's, filling @rs. */
static gboolean
run_sizes (JopanTypesetter *ts, const Shaped *from, int size, int guest, PangoGlyphItem *run,
           const char *text, RunSizes *rs)
{
  const char *start = text + run->item->offset, *end = start + run->item->length;
  gboolean is_guest_run = from->guest != 0 && is_guest (g_utf8_get_char (start), ts->korean);
  const FontAt *at;

  if (run->item->analysis.font == NULL || (is_guest_run ? guest : size) <= 0)
    return FALSE;
  at = font_at (ts, run->item->analysis.font, is_guest_run ? guest : size);
  if (at->to == NULL || at->from_size != (is_guest_run ? from->guest : from->size))
    return FALSE;
  rs->from = pango_font_get_hb_font (at->from);
  rs->to = at->to;
  rs->face = face_sizes (hb_font_get_face (rs->from));
  rs->from_mult = x_mult (rs->from);
  rs->to_mult = x_mult (rs->to);
  if (!rs->face->resizable || !unvaried (rs->from) || !unvaried (rs->to)
      || rs->from_mult < 65536 || rs->to_mult < 65536)
    return FALSE;
  /* A space the face lacks HarfBuzz widens by a rule of its own. */
  for (const char *s = start; s < end; s = g_utf8_next_char (s))
    {
      gunichar c = g_utf8_get_char (s);
      hb_codepoint_t glyph;
      if (c != ' ' && g_unichar_type (c) == G_UNICODE_SPACE_SEPARATOR
          && !hb_font_get_nominal_glyph (rs->from, c, &glyph))
        return FALSE;
    }
  return TRUE;
}

/* @glyph's @advance (as HarfBuzz gave it, no letter spacing; the font's
 * own is @from, and @to at the other size) at the other size, in *@out;
 * FALSE where it cannot be known (see above). */
static gboolean
resize_advance (const RunSizes *rs, PangoGlyph glyph, int advance, int from, int to, int *out)
{
  int diff;
  double guess;

  if (glyph == PANGO_GLYPH_EMPTY)
    return *out = 0, advance == 0;
  if (glyph & PANGO_GLYPH_UNKNOWN_FLAG)
    return FALSE;
  if (!(face_bits (rs->face, glyph) & FACE_ADJUSTABLE))
    {
      *out = advance == 0 ? 0 : to;
      return advance == 0 || advance == from;
    }
  /* A mark may be zeroed before it is adjusted. */
  if (advance == 0 || (face_bits (rs->face, glyph) & FACE_MARK))
    return FALSE;
  diff = advance - from;
  guess = round (diff * 65536.0 / (double) rs->from_mult);
  for (int v = (int) guess - 1; v <= (int) guess + 1; v++)
    if (v >= G_MININT16 && v <= G_MAXINT16 && em_mult (v, rs->from_mult) == diff)
      {
        *out = to + em_mult (v, rs->to_mult);
        return TRUE;
      }
  return FALSE;
}

/* The size and letter spacing a paragraph is asked for, Pango units. */
typedef struct {
  int spacing, size, guest;
} Setting;

/* spacing_shares() of @shaped's line, kept in it; FALSE where Pango
 * would not space it as respace() assumes. */
static gboolean
shares_of (const Shaped *shaped)
{
  Shaped *s = (Shaped *) shaped; /* the cache's, read on its page's thread alone */
  PangoLayout *layout = s->layout;

  if (!s->shares_known)
    {
      s->left = g_array_new (FALSE, TRUE, sizeof (int));
      s->right = g_array_new (FALSE, TRUE, sizeof (int));
      if (!spacing_shares (layout, jopan_layout_line (layout, 0), s->left, s->right))
        {
          g_clear_pointer (&s->left, g_array_unref);
          g_clear_pointer (&s->right, g_array_unref);
        }
      s->shares_known = TRUE;
    }
  return s->left != NULL;
}

/* The font's own advances of @glyphs at both sizes of @rs, as HarfBuzz
 * gives them when shaping (hb_ot_position_default), in @from and @to. */
static void
font_advances (const RunSizes *rs, const PangoGlyphString *glyphs, int *from, int *to)
{
  guint n = (guint) glyphs->num_glyphs;
  const hb_codepoint_t *first = &glyphs->glyphs[0].glyph;

  G_STATIC_ASSERT (sizeof (PangoGlyph) == sizeof (hb_codepoint_t));
  hb_font_get_glyph_h_advances (rs->from, n, first, sizeof (PangoGlyphInfo), from, sizeof (int));
  hb_font_get_glyph_h_advances (rs->to, n, first, sizeof (PangoGlyphInfo), to, sizeof (int));
}

/* Whether @from has the glyphs it would have shaped as @to asks: one
 * line, no tab, and the same ligatures. */
static gboolean
same_glyphs (JopanTypesetter *ts, const Shaped *from, const Setting *to)
{
  Shaped *s = (Shaped *) from; /* the cache's, read on its page's thread alone */
  PangoLayout *layout = from->layout;

  /* No spacing turns the ligatures a spacing turned off back on. */
  if ((to->spacing == 0 && from->spacing != 0) || strchr (pango_layout_get_text (layout), '\t')
      || layout_line_count (layout) != 1)
    return FALSE;
  if (from->spacing != 0 || to->spacing == 0)
    return TRUE;
  /* Walked once: copyfit asks again at each tracking. */
  if (s->ligatures == 0)
    s->ligatures = ligature_free (layout, ts->cache->faces) ? 1 : 2;
  return s->ligatures == 1;
}

/* A run's edge of zero width is passed over when a line's ends are
 * trimmed, and the last advance is kept from going below zero: whether
 * neither happens to @line's @n glyphs @before (as shaped, the last with
 * @r1) or @after (as asked for, with @r2). */
static gboolean
ends_trimmed_alike (PangoLayoutLine *line, const int *before, const int *after, guint n, int r1,
                    int r2)
{
  g_autoptr (GArray) edges = run_edges (line);

  for (guint e = 0; e < edges->len; e++)
    {
      guint at = g_array_index (edges, guint, e);
      if (before[at] == 0 || after[at] == 0)
        return FALSE;
    }
  return before[n - 1] - r1 > 0 && after[n - 1] - r2 > 0;
}

/* The advances of @from's glyphs (shaped at its size and spacing) at the
 * size and letter spacing of @to instead, runs in line order; NULL where
 * that is not as Pango would set them (see above).  @font (may be NULL)
 * gets the font at the new size of a line of one run resized, else NULL. */
static int *
respace (JopanTypesetter *ts, const Shaped *from, const Setting *to, hb_font_t **font)
{
  PangoLayout *layout = from->layout;
  const char *text = pango_layout_get_text (layout);
  PangoLayoutLine *line;
  GArray *left, *right;
  g_autofree int *before = NULL, *after = NULL, *fonts_from = NULL, *fonts_to = NULL;
  gboolean resize = to->size != from->size || to->guest != from->guest;
  int l1, r1, l2, r2;
  guint g = 0, n;

  if (font)
    *font = NULL;
  if (!same_glyphs (ts, from, to) || !shares_of (from))
    return NULL;
  line = jopan_layout_line (layout, 0);
  left = from->left, right = from->right;
  n = left->len;
  spacing_halves (from->spacing, &l1, &r1);
  spacing_halves (to->spacing, &l2, &r2);
  /* The widths before the line's ends were trimmed, as shaped and as
   * asked for. */
  before = g_new (int, n);
  after = g_new (int, n);
  fonts_from = resize ? g_new (int, n) : NULL;
  fonts_to = resize ? g_new (int, n) : NULL;
  for (GSList *l = line->runs; l; l = l->next)
    {
      PangoGlyphString *glyphs = ((PangoGlyphItem *) l->data)->glyphs;
      RunSizes rs = { 0 };

      if (resize && !run_sizes (ts, from, to->size, to->guest, l->data, text, &rs))
        return NULL;
      if (resize)
        font_advances (&rs, glyphs, fonts_from + g, fonts_to + g);
      for (int i = 0; i < glyphs->num_glyphs; i++, g++)
        {
          int a = g_array_index (left, int, g), b = g_array_index (right, int, g);
          int advance;
          before[g] = glyphs->glyphs[i].geometry.width + (g == 0 ? l1 : 0) + (g == n - 1 ? r1 : 0);
          advance = before[g] - a * l1 - b * r1;
          if (resize && !resize_advance (&rs, glyphs->glyphs[i].glyph, advance, fonts_from[g],
                                         fonts_to[g], &advance))
            return NULL;
          after[g] = advance + a * l2 + b * r2;
        }
      if (font && resize && line->runs->next == NULL)
        *font = rs.to;
    }
  if (!ends_trimmed_alike (line, before, after, n, r1, r2))
    {
      if (font)
        *font = NULL;
      return NULL;
    }
  after[0] -= l2;
  after[n - 1] -= r2;
  return g_steal_pointer (&after);
}

/* What the spacing of @kind's style gives: Pango's, as make_layout_in sets it. */
static int
spacing_of (const JopanParaStyle *p)
{
  return p->tracking != 0 ? (int) (p->tracking * PANGO_SCALE) : 0;
}

/* As paragraph_key, the style's tracking and size left out: the key of
 * every letter spacing and size of @text, or (@none) of no spacing. */
static const FlatKey *
spacing_key (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
             gboolean none)
{
  KeyBuf *key;
  const char *font = ts->style->para[kind].font ? ts->style->para[kind].font : "";
  char *sizeless = g_hash_table_lookup (ts->cache->sizeless, font);
  JopanParaStyle untracked;
  guint8 flag = none != FALSE;

  if (sizeless == NULL)
    {
      PangoFontDescription *desc = pango_font_description_from_string (font);
      pango_font_description_unset_fields (desc, PANGO_FONT_MASK_SIZE);
      sizeless = pango_font_description_to_string (desc);
      pango_font_description_free (desc);
      g_hash_table_insert (ts->cache->sizeless, g_strdup (font), sizeless);
    }
  key = flat_key_begin (ts->cache);
  /* Copied bytes and all (padding too: the key reads it). */
  memcpy (&untracked, &ts->style->para[kind], sizeof untracked);
  untracked.tracking = 0;
  untracked.size = 0;
  untracked.font = sizeless;
  para_style_key (key, ts, &untracked);
  KEY_ADD (key, flag);
  text_key (key, text, spans);
  return flat_key_end (key);
}

gint jopan_paragraph_shapings;

/* @text shaped whole in @kind's style: without a layout of its own where
 * shape_alone() can (its runs are the one-line layout's, and its break
 * analysis too), else with one; itemized as @none (may be NULL: the same
 * paragraph shaped at the same size with no spacing) where
 * shape_spaced_as() can. */
static Shaped *
shape_paragraph_as (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
                    const Shaped *none)
{
  const JopanParaStyle *p = &ts->style->para[kind];
  Shaped *shaped = g_new0 (Shaped, 1);
  const PangoFontDescription *font = font_of (ts, p->font);

  g_atomic_int_inc (&jopan_paragraph_shapings);
  shaped->refs = 1;
  shaped->spacing = spacing_of (p);
  para_sizes (ts, p, &shaped->size, &shaped->guest);
  if (none && none->spacing == 0 && none->widths == NULL && none->size == shaped->size
      && none->guest == shaped->guest)
    shaped->layout = shape_spaced_as (ts->context, font, ts->korean, p, text, spans, none->layout,
                                      ts->cache ? ts->cache->faces : NULL);
  if (shaped->layout == NULL)
    shaped->layout = shape_alone (ts->context, font, ts->korean, p, text, spans, NULL, TRUE, NULL);
  if (shaped->layout)
    g_atomic_int_inc (&jopan_paragraph_shapings_alone);
  else
    shaped->layout = make_layout (ts, p, text, spans);
  shaped->missing = missing_glyphs_of (shaped->layout);
  return shaped;
}

/* @text shaped whole in @kind's style (shape_paragraph_as()). */
static Shaped *
shape_paragraph (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans)
{
  return shape_paragraph_as (ts, kind, text, spans, NULL);
}

PangoLayout *
jopan_shaped_paragraph_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                                 const GArray *spans, GHashTable **missing)
{
  g_autoptr (Shaped) shaped = shape_paragraph (ts, kind, text, spans);

  *missing = shaped->missing ? g_hash_table_ref (shaped->missing) : NULL;
  return g_object_ref (shaped->layout);
}

/* Whether runs @a and @b have the same item, glyphs and clusters. */
static gboolean
same_run (const PangoGlyphItem *a, const PangoGlyphItem *b)
{
  const PangoGlyphString *x = a->glyphs, *y = b->glyphs;

  if (a->item->offset != b->item->offset || a->item->length != b->item->length
      || a->item->num_chars != b->item->num_chars || !same_item (a->item, b->item)
      || a->y_offset != b->y_offset || a->start_x_offset != b->start_x_offset
      || a->end_x_offset != b->end_x_offset || x->num_glyphs != y->num_glyphs)
    return FALSE;
  for (int i = 0; i < x->num_glyphs; i++)
    if (x->glyphs[i].glyph != y->glyphs[i].glyph
        || memcmp (&x->glyphs[i].geometry, &y->glyphs[i].geometry, sizeof x->glyphs[i].geometry) != 0
        || x->glyphs[i].attr.is_cluster_start != y->glyphs[i].attr.is_cluster_start
        || x->glyphs[i].attr.is_color != y->glyphs[i].attr.is_color || x->log_clusters[i] != y->log_clusters[i])
      return FALSE;
  return TRUE;
}

/* Whether one-line layouts @a and @b hold the same runs and break analysis. */
static gboolean
same_shaping (PangoLayout *a, PangoLayout *b)
{
  GSList *x = jopan_layout_line (a, 0)->runs, *y = jopan_layout_line (b, 0)->runs;
  int m, n;
  const PangoLogAttr *la = jopan_layout_log_attrs (a, &m), *lb = jopan_layout_log_attrs (b, &n);

  for (; x && y; x = x->next, y = y->next)
    if (!same_run (x->data, y->data))
      return FALSE;
  return x == NULL && y == NULL && m == n && memcmp (la, lb, sizeof *la * (gsize) n) == 0
         && strcmp (pango_layout_get_text (a), pango_layout_get_text (b)) == 0;
}

/* @p at @size points, its font description in *@font. */
static void
set_size (JopanParaStyle *p, double size, char **font)
{
  PangoFontDescription *desc = pango_font_description_from_string (p->font);

  pango_font_description_set_size (desc, (int) lround (size * PANGO_SCALE));
  g_free (*font);
  *font = pango_font_description_to_string (desc);
  pango_font_description_free (desc);
  p->font = *font;
  p->size = size;
}

gboolean
jopan_resize_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                       const GArray *spans, double from_size, double from, double to_size,
                       double to, gboolean *derived)
{
  const JopanStyle *style = ts->style;
  JopanTypesetCache *cache = ts->cache;
  JopanStyle tracked = *style;
  g_autofree char *font = NULL;
  g_autoptr (Shaped) a = NULL;
  g_autoptr (Shaped) b = NULL;
  g_autofree int *widths = NULL;
  Setting setting;
  guint g = 0;

  ts->style = &tracked;
  set_size (&tracked.para[kind], from_size > 0 ? from_size : style->para[kind].size, &font);
  tracked.para[kind].tracking = from;
  a = shape_paragraph (ts, kind, text, spans);
  set_size (&tracked.para[kind], to_size > 0 ? to_size : style->para[kind].size, &font);
  tracked.para[kind].tracking = to;
  b = shape_paragraph (ts, kind, text, spans);
  setting = (Setting) { b->spacing, b->size, b->guest };
  ts->cache = jopan_typeset_cache_new ();
  widths = respace (ts, a, &setting, NULL);
  jopan_typeset_cache_free (ts->cache);
  ts->cache = cache;
  ts->style = style;
  *derived = widths != NULL;
  if (widths == NULL)
    return TRUE;
  for (GSList *l = jopan_layout_line (b->layout, 0)->runs; l; l = l->next)
    for (int i = 0; i < ((PangoGlyphItem *) l->data)->glyphs->num_glyphs; i++, g++)
      if (widths[g] != ((PangoGlyphItem *) l->data)->glyphs->glyphs[i].geometry.width)
        return FALSE;
  return TRUE;
}

gboolean
jopan_spaced_items_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                             const GArray *spans, double from_size, double tracking, gboolean *taken)
{
  const JopanStyle *style = ts->style;
  JopanStyle tracked = *style;
  JopanParaStyle *p = &tracked.para[kind];
  g_autofree char *font = NULL;
  g_autoptr (Shaped) none = NULL;
  g_autoptr (Shaped) real = NULL;
  g_autoptr (PangoLayout) spaced = NULL;
  g_autoptr (GHashTable) faces = g_hash_table_new (NULL, NULL);

  ts->style = &tracked;
  set_size (p, from_size > 0 ? from_size : style->para[kind].size, &font);
  p->tracking = 0;
  none = shape_paragraph (ts, kind, text, spans);
  set_size (p, style->para[kind].size, &font);
  p->tracking = tracking;
  real = shape_paragraph (ts, kind, text, spans);
  spaced = shape_spaced_as (ts->context, font_of (ts, p->font), ts->korean, p, text, spans, none->layout,
                            faces);
  ts->style = style;
  *taken = spaced != NULL;
  return spaced == NULL || same_shaping (real->layout, spaced);
}

gboolean
jopan_respace_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                        const GArray *spans, double from, double to, gboolean *derived)
{
  return jopan_resize_for_test (ts, kind, text, spans, 0, from, 0, to, derived);
}

/* A paragraph letter-spaced and sized as @kind's style asks, from @from
 * (the cache's, shaped at another spacing or size; NULL: none), or NULL. */
static Shaped *
respaced_paragraph (JopanTypesetter *ts, JopanParaKind kind, const Shaped *from)
{
  Setting to = { spacing_of (&ts->style->para[kind]), 0, 0 };
  int *widths;
  Shaped *shaped;
  hb_font_t *font;

  if (from == NULL)
    return NULL;
  para_sizes (ts, &ts->style->para[kind], &to.size, &to.guest);
  widths = respace (ts, from, &to, &font);
  if (widths == NULL)
    return NULL;
  shaped = g_new0 (Shaped, 1);
  /* Its line's glyphs and clusters are @from's: so are their spacing
   * shares (spacing_shares()). */
  *shaped = (Shaped) { .refs = 1, .layout = g_object_ref (from->layout),
                       .missing = from->missing ? g_hash_table_ref (from->missing) : NULL,
                       .spacing = to.spacing, .size = to.size, .guest = to.guest, .widths = widths,
                       .left = g_array_ref (from->left), .right = g_array_ref (from->right),
                       .shares_known = TRUE, .from_spacing = from->spacing,
                       .resized = to.size != from->size || to.guest != from->guest,
                       .font = font ? hb_font_reference (font) : NULL };
  ts->cache->respaced++;
  return shaped;
}

/* @text shaped on one line, as the breaker reads it (a reference), with
 * how often it has each character no font has. */
static Shaped *
shaped_paragraph (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans)
{
  const FlatKey *sought;
  FlatKey *key;
  g_autofree FlatKey *spaced = NULL;
  const Shaped *from, *none = NULL;
  Shaped *shaped;
  gboolean tracked = spacing_of (&ts->style->para[kind]) != 0;

  if (ts->cache == NULL)
    return shape_paragraph (ts, kind, text, spans);
  /* The keys are built in the cache's scratch array and copied only when
   * kept (a miss): a hit allocates nothing. */
  sought = paragraph_key (ts, kind, text, spans);
  shaped = g_hash_table_lookup (ts->cache->shaped.table, sought);
  if (shaped)
    {
      ts->cache->shaped_hits++;
      return shaped_ref (shaped);
    }
  key = flat_key_copy (sought);
  sought = spacing_key (ts, kind, text, spans, !tracked);
  from = g_hash_table_lookup (ts->cache->spaced.table, sought);
  if (from == NULL)
    spaced = flat_key_copy (sought);
  shaped = respaced_paragraph (ts, kind, from);
  if (shaped == NULL && tracked)
    {
      none = g_hash_table_lookup (ts->cache->spaced.table, spacing_key (ts, kind, text, spans, TRUE));
      shaped = respaced_paragraph (ts, kind, none);
    }
  if (shaped == NULL)
    {
      shaped = shape_paragraph_as (ts, kind, text, spans, none);
      ts->cache->shapings++;
      /* It serves every other spacing (one with a spacing, or with none
       * but no ligatures: respace()). */
      if (spaced)
        bounded_insert (&ts->cache->spaced, g_steal_pointer (&spaced), shaped_ref (shaped));
    }
  bounded_insert (&ts->cache->shaped, key, shaped);
  return shaped_ref (shaped);
}

/* The hyphenation points of @text (a reference), from the cache when it
 * has them: they depend on the text, the dictionary and @capitalized alone. */
static GArray *
hyphen_points (JopanTypesetter *ts, const char *text, gboolean capitalized)
{
  KeyBuf *bytes;
  const FlatKey *key;
  GArray *points;
  guint8 flag = capitalized != FALSE;

  if (ts->cache == NULL)
    return jopan_hyphen_points_shared (ts->hyphenator, text, capitalized);
  bytes = flat_key_begin (ts->cache);
  KEY_ADD (bytes, ts->hyphenator);
  KEY_ADD (bytes, flag);
  key_add (bytes, text, (guint) strlen (text));
  key = flat_key_end (bytes);
  points = g_hash_table_lookup (ts->cache->hyphens.table, key);
  if (points)
    ts->cache->hyphen_hits++;
  else
    {
      FlatKey *kept = flat_key_copy (key);
      points = jopan_hyphen_points_shared (ts->hyphenator, text, capitalized);
      bounded_insert (&ts->cache->hyphens, kept, points);
    }
  return g_array_ref (points);
}

/* What a paragraph's break opportunities depend on (JopanBreakParams.candidates):
 * its text and spans, the language, the Korean break mode and its
 * hyphenation points. */
static const FlatKey *
candidates_key (JopanTypesetter *ts, const char *text, const GArray *spans,
                const JopanBreakParams *bp)
{
  KeyBuf *key = flat_key_begin (ts->cache);
  const char *lang = ts->lang ? ts->lang : "";
  guint n_points = bp->hyphen_points ? bp->hyphen_points->len : 0;
  guint8 korean = bp->korean_text != FALSE;

  key_add (key, lang, (guint) strlen (lang) + 1);
  KEY_ADD (key, bp->korean_break);
  KEY_ADD (key, korean);
  KEY_ADD (key, n_points);
  if (n_points > 0)
    key_add (key, bp->hyphen_points->data,
                         n_points * (guint) sizeof (guint));
  text_key (key, text, spans);
  return flat_key_end (key);
}

/* jopan_break_paragraph, with the paragraph's break opportunities from
 * the cache when it has them: they serve every measure, size and spacing. */
static GArray *
break_paragraph (JopanTypesetter *ts, const char *text, const GArray *spans,
                 PangoLayout *unbroken, JopanBreakParams *bp)
{
  const FlatKey *key;
  g_autofree FlatKey *kept = NULL;
  JopanBreakFacts *candidates;
  GArray *lines;

  if (ts->cache == NULL)
    return jopan_break_paragraph (unbroken, bp);
  key = candidates_key (ts, text, spans, bp);
  candidates = g_hash_table_lookup (ts->cache->candidates.table, key);
  /* A key is kept (copied) only for what the breaker finds anew. */
  if (candidates == NULL)
    kept = flat_key_copy (key);
  bp->candidates = &candidates;
  lines = jopan_break_paragraph (unbroken, bp);
  if (kept && candidates)
    bounded_insert (&ts->cache->candidates, g_steal_pointer (&kept), candidates);
  bp->candidates = NULL;
  return lines;
}

/* A text of the cache's @text that shares its lines (a reference to
 * the array: nothing changes a set text's lines but jopan_text_line,
 * which gives a lazily set line the layout it stands for, the same for
 * every holder; jopan_text_append makes an array of its own).  A hit
 * makes one small struct, not an array and a reference per line. */
static JopanText *
text_share (const JopanText *text)
{
  JopanText *copy = g_new0 (JopanText, 1);

  copy->leading = text->leading;
  copy->lines = g_array_ref (text->lines);
  return copy;
}

void
jopan_text_append (JopanText *text, const JopanText *more)
{
  GArray *lines = text_lines_new (text->lines->len + more->lines->len);

  add_line_refs (lines, text->lines);
  add_line_refs (lines, more->lines);
  g_array_unref (text->lines);
  text->lines = lines;
}

JopanText *
jopan_typeset (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
               double width, double indent, const char *where)
{
  return jopan_typeset_named (ts, kind, text, spans, width, indent, NULL, where);
}

JopanText *
jopan_typeset_named (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                     const GArray *spans, double width, double indent, const char *name,
                     const char *where)
{
  g_autofree char *place = NULL;
  const FlatKey *key = NULL;
  SetText *set = NULL;
  JopanText *result;

  if (ts->cache)
    {
      /* The measures are part of the key: taken now, as setting takes them. */
      measure_spaces (ts, kind);
      key = cache_key (ts, kind, text, spans, width, indent);
      set = g_hash_table_lookup (ts->cache->texts, key);
      if (set)
        ts->cache->hits++;
    }
  if (set == NULL)
    {
      /* Kept before setting: setting builds keys of its own in scratch. */
      FlatKey *kept = key ? flat_key_copy (key) : NULL;
      set = set_text (ts, kind, text, spans, width, indent);
      if (kept)
        {
          ts->cache->misses++;
          g_hash_table_insert (ts->cache->texts, kept, set);
        }
    }
  for (guint i = 0; i < set->findings->len; i++)
    {
      const Findings *f = &g_array_index (set->findings, Findings, i);
      /* The place is named only when there is something to report. */
      if (f->missing == NULL && f->overfull == 0 && f->later == NULL && f->loose == 0)
        continue;
      if (place == NULL)
        place = name ? g_strdup_printf ("%s: %s", name, where) : g_strdup (where);
      report_findings (ts, f, place);
    }
  if (ts->cache)
    return text_share (set->text);
  result = g_steal_pointer (&set->text);
  g_array_unref (set->findings);
  g_free (set);
  return result;
}

void
jopan_text_free (JopanText *text)
{
  if (text == NULL)
    return;
  g_array_unref (text->lines);
  g_free (text);
}

const JopanLine *
jopan_text_line (const JopanText *text, guint index)
{
  JopanLine *line = &g_array_index (text->lines, JopanLine, index);

  if (line->layout == NULL && line->shape)
    {
      JopanLineShape *shape = line->shape;
      *line = *jopan_line_shape_get (shape);
      g_object_ref (line->layout);
      line->shape = shape;
    }
  return line;
}
