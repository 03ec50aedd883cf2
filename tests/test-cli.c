/* test-cli.c — the tool's helpers: the progress reporter (thread-safe,
 * a bar on a terminal, one summary line elsewhere, nothing when quiet). */
#include "progress.h"

#include <string.h>

#define N_THREADS 4
#define STEPS 250

static gpointer
step_many (gpointer data)
{
  for (int i = 0; i < STEPS; i++)
    progress_step (data, 1);
  return NULL;
}

/* What @tty and @quiet print for N_THREADS × STEPS steps from threads at once. */
static char *
run_progress (gboolean tty, gboolean quiet)
{
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream (&text, &size);
  Progress *p = progress_new_full (N_THREADS * STEPS, "pages", quiet, out, tty);
  GThread *threads[N_THREADS];

  for (int i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("step", step_many, p);
  for (int i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  progress_finish (p);
  fclose (out);
  return text;
}

static void
test_progress_log (void)
{
  g_autofree char *text = run_progress (FALSE, FALSE);

  /* One line, every step counted, every finding. */
  g_assert_true (g_str_has_prefix (text, "jopan: 1000 pages in "));
  g_assert_true (g_str_has_suffix (text, " s, 1000 findings\n"));
  g_assert_null (strchr (text, '\r'));
  g_assert_true (strchr (text, '\n') == text + strlen (text) - 1);
}

static void
test_progress_tty (void)
{
  g_autofree char *text = run_progress (TRUE, FALSE);

  /* The last bar says all were done, and the summary replaces it. */
  g_assert_nonnull (strstr (text, "1000/1000 pages"));
  g_assert_nonnull (strstr (text, "\r1000 pages in "));
  g_assert_true (g_str_has_suffix (text, " findings\033[K\n"));
}

static void
test_progress_quiet (void)
{
  g_autofree char *tty = run_progress (TRUE, TRUE);
  g_autofree char *log = run_progress (FALSE, TRUE);

  g_assert_cmpstr (tty, ==, "");
  g_assert_cmpstr (log, ==, "");
}

static void
test_progress_format (void)
{
  g_autofree char *bar = progress_format_bar (12, 48, "pages", 2.0);
  g_autofree char *done = progress_format_bar (48, 48, "pages", 8.0);
  g_autofree char *summary = progress_format_summary (1, "article", 0.5, 1);

  g_assert_cmpstr (bar, ==, "[#######.......................] 12/48 pages  6.0 pages/s  6 s left");
  g_assert_cmpstr (done, ==, "[##############################] 48/48 pages  6.0 pages/s");
  g_assert_cmpstr (summary, ==, "1 article in 0.50 s, 1 finding");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/progress/log", test_progress_log);
  g_test_add_func ("/progress/tty", test_progress_tty);
  g_test_add_func ("/progress/quiet", test_progress_quiet);
  g_test_add_func ("/progress/format", test_progress_format);
  return g_test_run ();
}
