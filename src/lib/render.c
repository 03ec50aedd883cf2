/* render.c — a finished page display list onto cairo: PDF, SVG, PNG, or a
 * text dump.  Nothing here decides a position.
 *
 * Every output is drawn into memory first and written with a rename at the
 * end, so a failure leaves no partial file and keeps an older good one.
 */
#include "compose-private.h"

#include "jopan-config.h"

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <cairo-svg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>

#define MARK_SPACE 24.0 /* room for crop marks outside the bleed */
#define PRINT_MAX_PPI 600.0 /* decoded photos in PDF and SVG */

static double
page_pad (const JopanPage *page)
{
  return page->bleed + (page->marks ? MARK_SPACE : 0);
}

static cairo_surface_t *
image_surface_lookup (GHashTable *cache, const JopanBox *box, JopanFormat format, double scale,
                      GError **error)
{
  cairo_surface_t *surface = g_hash_table_lookup (cache, box->image);

  if (surface == NULL)
    {
      /* Raster output decodes at the scale the frame shows the photo;
       * print keeps up to PRINT_MAX_PPI, as a PDF/X export would, which
       * also bounds the memory a huge PNG takes.  (JPEGs pass through.) */
      double ppi = format == JOPAN_FORMAT_PNG ? scale : PRINT_MAX_PPI / 72.0;
      double need = MIN (1.0, ppi * box->w / box->src_w);
      surface = jopan_image_surface (box->image, format, need, error);
      if (surface == NULL)
        return NULL;
      g_hash_table_insert (cache, (gpointer) box->image, surface);
    }
  return surface;
}

static gboolean
draw_image (cairo_t *cr, const JopanBox *b, JopanFormat format, double scale, GHashTable *cache,
            GError **error)
{
  cairo_surface_t *surface = image_surface_lookup (cache, b, format, scale, error);
  cairo_matrix_t turn;
  int sw, sh;

  if (surface == NULL)
    return FALSE;
  sw = cairo_image_surface_get_width (surface);
  sh = cairo_image_surface_get_height (surface);
  cairo_save (cr);
  cairo_rectangle (cr, b->x, b->y, b->w, b->h);
  cairo_clip (cr);
  cairo_translate (cr, b->x, b->y);
  cairo_scale (cr, b->w / b->src_w, b->h / b->src_h);
  cairo_translate (cr, -b->src_x, -b->src_y);
  /* The surface holds the photo as stored; EXIF says how it is shown.  A
   * passed-through JPEG keeps its bytes, and the matrix turns it. */
  jopan_image_orientation (b->image, &turn);
  cairo_transform (cr, &turn);
  cairo_scale (cr, (double) b->image->raw_width / sw, (double) b->image->raw_height / sh);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  /* Raster edges stay sharp (no fade to transparent), even for a 1-pixel
   * image; PDF and SVG draw images with sharp edges already, and padding
   * would keep cairo from passing a JPEG through. */
  if (format == JOPAN_FORMAT_PNG)
    cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
  return TRUE;
}

/* A fixed box's PDF page as vectors: scaled to fit the box keeping its
 * proportions, centred, clipped to the box.  (The loader checked that it
 * is a one-page PDF poppler reads; the file may have changed since.) */
static gboolean
draw_pdf (cairo_t *cr, const JopanBox *b, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (b->path);
  g_autofree char *uri = g_file_get_uri (file);
  PopplerDocument *pdf = poppler_document_new_from_file (uri, NULL, &local);
  PopplerPage *page = pdf && poppler_document_get_n_pages (pdf) == 1
                      ? poppler_document_get_page (pdf, 0) : NULL;
  double pw = 0, ph = 0, scale;

  if (page)
    poppler_page_get_size (page, &pw, &ph);
  if (page == NULL || pw <= 0 || ph <= 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: cannot draw the box: %s", b->place,
                       local ? local->message : "expected a one-page PDF");
      g_clear_object (&page);
      g_clear_object (&pdf);
      return FALSE;
    }
  scale = MIN (b->w / pw, b->h / ph);
  cairo_save (cr);
  cairo_rectangle (cr, b->x, b->y, b->w, b->h);
  cairo_clip (cr);
  cairo_translate (cr, b->x + (b->w - pw * scale) / 2, b->y + (b->h - ph * scale) / 2);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_restore (cr);
  g_object_unref (page);
  g_object_unref (pdf);
  return TRUE;
}

