/* test-editionfile.c — the edition loader and one page of an edition.
 *
 * tests/editions/en.json loads into numbered plans with the edition's
 * folio fields; jopan_document_new_edition_page() gives page 4 as one page
 * carrying the story that jumps there from page 2, under its jump head
 * ("Continued from page 2"), the same as the page the whole run writes;
 * and page 2's own document ends the story with "Continued on page 4"
 * and keeps no continuation page.
 */
#include "compose-private.h"
#include "json-private.h"
#include "image-stream-private.h"

#include <glib/gstdio.h>
#include <string.h>

#define N_EN_PAGES 4 /* tests/editions/en.json */
#define EDITIONS SOURCE_ROOT "/tests/editions"

static JopanFonts *
fonts (void)
{
  g_autoptr (GError) error = NULL;
  JopanFonts *f = jopan_fonts_new (NULL, SOURCE_ROOT, &error);

  g_assert_no_error (error);
  return f;
}

/* The page's text boxes, one line each, as the dump shows them. */
static char *
dump (JopanDocument *doc)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; i < doc->pages->len; i++)
    jopan_page_dump (g_ptr_array_index (doc->pages, i), out);
  return g_strdup (out->str);
}

static void
test_load (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) ed = jopan_edition_load (EDITIONS "/en.json", &error);
  const JopanPagePlan *p2;
  const JopanPageStory *lead;

  g_assert_no_error (error);
  g_assert_cmpuint (jopan_edition_get_n_pages (ed), ==, 4);
  g_assert_cmpstr (jopan_edition_get_style (ed), ==, "berliner");
  p2 = g_ptr_array_index (ed->pages, 1);
  g_assert_cmpuint (p2->number, ==, 2);
  g_assert_cmpstr (p2->title, ==, "The Aldwick Courier");
  g_assert_cmpstr (p2->date, ==, "2024-06-30");
  g_assert_cmpstr (p2->section, ==, "Region");
  lead = g_ptr_array_index (p2->stories, 0);
  g_assert_cmpuint (lead->jump, ==, 4);
  g_assert_true (strstr (lead->place, "en.json:") && strstr (lead->place, "pages[1].articles[0]"));
  g_assert_cmpstr (jopan_edition_get_title (ed), ==, "The Aldwick Courier");
  g_assert_cmpstr (jopan_edition_get_date (ed), ==, "2024-06-30");
  /* Page 2's lead goes on on page 4, and nothing else jumps. */
  for (guint from = 0; from < 5; from++)
    for (guint to = 0; to < 5; to++)
      g_assert_cmpint (jopan_edition_continues_on (ed, from, to), ==, from == 1 && to == 3);
}

static void
test_continued_page (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) ed = jopan_edition_load (EDITIONS "/en.json", &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) f = fonts ();
  g_autoptr (JopanDocument) p4 = NULL, p2 = NULL;
  g_autofree char *text4 = NULL, *text2 = NULL;

  g_assert_no_error (error);
  p4 = jopan_document_new_edition_page (f, style, ed, 3, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jopan_document_get_n_pages (p4), ==, 1);
  text4 = dump (p4);
  g_assert_nonnull (strstr (text4, "|Continued from page 2|"));
  g_assert_nonnull (strstr (text4, "|Bridge shut for a year|"));
  g_assert_nonnull (strstr (text4, "|4   The Aldwick Courier   Local|"));
  g_assert_nonnull (strstr (text4, "|Sunday, June 30, 2024|"));
  p2 = jopan_document_new_edition_page (f, style, ed, 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jopan_document_get_n_pages (p2), ==, 1);
  text2 = dump (p2);
  g_assert_nonnull (strstr (text2, "|Continued on page 4|"));
  g_assert_null (strstr (text2, "Continued from"));
}

/* The places of an edition's stories (kept for later messages) are found
 * in one pass over its text: loading 200 pages walks past a bounded
 * number of JSON values a page (finding each place from the start of the
 * text again made it quadratic), and the places are the same. */
