/* image-header.c — reading a photo's structure without decoding it.
 *
 * A photo is checked once, when the article loads, and the same way for
 * `check` and `render`: the size is read from the header and held to the
 * limits before anything is decoded, and the rest of the file is walked so
 * that what would stop the decoder (a truncated file, a damaged chunk, a
 * frame without scan data) is found here rather than half-way through a
 * render.  Nothing here allocates more than zlib's window and a small buffer.
 */
#include "jopan-private.h"

#include <libdeflate.h>

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

/* What the walk has seen of a JPEG's frame. */
typedef struct {
  JopanImageRef *image;
  guint8 ids[4]; /* component ids of the frame */
  guint frame;    /* its SOF marker */
  guint huffman;  /* bits 0-3: DC tables defined; 4-7: AC tables */
  gboolean scanned;
} Jpeg;

/* A frame header (SOFn): size and components.  Only the kinds libjpeg
 * decodes: 8-bit baseline, extended, progressive, and their arithmetic
 * forms, with sampling factors it accepts. */
static gboolean
jpeg_frame (Jpeg *jp, guint marker, const guchar *p, guint length, GError **error)
{
  JopanImageRef *image = jp->image;
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
  if (length < 6 || p[0] != 8)
    return damaged (error, image, "the JPEG frame header is %s",
                    length < 6 ? "cut short" : "not for 8-bit samples");
  image->raw_height = (int) be16 (p + 1);
  image->raw_width = (int) be16 (p + 3);
  components = p[5];
  if (components != 1 && components != 3 && components != 4)
    return damaged (error, image, "the JPEG has %u colour components (expected 1, 3 or 4)",
                    components);
  if (length != 6 + 3 * components)
    return damaged (error, image, "the JPEG frame header has a wrong length");
  for (guint c = 0; c < components; c++)
    {
      guint h = p[7 + 3 * c] >> 4, v = p[7 + 3 * c] & 0xF;
      if (h < 1 || h > 4 || v < 1 || v > 4 || p[8 + 3 * c] > 3)
        return damaged (error, image, "the JPEG frame header is invalid (component %u)", c + 1);
      jp->ids[c] = p[6 + 3 * c];
    }
  image->components = (int) components;
  jp->frame = marker;
  return check_size (image, (guint32) image->raw_width, (guint32) image->raw_height, error);
}

/* The Huffman tables a scan uses must be defined; libjpeg supplies the
 * standard tables 0 and 1 when they are not (as Motion-JPEG expects).
 * Arithmetic-coded frames (SOF9, SOF10) use none. */
static gboolean
scan_tables_defined (const Jpeg *jp, const guchar *p, guint n)
{
  gboolean progressive = jp->frame == 0xC2, arithmetic = jp->frame >= 0xC9;
  guint start = p[1 + 2 * n], refine = p[3 + 2 * n] >> 4;

  for (guint i = 0; !arithmetic && i < n; i++)
    {
      guint dc = p[2 + 2 * i] >> 4, ac = p[2 + 2 * i] & 0xF;
      gboolean uses_dc = !progressive || (start == 0 && refine == 0);
      gboolean uses_ac = !progressive || start > 0;
      if ((uses_dc && dc > 1 && !(jp->huffman & (1u << dc)))
          || (uses_ac && ac > 1 && !(jp->huffman & (16u << ac))))
        return FALSE;
    }
  return TRUE;
}

/* A scan header (SOS) must name components of the frame. */
static gboolean
jpeg_scan (Jpeg *jp, const guchar *p, guint length, GError **error)
{
  guint n = length > 0 ? p[0] : 0;

  if (jp->image->raw_width == 0)
    return damaged (error, jp->image, "the JPEG has image data before its frame header");
  if (n < 1 || n > (guint) jp->image->components || length != 1 + 2 * n + 3)
    return damaged (error, jp->image, "the JPEG has an invalid scan header");
  for (guint i = 0; i < n; i++)
    if (!memchr (jp->ids, p[1 + 2 * i], (gsize) jp->image->components)
        || (p[2 + 2 * i] >> 4) > 3 || (p[2 + 2 * i] & 0xF) > 3)
      return damaged (error, jp->image, "the JPEG's scan names a component it does not have");
  if (!scan_tables_defined (jp, p, n))
    return damaged (error, jp->image, "the JPEG's scan uses a Huffman table it does not define");
  jp->scanned = TRUE;
  return TRUE;
}