static void
draw_crop_marks (cairo_t *cr, const JopanPage *page)
{
  double w = page->width, h = page->height, gap = page->bleed + 3, len = 15;
  const double corners[4][2] = { { 0, 0 }, { w, 0 }, { 0, h }, { w, h } };

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 0.25);
  for (int i = 0; i < 4; i++)
    {
      double x = corners[i][0], y = corners[i][1];
      double sx = x == 0 ? -1 : 1, sy = y == 0 ? -1 : 1;
      cairo_move_to (cr, x + sx * gap, y);
      cairo_line_to (cr, x + sx * (gap + len), y);
      cairo_move_to (cr, x, y + sy * gap);
      cairo_line_to (cr, x, y + sy * (gap + len));
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

gboolean
jopan_render_page (cairo_t *cr, const JopanPage *page, JopanFormat format, double scale,
                   GHashTable *surfaces, GError **error)
{
  cairo_translate (cr, page_pad (page), page_pad (page));
  if (page->marks & JOPAN_MARKS_CROP)
    draw_crop_marks (cr, page);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);

      cairo_set_source_rgb (cr, b->color[0], b->color[1], b->color[2]);
      switch (b->kind)
        {
        case JOPAN_BOX_TEXT:
          /* 장평 and justification's glyph scaling: a real horizontal
           * scale of the line, never a stretched face. */
          cairo_save (cr);
          cairo_translate (cr, b->x, b->y);
          if (b->scale > 0)
            cairo_scale (cr, b->scale, 1);
          cairo_move_to (cr, 0, 0);
          pango_cairo_show_layout_line (cr, pango_layout_get_line_readonly (b->layout, b->line));
          cairo_restore (cr);
          break;
        case JOPAN_BOX_RULE:
          cairo_set_line_width (cr, b->line_width);
          cairo_move_to (cr, b->x, b->y);
          cairo_rel_line_to (cr, b->w, b->h);
          cairo_stroke (cr);
          break;
        case JOPAN_BOX_IMAGE:
          if (!draw_image (cr, b, format, scale, surfaces, error))
            return FALSE;
          break;
        case JOPAN_BOX_PDF:
          if (!draw_pdf (cr, b, error))
            return FALSE;
          break;
        }
    }
  return TRUE;
}

/* ---- outputs --------------------------------------------------------------------- */

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static GHashTable *
surface_cache_new (void)
{
  return g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cairo_surface_destroy);
}

/* Cairo reports a failure (no memory, a size it cannot make) by returning
 * an object in an error state, which draws nothing and hands back NULL
 * pixels: every surface and context is checked where it is made. */
static gboolean
surface_ok (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: cannot render: %s", path,
                   cairo_status_to_string (status));
  cairo_surface_destroy (surface);
  return FALSE;
}

static gboolean
context_ok (cairo_t *cr, const char *path, GError **error)
{
  cairo_status_t status = cairo_status (cr);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: cannot render: %s", path,
                   cairo_status_to_string (status));
  return FALSE;
}

/* Closes @surface and checks that everything drew: finishing can fail. */
static gboolean
finish_surface (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t status;

  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: cannot render: %s", path,
                       cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

/* The document's date (jopan_document_set_date()), by default a fixed one,
 * 2000-01-01: the same input then gives the same bytes. */
static char *
creation_date (const JopanDocument *doc)
{
  gint64 seconds = doc->date > 0 ? doc->date : 946684800;
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

/* The article's headline, or a composed page's title. */
static const char *
document_title (const JopanDocument *doc)
{
  if (doc->article)
    return doc->article->headline;
  if (doc->plan && doc->plan->title)
    return doc->plan->title;
  return "jopan";
}

static gboolean
render_pdf (JopanDocument *doc, const char *path, GByteArray *out, GError **error)
{
  g_autoptr (GHashTable) cache = surface_cache_new ();
  g_autofree char *date = creation_date (doc);
  const JopanPage *first = g_ptr_array_index (doc->pages, 0);
  double pad = page_pad (first);
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (
      append_bytes, out, first->width + 2 * pad, first->height + 2 * pad);
  gboolean ok = surface_ok (surface, path, error);

  if (!ok)
    return FALSE;
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, document_title (doc));
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "jopan " JOPAN_VERSION);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, date);
  for (guint i = 0; ok && i < doc->pages->len; i++)
    {
      const JopanPage *page = g_ptr_array_index (doc->pages, i);
      cairo_t *cr;

      pad = page_pad (page);
      cairo_pdf_surface_set_size (surface, page->width + 2 * pad, page->height + 2 * pad);
      cr = cairo_create (surface);
      ok = context_ok (cr, path, error)
           && jopan_render_page (cr, page, JOPAN_FORMAT_PDF, 1.0, cache, error);
      cairo_show_page (cr);
      ok = ok && context_ok (cr, path, error);
      cairo_destroy (cr);
    }
  if (!ok)
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  return finish_surface (surface, path, error);
}

/* A preview is encoded for speed: zlib's fast level makes the file a
 * little larger and the encoding several times quicker than cairo's own
 * PNG writer, whose compression was most of a preview's time. */
static gboolean
encode_png (cairo_surface_t *surface, const char *path, GByteArray *out, GError **error)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int in_stride = cairo_image_surface_get_stride (surface);
  const guchar *in = cairo_image_surface_get_data (surface);
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (GError) local = NULL;
  g_autofree char *png = NULL;
  gsize length;
  guchar *pixels;
  int stride;

  cairo_surface_flush (surface);
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  if (pixbuf == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: no memory for a %d x %d preview", path, w, h);
      return FALSE;
    }
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < h; y++)
    {
      const guint32 *p = (const guint32 *) (in + (gsize) y * in_stride);
      guchar *q = pixels + (gsize) y * stride;
      for (int x = 0; x < w; x++, q += 3)
        q[0] = (p[x] >> 16) & 0xFF, q[1] = (p[x] >> 8) & 0xFF, q[2] = p[x] & 0xFF;
    }
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &length, "png", &local, "compression", "1", NULL))
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: cannot encode PNG: %s", path, local->message);
      return FALSE;
    }
  g_byte_array_append (out, (const guint8 *) png, (guint) length);
  return TRUE;
}

