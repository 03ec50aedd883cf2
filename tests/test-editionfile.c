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

#include <string.h>

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/edition/load", test_load);
  g_test_add_func ("/edition/continued-page", test_continued_page);
  return g_test_run ();
}