/* One Huffman table at @p (class and index, 16 counts, the symbols): the
 * counts must make a prefix code with no code of all ones, as libjpeg
 * requires, and a DC table's symbols are categories up to 15. */
static gboolean
huffman_ok (const guchar *p, guint room, guint *size)
{
  guint32 code = 0;
  guint symbols = 0;

  for (guint bits = 1; bits <= 16; bits++)
    {
      code += p[bits];
      symbols += p[bits];
      if (code >= (1u << bits))
        return FALSE;
      code <<= 1;
    }
  *size = 17 + symbols;
  if (symbols > 256 || *size > room)
    return FALSE;
  for (guint k = 0; (p[0] >> 4) == 0 && k < symbols; k++)
    if (p[17 + k] > 15)
      return FALSE;
  return TRUE;
}

/* Huffman (DHT) and quantisation (DQT) tables: their sizes must add up. */
static gboolean
jpeg_tables (Jpeg *jp, guint marker, const guchar *p, guint length, GError **error)
{
  for (guint i = 0; i < length;)
    {
      guint size;

      if (marker == 0xC4)
        {
          if ((p[i] >> 4) > 1 || (p[i] & 0xF) > 3 || i + 17 > length
              || !huffman_ok (p + i, length - i, &size))
            return damaged (error, jp->image, "the JPEG has an invalid Huffman table");
          jp->huffman |= ((p[i] >> 4) ? 16u : 1u) << (p[i] & 0xF);
        }
      else
        {
          if ((p[i] >> 4) > 1 || (p[i] & 0xF) > 3)
            return damaged (error, jp->image, "the JPEG has an invalid quantisation table");
          size = 1 + 64 * ((p[i] >> 4) + 1);
        }
      if (i + size > length)
        return damaged (error, jp->image, "the JPEG has a table longer than its segment");
      i += size;
    }
  return TRUE;
}

/* The markers libjpeg reads between SOI and EOI (others stop it): frames,
 * tables, restart interval, DNL, application data, comments, scans. */
static gboolean
jpeg_marker_known (guint marker)
{
  return (marker >= 0xC0 && marker <= 0xCF && marker != 0xC8) || marker == 0xDA
         || (marker >= 0xDB && marker <= 0xDD) || (marker >= 0xE0 && marker <= 0xEF)
         || marker == 0xFE;
}

static gboolean
jpeg_segment (Jpeg *jp, guint marker, const guchar *p, guint length, GError **error)
{
  JopanImageRef *image = jp->image;

  if (!jpeg_marker_known (marker))
    return damaged (error, image, "the JPEG has an unknown marker 0x%02X", marker);

  if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
    return jpeg_frame (jp, marker, p, length, error);
  if (marker == 0xDA)
    return jpeg_scan (jp, p, length, error);
  if (marker == 0xC4 || marker == 0xDB)
    return jpeg_tables (jp, marker, p, length, error);
  if (marker == 0xE1 && image->orientation == 0)
    image->orientation = exif_orientation (p, length);
  if (marker == 0xEE && length >= 12 && memcmp (p, "Adobe", 5) == 0)
    image->adobe = TRUE;
  return TRUE;
}

/* Skips entropy-coded data after a scan header: to the next marker that is
 * not a stuffed 0xFF or a restart marker.  Returns its offset, or @n. */
static gsize
skip_scan (const guchar *d, gsize n, gsize i)
{
  /* From one 0xFF to the next (memchr): the scan is most of a photo's
   * bytes, and a byte-by-byte look was most of probing it. */
  while (i + 1 < n)
    {
      const guchar *ff = memchr (d + i, 0xFF, n - 1 - i);

      if (ff == NULL)
        break;
      i = (gsize) (ff - d);
      if (d[i + 1] != 0x00 && !(d[i + 1] >= 0xD0 && d[i + 1] <= 0xD7) && d[i + 1] != 0xFF)
        return i;
      i++;
    }
  return n;
}

/* Walks the markers from SOI to EOI: a frame header within the limits,
 * at least one scan, and the end marker, or the decoder would fail or
 * print a grey band where the data stops. */
static gboolean
jpeg_walk (JopanImageRef *image, const guchar *d, gsize n, GError **error)
{
  Jpeg jp = { .image = image };
  gsize i = 2;

  for (;;)
    {
      guint marker, length;

      while (i + 1 < n && d[i] == 0xFF && d[i + 1] == 0xFF)
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
      if (!jpeg_segment (&jp, marker, d + i + 4, length, error))
        return FALSE;
      i += 4 + length;
      if (marker == 0xDA)
        i = skip_scan (d, n, i);
    }
  if (image->raw_width == 0 || !jp.scanned)
    return damaged (error, image, "the JPEG has no %s", image->raw_width ? "image data"
                                                                         : "frame header");
  return TRUE;
}

