/* test-pagefile.c — the page file loader and fixed boxes.
 *
 * The test pages of tests/pages/ load into the plan composition expects
 * (columns from 0, slot depths in points or grid lines, boxes probed);
 * unknown keys are warnings; and a fixed box draws as the house wants it:
 * an image covers its frame (cropped, never stretched), a PDF is drawn
 * whole, centred, and a thin frame goes round both.
 */
#include "compose-private.h"

#include <math.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGES SOURCE_ROOT "/tests/pages"

static JopanPagePlan *
load (const char *name)
{
  g_autofree char *path = g_build_filename (PAGES, name, NULL);
  g_autoptr (GError) error = NULL;
  JopanPagePlan *plan = jopan_page_plan_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (plan);
  return plan;
}

static void
test_five_and_ad (void)
{
  g_autoptr (JopanPagePlan) plan = load ("five-ad.json");
  const JopanPageStory *lead, *brief;
  const JopanPageBox *box;

  g_assert_cmpuint (plan->stories->len, ==, 5);
  g_assert_cmpstr (jopan_page_plan_get_style (plan), ==, "berliner");
  g_assert_cmpstr (plan->title, ==, "The jopan Test Times");
  g_assert_cmpuint (plan->number, ==, 1);
  lead = g_ptr_array_index (plan->stories, 0);
  brief = g_ptr_array_index (plan->stories, 3);
  g_assert_cmpint (lead->weight, ==, JOPAN_WEIGHT_AUTO);
  g_assert_cmpint (brief->weight, ==, JOPAN_WEIGHT_BRIEF);
  g_assert_false (lead->slot.fixed);
  g_assert_nonnull (lead->article);
  g_assert_cmpstr (jopan_article_get_lang (lead->article), ==, "en");
  g_assert_true (g_str_has_suffix (brief->place, "five-ad.json:11:5: articles[3]"));
  g_assert_cmpuint (plan->boxes->len, ==, 1);
  box = g_ptr_array_index (plan->boxes, 0);
  g_assert_false (box->is_pdf);
  g_assert_nonnull (box->image);
  g_assert_cmpint (box->image->width, ==, 300);
  g_assert_cmpint (box->columns, ==, 2);
  g_assert_cmpfloat_with_epsilon (box->depth, 60 * 72 / 25.4, 1e-6);
  g_assert_cmpint (box->position, ==, JOPAN_BOX_AT_FOOT);
}

static void
test_slot_jump_pdf (void)
{
  g_autoptr (JopanPagePlan) plan = load ("slot-pdf.json");
  const JopanPageStory *first = g_ptr_array_index (plan->stories, 0);
  const JopanPageStory *second = g_ptr_array_index (plan->stories, 1);
  const JopanPageBox *box = g_ptr_array_index (plan->boxes, 0);
  JopanStyle style = { .baseline = 12 };
  double top, depth;

  g_assert_cmpuint (plan->number, ==, 3);
  g_assert_true (first->slot.fixed);
  g_assert_cmpint (first->slot.column, ==, 0);
  g_assert_cmpint (first->slot.columns, ==, 3);
  jopan_module_slot_points (&first->slot, &style, &top, &depth);
  g_assert_cmpfloat (top, ==, 0);
  g_assert_cmpfloat_with_epsilon (depth, 200 * 72 / 25.4, 1e-6);
  g_assert_cmpuint (second->jump, ==, 4);
  g_assert_false (second->slot.fixed);
  g_assert_true (box->is_pdf);
  g_assert_null (box->image);
  g_assert_cmpint (box->position, ==, JOPAN_BOX_AT_FOOT);
}

/* A slot in grid lines counts with the style's baseline. */
static void
test_slot_lines (void)
{
  JopanModuleSlot slot = { .fixed = TRUE, .top_lines = 10, .depth_lines = 40, .top = -1,
                           .depth = -1 };
  JopanStyle style = { .baseline = 12.5 };
  double top, depth;

  jopan_module_slot_points (&slot, &style, &top, &depth);
  g_assert_cmpfloat (top, ==, 125);
  g_assert_cmpfloat (depth, ==, 500);
}

static void
test_unknown_keys (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jopan-pagefile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "page.json", NULL);
  g_autofree char *text = g_strdup_printf (
      "{\"articles\": [{\"src\": \"%s/tests/layouts/quote.json\", \"colour\": 1}],\n"
      " \"editor\": \"x\"}", SOURCE_ROOT);
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  plan = jopan_page_plan_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plan->warnings->len, ==, 3); /* two and the NULL */
  /* The entry's unknown key is read first, then the page's. */
  g_assert_nonnull (strstr (g_ptr_array_index (plan->warnings, 0), ":2:12: editor: unknown key"));
  g_assert_nonnull (strstr (g_ptr_array_index (plan->warnings, 1),
                            "articles[0].colour: unknown key"));
  g_unlink (path);
  g_rmdir (dir);
}

