/* bench-pages — composed pages through the library: throughput, where the
 * time goes, memory (issue 9; bench-edition.py runs the jopan tool itself).
 *
 *   bench-pages [SOURCE_ROOT] [PAGES]
 *
 * The edition is the page files in samples/pages (some with a jump page)
 * repeated until it has PAGES pages (default 48).  Each page file is
 * loaded, composed and written as PDF on a pool of threads, each with its
 * own fonts, as `jopan edition` does; it runs at 1 and 2 threads and prints
 * pages a second, their ratio, and where the time goes.  Peak memory is
 * measured in child processes (wait4's ru_maxrss) rendering 12 and PAGES
 * pages.  Targets: >= 60 pages/s on two threads, 2 threads >= 1.7 x one,
 * RSS(48) <= 1.5 x RSS(12).  Compare on an idle machine; never a test.
 */
#include "jopan.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  const char *root;
  char *out_dir;
  GPtrArray *files;  /* the page file (or article) of each job */
  gboolean articles; /* the files are articles, each set on whole pages */
  gint next;         /* the next job, atomically */
  GMutex lock;       /* guards the sums below */
  double load, compose, write, fonts, cpu;
  guint pages;
} Bench;

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* The process's CPU time (user + system), all threads: on a shared machine
 * pages per CPU second says more than the wall clock. */
static double
cpu_seconds (void)
{
  struct rusage u;

  getrusage (RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void
die (const char *what, const GError *error)
{
  fprintf (stderr, "bench-pages: %s: %s\n", what, error ? error->message : "failed");
  exit (1);
}

/* Composes and writes one page file; adds its times and pages. */
static void
render_job (Bench *b, JopanFonts *fonts, const JopanStyle *style, guint index)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  g_autofree char *out = g_strdup_printf ("%s/page-%03u.pdf", b->out_dir, index);
  const char *path = g_ptr_array_index (b->files, index);
  double t0 = now (), t1, t2, t3;

  if (b->articles)
    article = jopan_article_load (path, &error);
  else
    plan = jopan_page_plan_load (path, &error);
  if (plan == NULL && article == NULL)
    die (path, error);
  t1 = now ();
  doc = plan ? jopan_document_new_page (fonts, style, plan, NULL, &error)
             : jopan_document_new (fonts, style, article, &error);
  if (doc == NULL)
    die (path, error);
  t2 = now ();
  if (!jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 72, &error))
    die (out, error);
  t3 = now ();
  g_mutex_lock (&b->lock);
  b->load += t1 - t0;
  b->compose += t2 - t1;
  b->write += t3 - t2;
  b->pages += jopan_document_get_n_pages (doc);
  g_mutex_unlock (&b->lock);
}

static gpointer
worker (gpointer data)
{
  Bench *b = data;
  g_autoptr (GError) error = NULL;
  double t = now ();
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, b->root, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", b->root, &error);
  guint index;

  if (fonts == NULL || style == NULL)
    die ("fonts or style", error);
  g_mutex_lock (&b->lock);
  b->fonts += now () - t;
  g_mutex_unlock (&b->lock);
  while ((index = (guint) g_atomic_int_add (&b->next, 1)) < b->files->len)
    render_job (b, fonts, style, index);
  return NULL;
}

/* Runs the jobs on @jobs threads; returns the wall time. */
static double
run (Bench *b, guint jobs)
{
  GThread *threads[16];
  double t = now (), cpu = cpu_seconds ();

  b->next = 0;
  b->load = b->compose = b->write = b->fonts = 0;
  b->pages = 0;
  for (guint i = 0; i < jobs; i++)
    threads[i] = g_thread_new ("page", worker, b);
  for (guint i = 0; i < jobs; i++)
    g_thread_join (threads[i]);
  b->cpu = cpu_seconds () - cpu;
  return now () - t;
}

/* The sample page files, and how many pages each composes to. */
static GPtrArray *
edition_files (const char *root, gboolean articles, guint pages, JopanFonts *fonts,
               const JopanStyle *style)
{
  g_autofree char *dir = g_build_filename (root, "samples", articles ? "" : "pages", NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint total = 0;

  while (d && (name = g_dir_read_name (d)))
    if (g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_build_filename (dir, name, NULL));
  g_ptr_array_sort (names, (GCompareFunc) (void *) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JopanPagePlan) plan = articles ? NULL
                                                : jopan_page_plan_load (names->pdata[i], &error);
      g_autoptr (JopanArticle) article = articles ? jopan_article_load (names->pdata[i], &error)
                                                  : NULL;
      g_autoptr (JopanDocument) doc = plan      ? jopan_document_new_page (fonts, style, plan, NULL, &error)
                                      : article ? jopan_document_new (fonts, style, article, &error)
                                                : NULL;
      guint n = doc ? jopan_document_get_n_pages (doc) : 0;
      if (doc == NULL)
        die (names->pdata[i], error);
      g_array_append_val (counts, n);
    }
  for (guint i = 0; names->len && total < pages; i = (i + 1) % names->len)
    {
      g_ptr_array_add (files, g_strdup (names->pdata[i]));
      total += g_array_index (counts, guint, i);
    }
  return files;
}

