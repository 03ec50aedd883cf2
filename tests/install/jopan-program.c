/* jopan-program — a program from outside the tree, built against the
 * installed libjopan with `pkg-config --cflags --libs jopan-1`, used as a
 * CMS would use it:
 *
 *   jopan-program ARTICLE.json DATA_DIR OUT.pdf REPORT.json
 *
 * It loads an article and a style, lays the article out, frees the article
 * and the style, and only then writes the PDF and the report: a document
 * holds on to what it renders.
 */
#include <jopan.h>

#include <stdio.h>

#if !JOPAN_CHECK_VERSION(0, 1, 0) || JOPAN_CHECK_VERSION(JOPAN_MAJOR_VERSION + 1, 0, 0)
#error "JOPAN_CHECK_VERSION does not match the version macros"
#endif

static int
fail (const char *what, const GError *error)
{
  fprintf (stderr, "jopan-program: %s: %s\n", what, error->message);
  return 1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  JopanArticle *article;
  JopanStyle *style;

  if (argc != 5)
    {
      fprintf (stderr, "usage: jopan-program ARTICLE.json DATA_DIR OUT.pdf REPORT.json\n");
      return 2;
    }
  article = jopan_article_load (argv[1], &error);
  if (article == NULL)
    return fail ("article", error);
  style = jopan_style_load ("berliner", argv[2], &error);
  if (style == NULL)
    return fail ("style", error);
  fonts = jopan_fonts_new (NULL, argv[2], &error);
  if (fonts == NULL)
    return fail ("fonts", error);
  doc = jopan_document_new (fonts, style, article, &error);
  if (doc == NULL)
    return fail ("layout", error);
  jopan_article_free (article);
  jopan_style_free (style);
  if (!jopan_document_write_full (doc, argv[3], JOPAN_FORMAT_PDF, 150, argv[4], &error))
    return fail ("write", error);
  printf ("jopan %s: %u page(s)\n", JOPAN_VERSION_STRING, jopan_document_get_n_pages (doc));
  return 0;
}
