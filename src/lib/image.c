/* image.c — photos: header probing, and surfaces for vector or raster output. */
#include "jopan-private.h"

#include "image-stream-private.h"

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <libdeflate.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>

/* The encoded photos kept for PDF (image-stream-private.h): a bound on
 * their bytes, so that memory stays flat however long an edition is;
 * past it a photo is encoded on every page as before. */
#define STREAM_CACHE_BYTES (48 * 1024 * 1024)
/* The same for photos decoded for PNG previews. */
#define PIXEL_CACHE_BYTES (48 * 1024 * 1024)
/* The same for PNG photos' full-size pixels (decode()). */
#define FULL_CACHE_BYTES (32 * 1024 * 1024)

typedef struct {
  char *dict;
  GBytes *data;
} Encoded;

static GMutex stream_lock;
static GCond stream_done;         /* a key left decoding */
static GHashTable *decoding;      /* stream_key → itself: being decoded by some thread */
static GHashTable *stream_ids;    /* stream_key → id + 1 */
static GPtrArray *stream_entries; /* of Encoded*, by id: never freed */
static gsize stream_bytes;
/* The entries made past the cache's room (or with it off), numbered from
 * TRANSIENT_FIRST: each freed with the stand-in that names it, so that a
 * page's photo is encoded the same way whether the cache has room or not
 * (which thread filled it first must not change a file's bytes). */
#define TRANSIENT_FIRST 0x80000000u
static GHashTable *transient; /* id → Encoded* */
static guint transient_next;
static const cairo_user_data_key_t transient_key;
static gint stream_disabled;
static guint decodes;

static void decode_claim (const char *key);
static void decode_done (const char *key);

/* Whether gdk-pixbuf has a loader for @name ("jpeg", "png"): a build
 * without one would pass `check` and fail `render`. */
static gboolean
decoder_available (const char *name)
{
  g_autoptr (GSList) formats = gdk_pixbuf_get_formats ();

  for (GSList *f = formats; f; f = f->next)
    {
      g_autofree char *format = gdk_pixbuf_format_get_name (f->data);
      if (strcmp (format, name) == 0)
        return TRUE;
    }
  return FALSE;
}

/* ---- probing ---------------------------------------------------------------- */

/* What a file's header said, kept per process for files read whole once:
 * an edition shows the same advertisement on several pages, and checking
 * a PNG means inflating all of it.  A file is known again by its path,
 * device, inode, size and change time, so an edited photo is read anew. */
#define PROBE_CACHE_ENTRIES 4096

typedef struct {
  int raw_width, raw_height, orientation, components;
  gboolean is_jpeg, adobe, png_interlaced, png_indexed;
  guint png_bits;
} Probed;

static GMutex probe_lock;
static GHashTable *probed; /* file_key → Probed* */
static guint probe_reads;

/* A file as the caches know it: its path, device, inode, size and change
 * time; NULL when it is not a regular file one can look at. */
static char *
file_key (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;
  return g_strdup_printf ("%s\n%ju %ju %jd %jd.%09ld", path, (uintmax_t) st.st_dev,
                          (uintmax_t) st.st_ino, (intmax_t) st.st_size, (intmax_t) st.st_mtime,
                          (long) st.st_mtim.tv_nsec);
}

static gboolean
probe_recall (const char *key, JopanImageRef *image)
{
  const Probed *p;

  g_mutex_lock (&probe_lock);
  p = probed ? g_hash_table_lookup (probed, key) : NULL;
  if (p)
    {
      image->raw_width = p->raw_width, image->raw_height = p->raw_height;
      image->orientation = p->orientation, image->components = p->components;
      image->is_jpeg = p->is_jpeg, image->adobe = p->adobe;
      image->png_interlaced = p->png_interlaced, image->png_indexed = p->png_indexed;
      image->png_bits = p->png_bits;
    }
  g_mutex_unlock (&probe_lock);
  return p != NULL;
}

static void
probe_keep (char *key, const JopanImageRef *image)
{
  Probed *p = g_new (Probed, 1);

  *p = (Probed) { image->raw_width, image->raw_height, image->orientation, image->components,
                  image->is_jpeg, image->adobe, image->png_interlaced, image->png_indexed,
                  image->png_bits };
  g_mutex_lock (&probe_lock);
  if (probed == NULL)
    probed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (g_hash_table_size (probed) >= PROBE_CACHE_ENTRIES)
    g_hash_table_remove_all (probed);
  g_hash_table_replace (probed, key, p);
  g_mutex_unlock (&probe_lock);
}

/* How many times a photo's file was read and checked (not recalled). */
guint
jopan_image_probe_reads (void)
{
  return g_atomic_int_get (&probe_reads);
}

/* Reads and checks @image's file; @key, if any, keeps what it found. */
static gboolean
probe_file (JopanImageRef *image, const char *key, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GMappedFile) map = g_mapped_file_new (image->path, FALSE, &local);

  g_atomic_int_inc (&probe_reads);
  if (map == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot open photo \"%s\": %s", image->src,
                       local->message);
      return FALSE;
    }
  if (!jopan_image_read_header (image, (const guchar *) g_mapped_file_get_contents (map),
                                g_mapped_file_get_length (map), error))
    return FALSE;
  if (!decoder_available (image->is_jpeg ? "jpeg" : "png"))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "photo \"%s\": this gdk-pixbuf cannot read %s",
                       image->src, image->is_jpeg ? "JPEG" : "PNG");
      return FALSE;
    }
  if (key)
    probe_keep (g_strdup (key), image);
  return TRUE;
}

