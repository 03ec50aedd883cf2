/* image-header.c — reading a photo's structure without decoding it.
 *
 * A photo is checked once, when the article loads, and the same way for
 * `check` and `render`: the size is read from the header and held to the
 * limits before anything is decoded, and the rest of the file is walked so
 * that what would stop the decoder (a truncated file, a damaged chunk, a
 * frame without scan data) is found here rather than half-way through a
 * render.  Nothing here allocates more than a few kilobytes.
 */
#include "jopan-private.h"

#include <gio/gio.h>
#include <string.h>

static guint
be16 (const guchar *p)
{
  return (guint) p[0] << 8 | p[1];
}

static guint32
be32 (const guchar *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static gboolean G_GNUC_PRINTF (3, 4)
damaged (GError **error, const JopanImageRef *image, const char *format, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  jopan_set_error (error, JOPAN_ERROR_INPUT, "photo \"%s\" is damaged: %s", image->src, what);
  return FALSE;
}

/* The size limits, checked as soon as a header gives the size. */
static gboolean
check_size (const JopanImageRef *image, guint32 width, guint32 height, GError **error)
{
  double megapixels = (double) width * height / 1e6;

  if (width == 0 || height == 0)
    return damaged (error, image, "its header gives a size of %u x %u pixels", width, height);
  if (width > JOPAN_MAX_PHOTO_SIDE || height > JOPAN_MAX_PHOTO_SIDE)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT,
                       "photo \"%s\" is %u x %u pixels: a side may be at most %d pixels",
                       image->src, width, height, JOPAN_MAX_PHOTO_SIDE);
      return FALSE;
    }
  if ((double) width * height > JOPAN_MAX_PHOTO_PIXELS)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT,
                       "photo \"%s\" is %u x %u pixels (%.0f megapixels): the limit is %.0f "
                       "megapixels",
                       image->src, width, height, megapixels, JOPAN_MAX_PHOTO_PIXELS / 1e6);
      return FALSE;
    }
  return TRUE;
}

/* ---- JPEG --------------------------------------------------------------- */

/* The EXIF orientation tag (0x0112) of IFD0: 1 when absent or invalid,
 * 0 when the segment is not EXIF (XMP also lives in APP1). */
static int
exif_orientation (const guchar *p, gsize n)
{
  gboolean le;
  guint32 ifd;
  guint count;

  if (n < 14 || memcmp (p, "Exif\0\0", 6) != 0)
    return 0;
  p += 6, n -= 6;
  le = p[0] == 'I';
  if (memcmp (p, le ? "II*\0" : "MM\0*", 4) != 0)
    return 1;
#define U16(q) (le ? (guint) (q)[1] << 8 | (q)[0] : be16 (q))
#define U32(q) (le ? (guint32) U16 ((q) + 2) << 16 | U16 (q) : be32 (q))
  ifd = U32 (p + 4);
  if (ifd > n || n - ifd < 2)
    return 1;
  count = U16 (p + ifd);
  for (guint i = 0; i < count && ifd + 2 + 12 * (gsize) (i + 1) <= n; i++)
    {
      const guchar *e = p + ifd + 2 + 12 * i;
      if (U16 (e) == 0x0112 && U16 (e + 2) == 3)
        {
          guint value = U16 (e + 8);
          return value >= 1 && value <= 8 ? (int) value : 1;
        }
    }
#undef U32
#undef U16
  return 1;
}

/* A frame header (SOFn): size and components.  Only the kinds libjpeg
 * decodes: baseline, extended, progressive, and their arithmetic forms. */
static gboolean
jpeg_frame (JopanImageRef *image, guint marker, const guchar *p, guint length, GError **error)
{
  guint components;

  if (marker == 0xC3 || (marker >= 0xC5 && marker <= 0xC7) || marker >= 0xCB)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT,
                       "photo \"%s\" is a lossless or hierarchical JPEG (SOF%u), which cannot be "
                       "printed: expected a baseline or progressive JPEG",
                       image->src, marker - 0xC0);
      return FALSE;
    }
  if (image->raw_width > 0)
    return damaged (error, image, "the JPEG has two frame headers");
  if (length < 6)
    return damaged (error, image, "the JPEG frame header is cut short");
  image->raw_height = (int) be16 (p + 1);
  image->raw_width = (int) be16 (p + 3);
  components = p[5];
  if (components != 1 && components != 3 && components != 4)
    return damaged (error, image, "the JPEG has %u colour components (expected 1, 3 or 4)",
                    components);
  image->components = (int) components;
  return check_size (image, (guint32) image->raw_width, (guint32) image->raw_height, error);
}

