/* png-io.c — PNG files in memory, written and read by libpng.
 *
 * The writer takes cairo's RGB24 rows as they are ready (a preview all at
 * once, a contact sheet band by band, from whichever thread finished a
 * band) and always makes 8-bit RGB.  libpng reports errors by longjmp:
 * every call into it goes through guarded(), whose frame holds the
 * setjmp and no local that changes, and everything to free on an error
 * lives in the writer or reader, never in a frame longjmp skips.  An
 * error leaves the writer failed: later calls return FALSE, and no bytes
 * are handed out, so no partial file is ever written.
 */
#include "jopan-private.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>
#include <zlib.h>

#define MESSAGE_BYTES 200
#define IDAT_BYTES 65536 /* the compressed data per IDAT chunk */

/* What libpng's error and warning callbacks need: where to put the message. */
typedef struct {
  char message[MESSAGE_BYTES];
} PngFailure;

static void
png_fail (png_structp png, png_const_charp message)
{
  PngFailure *failure = png_get_error_ptr (png);

  g_strlcpy (failure->message, message ? message : "libpng failed", sizeof failure->message);
  png_longjmp (png, 1);
}

/* A warning (a text too long, a chunk out of place) leaves a usable file. */
static void
png_warn (png_structp png, png_const_charp message)
{
}

/* Runs @step on @data, FALSE if libpng failed in it.  No local of this
 * frame changes after setjmp, so none is clobbered by the longjmp. */
static gboolean
guarded (png_structp png, void (*step) (gpointer), gpointer data)
{
  if (setjmp (png_jmpbuf (png)))
    return FALSE;
  step (data);
  return TRUE;
}

/* ---- writing ------------------------------------------------------------ */

struct _JopanPngWriter {
  PngFailure failure;   /* libpng's error pointer */
  png_structp png;
  png_infop info;
  guint32 width, height, rows_done;
  int filters, level;
  const char *key, *text; /* borrowed during jopan_png_writer_new() only */
  GByteArray *out;      /* the file so far */
  guint8 *row;          /* one row as 8-bit RGB */
  /* for add_rows: */
  cairo_surface_t *surface;
  JopanPngRowFunc convert;
  gpointer convert_data;
  gboolean failed;
};

static void
append_bytes (png_structp png, png_bytep data, size_t length)
{
  JopanPngWriter *w = png_get_io_ptr (png);

  g_byte_array_append (w->out, data, (guint) length);
}

static void
no_flush (png_structp png)
{
}

static void
write_header (gpointer data)
{
  JopanPngWriter *w = data;

  png_set_write_fn (w->png, w, append_bytes, no_flush);
  png_set_IHDR (w->png, w->info, w->width, w->height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_filter (w->png, PNG_FILTER_TYPE_BASE, w->filters);
  png_set_compression_level (w->png, w->level);
  /* libpng's default for filtered rows, Z_FILTERED, made the sheet 18 %
   * larger at level 6 (its runs of flat grey are better matched). */
  png_set_compression_strategy (w->png, Z_DEFAULT_STRATEGY);
  png_set_compression_buffer_size (w->png, IDAT_BYTES);
  if (w->key)
    {
      png_text text = { .compression = PNG_TEXT_COMPRESSION_NONE,
                        .key = (png_charp) w->key, .text = (png_charp) w->text,
                        .text_length = strlen (w->text) };
      png_set_text (w->png, w->info, &text, 1);
    }
  png_write_info (w->png, w->info);
}

/* Sets @error from a failed writer. */
static gboolean
writer_error (JopanPngWriter *w, GError **error)
{
  w->failed = TRUE;
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot encode PNG: %s", w->failure.message);
  return FALSE;
}

JopanPngWriter *
jopan_png_writer_new (guint32 width, guint32 height, int filters, int level, const char *key,
                      const char *text, GError **error)
{
  g_autoptr (JopanPngWriter) w = g_new0 (JopanPngWriter, 1);

  g_return_val_if_fail (width > 0 && height > 0 && (key == NULL || text != NULL), NULL);
  *w = (JopanPngWriter) { .width = width, .height = height, .filters = filters,
                          .level = level, .key = key, .text = text,
                          .out = g_byte_array_new (), .row = g_malloc (3 * (gsize) width) };
  g_strlcpy (w->failure.message, "no memory", sizeof w->failure.message);
  w->png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &w->failure, png_fail, png_warn);
  if (w->png)
    w->info = png_create_info_struct (w->png);
  if (w->info == NULL || !guarded (w->png, write_header, w))
    {
      writer_error (w, error);
      return NULL;
    }
  w->key = w->text = NULL;
  return g_steal_pointer (&w);
}