static void
test_places_linear (void)
{
  enum { PAGES = 200 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new ("{\n  \"title\": \"Linear\",\n  \"pages\": [\n");
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (JopanEdition) ed = NULL;
  guint walked;

  g_assert_no_error (error);
  for (guint p = 0; p < PAGES; p++)
    g_string_append_printf (text, "    { \"section\": \"P%u\", \"articles\": [ \"%s\", "
                            "{ \"src\": \"%s\" } ] }%s\n", p, SOURCE_ROOT "/samples/brief-clock.json",
                            SOURCE_ROOT "/samples/brief-lifeboat.json", p + 1 < PAGES ? "," : "");
  g_string_append (text, "  ]\n}\n");
  path = g_build_filename (dir, "linear.json", NULL);
  g_assert_true (g_file_set_contents (path, text->str, (gssize) text->len, NULL));
  walked = jopan_json_values_walked ();
  ed = jopan_edition_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jopan_edition_get_n_pages (ed), ==, PAGES);
  g_assert_cmpuint (jopan_json_values_walked () - walked, <=, 30 * PAGES);
  for (guint p = 0; p < PAGES; p += 37)
    {
      const JopanPagePlan *plan = g_ptr_array_index (ed->pages, p);
      const char *first = ((const JopanPageStory *) g_ptr_array_index (plan->stories, 0))->place;
      const char *second = ((const JopanPageStory *) g_ptr_array_index (plan->stories, 1))->place;
      /* Page p is on line p + 4, its articles where the text has them. */
      const char *at_line = text->str;
      g_autofree char *want1 = NULL, *want2 = NULL;

      for (guint l = 0; l < p + 3; l++)
        at_line = strchr (at_line, '\n') + 1;
      want1 = g_strdup_printf ("%s:%u:%u: pages[%u].articles[0]", path, p + 4,
                               (guint) (strstr (at_line, "[ \"") + 2 - at_line) + 1, p);
      want2 = g_strdup_printf ("%s:%u:%u: pages[%u].articles[1]", path, p + 4,
                               (guint) (strstr (at_line, "{ \"src\"") - at_line) + 1, p);
      g_assert_cmpstr (first, ==, want1);
      g_assert_cmpstr (second, ==, want2);
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* Each worker of an edition has its own fonts; the hyphenation patterns
 * are read once for all of them (they are only read once loaded). */
static void
test_shared_patterns (void)
{
  g_autoptr (JopanFonts) a = fonts ();
  g_autoptr (JopanFonts) b = fonts ();
  gpointer dict = jopan_fonts_get_hyphenator (a, "en-US");

  g_assert_nonnull (dict);
  g_assert_true (jopan_fonts_get_hyphenator (b, "en-US") == dict);
  g_assert_true (jopan_fonts_get_hyphenator (a, "en") == jopan_fonts_get_hyphenator (b, "en"));
}

/* Writes tests/editions/en.json to a new folder in @dir with @jobs threads;
 * returns the folder. */
static char *
write_edition_with (const char *dir, guint jobs, GPtrArray *fonts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) ed = jopan_edition_load (EDITIONS "/en.json", &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autofree char *name = g_strdup_printf ("jobs-%u%s", jobs, fonts ? "-ahead" : "");
  char *outdir = g_build_filename (dir, name, NULL);
  JopanEditionOutput out = { .outdir = outdir, .data_dir = SOURCE_ROOT, .jobs = jobs,
                             .dpi = 150, .date = 1719705600, .fonts = fonts };

  g_assert_no_error (error);
  g_assert_true (jopan_edition_write (ed, style, &out, &error));
  g_assert_no_error (error);
  return outdir;
}

static char *
write_edition (const char *dir, guint jobs)
{
  return write_edition_with (dir, jobs, NULL);
}

static void
assert_same_file (const char *a_dir, const char *b_dir, const char *name)
{
  g_autofree char *a = g_build_filename (a_dir, name, NULL);
  g_autofree char *b = g_build_filename (b_dir, name, NULL);
  g_autofree char *a_data = NULL, *b_data = NULL;
  gsize a_len, b_len;

  g_assert_true (g_file_get_contents (a, &a_data, &a_len, NULL));
  g_assert_true (g_file_get_contents (b, &b_data, &b_len, NULL));
  g_assert_cmpmem (a_data, a_len, b_data, b_len);
}

/* Removes @path, a folder of files. */
static void
remove_folder (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_unlink (file);
    }
  g_rmdir (path);
}

/* A run told that its process ends with it (as the jopan tool's) leaves
 * edition.pdf's join to the system, with one thread and with two, and
 * writes the same bytes as a run that frees it; one not told leaves
 * nothing. */
static void
test_exiting (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autoptr (JopanEdition) ed = jopan_edition_load (EDITIONS "/en.json", &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autofree char *freed = NULL;
  static const char *const files[] = { "edition.pdf", "contact.png", "report.json", "page-01.pdf" };
  guint left;

  g_assert_no_error (error);
  left = jopan_edition_joins_left ();
  freed = write_edition (dir, 2);
  g_assert_cmpuint (jopan_edition_joins_left (), ==, left);
  for (guint jobs = 1; jobs <= 2; jobs++)
    {
      g_autofree char *name = g_strdup_printf ("exiting-%u", jobs);
      g_autofree char *outdir = g_build_filename (dir, name, NULL);
      JopanEditionOutput out = { .outdir = outdir, .data_dir = SOURCE_ROOT, .jobs = jobs,
                                 .dpi = 150, .date = 1719705600, .exiting = TRUE };

      g_assert_true (jopan_edition_write (ed, style, &out, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (jopan_edition_joins_left (), ==, left + jobs);
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        assert_same_file (freed, outdir, files[i]);
      remove_folder (outdir);
    }
  remove_folder (freed);
  g_rmdir (dir);
}

/* With two threads or more the end of a run uses two: edition.pdf is
 * written on a thread of its own, started by the worker that joined its
 * last page (not after the pool ends), while contact.png and report.json are
 * written and the workers' fonts freed (none left for the end), its qpdf
 * objects freed by that same thread right after, while the folder takes
 * OUTDIR's place (no third thread started for it); the
 * pages' files and edition.pdf are flushed to disk by a thread of their
 * own, which starts edition.pdf's writeback as it is written.  One thread
 * keeps to one (its font set freed at the end, each file flushed as it is
 * written).  The files are the same bytes either way. */
static void
test_write_ends (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autofree char *one = NULL, *two = NULL;
  guint side = jopan_edition_side_threads (), left = jopan_edition_fonts_left ();
  guint synced = jopan_edition_files_synced (), early = jopan_edition_early_writes ();
  guint writebacks = jopan_edition_writebacks ();
  static const char *const files[] = { "edition.pdf", "contact.png", "report.json",
                                       "page-01.pdf", "page-04.pdf" };

  g_assert_no_error (error);
  one = write_edition (dir, 1);
  g_assert_cmpuint (jopan_edition_side_threads (), ==, side);
  g_assert_cmpuint (jopan_edition_fonts_left (), ==, left + 1);
  g_assert_cmpuint (jopan_edition_files_synced (), ==, synced);
  g_assert_cmpuint (jopan_edition_early_writes (), ==, early);
  g_assert_cmpuint (jopan_edition_writebacks (), ==, writebacks);
  two = write_edition (dir, 2);
  g_assert_cmpuint (jopan_edition_side_threads (), ==, side + 1);
  g_assert_cmpuint (jopan_edition_early_writes (), ==, early + 1);
  g_assert_cmpuint (jopan_edition_fonts_left (), ==, left + 1);
  /* Each page flushed to disk by a thread of its own, not by its worker,
   * edition.pdf while qpdf's objects are freed, and report.json (new in
   * its folder, which g_file_set_contents() would not have flushed). */
  g_assert_cmpuint (jopan_edition_files_synced (), ==, synced + N_EN_PAGES + 2);
  /* That thread asked to start edition.pdf's writeback while it is being
   * written (its flush at the end then waits for little). */
  g_assert_cmpuint (jopan_edition_writebacks (), >, writebacks);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_same_file (one, two, files[i]);
  remove_folder (one);
  remove_folder (two);
  g_rmdir (dir);
}

/* With two threads or more, contact.png's bands are encoded by the main
 * thread as the workers complete them, not by the worker that added a
 * band's last page (which then drew its next page late at the end of a
 * run); with one, by that one.  The same bytes either way; broken on
 * purpose (the workers encode as before), the count sees it. */
static void
test_sheet_encoder (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autofree char *broken_dir = g_build_filename (dir, "broken", NULL);
  g_autofree char *one = NULL, *two = NULL, *broken = NULL;
  guint bands = jopan_contact_sheet_encoder_bands ();
  static const char *const files[] = { "contact.png", "edition.pdf", "report.json" };

  g_assert_no_error (error);
  one = write_edition (dir, 1);
  g_assert_cmpuint (jopan_contact_sheet_encoder_bands (), ==, bands);
  two = write_edition (dir, 2);
  /* en.json's four pages: three spreads, one band. */
  g_assert_cmpuint (jopan_contact_sheet_encoder_bands (), ==, bands + 1);
  g_assert_cmpint (g_mkdir (broken_dir, 0755), ==, 0);
  jopan_contact_sheet_encoder_break (1);
  broken = write_edition (broken_dir, 2);
  jopan_contact_sheet_encoder_break (0);
  g_assert_cmpuint (jopan_contact_sheet_encoder_bands (), ==, bands + 1);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      assert_same_file (one, two, files[i]);
      assert_same_file (one, broken, files[i]);
    }
  remove_folder (one);
  remove_folder (two);
  remove_folder (broken);
  g_rmdir (broken_dir);
  g_rmdir (dir);
}

/* Pages @from to @to of @sheet: @doc's page as each. */
static void
add_pages (JopanContactSheet *sheet, const JopanDocument *doc, guint from, guint to)
{
  g_autoptr (GError) error = NULL;

  for (guint n = from; n <= to; n++)
    g_assert_true (jopan_contact_sheet_add_page (sheet, n, doc, &error));
  g_assert_no_error (error);
}

/* The encoder holds back up to its hold of complete bands while no core
 * is idle, then encodes them, each band once, in order; the sheet is the
 * same bytes as one whose pages encoded their bands.  Broken on purpose
 * (nothing held), the first pass sees it. */
static void
test_sheet_hold (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) ed = jopan_edition_load (EDITIONS "/en.json", &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) f = fonts ();
  g_autoptr (JopanDocument) doc = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-sheet-XXXXXX", &error);
  g_autofree char *held_png = g_build_filename (dir, "held.png", NULL);
  g_autofree char *plain_png = g_build_filename (dir, "plain.png", NULL);
  g_autofree char *held = NULL, *plain = NULL;
  guint numbers[20];
  JopanContactSheet *sheet, *other;
  gsize held_n, plain_n;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    numbers[i] = i + 1;
  doc = jopan_document_new_edition_page (f, style, ed, 0, NULL, &error);
  g_assert_no_error (error);
  /* Pages 1-20: bands of pages 1-7, 8-15 and 16-20. */
  sheet = jopan_contact_sheet_new (numbers, G_N_ELEMENTS (numbers), &error);
  g_assert_no_error (error);
  jopan_contact_sheet_use_encoder (sheet, 1);
  add_pages (sheet, doc, 1, 7);
  g_assert_cmpuint (jopan_contact_sheet_encode_now (sheet), ==, 0);
  add_pages (sheet, doc, 8, 15);
  g_assert_cmpuint (jopan_contact_sheet_encode_now (sheet), ==, 1);
  g_assert_cmpuint (jopan_contact_sheet_encode_now (sheet), ==, 0);
  jopan_contact_sheet_encoder_core_idle (sheet);
  g_assert_cmpuint (jopan_contact_sheet_encode_now (sheet), ==, 1);
  add_pages (sheet, doc, 16, 20);
  g_assert_cmpuint (jopan_contact_sheet_encode_now (sheet), ==, 1);
  jopan_contact_sheet_stop_encoder (sheet);
  g_assert_true (jopan_contact_sheet_save (sheet, held_png, &error));
  jopan_contact_sheet_free (sheet);
  sheet = jopan_contact_sheet_new (numbers, G_N_ELEMENTS (numbers), &error);
  add_pages (sheet, doc, 1, 20);
  g_assert_true (jopan_contact_sheet_save (sheet, plain_png, &error));
  g_assert_no_error (error);
  jopan_contact_sheet_free (sheet);
  g_assert_true (g_file_get_contents (held_png, &held, &held_n, NULL));
  g_assert_true (g_file_get_contents (plain_png, &plain, &plain_n, NULL));
  g_assert_cmpmem (held, held_n, plain, plain_n);
  other = jopan_contact_sheet_new (numbers, G_N_ELEMENTS (numbers), &error);
  jopan_contact_sheet_use_encoder (other, 1);
  add_pages (other, doc, 1, 7);
  jopan_contact_sheet_encoder_break (2);
  g_assert_cmpuint (jopan_contact_sheet_encode_now (other), ==, 1);
  jopan_contact_sheet_encoder_break (0);
  jopan_contact_sheet_free (other);
  g_unlink (held_png);
  g_unlink (plain_png);
  g_rmdir (dir);
}

/* A run into an earlier edition's folder: the old files go once the new
 * folder is in place, with two threads or more removed by several threads
 * at once (each removal may wait for the disk), with one by that one; the
 * new files are the same bytes, nothing is left beside OUTDIR. */
static void
test_rewrite (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autofree char *first = NULL, *again = NULL, *once = NULL;
  g_autofree char *copy = NULL, *one = g_build_filename (dir, "jobs-1", NULL);
  g_autoptr (GDir) d = NULL;
  guint removers = jopan_edition_removers ();
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  first = write_edition (dir, 2);
  g_assert_cmpuint (jopan_edition_removers (), ==, removers);
  copy = g_build_filename (dir, "copy", NULL);
  g_assert_cmpint (g_rename (first, copy), ==, 0);
  once = write_edition (dir, 2);
  again = write_edition (dir, 2);
  g_assert_cmpuint (jopan_edition_removers (), >, removers);
  removers = jopan_edition_removers ();
  g_free (write_edition (dir, 1));
  g_free (write_edition (dir, 1));
  g_assert_cmpuint (jopan_edition_removers (), ==, removers);
  assert_same_file (copy, again, "edition.pdf");
  assert_same_file (copy, again, "report.json");
  d = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (d)))
    {
      g_assert_true (g_str_equal (name, "copy") || g_str_has_prefix (name, "jobs-"));
      n++;
    }
  g_assert_cmpuint (n, ==, 3); /* copy, jobs-2, jobs-1 */
  remove_folder (copy);
  remove_folder (again);
  remove_folder (one);
  g_rmdir (dir);
}

