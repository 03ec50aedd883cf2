/* test-png.c — the PNG writer and reader over libpng (png-io.c): rows in
 * bands, the filter asked for, the tEXt before or after the image, and
 * libpng's errors as GErrors, with no file handed out; and a contact
 * sheet's thumbnails, drawn with few distinct glyph scales. */
#include "jopan-private.h"

#include "support.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <string.h>
#include <zlib.h>

#define KEY "jopan:pages"

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* @w x @h RGB24 of a pattern that differs in every channel, from row @y0. */
static cairo_surface_t *
pattern (int w, int h, int y0)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  guchar *data = cairo_image_surface_get_data (s);

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      ((guint32 *) (void *) (data + y * cairo_image_surface_get_stride (s)))[x]
        = (guint32) ((x * 7 + y0 + y) & 0xff) << 16 | (guint32) (((y0 + y) * 3) & 0xff) << 8
          | (guint32) ((x ^ (y0 + y)) & 0xff);
  cairo_surface_mark_dirty (s);
  return s;
}

static gboolean
same_pixels (cairo_surface_t *a, cairo_surface_t *b, int y0)
{
  int w = cairo_image_surface_get_width (a);

  for (int y = 0; y < cairo_image_surface_get_height (a); y++)
    {
      const guint32 *p = (const guint32 *) (const void *) (cairo_image_surface_get_data (a)
                                                          + y * cairo_image_surface_get_stride (a));
      const guint32 *q = (const guint32 *) (const void *) (cairo_image_surface_get_data (b)
                                                          + (y0 + y) * cairo_image_surface_get_stride (b));
      for (int x = 0; x < w; x++)
        if ((p[x] & 0xffffff) != (q[x] & 0xffffff))
          return FALSE;
    }
  return TRUE;
}

/* A 300 x 200 file written in two bands of 120 and 80 rows. */
static GByteArray *
two_bands (int filter, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPngWriter) w = jopan_png_writer_new (300, 200, filter, 1, text ? KEY : NULL, text,
                                                       &error);
  cairo_surface_t *top = pattern (300, 120, 0), *bottom = pattern (300, 80, 120);
  GByteArray *png;

  g_assert_no_error (error);
  g_assert_true (jopan_png_writer_add_rows (w, top, NULL, NULL, &error));
  g_assert_true (jopan_png_writer_add_rows (w, bottom, NULL, NULL, &error));
  png = jopan_png_writer_finish (w, &error);
  g_assert_no_error (error);
  cairo_surface_destroy (top);
  cairo_surface_destroy (bottom);
  return png;
}

/* The bands come back as they went in, with the text; every row carries
 * the one filter asked for (Up: 2, Sub: 1). */
static void
test_round_trip (void)
{
  const int filters[2] = { PNG_FILTER_UP, PNG_FILTER_SUB }, kinds[2] = { 2, 1 };

  for (int f = 0; f < 2; f++)
    {
      g_autoptr (GByteArray) png = two_bands (filters[f], "1-4,7");
      g_autoptr (GByteArray) idat = g_byte_array_new ();
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;
      g_autofree guint8 *raw = g_malloc (200 * 901);
      uLongf got = 200 * 901;
      cairo_surface_t *back = jopan_png_read (png->data, png->len, &error);
      cairo_surface_t *top = pattern (300, 120, 0), *bottom = pattern (300, 80, 120);
      guint32 width, height;

      g_assert_no_error (error);
      g_assert_true (jopan_png_read_text (png->data, png->len, KEY, &text, &width, &height, &error));
      g_assert_cmpstr (text, ==, "1-4,7");
      g_assert_cmpuint (width, ==, 300);
      g_assert_cmpuint (height, ==, 200);
      /* Before the image: a merge reads it without decoding the sheet. */
      g_assert_true ((guint8 *) memmem (png->data, png->len, "tEXt", 4)
                     < (guint8 *) memmem (png->data, png->len, "IDAT", 4));
      g_assert_true (same_pixels (top, back, 0));
      g_assert_true (same_pixels (bottom, back, 120));
      for (guint at = 8; at + 12 <= png->len; at += 12 + get32 (png->data + at))
        if (memcmp (png->data + at + 4, "IDAT", 4) == 0)
          g_byte_array_append (idat, png->data + at + 8, get32 (png->data + at));
      g_assert_cmpint (uncompress (raw, &got, idat->data, idat->len), ==, Z_OK);
      g_assert_cmpuint (got, ==, 200 * 901);
      for (int y = 0; y < 200; y++)
        g_assert_cmpuint (raw[y * 901], ==, kinds[f]);
      cairo_surface_destroy (back);
      cairo_surface_destroy (top);
      cairo_surface_destroy (bottom);
    }
}