static gboolean
render_raster (const JopanPage *page, JopanFormat format, double dpi, const char *path,
               GByteArray *out, GError **error)
{
  g_autoptr (GHashTable) cache = surface_cache_new ();
  double pad = page_pad (page), scale = dpi / 72.0;
  double w = page->width + 2 * pad, h = page->height + 2 * pad;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  /* jopan_document_write checked the size against the preview limit. */
  if (format == JOPAN_FORMAT_SVG)
    surface = cairo_svg_surface_create_for_stream (append_bytes, out, w, h);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (w * scale),
                                          (int) ceil (h * scale));
  if (!surface_ok (surface, path, error))
    return FALSE;
  cr = cairo_create (surface);
  if (format == JOPAN_FORMAT_PNG)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      cairo_scale (cr, scale, scale);
    }
  ok = context_ok (cr, path, error) && jopan_render_page (cr, page, format, scale, cache, error)
       && context_ok (cr, path, error);
  cairo_destroy (cr);
  if (ok && format == JOPAN_FORMAT_PNG)
    ok = encode_png (surface, path, out, error);
  if (!ok)
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  return finish_surface (surface, path, error);
}

/* "page.png" for one page; "page-1.png", "page-2.png", … for several. */
char *
jopan_page_file_name (const char *path, guint index, guint n_pages)
{
  const char *dot = strrchr (path, '.');
  const char *slash = strrchr (path, '/');

  if (n_pages == 1)
    return g_strdup (path);
  if (dot == NULL || (slash && dot < slash))
    return g_strdup_printf ("%s-%u", path, index + 1);
  return g_strdup_printf ("%.*s-%u%s", (int) (dot - path), path, index + 1, dot);
}

/* A PNG page's size in pixels must stay within the preview limit (and so
 * within cairo's surface limit): checked for every page before any is
 * drawn, since at 2400 dpi a Berliner page would need 5 GB. */
static gboolean
check_preview (JopanDocument *doc, const char *path, double dpi, GError **error)
{
  if (!(dpi >= JOPAN_MIN_DPI && dpi <= JOPAN_MAX_DPI))
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "%s: a PNG resolution of %g dpi: expected %d to %d",
                       path, dpi, JOPAN_MIN_DPI, JOPAN_MAX_DPI);
      return FALSE;
    }
  for (guint i = 0; i < doc->pages->len; i++)
    {
      const JopanPage *page = g_ptr_array_index (doc->pages, i);
      double w = ceil ((page->width + 2 * page_pad (page)) * dpi / 72.0);
      double h = ceil ((page->height + 2 * page_pad (page)) * dpi / 72.0);

      if (w * h > JOPAN_MAX_PREVIEW_PIXELS || w > JOPAN_CAIRO_MAX_SIDE
          || h > JOPAN_CAIRO_MAX_SIDE)
        {
          jopan_set_error (error, JOPAN_ERROR_USAGE,
                           "%s: page %u at %g dpi would be %.0f x %.0f pixels (%.0f megapixels): "
                           "the limit is %.0f megapixels and %d pixels a side: use a lower resolution",
                           path, i + 1, dpi, w, h, w * h / 1e6, JOPAN_MAX_PREVIEW_PIXELS / 1e6,
                           JOPAN_CAIRO_MAX_SIDE);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
jopan_document_render (JopanDocument *doc, const char *path, JopanFormat format, double dpi,
                       GPtrArray *outputs, GError **error)
{
  if (format == JOPAN_FORMAT_PDF || format == JOPAN_FORMAT_DUMP)
    {
      GByteArray *out = g_byte_array_new ();
      g_ptr_array_add (outputs, out);
      if (format == JOPAN_FORMAT_DUMP)
        {
          g_autoptr (GString) text = g_string_new (NULL);
          for (guint i = 0; i < doc->pages->len; i++)
            jopan_page_dump (g_ptr_array_index (doc->pages, i), text);
          g_byte_array_append (out, (const guint8 *) text->str, (guint) text->len);
          return TRUE;
        }
      return render_pdf (doc, path, out, error);
    }
  if (format == JOPAN_FORMAT_PNG && !check_preview (doc, path, dpi, error))
    return FALSE;
  for (guint i = 0; i < doc->pages->len; i++)
    {
      GByteArray *out = g_byte_array_new ();
      g_autofree char *page = jopan_page_file_name (path, i, doc->pages->len);
      g_ptr_array_add (outputs, out);
      if (!render_raster (g_ptr_array_index (doc->pages, i), format, dpi, page, out, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
jopan_document_write (JopanDocument *doc, const char *path, JopanFormat format, double dpi,
                      GError **error)
{
  g_return_val_if_fail (doc != NULL && path != NULL, FALSE);
  return jopan_document_write_full (doc, path, format, dpi, NULL, error);
}