gboolean
jopan_image_probe (JopanImageRef *image, GError **error)
{
  g_autofree char *key = NULL;
  gboolean turned;

  if (!g_file_test (image->path, G_FILE_TEST_IS_REGULAR))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot open photo \"%s\": no such file",
                       image->src);
      return FALSE;
    }
  key = file_key (image->path);
  if (!(key && probe_recall (key, image)) && !probe_file (image, key, error))
    return FALSE;
  /* Orientations 5 to 8 turn the photo a quarter: the frame crops the
   * photo as it is shown. */
  turned = image->orientation >= 5;
  image->width = turned ? image->raw_height : image->raw_width;
  image->height = turned ? image->raw_width : image->raw_height;
  return TRUE;
}

void
jopan_image_orientation (const JopanImageRef *image, cairo_matrix_t *m)
{
  double w = image->raw_width, h = image->raw_height;

  /* Maps stored pixels (u, v) to shown ones (x, y), per EXIF 2.3 §4.6.4. */
  switch (image->orientation)
    {
    case 2: cairo_matrix_init (m, -1, 0, 0, 1, w, 0); break;
    case 3: cairo_matrix_init (m, -1, 0, 0, -1, w, h); break;
    case 4: cairo_matrix_init (m, 1, 0, 0, -1, 0, h); break;
    case 5: cairo_matrix_init (m, 0, 1, 1, 0, 0, 0); break;
    case 6: cairo_matrix_init (m, 0, 1, -1, 0, h, 0); break;
    case 7: cairo_matrix_init (m, 0, -1, -1, 0, h, w); break;
    case 8: cairo_matrix_init (m, 0, -1, 1, 0, 0, w); break;
    default: cairo_matrix_init_identity (m);
    }
}

/* "story.json:6:14: images[0].src: photo "x.jpg"", or without the place
 * for an image made outside an article file. */
static char *
photo_name (const JopanImageRef *image)
{
  if (image->place)
    return g_strdup_printf ("%s: photo \"%s\"", image->place, image->src);
  return g_strdup_printf ("photo \"%s\"", image->src);
}

/* Reports a surface cairo could not make (an error surface, no pixels). */
static gboolean
surface_ok (const JopanImageRef *image, cairo_surface_t *surface, int w, int h, GError **error)
{
  cairo_status_t status = cairo_surface_status (surface);
  g_autofree char *name = NULL;

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  name = photo_name (image);
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: cannot make a %d x %d image: %s", name, w, h,
                   cairo_status_to_string (status));
  cairo_surface_destroy (surface);
  return FALSE;
}

/* @c laid on paper white at coverage @a, rounded: (c·a + 255·(255 − a) + 127) / 255,
 * the division by 255 done as (x + 1 + (x >> 8)) >> 8, exact below 65535
 * (the sum is at most 65152). */
static inline guint32
over_white (guint32 c, guint32 a)
{
  guint32 x = c * a + 255 * (255 - a) + 127;

  return (x + 1 + (x >> 8)) >> 8;
}

/* One RGBA pixel at @p onto white, as a cairo RGB24 word. */
static inline guint32
pixel_over_white (const guint8 *p)
{
  return 0xFF000000u | over_white (p[0], p[3]) << 16 | over_white (p[1], p[3]) << 8
         | over_white (p[2], p[3]);
}

void
jopan_image_row_over_white (const guint8 *p, int channels, int w, guint32 *q)
{
  const guint64 opaque = G_GUINT64_CONSTANT (0xFF000000FF000000);
  int x = 0;

  if (channels == 3)
    {
      for (; x < w; x++, p += 3)
        q[x] = 0xFF000000u | (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2];
      return;
    }
  /* Two pixels at a time.  Opaque ones (most of a photo or an
   * advertisement; the sums give the same for a = 255) are their bytes
   * turned round: R0 G0 B0 A0 R1 G1 B1 A1, read as a little-endian word
   * and byte-swapped, has each pixel's R G B A in one half, the halves in
   * the wrong order; rotated by 32 and shifted by 8, each half is 0xAARRGGBB
   * with the next byte for alpha, then set to 0xFF. */
  for (; x + 1 < w; x += 2, p += 8)
    {
      guint64 v;

      memcpy (&v, p, 8);
      v = GUINT64_FROM_LE (v);
      if ((v & opaque) == opaque)
        {
          guint64 s = GUINT64_SWAP_LE_BE (v);
          guint64 out = ((s << 32 | s >> 32) >> 8) | opaque;

          out = GUINT64_TO_LE (out);
          memcpy (q + x, &out, 8);
        }
      else
        q[x] = pixel_over_white (p), q[x + 1] = pixel_over_white (p + 4);
    }
  if (x < w)
    q[x] = pixel_over_white (p);
}

static gint rgb_broken;

void
jopan_image_rgb_break (gboolean broken)
{
  g_atomic_int_set (&rgb_broken, broken);
}

/* Two RGBA pixels read as a little-endian word: the first's R G B (the
 * low three bytes) and the second's (the next three of the high half),
 * as six bytes. */
static inline guint64
two_rgb (guint64 v)
{
  return (v & 0xFFFFFF) | ((v >> 8) & G_GUINT64_CONSTANT (0xFFFFFF000000));
}

