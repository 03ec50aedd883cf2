/* test-threads.c — what jopan.h says may be shared across threads: one
 * article and one style, laid out by several threads at once, each with
 * its own fonts, give each the same layout as one thread alone. */
#include "jopan.h"

#include <glib/gstdio.h>

#define N_THREADS 4

typedef struct {
  const JopanArticle *article;
  const JopanStyle *style;
  char *path;     /* the layout dump written */
} Job;

static gpointer
lay_out (gpointer data)
{
  Job *job = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;

  g_assert_no_error (error);
  doc = jopan_document_new (fonts, job->style, job->article, &error);
  g_assert_no_error (error);
  jopan_document_write (doc, job->path, JOPAN_FORMAT_DUMP, 72, &error);
  g_assert_no_error (error);
  return NULL;
}

static char *
read_dump (const char *path)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
test_shared_inputs (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) article = jopan_article_load (SOURCE_ROOT "/samples/seoul-market.json",
                                                         &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autofree char *dir = g_dir_make_tmp ("jopan-threads-XXXXXX", &error);
  Job alone = { article, style, g_build_filename (dir, "alone.txt", NULL) };
  Job jobs[N_THREADS];
  GThread *threads[N_THREADS];
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  lay_out (&alone);
  expected = read_dump (alone.path);
  for (int i = 0; i < N_THREADS; i++)
    {
      jobs[i] = (Job) { article, style, g_strdup_printf ("%s/thread-%d.txt", dir, i) };
      threads[i] = g_thread_new ("layout", lay_out, &jobs[i]);
    }
  for (int i = 0; i < N_THREADS; i++)
    {
      g_autofree char *dump = NULL;

      g_thread_join (threads[i]);
      dump = read_dump (jobs[i].path);
      g_assert_cmpstr (dump, ==, expected);
      g_unlink (jobs[i].path);
      g_free (jobs[i].path);
    }
  g_unlink (alone.path);
  g_free (alone.path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/threads/shared-article-and-style", test_shared_inputs);
  return g_test_run ();
}
