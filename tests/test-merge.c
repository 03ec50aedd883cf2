/* test-merge.c — jopan_pdf_merge() and jopan_contact_sheet_write(),
 * checked from outside: pdfinfo and pdftotext for the pages and words,
 * `qpdf --json` for the outline, `qpdf --check` for the structure, and
 * the bytes of two runs for determinism. */
#include "jopan-private.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define N_PAGES 3

typedef struct {
  char *dir;
  char *pages[N_PAGES];
} Fixture;

static const char *const articles[N_PAGES] = { "harbour.json", "seoul-market.json",
                                               "brief-bus.json" };

/* Each sample laid out on one page, written as NAME.pdf. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  JopanLayoutOptions options = { .slot_columns = 5, .slot_lines = 60 };

  g_assert_no_error (error);
  f->dir = g_dir_make_tmp ("jopan-merge-XXXXXX", &error);
  for (int i = 0; i < N_PAGES; i++)
    {
      g_autofree char *path = g_build_filename (SOURCE_ROOT, "samples", articles[i], NULL);
      g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
      g_autoptr (JopanDocument) doc = NULL;

      g_assert_no_error (error);
      doc = jopan_document_new_full (fonts, style, article, &options, &error);
      g_assert_no_error (error);
      jopan_document_set_date (doc, 1700000000);
      f->pages[i] = g_strdup_printf ("%s/page-%02d.pdf", f->dir, i + 1);
      g_assert_true (jopan_document_write (doc, f->pages[i], JOPAN_FORMAT_PDF, 72, &error));
      g_assert_no_error (error);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  for (int i = 0; i < N_PAGES; i++)
    g_free (f->pages[i]);
}

/* The standard output of @argv, asserting it ran and exited 0. */
static char *
run (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static GBytes *
read_bytes (const char *path)
{
  char *data = NULL;
  gsize n = 0;

  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  return g_bytes_new_take (data, n);
}

static const JopanOutlineItem outline[] = {
  { "Page 1", 0, 0 }, { "Harbour story", 0, 1 },
  { "Page 2", 1, 0 }, { "서울 시장", 1, 1 }, { "Second story", 1, 1 },
  { "Page 3", 2, 0 },
};

static void
test_merge (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "edition.pdf", NULL);
  g_autofree char *again = g_build_filename (f->dir, "again.pdf", NULL);
  g_autofree char *info = NULL, *text = NULL, *json = NULL, *check = NULL, *one = NULL;
  g_autoptr (GBytes) a = NULL, b = NULL;

  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, outline,
                                  G_N_ELEMENTS (outline), out, &error));
  g_assert_no_error (error);
  info = run ((const char *const[]) { "pdfinfo", out, NULL });
  g_assert_true (g_regex_match_simple ("^Pages: +3$", info, G_REGEX_MULTILINE, 0));
  /* The words of each page come back from the merged file, in order. */
  text = run ((const char *const[]) { "pdftotext", "-f", "3", "-l", "3", out, "-", NULL });
  one = run ((const char *const[]) { "pdftotext", f->pages[2], "-", NULL });
  g_assert_cmpstr (text, ==, one);
  json = run ((const char *const[]) { "qpdf", "--json", "--json-key=outlines", out, NULL });
  g_assert_nonnull (strstr (json, "\"title\": \"Page 2\""));
  g_assert_nonnull (strstr (json, "\"title\": \"서울 시장\""));
  g_assert_nonnull (strstr (json, "\"title\": \"Second story\""));
  /* Page 3's entry leads to the third page. */
  g_assert_true (g_regex_match_simple ("\"destpageposfrom1\": 3,[^}]*\"title\": \"Page 3\"", json,
                                       G_REGEX_DOTALL, 0));
  check = run ((const char *const[]) { "qpdf", "--check", out, NULL });
  g_assert_nonnull (strstr (check, "No syntax or stream encoding errors"));
  g_assert_null (strstr (check, "WARNING"));
  /* Deterministic: a second run gives the same bytes. */
  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, outline,
                                  G_N_ELEMENTS (outline), again, &error));
  a = read_bytes (out);
  b = read_bytes (again);
  g_assert_true (g_bytes_equal (a, b));
  /* Joined page by page, each input's qpdf objects freed as soon as its
   * pages are copied (the copies read their data from the mapped files
   * when the output is written): the same bytes.  qpdf reads each input
   * from memory, not with a system call a seek and a read. */
  {
    g_autoptr (JopanPdfJoin) j = jopan_pdf_join_new ();
    g_autofree char *joined = g_build_filename (f->dir, "joined.pdf", NULL);
    g_autoptr (GBytes) c = NULL;
    guint mapped = jopan_pdf_join_inputs_mapped ();

    for (guint i = 0; i < N_PAGES; i++)
      g_assert_true (jopan_pdf_join_append (j, f->pages[i], &error));
    g_assert_cmpuint (jopan_pdf_join_inputs_open (), ==, 0);
    g_assert_cmpuint (jopan_pdf_join_inputs_mapped (), ==, mapped + N_PAGES);
    g_assert_true (jopan_pdf_join_write (j, outline, G_N_ELEMENTS (outline), joined, &error));
    g_assert_no_error (error);
    c = read_bytes (joined);
    g_assert_true (g_bytes_equal (a, c));
  }
  /* No object streams: gathering the pages' objects into compressed
   * streams took a third of an edition's last step for 1.6 % of size. */
  g_assert_null (g_strstr_len (g_bytes_get_data (a, NULL), (gssize) g_bytes_get_size (a), "/ObjStm"));
}