void
jopan_image_rgb_over_white (const guint8 *p, int channels, int w, guint8 *q)
{
  const guint64 opaque = G_GUINT64_CONSTANT (0xFF000000FF000000);
  int x = 0;

  if (channels == 3)
    {
      memcpy (q, p, (gsize) w * 3);
      return;
    }
  /* Four pixels at a time; when all four are opaque (most of an
   * advertisement) their R G B bytes go out as they are, as one 64-bit
   * and one 32-bit store. */
  for (; x + 3 < w; x += 4, p += 16, q += 12)
    {
      guint64 a, b;

      memcpy (&a, p, 8), memcpy (&b, p + 8, 8);
      a = GUINT64_FROM_LE (a), b = GUINT64_FROM_LE (b);
      if ((a & b & opaque) == opaque)
        {
          if (g_atomic_int_get (&rgb_broken))
            b = a;
          guint64 first = GUINT64_TO_LE (two_rgb (a) | two_rgb (b) << 48);
          guint32 rest = GUINT32_TO_LE ((guint32) (two_rgb (b) >> 16));

          memcpy (q, &first, 8), memcpy (q + 8, &rest, 4);
          continue;
        }
      for (int k = 0; k < 4; k++)
        for (int c = 0; c < 3; c++)
          q[3 * k + c] = (guint8) over_white (p[4 * k + c], p[4 * k + 3]);
    }
  for (; x < w; x++, p += 4, q += 3)
    for (int c = 0; c < 3; c++)
      q[c] = (guint8) over_white (p[c], p[3]);
}

/* Copies a pixbuf into an opaque RGB24 surface.  Transparent pixels are
 * laid on paper white here, so that no output carries a soft mask (a
 * printer's RIP would have to flatten it). */
static cairo_surface_t *
surface_from_pixbuf (const JopanImageRef *image, GdkPixbuf *pixbuf, GError **error)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int in_stride = gdk_pixbuf_get_rowstride (pixbuf);
  const guchar *in = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  int out_stride;
  guchar *out;

  if (!surface_ok (image, surface, w, h, error))
    return NULL;
  out_stride = cairo_image_surface_get_stride (surface);
  out = cairo_image_surface_get_data (surface);
  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    jopan_image_row_over_white (in + (gsize) y * in_stride, channels, w,
                                (guint32 *) (void *) (out + (gsize) y * out_stride));
  cairo_surface_mark_dirty (surface);
  return surface;
}

static void
free_mapped (void *data)
{
  g_mapped_file_unref (data);
}

/* The JPEG file itself, for cairo to embed as it is: the pixels are never
 * read.  For PDF a one-pixel stand-in (the caller scales it to the photo's
 * size) keeps cairo from copying a photo-sized blank when it snapshots the
 * source; SVG sizes the image element by the surface, so it gets the real
 * size (within cairo's limit; the caller scales what is left). */
static cairo_surface_t *
jpeg_pass_through (const JopanImageRef *image, JopanFormat format, GError **error)
{
  g_autoptr (GError) local = NULL;
  double fit = MIN (1.0, (double) JOPAN_CAIRO_MAX_SIDE / MAX (image->raw_width, image->raw_height));
  int w = format == JOPAN_FORMAT_PDF ? 1 : MAX (1, (int) (image->raw_width * fit));
  int h = format == JOPAN_FORMAT_PDF ? 1 : MAX (1, (int) (image->raw_height * fit));
  GMappedFile *map = g_mapped_file_new (image->path, FALSE, &local);
  cairo_surface_t *surface;
  cairo_status_t status;

  if (map == NULL)
    {
      g_autofree char *name = photo_name (image);
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %s", name, local->message);
      return NULL;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  if (!surface_ok (image, surface, w, h, error))
    {
      g_mapped_file_unref (map);
      return NULL;
    }
  status = cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                                        (const guchar *) g_mapped_file_get_contents (map),
                                        g_mapped_file_get_length (map), free_mapped, map);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_autofree char *name = photo_name (image);
      g_mapped_file_unref (map);
      cairo_surface_destroy (surface);
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: %s", name, cairo_status_to_string (status));
      return NULL;
    }
  return surface;
}

/* An Adobe CMYK JPEG stores its inks inverted, and a PDF must say so with
 * /Decode [1 0 1 0 1 0 1 0].  Cairo (1.16 to 1.18) writes no /Decode when
 * it embeds a JPEG: in a PDF, finish.cc adds it; an SVG cannot say it, so
 * there such a photo is decoded (libjpeg, through gdk-pixbuf, knows the
 * convention). */
static gboolean
can_pass_through (const JopanImageRef *image, JopanFormat format)
{
  if (format == JOPAN_FORMAT_PDF)
    return image->is_jpeg;
  return format != JOPAN_FORMAT_PNG && image->is_jpeg && !(image->components == 4 && image->adobe);
}

const char *
jopan_image_stream_tag (void)
{
  static char *tag;

  if (g_once_init_enter (&tag))
    g_once_init_leave (&tag, g_strdup_printf ("jopan-stand-in %08x ", g_random_int ()));
  return tag;
}

guint
jopan_image_decode_count (void)
{
  return (guint) g_atomic_int_get (&decodes);
}

void
jopan_image_stream_set_enabled (gboolean enabled)
{
  g_atomic_int_set (&stream_disabled, !enabled);
}

gboolean
jopan_image_stream_lookup (guint id, const char **dict, GBytes **data)
{
  const Encoded *e = NULL;

  g_mutex_lock (&stream_lock);
  if (id >= TRANSIENT_FIRST)
    e = transient ? g_hash_table_lookup (transient, GUINT_TO_POINTER (id)) : NULL;
  else if (stream_entries && id < stream_entries->len)
    e = g_ptr_array_index (stream_entries, id);
  if (e)
    *dict = e->dict, *data = e->data;
  g_mutex_unlock (&stream_lock);
  return e != NULL;
}

static void
encoded_free (gpointer data)
{
  Encoded *e = data;

  g_free (e->dict);
  g_bytes_unref (e->data);
  g_free (e);
}

/* Keeps @dict and @data (taken) outside the cache, for as long as the
 * stand-in naming them lives (transient_drop).  Returns: its entry. */
