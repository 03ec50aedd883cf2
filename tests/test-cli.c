/* test-cli.c — the tool's helpers: the progress reporter (thread-safe,
 * a bar on a terminal, one summary line elsewhere, nothing when quiet),
 * --pages and --shard. */
#include "jopan.h"
#include "parts.h"
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

/* The page numbers of @pages as "1,2,3". */
static char *
join (GArray *pages)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < pages->len; i++)
    g_string_append_printf (s, "%s%u", i ? "," : "", g_array_index (pages, guint, i));
  g_array_unref (pages);
  return g_string_free (s, FALSE);
}

static void
test_pages (void)
{
  static const struct { const char *text, *pages; } good[] = {
    { "1-4,9", "1,2,3,4,9" }, { "9,1-2,2", "1,2,9" }, { "11-", "11,12" }, { " 3 , 5-5", "3,5" },
    { "12", "12" },
  };
  static const char *const bad[] = { "", "0", "13", "4-2", "1-13", "a", "1,,2", "-3", "1-2-3",
                                     "99999999999999999999", "1.5", "2-x" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      GArray *pages = parts_parse_pages (good[i].text, 12, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = join (pages);
      g_assert_cmpstr (text, ==, good[i].pages);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (parts_parse_pages (bad[i], 12, &error));
      g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
      g_assert_nonnull (strstr (error->message, "--pages"));
    }
}

static void
test_shard (void)
{
  static const char *const bad[] = { "0/4", "5/4", "1", "1/0", "a/b", "1/4/2", "/4", "1/",
                                     "-1/4", "1/99999" };
  guint index, count;

  g_assert_true (parts_parse_shard ("3/8", &index, &count, NULL));
  g_assert_cmpuint (index, ==, 3);
  g_assert_cmpuint (count, ==, 8);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_false (parts_parse_shard (bad[i], &index, &count, &error));
      g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
    }
}

/* Shards take every page once, in runs as even as they can be. */
static void
test_shard_pages (void)
{
  g_autoptr (GArray) all = parts_all_pages (10);
  g_autoptr (GArray) some = parts_parse_pages ("2-4,8", 10, NULL);
  static const char *const fourths[] = { "1,2", "3,4,5", "6,7", "8,9,10" };

  for (guint i = 1; i <= 4; i++)
    {
      g_autofree char *text = join (parts_shard (all, i, 4));
      g_assert_cmpstr (text, ==, fourths[i - 1]);
    }
  for (guint n = 1; n <= 13; n++)
    {
      guint total = 0;
      for (guint i = 1; i <= n; i++)
        {
          GArray *shard = parts_shard (all, i, n);
          for (guint k = 0; k < shard->len; k++)
            g_assert_cmpuint (g_array_index (shard, guint, k), ==, total + k + 1);
          total += shard->len;
          g_array_unref (shard);
        }
      g_assert_cmpuint (total, ==, 10);
    }
  {
    g_autofree char *text = join (parts_shard (some, 2, 3));
    g_assert_cmpstr (text, ==, "3");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/parts/pages", test_pages);
  g_test_add_func ("/parts/shard", test_shard);
  g_test_add_func ("/parts/shard-pages", test_shard_pages);
  g_test_add_func ("/progress/log", test_progress_log);
  g_test_add_func ("/progress/tty", test_progress_tty);
  g_test_add_func ("/progress/quiet", test_progress_quiet);
  g_test_add_func ("/progress/format", test_progress_format);
  return g_test_run ();
}
