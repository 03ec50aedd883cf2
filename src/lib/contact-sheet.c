/* contact-sheet.c — every page as a thumbnail, in spreads: the flatplan.
 *
 * Page 1 stands alone on the right, then 2|3, 4|5 …: an even page on the
 * left of its spread, an odd one on the right, as the paper is printed.
 * Spreads sit SPREADS_PER_ROW to a row, each page's number under it.  The
 * numbers are drawn as seven-segment strokes, not set in a font, so the
 * sheet depends on no font the machine happens to have.  The pages are
 * drawn by poppler one at a time, straight onto the sheet.
 */
#include "jopan-private.h"

#include <poppler.h>
#include <math.h>
#include <string.h>

#define SPREADS_PER_ROW 4
#define THUMB_HEIGHT 300.0 /* pixels: a page's thumbnail, its width follows */
#define MARGIN 24.0        /* around the sheet and between spreads */
#define LABEL 36.0         /* the band under a row for the numbers */
#define DIGIT_HEIGHT 20.0
#define MAX_SHEET_PAGES 2000

typedef struct {
  double thumb_w;   /* one page's thumbnail width */
  guint first_slot; /* the spread slot (2 per spread) of the first page */
  guint n_slots;
  int width, height;
} Sheet;

/* Segments a..g of each digit, as bits 0..6. */
static const guint8 digit_segments[10] = { 0x3f, 0x06, 0x5b, 0x4f, 0x66,
                                           0x6d, 0x7d, 0x07, 0x7f, 0x6f };

/* One digit of height DIGIT_HEIGHT with its top-left corner at @x, @y. */
static void
draw_digit (cairo_t *cr, double x, double y, int digit)
{
  const double w = DIGIT_HEIGHT / 2, h = DIGIT_HEIGHT / 2;
  /* Each segment as x0, y0, x1, y1 in units of (w, h). */
  static const double seg[7][4] = { { 0, 0, 1, 0 }, { 1, 0, 1, 1 }, { 1, 1, 1, 2 }, { 0, 2, 1, 2 },
                                    { 0, 1, 0, 2 }, { 0, 0, 0, 1 }, { 0, 1, 1, 1 } };

  for (int s = 0; s < 7; s++)
    if (digit_segments[digit] & (1u << s))
      {
        cairo_move_to (cr, x + seg[s][0] * w, y + seg[s][1] * h);
        cairo_line_to (cr, x + seg[s][2] * w, y + seg[s][3] * h);
      }
  cairo_stroke (cr);
}

/* @number centred on @cx with its top at @y. */
static void
draw_number (cairo_t *cr, double cx, double y, guint number)
{
  char text[16];
  int len = g_snprintf (text, sizeof text, "%u", number);
  double advance = DIGIT_HEIGHT * 0.8;
  double x = cx - (len * advance - DIGIT_HEIGHT * 0.3) / 2;

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < len; i++)
    draw_digit (cr, x + i * advance, y, text[i] - '0');
}

/* Where page @slot (counted from the sheet's first slot) goes. */
static void
slot_origin (const Sheet *sheet, guint slot, double *x, double *y)
{
  guint spread = slot / 2, row = spread / SPREADS_PER_ROW, column = spread % SPREADS_PER_ROW;

  *x = MARGIN + column * (2 * sheet->thumb_w + MARGIN) + (slot % 2) * sheet->thumb_w;
  *y = MARGIN + row * (THUMB_HEIGHT + LABEL + MARGIN);
}

static PopplerDocument *
open_pdf (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &local);
  g_autofree char *absolute = NULL;
  PopplerDocument *pdf;

  if (uri == NULL)
    {
      absolute = g_canonicalize_filename (path, NULL);
      uri = g_filename_to_uri (absolute, NULL, NULL);
    }
  pdf = uri ? poppler_document_new_from_file (uri, NULL, &local) : NULL;
  if (pdf == NULL || poppler_document_get_n_pages (pdf) < 1)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %s: expected a PDF page", path,
                       local ? local->message : "no pages");
      g_clear_object (&pdf);
    }
  return pdf;
}

/* Draws @page scaled to a thumbnail at @x, @y, on white, with a hairline frame. */
static void
draw_page (cairo_t *cr, PopplerPage *page, const Sheet *sheet, double x, double y)
{
  double pw, ph, scale;

  poppler_page_get_size (page, &pw, &ph);
  scale = MIN (sheet->thumb_w / pw, THUMB_HEIGHT / ph);
  cairo_save (cr);
  cairo_translate (cr, x + (sheet->thumb_w - pw * scale) / 2, y + THUMB_HEIGHT - ph * scale);
  cairo_scale (cr, scale, scale);
  cairo_rectangle (cr, 0, 0, pw, ph);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  poppler_page_render (page, cr);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, x + (sheet->thumb_w - pw * scale) / 2 + 0.5,
                   y + THUMB_HEIGHT - ph * scale + 0.5, pw * scale - 1, ph * scale - 1);
  cairo_stroke (cr);
}