void
jopan_png_writer_free (JopanPngWriter *w)
{
  if (w == NULL)
    return;
  if (w->png)
    png_destroy_write_struct (&w->png, w->info ? &w->info : NULL);
  if (w->out)
    g_byte_array_unref (w->out);
  g_free (w->row);
  g_free (w);
}

void
jopan_rgb_row (const guint32 *p, guint32 width, guint8 *q)
{
  guint32 x = 0;

  /* Four words at a time: each one's R G B, lowest byte first, is its
   * bytes swapped and shifted down by 8; the twelve bytes go out as one
   * 64-bit and one 32-bit store. */
  for (; x + 3 < width; x += 4, q += 12)
    {
      guint64 t0 = GUINT32_SWAP_LE_BE (p[x]) >> 8, t1 = GUINT32_SWAP_LE_BE (p[x + 1]) >> 8;
      guint64 t2 = GUINT32_SWAP_LE_BE (p[x + 2]) >> 8, t3 = GUINT32_SWAP_LE_BE (p[x + 3]) >> 8;
      guint64 first = GUINT64_TO_LE (t0 | t1 << 24 | t2 << 48);
      guint32 rest = GUINT32_TO_LE ((guint32) (t2 >> 16 | t3 << 8));

      memcpy (q, &first, 8);
      memcpy (q + 8, &rest, 4);
    }
  for (; x < width; x++, q += 3)
    q[0] = (guint8) (p[x] >> 16), q[1] = (guint8) (p[x] >> 8), q[2] = (guint8) p[x];
}

static void
write_rows (gpointer data)
{
  JopanPngWriter *w = data;
  const guchar *pixels = cairo_image_surface_get_data (w->surface);
  int stride = cairo_image_surface_get_stride (w->surface);
  int rows = cairo_image_surface_get_height (w->surface);

  for (int y = 0; y < rows; y++, w->rows_done++)
    {
      jopan_rgb_row ((const guint32 *) (const void *) (pixels + (gsize) y * stride), w->width, w->row);
      if (w->convert)
        w->convert (w->row, w->width, w->convert_data);
      png_write_row (w->png, w->row);
    }
}

gboolean
jopan_png_writer_add_rows (JopanPngWriter *w, cairo_surface_t *surface, JopanPngRowFunc convert,
                           gpointer data, GError **error)
{
  gboolean ok;

  g_return_val_if_fail (cairo_image_surface_get_format (surface) == CAIRO_FORMAT_RGB24, FALSE);
  g_return_val_if_fail ((guint32) cairo_image_surface_get_width (surface) == w->width, FALSE);
  g_return_val_if_fail (w->rows_done + (guint32) cairo_image_surface_get_height (surface)
                        <= w->height, FALSE);
  if (w->failed)
    return writer_error (w, error);
  cairo_surface_flush (surface);
  w->surface = surface, w->convert = convert, w->convert_data = data;
  ok = guarded (w->png, write_rows, w);
  w->surface = NULL, w->convert = NULL, w->convert_data = NULL;
  return ok || writer_error (w, error);
}

static void
write_end (gpointer data)
{
  JopanPngWriter *w = data;

  png_write_end (w->png, NULL);
}

GByteArray *
jopan_png_writer_finish (JopanPngWriter *w, GError **error)
{
  if (!w->failed && w->rows_done != w->height)
    {
      g_strlcpy (w->failure.message, "rows missing", sizeof w->failure.message);
      w->failed = TRUE;
    }
  if (w->failed || !guarded (w->png, write_end, w))
    {
      writer_error (w, error);
      return NULL;
    }
  w->failed = TRUE; /* finished: nothing more goes in */
  return g_steal_pointer (&w->out);
}

/* ---- reading ------------------------------------------------------------ */

typedef struct {
  PngFailure failure;   /* libpng's error pointer */
  png_structp png;
  png_infop info, end;
  const guchar *data;   /* the bytes not read yet */
  gsize left;
  const char *key;      /* the tEXt wanted, or NULL */
  char *text;           /* @key's text, once found */
  png_uint_32 width, height;
  cairo_surface_t *surface; /* the image, if wanted */
  guint8 *row;
} PngReader;