/* Joins the fixture's pages into @out with the inputs let go of each
 * @step bytes of output; returns how many passes let them go. */
static guint
join_with_step (Fixture *f, gsize step, const char *out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPdfJoin) j = jopan_pdf_join_new ();
  guint passes;

  jopan_pdf_join_set_release_step (j, step);
  for (guint i = 0; i < N_PAGES; i++)
    g_assert_true (jopan_pdf_join_append (j, f->pages[i], &error));
  passes = jopan_pdf_join_release_passes ();
  g_assert_true (jopan_pdf_join_write (j, outline, G_N_ELEMENTS (outline), out, &error));
  g_assert_no_error (error);
  return jopan_pdf_join_release_passes () - passes;
}

/* The pages qpdf read from the mapped inputs are let go of as the
 * process's file-backed memory grows by a step (and once at the end), not
 * at each 1 % of the objects written (100 passes over every input, 4 ms
 * of an edition's last step): the same bytes, far fewer passes. */
static void
test_merge_release (Fixture *f, gconstpointer data)
{
  g_autofree char *each = g_build_filename (f->dir, "each.pdf", NULL);
  g_autofree char *stepped = g_build_filename (f->dir, "stepped.pdf", NULL);
  g_autofree char *small = g_build_filename (f->dir, "small-steps.pdf", NULL);
  g_autoptr (GBytes) a = NULL, b = NULL, c = NULL;
  guint by_share = join_with_step (f, 0, each);
  guint by_default = join_with_step (f, 1024 * 1024, stepped);
  guint by_small = join_with_step (f, 64 * 1024, small);
  gsize inputs = 0;

  for (guint i = 0; i < N_PAGES; i++)
    {
      GStatBuf st;
      g_assert_cmpint (g_stat (f->pages[i], &st), ==, 0);
      inputs += (gsize) st.st_size;
    }
  a = read_bytes (each);
  b = read_bytes (stepped);
  c = read_bytes (small);
  g_test_message ("inputs %zu bytes: %u passes each 1 %%, %u by 1 MiB, %u by 64 KiB", inputs,
                  by_share, by_default, by_small);
  g_assert_true (g_bytes_equal (a, b));
  g_assert_true (g_bytes_equal (a, c));
  /* Each 1 % of some 200 objects, and the last: dozens of passes. */
  g_assert_cmpuint (by_share, >, 20);
  /* About a pass a MiB the inputs map (each read about once; the code
   * qpdf runs for the first time counts too), and the last. */
  g_assert_cmpuint (by_default, <=, by_share / 10);
  g_assert_cmpuint (by_default, <=, 2 * (inputs / (1024 * 1024)) + 4);
  g_assert_cmpuint (by_small, >, by_default);
}

typedef struct {
  guint calls, present;
  char *temp;
} Writing;