/* The colour at (@x, @y) points of a 1-pixel-a-point RGB24 surface. */
static void
pixel (cairo_surface_t *surface, int x, int y, int rgb[3])
{
  const guchar *data = cairo_image_surface_get_data (surface);
  guint32 p = *(const guint32 *) (data + y * cairo_image_surface_get_stride (surface) + x * 4);

  rgb[0] = (p >> 16) & 0xFF, rgb[1] = (p >> 8) & 0xFF, rgb[2] = p & 0xFF;
}

static gboolean
near (const int rgb[3], int r, int g, int b)
{
  return abs (rgb[0] - r) < 40 && abs (rgb[1] - g) < 40 && abs (rgb[2] - b) < 40;
}

static void
test_boxes_drawn (void)
{
  g_autoptr (JopanPagePlan) image_plan = load ("five-ad.json");
  g_autoptr (JopanPagePlan) pdf_plan = load ("slot-pdf.json");
  JopanPage *page = jopan_page_new (500, 300, 1);
  g_autoptr (GHashTable) cache = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify) cairo_surface_destroy);
  g_autoptr (GString) dump = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 500, 300);
  cairo_t *cr = cairo_create (surface);
  int rgb[3];

  /* The 300 × 100 banner into a 100 × 200 frame: whole, 100 × 33.3,
   * centred, white above and below; neither cropped (as it was: to its
   * middle third, the advertiser's words at its ends lost) nor squeezed.
   * The 400 × 150 PDF into 200 × 200 likewise: 200 × 75. */
  jopan_page_add_box (page, g_ptr_array_index (image_plan->boxes, 0), 10, 10, 100, 200);
  jopan_page_add_box (page, g_ptr_array_index (pdf_plan->boxes, 0), 200, 10, 200, 200);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_true (jopan_render_page (cr, page, JOPAN_FORMAT_PNG, 1.0, cache, &error));
  g_assert_no_error (error);
  cairo_surface_flush (surface);

  pixel (surface, 60, 110, rgb);
  g_assert_true (near (rgb, 230, 200, 60));  /* the band, at the frame's centre */
  pixel (surface, 60, 97, rgb);
  g_assert_true (near (rgb, 20, 40, 110));   /* the field above it */
  pixel (surface, 12, 110, rgb);
  g_assert_true (near (rgb, 230, 200, 60));  /* the band's left end, all of it */
  pixel (surface, 60, 20, rgb);
  g_assert_true (near (rgb, 255, 255, 255)); /* above the fitted banner */
  pixel (surface, 300, 110, rgb);
  g_assert_true (near (rgb, 204, 26, 26));   /* the PDF's red */
  pixel (surface, 300, 30, rgb);
  g_assert_true (near (rgb, 255, 255, 255)); /* above the fitted PDF */
  pixel (surface, 200, 30, rgb);
  g_assert_cmpint (MAX (rgb[0], MAX (rgb[1], rgb[2])), <, 180); /* the frame (half a pixel) */
  pixel (surface, 201, 30, rgb);
  g_assert_true (near (rgb, 255, 255, 255)); /* inside it */

  jopan_page_dump (page, dump);
  g_assert_nonnull (strstr (dump->str, "  box      x=10.00 y=93.33 w=100.00 h=33.33 src=ad.png"));
  g_assert_nonnull (strstr (dump->str, "  box      x=200.00 y=10.00 w=200.00 h=200.00 pdf="));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  jopan_page_free (page);
}

/* A box whose slot is in grid lines is drawn that many lines deep (the
 * loader cannot count lines without the style; composition does). */
