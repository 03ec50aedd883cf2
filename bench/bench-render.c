/* bench-render — where a page's time goes: loading, layout, PDF, PNG.
 *
 *   bench-render [SOURCE_ROOT] [REPEAT]
 *
 * For each sample, in one process with the fonts loaded once: the article
 * loaded, laid out, and written as PDF, as a PDF/X-1a for the press
 * (--pdfx: CMYK colours, photos separated) and as a 150 dpi PNG, each
 * stage timed over REPEAT runs.  Times are printed per page and as a ratio
 * to the layout in the same run; compare ratios, not absolute times.
 *
 * A last table gives what --pdfx costs against a plain PDF of the same
 * page in CPU time (all threads; wall time on a shared machine is noise)
 * and in wall time.  Every run is cold for the photos: each document
 * decodes, separates and encodes its photos anew.  The output profile's
 * transforms are made once a process; that first use is timed apart.  The
 * warm column is the editor's second render with JOPAN_PHOTO_CACHE set
 * (the photos found separated on disk).  What a user pays, the whole
 * `jopan render --pdfx` process against a plain one, is bench-pdfx.py's.
 */
#include "jopan.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
  const char *name;
  double seconds;
} Stage;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* The process's CPU time, every thread's, in seconds. */
static double
cpu (void)
{
  struct timespec t;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* CPU seconds of a --pdfx write of @sample with the photo cache warm
 * (filled by a first write); -1 on an error. */
static double
warm_pdfx (JopanFonts *fonts, JopanStyle *press, const char *root, const char *sample,
           const char *dir, int repeat)
{
  g_autofree char *path = g_strdup_printf ("%s/samples/%s.json", root, sample);
  g_autofree char *pdf = g_build_filename (dir, "warm.pdf", NULL);
  g_autofree char *cache = g_build_filename (dir, "photo-cache", NULL);
  g_autoptr (GError) error = NULL;
  double total = 0;

  g_setenv ("JOPAN_PHOTO_CACHE", cache, TRUE);
  for (int i = -1; i < repeat; i++)
    {
      g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
      g_autoptr (JopanDocument) doc = article ? jopan_document_new (fonts, press, article, &error) : NULL;
      double t = cpu ();

      if (doc == NULL || !jopan_document_write (doc, pdf, JOPAN_FORMAT_PDF, 150, &error))
        {
          fprintf (stderr, "bench-render: %s\n", error->message);
          return -1;
        }
      if (i >= 0)
        total += cpu () - t;
    }
  g_unsetenv ("JOPAN_PHOTO_CACHE");
  g_unlink (pdf);
  return total / repeat;
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
  double cold[G_N_ELEMENTS (samples)][2], wall[G_N_ELEMENTS (samples)];

  g_unsetenv ("JOPAN_PHOTO_CACHE"); /* the cold figures are cold */
  if (style == NULL || press == NULL || !jopan_style_set (press, "print.pdfx=true", &error)
      || fonts == NULL || dir == NULL)
    {
      fprintf (stderr, "bench-render: %s\n", error->message);
      return 1;
    }
  printf ("fonts loaded once in %.1f ms\n", fonts_seconds * 1e3);
  /* The output profile's transforms, made on the first PDF/X. */
  {
    g_autofree char *path = g_strdup_printf ("%s/samples/rovers-lights.json", root);
    g_autofree char *pdf = g_build_filename (dir, "first.pdf", NULL);
    g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
    double t = cpu ();
    g_autoptr (JopanDocument) doc = article ? jopan_document_new (fonts, press, article, &error) : NULL;
    double laid = cpu ();

    if (doc == NULL || !jopan_document_write (doc, pdf, JOPAN_FORMAT_PDF, 150, &error))
      {
        fprintf (stderr, "bench-render: %s\n", error->message);
        return 1;
      }
    printf ("first PDF/X of the process (rovers-lights; the output profile set up): layout %.1f ms, "
            "write %.1f ms CPU\n", (laid - t) * 1e3, (cpu () - laid) * 1e3);
    g_unlink (pdf);
  }
  printf ("%-14s %10s %10s %10s %10s %10s   %s\n", "sample", "load ms", "layout ms", "pdf ms",
          "pdfx ms", "png ms", "pdf / layout, png / layout, pdfx / pdf");
  for (gsize s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      g_autofree char *path = g_strdup_printf ("%s/samples/%s.json", root, samples[s]);
      g_autofree char *pdf = g_build_filename (dir, "page.pdf", NULL);
      g_autofree char *png = g_build_filename (dir, "page.png", NULL);
      Stage stages[5] = { { "load", 0 }, { "layout", 0 }, { "pdf", 0 }, { "png", 0 }, { "pdfx", 0 } };
      double pdf_cpu = 0, pdfx_cpu = 0, c;

      for (int i = 0; i < repeat; i++)
        {
          g_autoptr (JopanArticle) article = NULL;
          g_autoptr (JopanDocument) doc = NULL;
          g_autoptr (JopanDocument) doc_x = NULL;
          double t = now ();

          article = jopan_article_load (path, &error);
          stages[0].seconds += now () - t, t = now ();
          doc = article ? jopan_document_new (fonts, style, article, &error) : NULL;
          stages[1].seconds += now () - t, t = now (), c = cpu ();
          if (doc == NULL || !jopan_document_write (doc, pdf, JOPAN_FORMAT_PDF, 150, &error))
            {
              fprintf (stderr, "bench-render: %s\n", error->message);
              return 1;
            }
          stages[2].seconds += now () - t, t = now (), pdf_cpu += cpu () - c;
          if (!jopan_document_write (doc, png, JOPAN_FORMAT_PNG, 150, &error))
            {
              fprintf (stderr, "bench-render: %s\n", error->message);
              return 1;
            }
          stages[3].seconds += now () - t;
          /* The same page for the press (its layout is not timed again). */
          doc_x = jopan_document_new (fonts, press, article, &error);
          t = now (), c = cpu ();
          if (doc_x == NULL || !jopan_document_write (doc_x, pdf, JOPAN_FORMAT_PDF, 150, &error))
            {
              fprintf (stderr, "bench-render: %s\n", error->message);
              return 1;
            }
          stages[4].seconds += now () - t, pdfx_cpu += cpu () - c;
        }
      cold[s][0] = pdf_cpu / repeat, cold[s][1] = pdfx_cpu / repeat;
      printf ("%-14s %10.1f %10.1f %10.1f %10.1f %10.1f   %.2fx, %.2fx, %.2fx\n", samples[s],
              1e3 * stages[0].seconds / repeat, 1e3 * stages[1].seconds / repeat,
              1e3 * stages[2].seconds / repeat, 1e3 * stages[4].seconds / repeat,
              1e3 * stages[3].seconds / repeat, stages[2].seconds / stages[1].seconds,
              stages[3].seconds / stages[1].seconds, stages[4].seconds / stages[2].seconds);
      wall[s] = stages[4].seconds / stages[2].seconds;
      g_unlink (pdf);
      g_unlink (png);
    }
  printf ("\n%-14s %12s %12s %12s %12s %12s\n", "--pdfx cold", "pdf cpu ms", "pdfx cpu ms",
          "pdfx/pdf cpu", "pdfx/pdf wall", "warm/pdf cpu");
  for (gsize s = 0; s < G_N_ELEMENTS (samples); s++)
    {
      double warm = warm_pdfx (fonts, press, root, samples[s], dir, repeat);
      if (warm < 0)
        return 1;
      printf ("%-14s %12.1f %12.1f %11.2fx %11.2fx %11.2fx\n", samples[s], 1e3 * cold[s][0],
              1e3 * cold[s][1], cold[s][1] / cold[s][0], wall[s], warm / cold[s][0]);
    }
  {
    /* The cache's files, then the directories. */
    g_autofree char *cache = g_build_filename (dir, "photo-cache", NULL);
    g_autoptr (GDir) d = g_dir_open (cache, 0, NULL);
    for (const char *name; d && (name = g_dir_read_name (d)) != NULL;)
      {
        g_autofree char *file = g_build_filename (cache, name, NULL);
        g_unlink (file);
      }
    g_rmdir (cache);
  }
  g_rmdir (dir);
  return 0;
}