static void
on_writing (const char *temp, gpointer data)
{
  Writing *w = data;

  w->calls++;
  w->present += g_file_test (temp, G_FILE_TEST_IS_REGULAR);
  if (w->temp == NULL)
    w->temp = g_strdup (temp);
  g_assert_cmpstr (w->temp, ==, temp);
}

/* The join tells who asked, as it writes, which file it is writing (an
 * edition's flushing thread starts its writeback then): a few times, the
 * file there each time and gone (renamed) after; the same bytes. */
static void
test_merge_writing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPdfJoin) j = jopan_pdf_join_new ();
  g_autofree char *out = g_build_filename (f->dir, "told.pdf", NULL);
  g_autofree char *plain = g_build_filename (f->dir, "untold.pdf", NULL);
  g_autoptr (GBytes) a = NULL, b = NULL;
  Writing w = { 0 };

  jopan_pdf_join_set_writing (j, on_writing, &w);
  for (guint i = 0; i < N_PAGES; i++)
    g_assert_true (jopan_pdf_join_append (j, f->pages[i], &error));
  g_assert_true (jopan_pdf_join_write (j, outline, G_N_ELEMENTS (outline), out, &error));
  g_assert_no_error (error);
  g_test_message ("told %u times", w.calls);
  /* Each 5 % of some 200 objects. */
  g_assert_cmpuint (w.calls, >=, 10);
  g_assert_cmpuint (w.present, ==, w.calls);
  g_assert_cmpstr (w.temp, !=, out);
  g_assert_false (g_file_test (w.temp, G_FILE_TEST_EXISTS));
  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, outline,
                                  G_N_ELEMENTS (outline), plain, &error));
  a = read_bytes (out);
  b = read_bytes (plain);
  g_assert_true (g_bytes_equal (a, b));
  g_free (w.temp);
}

/* Joins the fixture's pages into @out with @ahead set as the outline
 * before the first page (NULL: none), written with @outline_at_write;
 * @made: the outline's items made after each page. */
static void
join_with_outline (Fixture *f, const JopanOutlineItem *ahead, guint n_ahead,
                   const JopanOutlineItem *at_write, guint n_at_write, const char *out,
                   guint made[N_PAGES], GError **error)
{
  g_autoptr (JopanPdfJoin) j = jopan_pdf_join_new ();

  if (ahead)
    jopan_pdf_join_set_outline (j, ahead, n_ahead);
  for (guint i = 0; i < N_PAGES; i++)
    {
      g_assert_true (jopan_pdf_join_append (j, f->pages[i], NULL));
      made[i] = jopan_pdf_join_outline_made (j);
    }
  jopan_pdf_join_write (j, at_write, n_at_write, out, error);
}

/* An outline known ahead has its items made as their pages are appended
 * (an edition's workers do it, not its last step): each page's entries
 * once the page is there; the same bytes as an outline made when the file
 * is written, and the same errors.  Another outline at the write is made
 * anew. */
static void
test_merge_outline_ahead (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "plain.pdf", NULL);
  g_autofree char *ahead = g_build_filename (f->dir, "ahead.pdf", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.pdf", NULL);
  g_autofree char *other_plain = g_build_filename (f->dir, "other-plain.pdf", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.pdf", NULL);
  g_autofree char *message = NULL;
  static const JopanOutlineItem reversed[] = { { "Page 3", 2, 0 }, { "Page 1", 0, 0 } };
  static const JopanOutlineItem unsound[] = { { "Page 1", 0, 0 }, { "Page 9", 8, 0 } };
  guint made[N_PAGES];
  g_autoptr (GBytes) a = NULL, b = NULL;

  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, outline,
                                  G_N_ELEMENTS (outline), plain, &error));
  join_with_outline (f, outline, G_N_ELEMENTS (outline), outline, G_N_ELEMENTS (outline), ahead,
                     made, &error);
  g_assert_no_error (error);
  /* Page 1 and its story, then page 2 and its two, then page 3. */
  g_assert_cmpuint (made[0], ==, 2);
  g_assert_cmpuint (made[1], ==, 5);
  g_assert_cmpuint (made[2], ==, 6);
  a = read_bytes (plain);
  b = read_bytes (ahead);
  g_assert_true (g_bytes_equal (a, b));
  g_clear_pointer (&a, g_bytes_unref);
  g_clear_pointer (&b, g_bytes_unref);
  /* Another outline when written: as if none had been set. */
  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, reversed,
                                  G_N_ELEMENTS (reversed), other_plain, &error));
  join_with_outline (f, outline, G_N_ELEMENTS (outline), reversed, G_N_ELEMENTS (reversed), other,
                     made, &error);
  g_assert_no_error (error);
  a = read_bytes (other_plain);
  b = read_bytes (other);
  g_assert_true (g_bytes_equal (a, b));
  /* An item past the last page: made up to it, the error at the write as ever. */
  g_assert_false (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, unsound,
                                   G_N_ELEMENTS (unsound), bad, &error));
  message = g_strdup (error->message);
  g_clear_error (&error);
  join_with_outline (f, unsound, G_N_ELEMENTS (unsound), unsound, G_N_ELEMENTS (unsound), bad,
                     made, &error);
  g_assert_cmpuint (made[N_PAGES - 1], ==, 1);
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_false (g_file_test (bad, G_FILE_TEST_EXISTS));
}

