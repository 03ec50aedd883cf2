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
#include <string.h>

#define SOFT_HYPHEN "\xC2\xAD"

static gboolean
is_korean (const char *lang)
{
  return lang && (g_ascii_strncasecmp (lang, "ko", 2) == 0)
         && (lang[2] == '\0' || lang[2] == '-');
}

/* The pattern file for @lang: hyph_en_US.dic for "en-US", hyph_en.dic for "en". */
static HyphenDict *
load_hyphenator (const char *lang)
{
  g_autofree char *tag = g_strdup (lang);
  const char *dir = g_getenv ("JOPAN_HYPHEN_DIR");

  if (!dir || !*dir)
    dir = JOPAN_HYPHEN_DIR;
  g_strdelimit (tag, "-", '_');
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *path = g_strdup_printf ("%s/hyph_%s.dic", dir, tag);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return hnj_hyphen_load (path);
      if (strchr (tag, '_'))
        *strchr (tag, '_') = '\0';
    }
  return NULL;
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
      ts->hyphenator = load_hyphenator (lang);
      if (ts->hyphenator == NULL)
        jopan_report_add (report, "warning", "no hyphenation patterns for language \"%s\": words "
                          "are not hyphenated", lang);
    }
  return TRUE;
}

void
jopan_typesetter_clear (JopanTypesetter *ts)
{
  g_clear_object (&ts->context);
  if (ts->hyphenator)
    hnj_hyphen_free (ts->hyphenator);
  ts->hyphenator = NULL;
}

/* ---- hyphenation --------------------------------------------------------- */

static gboolean
is_url_like (const char *token, gsize n)
{
  g_autofree char *t = g_strndup (token, n);
  return strstr (t, "://") || strstr (t, "www.") || strchr (t, '@') || strchr (t, '/');
}

/* Appends @word (@n bytes of letters) to @out with soft hyphens where the
 * patterns allow, never in a word under six letters. */
static void
hyphenate_word (HyphenDict *dict, const char *word, gsize n, GString *out, GArray *shifts)
{
  glong letters = g_utf8_strlen (word, (gssize) n);
  g_autofree char *lower = g_utf8_strdown (word, (gssize) n);
  g_autofree char *hyphens = NULL;
  char **rep = NULL;
  int *pos = NULL, *cut = NULL;
  const char *p = word;

  if (letters < 6 || strlen (lower) != n)
    {
      g_string_append_len (out, word, (gssize) n);
      return;
    }
  hyphens = g_malloc0 (n + 5);
  if (hnj_hyphen_hyphenate3 (dict, lower, (int) n, hyphens, NULL, &rep, &pos, &cut, 2, 3, 2, 3)
      != 0)
    memset (hyphens, '0', n);
  for (glong i = 0; i < letters; i++)
    {
      const char *next = g_utf8_next_char (p);
      g_string_append_len (out, p, next - p);
      if ((hyphens[i] & 1) && i + 1 < letters)
        {
          guint at = (guint) out->len;
          g_array_append_val (shifts, at);
          g_string_append (out, SOFT_HYPHEN);
        }
      p = next;
    }
  if (rep)
    {
      for (gsize i = 0; i < n; i++)
        free (rep[i]);
      free (rep), free (pos), free (cut);
    }
}

/* Moves span offsets past the soft hyphens inserted before them. */
static void
shift_spans (GArray *spans, const GArray *inserted)
{
  for (guint s = 0; spans && s < spans->len; s++)
    {
      JopanSpan *span = &g_array_index (spans, JopanSpan, s);
      guint start = span->start, end = span->end;
      for (guint i = 0; i < inserted->len; i++)
        {
          guint at = g_array_index (inserted, guint, i) - i * 2; /* offset in the old text */
          span->start += at < start ? 2 : 0;
          span->end += at < end ? 2 : 0;
        }
    }
}