static void
test_box_slot_in_lines (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jopan-pagefile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "page.json", NULL);
  g_autofree char *text = g_strdup_printf (
      "{\"articles\": [\"%s/tests/pages/brief-tide.json\"],\n"
      " \"boxes\": [{\"src\": \"%s/tests/pages/ad.png\",\n"
      "   \"slot\": {\"column\": 4, \"columns\": 2, \"top\": 20, \"depth\": 10}}]}",
      SOURCE_ROOT, SOURCE_ROOT);
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  const JopanPage *page;
  int found = 0;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  plan = jopan_page_plan_load (path, &error);
  g_assert_no_error (error);
  doc = jopan_document_new_page (fonts, style, plan, NULL, &error);
  g_assert_no_error (error);
  page = g_ptr_array_index (doc->pages, 0);
  for (guint i = 0; i < doc->placed->len; i++)
    {
      const JopanPlaced *p = &g_array_index (doc->placed, JopanPlaced, i);
      if (p->is_box)
        g_assert_cmpfloat_with_epsilon (p->h, 10 * style->baseline, 1e-6);
    }
  /* The 3:1 banner in two columns (323.7 pt) 10 lines deep: whole,
   * 107.9 pt deep, centred; 2 pt short of its box is no finding. */
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_IMAGE && strcmp (b->role, "box") == 0)
        {
          g_assert_cmpfloat_with_epsilon (b->src_w, 300, 1e-6);
          g_assert_cmpfloat_with_epsilon (b->src_h, 100, 1e-6);
          g_assert_cmpfloat_with_epsilon (b->h, b->w / 3, 1e-6);
          g_assert_cmpfloat (b->h, <, 10 * style->baseline);
          found++;
        }
    }
  g_assert_cmpint (found, ==, 1);
  for (guint i = 0; i < jopan_document_get_n_findings (doc); i++)
    {
      const char *kind;
      jopan_document_get_finding (doc, i, &kind);
      g_assert_cmpstr (kind, !=, "box");
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* The "box" findings of @name composed in @style (NULL: the page's), in
 * @out, one a line. */
static void
box_findings (const char *dir, const char *name, const char *text, const char *style_name,
              GString *out)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;
  g_autoptr (JopanStyle) style = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  plan = jopan_page_plan_load (path, &error);
  g_assert_no_error (error);
  style = jopan_style_load (style_name ? style_name : plan->style, SOURCE_ROOT, &error);
  g_assert_no_error (error);
  doc = jopan_document_new_page (fonts, style, plan, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < jopan_document_get_n_findings (doc); i++)
    {
      const char *kind, *message = jopan_document_get_finding (doc, i, &kind);
      if (strcmp (kind, "box") == 0)
        g_string_append_printf (out, "%s\n", message);
    }
  g_unlink (path);
}

/* An advert made for its box (the sample bank's, 5 columns × 80 mm of
 * the berliner grid) is no finding; the same advert on the tabloid grid,
 * whose 5 columns are narrower, is set whole with white above and below,
 * and the finding says the size to ask for.  So is a PDF advert that the
 * box leaves white at its sides. */
static void
test_box_misfit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jopan-pagefile-XXXXXX", NULL);
  g_autofree char *bank = g_strdup_printf (
      "{\"style\": \"berliner\", \"articles\": [\"%s/tests/pages/brief-tide.json\"],\n"
      " \"boxes\": [{\"src\": \"%s/samples/ads/aldwick-mutual.png\", \"columns\": 5,\n"
      "   \"depth\": \"80mm\"}]}", SOURCE_ROOT, SOURCE_ROOT);
  g_autofree char *pdf = g_strdup_printf (
      "{\"style\": \"berliner\", \"articles\": [\"%s/tests/pages/brief-tide.json\"],\n"
      " \"boxes\": [{\"src\": \"%s/tests/pages/ad.pdf\", \"columns\": 5,\n"
      "   \"depth\": \"50mm\"}]}", SOURCE_ROOT, SOURCE_ROOT);
  g_autoptr (GString) found = g_string_new (NULL);

  box_findings (dir, "bank.json", bank, NULL, found);
  g_assert_cmpstr (found->str, ==, "");
  box_findings (dir, "bank.json", bank, "tabloid", found);
  g_assert_nonnull (strstr (found->str, "bank.json:2:20: boxes[0].src: "));
  g_assert_nonnull (strstr (found->str, "aldwick-mutual.png is 3.66:1, its box (5 columns × 80 mm, "
                                        "258 × 80 mm) 3.23:1: the advert is set whole at 258 × 70 mm, "
                                        "with 4.8 mm white above and below; supply it at 258 × 80 mm\n"));
  g_string_truncate (found, 0);
  box_findings (dir, "pdf.json", pdf, NULL, found);
  g_assert_nonnull (strstr (found->str, "ad.pdf is 2.67:1, its box (5 columns × 50 mm, 293 × 50 mm) "
                                        "5.86:1: the advert is set whole at 133 × 50 mm, with 79.8 mm "
                                        "white at each side; supply it at 293 × 50 mm\n"));
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pagefile/five-and-ad", test_five_and_ad);
  g_test_add_func ("/pagefile/slot-jump-pdf", test_slot_jump_pdf);
  g_test_add_func ("/pagefile/slot-lines", test_slot_lines);
  g_test_add_func ("/pagefile/unknown-keys", test_unknown_keys);
  g_test_add_func ("/pagefile/boxes-drawn", test_boxes_drawn);
  g_test_add_func ("/pagefile/box-slot-in-lines", test_box_slot_in_lines);
  g_test_add_func ("/pagefile/box-misfit", test_box_misfit);
  return g_test_run ();
}