/* The first page's proportions set the thumbnails' width. */
static gboolean
sheet_init (Sheet *sheet, const char *first_pdf, guint n_pages, guint first_number,
            GError **error)
{
  PopplerDocument *pdf = open_pdf (first_pdf, error);
  PopplerPage *page;
  double pw, ph;
  guint rows;

  if (pdf == NULL)
    return FALSE;
  page = poppler_document_get_page (pdf, 0);
  poppler_page_get_size (page, &pw, &ph);
  g_object_unref (page);
  g_object_unref (pdf);
  sheet->thumb_w = CLAMP (ceil (THUMB_HEIGHT * pw / ph), 20.0, 4 * THUMB_HEIGHT);
  sheet->first_slot = first_number % 2 == 0 ? 0 : 1;
  sheet->n_slots = sheet->first_slot + n_pages;
  rows = (sheet->n_slots + 2 * SPREADS_PER_ROW - 1) / (2 * SPREADS_PER_ROW);
  sheet->width = (int) (MARGIN + SPREADS_PER_ROW * (2 * sheet->thumb_w + MARGIN));
  sheet->height = (int) (MARGIN + rows * (THUMB_HEIGHT + LABEL + MARGIN));
  return TRUE;
}

static cairo_status_t
append_png (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Draws every page of @pdf from slot *@slot on, numbering them from *@number. */
static void
draw_document (cairo_t *cr, const Sheet *sheet, PopplerDocument *pdf, guint *slot, guint *number)
{
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++, (*slot)++, (*number)++)
    {
      PopplerPage *page = poppler_document_get_page (pdf, i);
      double x, y;

      slot_origin (sheet, *slot, &x, &y);
      draw_page (cr, page, sheet, x, y);
      g_object_unref (page);
      draw_number (cr, x + sheet->thumb_w / 2, y + THUMB_HEIGHT + (LABEL - DIGIT_HEIGHT) / 2,
                   *number);
    }
}

static guint
count_pages (const char *const *page_pdfs, guint n, GError **error)
{
  guint pages = 0;

  for (guint i = 0; i < n; i++)
    {
      PopplerDocument *pdf = open_pdf (page_pdfs[i], error);
      if (pdf == NULL)
        return 0;
      pages += (guint) poppler_document_get_n_pages (pdf);
      g_object_unref (pdf);
      if (pages > MAX_SHEET_PAGES)
        {
          jopan_set_error (error, JOPAN_ERROR_USAGE, "%s: more than %d pages for one contact "
                           "sheet: expected fewer", page_pdfs[i], MAX_SHEET_PAGES);
          return 0;
        }
    }
  return pages;
}

static gboolean
draw_sheet (cairo_t *cr, const Sheet *sheet, const char *const *page_pdfs, guint n,
            guint first_number, GError **error)
{
  guint slot = sheet->first_slot, number = first_number;

  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  cairo_paint (cr);
  for (guint i = 0; i < n; i++)
    {
      PopplerDocument *pdf = open_pdf (page_pdfs[i], error);
      if (pdf == NULL)
        return FALSE;
      draw_document (cr, sheet, pdf, &slot, &number);
      g_object_unref (pdf);
    }
  return TRUE;
}

gboolean
jopan_contact_sheet_write (const char *const *page_pdfs, guint n, guint first_number,
                           const char *out_png, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  cairo_surface_t *surface;
  cairo_t *cr;
  Sheet sheet = { 0 };
  guint n_pages;
  gboolean ok;

  g_return_val_if_fail (page_pdfs != NULL && n > 0 && out_png != NULL, FALSE);
  g_return_val_if_fail (first_number > 0, FALSE);
  n_pages = count_pages (page_pdfs, n, error);
  if (n_pages == 0 || !sheet_init (&sheet, page_pdfs[0], n_pages, first_number, error))
    return FALSE;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, sheet.width, sheet.height);
  cr = cairo_create (surface);
  ok = draw_sheet (cr, &sheet, page_pdfs, n, first_number, error);
  cairo_destroy (cr);
  g_ptr_array_add (contents, g_byte_array_new ());
  if (ok && (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS
             || cairo_surface_write_to_png_stream (surface, append_png, contents->pdata[0])
                    != CAIRO_STATUS_SUCCESS))
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", out_png,
                       cairo_status_to_string (cairo_surface_status (surface)));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);
  g_ptr_array_add (paths, g_strdup (out_png));
  return ok && jopan_write_files_atomic (paths, contents, error);
}
