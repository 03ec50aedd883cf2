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

#include <libdeflate.h>
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

/* ---- photos ------------------------------------------------------------- *
 *
 * A photo's PNG, decoded to the pixels gdk-pixbuf's loader gives (its
 * transforms, below), but faster: zlib inflates an advertisement's long
 * runs of one colour a byte at a time (a 2884 x 787 one took 27 ms),
 * libdeflate at once (1 ms).  So libdeflate inflates the image data, and
 * libpng reads the file with that data put back as stored (uncompressed)
 * deflate blocks in IDAT chunks: zlib only copies them, and libpng does
 * the rest (filters, transforms, every other chunk) as it does for
 * gdk-pixbuf.  Everything either path checks is checked: the critical
 * chunks' checksums and the zlib stream (adler32 and length) here, the
 * rest by libpng.  The IDATs libpng reads are ours, so its second look
 * at checksums of critical chunks and zlib's at the adler32 are skipped
 * (PNG_CRC_QUIET_USE, PNG_IGNORE_ADLER32).  Anything unusual (interlaced,
 * damaged, sizes that disagree) is declined, and the caller reads the
 * file the old way, which reports what is wrong.
 *
 * The inflated data lies in the pixels' own buffer, at an offset chosen so
 * that libpng's writing row y never reaches bytes it has not yet read (it
 * reads all of row y before writing it): no second image-sized buffer. */

#define STORED_MAX 65535 /* bytes in one stored deflate block */

static int photo_broken;

void
jopan_png_photo_break (int how)
{
  g_atomic_int_set (&photo_broken, how);
}

static guint32
be32_at (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24), p[1] = (guint8) (v >> 16), p[2] = (guint8) (v >> 8), p[3] = (guint8) v;
}

typedef struct {
  PngFailure failure;          /* libpng's error pointer */
  png_structp png;
  png_infop info, end;
  const guchar *file;
  gsize n;
  gsize idat_start, idat_end;  /* the file's IDAT chunks: first's start, last's end */
  GBytes *packed;              /* their data, joined */
  guint32 width, height;
  int depth, kind;
  gsize raw_row, raw_n;        /* filtered rows as inflated: one's bytes, all */
  guint8 *pixels;              /* the output; the inflated data at @raw */
  gsize stride, size;
  guint8 *raw;
  png_bytep *rows;
  /* what take_photo_bytes() serves: the file up to its IDATs, ours, the rest */
  gsize at;                    /* in the file, outside the IDATs */
  gsize block, blocks;         /* the stored block (an IDAT chunk each) being served */
  guint8 head[8 + 2 + 5], tail[4 + 4];
  gsize head_n, tail_n, part_at;
  int part;                    /* 0 head, 1 data, 2 tail; 3 the file's rest */
  guint32 crc, adler;
} PhotoReader;

/* The file's chunks: the header's fields, and where its IDATs lie (one
 * run, each chunk's CRC right).  Returns: FALSE to decline the file. */
static gboolean
photo_chunks (PhotoReader *r)
{
  GByteArray *joined = NULL;
  gsize i = 8, first = 0, last = 0, chunks = 0;

  while (r->n - i >= 12)
    {
      guint32 length = be32_at (r->file + i);
      const guchar *type = r->file + i + 4;

      if (length > r->n - i - 12 || (i == 8) != (memcmp (type, "IHDR", 4) == 0))
        break;
      if (i == 8 && length == 13)
        {
          r->width = be32_at (type + 4), r->height = be32_at (type + 8);
          r->depth = type[12], r->kind = type[13];
          if (type[16] != PNG_INTERLACE_NONE)
            break;
        }
      /* Critical chunks' checksums here: libpng is told to skip them
       * (its IDATs are ours), and libdeflate's CRC is the faster. */
      if (!(type[0] & 0x20) && libdeflate_crc32 (0, type, length + 4) != be32_at (type + 4 + length))
        break;
      if (memcmp (type, "IDAT", 4) == 0)
        {
          if (chunks > 0 && last != i)
            break;
          first = chunks++ == 0 ? i : first, last = i + 12 + length;
          if (joined == NULL)
            joined = g_byte_array_new ();
          g_byte_array_append (joined, type + 4, length);
        }
      if (memcmp (type, "IEND", 4) == 0)
        {
          r->idat_start = first, r->idat_end = last;
          r->packed = joined ? g_byte_array_free_to_bytes (joined) : NULL;
          return r->packed != NULL && r->width > 0 && r->depth > 0;
        }
      i += 12 + length;
    }
  if (joined)
    g_byte_array_unref (joined);
  return FALSE;
}

/* Starts stored block @r->block: its IDAT chunk's length and type, the
 * zlib header before the first block, the block's own header. */