static void
bench_init (Bench *b, const char *root, gboolean articles, guint pages)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, root, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", root, &error);

  if (fonts == NULL || style == NULL)
    die ("fonts or style", error);
  b->root = root;
  b->out_dir = g_dir_make_tmp ("jopan-bench-XXXXXX", &error);
  if (b->out_dir == NULL)
    die ("a temporary folder", error);
  g_mutex_init (&b->lock);
  b->articles = articles;
  b->files = edition_files (root, articles, pages, fonts, style);
}

static void
bench_clear (Bench *b)
{
  for (guint i = 0; i < b->files->len; i++)
    {
      g_autofree char *out = g_strdup_printf ("%s/page-%03u.pdf", b->out_dir, i);
      g_unlink (out);
    }
  g_rmdir (b->out_dir);
  g_free (b->out_dir);
  g_ptr_array_unref (b->files);
  g_mutex_clear (&b->lock);
}

/* Peak RSS in KiB of this program run as a child on @pages pages, 2 threads. */
static long
child_rss (const char *self, const char *root, guint pages)
{
  char count[16];
  struct rusage usage;
  int status;
  pid_t pid;

  g_snprintf (count, sizeof count, "%u", pages);
  pid = fork ();
  if (pid == 0)
    {
      execl (self, self, root, count, "--child", (char *) NULL);
      _exit (127);
    }
  if (pid < 0 || wait4 (pid, &status, 0, &usage) != pid || !WIFEXITED (status)
      || WEXITSTATUS (status) != 0)
    return -1;
  return usage.ru_maxrss;
}

static void
report_run (const Bench *b, guint jobs, double wall)
{
  double busy = b->load + b->compose + b->write;

  printf ("  --jobs %u: %u pages in %.3f s = %.1f pages/s, %.1f pages a CPU second   (fonts %.0f ms; "
          "of the work: load %.0f %%, compose %.0f %%, PDF %.0f %%)\n", jobs, b->pages, wall,
          b->pages / wall, b->pages / b->cpu, b->fonts * 1e3, 100 * b->load / busy,
          100 * b->compose / busy, 100 * b->write / busy);
}

/* Both thread counts on @b; returns the ratio. */
static double
measure (Bench *b)
{
  double rate[3] = { 0 };

  for (guint jobs = 1; jobs <= 2; jobs++)
    {
      double wall = run (b, jobs);
      rate[jobs] = b->pages / wall;
      report_run (b, jobs, wall);
    }
  printf ("  --jobs 2 / --jobs 1: %.2f x   (target >= 1.7; >= 60 pages/s on two cores)\n",
          rate[2] / rate[1]);
  return rate[2] / rate[1];
}

int
main (int argc, char **argv)
{
  const char *root = argc > 1 ? argv[1] : ".";
  guint pages = argc > 2 ? (guint) atoi (argv[2]) : 48;
  Bench b = { 0 }, a = { 0 };
  long rss12, rss48;

  bench_init (&b, root, FALSE, MAX (pages, 1));
  if (argc > 3 && strcmp (argv[3], "--child") == 0)
    {
      run (&b, 2);
      bench_clear (&b);
      return 0;
    }
  printf ("composed pages: samples/pages/*.json repeated to %u pages (%u page files), PDF\n",
          pages, b.files->len);
  measure (&b);
  bench_clear (&b);
  bench_init (&a, root, TRUE, MAX (pages, 1));
  printf ("single stories: samples/*.json repeated to %u pages (%u articles), PDF\n", pages,
          a.files->len);
  measure (&a);
  bench_clear (&a);
  rss12 = child_rss (argv[0], root, 12);
  rss48 = child_rss (argv[0], root, pages);
  printf ("peak RSS of composed pages, 2 threads: 12 pages %ld KiB, %u pages %ld KiB: %.2f x   "
          "(target <= 1.5)\n", rss12, pages, rss48, rss12 > 0 ? (double) rss48 / rss12 : 0.0);
  return 0;
}