/* The peak RSS (KiB) of a child merging @n inputs (the fixture's pages
 * over and over) into @out. */
static long
merge_rss (Fixture *f, guint n, const char *out)
{
  struct rusage usage;
  int status;
  pid_t pid = fork ();

  if (pid == 0)
    {
      const char **inputs = g_new (const char *, n);
      for (guint i = 0; i < n; i++)
        inputs[i] = f->pages[i % N_PAGES];
      _exit (jopan_pdf_merge (inputs, n, NULL, 0, out, NULL) ? 0 : 1);
    }
  g_assert_cmpint (wait4 (pid, &status, 0, &usage), ==, pid);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  return usage.ru_maxrss;
}

/* The merged file goes to disk as it is made: merging more pages takes
 * less memory than the file grows by twice (it used to be built in memory
 * and copied, three times the file's size in all). */
/* Under AddressSanitizer freed memory waits in a quarantine: RSS says nothing. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

static void
test_merge_memory (Fixture *f, gconstpointer data)
{
  g_autofree char *small = g_build_filename (f->dir, "small.pdf", NULL);
  g_autofree char *large = g_build_filename (f->dir, "large.pdf", NULL);
  long rss_small, rss_large;
  GStatBuf a, b;

#ifdef UNDER_ASAN
  g_test_skip ("peak RSS under AddressSanitizer");
  return;
#endif
  rss_small = merge_rss (f, 6, small);
  rss_large = merge_rss (f, 96, large);
  g_assert_cmpint (g_stat (small, &a), ==, 0);
  g_assert_cmpint (g_stat (large, &b), ==, 0);
  g_test_message ("RSS %ld KiB -> %ld KiB; file %ld -> %ld bytes", rss_small, rss_large,
                  (long) a.st_size, (long) b.st_size);
  g_assert_cmpint ((rss_large - rss_small) * 1024, <, 2 * (b.st_size - a.st_size));
}

/* The /ID of @pdf (both parts, as hex), asserting there are two. */
static char *
file_id (const char *pdf)
{
  g_autofree char *trailer = run ((const char *const[]) { "qpdf", "--show-object=trailer", pdf, NULL });
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GRegex) re = g_regex_new ("/ID \\[ <([0-9a-f]+)> <([0-9a-f]+)> \\]", 0, 0, NULL);
  g_autofree char *first = NULL, *second = NULL;

  g_assert_true (g_regex_match (re, trailer, 0, &match));
  first = g_match_info_fetch (match, 1);
  second = g_match_info_fetch (match, 2);
  g_assert_cmpstr (first, ==, second);
  return g_steal_pointer (&first);
}

/* The file ID is made from what the file is made of (qpdf's placeholder
 * replaced, in a file qpdf checks clean): the same pages and outline give
 * the same ID wherever the pages lie, another outline or another page
 * another ID. */