/* The tEXt is read after the image too, where jopan's own encoder put it
 * before libpng wrote the sheets: such a part's sheet still merges. */
static void
test_text_after_image (void)
{
  g_autoptr (GByteArray) png = two_bands (PNG_FILTER_UP, "2-9");
  g_autoptr (GByteArray) moved = g_byte_array_new ();
  g_autoptr (GByteArray) text_chunk = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL, *other = NULL;
  guint32 width = 0, height = 0;

  g_byte_array_append (moved, png->data, 8);
  for (guint at = 8; at + 12 <= png->len; at += 12 + get32 (png->data + at))
    {
      guint n = 12 + get32 (png->data + at);
      if (memcmp (png->data + at + 4, "tEXt", 4) == 0)
        g_byte_array_append (text_chunk, png->data + at, n);
      else
        {
          if (memcmp (png->data + at + 4, "IEND", 4) == 0)
            g_byte_array_append (moved, text_chunk->data, text_chunk->len);
          g_byte_array_append (moved, png->data + at, n);
        }
    }
  g_assert_cmpuint (text_chunk->len, >, 12);
  g_assert_cmpuint (moved->len, ==, png->len);
  g_assert_true (jopan_png_read_text (moved->data, moved->len, KEY, &text, &width, &height, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "2-9");
  g_assert_cmpuint (width, ==, 300);
  /* Another key: none, and no error. */
  g_assert_true (jopan_png_read_text (moved->data, moved->len, "other", &other, &width, &height,
                                      &error));
  g_assert_null (other);
}

/* libpng's errors (it longjmps out of them) come back as GErrors with
 * its reason, and a failed writer hands out no file. */
static void
test_writer_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanPngWriter) w = NULL;
  cairo_surface_t *band = pattern (50, 10, 0);
  GByteArray *png;

  /* Wider than libpng's own limit of a million pixels a row. */
  w = jopan_png_writer_new (2000000, 1, PNG_FILTER_UP, 1, NULL, NULL, &error);
  g_assert_null (w);
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT);
  g_assert_nonnull (strstr (error->message, "cannot encode PNG: "));
  g_clear_error (&error);
  /* Ten rows of twenty: finishing is an error, and stays one. */
  w = jopan_png_writer_new (50, 20, PNG_FILTER_UP, 1, KEY, "1", &error);
  g_assert_true (jopan_png_writer_add_rows (w, band, NULL, NULL, &error));
  png = jopan_png_writer_finish (w, &error);
  g_assert_null (png);
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT);
  g_assert_nonnull (strstr (error->message, "rows missing"));
  g_clear_error (&error);
  g_assert_false (jopan_png_writer_add_rows (w, band, NULL, NULL, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT);
  g_clear_error (&error);
  g_assert_null (jopan_png_writer_finish (w, &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT);
  cairo_surface_destroy (band);
}

static void
chunk (GByteArray *png, const char *type, const guint8 *data, guint32 n)
{
  guint8 be[4] = { n >> 24, n >> 16, n >> 8, n };
  guint32 crc = (guint32) crc32 (0, (const Bytef *) type, 4);

  if (n > 0) /* (crc32 of no buffer is its start value, not @crc) */
    crc = (guint32) crc32 (crc, data, n);

  g_byte_array_append (png, be, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, n);
  be[0] = crc >> 24, be[1] = crc >> 16, be[2] = crc >> 8, be[3] = crc;
  g_byte_array_append (png, be, 4);
}

/* A valid 1 x 1 grey PNG. */
static GByteArray *
gray_png (void)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
  static const guint8 header[13] = { 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0 };
  static const guint8 row[2] = { 0, 0x80 };
  guint8 data[64];
  uLongf n = sizeof data;
  GByteArray *png = g_byte_array_new ();

  g_assert_cmpint (compress (data, &n, row, sizeof row), ==, Z_OK);
  g_byte_array_append (png, signature, 8);
  chunk (png, "IHDR", header, sizeof header);
  chunk (png, "IDAT", data, (guint32) n);
  chunk (png, "IEND", NULL, 0);
  return png;
}