/* ---- PNG ---------------------------------------------------------------- */

/* The filtered image data an IDAT stream must hold: for each pass (seven
 * when interlaced, else one) its rows, each a filter byte and the packed
 * samples.  The walk through it checks each row's filter type. */
typedef struct {
  GConverter *z;
  guint64 rows[7], row_bytes[7];
  int pass;
  guint64 row, at; /* the row within the pass, the byte within the row */
  gboolean done;
} Inflate;

static void
png_plan (Inflate *st, guint32 w, guint32 h, guint bits_per_pixel, gboolean interlaced)
{
  static const int x0[7] = { 0, 4, 0, 2, 0, 1, 0 }, dx[7] = { 8, 8, 4, 4, 2, 2, 1 };
  static const int y0[7] = { 0, 0, 4, 0, 2, 0, 1 }, dy[7] = { 8, 8, 8, 4, 4, 2, 2 };

  for (int p = 0; p < 7; p++)
    {
      guint64 pw = !interlaced ? w : w > (guint32) x0[p] ? (w - x0[p] + dx[p] - 1) / dx[p] : 0;
      guint64 ph = !interlaced ? h : h > (guint32) y0[p] ? (h - y0[p] + dy[p] - 1) / dy[p] : 0;
      st->rows[p] = (interlaced || p == 0) && pw > 0 ? ph : 0;
      st->row_bytes[p] = 1 + (pw * bits_per_pixel + 7) / 8;
    }
}

/* Follows @n bytes of inflated data through the rows; FALSE at a filter
 * type libpng does not know. */
static gboolean
png_rows (Inflate *st, const guchar *out, gsize n)
{
  gsize i = 0;

  while (i < n && !st->done)
    {
      guint64 step;

      if (st->at == 0 && out[i] > 4)
        return FALSE;
      step = MIN (st->row_bytes[st->pass] - st->at, (guint64) (n - i));
      i += step, st->at += step;
      if (st->at < st->row_bytes[st->pass])
        continue;
      st->at = 0;
      if (++st->row < st->rows[st->pass])
        continue;
      st->row = 0;
      do
        st->pass++;
      while (st->pass < 7 && st->rows[st->pass] == 0);
      st->done = st->pass == 7;
    }
  return TRUE;
}

/* The header (IHDR): size, and a colour type with a bit depth PNG allows. */
static gboolean
png_header (JopanImageRef *image, const guchar *p, guint32 length, GError **error)
{
  static const struct {
    guint type, channels;
    guint32 depths; /* bit d set: depth d allowed */
  } kinds[] = {
    { 0, 1, 1 << 1 | 1 << 2 | 1 << 4 | 1 << 8 | 1 << 16 }, /* grey */
    { 2, 3, 1 << 8 | 1 << 16 },                            /* RGB */
    { 3, 1, 1 << 1 | 1 << 2 | 1 << 4 | 1 << 8 },           /* palette */
    { 4, 2, 1 << 8 | 1 << 16 },                            /* grey and alpha */
    { 6, 4, 1 << 8 | 1 << 16 },                            /* RGBA */
  };
  guint depth, type;

  if (length != 13)
    return damaged (error, image, "the PNG header has %u bytes (expected 13)", length);
  depth = p[8], type = p[9];
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    if (kinds[k].type == type && depth <= 16 && (kinds[k].depths & (1u << depth)))
      image->components = (int) kinds[k].channels;
  if (image->components == 0 || p[10] != 0 || p[11] != 0 || p[12] > 1)
    return damaged (error, image, "the PNG header is invalid (colour type %u, depth %u)", type,
                    depth);
  image->png_indexed = type == 3;
  image->raw_width = (int) MIN (be32 (p), G_MAXINT);
  image->raw_height = (int) MIN (be32 (p + 4), G_MAXINT);
  image->png_bits = depth * (guint) image->components;
  image->png_interlaced = p[12] == 1;
  return check_size (image, be32 (p), be32 (p + 4), error);
}

/* The IDAT stream is inflated into a small buffer as the chunks come, only
 * to follow its rows: libpng fails on one that is corrupt or stops short. */