/* A page that fails after its PDF was joined, as the last one (here its
 * PNG, too large at 1200 dpi): edition.pdf's writing had started, and is
 * waited for before the new folder goes; OUTDIR is never made and nothing
 * is left beside it. */
static void
test_fail_after_join (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autofree char *outdir = g_build_filename (dir, "out", NULL);
  g_autoptr (JopanEdition) ed = jopan_edition_load (EDITIONS "/en.json", &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  gboolean pages[N_EN_PAGES] = { FALSE, FALSE, TRUE, FALSE };
  JopanEditionOutput out = { .outdir = outdir, .data_dir = SOURCE_ROOT, .jobs = 2, .png = TRUE,
                             .dpi = JOPAN_MAX_DPI, .date = 1719705600, .pages = pages };
  guint early = jopan_edition_early_writes ();
  g_autoptr (GDir) left = NULL;

  g_assert_no_error (error);
  g_assert_false (jopan_edition_write (ed, style, &out, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "megapixels"));
  g_assert_cmpuint (jopan_edition_early_writes (), ==, early + 1);
  g_assert_false (g_file_test (outdir, G_FILE_TEST_EXISTS));
  left = g_dir_open (dir, 0, NULL);
  g_assert_null (g_dir_read_name (left));
  g_rmdir (dir);
}

/* Font sets made ahead (while the edition is read) are the ones the
 * run's threads use, taken out of the array: the threads make none, and
 * the files are the same bytes. */
static void
test_fonts_ahead (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autoptr (GPtrArray) ahead = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_fonts_free);
  g_autofree char *made = NULL, *given = NULL;
  guint before;
  static const char *const files[] = { "edition.pdf", "contact.png", "report.json",
                                       "page-01.pdf", "page-04.pdf" };

  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      JopanFonts *f = fonts ();
      jopan_fonts_prepare (f, NULL);
      g_ptr_array_add (ahead, f);
    }
  before = jopan_edition_fonts_made ();
  given = write_edition_with (dir, 2, ahead);
  g_assert_cmpuint (jopan_edition_fonts_made (), ==, before);
  g_assert_cmpuint (ahead->len, ==, 0);
  made = write_edition (dir, 2);
  g_assert_cmpuint (jopan_edition_fonts_made (), >, before);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_same_file (made, given, files[i]);
  remove_folder (made);
  remove_folder (given);
  g_rmdir (dir);
}