/* Broken or foreign files: an error, never a crash (the sanitizer build
 * checks nothing leaks across libpng's longjmp). */
static void
test_reader_errors (void)
{
  g_autoptr (GByteArray) png = two_bands (PNG_FILTER_UP, "1");
  g_autoptr (GByteArray) gray = gray_png ();
  const gsize cuts[3] = { 4, 40, png->len / 2 };
  guint32 width, height;
  char *text = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GError) error2 = NULL;
      g_assert_null (jopan_png_read (png->data, cuts[i], &error));
      g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
      /* The text is after the image data here: cut, it is not reached. */
      g_assert_false (jopan_png_read_text (png->data, cuts[i], "other", &text, &width, &height, &error2));
      g_assert_error (error2, JOPAN_ERROR, JOPAN_ERROR_INPUT);
      g_assert_null (text);
    }
  /* A byte of the image data changed: its CRC no longer matches. */
  png->data[png->len / 2] ^= 0x55;
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (jopan_png_read (png->data, png->len, &error));
    g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
  }
  {
    g_autoptr (GError) error = NULL;
    g_assert_null (jopan_png_read (gray->data, gray->len, &error));
    g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
    g_assert_nonnull (strstr (error->message, "expected 8-bit RGB"));
  }
}

/* A composed page as a thumbnail 300 pixels tall, exactly or as a
 * thumbnail; the number of distinct horizontal scales its small text is
 * drawn with into @n_scales. */
static cairo_surface_t *
thumbnail (const JopanPage *page, gboolean rounded, guint *n_scales)
{
  g_autoptr (GHashTable) scales = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr (GHashTable) photos = g_hash_table_new_full (NULL, NULL, NULL,
                                                         (GDestroyNotify) cairo_surface_destroy);
  g_autoptr (GError) error = NULL;
  double pw, ph, scale;
  cairo_surface_t *surface;
  cairo_t *cr;

  jopan_page_media_size (page, &pw, &ph);
  scale = 300 / ph;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (pw * scale), 300);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  g_assert_true (jopan_render_warm (page, JOPAN_FORMAT_PNG, scale, photos, &error));
  g_assert_true (rounded ? jopan_render_thumbnail (cr, page, scale, photos, NULL, &error)
                         : jopan_render_page_full (cr, page, JOPAN_FORMAT_PNG, scale, photos, NULL, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      const PangoFontDescription *font;
      double s;

      if (b->kind != JOPAN_BOX_TEXT || b->scale <= 0)
        continue;
      font = pango_layout_get_font_description (b->layout);
      if (font == NULL || scale * pango_font_description_get_size (font) / PANGO_SCALE >= 4)
        continue;
      s = jopan_render_line_scale (b, rounded, scale);
      /* The line ends within half a pixel of its place; off a thumbnail, on it. */
      g_assert_cmpfloat (fabs (s - b->scale) * b->w * scale, <=, 0.5);
      if (!rounded)
        g_assert_cmpfloat (s, ==, b->scale);
      g_hash_table_add (scales, g_memdup2 (&(gint64) { (gint64) llround (s * 1e9) }, sizeof (gint64)));
    }
  *n_scales = g_hash_table_size (scales);
  cairo_surface_flush (surface);
  return surface;
}

/* The mean luminance of the 8 x 8 block at @bx, @by. */
static double
block_mean (cairo_surface_t *s, int bx, int by)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  double sum = 0;

  for (int y = by; y < by + 8; y++)
    for (int x = bx; x < bx + 8; x++)
      {
        guint32 p = ((const guint32 *) (const void *) (data + y * stride))[x];
        sum += ((p >> 16 & 0xff) + (p >> 8 & 0xff) + (p & 0xff)) / 3.0;
      }
  return sum / 64;
}