static gboolean
png_inflate (const JopanImageRef *image, Inflate *st, const guchar *in, gsize left,
             GError **error)
{
  guchar buffer[16384];

  while (!st->done && left > 0)
    {
      g_autoptr (GError) local = NULL;
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (st->z, in, left, buffer, sizeof buffer,
                                                G_CONVERTER_NO_FLAGS, &read, &written, &local);
      if (r == G_CONVERTER_ERROR)
        return damaged (error, image, "the PNG image data is corrupt (%s)", local->message);
      if (!png_rows (st, buffer, written))
        return damaged (error, image, "the PNG image data has a row of an unknown filter type");
      in += read, left -= read;
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return TRUE;
}

/* The image data is inflated whole (libdeflate) when it takes at most
 * this much: on an advertisement's long runs of one colour zlib copies
 * byte by byte, 15 to 40 times slower.  Larger images stream. */
#define WHOLE_INFLATE_MAX (64 * 1024 * 1024)

static gint whole_off;
static guint whole_count;

guint
jopan_image_header_whole_count (void)
{
  return (guint) g_atomic_int_get (&whole_count);
}

void
jopan_image_header_set_whole (gboolean enabled)
{
  g_atomic_int_set (&whole_off, !enabled);
}

/* The IDAT chunks from @d + @i on, joined (a single one as it is). */
static GBytes *
png_idat_run (const guchar *d, gsize n, gsize i)
{
  GByteArray *joined = NULL;
  const guchar *first = NULL;
  gsize first_length = 0;

  for (guint32 length; n - i >= 12 && (length = be32 (d + i)) <= n - i - 12
                       && memcmp (d + i + 4, "IDAT", 4) == 0;
       i += 12 + length)
    {
      if (first == NULL)
        {
          first = d + i + 8, first_length = length;
          continue;
        }
      if (joined == NULL)
        joined = g_byte_array_new (), g_byte_array_append (joined, first, (guint) first_length);
      g_byte_array_append (joined, d + i + 8, length);
    }
  if (joined)
    return g_byte_array_free_to_bytes (joined);
  return first ? g_bytes_new_static (first, first_length) : NULL;
}

/* The image data of the IDAT chunks from @d + @i on, checked at once as
 * png_inflate() would check it chunk by chunk.  Returns: TRUE when it is
 * all there and sound (then @st is done); FALSE when it is not or might
 * not be: then png_inflate() walks it and says what is wrong. */
static gboolean
png_inflate_whole (Inflate *st, const guchar *d, gsize n, gsize i)
{
  g_autoptr (GBytes) in = png_idat_run (d, n, i);
  g_autofree guchar *out = NULL;
  struct libdeflate_decompressor *z;
  guint64 size = 0;
  size_t used = 0, got = 0;
  enum libdeflate_result r;
  Inflate walk = *st;

  for (int p = 0; p < 7; p++)
    size += st->rows[p] * st->row_bytes[p];
  if (g_atomic_int_get (&whole_off) || in == NULL || size == 0 || size > WHOLE_INFLATE_MAX
      || (out = g_try_malloc ((gsize) size)) == NULL
      || (z = libdeflate_alloc_decompressor ()) == NULL)
    return FALSE;
  r = libdeflate_zlib_decompress_ex (z, g_bytes_get_data (in, NULL), g_bytes_get_size (in), out,
                                     (size_t) size, &used, &got);
  libdeflate_free_decompressor (z);
  if (r != LIBDEFLATE_SUCCESS || got != size || !png_rows (&walk, out, got) || !walk.done)
    return FALSE;
  *st = walk;
  g_atomic_int_inc (&whole_count);
  return TRUE;
}

/* Walks the chunks: the header first and within the limits, intact
 * critical chunks, image data that inflates to the full size, an end. */
static gboolean
png_walk (JopanImageRef *image, const guchar *d, gsize n, GError **error)
{
  g_autoptr (GConverter) z = G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB));
  Inflate st = { .z = z };
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
      if (!(type[0] & 0x20) && libdeflate_crc32 (0, type, length + 4) != be32 (type + 4 + length))
        return damaged (error, image, "the PNG's %.4s chunk fails its checksum", type);
      if (i == 8 && !png_header (image, type + 4, length, error))
        return FALSE;
      if (i == 8)
        png_plan (&st, (guint32) image->raw_width, (guint32) image->raw_height, image->png_bits,
                  image->png_interlaced);
      palette |= memcmp (type, "PLTE", 4) == 0;
      if (memcmp (type, "IDAT", 4) == 0)
        {
          /* The first IDAT: all of the image data at once, if sound. */
          if (!data && !st.done)
            png_inflate_whole (&st, d, n, i);
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
  if (!st.done)
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