static guint
transient_add (char *dict, GBytes *data)
{
  Encoded *e = g_new (Encoded, 1);
  guint id;

  e->dict = dict, e->data = data;
  g_mutex_lock (&stream_lock);
  if (transient == NULL)
    transient = g_hash_table_new_full (NULL, NULL, NULL, encoded_free);
  /* Numbers wrap past G_MAXUINT only after 3 billion photos. */
  do
    id = transient_next++ | TRANSIENT_FIRST;
  while (g_hash_table_contains (transient, GUINT_TO_POINTER (id)));
  g_hash_table_insert (transient, GUINT_TO_POINTER (id), e);
  g_mutex_unlock (&stream_lock);
  return id;
}

guint
jopan_image_stream_transient_count (void)
{
  guint n;

  g_mutex_lock (&stream_lock);
  n = transient ? g_hash_table_size (transient) : 0;
  g_mutex_unlock (&stream_lock);
  return n;
}

static void
transient_drop (void *data)
{
  g_mutex_lock (&stream_lock);
  g_hash_table_remove (transient, data);
  g_mutex_unlock (&stream_lock);
}

/* The cache's key: the file (file_key) and the decoded size.  NULL when
 * the file cannot be looked at (decoding will say why). */
static char *
stream_key (const JopanImageRef *image, int w, int h)
{
  g_autofree char *file = file_key (image->path);

  return file ? g_strdup_printf ("%s %d %d", file, w, h) : NULL;
}

/* The entry for @key, or -1. */
static gint64
stream_find (const char *key)
{
  gpointer value = NULL;

  g_mutex_lock (&stream_lock);
  if (stream_ids)
    value = g_hash_table_lookup (stream_ids, key);
  g_mutex_unlock (&stream_lock);
  return value ? (gint64) GPOINTER_TO_UINT (value) - 1 : -1;
}

/* Keeps @dict and @data under @key, unless the cache is full.  Two
 * threads may encode the same photo at once: the first one kept wins
 * (both are the same).  Returns: the entry, or -1. */
static gint64
stream_add (const char *key, char *dict, GBytes *data)
{
  gint64 id = -1;
  gpointer value;

  g_mutex_lock (&stream_lock);
  if (stream_ids == NULL)
    {
      stream_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      stream_entries = g_ptr_array_new ();
    }
  if ((value = g_hash_table_lookup (stream_ids, key)) != NULL)
    id = (gint64) GPOINTER_TO_UINT (value) - 1;
  else if (stream_bytes + g_bytes_get_size (data) + strlen (dict) <= STREAM_CACHE_BYTES)
    {
      Encoded *e = g_new (Encoded, 1);
      e->dict = g_steal_pointer (&dict);
      e->data = g_bytes_ref (data);
      stream_bytes += g_bytes_get_size (data) + strlen (e->dict);
      id = stream_entries->len;
      g_ptr_array_add (stream_entries, e);
      g_hash_table_insert (stream_ids, g_strdup (key), GUINT_TO_POINTER ((guint) id + 1));
    }
  g_mutex_unlock (&stream_lock);
  g_free (dict);
  return id;
}

/* What cairo 1.16's PDF surface writes an opaque RGB24 image as: its
 * samples in DeviceRGB, in DeviceGray when every pixel is grey, at one
 * bit when every pixel is black or white. */
typedef enum { SAMPLES_RGB, SAMPLES_GRAY, SAMPLES_MONO } Samples;

/* @kind (what the rows before needed) widened for a row of @w words:
 * RGB once a pixel has colour, grey once one is neither black nor white. */
static Samples
row_kind (const guint32 *p, int w, Samples kind)
{
  for (int x = 0; x < w && kind != SAMPLES_RGB; x++)
    {
      guint32 r = (p[x] >> 16) & 0xFF, g = (p[x] >> 8) & 0xFF, b = p[x] & 0xFF;
      if (r != g || r != b)
        kind = SAMPLES_RGB;
      else if (r != 0 && r != 0xFF)
        kind = SAMPLES_GRAY;
    }
  return kind;
}

/* One row of @kind's samples from @p (cairo's order; a bit row padded
 * with zeros to a byte).  Returns: the end of what was written. */
static guint8 *
samples_row (Samples kind, const guint32 *p, int w, guint8 *q)
{
  if (kind == SAMPLES_RGB)
    {
      jopan_rgb_row (p, (guint32) w, q);
      q += (gsize) w * 3;
    }
  else if (kind == SAMPLES_GRAY)
    for (int x = 0; x < w; x++)
      *q++ = (guint8) p[x];
  else
    for (int x = 0; x < w; x += 8, q++)
      {
        *q = 0;
        for (int k = 0; k < 8 && x + k < w; k++)
          if (p[x + k] & 0xFF)
            *q |= (guint8) (0x80 >> k);
      }
  return q;
}

/* The image object of @samples (@kind's, @w x @h, taken): its
 * dictionary as cairo writes it and the samples deflated. */
static gboolean
deflated_samples (Samples kind, guint8 *samples, gsize n, int w, int h, char **dict, GBytes **data)
{
  g_autofree guint8 *taken = samples;
  struct libdeflate_compressor *z = libdeflate_alloc_compressor (JOPAN_STREAM_DEFLATE_LEVEL);
  gsize bound, size;
  guint8 *out;

  if (z == NULL)
    return FALSE;
  bound = libdeflate_zlib_compress_bound (z, n);
  out = g_try_malloc (bound);
  size = out ? libdeflate_zlib_compress (z, taken, n, out, bound) : 0;
  libdeflate_free_compressor (z);
  if (size == 0)
    {
      g_free (out);
      return FALSE;
    }
  *data = g_bytes_new_take (g_realloc (out, size), size);
  *dict = g_strdup_printf ("<< /BitsPerComponent %d /ColorSpace /%s /Filter /FlateDecode /Height %d "
                           "/Interpolate true /Subtype /Image /Type /XObject /Width %d >>",
                           kind == SAMPLES_MONO ? 1 : 8, kind == SAMPLES_RGB ? "DeviceRGB" : "DeviceGray",
                           h, w);
  return TRUE;
}