char *
jopan_hyphenate (gpointer dict, const char *text, GArray *spans)
{
  GString *out = g_string_sized_new (strlen (text) + 64);
  g_autoptr (GArray) inserted = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *p = text;

  while (*p)
    {
      const char *start = p;
      if (g_unichar_isalpha (g_utf8_get_char (p)))
        {
          const char *token_end = p, *token_start = p;
          while (token_start > text && !g_ascii_isspace (token_start[-1]))
            token_start--;
          while (*token_end && !g_ascii_isspace (*token_end))
            token_end++;
          while (*p && g_unichar_isalpha (g_utf8_get_char (p)))
            p = g_utf8_next_char (p);
          if (is_url_like (token_start, (gsize) (token_end - token_start)))
            g_string_append_len (out, start, p - start);
          else
            hyphenate_word (dict, start, (gsize) (p - start), out, inserted);
        }
      else
        {
          p = g_utf8_next_char (p);
          g_string_append_len (out, start, p - start);
        }
    }
  shift_spans (spans, inserted);
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

static PangoLayout *
make_layout (JopanTypesetter *ts, const JopanParaStyle *p, const char *text, const GArray *spans,
             double width, double indent)
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
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_indent (layout, (int) (indent * PANGO_SCALE));
  pango_layout_set_alignment (layout, p->align == JOPAN_ALIGN_CENTER  ? PANGO_ALIGN_CENTER
                                      : p->align == JOPAN_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
                                                                      : PANGO_ALIGN_LEFT);
  pango_layout_set_justify (layout, p->align == JOPAN_ALIGN_JUSTIFY);
  if (p->tracking != 0)
    pango_attr_list_insert (attrs, pango_attr_letter_spacing_new ((int) (p->tracking * PANGO_SCALE)));
  add_span_attributes (attrs, spans);
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Display type reads best with lines of even length: the narrowest width
 * that still needs no more lines than the full width. */
static void
balance_lines (PangoLayout *layout, double width)
{
  int lines = pango_layout_get_line_count (layout);
  double lo = width / 2, hi = width;

  if (lines < 2)
    return;
  while (hi - lo > 1)
    {
      double mid = (lo + hi) / 2;
      pango_layout_set_width (layout, (int) (mid * PANGO_SCALE));
      if (pango_layout_get_line_count (layout) > lines)
        lo = mid;
      else
        hi = mid;
    }
  pango_layout_set_width (layout, (int) (hi * PANGO_SCALE));
}

JopanText *
jopan_typeset (JopanTypesetter *ts, JopanParaKind kind, const char *text, const GArray *spans,
               double width, double indent, const char *where)
{
  const JopanParaStyle *p = &ts->style->para[kind];
  g_autoptr (GArray) shifted = NULL;
  g_autofree char *prepared = NULL;
  JopanText *result;
  PangoLayout *layout;
  PangoLayoutIter *iter;

  if (p->uppercase && (spans == NULL || spans->len == 0))
    text = prepared = g_utf8_strup (text, -1);
  else if (p->hyphenate && ts->hyphenator)
    {
      shifted = spans ? g_array_copy ((GArray *) spans) : NULL;
      text = prepared = jopan_hyphenate (ts->hyphenator, text, shifted);
      spans = shifted;
    }
  layout = make_layout (ts, p, text, spans, width, indent);
  if (kind == JOPAN_PARA_HEADLINE || kind == JOPAN_PARA_DECK)
    balance_lines (layout, width);
  report_missing_glyphs (ts, layout, where);

  result = g_new0 (JopanText, 1);
  result->lines = g_array_new (FALSE, FALSE, sizeof (JopanLine));
  result->leading = p->leading;
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoRectangle logical;
      JopanLine line = { g_object_ref (layout), result->lines->len, 0, 0 };

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      line.x = logical.x / (double) PANGO_SCALE;
      line.width = logical.width / (double) PANGO_SCALE;
      g_array_append_val (result->lines, line);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  g_object_unref (layout);
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