/* Each distinct glyph scale costs cairo a new font whose glyphs are all
 * rasterised again: a thumbnail's small text uses a handful, not one a
 * justified line.  Text under 3 pixels to the em is greeked (drawn as
 * a grey bar a word, render.c): every such line, and the thumbnail keeps
 * the tone of the page drawn exactly, 8 x 8 pixels at a time. */
static void
test_thumbnail_scales (gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = support_compose_sample (fonts, data);
  const JopanPage *page = g_ptr_array_index (doc->pages, 0);
  guint exact_scales, rounded_scales, differ = 0, n = 0, small = 0;
  gint greeked = g_atomic_int_get (&jopan_render_greeked_lines);
  cairo_surface_t *exact = thumbnail (page, FALSE, &exact_scales);
  cairo_surface_t *rounded = thumbnail (page, TRUE, &rounded_scales);
  int w = cairo_image_surface_get_width (exact);
  double sum = 0, worst = 0, pw, ph, scale;

  jopan_page_media_size (page, &pw, &ph);
  scale = 300 / ph;

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      const PangoFontDescription *font = b->kind == JOPAN_BOX_TEXT
                                         ? pango_layout_get_font_description (b->layout) : NULL;
      small += font && scale * pango_font_description_get_size (font) / PANGO_SCALE < 3.0;
    }
  g_test_message ("%u of %u boxes greeked", small, page->boxes->len);
  g_assert_cmpuint (small, >, 100);
  g_assert_cmpint (g_atomic_int_get (&jopan_render_greeked_lines) - greeked, ==, (gint) small);

  g_test_message ("glyph scales: %u exact, %u in the thumbnail", exact_scales, rounded_scales);
  g_assert_cmpuint (exact_scales, >, 20);
  g_assert_cmpuint (rounded_scales, <=, 12);
  for (int y = 0; y + 8 <= 300; y += 8)
    for (int x = 0; x + 8 <= w; x += 8)
      {
        double d = block_mean (rounded, x, y) - block_mean (exact, x, y);
        differ += fabs (d) > 0.5;
        sum += d;
        worst = MAX (worst, fabs (d));
        n++;
      }
  g_test_message ("%u of %u blocks differ, by %.2f on average, at most %.1f", differ, n, sum / n,
                  worst);
  g_assert_cmpfloat (fabs (sum / n), <, 1.0);
  g_assert_cmpfloat (worst, <, 24);
  cairo_surface_destroy (exact);
  cairo_surface_destroy (rounded);
}

/* cairo's words as R, G, B bytes at every width up to past two rounds
 * of four, the byte beyond the row left alone. */
static void
test_rgb_row (void)
{
  for (guint32 w = 0; w <= 13; w++)
    {
      guint32 words[13];
      guint8 bytes[13 * 3 + 1];

      for (guint32 x = 0; x < w; x++)
        words[x] = (0x5Au << 24) | ((x * 37 + 1) & 0xFF) << 16 | ((255 - x * 11) & 0xFF) << 8
                   | ((x * 53 + 7) & 0xFF);
      memset (bytes, 0xEE, sizeof bytes);
      jopan_rgb_row (words, w, bytes);
      for (guint32 x = 0; x < w; x++)
        {
          g_assert_cmpuint (bytes[3 * x], ==, (guint8) (x * 37 + 1));
          g_assert_cmpuint (bytes[3 * x + 1], ==, (guint8) (255 - x * 11));
          g_assert_cmpuint (bytes[3 * x + 2], ==, (guint8) (x * 53 + 7));
        }
      g_assert_cmpuint (bytes[3 * w], ==, 0xEE);
    }
}

/* ---- photos: libpng with libdeflate against gdk-pixbuf ---------------------- */

/* An odd PNG for the photo decoder: @kind at @depth, a pattern that uses
 * every bit, a palette (and tRNS, gAMA) as asked, IDAT chunks of
 * @idat_bytes (many when small).  Written by libpng, into @path. */
typedef struct {
  const char *name;
  int kind, depth, interlace, width, height;
  gboolean trns, gama;
  size_t idat_bytes;
  gboolean declined; /* the photo decoder leaves it to gdk-pixbuf */
} OddPng;