static void
take_bytes (png_structp png, png_bytep out, size_t length)
{
  PngReader *r = png_get_io_ptr (png);

  if (length > r->left)
    png_error (png, "the file ends early");
  memcpy (out, r->data, length);
  r->data += length, r->left -= length;
}

/* @key's text among @info's, if not found before. */
static void
find_text (PngReader *r, png_infop info)
{
  png_textp texts = NULL;
  int n = png_get_text (r->png, info, &texts, NULL);

  for (int i = 0; i < n && r->text == NULL; i++)
    if (strcmp (texts[i].key, r->key) == 0)
      r->text = g_strndup (texts[i].text, texts[i].text_length);
}

/* The header, up to the image data: 8-bit RGB, not interlaced. */
static void
read_header (PngReader *r)
{
  int depth, kind, interlace;

  png_set_read_fn (r->png, r, take_bytes);
  png_set_user_limits (r->png, JOPAN_CAIRO_MAX_SIDE, JOPAN_CAIRO_MAX_SIDE);
  png_read_info (r->png, r->info);
  png_get_IHDR (r->png, r->info, &r->width, &r->height, &depth, &kind, &interlace, NULL, NULL);
  if (depth != 8 || kind != PNG_COLOR_TYPE_RGB || interlace != PNG_INTERLACE_NONE)
    png_error (r->png, "expected 8-bit RGB, not interlaced");
  r->row = g_malloc (3 * (gsize) r->width);
}

/* The text: before the image data, or else after it (the rows are read
 * one at a time into one row, to reach it). */
static void
read_text (gpointer data)
{
  PngReader *r = data;

  read_header (r);
  find_text (r, r->info);
  if (r->text)
    return;
  for (png_uint_32 y = 0; y < r->height; y++)
    png_read_row (r->png, r->row, NULL);
  png_read_end (r->png, r->end);
  find_text (r, r->end);
}

/* The image into an RGB24 surface, and the chunks after it. */
static void
read_image (gpointer data)
{
  PngReader *r = data;
  guchar *pixels;
  int stride;

  read_header (r);
  r->surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) r->width, (int) r->height);
  if (cairo_surface_status (r->surface) != CAIRO_STATUS_SUCCESS)
    png_error (r->png, "no memory for the image");
  pixels = cairo_image_surface_get_data (r->surface);
  stride = cairo_image_surface_get_stride (r->surface);
  for (png_uint_32 y = 0; y < r->height; y++)
    {
      guint32 *p = (guint32 *) (void *) (pixels + (gsize) y * stride);
      const guint8 *q = r->row;

      png_read_row (r->png, r->row, NULL);
      for (png_uint_32 x = 0; x < r->width; x++, q += 3)
        p[x] = (guint32) q[0] << 16 | (guint32) q[1] << 8 | q[2];
    }
  cairo_surface_mark_dirty (r->surface);
  png_read_end (r->png, r->end);
}

/* Runs @step over @data; FALSE with @error set if libpng failed. */
static gboolean
read_png (PngReader *r, const guchar *data, gsize length, void (*step) (gpointer), GError **error)
{
  gboolean ok;

  r->data = data, r->left = length;
  g_strlcpy (r->failure.message, "no memory", sizeof r->failure.message);
  r->png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &r->failure, png_fail, png_warn);
  if (r->png)
    {
      r->info = png_create_info_struct (r->png);
      r->end = png_create_info_struct (r->png);
    }
  ok = r->info && r->end && guarded (r->png, step, r);
  png_destroy_read_struct (&r->png, r->info ? &r->info : NULL, r->end ? &r->end : NULL);
  g_clear_pointer (&r->row, g_free);
  if (!ok)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot read PNG: %s", r->failure.message);
      g_clear_pointer (&r->surface, cairo_surface_destroy);
      g_clear_pointer (&r->text, g_free);
    }
  return ok;
}

gboolean
jopan_png_read_text (const guchar *data, gsize length, const char *key, char **text,
                     guint32 *width, guint32 *height, GError **error)
{
  PngReader r = { .key = key };

  g_return_val_if_fail (data != NULL && key != NULL && text != NULL, FALSE);
  if (!read_png (&r, data, length, read_text, error))
    return FALSE;
  *text = r.text;
  *width = r.width, *height = r.height;
  return TRUE;
}

cairo_surface_t *
jopan_png_read (const guchar *data, gsize length, GError **error)
{
  PngReader r = { 0 };

  g_return_val_if_fail (data != NULL, NULL);
  return read_png (&r, data, length, read_image, error) ? r.surface : NULL;
}