/* A worker that finds the render lock taken keeps its page and composes
 * its next one instead of waiting, drawing both once the lock is free
 * (edition.c): with the lock held here, the two workers of a run of the
 * three groups of pages keep a page each (one held for two groups and
 * waits then; the third group is the other's); the files are those one
 * thread writes, which never finds the lock taken.  The worker that kept
 * two pages draws them in a hold of the lock each, writing the first
 * while the other worker may draw: as many holds as pages. */
static gpointer
write_two (gpointer dir)
{
  return write_edition (dir, 2);
}

static void
test_lock_taken (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autofree char *one = NULL, *two = NULL;
  static const char *const files[] = { "edition.pdf", "contact.png", "report.json",
                                       "page-01.pdf", "page-02.pdf", "page-03.pdf",
                                       "page-04.pdf" };
  guint before = jopan_edition_pages_kept ();
  guint holds;
  GThread *run;

  g_assert_no_error (error);
  one = write_edition (dir, 1);
  g_assert_cmpuint (jopan_edition_pages_kept (), ==, before);
  jopan_render_lock ();
  holds = jopan_edition_draw_holds ();
  run = g_thread_new ("edition", write_two, dir);
  while (jopan_edition_pages_kept () < before + 2)
    g_usleep (1000);
  jopan_render_unlock ();
  two = g_thread_join (run);
  g_assert_cmpuint (jopan_edition_draw_holds () - holds, ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    assert_same_file (one, two, files[i]);
  remove_folder (one);
  remove_folder (two);
  g_rmdir (dir);
}

/* ---- PNG advertisements (image.c) --------------------------------------------- */

/* An edition of two pages showing the advertisement @ad (its bytes, put
 * in @dir: a new file no cache knows), loaded. */
static JopanEdition *
advert_edition (const char *dir, const char *ad, gsize n)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ad_path = g_build_filename (dir, "ad.png", NULL);
  g_autofree char *path = g_build_filename (dir, "ads.json", NULL);
  g_autofree char *json = g_strdup_printf (
    "{ \"title\": \"The Aldwick Courier\", \"date\": \"2024-06-30\", \"lang\": \"en\","
    " \"style\": \"berliner\", \"pages\": ["
    " { \"section\": \"News\", \"articles\": [ \"%s/samples/library-warm.json\" ],"
    "   \"boxes\": [ { \"src\": \"ad.png\", \"columns\": 5, \"depth\": \"80mm\" } ] },"
    " { \"section\": \"Harbour\", \"articles\": [ \"%s/samples/harbour.json\" ],"
    "   \"boxes\": [ { \"src\": \"ad.png\", \"columns\": 5, \"depth\": \"80mm\" } ] } ] }",
    SOURCE_ROOT, SOURCE_ROOT);
  JopanEdition *ed;

  g_assert_true (g_file_set_contents (ad_path, ad, (gssize) n, NULL));
  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  ed = jopan_edition_load (path, &error);
  g_assert_no_error (error);
  return ed;
}