static void
test_merge_id (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "one.pdf", NULL);
  g_autofree char *moved = g_build_filename (f->dir, "moved.pdf", NULL);
  g_autofree char *renamed = g_build_filename (f->dir, "renamed-page.pdf", NULL);
  g_autofree char *check = NULL, *id = NULL, *id_moved = NULL, *id_outline = NULL, *id_pages = NULL;
  const char *copies[N_PAGES] = { f->pages[0], f->pages[1], renamed };
  const char *swapped[N_PAGES] = { f->pages[1], f->pages[0], f->pages[2] };
  JopanOutlineItem other[G_N_ELEMENTS (outline)];
  g_autoptr (GBytes) page = read_bytes (f->pages[2]);

  memcpy (other, outline, sizeof outline);
  other[1].title = "Harbour story, renamed";
  g_assert_true (g_file_set_contents (renamed, g_bytes_get_data (page, NULL),
                                      (gssize) g_bytes_get_size (page), NULL));
  guint placed = jopan_pdf_join_ids_placed ();

  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, outline,
                                  G_N_ELEMENTS (outline), out, &error));
  g_assert_cmpuint (jopan_pdf_join_ids_placed (), ==, placed + 1);
  id = file_id (out);
  g_assert_cmpuint (strlen (id), ==, 32);
  g_assert_cmpstr (id, !=, "31415926535897932384626433832795");
  check = run ((const char *const[]) { "qpdf", "--check", out, NULL });
  g_assert_nonnull (strstr (check, "No syntax or stream encoding errors"));
  g_assert_true (jopan_pdf_merge (copies, N_PAGES, outline, G_N_ELEMENTS (outline), moved, &error));
  id_moved = file_id (moved);
  g_assert_cmpstr (id_moved, ==, id);
  g_assert_true (jopan_pdf_merge ((const char *const *) f->pages, N_PAGES, other,
                                  G_N_ELEMENTS (other), moved, &error));
  id_outline = file_id (moved);
  g_assert_cmpstr (id_outline, !=, id);
  g_assert_true (jopan_pdf_merge (swapped, N_PAGES, outline, G_N_ELEMENTS (outline), moved, &error));
  id_pages = file_id (moved);
  g_assert_cmpstr (id_pages, !=, id);
  g_assert_no_error (error);
}

/* The inputs' streams are copied as they are, never decoded or
 * compressed again (jopan's pages have every stream compressed): a page
 * whose content is plain stays plain. */
static void
test_merge_streams_kept (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = g_build_filename (f->dir, "plain.pdf", NULL);
  g_autofree char *out = g_build_filename (f->dir, "kept.pdf", NULL);
  const char *inputs[] = { plain };
  g_autoptr (GBytes) in = NULL, merged = NULL;

  g_free (run ((const char *const[]) { "qpdf", "--stream-data=uncompress", f->pages[0], plain,
                                       NULL }));
  in = read_bytes (plain);
  g_assert_nonnull (memmem (g_bytes_get_data (in, NULL), g_bytes_get_size (in), " Tf", 3));
  g_assert_true (jopan_pdf_merge (inputs, 1, outline, 2, out, &error));
  g_assert_no_error (error);
  merged = read_bytes (out);
  g_assert_nonnull (memmem (g_bytes_get_data (merged, NULL), g_bytes_get_size (merged), " Tf", 3));
}

