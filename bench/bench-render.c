/* bench-render — where a page's time goes: loading, layout, PDF, PNG.
 *
 *   bench-render [SOURCE_ROOT] [REPEAT]
 *
 * For each sample, in one process with the fonts loaded once: the article
 * loaded, laid out, and written as PDF, as a PDF/X-1a for the press
 * (--pdfx: CMYK colours, photos separated) and as a 150 dpi PNG, each
 * stage timed over REPEAT runs.  Times are printed per page and as a ratio
 * to the layout in the same run; compare ratios, not absolute times.
 */
#include "jopan.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
  const char *name;
  double seconds;
} Stage;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

int
main (int argc, char **argv)
{
  const char *root = argc > 1 ? argv[1] : ".";
  int repeat = argc > 2 ? atoi (argv[2]) : 5;
  /* Two pages with photos, one of text only. */
  static const char *const samples[] = { "harbour", "seoul-market", "rovers-lights" };
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", root, &error);
  g_autoptr (JopanStyle) press = jopan_style_load ("berliner", root, &error);
  double start = now ();
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, root, &error);
  double fonts_seconds = now () - start;
  g_autofree char *dir = g_dir_make_tmp ("jopan-bench-XXXXXX", &error);

  if (style == NULL || press == NULL || !jopan_style_set (press, "print.pdfx=true", &error)
      || fonts == NULL || dir == NULL)
    {
      fprintf (stderr, "bench-render: %s\n", error->message);
      return 1;
    }
  printf ("fonts loaded once in %.1f ms\n", fonts_seconds * 1e3);
  printf ("%-14s %10s %10s %10s %10s %10s   %s\n", "sample", "load ms", "layout ms", "pdf ms",
          "pdfx ms", "png ms", "pdf / layout, png / layout, pdfx / pdf");
  for (gsize s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_autofree char *path = g_strdup_printf ("%s/samples/%s.json", root, samples[s]);
      g_autofree char *pdf = g_build_filename (dir, "page.pdf", NULL);
      g_autofree char *png = g_build_filename (dir, "page.png", NULL);
      Stage stages[5] = { { "load", 0 }, { "layout", 0 }, { "pdf", 0 }, { "png", 0 }, { "pdfx", 0 } };

      for (int i = 0; i < repeat; i++)
        {
          g_autoptr (JopanArticle) article = NULL;
          g_autoptr (JopanDocument) doc = NULL;
          g_autoptr (JopanDocument) doc_x = NULL;
          double t = now ();

          article = jopan_article_load (path, &error);
          stages[0].seconds += now () - t, t = now ();
          doc = article ? jopan_document_new (fonts, style, article, &error) : NULL;
          stages[1].seconds += now () - t, t = now ();
          if (doc == NULL || !jopan_document_write (doc, pdf, JOPAN_FORMAT_PDF, 150, &error))
            {
              fprintf (stderr, "bench-render: %s\n", error->message);
              return 1;
            }
          stages[2].seconds += now () - t, t = now ();
          if (!jopan_document_write (doc, png, JOPAN_FORMAT_PNG, 150, &error))
            {
              fprintf (stderr, "bench-render: %s\n", error->message);
              return 1;
            }
          stages[3].seconds += now () - t;
          /* The same page for the press (its layout is not timed again). */
          doc_x = jopan_document_new (fonts, press, article, &error);
          t = now ();
          if (doc_x == NULL || !jopan_document_write (doc_x, pdf, JOPAN_FORMAT_PDF, 150, &error))
            {
              fprintf (stderr, "bench-render: %s\n", error->message);
              return 1;
            }
          stages[4].seconds += now () - t;
        }
      printf ("%-14s %10.1f %10.1f %10.1f %10.1f %10.1f   %.2fx, %.2fx, %.2fx\n", samples[s],
              1e3 * stages[0].seconds / repeat, 1e3 * stages[1].seconds / repeat,
              1e3 * stages[2].seconds / repeat, 1e3 * stages[4].seconds / repeat,
              1e3 * stages[3].seconds / repeat, stages[2].seconds / stages[1].seconds,
              stages[3].seconds / stages[1].seconds, stages[4].seconds / stages[2].seconds);
      g_unlink (pdf);
      g_unlink (png);
    }
  g_rmdir (dir);
  return 0;
}