static void
write_odd (const OddPng *o, const char *path)
{
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  FILE *f = fopen (path, "wb");
  int channels = png_get_channels (png, info);
  gsize row_bytes;
  g_autofree guint8 *row = NULL;

  g_assert_nonnull (f);
  g_assert_false (setjmp (png_jmpbuf (png)));
  png_init_io (png, f);
  png_set_compression_buffer_size (png, o->idat_bytes);
  png_set_IHDR (png, info, (png_uint_32) o->width, (png_uint_32) o->height, o->depth, o->kind,
                o->interlace, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (o->kind == PNG_COLOR_TYPE_PALETTE)
    {
      png_color palette[256];
      png_byte alpha[256];
      for (int i = 0; i < 256; i++)
        palette[i] = (png_color) { (png_byte) (i * 7), (png_byte) (255 - i), (png_byte) (i * 13) },
        alpha[i] = (png_byte) (i * 29);
      png_set_PLTE (png, info, palette, 1 << o->depth);
      if (o->trns)
        png_set_tRNS (png, info, alpha, 1 << MIN (o->depth, 7), NULL);
    }
  else if (o->trns)
    {
      png_color_16 key = { 0, 3, 5, 7, 1 };
      png_set_tRNS (png, info, NULL, 0, &key);
    }
  if (o->gama)
    png_set_gAMA (png, info, 0.7);
  png_write_info (png, info);
  channels = png_get_channels (png, info);
  row_bytes = ((gsize) o->width * channels * o->depth + 7) / 8;
  row = g_malloc (row_bytes);
  for (int pass = png_set_interlace_handling (png); pass > 0; pass--)
    for (int y = 0; y < o->height; y++)
      {
        for (gsize x = 0; x < row_bytes; x++)
          row[x] = (guint8) (x < 64 ? 0 : (x * 31 + (gsize) y * 17) ^ (x / 7) ^ ((gsize) y << 3));
        png_write_row (png, row);
      }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  fclose (f);
}

/* Whether @path decodes the same both ways: the same pixels, or both
 * fail, or (@may_decline) the decoder leaves the file to gdk-pixbuf. */
static gboolean
photo_same (const char *path, gboolean may_decline)
{
  g_autofree char *data = NULL;
  gsize n;
  g_autoptr (GdkPixbuf) old = gdk_pixbuf_new_from_file (path, NULL);
  g_autofree guint8 *pixels = NULL;
  int w = 0, h = 0, stride = 0;
  gboolean alpha = FALSE;

  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  pixels = jopan_png_photo_decode ((const guchar *) data, n, &w, &h, &stride, &alpha);
  if (pixels == NULL)
    return old == NULL || may_decline;
  if (old == NULL || w != gdk_pixbuf_get_width (old) || h != gdk_pixbuf_get_height (old)
      || alpha != gdk_pixbuf_get_has_alpha (old))
    return FALSE;
  for (int y = 0; y < h; y++)
    if (memcmp (pixels + (gsize) y * stride,
                gdk_pixbuf_read_pixels (old) + (gsize) y * gdk_pixbuf_get_rowstride (old),
                (gsize) w * (alpha ? 4 : 3))
        != 0)
      return FALSE;
  return TRUE;
}

/* Whether the decoder takes @path at all. */
static gboolean
photo_taken (const char *path)
{
  g_autofree char *data = NULL;
  g_autofree guint8 *pixels = NULL;
  gsize n;
  int w, h, stride;
  gboolean alpha;

  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  pixels = jopan_png_photo_decode ((const guchar *) data, n, &w, &h, &stride, &alpha);
  return pixels != NULL;
}

static const OddPng odd_pngs[] = {
  { "grey1", PNG_COLOR_TYPE_GRAY, 1, 0, 301, 67, FALSE, FALSE, 8192, FALSE },
  { "grey2", PNG_COLOR_TYPE_GRAY, 2, 0, 299, 41, FALSE, FALSE, 8192, FALSE },
  { "grey4", PNG_COLOR_TYPE_GRAY, 4, 0, 157, 90, FALSE, TRUE, 8192, FALSE },
  { "grey8", PNG_COLOR_TYPE_GRAY, 8, 0, 333, 211, FALSE, FALSE, 8192, FALSE },
  { "grey8-trns", PNG_COLOR_TYPE_GRAY, 8, 0, 333, 211, TRUE, FALSE, 8192, FALSE },
  { "grey16", PNG_COLOR_TYPE_GRAY, 16, 0, 129, 130, FALSE, TRUE, 8192, FALSE },
  { "grey-alpha8", PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0, 255, 99, FALSE, FALSE, 8192, FALSE },
  { "grey-alpha16", PNG_COLOR_TYPE_GRAY_ALPHA, 16, 0, 77, 88, FALSE, FALSE, 8192, FALSE },
  { "rgb8", PNG_COLOR_TYPE_RGB, 8, 0, 401, 300, FALSE, TRUE, 8192, FALSE },
  { "rgb8-trns", PNG_COLOR_TYPE_RGB, 8, 0, 97, 300, TRUE, FALSE, 8192, FALSE },
  { "rgb16", PNG_COLOR_TYPE_RGB, 16, 0, 211, 150, FALSE, FALSE, 8192, FALSE },
  { "rgba8", PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 1203, 177, FALSE, FALSE, 1 << 20, FALSE },
  { "rgba8-small-idats", PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 603, 277, FALSE, FALSE, 100, FALSE },
  { "rgba16", PNG_COLOR_TYPE_RGB_ALPHA, 16, 0, 100, 333, FALSE, FALSE, 8192, FALSE },
  { "palette1", PNG_COLOR_TYPE_PALETTE, 1, 0, 513, 77, TRUE, FALSE, 8192, FALSE },
  { "palette2", PNG_COLOR_TYPE_PALETTE, 2, 0, 255, 250, FALSE, FALSE, 8192, FALSE },
  { "palette4", PNG_COLOR_TYPE_PALETTE, 4, 0, 129, 400, TRUE, FALSE, 8192, FALSE },
  { "palette8", PNG_COLOR_TYPE_PALETTE, 8, 0, 640, 480, FALSE, FALSE, 8192, FALSE },
  { "palette8-trns", PNG_COLOR_TYPE_PALETTE, 8, 0, 640, 480, TRUE, TRUE, 8192, FALSE },
  { "rgba8-interlaced", PNG_COLOR_TYPE_RGB_ALPHA, 8, 1, 301, 203, FALSE, FALSE, 8192, TRUE },
  { "palette4-interlaced", PNG_COLOR_TYPE_PALETTE, 4, 1, 129, 40, FALSE, FALSE, 8192, TRUE },
  { "one-pixel", PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, 1, 1, FALSE, FALSE, 8192, FALSE },
};

/* The odd PNGs written into a new directory; returns it. */
static char *
odd_dir (void)
{
  char *dir = g_dir_make_tmp ("jopan-photo-XXXXXX", NULL);

  g_assert_nonnull (dir);
  for (guint i = 0; i < G_N_ELEMENTS (odd_pngs); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s.png", dir, odd_pngs[i].name);
      write_odd (&odd_pngs[i], name);
    }
  return dir;
}

static void
remove_odd (char *dir)
{
  for (guint i = 0; i < G_N_ELEMENTS (odd_pngs); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s/%s.png", dir, odd_pngs[i].name);
      g_remove (name);
    }
  g_rmdir (dir);
  g_free (dir);
}

/* Every sample advertisement, the tests' PNG photos and the odd PNGs
 * decode to gdk-pixbuf's pixels, byte for byte; damaged copies are
 * declined (left to gdk-pixbuf, which says what is wrong). */
static void
test_photo_decode (void)
{
  const char *dirs[] = { SOURCE_ROOT "/samples/ads", TEST_DATA "/photos" };
  char *dir = odd_dir ();
  guint compared = 0;

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autoptr (GDir) listing = g_dir_open (dirs[d], 0, NULL);
      const char *name;

      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)) != NULL)
        if (g_str_has_suffix (name, ".png"))
          {
            g_autofree char *path = g_build_filename (dirs[d], name, NULL);
            g_assert_true (photo_taken (path));
            g_assert_true (photo_same (path, FALSE));
            compared++;
          }
    }
  g_assert_cmpuint (compared, >=, 9);
  for (guint i = 0; i < G_N_ELEMENTS (odd_pngs); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, odd_pngs[i].name);
      g_assert_true (photo_taken (path) != odd_pngs[i].declined);
      if (!photo_same (path, odd_pngs[i].declined))
        g_error ("%s: the photo decoder's pixels differ from gdk-pixbuf's", odd_pngs[i].name);
    }
  remove_odd (dir);
}

