/* bench-pages — what composing a page costs: pages per CPU second.
 *
 *   bench-pages [SOURCE_ROOT] [REPEAT]
 *
 * For each page file in samples/pages/, in one process with the fonts
 * loaded once: the page composed (the solver, every story laid out in its
 * candidate modules) and written as PDF, REPEAT times.  CPU time, not wall
 * time: the figures hold on a busy machine.  Compare runs on one machine.
 */
#include "jopan.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static double
cpu_seconds (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec
         + u.ru_stime.tv_usec / 1e6;
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Composes @path @repeat times into @pdf; returns the CPU seconds, or -1. */
static double
compose (JopanFonts *fonts, const char *root, const char *path, const char *pdf, int repeat)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPagePlan) plan = jopan_page_plan_load (path, &error);
  g_autoptr (JopanStyle) style = NULL;
  double start;

  if (plan != NULL)
    style = jopan_style_load (jopan_page_plan_get_style (plan) ? jopan_page_plan_get_style (plan)
                                                                : "berliner", root, &error);
  if (style == NULL)
    {
      fprintf (stderr, "bench-pages: %s\n", error->message);
      return -1;
    }
  start = cpu_seconds ();
  for (int i = 0; i < repeat; i++)
    {
      g_autoptr (JopanDocument) doc = jopan_document_new_page (fonts, style, plan, NULL, &error);
      if (doc == NULL || !jopan_document_write (doc, pdf, JOPAN_FORMAT_PDF, 150, &error))
        {
          fprintf (stderr, "bench-pages: %s: %s\n", path, error->message);
          return -1;
        }
    }
  return cpu_seconds () - start;
}

int
main (int argc, char **argv)
{
  const char *root = argc > 1 ? argv[1] : ".";
  int repeat = argc > 2 ? MAX (1, atoi (argv[2])) : 3;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, root, &error);
  g_autofree char *pages = g_build_filename (root, "samples", "pages", NULL);
  g_autoptr (GDir) dir = fonts ? g_dir_open (pages, 0, &error) : NULL;
  g_autofree char *tmp = dir ? g_dir_make_tmp ("jopan-bench-XXXXXX", &error) : NULL;
  g_autofree char *pdf = tmp ? g_build_filename (tmp, "page.pdf", NULL) : NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  double total = 0;
  const char *name;

  if (tmp == NULL)
    {
      fprintf (stderr, "bench-pages: %s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, by_name);
  printf ("%-16s %12s\n", "page", "CPU ms");
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (pages, names->pdata[i], NULL);
      double seconds = compose (fonts, root, path, pdf, repeat);

      if (seconds < 0)
        return 1;
      total += seconds;
      printf ("%-16s %12.1f\n", (const char *) names->pdata[i], 1e3 * seconds / repeat);
    }
  printf ("%u pages composed to PDF: %.1f pages per CPU second\n", names->len,
          names->len * repeat / MAX (total, 1e-9));
  g_unlink (pdf);
  g_rmdir (tmp);
  return 0;
}
