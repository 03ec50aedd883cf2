/* test-lazy.c — lines are shaped when something reads them: composing a
 * page shapes about the lines it draws, not every line every attempt set. */
#include "compose-private.h"
#include "layout-private.h"

/* Composes the sample page @name; *@drawn gets its text boxes (over all
 * its pages), and it returns the lines it gave a layout of their own. */
static guint
page_shapings (const char *name, guint *drawn)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("%s/samples/pages/%s", SOURCE_ROOT, name);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanPagePlan) plan = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  JopanLayoutOptions options = { .copyfit = TRUE };
  JopanStyle *style;
  gint before;

  g_assert_no_error (error);
  style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_assert_no_error (error);
  plan = jopan_page_plan_load (path, &error);
  g_assert_no_error (error);
  before = g_atomic_int_get (&jopan_line_shapings);
  doc = jopan_document_new_page (fonts, style, plan, &options, &error);
  g_assert_no_error (error);
  jopan_style_free (style);
  *drawn = 0;
  for (guint p = 0; p < doc->pages->len; p++)
    {
      const JopanPage *page = g_ptr_array_index (doc->pages, p);
      for (guint i = 0; i < page->boxes->len; i++)
        {
          const JopanBox *box = &g_array_index (page->boxes, JopanBox, i);
          if (box->kind == JOPAN_BOX_TEXT)
            {
              g_assert_nonnull (box->layout); /* every kept line is shaped */
              g_assert_null (box->shape);
              (*drawn)++;
            }
        }
    }
  return (guint) (g_atomic_int_get (&jopan_line_shapings) - before);
}

/* Every copyfit and compose attempt once shaped all the lines it set
 * (en-front.json: 874 lines to draw 372).  Now a line is shaped when a
 * kept page draws it, or when the breaker's widths leave it within half
 * an em of overflowing (the overfull check needs its true width), or a
 * layout reads its width (folios, captions): 412 for en-front, 267 for
 * ko-front, 449 for en-long.  A count, not a time. */
static void
test_shapings (void)
{
  static const struct {
    const char *name;
    guint most;
  } pages[] = { { "en-front.json", 480 }, { "ko-front.json", 320 }, { "en-long.json", 520 } };

  for (gsize i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      guint drawn, shaped = page_shapings (pages[i].name, &drawn);
      g_test_message ("%s: %u lines shaped, %u drawn", pages[i].name, shaped, drawn);
      g_assert_cmpuint (drawn, >, 200);
      g_assert_cmpuint (shaped, <=, pages[i].most);
    }
  /* The set-time check never let an overfull line through unshaped. */
  g_assert_cmpint (g_atomic_int_get (&jopan_line_shapings_missed), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/lazy/shapings", test_shapings);
  return g_test_run ();
}