/* Damaged copies of an advertisement (a byte changed every few hundred,
 * in turn; the file cut short): the decoder never gives other pixels than
 * gdk-pixbuf, nor any where gdk-pixbuf fails; it may leave a file to it. */
static void
test_photo_damaged (void)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-photo-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "damaged.png", NULL);
  guint declined = 0;
  gsize n;

  g_assert_true (g_file_get_contents (SOURCE_ROOT "/samples/ads/corn-street-books.png", &data, &n, NULL));
  for (gsize at = 9; at < n; at += 331)
    {
      data[at] ^= 0x21;
      g_assert_true (g_file_set_contents (path, data, (gssize) n, NULL));
      g_assert_true (photo_same (path, TRUE));
      declined += !photo_taken (path);
      data[at] ^= 0x21;
    }
  for (gsize cut = 0; cut < n; cut += n / 13 + 1)
    {
      g_assert_true (g_file_set_contents (path, data, (gssize) cut, NULL));
      g_assert_false (photo_taken (path));
    }
  g_assert_cmpuint (declined, >, 100);
  /* Its zlib header naming a 512-byte window, which the data overreaches:
   * zlib (gdk-pixbuf) fails, and the decoder, whose libdeflate would not,
   * declines it. */
  for (gsize i = 8; i + 12 <= n; i += 12 + get32 ((const guint8 *) data + i))
    if (memcmp (data + i + 4, "IDAT", 4) == 0)
      {
        guint8 *z = (guint8 *) data + i + 8;
        guint32 length = get32 ((const guint8 *) data + i), crc;
        g_assert_cmphex (z[0], ==, 0x78);
        z[0] = 0x18, z[1] = (guint8) (z[1] & 0xE0);
        z[1] = (guint8) (z[1] + (31 - (z[0] * 256 + z[1]) % 31) % 31);
        crc = (guint32) crc32 (0, (const guint8 *) data + i + 4, length + 4);
        z[length] = (guint8) (crc >> 24), z[length + 1] = (guint8) (crc >> 16);
        z[length + 2] = (guint8) (crc >> 8), z[length + 3] = (guint8) crc;
        break;
      }
  g_assert_true (g_file_set_contents (path, data, (gssize) n, NULL));
  g_assert_false (photo_taken (path));
  g_assert_true (photo_same (path, FALSE));
  g_remove (path);
  g_rmdir (dir);
}