/* Bytes of one row of @kind's samples @w pixels wide. */
static gsize
samples_row_bytes (Samples kind, int w)
{
  return kind == SAMPLES_RGB ? (gsize) w * 3 : kind == SAMPLES_GRAY ? (gsize) w : ((gsize) w + 7) / 8;
}

/* Where encode_rows() reads its rows: row @y as cairo RGB24 words. */
typedef struct {
  const guint8 *pixels;
  int stride, channels, w;
  guint32 *row;              /* a pixbuf's row laid on white; NULL: @pixels are words */
} RowSource;

static const guint32 *
row_at (const RowSource *src, int y)
{
  const guint8 *p = src->pixels + (gsize) y * src->stride;

  if (src->row == NULL)
    return (const guint32 *) (const void *) p;
  jopan_image_row_over_white (p, src->channels, src->w, src->row);
  return src->row;
}

/* The image object of @src's @w x @h rows: read once to learn the kind
 * (up to the first pixel with colour), once more for the samples. */
static gboolean
encode_rows (const RowSource *src, int w, int h, char **dict, GBytes **data)
{
  Samples kind = SAMPLES_MONO;
  guint8 *samples, *q;
  gsize n;

  for (int y = 0; y < h && kind != SAMPLES_RGB; y++)
    kind = row_kind (row_at (src, y), w, kind);
  n = samples_row_bytes (kind, w) * (gsize) h;
  q = samples = g_try_malloc (n);
  if (samples == NULL)
    return FALSE;
  for (int y = 0; y < h; y++)
    if (kind == SAMPLES_RGB && src->row != NULL)
      {
        /* A pixbuf's row straight to R G B on white, without the words. */
        jopan_image_rgb_over_white (src->pixels + (gsize) y * src->stride, src->channels, w, q);
        q += (gsize) w * 3;
      }
    else
      q = samples_row (kind, row_at (src, y), w, q);
  return deflated_samples (kind, samples, n, w, h, dict, data);
}

gboolean
jopan_image_stream_encode (cairo_surface_t *surface, char **dict, GBytes **data)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  RowSource src = { .stride = cairo_image_surface_get_stride (surface) };

  cairo_surface_flush (surface);
  src.pixels = cairo_image_surface_get_data (surface);
  if (cairo_image_surface_get_format (surface) != CAIRO_FORMAT_RGB24 || src.pixels == NULL || w <= 0 || h <= 0)
    return FALSE;
  return encode_rows (&src, w, h, dict, data);
}

gboolean
jopan_image_stream_encode_pixbuf (GdkPixbuf *pixbuf, char **dict, GBytes **data)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  g_autofree guint32 *row = NULL;
  RowSource src = { .pixels = gdk_pixbuf_read_pixels (pixbuf), .stride = gdk_pixbuf_get_rowstride (pixbuf),
                    .channels = gdk_pixbuf_get_n_channels (pixbuf), .w = w };

  /* Each row laid on white as surface_from_pixbuf() would. */
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 || (src.channels != 3 && src.channels != 4)
      || (src.channels == 4) != gdk_pixbuf_get_has_alpha (pixbuf) || w <= 0 || h <= 0
      || (row = g_try_new (guint32, w)) == NULL)
    return FALSE;
  src.row = row;
  return encode_rows (&src, w, h, dict, data);
}

/* What a page draws for cache entry @id: a one-pixel surface (the caller
 * scales it to the photo) whose JPEG MIME data is a header cairo reads
 * as a @w x @h photo and embeds as it is: SOI, a comment naming the
 * entry, a baseline frame header, EOI. */
static cairo_surface_t *
stand_in (const JopanImageRef *image, gint64 id, int w, int h, GError **error)
{
  g_autofree char *tag = g_strdup_printf ("%s%" G_GINT64_FORMAT, jopan_image_stream_tag (), id);
  gsize n = strlen (tag) + 2;
  GByteArray *jpeg = g_byte_array_new ();
  const guint8 start[] = { 0xFF, 0xD8, 0xFF, 0xFE, (guint8) (n >> 8), (guint8) n };
  const guint8 frame[] = { 0xFF, 0xC0, 0, 17, 8, (guint8) (h >> 8), (guint8) h, (guint8) (w >> 8),
                           (guint8) w, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xFF, 0xD9 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);
  cairo_status_t status;

  g_byte_array_append (jpeg, start, sizeof start);
  g_byte_array_append (jpeg, (const guint8 *) tag, (guint) strlen (tag));
  g_byte_array_append (jpeg, frame, sizeof frame);
  if (!surface_ok (image, surface, 1, 1, error))
    {
      g_byte_array_unref (jpeg);
      return NULL;
    }
  status = cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG, jpeg->data, jpeg->len,
                                        (cairo_destroy_func_t) g_byte_array_unref, jpeg);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_byte_array_unref (jpeg);
      cairo_surface_destroy (surface);
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "photo \"%s\": %s", image->src,
                       cairo_status_to_string (status));
      return NULL;
    }
  return surface;
}

/* The size the photo is decoded at for @scale: the scale the page shows
 * it at, and never wider than @max_side (cairo's limit, or less for a
 * raster): a 40000-pixel panorama is shrunk.  Returns: FALSE for full
 * size (then @w, @h are the stored size). */