/* Skips entropy-coded data after a scan header: to the next marker that is
 * not a stuffed 0xFF or a restart marker.  Returns its offset, or @n. */
static gsize
skip_scan (const guchar *d, gsize n, gsize i)
{
  for (; i + 1 < n; i++)
    if (d[i] == 0xFF && d[i + 1] != 0x00 && !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7)
        && d[i + 1] != 0xFF)
      return i;
  return n;
}

static gboolean
jpeg_segment (JopanImageRef *image, guint marker, const guchar *p, guint length, GError **error)
{
  if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
    return jpeg_frame (image, marker, p, length, error);
  if (marker == 0xE1 && image->orientation == 0)
    image->orientation = exif_orientation (p, length);
  if (marker == 0xEE && length >= 12 && memcmp (p, "Adobe", 5) == 0)
    image->adobe = TRUE;
  return TRUE;
}

/* Walks the markers from SOI to EOI: a frame header within the limits,
 * at least one scan, and the end marker, or the decoder would fail or
 * print a grey band where the data stops. */
static gboolean
jpeg_walk (JopanImageRef *image, const guchar *d, gsize n, GError **error)
{
  gboolean scanned = FALSE;
  gsize i = 2;

  for (;;)
    {
      guint marker, length;

      while (i < n && d[i] == 0xFF && i + 1 < n && d[i + 1] == 0xFF)
        i++; /* fill bytes */
      if (i + 1 >= n)
        return damaged (error, image, "the JPEG is truncated (no end marker)");
      if (d[i] != 0xFF)
        return damaged (error, image, "no JPEG marker at byte %" G_GSIZE_FORMAT, i);
      marker = d[i + 1];
      if (marker == 0xD9)
        break;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7))
        {
          i += 2;
          continue;
        }
      if (marker == 0xD8 || i + 4 > n || be16 (d + i + 2) < 2 || i + 2 + be16 (d + i + 2) > n)
        return damaged (error, image, "the JPEG is truncated or has a bad segment at byte %"
                        G_GSIZE_FORMAT, i);
      length = be16 (d + i + 2) - 2;
      if (marker == 0xDA && image->raw_width == 0)
        return damaged (error, image, "the JPEG has image data before its frame header");
      if (!jpeg_segment (image, marker, d + i + 4, length, error))
        return FALSE;
      i += 4 + length;
      if (marker == 0xDA)
        scanned = TRUE, i = skip_scan (d, n, i);
    }
  if (image->raw_width == 0 || !scanned)
    return damaged (error, image, "the JPEG has no %s", image->raw_width ? "image data"
                                                                         : "frame header");
  return TRUE;
}

/* ---- PNG ---------------------------------------------------------------- */

static guint32
crc32_png (const guchar *p, gsize n)
{
  static guint32 table[256];
  guint32 c = 0xFFFFFFFF;

  if (table[1] == 0)
    for (guint32 k = 0; k < 256; k++)
      {
        guint32 v = k;
        for (int b = 0; b < 8; b++)
          v = v & 1 ? 0xEDB88320 ^ (v >> 1) : v >> 1;
        table[k] = v;
      }
  for (gsize i = 0; i < n; i++)
    c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFF;
}

/* Bytes of filtered image data the IDAT stream must hold: a filter byte and
 * the packed samples for each row of each pass (seven when interlaced). */
static guint64
png_data_size (guint32 w, guint32 h, guint bits_per_pixel, gboolean interlaced)
{
  static const int x0[7] = { 0, 4, 0, 2, 0, 1, 0 }, dx[7] = { 8, 8, 4, 4, 2, 2, 1 };
  static const int y0[7] = { 0, 0, 4, 0, 2, 0, 1 }, dy[7] = { 8, 8, 8, 4, 4, 2, 2 };
  guint64 total = 0;

  if (!interlaced)
    return (guint64) h * (1 + ((guint64) w * bits_per_pixel + 7) / 8);
  for (int p = 0; p < 7; p++)
    {
      guint64 pw = w > (guint32) x0[p] ? (w - x0[p] + dx[p] - 1) / dx[p] : 0;
      guint64 ph = h > (guint32) y0[p] ? (h - y0[p] + dy[p] - 1) / dy[p] : 0;
      if (pw > 0 && ph > 0)
        total += ph * (1 + (pw * bits_per_pixel + 7) / 8);
    }
  return total;
}