/* The comparison sees a broken decoder: the inflated rows put where
 * libpng's writing overtakes them (any transform that widens a row). */
static void
test_photo_broken (void)
{
  char *dir = odd_dir ();
  guint differ = 0;

  jopan_png_photo_break (1);
  for (guint i = 0; i < G_N_ELEMENTS (odd_pngs); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, odd_pngs[i].name);
      differ += !photo_same (path, odd_pngs[i].declined);
    }
  jopan_png_photo_break (0);
  remove_odd (dir);
  g_assert_cmpuint (differ, >=, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/png/round-trip", test_round_trip);
  g_test_add_func ("/png/rgb-row", test_rgb_row);
  g_test_add_func ("/png/text-after-image", test_text_after_image);
  g_test_add_func ("/png/writer-errors", test_writer_errors);
  g_test_add_func ("/png/reader-errors", test_reader_errors);
  g_test_add_data_func ("/png/thumbnail-scales", "en-front.json", test_thumbnail_scales);
  g_test_add_data_func ("/png/thumbnail-scales-korean", "ko-front.json", test_thumbnail_scales);
  g_test_add_func ("/png/photo-decode", test_photo_decode);
  g_test_add_func ("/png/photo-damaged", test_photo_damaged);
  g_test_add_func ("/png/photo-broken", test_photo_broken);
  return g_test_run ();
}
