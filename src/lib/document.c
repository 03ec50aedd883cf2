/* document.c — an article laid out on pages, with its preflight report. */
#include "compose-private.h"

#include <math.h>
#include <string.h>

JopanDocument *
jopan_document_new (JopanFonts *fonts, const JopanStyle *style, const JopanArticle *article,
                    GError **error)
{
  return jopan_document_new_full (fonts, style, article, NULL, error);
}

JopanDocument *
jopan_document_new_full (JopanFonts *fonts, const JopanStyle *style, const JopanArticle *article,
                         const JopanLayoutOptions *options, GError **error)
{
  g_autoptr (JopanDocument) doc = g_new0 (JopanDocument, 1);

  g_return_val_if_fail (fonts != NULL && style != NULL && article != NULL, NULL);
  /* The document outlives its inputs: the caller may free them once it
   * exists.  The style is copied into the layout's parameters; the article
   * (its photos) and the fonts are still used when writing. */
  doc->fonts = jopan_fonts_ref (fonts);
  doc->style = style;
  doc->style_path = g_strdup (style->path);
  jopan_print_copy (&doc->print, style);
  doc->article = jopan_article_ref ((JopanArticle *) article);
  doc->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  doc->report = jopan_report_new ();
  if (!jopan_layout_options_check (options, style, error))
    return NULL;
  for (const char *const *w = jopan_article_get_warnings (article); *w; w++)
    jopan_report_add (doc->report, "warning", "%s", *w);
  jopan_style_report_fonts (style, fonts, doc->report);
  if (!jopan_layout_article (doc, options, error))
    return NULL;
  jopan_preflight_pages (doc);
  doc->style = NULL;
  return g_steal_pointer (&doc);
}

void
jopan_document_free (JopanDocument *doc)
{
  if (doc == NULL)
    return;
  jopan_draft_free (doc->draft); /* its decoded photos, before what they came from */
  if (doc->pages)
    g_ptr_array_unref (doc->pages);
  if (doc->held)
    g_ptr_array_unref (doc->held);
  jopan_report_free (doc->report);
  g_free (doc->style_path);
  jopan_print_clear (&doc->print);
  jopan_article_free (doc->article);
  if (doc->placed)
    g_array_unref (doc->placed);
  jopan_page_plan_free (doc->plan);
  jopan_fonts_free (doc->fonts);
  g_free (doc);
}

void
jopan_document_set_date (JopanDocument *doc, gint64 unix_time)
{
  g_return_if_fail (doc != NULL);
  g_return_if_fail (unix_time >= 0 && unix_time <= JOPAN_DATE_MAX);
  doc->date = unix_time;
}

guint
jopan_document_get_n_pages (const JopanDocument *doc)
{
  g_return_val_if_fail (doc != NULL, 0);
  return doc->pages->len;
}

guint
jopan_document_get_n_findings (const JopanDocument *doc)
{
  g_return_val_if_fail (doc != NULL, 0);
  return jopan_report_get_n (doc->report);
}

const char *
jopan_document_get_finding (const JopanDocument *doc, guint index, const char **kind)
{
  g_return_val_if_fail (doc != NULL, NULL);
  return jopan_report_get (doc->report, index, kind);
}

char *
jopan_document_report_json (const JopanDocument *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);
  return jopan_report_to_json (doc->report, doc->pages);
}

gboolean
jopan_format_from_path (const char *path, JopanFormat *format)
{
  static const struct {
    const char *extension;
    JopanFormat format;
  } formats[] = {
    { ".pdf", JOPAN_FORMAT_PDF },
    { ".png", JOPAN_FORMAT_PNG },
    { ".svg", JOPAN_FORMAT_SVG },
    { ".txt", JOPAN_FORMAT_DUMP },
  };
  const char *dot = strrchr (path, '.');

  for (gsize i = 0; dot && i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strcasecmp (dot, formats[i].extension) == 0)
      {
        *format = formats[i].format;
        return TRUE;
      }
  return FALSE;
}

guint
jopan_document_get_overset (const JopanDocument *doc, guint *characters)
{
  g_return_val_if_fail (doc != NULL, 0);
  return jopan_report_get_overset (doc->report, characters);
}

/* "3:1e308mm" once overflowed an int: every number is checked in range,
 * and a message says what it got. */
gboolean
jopan_layout_options_parse_slot (JopanLayoutOptions *options, const char *text, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", 2);
  char *end = NULL;
  gint64 columns = parts[0] ? g_ascii_strtoll (parts[0], &end, 10) : 0;
  gint64 lines;

  g_return_val_if_fail (options != NULL && text != NULL, FALSE);
  if (parts[0] == NULL || parts[1] == NULL || end == parts[0] || *end != '\0' || columns < 1
      || columns > 12)
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "--slot %s: expected COLUMNS:DEPTH such as "
                       "3:180mm or 3:40 (grid lines), with 1 to 12 columns", text);
      return FALSE;
    }
  options->slot_columns = (guint) columns;
  options->slot_lines = 0;
  options->slot_depth = 0;
  lines = g_ascii_strtoll (parts[1], &end, 10);
  if (end != parts[1] && *end == '\0' && lines > 0 && lines <= JOPAN_MAX_SLOT_LINES)
    {
      options->slot_lines = (guint) lines;
      return TRUE;
    }
  if (jopan_length_parse (parts[1], 0, &options->slot_depth) && options->slot_depth >= 12)
    return TRUE;
  jopan_set_error (error, JOPAN_ERROR_USAGE, "--slot %s: expected a depth of 1 to %d grid lines "
                   "or a length from 12pt to 5080mm, such as 3:40 or 3:180mm, got \"%s\"", text,
                   JOPAN_MAX_SLOT_LINES, parts[1]);
  return FALSE;
}

/* A slot deeper than the page's type area can never be filled: a usage
 * error, said before any layout. */
gboolean
jopan_layout_options_check (const JopanLayoutOptions *options, const JopanStyle *style,
                            GError **error)
{
  double area = style->page_height - style->margin[0] - style->margin[2];
  double depth;

  if (options == NULL || options->slot_columns == 0)
    return TRUE;
  depth = options->slot_lines > 0 ? options->slot_lines * style->baseline : options->slot_depth;
  if (isfinite (depth) && depth <= area + 1e-6)
    return TRUE;
  jopan_set_error (error, JOPAN_ERROR_USAGE, "--slot: a depth of %.1fmm (%.0fpt): expected at most "
                   "the page's type area, %.1fmm (%d grid lines of %gpt)", depth * 25.4 / 72,
                   depth, area * 25.4 / 72, (int) floor (area / style->baseline + 1e-6),
                   style->baseline);
  return FALSE;
}