/* Bad input and a bad outline fail with a message and write nothing. */
static void
test_merge_bad (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "bad.pdf", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "junk.pdf", NULL);
  const char *inputs[] = { f->pages[0], junk };
  const JopanOutlineItem past[] = { { "Page 9", 8, 0 } };
  const JopanOutlineItem orphan[] = { { "A story", 0, 1 } };

  g_assert_true (g_file_set_contents (junk, "", 0, NULL));
  g_assert_false (jopan_pdf_merge (inputs, 2, NULL, 0, out, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
  g_assert_nonnull (strstr (error->message, junk));
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (junk, "not a pdf", -1, NULL));
  g_assert_false (jopan_pdf_merge (inputs, 2, NULL, 0, out, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
  g_assert_nonnull (strstr (error->message, junk));
  g_clear_error (&error);
  g_assert_false (jopan_pdf_merge (inputs, 1, past, 1, out, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "page 9 of 1"));
  g_clear_error (&error);
  g_assert_false (jopan_pdf_merge (inputs, 1, orphan, 1, out, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* Counts the pixels of @png that are neither the sheet's grey nor white. */
static guint
inked_pixels (const char *png, int *width, int *height)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  const guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  guint inked = 0;

  *width = cairo_image_surface_get_width (s);
  *height = cairo_image_surface_get_height (s);
  for (int y = 0; y < *height; y++)
    for (int x = 0; x < *width; x++)
      {
        guint32 p = *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;
        inked += p != 0xffffff && p != 0xd9d9d9;
      }
  cairo_surface_destroy (s);
  return inked;
}

static void
test_contact_sheet (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "contact.png", NULL);
  g_autofree char *again = g_build_filename (f->dir, "again.png", NULL);
  g_autoptr (GBytes) a = NULL, b = NULL;
  int width, height;

  g_assert_true (jopan_contact_sheet_write ((const char *const *) f->pages, N_PAGES, 1, out,
                                            &error));
  g_assert_no_error (error);
  /* Pages 1 | 2 3: two spreads on one row of four; 300-pixel thumbnails. */
  g_assert_cmpuint (inked_pixels (out, &width, &height), >, 10000);
  g_assert_cmpint (height, ==, 24 + 300 + 36 + 24);
  g_assert_cmpint (width, >, 4 * 2 * 200);
  g_assert_true (jopan_contact_sheet_write ((const char *const *) f->pages, N_PAGES, 1, again,
                                            &error));
  a = read_bytes (out);
  b = read_bytes (again);
  g_assert_true (g_bytes_equal (a, b));
}

static guint32
pixel_at (const char *png, int x, int y)
{
  cairo_surface_t *s = cairo_image_surface_create_from_png (png);
  guint32 p = *(guint32 *) (cairo_image_surface_get_data (s) + y * cairo_image_surface_get_stride (s)
                            + x * 4) & 0xffffff;

  cairo_surface_destroy (s);
  return p;
}

/* Page 1 stands alone on the right: the left half of the first spread
 * stays empty, where a sheet starting at page 2 puts its first page. */
static void
test_contact_sheet_spreads (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *odd = g_build_filename (f->dir, "odd.png", NULL);
  g_autofree char *even = g_build_filename (f->dir, "even.png", NULL);
  int width, height;

  g_assert_true (jopan_contact_sheet_write ((const char *const *) f->pages, 1, 1, odd, &error));
  g_assert_true (jopan_contact_sheet_write ((const char *const *) f->pages, 1, 2, even, &error));
  g_assert_no_error (error);
  inked_pixels (odd, &width, &height);
  /* The middle of the left slot of the first spread. */
  g_assert_cmphex (pixel_at (odd, 60, 150), ==, 0xd9d9d9);
  g_assert_cmphex (pixel_at (even, 60, 150), !=, 0xd9d9d9);
}

/* Pages 1, 3, 7: spreads [ |1] [2|3] [6|7] with 2 and 6 empty; a sheet
 * joined from that sheet's slots is the same bytes as the one drawn from
 * the PDFs; a sheet without those pages is not copied from, one with more
 * is; numbers out of order are an error. */
static void
test_contact_sheet_join (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *drawn = g_build_filename (f->dir, "drawn.png", NULL);
  g_autofree char *joined = g_build_filename (f->dir, "joined.png", NULL);
  g_autofree char *other = g_build_filename (f->dir, "other.png", NULL);
  g_autofree char *fewer = g_build_filename (f->dir, "fewer.png", NULL);
  const guint numbers[N_PAGES] = { 1, 3, 7 }, wrong[N_PAGES] = { 1, 3, 3 };
  const guint evens[N_PAGES] = { 2, 4, 6 };
  const char *sheets[N_PAGES] = { drawn, drawn, drawn };
  const char *others[N_PAGES] = { other, other, other };
  const char *const *pdfs = (const char *const *) f->pages;
  g_autoptr (GBytes) a = NULL, b = NULL;
  int width, height, tw;

  g_assert_true (jopan_contact_sheet_join (pdfs, numbers, NULL, N_PAGES, drawn, &error));
  g_assert_no_error (error);
  inked_pixels (drawn, &width, &height);
  tw = (width - 5 * 24) / 8;
  g_assert_cmpint (height, ==, 24 + 300 + 36 + 24);
  /* The middle of each half spread: 0|1 (1), 2|3 (3), 6|7 (7). */
  g_assert_cmphex (pixel_at (drawn, 24 + tw / 2, 150), ==, 0xd9d9d9);
  g_assert_cmphex (pixel_at (drawn, 24 + tw * 3 / 2, 300), !=, 0xd9d9d9);
  g_assert_cmphex (pixel_at (drawn, 48 + 2 * tw + tw / 2, 150), ==, 0xd9d9d9);
  g_assert_cmphex (pixel_at (drawn, 48 + 2 * tw + tw * 3 / 2, 300), !=, 0xd9d9d9);
  g_assert_cmphex (pixel_at (drawn, 72 + 4 * tw + tw / 2, 150), ==, 0xd9d9d9);
  g_assert_cmphex (pixel_at (drawn, 72 + 4 * tw + tw * 3 / 2, 300), !=, 0xd9d9d9);
  g_assert_true (jopan_contact_sheet_join (pdfs, numbers, sheets, N_PAGES, joined, &error));
  a = read_bytes (drawn);
  b = read_bytes (joined);
  g_assert_true (g_bytes_equal (a, b));
  /* A sheet of pages 2, 4, 6 holds none of them: they are drawn again. */
  g_assert_true (jopan_contact_sheet_join (pdfs, evens, NULL, N_PAGES, other, &error));
  g_assert_true (jopan_contact_sheet_join (pdfs, numbers, others, N_PAGES, joined, &error));
  g_clear_pointer (&b, g_bytes_unref);
  b = read_bytes (joined);
  g_assert_true (g_bytes_equal (a, b));
  /* A sheet holding more pages than are taken from it (an earlier run's,
   * some of its pages since written again) gives its slots: pages 1 and 3
   * joined from a sheet of pages 1-3 show its page 3 (the third PDF), not
   * the second PDF drawn as page 3. */
  g_assert_true (jopan_contact_sheet_write (pdfs, N_PAGES, 1, other, &error));
  g_assert_true (jopan_contact_sheet_join (pdfs, numbers, NULL, 2, fewer, &error));
  g_assert_true (jopan_contact_sheet_join (pdfs, numbers, others, 2, joined, &error));
  g_assert_no_error (error);
  g_clear_pointer (&a, g_bytes_unref);
  g_clear_pointer (&b, g_bytes_unref);
  a = read_bytes (fewer);
  b = read_bytes (joined);
  g_assert_false (g_bytes_equal (a, b));
  g_assert_true (jopan_contact_sheet_join ((const char *const[]) { pdfs[0], pdfs[2] }, numbers,
                                           NULL, 2, fewer, &error));
  g_clear_pointer (&a, g_bytes_unref);
  a = read_bytes (fewer);
  g_assert_true (g_bytes_equal (a, b));
  g_assert_false (jopan_contact_sheet_join (pdfs, wrong, NULL, N_PAGES, joined, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/merge/pdf", Fixture, NULL, fixture_set_up, test_merge, fixture_tear_down);
  g_test_add ("/merge/memory", Fixture, NULL, fixture_set_up, test_merge_memory, fixture_tear_down);
  g_test_add ("/merge/release", Fixture, NULL, fixture_set_up, test_merge_release,
              fixture_tear_down);
  g_test_add ("/merge/writing", Fixture, NULL, fixture_set_up, test_merge_writing,
              fixture_tear_down);
  g_test_add ("/merge/outline-ahead", Fixture, NULL, fixture_set_up, test_merge_outline_ahead,
              fixture_tear_down);
  g_test_add ("/merge/bad", Fixture, NULL, fixture_set_up, test_merge_bad, fixture_tear_down);
  g_test_add ("/merge/id", Fixture, NULL, fixture_set_up, test_merge_id, fixture_tear_down);
  g_test_add ("/merge/streams-kept", Fixture, NULL, fixture_set_up, test_merge_streams_kept,
              fixture_tear_down);
  g_test_add ("/merge/contact-sheet", Fixture, NULL, fixture_set_up, test_contact_sheet,
              fixture_tear_down);
  g_test_add ("/merge/contact-sheet-spreads", Fixture, NULL, fixture_set_up,
              test_contact_sheet_spreads, fixture_tear_down);
  g_test_add ("/merge/contact-sheet-join", Fixture, NULL, fixture_set_up, test_contact_sheet_join,
              fixture_tear_down);
  return g_test_run ();
}
