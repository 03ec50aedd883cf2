/* test-images.c — golden images: low-resolution PNGs of ordinary pages.
 *
 * Each case (the two samples and some tests/layouts cases) is rendered by
 * jopan's own PNG writer at 24 to 36 dpi and compared pixel by pixel with
 * tests/layouts/NAME.png (NAME-1.png, … for several pages).  Anti-aliasing
 * may differ a little between cairo and pixman versions, so a pixel counts
 * as changed only when a channel moves by more than PIXEL_TOLERANCE, and a
 * page fails when more than MAX_CHANGED of its pixels changed (a line of
 * text moved or lost changes several times that).  On failure the actual
 * page and a diff (changed pixels red over a faded golden) are written to
 * the build folder and their paths printed, as libass's tests do.
 * JOPAN_REGENERATE=1 rewrites the golden images; review them before
 * committing.
 */
#include "jopan-private.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SOURCE TEST_DATA "/../.."
#define GOLDEN TEST_DATA "/../layouts"
#define PIXEL_TOLERANCE 32
#define MAX_CHANGED 0.0002

typedef struct {
  const char *name;     /* golden images: GOLDEN/NAME.png */
  const char *article;  /* from the source root */
  const char *style;
  double dpi;           /* low: the photos' grain makes large PNGs */
} Case;

static const Case cases[] = {
  { "sample-harbour", "samples/harbour.json", "berliner", 24 },
  { "sample-seoul-market", "samples/seoul-market.json", "berliner", 24 },
  { "keeps", "tests/layouts/keeps.json", "a4", 36 },
  { "quote", "tests/layouts/quote.json", "a4", 36 },
};

static JopanDocument *
lay_out (const Case *c, JopanFonts *fonts, JopanStyle **style, JopanArticle **article)
{
  g_autofree char *path = g_build_filename (SOURCE, c->article, NULL);
  g_autoptr (GError) error = NULL;
  JopanDocument *doc;

  *style = jopan_style_load (c->style, SOURCE_ROOT, &error);
  g_assert_no_error (error);
  *article = jopan_article_load (path, &error);
  g_assert_no_error (error);
  doc = jopan_document_new (fonts, *style, *article, &error);
  g_assert_no_error (error);
  return doc;
}

/* "DIR/NAME.png", or "DIR/NAME-2.png" for page 2 of several (as
 * jopan_document_write names them). */
static char *
page_png (const char *dir, const char *name, guint page, guint n_pages)
{
  g_autofree char *file = n_pages == 1 ? g_strdup_printf ("%s.png", name)
                                       : g_strdup_printf ("%s-%u.png", name, page + 1);
  return g_build_filename (dir, file, NULL);
}

/* How many pixels of @a and @b differ by more than the tolerance; fills
 * @diff (the size of @b): changed pixels red, the others @b faded. */
static gsize
compare_pixels (GdkPixbuf *a, GdkPixbuf *b, GdkPixbuf *diff, double *rms)
{
  int w = gdk_pixbuf_get_width (b), h = gdk_pixbuf_get_height (b);
  int na = gdk_pixbuf_get_n_channels (a), nb = gdk_pixbuf_get_n_channels (b);
  int nd = gdk_pixbuf_get_n_channels (diff);
  gsize changed = 0;
  double sum = 0;

  for (int y = 0; y < h; y++)
    {
      const guchar *pa = gdk_pixbuf_read_pixels (a) + (gsize) y * gdk_pixbuf_get_rowstride (a);
      const guchar *pb = gdk_pixbuf_read_pixels (b) + (gsize) y * gdk_pixbuf_get_rowstride (b);
      guchar *pd = gdk_pixbuf_get_pixels (diff) + (gsize) y * gdk_pixbuf_get_rowstride (diff);
      for (int x = 0; x < w; x++)
        {
          int worst = 0;
          for (int k = 0; k < 3; k++)
            {
              int d = abs (pa[x * na + k] - pb[x * nb + k]);
              worst = MAX (worst, d);
              sum += (double) d * d;
            }
          changed += worst > PIXEL_TOLERANCE;
          for (int k = 0; k < 3; k++)
            pd[x * nd + k] = worst > PIXEL_TOLERANCE ? (k == 0 ? 255 : 0)
                                                     : (guchar) (192 + pb[x * nb + k] / 4);
        }
    }
  *rms = sqrt (sum / (3.0 * w * h));
  return changed;
}

/* Compares the rendered page @actual_path with @golden_path; on a
 * difference writes a diff image beside the actual one.  Returns NULL if
 * they match, else what differs. */