static void
photo_block_start (PhotoReader *r)
{
  gsize left = r->raw_n - r->block * STORED_MAX, take = MIN (left, (gsize) STORED_MAX);
  gboolean first = r->block == 0, final = r->block + 1 == r->blocks;
  guint8 *h = r->head + 8;

  if (first)
    *h++ = 0x78, *h++ = 0x01; /* deflate, 32 KiB window, no dictionary */
  *h++ = final ? 1 : 0;      /* BFINAL, BTYPE 00: stored */
  h[0] = (guint8) take, h[1] = (guint8) (take >> 8);
  h[2] = (guint8) ~take, h[3] = (guint8) (~take >> 8);
  r->head_n = (gsize) (h + 4 - r->head);
  put_be32 (r->head, (guint32) (r->head_n - 8 + take + (final ? 4 : 0)));
  memcpy (r->head + 4, "IDAT", 4);
  r->crc = libdeflate_crc32 (0, r->head + 4, r->head_n - 4);
  r->part = 0, r->part_at = 0;
}

/* Ends the block: the adler32 after the last one, the chunk's CRC. */
static void
photo_block_end (PhotoReader *r)
{
  r->tail_n = 0;
  if (r->block + 1 == r->blocks)
    {
      put_be32 (r->tail, r->adler);
      r->crc = libdeflate_crc32 (r->crc, r->tail, 4);
      r->tail_n = 4;
    }
  put_be32 (r->tail + r->tail_n, r->crc);
  r->tail_n += 4;
  r->part = 2, r->part_at = 0;
}

/* Up to @length bytes of the block being served into @out.  Returns: how many. */
static gsize
photo_block_bytes (PhotoReader *r, guint8 *out, gsize length)
{
  gsize data_at = r->block * STORED_MAX, take = MIN (r->raw_n - data_at, (gsize) STORED_MAX);
  const guint8 *from;
  gsize n;

  if (r->part == 0)
    from = r->head + r->part_at, n = MIN (length, r->head_n - r->part_at);
  else if (r->part == 1)
    {
      from = r->raw + data_at + r->part_at, n = MIN (length, take - r->part_at);
      r->crc = libdeflate_crc32 (r->crc, from, n);
      r->adler = libdeflate_adler32 (r->adler, from, n);
    }
  else
    from = r->tail + r->part_at, n = MIN (length, r->tail_n - r->part_at);
  memcpy (out, from, n);
  r->part_at += n;
  if (r->part == 0 && r->part_at == r->head_n)
    r->part = 1, r->part_at = 0;
  if (r->part == 1 && r->part_at == take)
    photo_block_end (r);
  else if (r->part == 2 && r->part_at == r->tail_n && ++r->block < r->blocks)
    photo_block_start (r);
  else if (r->part == 2 && r->part_at == r->tail_n)
    r->part = 3, r->at = r->idat_end;
  return n;
}

/* libpng's read function: the file, its IDAT chunks replaced by ours. */
static void
take_photo_bytes (png_structp png, png_bytep out, size_t length)
{
  PhotoReader *r = png_get_io_ptr (png);

  while (length > 0)
    {
      gsize n;

      if (r->part == 3 || r->at < r->idat_start)
        {
          gsize end = r->part == 3 ? r->n : r->idat_start;
          if (r->at == end)
            png_error (png, "the file ends early");
          n = MIN (length, end - r->at);
          memcpy (out, r->file + r->at, n);
          r->at += n;
        }
      else
        n = photo_block_bytes (r, out, length);
      out += n, length -= n;
    }
}

/* The transforms gdk-pixbuf's PNG loader asks for (io-png.c, 2.42):
 * palette and grey to RGB, tRNS to alpha, depths to 8; no gamma. */