static gboolean
png_header (JopanImageRef *image, const guchar *p, guint32 length, GError **error)
{
  guint depth, type;
  gboolean depth_ok;

  if (length != 13)
    return damaged (error, image, "the PNG header has %u bytes (expected 13)", length);
  depth = p[8], type = p[9];
  switch (type)
    {
    case 0: depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            image->components = 1; break;
    case 3: depth_ok = depth == 1 || depth == 2 || depth == 4 || depth == 8;
            image->components = 1, image->png_indexed = TRUE; break;
    case 2: case 4: case 6: depth_ok = depth == 8 || depth == 16;
            image->components = type == 2 ? 3 : type == 4 ? 2 : 4; break;
    default: depth_ok = FALSE;
    }
  if (!depth_ok || p[10] != 0 || p[11] != 0 || p[12] > 1)
    return damaged (error, image, "the PNG header is invalid (colour type %u, depth %u)", type,
                    depth);
  image->raw_width = (int) MIN (be32 (p), G_MAXINT);
  image->raw_height = (int) MIN (be32 (p + 4), G_MAXINT);
  image->png_bits = depth * (type == 3 ? 1 : (guint) image->components);
  image->png_interlaced = p[12] == 1;
  return check_size (image, be32 (p), be32 (p + 4), error);
}

/* The IDAT stream is inflated into a small buffer as the chunks come, only
 * to count its bytes: libpng fails on one that is corrupt or stops short. */
typedef struct {
  GConverter *z;
  guint64 want, have;
} Inflate;

static gboolean
png_inflate (const JopanImageRef *image, Inflate *st, const guchar *in, gsize left,
             GError **error)
{
  guchar buffer[16384];

  while (st->have < st->want && left > 0)
    {
      g_autoptr (GError) local = NULL;
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (st->z, in, left, buffer, sizeof buffer,
                                                G_CONVERTER_NO_FLAGS, &read, &written, &local);
      if (r == G_CONVERTER_ERROR)
        return damaged (error, image, "the PNG image data is corrupt (%s)", local->message);
      in += read, left -= read, st->have += written;
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return TRUE;
}

/* Walks the chunks: the header first and within the limits, intact
 * critical chunks, image data that inflates to the full size, an end. */
static gboolean
png_walk (JopanImageRef *image, const guchar *d, gsize n, GError **error)
{
  g_autoptr (GConverter) z = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
  Inflate st = { z, 0, 0 };
  gboolean palette = FALSE, data = FALSE;

  for (gsize i = 8;;)
    {
      guint32 length;
      const guchar *type;

      if (n - i < 12 || (length = be32 (d + i)) > n - i - 12)
        return damaged (error, image, "the PNG is truncated (no IEND chunk)");
      type = d + i + 4;
      if (i == 8 && memcmp (type, "IHDR", 4) != 0)
        return damaged (error, image, "the PNG does not start with its header");
      if (!(type[0] & 0x20) && crc32_png (type, length + 4) != be32 (type + 4 + length))
        return damaged (error, image, "the PNG's %.4s chunk fails its checksum", type);
      if (i == 8 && !png_header (image, type + 4, length, error))
        return FALSE;
      if (i == 8)
        st.want = png_data_size ((guint32) image->raw_width, (guint32) image->raw_height,
                                 image->png_bits, image->png_interlaced);
      palette |= memcmp (type, "PLTE", 4) == 0;
      if (memcmp (type, "IDAT", 4) == 0)
        {
          data = TRUE;
          if (!png_inflate (image, &st, type + 4, length, error))
            return FALSE;
        }
      if (memcmp (type, "IEND", 4) == 0)
        break;
      i += 12 + length;
    }
  if (image->png_indexed && !palette)
    return damaged (error, image, "the PNG has colour indexes but no palette");
  if (!data)
    return damaged (error, image, "the PNG has no image data");
  if (st.have < st.want)
    return damaged (error, image, "the PNG image data stops short (truncated?)");
  return TRUE;
}

/* ---- both ----------------------------------------------------------------- */

gboolean
jopan_image_read_header (JopanImageRef *image, const guchar *data, gsize n, GError **error)
{
  static const guchar png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

  if (n >= 8 && memcmp (data, png_signature, 8) == 0)
    return png_walk (image, data, n, error);
  if (n >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
    {
      image->is_jpeg = TRUE;
      if (!jpeg_walk (image, data, n, error))
        return FALSE;
      if (image->orientation == 0)
        image->orientation = 1;
      return TRUE;
    }
  jopan_set_error (error, JOPAN_ERROR_INPUT,
                   "photo \"%s\" is not a readable image (expected JPEG or PNG)", image->src);
  return FALSE;
}
