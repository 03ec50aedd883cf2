/* test-document.c — a document owns what it renders: its inputs may be
 * freed as soon as it exists, as a CMS that lays out and writes later does. */
#include "jopan-private.h"

#include <glib/gstdio.h>
#include <string.h>

#define SAMPLES TEST_DATA "/../../samples"

static JopanDocument *
lay_out (const char *sample)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (SAMPLES, sample, NULL);
  JopanArticle *article = jopan_article_load (path, &error);
  JopanStyle *style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanFonts *fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  JopanDocument *doc;

  g_assert_no_error (error);
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  /* Everything the caller made is gone before the document is written. */
  jopan_article_free (article);
  jopan_style_free (style);
  jopan_fonts_free (fonts);
  return doc;
}

static void
test_inputs_freed (void)
{
  g_autoptr (JopanDocument) doc = lay_out ("harbour.json");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-doc-XXXXXX", &error);
  const JopanFormat formats[] = { JOPAN_FORMAT_PDF, JOPAN_FORMAT_PNG, JOPAN_FORMAT_DUMP };
  const char *names[] = { "page.pdf", "page.png", "page.txt" };

  g_assert_no_error (error);
  g_assert_cmpuint (jopan_document_get_n_pages (doc), ==, 1);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (jopan_document_write (doc, path, formats[i], 20, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      g_assert_cmpuint (length, >, 1000);
      g_unlink (path);
    }
  /* The photo frame in the dump names the photo the article held. */
  /* The story fills three quarters of its page: the empty rest is its
   * only finding. */
  for (guint i = 0; i < jopan_document_get_n_findings (doc); i++)
    {
      const char *kind = NULL;
      jopan_document_get_finding (doc, i, &kind);
      g_assert_cmpstr (kind, ==, "underset");
    }
  g_rmdir (dir);
}

/* Two documents from one article: each keeps its own reference. */
static void
test_shared_article (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (SAMPLES, "seoul-market.json", NULL);
  JopanArticle *article = jopan_article_load (path, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("tabloid", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) a = NULL, b = NULL;
  g_autofree char *report = NULL;

  g_assert_no_error (error);
  a = jopan_document_new (fonts, style, article, &error);
  b = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  jopan_article_free (article);
  g_clear_pointer (&a, jopan_document_free);
  report = jopan_document_report_json (b);
  g_assert_nonnull (strstr (report, "\"pages\""));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/document/inputs-freed", test_inputs_freed);
  g_test_add_func ("/document/shared-article", test_shared_article);
  return g_test_run ();
}