static void
photo_transforms (PhotoReader *r)
{
  png_structp png = r->png;

  if ((r->kind == PNG_COLOR_TYPE_PALETTE && r->depth <= 8)
      || (r->kind == PNG_COLOR_TYPE_GRAY && r->depth < 8)
      || png_get_valid (png, r->info, PNG_INFO_tRNS) || r->depth < 8)
    png_set_expand (png);
  if (r->depth == 16)
    png_set_strip_16 (png);
  if (r->kind == PNG_COLOR_TYPE_GRAY || r->kind == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (png);
  png_read_update_info (png, r->info);
  if (png_get_bit_depth (png, r->info) != 8
      || (png_get_color_type (png, r->info) != PNG_COLOR_TYPE_RGB
          && png_get_color_type (png, r->info) != PNG_COLOR_TYPE_RGB_ALPHA)
      || png_get_rowbytes (png, r->info) != (gsize) r->width * png_get_channels (png, r->info))
    png_error (png, "not a photo this reader takes");
}

/* Room for the pixels, with the inflated rows inside at @r->raw: row y
 * is written at y·stride and read up to raw + (y + 1)·raw_row, so raw
 * starts far enough on for the first to stay below the second. */
static void
photo_buffer (PhotoReader *r)
{
  gsize out = png_get_rowbytes (r->png, r->info), h = r->height, off = 0;
  gint64 first = (gint64) out - (gint64) r->raw_row;
  gint64 last = (gint64) (h - 1) * ((gint64) r->stride - (gint64) r->raw_row) + first;

  if (!g_atomic_int_get (&photo_broken))
    off = (gsize) MAX (0, MAX (first, last));
  r->size = MAX (h * r->stride, off + r->raw_n);
  if ((r->pixels = g_try_malloc (r->size)) == NULL)
    png_error (r->png, "no memory for the image");
  r->raw = r->pixels + off;
}

/* The whole photo: header, transforms, the data inflated, the rows, the end. */
static void
read_photo (gpointer data)
{
  PhotoReader *r = data;
  png_uint_32 w, h;
  int depth, kind, interlace, channels;
  struct libdeflate_decompressor *z;
  enum libdeflate_result result;
  size_t used = 0, got = 0;

  png_set_read_fn (r->png, r, take_photo_bytes);
  png_set_option (r->png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
  png_set_crc_action (r->png, PNG_CRC_QUIET_USE, PNG_CRC_DEFAULT);
  png_read_info (r->png, r->info);
  png_get_IHDR (r->png, r->info, &w, &h, &depth, &kind, &interlace, NULL, NULL);
  if (w != r->width || h != r->height || depth != r->depth || kind != r->kind
      || interlace != PNG_INTERLACE_NONE)
    png_error (r->png, "the header is not as read");
  photo_transforms (r);
  channels = png_get_channels (r->png, r->info);
  r->stride = ((gsize) w * channels + 3) & ~(gsize) 3;
  photo_buffer (r);
  if ((z = libdeflate_alloc_decompressor ()) == NULL)
    png_error (r->png, "no memory");
  result = libdeflate_zlib_decompress_ex (z, g_bytes_get_data (r->packed, NULL),
                                          g_bytes_get_size (r->packed), r->raw, r->raw_n, &used, &got);
  libdeflate_free_decompressor (z);
  if (result != LIBDEFLATE_SUCCESS || used != g_bytes_get_size (r->packed) || got != r->raw_n)
    png_error (r->png, "the image data does not inflate to its rows");
  if ((r->rows = g_try_new (png_bytep, h)) == NULL)
    png_error (r->png, "no memory");
  for (png_uint_32 y = 0; y < h; y++)
    r->rows[y] = r->pixels + y * r->stride;
  png_read_image (r->png, r->rows);
  png_read_end (r->png, r->end);
}

/* The inflated size of the filtered rows, not interlaced; FALSE past the
 * sizes cairo takes (the caller's old way deals with those). */
static gboolean
photo_plan (PhotoReader *r)
{
  static const int channels[7] = { 1, 0, 3, 1, 2, 0, 4 };
  guint8 cmf;

  if (r->width > JOPAN_CAIRO_MAX_SIDE || r->height > JOPAN_CAIRO_MAX_SIDE || r->height == 0
      || r->kind < 0 || r->kind > 6 || channels[r->kind] == 0 || r->depth > 16)
    return FALSE;
  r->raw_row = 1 + ((gsize) r->width * channels[r->kind] * r->depth + 7) / 8;
  r->raw_n = r->raw_row * r->height;
  /* zlib holds the stream to the window its header names, libdeflate
   * does not: one naming less than 32 KiB is declined unless the rows
   * fit in it (no match can then reach back further). */
  cmf = g_bytes_get_size (r->packed) > 0 ? *(const guint8 *) g_bytes_get_data (r->packed, NULL) : 0;
  if ((cmf >> 4) < 7 && r->raw_n > (gsize) 1 << ((cmf >> 4) + 8))
    return FALSE;
  r->blocks = (r->raw_n + STORED_MAX - 1) / STORED_MAX;
  r->adler = 1;
  photo_block_start (r);
  return TRUE;
}

guint8 *
jopan_png_photo_decode (const guchar *data, gsize length, int *width, int *height, int *stride,
                        gboolean *alpha)
{
  PhotoReader r = { .file = data, .n = length };
  gboolean ok = FALSE;

  g_return_val_if_fail (data != NULL, NULL);
  if (length < 8 || png_sig_cmp (data, 0, 8) != 0 || !photo_chunks (&r) || !photo_plan (&r))
    {
      g_clear_pointer (&r.packed, g_bytes_unref);
      return NULL;
    }
  r.png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &r.failure, png_fail, png_warn);
  if (r.png)
    {
      r.info = png_create_info_struct (r.png);
      r.end = png_create_info_struct (r.png);
    }
  ok = r.info && r.end && guarded (r.png, read_photo, &r);
  if (ok)
    {
      *width = (int) r.width, *height = (int) r.height, *stride = (int) r.stride;
      *alpha = png_get_channels (r.png, r.info) == 4;
    }
  png_destroy_read_struct (&r.png, r.info ? &r.info : NULL, r.end ? &r.end : NULL);
  g_clear_pointer (&r.packed, g_bytes_unref);
  g_free (r.rows);
  if (!ok)
    g_clear_pointer (&r.pixels, g_free);
  return r.pixels;
}
