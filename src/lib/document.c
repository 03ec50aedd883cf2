/* document.c — an article laid out on pages, with its preflight report. */
#include "jopan-private.h"

#include <string.h>

JopanDocument *
jopan_document_new (JopanFonts *fonts, const JopanStyle *style, const JopanArticle *article,
                    GError **error)
{
  g_autoptr (JopanDocument) doc = g_new0 (JopanDocument, 1);

  g_return_val_if_fail (fonts != NULL && style != NULL && article != NULL, NULL);
  doc->fonts = fonts;
  doc->style = style;
  doc->article = article;
  doc->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_free);
  doc->report = jopan_report_new ();
  for (const char *const *w = jopan_article_get_warnings (article); *w; w++)
    jopan_report_add (doc->report, "warning", "%s", *w);
  if (!jopan_layout_article (doc, error))
    return NULL;
  return g_steal_pointer (&doc);
}

void
jopan_document_free (JopanDocument *doc)
{
  if (doc == NULL)
    return;
  if (doc->pages)
    g_ptr_array_unref (doc->pages);
  jopan_report_free (doc->report);
  g_free (doc);
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
  return jopan_report_to_json (doc->report);
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