static char *
compare_page (const char *actual_path, const char *golden_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) actual = gdk_pixbuf_new_from_file (actual_path, &error);
  g_autoptr (GdkPixbuf) golden = NULL;
  g_autoptr (GdkPixbuf) diff = NULL;
  g_autofree char *diff_path = NULL;
  gsize changed, total;
  double rms;

  g_assert_no_error (error);
  golden = gdk_pixbuf_new_from_file (golden_path, &error);
  if (golden == NULL)
    return g_strdup_printf ("%s: %s (JOPAN_REGENERATE=1 writes it)", golden_path, error->message);
  if (gdk_pixbuf_get_width (actual) != gdk_pixbuf_get_width (golden)
      || gdk_pixbuf_get_height (actual) != gdk_pixbuf_get_height (golden))
    return g_strdup_printf ("%s is %d x %d pixels, %s %d x %d", actual_path,
                            gdk_pixbuf_get_width (actual), gdk_pixbuf_get_height (actual),
                            golden_path, gdk_pixbuf_get_width (golden),
                            gdk_pixbuf_get_height (golden));
  diff = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, gdk_pixbuf_get_width (golden),
                         gdk_pixbuf_get_height (golden));
  changed = compare_pixels (actual, golden, diff, &rms);
  total = (gsize) gdk_pixbuf_get_width (golden) * (gsize) gdk_pixbuf_get_height (golden);
  g_test_message ("%s: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " pixels changed, RMS %.2f",
                  golden_path, changed, total, rms);
  if (changed <= MAX_CHANGED * total)
    return NULL;
  diff_path = g_strdup_printf ("%.*s-diff.png", (int) strlen (actual_path) - 4, actual_path);
  g_assert_true (gdk_pixbuf_save (diff, diff_path, "png", &error, NULL));
  return g_strdup_printf ("%s differs from %s in %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                          " pixels (at most %.0f allowed; RMS %.2f); the diff is in %s",
                          actual_path, golden_path, changed, total, MAX_CHANGED * total, rms,
                          diff_path);
}

/* Renders @doc's pages into the build folder as @name and compares each
 * with the golden image of @golden_name (or, if @may_regenerate, rewrites
 * them under JOPAN_REGENERATE).  Returns NULL if all match. */
static char *
render_and_compare (JopanDocument *doc, double dpi, const char *name, const char *golden_name,
                    gboolean may_regenerate)
{
  g_autofree char *dir = g_build_filename (TEST_BUILD, "images", NULL);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  guint n = doc->pages->len;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  out = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PNG, dpi, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *actual = page_png (dir, name, i, n);
      g_autofree char *golden = page_png (GOLDEN, golden_name, i, n);
      char *differs;

      if (may_regenerate && g_getenv ("JOPAN_REGENERATE"))
        {
          /* Re-encoded at zlib's best level: the golden files stay small. */
          g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (actual, &error);
          g_assert_no_error (error);
          g_assert_true (gdk_pixbuf_save (pixbuf, golden, "png", &error, "compression", "9", NULL));
        }
      if ((differs = compare_page (actual, golden)))
        return differs;
    }
  return NULL;
}

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanStyle) style = NULL;
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  g_autofree char *differs = NULL;

  g_assert_no_error (error);
  doc = lay_out (c, fonts, &style, &article);
  differs = render_and_compare (doc, c->dpi, c->name, c->name, TRUE);
  if (differs)
    g_error ("%s", differs);
}

/* The comparison sees a changed rendering: the same page with one body
 * line moved half a line down, and with one line gone. */
static void
test_detects_change (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  const Case *c = &cases[2];

  g_assert_no_error (error);
  for (int mutation = 0; mutation < 2; mutation++)
    {
      g_autoptr (JopanStyle) style = NULL;
      g_autoptr (JopanArticle) article = NULL;
      g_autoptr (JopanDocument) doc = lay_out (c, fonts, &style, &article);
      JopanPage *page = g_ptr_array_index (doc->pages, 0);
      g_autofree char *differs = NULL;
      g_autofree char *name = g_strdup_printf ("changed-%s-%d", c->name, mutation);

      for (guint i = 0; i < page->boxes->len; i++)
        {
          JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
          if (b->kind != JOPAN_BOX_TEXT || strcmp (b->role, "body") != 0 || b->para_line != 1)
            continue;
          if (mutation == 0)
            b->y += style->baseline / 2;
          else
            b->kind = JOPAN_BOX_RULE, b->w = b->h = b->line_width = 0;
          break;
        }
      /* Compared with the unchanged golden pages under this case's name. */
      differs = render_and_compare (doc, c->dpi, name, c->name, FALSE);
      g_assert_nonnull (differs);
      g_test_message ("changed rendering caught: %s", differs);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/images/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/images/detects-change", test_detects_change);
  return g_test_run ();
}
