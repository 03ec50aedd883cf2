/* image.c — photos: header probing, and surfaces for vector or raster output. */
#include "jopan-private.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>

/* A JPEG whose data stops before its end marker would print as a grey band. */
static gboolean
jpeg_complete (const char *path)
{
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);
  const guchar *data;
  gsize n;

  if (map == NULL)
    return FALSE;
  data = (const guchar *) g_mapped_file_get_contents (map);
  n = g_mapped_file_get_length (map);
  if (n < 4 || data[0] != 0xFF || data[1] != 0xD8)
    return FALSE;
  /* Allow a little trailing padding after the EOI marker. */
  for (gsize i = n - 1; i >= 1 && i + 64 >= n; i--)
    if (data[i - 1] == 0xFF && data[i] == 0xD9)
      return TRUE;
  return FALSE;
}

gboolean
jopan_image_probe (JopanImageRef *image, GError **error)
{
  GdkPixbufFormat *format;
  g_autofree char *name = NULL;

  if (!g_file_test (image->path, G_FILE_TEST_IS_REGULAR))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot open photo \"%s\": no such file",
                       image->src);
      return FALSE;
    }
  format = gdk_pixbuf_get_file_info (image->path, &image->width, &image->height);
  if (format == NULL || image->width <= 0 || image->height <= 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT,
                       "photo \"%s\" is not a readable image (expected JPEG or PNG)", image->src);
      return FALSE;
    }
  name = gdk_pixbuf_format_get_name (format);
  image->is_jpeg = strcmp (name, "jpeg") == 0;
  if (image->is_jpeg && !jpeg_complete (image->path))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "photo \"%s\" is a damaged JPEG (truncated or "
                       "without an end marker)", image->src);
      return FALSE;
    }
  if (!image->is_jpeg && strcmp (name, "png") != 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "photo \"%s\" is %s: expected JPEG or PNG",
                       image->src, name);
      return FALSE;
    }
  return TRUE;
}

/* Copies a pixbuf into a premultiplied ARGB32 surface. */
static cairo_surface_t *
surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int in_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *in = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  int out_stride = cairo_image_surface_get_stride (surface);
  guchar *out = cairo_image_surface_get_data (surface);

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    {
      const guchar *p = in + (gsize) y * in_stride;
      guint32 *q = (guint32 *) (out + (gsize) y * out_stride);
      for (int x = 0; x < w; x++, p += channels)
        {
          guint a = channels == 4 ? p[3] : 255;
          guint r = (p[0] * a + 127) / 255, g = (p[1] * a + 127) / 255, b = (p[2] * a + 127) / 255;
          q[x] = (a << 24) | (r << 16) | (g << 8) | b;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
free_mapped (void *data)
{
  g_mapped_file_unref (data);
}

cairo_surface_t *
jopan_image_surface (const JopanImageRef *image, JopanFormat format, double scale, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  gboolean vector = format != JOPAN_FORMAT_PNG;

  if (vector && image->is_jpeg)
    {
      /* The pixels are never read: cairo's PDF and SVG back ends embed the
       * JPEG from its MIME data.  For PDF a one-pixel stand-in (the caller
       * scales it to the photo's size) keeps cairo from copying a
       * photo-sized blank when it snapshots the source; SVG sizes the
       * image element by the surface, so it gets the real size. */
      int w = format == JOPAN_FORMAT_PDF ? 1 : image->width;
      int h = format == JOPAN_FORMAT_PDF ? 1 : image->height;
      GMappedFile *map = g_mapped_file_new (image->path, FALSE, &local);
      cairo_surface_t *surface;

      if (map == NULL)
        {
          jopan_set_error (error, JOPAN_ERROR_INPUT, "%s", local->message);
          return NULL;
        }
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                                   (const guchar *) g_mapped_file_get_contents (map),
                                   g_mapped_file_get_length (map), free_mapped, map);
      return surface;
    }
  if (scale < 1.0 && !vector)
    pixbuf = gdk_pixbuf_new_from_file_at_scale (image->path, MAX (1, (int) (image->width * scale)),
                                                MAX (1, (int) (image->height * scale)), FALSE,
                                                &local);
  else
    pixbuf = gdk_pixbuf_new_from_file (image->path, &local);
  if (pixbuf == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "photo \"%s\": %s", image->src, local->message);
      return NULL;
    }
  return surface_from_pixbuf (pixbuf);
}