static gboolean
decoded_size (const JopanImageRef *image, double scale, int max_side, int *w, int *h)
{
  int side = MAX (image->raw_width, image->raw_height);

  scale = MIN (scale, 1.0);
  if (side * scale > max_side)
    scale = (double) max_side / side;
  *w = scale < 1.0 ? CLAMP ((int) (image->raw_width * scale), 1, JOPAN_CAIRO_MAX_SIDE) : image->raw_width;
  *h = scale < 1.0 ? CLAMP ((int) (image->raw_height * scale), 1, JOPAN_CAIRO_MAX_SIDE) : image->raw_height;
  return scale < 1.0;
}

static void
free_pixels (guchar *pixels, gpointer data)
{
  g_free (pixels);
}

/* A PNG's pixels at its stored size, as gdk-pixbuf reads them, in a
 * fifth of the time (jopan_png_photo_decode); NULL for one it leaves to
 * gdk-pixbuf (interlaced, damaged: gdk-pixbuf says what is wrong). */
static GdkPixbuf *
png_read_fast (const JopanImageRef *image)
{
  g_autoptr (GMappedFile) map = g_mapped_file_new (image->path, FALSE, NULL);
  int w, h, stride;
  gboolean alpha;
  guint8 *pixels;

  if (map == NULL)
    return NULL;
  pixels = jopan_png_photo_decode ((const guchar *) g_mapped_file_get_contents (map),
                                   g_mapped_file_get_length (map), &w, &h, &stride, &alpha);
  if (pixels == NULL)
    return NULL;
  return gdk_pixbuf_new_from_data (pixels, GDK_COLORSPACE_RGB, alpha, 8, w, h, stride, free_pixels, NULL);
}

/* Reads @image's file into pixels: at @w x @h when @scaled, else at its
 * stored size.  Every read of a photo's pixels goes through here.
 * A JPEG at a smaller size (a thumbnail's, a preview's) is already cheap
 * here: gdk-pixbuf's at-size loader has libjpeg decode it at the smallest
 * DCT scale (1/2, 1/4, 1/8) not below @w x @h, then scales bilinearly.
 * At a thumbnail's 1/8 about 88 % of the cost is libjpeg's own and 62 %
 * the entropy decoding, which no scale avoids; the loader's wrapping is
 * 4 %.  Handing cairo the 1/8 pixels to scale instead cost more (the
 * 12-page edition's thumbnails: 636 M instructions against 597 M). */
static GdkPixbuf *
read_pixbuf (const JopanImageRef *image, gboolean scaled, int w, int h, GError **error)
{
  g_autoptr (GError) local = NULL;
  GdkPixbuf *pixbuf;

  g_atomic_int_inc (&decodes);
  if (!scaled && !image->is_jpeg && (pixbuf = png_read_fast (image)) != NULL)
    return pixbuf;
  if (scaled)
    pixbuf = gdk_pixbuf_new_from_file_at_scale (image->path, w, h, FALSE, &local);
  else
    pixbuf = gdk_pixbuf_new_from_file (image->path, &local);
  if (pixbuf == NULL)
    {
      g_autofree char *name = photo_name (image);
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %s", name, local->message);
    }
  return pixbuf;
}

/* The full-size pixels of PNG photos, kept (within FULL_CACHE_BYTES) so
 * that a PNG is read and inflated once per process: an advertisement is
 * wanted at its stored size for the PDF's image and again at a thumbnail's
 * or a preview's, and gdk-pixbuf's PNG loader inflates the whole file for
 * any size (it scales after reading).  Those two sizes are then in the
 * stream and pixel caches, so the pixels are let go after their second
 * use (FULL_USES): they cost memory only while the first page showing the
 * photo is made.  A third size reads the file again (the same pixels).
 * A JPEG is not kept: libjpeg decodes it at a fraction of its size for
 * less than a full read. */
#define FULL_USES 2

typedef struct {
  GdkPixbuf *pixbuf;
  int uses;
} Full;

static GHashTable *full_cache; /* "full", file_key → Full*: the pixbufs never change */
static gsize full_bytes;

static void
full_free (gpointer data)
{
  Full *f = data;

  full_bytes -= gdk_pixbuf_get_byte_length (f->pixbuf);
  g_object_unref (f->pixbuf);
  g_free (f);
}

static gsize
pixbuf_bytes (const JopanImageRef *image)
{
  return (gsize) image->raw_width * (gsize) image->raw_height * 4;
}

/* The kept pixels of @key, a new reference, or NULL; a use of them. */
static GdkPixbuf *
full_find (const char *key)
{
  GdkPixbuf *found = NULL;
  Full *f;

  g_mutex_lock (&stream_lock);
  if (full_cache && (f = g_hash_table_lookup (full_cache, key)) != NULL)
    {
      found = g_object_ref (f->pixbuf);
      if (++f->uses >= FULL_USES)
        g_hash_table_remove (full_cache, key);
    }
  g_mutex_unlock (&stream_lock);
  return found;
}

/* Keeps @pixbuf, just read and used once, under @key if there is room. */
static void
full_keep (const char *key, GdkPixbuf *pixbuf)
{
  gsize size = gdk_pixbuf_get_byte_length (pixbuf);
  Full *f;

  g_mutex_lock (&stream_lock);
  if (full_cache == NULL)
    full_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, full_free);
  if (!g_hash_table_contains (full_cache, key) && full_bytes + size <= FULL_CACHE_BYTES)
    {
      f = g_new (Full, 1);
      f->pixbuf = g_object_ref (pixbuf);
      f->uses = 1;
      full_bytes += size;
      g_hash_table_insert (full_cache, g_strdup (key), f);
    }
  g_mutex_unlock (&stream_lock);
}