/* @ed written with @jobs into @dir/@name; returns the folder, or NULL
 * with @error set. */
static char *
write_ads (JopanEdition *ed, const char *dir, const char *name, guint jobs, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &local);
  char *outdir = g_build_filename (dir, name, NULL);
  JopanEditionOutput out = { .outdir = outdir, .data_dir = SOURCE_ROOT, .jobs = jobs,
                             .dpi = 150, .date = 1719705600 };

  g_assert_no_error (local);
  if (jopan_edition_write (ed, style, &out, error))
    return outdir;
  g_free (outdir);
  return NULL;
}

/* An advertisement the stream cache has no room for (one that alone
 * would fill it: a full-page advertisement at print resolution; here the
 * cache is off) is encoded for its page alone, its encoded copy freed with
 * its stand-in: a page drawn ahead kept that until its PDF was finished,
 * which read it ("a photo's encoded copy is missing" before).  The same
 * bytes as with the cache, with one thread and with two. */
static void
test_uncached_advert (void)
{
  static const char *const files[] = { "edition.pdf", "contact.png", "page-01.pdf", "page-02.pdf" };
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-edition-XXXXXX", &error);
  g_autoptr (JopanEdition) ed = NULL;
  g_autofree char *ad = NULL, *cached = NULL;
  gsize n;

  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (SOURCE_ROOT "/samples/ads/corn-street-books.png", &ad, &n, NULL));
  ed = advert_edition (dir, ad, n);
  cached = write_ads (ed, dir, "cached", 1, &error);
  g_assert_no_error (error);
  jopan_image_stream_set_enabled (FALSE);
  for (guint jobs = 1; jobs <= 2; jobs++)
    {
      g_autofree char *name = g_strdup_printf ("uncached-%u", jobs);
      g_autofree char *outdir = write_ads (ed, dir, name, jobs, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < G_N_ELEMENTS (files); i++)
        assert_same_file (cached, outdir, files[i]);
      remove_folder (outdir);
    }
  jopan_image_stream_set_enabled (TRUE);
  remove_folder (cached);
  remove_folder (dir);
}
int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/edition/load", test_load);
  g_test_add_func ("/edition/continued-page", test_continued_page);
  g_test_add_func ("/edition/write-ends", test_write_ends);
  g_test_add_func ("/edition/sheet-encoder", test_sheet_encoder);
  g_test_add_func ("/edition/sheet-hold", test_sheet_hold);
  g_test_add_func ("/edition/exiting", test_exiting);
  g_test_add_func ("/edition/places-linear", test_places_linear);
  g_test_add_func ("/edition/shared-patterns", test_shared_patterns);
  g_test_add_func ("/edition/fonts-ahead", test_fonts_ahead);
  g_test_add_func ("/edition/fail-after-join", test_fail_after_join);
  g_test_add_func ("/edition/rewrite", test_rewrite);
  g_test_add_func ("/edition/lock-taken", test_lock_taken);
  g_test_add_func ("/edition/uncached-advert", test_uncached_advert);
  return g_test_run ();
}