static gboolean
full_room (const JopanImageRef *image)
{
  gboolean room;

  g_mutex_lock (&stream_lock);
  room = full_bytes + pixbuf_bytes (image) <= FULL_CACHE_BYTES;
  g_mutex_unlock (&stream_lock);
  return room;
}

/* A PNG's full-size pixels from the cache, or read (once, however many
 * threads want them at once) and kept.  Returns: a new reference, or
 * NULL when the cache cannot hold them (the caller reads the size it
 * wants) or reading failed (@error set). */
static GdkPixbuf *
png_full (const JopanImageRef *image, gboolean *tried, GError **error)
{
  g_autofree char *file = NULL, *key = NULL;
  GdkPixbuf *pixbuf;

  *tried = FALSE;
  if (g_atomic_int_get (&stream_disabled) || (file = file_key (image->path)) == NULL)
    return NULL;
  key = g_strconcat ("full\n", file, NULL);
  if ((pixbuf = full_find (key)) != NULL || !full_room (image))
    return pixbuf;
  *tried = TRUE;
  decode_claim (key);
  if ((pixbuf = full_find (key)) == NULL && (pixbuf = read_pixbuf (image, FALSE, 0, 0, error)))
    full_keep (key, pixbuf);
  decode_done (key);
  return pixbuf;
}

/* Decodes the photo to pixels, at decoded_size().  A PNG is scaled from
 * its full-size pixels as gdk-pixbuf's loader scales one read at a size
 * (bilinear), so that the pixels are the same as read at that size.
 * (For a thumbnail, 1/15 of a 2884-pixel advertisement, that is 48 M
 * instructions; GDK_INTERP_TILES costs the same, cairo's FILTER_GOOD
 * from the full-size surface 110 M, a quarter size by tiles first 92 M.) */
static GdkPixbuf *
decode_pixbuf (const JopanImageRef *image, double scale, int max_side, GError **error)
{
  g_autoptr (GdkPixbuf) full = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  gboolean scaled, tried = FALSE;
  int w, h;

  scaled = decoded_size (image, scale, max_side, &w, &h);
  if (!image->is_jpeg)
    full = png_full (image, &tried, error);
  if (full)
    pixbuf = scaled ? gdk_pixbuf_scale_simple (full, w, h, GDK_INTERP_BILINEAR)
                    : g_object_ref (full);
  else if (!tried)
    pixbuf = read_pixbuf (image, scaled, w, h, error);
  if (pixbuf == NULL)
    {
      if (full)
        {
          g_autofree char *name = photo_name (image);
          jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: cannot make a %d x %d image", name,
                           w, h);
        }
      return NULL;
    }
  return g_steal_pointer (&pixbuf);
}

static cairo_surface_t *
decode (const JopanImageRef *image, double scale, int max_side, GError **error)
{
  g_autoptr (GdkPixbuf) pixbuf = decode_pixbuf (image, scale, max_side, error);

  return pixbuf ? surface_from_pixbuf (image, pixbuf, error) : NULL;
}

/* Whether a photo of @w x @h is worth encoding for the cache: not when
 * the cache is (nearly) full, nor when its pixels alone would fill it
 * (then cairo would encode it a second time, for the page). */
static gboolean
stream_room (int w, int h)
{
  gboolean room;

  g_mutex_lock (&stream_lock);
  room = stream_bytes + 1024 * 1024 <= STREAM_CACHE_BYTES
         && (gsize) w * (gsize) h * 3 <= STREAM_CACHE_BYTES;
  g_mutex_unlock (&stream_lock);
  return room;
}

/* Waits while another thread decodes the photo of @key for a cache, then
 * takes it: two pages showing one advertisement, drawn at once, decode it
 * once, the second page's thread waiting for the first's.  The caller
 * looks in the cache again, decodes on a miss, and calls decode_done(). */
static void
decode_claim (const char *key)
{
  g_mutex_lock (&stream_lock);
  if (decoding == NULL)
    decoding = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  while (g_hash_table_contains (decoding, key))
    g_cond_wait (&stream_done, &stream_lock);
  g_hash_table_add (decoding, g_strdup (key));
  g_mutex_unlock (&stream_lock);
}

static void
decode_done (const char *key)
{
  g_mutex_lock (&stream_lock);
  g_hash_table_remove (decoding, key);
  g_cond_broadcast (&stream_done);
  g_mutex_unlock (&stream_lock);
}

/* @image decoded and encoded for a page, the encoding kept in the cache
 * under @key when there is room (and a @key), else for this stand-in
 * only.  Returns: the stand-in, or the pixels themselves (cairo deflates
 * them) when encoding failed for want of memory. */
static cairo_surface_t *
encoded (const JopanImageRef *image, const char *key, double scale, int w, int h, GError **error)
{
  g_autoptr (GdkPixbuf) pixels = decode_pixbuf (image, scale, JOPAN_CAIRO_MAX_SIDE, error);
  g_autoptr (GBytes) data = NULL;
  cairo_surface_t *surface;
  char *dict = NULL;
  gint64 id = -1;

  /* Encoded from the pixbuf a row at a time, never whole as a surface. */
  if (pixels == NULL)
    return NULL;
  if (gdk_pixbuf_get_width (pixels) != w || gdk_pixbuf_get_height (pixels) != h
      || !jopan_image_stream_encode_pixbuf (pixels, &dict, &data))
    return surface_from_pixbuf (image, pixels, error);
  if (key && (id = stream_add (key, g_strdup (dict), data)) >= 0)
    {
      g_free (dict);
      return stand_in (image, id, w, h, error);
    }
  id = transient_add (dict, g_steal_pointer (&data));
  surface = stand_in (image, id, w, h, error);
  if (surface == NULL
      || cairo_surface_set_user_data (surface, &transient_key, GUINT_TO_POINTER ((guint) id), transient_drop)
           != CAIRO_STATUS_SUCCESS)
    {
      transient_drop (GUINT_TO_POINTER ((guint) id));
      g_clear_pointer (&surface, cairo_surface_destroy);
      if (error && *error == NULL)
        jopan_set_error (error, JOPAN_ERROR_OUTPUT, "photo \"%s\": no memory", image->src);
    }
  return surface;
}

/* pdf_surface() on a miss, @key claimed: the cache again (another thread
 * may have just filled it), else decoded and encoded into it. */
static cairo_surface_t *
pdf_surface_claimed (const JopanImageRef *image, const char *key, double scale, int w, int h,
                     GError **error)
{
  gint64 id;

  if ((id = stream_find (key)) >= 0)
    return stand_in (image, id, w, h, error);
  return encoded (image, key, scale, w, h, error);
}

/* A photo for a PDF page that cairo cannot pass through: decoded and
 * encoded once per process (and per size), then drawn as a stand-in. */
static cairo_surface_t *
pdf_surface (const JopanImageRef *image, double scale, GError **error)
{
  g_autofree char *key = NULL;
  cairo_surface_t *surface;
  gint64 id;
  int w, h;

  decoded_size (image, scale, JOPAN_CAIRO_MAX_SIDE, &w, &h);
  if (g_atomic_int_get (&stream_disabled) || (key = stream_key (image, w, h)) == NULL)
    return encoded (image, NULL, scale, w, h, error);
  if ((id = stream_find (key)) >= 0)
    return stand_in (image, id, w, h, error);
  /* Past the cache's room each thread decodes its own, at once. */
  if (!stream_room (w, h))
    return encoded (image, NULL, scale, w, h, error);
  decode_claim (key);
  surface = pdf_surface_claimed (image, key, scale, w, h, error);
  decode_done (key);
  return surface;
}

/* The pixels of a photo decoded for raster output, kept (within
 * PIXEL_CACHE_BYTES) for the next page that shows it at that size. */
typedef struct {
  GBytes *pixels;
  int w, h, stride;
} Decoded;

static GHashTable *pixel_cache; /* key → Decoded*: never freed, never changed */
static gsize pixel_bytes;

/* Each use gets its own surface over the shared, read-only pixels: cairo
 * then never shares a pixman image (and its transform) between threads. */
static cairo_surface_t *
pixels_surface (const Decoded *d)
{
  return cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (d->pixels, NULL),
                                              CAIRO_FORMAT_RGB24, d->w, d->h, d->stride);
}

static void
pixels_keep (const char *key, cairo_surface_t *surface)
{
  int stride = cairo_image_surface_get_stride (surface), h = cairo_image_surface_get_height (surface);
  gsize size = (gsize) stride * h;
  Decoded *d;

  g_mutex_lock (&stream_lock);
  if (pixel_cache == NULL)
    pixel_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!g_hash_table_contains (pixel_cache, key) && pixel_bytes + size <= PIXEL_CACHE_BYTES)
    {
      cairo_surface_flush (surface);
      d = g_new (Decoded, 1);
      d->pixels = g_bytes_new (cairo_image_surface_get_data (surface), size);
      d->w = cairo_image_surface_get_width (surface), d->h = h, d->stride = stride;
      pixel_bytes += size;
      g_hash_table_insert (pixel_cache, g_strdup (key), d);
    }
  g_mutex_unlock (&stream_lock);
}

/* The pixels kept for @key, or NULL. */
static const Decoded *
pixels_find (const char *key)
{
  const Decoded *found = NULL;

  g_mutex_lock (&stream_lock);
  if (pixel_cache)
    found = g_hash_table_lookup (pixel_cache, key);
  g_mutex_unlock (&stream_lock);
  return found;
}

/* Whether @w x @h pixels would still be kept (pixels_keep()). */
static gboolean
pixels_room (int w, int h)
{
  gsize size = (gsize) cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, w) * (gsize) h;
  gboolean room;

  g_mutex_lock (&stream_lock);
  room = pixel_bytes + size <= PIXEL_CACHE_BYTES;
  g_mutex_unlock (&stream_lock);
  return room;
}

static cairo_surface_t *
raster_surface (const JopanImageRef *image, JopanFormat format, double scale, GError **error)
{
  int max_side = format == JOPAN_FORMAT_PNG ? JOPAN_RASTER_MAX_SOURCE : JOPAN_CAIRO_MAX_SIDE;
  g_autofree char *key = NULL;
  const Decoded *found = NULL;
  cairo_surface_t *surface;
  int w, h;

  decoded_size (image, scale, max_side, &w, &h);
  if (format != JOPAN_FORMAT_PNG || g_atomic_int_get (&stream_disabled)
      || (key = stream_key (image, w, h)) == NULL)
    return decode (image, scale, max_side, error);
  if ((found = pixels_find (key)) != NULL)
    return pixels_surface (found);
  /* Past the cache's room each thread decodes its own, at once. */
  if (!pixels_room (w, h))
    return decode (image, scale, max_side, error);
  decode_claim (key);
  if ((found = pixels_find (key)) != NULL)
    surface = pixels_surface (found);
  else if ((surface = decode (image, scale, max_side, error)) != NULL)
    pixels_keep (key, surface);
  decode_done (key);
  return surface;
}

cairo_surface_t *
jopan_image_surface (const JopanImageRef *image, JopanFormat format, double scale, GError **error)
{
  if (can_pass_through (image, format))
    return jpeg_pass_through (image, format, error);
  if (format == JOPAN_FORMAT_PDF)
    return pdf_surface (image, scale, error);
  return raster_surface (image, format, scale, error);
}
