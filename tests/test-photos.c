/* test-photos.c — photo headers read without decoding (limits, JPEG markers,
 * PNG chunks, EXIF orientation) and the preview limit of PNG output. */
#include "jopan-private.h"

#include "image-stream-private.h"

#include <cairo-pdf.h>
#include <glib/gstdio.h>
#include <libdeflate.h>
#include <string.h>
#include <zlib.h>

static const guchar PNG_SIGNATURE[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };

static void
put32 (GByteArray *b, guint32 v)
{
  guint8 be[4] = { v >> 24, v >> 16, v >> 8, v };
  g_byte_array_append (b, be, 4);
}

static guint32
crc (const guint8 *p, gsize n)
{
  guint32 c = 0xFFFFFFFF;

  for (gsize i = 0; i < n; i++)
    {
      c ^= p[i];
      for (int k = 0; k < 8; k++)
        c = c & 1 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
    }
  return c ^ 0xFFFFFFFF;
}

/* A PNG signature and an RGB header of @w × @h: nothing after it. */
static GByteArray *
png_header (guint32 w, guint32 h)
{
  GByteArray *b = g_byte_array_new ();
  guint start;

  g_byte_array_append (b, PNG_SIGNATURE, 8);
  put32 (b, 13);
  start = b->len;
  g_byte_array_append (b, (const guint8 *) "IHDR", 4);
  put32 (b, w);
  put32 (b, h);
  g_byte_array_append (b, (const guint8[]) { 8, 2, 0, 0, 0 }, 5);
  put32 (b, crc (b->data + start, b->len - start));
  return b;
}

static gboolean
read_header (GByteArray *b, JopanImageRef *image, GError **error)
{
  *image = (JopanImageRef) { .src = (char *) "photo" };
  return jopan_image_read_header (image, b->data, b->len, error);
}

static void
test_png_limits (void)
{
  JopanImageRef image;

  /* Refused from the header alone: the file has nothing else. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GByteArray) b = png_header (20000, 20000);
    g_assert_false (read_header (b, &image, &error));
    g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
    g_assert_nonnull (strstr (error->message, "20000 x 20000 pixels (400 megapixels)"));
    g_assert_nonnull (strstr (error->message, "limit is 150 megapixels"));
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GByteArray) b = png_header (70000, 1);
    g_assert_false (read_header (b, &image, &error));
    g_assert_nonnull (strstr (error->message, "at most 65535 pixels"));
  }
  /* A panorama wider than cairo's surfaces passes the limits; this one
   * then fails only for lack of its other chunks. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GByteArray) b = png_header (40000, 8);
    g_assert_false (read_header (b, &image, &error));
    g_assert_nonnull (strstr (error->message, "truncated"));
    g_assert_cmpint (image.raw_width, ==, 40000);
  }
}

static void
segment (GByteArray *b, guint8 marker, const void *payload, guint n)
{
  g_byte_array_append (b, (const guint8[]) { 0xFF, marker, (n + 2) >> 8, (n + 2) & 0xFF }, 4);
  g_byte_array_append (b, payload, n);
}

/* The markers of a JPEG (no real entropy data: only the structure is read). */
static GByteArray *
jpeg (guint w, guint h, guint components, gboolean adobe, int orientation, gboolean scan,
      gboolean end)
{
  GByteArray *b = g_byte_array_new ();
  guint8 sof[6 + 3 * 4] = { 8, h >> 8, h & 0xFF, w >> 8, w & 0xFF, components };
  guint8 sos[1 + 2 * 4 + 3] = { components };

  g_byte_array_append (b, (const guint8[]) { 0xFF, 0xD8 }, 2);
  if (adobe)
    segment (b, 0xEE, "Adobe\0\x64\0\0\0\0\0", 12);
  if (orientation)
    {
      /* Little-endian TIFF, one IFD entry: orientation, SHORT, 1. */
      guint8 exif[] = { 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', '*', 0, 8, 0, 0, 0, 1, 0,
                        0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0, 0, 0, 0, 0 };
      segment (b, 0xE1, exif, sizeof exif);
    }
  for (guint i = 0; i < components; i++)
    sof[6 + 3 * i] = i + 1, sof[7 + 3 * i] = 0x11;
  segment (b, 0xC0, sof, 6 + 3 * components);
  if (scan)
    {
      for (guint i = 0; i < components; i++)
        sos[1 + 2 * i] = i + 1;
      sos[1 + 2 * components + 1] = 63;
      segment (b, 0xDA, sos, 1 + 2 * components + 3);
      g_byte_array_append (b, (const guint8[]) { 0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56 }, 7);
    }
  if (end)
    g_byte_array_append (b, (const guint8[]) { 0xFF, 0xD9 }, 2);
  return b;
}

static void
test_jpeg_structure (void)
{
  JopanImageRef image;
  struct {
    guint w, h, components;
    gboolean scan, end;
    const char *message; /* NULL: valid */
  } cases[] = {
    { 16, 8, 3, TRUE, TRUE, NULL },
    { 30000, 30000, 3, TRUE, TRUE, "30000 x 30000 pixels (900 megapixels)" },
    { 16, 0, 3, TRUE, TRUE, "size of 16 x 0" },
    { 16, 8, 3, TRUE, FALSE, "truncated" },
    { 16, 8, 3, FALSE, TRUE, "no image data" },
    { 16, 8, 2, TRUE, TRUE, "2 colour components" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) b = jpeg (cases[i].w, cases[i].h, cases[i].components, FALSE, 0,
                                       cases[i].scan, cases[i].end);
      gboolean ok = read_header (b, &image, &error);

      g_test_message ("case %u: %s", i, error ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].message == NULL);
      if (cases[i].message)
        g_assert_nonnull (strstr (error->message, cases[i].message));
      else
        g_assert_true (image.is_jpeg && image.raw_width == 16 && image.raw_height == 8);
    }
}

/* The entropy-coded data is passed over to the next marker: stuffed
 * bytes (0xFF 0x00), restart markers and fill bytes (0xFF 0xFF) are no
 * marker; data that stops at a 0xFF has no end. */
static void
test_jpeg_scan_bytes (void)
{
  static const struct {
    guint8 tail[8];
    guint n;
    gboolean ok;
  } cases[] = {
    { { 0xFF, 0xD9 }, 2, TRUE },
    { { 0xFF, 0xFF, 0xFF, 0xD9 }, 4, TRUE },
    { { 0x01, 0xFF, 0x00, 0xFF, 0xD7, 0xFF, 0xD9 }, 7, TRUE },
    { { 0x01, 0xFF, 0x00, 0xFF }, 4, FALSE },
    { { 0x01, 0x02 }, 2, FALSE },
    { { 0xFF }, 1, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) b = jpeg (16, 8, 3, FALSE, 0, TRUE, FALSE);
      JopanImageRef image;
      gboolean ok;

      g_byte_array_append (b, cases[i].tail, cases[i].n);
      ok = read_header (b, &image, &error);
      g_test_message ("case %u: %s", i, error ? error->message : "ok");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_nonnull (strstr (error->message, "truncated"));
    }
}

/* Tables and scans libjpeg would stop at are refused at load. */
static void
test_jpeg_tables (void)
{
  /* Three codes of one bit cannot be a prefix code. */
  static const guint8 bad_dht[] = { 0x00, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2 };
  static const guint8 unknown[] = { 0 };
  struct {
    guint8 marker;
    const guint8 *payload;
    guint n;
    const char *message;
  } cases[] = {
    { 0xC4, bad_dht, sizeof bad_dht, "invalid Huffman table" },
    { 0x84, unknown, sizeof unknown, "unknown marker 0x84" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) b = g_byte_array_new ();
      g_autoptr (GByteArray) rest = jpeg (16, 8, 3, FALSE, 0, TRUE, TRUE);
      JopanImageRef image;

      g_byte_array_append (b, rest->data, 2);
      segment (b, cases[i].marker, cases[i].payload, cases[i].n);
      g_byte_array_append (b, rest->data + 2, rest->len - 2);
      g_assert_false (read_header (b, &image, &error));
      g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

static void
test_jpeg_markers (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) b = jpeg (16, 8, 4, TRUE, 6, TRUE, TRUE);
  JopanImageRef image;

  g_assert_true (read_header (b, &image, &error));
  g_assert_true (image.adobe);
  g_assert_cmpint (image.components, ==, 4);
  g_assert_cmpint (image.orientation, ==, 6);
}

/* Each orientation maps the stored photo's corners onto the shown one's. */
static void
test_orientation (void)
{
  for (int o = 1; o <= 8; o++)
    {
      JopanImageRef image = { .raw_width = 16, .raw_height = 8, .orientation = o };
      gboolean turned = o >= 5;
      double shown_w = turned ? 8 : 16, shown_h = turned ? 16 : 8;
      cairo_matrix_t m;
      double min_x = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_y = -G_MAXDOUBLE;

      jopan_image_orientation (&image, &m);
      for (int c = 0; c < 4; c++)
        {
          double x = c & 1 ? 16 : 0, y = c & 2 ? 8 : 0;
          cairo_matrix_transform_point (&m, &x, &y);
          min_x = MIN (min_x, x), max_x = MAX (max_x, x);
          min_y = MIN (min_y, y), max_y = MAX (max_y, y);
        }
      g_assert_cmpfloat (min_x, ==, 0);
      g_assert_cmpfloat (min_y, ==, 0);
      g_assert_cmpfloat (max_x, ==, shown_w);
      g_assert_cmpfloat (max_y, ==, shown_h);
    }
  /* 6: turned a quarter clockwise, the stored top-left is shown top-right. */
  {
    JopanImageRef image = { .raw_width = 16, .raw_height = 8, .orientation = 6 };
    cairo_matrix_t m;
    double x = 0, y = 0;

    jopan_image_orientation (&image, &m);
    cairo_matrix_transform_point (&m, &x, &y);
    g_assert_cmpfloat (x, ==, 8);
    g_assert_cmpfloat (y, ==, 0);
  }
}

/* A PNG page over the preview limit, or a resolution out of range, is a
 * usage error found before anything is drawn or written. */
static void
test_preview_limit (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = jopan_article_load (TEST_DATA "/../../samples/harbour.json",
                                                         &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "page.png", NULL);
  const double dpis[] = { 1200, 2400, 1e9, 0, -1 };

  g_assert_no_error (error);
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (dpis); i++)
    {
      g_autoptr (GError) local = NULL;
      g_assert_false (jopan_document_write (doc, out, JOPAN_FORMAT_PNG, dpis[i], &local));
      g_assert_error (local, JOPAN_ERROR, JOPAN_ERROR_USAGE);
      g_test_message ("%s", local->message);
      g_assert_nonnull (strstr (local->message, i == 0 ? "the limit is 100 megapixels" : "dpi"));
      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }
  g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PNG, 18, &error));
  g_assert_no_error (error);
  g_remove (out);
  g_rmdir (dir);
}

/* A photo that changes after the article loaded fails the render with a
 * message naming the article, the place of its src and the photo. */
static void
test_render_error_names_place (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autofree char *photo = g_build_filename (dir, "dot.png", NULL);
  g_autofree char *out = g_build_filename (dir, "page.pdf", NULL);
  g_autofree char *data = NULL;
  gsize length;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanDocument) doc = NULL;

  g_assert_true (g_file_get_contents (TEST_DATA "/photos/dot.png", &data, &length, NULL));
  g_assert_true (g_file_set_contents (photo, data, (gssize) length, NULL));
  article = jopan_article_load_from_data ("{\"headline\": \"H\", \"body\": \"Text.\",\n"
                                          " \"images\": [{\"src\": \"dot.png\"}]}",
                                          -1, "story.json", dir, &error);
  g_assert_no_error (error);
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (photo, data, (gssize) length / 2, NULL));
  g_assert_false (jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 150, &error));
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "story.json:2:21: images[0].src: photo \"dot.png\""));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_remove (photo);
  g_rmdir (dir);
}

/* A document of one story with the test photo @name (copied into @dir). */
static JopanDocument *
photo_document (const char *dir, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *from = g_build_filename (TEST_DATA, "photos", name, NULL);
  g_autofree char *to = g_build_filename (dir, name, NULL);
  g_autofree char *data = NULL;
  g_autofree char *json = g_strdup_printf ("{\"headline\": \"H\", \"body\": \"Text.\",\n"
                                           " \"images\": [{\"src\": \"%s\"}]}", name);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = NULL;
  JopanDocument *doc;
  gsize length;

  g_assert_true (g_file_get_contents (from, &data, &length, NULL));
  g_assert_true (g_file_set_contents (to, data, (gssize) length, NULL));
  article = jopan_article_load_from_data (json, -1, "story.json", dir, &error);
  g_assert_no_error (error);
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  return doc;
}

/* The bytes of @doc written as @format into @dir. */
static GBytes *
written_at (JopanDocument *doc, const char *dir, JopanFormat format, double dpi)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = g_build_filename (dir, format == JOPAN_FORMAT_PDF ? "page.pdf" : "page.png",
                                           NULL);
  char *data;
  gsize length;

  g_assert_true (jopan_document_write (doc, out, format, dpi, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (out, &data, &length, NULL));
  g_remove (out);
  return g_bytes_new_take (data, length);
}

static GBytes *
written (JopanDocument *doc, const char *dir, JopanFormat format)
{
  return written_at (doc, dir, format, 72);
}

static void
remove_dir (const char *dir, const char *photo)
{
  g_autofree char *path = g_build_filename (dir, photo, NULL);

  g_remove (path);
  g_rmdir (dir);
}

/* A PNG photo in PDF is decoded and encoded once: every later page that
 * shows it gets cairo's image object from the cache, and the file is the
 * one made without the cache, byte for byte (alpha laid on white as
 * before).  A PNG preview takes the pixels the PDF read. */
static void
test_png_encoded_once (gconstpointer data)
{
  const char *photo = data;
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autoptr (JopanDocument) doc = photo_document (dir, photo);
  g_autoptr (JopanDocument) again = photo_document (dir, photo);
  g_autoptr (GBytes) first = NULL, second = NULL, third = NULL, uncached = NULL, png = NULL;
  g_autoptr (GBytes) png_again = NULL, png_uncached = NULL;
  guint before = jopan_image_decode_count ();
  gsize n;
  const char *p;

  first = written (doc, dir, JOPAN_FORMAT_PDF);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 1);
  second = written (doc, dir, JOPAN_FORMAT_PDF);
  third = written (again, dir, JOPAN_FORMAT_PDF);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 1);
  g_assert_true (g_bytes_equal (first, second));
  g_assert_true (g_bytes_equal (first, third));
  p = g_bytes_get_data (first, &n);
  g_assert_null (g_strstr_len (p, (gssize) n, "jopan-stand-in"));
  /* Without the cache (as past its room) the photo is encoded the same
   * way, for that file alone. */
  jopan_image_stream_set_enabled (FALSE);
  uncached = written (doc, dir, JOPAN_FORMAT_PDF);
  jopan_image_stream_set_enabled (TRUE);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 2);
  g_assert_true (g_bytes_equal (first, uncached));
  g_assert_cmpuint (jopan_image_stream_transient_count (), ==, 0);
  png = written (doc, dir, JOPAN_FORMAT_PNG);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 2);
  png_again = written (again, dir, JOPAN_FORMAT_PNG);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 2);
  g_assert_true (g_bytes_equal (png, png_again));
  jopan_image_stream_set_enabled (FALSE);
  png_uncached = written (doc, dir, JOPAN_FORMAT_PNG);
  jopan_image_stream_set_enabled (TRUE);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 3);
  g_assert_true (g_bytes_equal (png, png_uncached));
  remove_dir (dir, photo);
}

/* A PNG wanted at two sizes (an edition's advertisement: full size for
 * the PDF, a thumbnail for the contact sheet) is read once: the smaller
 * size is scaled from the full-size pixels, and equals, byte for byte,
 * what reading the file at that size gives.  The pixels are let go after
 * that: a third size reads the file again. */
static void
test_png_read_once_at_sizes (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autoptr (JopanDocument) doc = photo_document (dir, "alpha.png");
  g_autoptr (GBytes) pdf = NULL, small = NULL, smaller = NULL, uncached = NULL;
  guint before = jopan_image_decode_count ();

  pdf = written (doc, dir, JOPAN_FORMAT_PDF);
  smaller = written_at (doc, dir, JOPAN_FORMAT_PNG, 18);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 1);
  small = written_at (doc, dir, JOPAN_FORMAT_PNG, 36);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 2);
  g_assert_false (g_bytes_equal (small, smaller));
  jopan_image_stream_set_enabled (FALSE);
  uncached = written_at (doc, dir, JOPAN_FORMAT_PNG, 18);
  jopan_image_stream_set_enabled (TRUE);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 3);
  g_assert_true (g_bytes_equal (smaller, uncached));
  remove_dir (dir, "alpha.png");
}

/* One thread of test_decoded_once_in_parallel: writes its document once
 * all are told to start. */
typedef struct {
  JopanDocument *doc;
  char *out;
  JopanFormat format;
  GMutex *lock;
  GCond *go;
  gboolean *started;
} Drawer;

static gpointer
draw_when_told (gpointer data)
{
  Drawer *d = data;
  g_autoptr (GError) error = NULL;

  g_mutex_lock (d->lock);
  while (!*d->started)
    g_cond_wait (d->go, d->lock);
  g_mutex_unlock (d->lock);
  g_assert_true (jopan_document_write (d->doc, d->out, d->format, 72, &error));
  g_assert_no_error (error);
  return NULL;
}

/* A PNG large enough that decoding it takes a while: colour bands and
 * translucent squares. */
static void
write_large_png (const char *path)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1600, 1000);
  cairo_t *cr = cairo_create (s);

  for (int i = 0; i < 40; i++)
    {
      cairo_set_source_rgba (cr, (i % 7) / 7.0, (i % 5) / 5.0, (i % 3) / 3.0, 0.3 + (i % 4) / 6.0);
      cairo_rectangle (cr, i * 37 % 1500, i * 53 % 900, 100 + i * 3, 80 + i * 2);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (s, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (s);
}

#define DRAWERS 4

/* Pages drawn at once that show one photo decode it once (an
 * advertisement on pages composed in parallel): the threads after the
 * first wait for its pixels instead of decoding it too, in PDF (the
 * encoded image) and in PNG previews (the pixels) alike; the files are
 * the same bytes. */
static void
test_decoded_once_in_parallel (gconstpointer data)
{
  JopanFormat format = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autofree char *photo = g_build_filename (dir, "ad.png", NULL);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = NULL;
  Drawer drawers[DRAWERS];
  GThread *threads[DRAWERS];
  GMutex lock;
  GCond go;
  gboolean started = FALSE;
  guint before;

  write_large_png (photo);
  article = jopan_article_load_from_data ("{\"headline\": \"H\", \"body\": \"Text.\",\n"
                                          " \"images\": [{\"src\": \"ad.png\"}]}",
                                          -1, "story.json", dir, &error);
  g_assert_no_error (error);
  g_mutex_init (&lock);
  g_cond_init (&go);
  for (int i = 0; i < DRAWERS; i++)
    {
      g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
      drawers[i] = (Drawer) { jopan_document_new (fonts, style, article, &error),
                              g_strdup_printf ("%s/page-%d.%s", dir, i,
                                               format == JOPAN_FORMAT_PDF ? "pdf" : "png"),
                              format, &lock, &go, &started };
      g_assert_no_error (error);
      threads[i] = g_thread_new ("drawer", draw_when_told, &drawers[i]);
    }
  before = jopan_image_decode_count ();
  g_mutex_lock (&lock);
  started = TRUE;
  g_cond_broadcast (&go);
  g_mutex_unlock (&lock);
  for (int i = 0; i < DRAWERS; i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before + 1);
  for (int i = 0; i < DRAWERS; i++)
    {
      g_autofree char *a = NULL, *b = NULL;
      gsize na = 0, nb = 0;
      g_assert_true (g_file_get_contents (drawers[0].out, &a, &na, NULL));
      g_assert_true (g_file_get_contents (drawers[i].out, &b, &nb, NULL));
      g_assert_true (na == nb && memcmp (a, b, na) == 0);
    }
  for (int i = 0; i < DRAWERS; i++)
    {
      g_remove (drawers[i].out);
      g_free (drawers[i].out);
      jopan_document_free (drawers[i].doc);
    }
  g_mutex_clear (&lock);
  g_cond_clear (&go);
  remove_dir (dir, "ad.png");
}

/* A PNG of @w x @h RGB pixels from @raw (rows with their filter bytes),
 * its zlib stream cut into IDAT chunks of @split bytes. */
static GByteArray *
png_of (guint32 w, guint32 h, const guint8 *zdata, gsize zn, gsize split)
{
  GByteArray *png = g_byte_array_new ();
  const guint8 ihdr[13] = { w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16, h >> 8, h, 8, 2, 0, 0, 0 };
  const struct {
    const char *type;
    const guint8 *data;
    gsize n;
  } fixed[] = { { "IHDR", ihdr, sizeof ihdr }, { "IEND", NULL, 0 } };

  g_byte_array_append (png, (const guint8 *) "\x89PNG\r\n\x1a\n", 8);
  for (int k = 0; k < 2; k++)
    for (gsize at = 0; k == 1 ? at < zn : at == 0; at += k == 1 ? split : 1)
      {
        gboolean idat = k == 1;
        const char *type = idat ? "IDAT" : fixed[0].type;
        const guint8 *data = idat ? zdata + at : fixed[0].data;
        gsize n = idat ? MIN (split, zn - at) : fixed[0].n;
        guint8 be[4] = { n >> 24, n >> 16, n >> 8, n };
        guint32 crc = (guint32) crc32 (crc32 (0, (const guint8 *) type, 4), data, (uInt) n);
        guint8 crc_be[4] = { crc >> 24, crc >> 16, crc >> 8, crc };
        g_byte_array_append (png, be, 4);
        g_byte_array_append (png, (const guint8 *) type, 4);
        g_byte_array_append (png, data, (guint) n);
        g_byte_array_append (png, crc_be, 4);
      }
  g_byte_array_append (png, (const guint8 *) "\0\0\0\0IEND\xae\x42\x60\x82", 12);
  return png;
}

/* jopan_image_read_header() on @png with the image data checked whole,
 * then streamed: the same verdict and message.  Returns: whether the
 * whole check took it. */
static gboolean
same_verdict (const GByteArray *png, const char *what)
{
  g_autoptr (GError) whole_error = NULL, streamed_error = NULL;
  JopanImageRef a = { .src = (char *) what }, b = { .src = (char *) what };
  guint before = jopan_image_header_whole_count ();
  gboolean whole, streamed;

  whole = jopan_image_read_header (&a, png->data, png->len, &whole_error);
  jopan_image_header_set_whole (FALSE);
  streamed = jopan_image_read_header (&b, png->data, png->len, &streamed_error);
  jopan_image_header_set_whole (TRUE);
  g_test_message ("%s: %s", what, whole_error ? whole_error->message : "sound");
  g_assert_cmpint (whole, ==, streamed);
  g_assert_cmpstr (whole_error ? whole_error->message : "", ==,
                   streamed_error ? streamed_error->message : "");
  g_assert_cmpint (a.raw_width, ==, b.raw_width);
  return jopan_image_header_whole_count () > before;
}

/* A PNG's image data is inflated at once (libdeflate: zlib took 87 ms for
 * the sample edition's four advertisements, on the main thread before any
 * page) when it is sound; whatever is wrong with it, the verdict and the
 * message are the streaming check's: data cut short, corrupt, a bad
 * checksum, more data than rows, a row of an unknown filter, in one IDAT
 * chunk or in many. */
static void
test_png_checked_whole (void)
{
  const guint32 w = 300, h = 200;
  gsize rn = h * (1 + 3 * w);
  g_autofree guint8 *raw = g_malloc (rn + 100);
  g_autofree guint8 *z = g_malloc (compressBound ((uLong) rn + 100));
  uLongf zn;

  for (gsize y = 0; y < h; y++)
    for (gsize x = 0; x <= 3 * w; x++)
      raw[y * (1 + 3 * w) + x] = x == 0 ? (guint8) (y % 5) : (guint8) ((x / 30 + y / 20) * 40);
  memset (raw + rn, 7, 100);
  for (int variant = 0; variant < 7; variant++)
    for (gsize split = 64; split <= 1 << 20; split *= 128)
      {
        g_autoptr (GByteArray) png = NULL;
        g_autofree char *what = g_strdup_printf ("variant %d, IDAT of %zu bytes", variant, split);
        gboolean taken;

        zn = compressBound ((uLong) rn + 100);
        raw[1 * (1 + 3 * w)] = variant == 5 ? 9 : 1; /* row 1's filter */
        g_assert_cmpint (compress2 (z, &zn, raw, (uLong) (variant == 4 ? rn + 100 : rn), 9), ==, Z_OK);
        if (variant == 1)
          zn /= 2;                  /* cut short */
        if (variant == 2)
          z[zn / 2] ^= 0x55;        /* corrupt */
        if (variant == 3)
          z[zn - 1] ^= 1;           /* its Adler-32 */
        if (variant == 6)
          zn -= 4;                  /* no Adler-32 */
        png = png_of (w, h, z, zn, split);
        taken = same_verdict (png, what);
        g_assert_true (taken == (variant == 0));
      }
}

/* A photo's file is read and checked once per process while it stays as
 * it is (an edition shows an advertisement on many pages), and read anew
 * once it changes: a damaged copy is still refused. */
static void
test_probe_once (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autofree char *from = g_build_filename (TEST_DATA, "photos", "alpha.png", NULL);
  g_autofree char *path = g_build_filename (dir, "alpha.png", NULL);
  g_autofree char *data = NULL;
  JopanImageRef first = { .src = (char *) "alpha.png", .path = path }, again = first, cut = first;
  guint before = jopan_image_probe_reads ();
  gsize length;

  g_assert_true (g_file_get_contents (from, &data, &length, NULL));
  g_assert_true (g_file_set_contents (path, data, (gssize) length, NULL));
  g_assert_true (jopan_image_probe (&first, &error));
  g_assert_true (jopan_image_probe (&again, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (jopan_image_probe_reads (), ==, before + 1);
  g_assert_cmpint (again.width, ==, first.width);
  g_assert_cmpint (again.height, ==, first.height);
  g_assert_cmpint (again.components, ==, first.components);
  g_assert_cmpuint (again.png_bits, ==, first.png_bits);
  g_assert_cmpint (again.is_jpeg, ==, first.is_jpeg);
  /* The same name, another file: read again, and its damage found. */
  g_assert_true (g_file_set_contents (path, data, (gssize) length / 2, NULL));
  g_assert_false (jopan_image_probe (&cut, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "alpha.png"));
  g_assert_cmpuint (jopan_image_probe_reads (), ==, before + 2);
  remove_dir (dir, "alpha.png");
}

/* A JPEG in PDF is never decoded: the file holds its bytes as they are. */
static void
test_jpeg_never_decoded (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autoptr (JopanDocument) doc = photo_document (dir, "small.jpg");
  g_autoptr (GBytes) pdf = NULL;
  g_autofree char *jpeg = NULL;
  guint before = jopan_image_decode_count ();
  gsize n, length;
  const char *p;

  pdf = written (doc, dir, JOPAN_FORMAT_PDF);
  g_assert_cmpuint (jopan_image_decode_count (), ==, before);
  g_assert_true (g_file_get_contents (TEST_DATA "/photos/small.jpg", &jpeg, &length, NULL));
  p = g_bytes_get_data (pdf, &n);
  g_assert_nonnull (memmem (p, n, jpeg, length));
  remove_dir (dir, "small.jpg");
}

static guint32
get32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

/* A preview is written the fast way: rows each with the Up filter (libpng
 * left to itself, as in gdk-pixbuf, tries five filters a row), its IDAT
 * chunks one zlib stream. */
static void
test_png_preview_encoding (void)
{
  g_autofree char *dir = g_dir_make_tmp ("jopan-image-XXXXXX", NULL);
  g_autoptr (JopanDocument) doc = photo_document (dir, "small.jpg");
  g_autoptr (GBytes) png = written (doc, dir, JOPAN_FORMAT_PNG);
  g_autoptr (GByteArray) idat = g_byte_array_new ();
  gsize n, at = 8;
  const guint8 *p = g_bytes_get_data (png, &n);
  guint32 w = get32 (p + 16), h = get32 (p + 20);
  gsize raw_size = (gsize) h * (1 + 3 * (gsize) w);
  g_autofree guint8 *raw = g_malloc (raw_size + 1);
  uLongf got = (uLongf) raw_size + 1;

  g_assert_cmpmem (p + 12, 4, "IHDR", 4);
  g_assert_cmpuint (p[24], ==, 8); /* 8 bits, RGB */
  g_assert_cmpuint (p[25], ==, 2);
  while (at + 12 <= n)
    {
      guint32 length = get32 (p + at);
      g_assert_cmpuint (crc32 (0, p + at + 4, length + 4), ==, get32 (p + at + 8 + length));
      if (memcmp (p + at + 4, "IDAT", 4) == 0)
        g_byte_array_append (idat, p + at + 8, length);
      at += 12 + length;
    }
  g_assert_cmpuint (at, ==, n);
  g_assert_cmpint (uncompress (raw, &got, idat->data, idat->len), ==, Z_OK);
  g_assert_cmpuint (got, ==, raw_size);
  for (guint32 y = 0; y < h; y++)
    g_assert_cmpuint (raw[y * (1 + 3 * (gsize) w)], ==, 2);
  remove_dir (dir, "small.jpg");
}

static cairo_status_t
append_to (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* @n bytes inflated from zlib's format @z (exactly @n, or fails). */
static guint8 *
inflated (GBytes *z, gsize n)
{
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor ();
  guint8 *out = g_malloc (n);

  g_assert_cmpint (libdeflate_zlib_decompress (d, g_bytes_get_data (z, NULL), g_bytes_get_size (z), out, n,
                                               NULL), ==, LIBDEFLATE_SUCCESS);
  libdeflate_free_decompressor (d);
  return out;
}

static guint32
colour_pixel (int x, int y)
{
  return 0x12000000u | (guint32) (x * 7 & 0xFF) << 16 | (guint32) (y * 3 & 0xFF) << 8 | 5;
}

static guint32
grey_pixel (int x, int y)
{
  guint32 g = (guint32) (x + 2 * y) & 0xFF;
  return (x & 1 ? 0xFF000000u : 0) | g << 16 | g << 8 | g;
}

static guint32
mono_pixel (int x, int y)
{
  return (x * 3 + y) % 5 < 2 ? 0x00FFFFFFu : 0xFF000000u;
}

/* An image encoded for the PDF cache is the object cairo's PDF surface
 * writes for it (RGB, grey, one bit with rows padded to a byte; the
 * unused byte of RGB24 ignored): the same dictionary and, inflated, the
 * same samples; deflated by libdeflate at JOPAN_STREAM_DEFLATE_LEVEL, not
 * by cairo's zlib. */
static void
test_stream_encode_as_cairo (void)
{
  guint32 (*const kinds[]) (int, int) = { colour_pixel, grey_pixel, mono_pixel, mono_pixel };
  const int widths[] = { 37, 20, 21, 1 }, h = 9;
  const gsize samples[] = { 37 * 3 * 9, 20 * 9, 3 * 9, 1 * 9 };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      cairo_surface_t *image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, widths[k], h);
      g_autoptr (GByteArray) pdf = g_byte_array_new ();
      cairo_surface_t *target = cairo_pdf_surface_create_for_stream (append_to, pdf, 1, 1);
      cairo_t *cr = cairo_create (target);
      g_autofree char *dict = NULL, *cairo_dict = NULL;
      g_autoptr (GBytes) data = NULL, cairo_data = NULL;
      g_autofree guint8 *ours = NULL, *theirs = NULL, *again = NULL;
      struct libdeflate_compressor *z = libdeflate_alloc_compressor (JOPAN_STREAM_DEFLATE_LEVEL);
      gsize n = samples[k];

      for (int y = 0; y < h; y++)
        for (int x = 0; x < widths[k]; x++)
          ((guint32 *) (void *) (cairo_image_surface_get_data (image)
                                 + y * cairo_image_surface_get_stride (image)))[x] = kinds[k](x, y);
      cairo_surface_mark_dirty (image);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_destroy (cr);
      cairo_surface_finish (target);
      cairo_surface_destroy (target);
      g_assert_true (jopan_image_stream_extract (pdf->data, pdf->len, &cairo_dict, &cairo_data));
      g_assert_true (jopan_image_stream_encode (image, &dict, &data));
      g_test_message ("%s", dict);
      g_assert_cmpstr (dict, ==, cairo_dict);
      ours = inflated (data, n);
      theirs = inflated (cairo_data, n);
      g_assert_cmpmem (ours, n, theirs, n);
      again = g_malloc (libdeflate_zlib_compress_bound (z, n));
      g_assert_cmpmem (g_bytes_get_data (data, NULL), g_bytes_get_size (data), again,
                       libdeflate_zlib_compress (z, ours, n, again, libdeflate_zlib_compress_bound (z, n)));
      libdeflate_free_compressor (z);
      cairo_surface_destroy (image);
    }
}

/* A photo's pixels laid on paper white: every colour at every coverage
 * as the exact sum rounds it, in rows long enough for any unrolling (an
 * odd one, opaque pixels beside others), and an RGB row as it is. */
static void
test_row_over_white (void)
{
  guint8 rgba[256 * 4], rgb[256 * 3];
  guint32 out[256];

  for (guint a = 0; a < 256; a++)
    {
      for (guint c = 0; c < 256; c++)
        {
          guint8 px[4] = { (guint8) c, (guint8) (255 - c), (guint8) (c ^ 0x5A), (guint8) a };
          memcpy (rgba + 4 * c, px, 4);
        }
      jopan_image_row_over_white (rgba, 4, 256, out);
      for (guint c = 0; c < 256; c++)
        {
          guint32 want = 0xFF000000u;
          for (int k = 0; k < 3; k++)
            want |= ((rgba[4 * c + k] * a + 255 * (255 - a) + 127) / 255) << (16 - 8 * k);
          g_assert_cmphex (out[c], ==, want);
        }
    }
  /* An odd row, opaque pixels beside transparent ones. */
  for (guint a = 0; a < 256; a++)
    {
      for (guint c = 0; c < 255; c++)
        {
          guint8 px[4] = { (guint8) (c * 3), (guint8) c, (guint8) (255 - c), (guint8) (c % 3 ? 255 : a) };
          memcpy (rgba + 4 * c, px, 4);
        }
      jopan_image_row_over_white (rgba, 4, 255, out);
      for (guint c = 0; c < 255; c++)
        {
          guint32 want = 0xFF000000u, alpha = rgba[4 * c + 3];
          for (int k = 0; k < 3; k++)
            want |= ((rgba[4 * c + k] * alpha + 255 * (255 - alpha) + 127) / 255) << (16 - 8 * k);
          g_assert_cmphex (out[c], ==, want);
        }
    }
  for (guint c = 0; c < 256; c++)
    rgb[3 * c] = (guint8) c, rgb[3 * c + 1] = (guint8) (255 - c), rgb[3 * c + 2] = (guint8) (c * 7);
  jopan_image_row_over_white (rgb, 3, 256, out);
  for (guint c = 0; c < 256; c++)
    g_assert_cmphex (out[c], ==, 0xFF000000u | c << 16 | (255 - c) << 8 | (guint8) (c * 7));
}

/* Rows of every coverage, of widths around the four-pixel steps, runs of
 * opaque pixels among others: how many bytes differ between the one-pass
 * R G B row and the words made first (jopan_image_row_over_white, then
 * jopan_rgb_row). */
static gsize
rgb_over_white_differences (void)
{
  guint8 rgba[67 * 4], rgb[67 * 3], fast[67 * 3 + 1];
  guint32 words[67];
  gsize differ = 0;

  for (guint a = 0; a < 256; a++)
    for (int w = 0; w <= 67; w++)
      {
        for (int x = 0; x < w; x++)
          {
            guint8 px[4] = { (guint8) (x * 37 + a), (guint8) (255 - x * 11), (guint8) (x ^ a),
                             (guint8) ((x / 5) % 3 ? 255 : a) };
            memcpy (rgba + 4 * x, px, 4);
            memcpy (rgb + 3 * x, px, 3);
          }
        for (int channels = 3; channels <= 4; channels++)
          {
            guint8 want[67 * 3 + 1];
            jopan_image_row_over_white (channels == 4 ? rgba : rgb, channels, w, words);
            jopan_rgb_row (words, (guint32) w, want);
            fast[3 * w] = 0xEE;
            jopan_image_rgb_over_white (channels == 4 ? rgba : rgb, channels, w, fast);
            g_assert_cmpuint (fast[3 * w], ==, 0xEE);
            for (int i = 0; i < 3 * w; i++)
              differ += fast[i] != want[i];
          }
      }
  return differ;
}

static void
test_rgb_over_white (void)
{
  g_assert_cmpuint (rgb_over_white_differences (), ==, 0);
  /* Broken on purpose, the comparison sees it. */
  jopan_image_rgb_break (TRUE);
  g_assert_cmpuint (rgb_over_white_differences (), >, 1000);
  jopan_image_rgb_break (FALSE);
  g_assert_cmpuint (rgb_over_white_differences (), ==, 0);
}

/* A pixbuf encoded a row at a time gives what its pixels laid on white
 * as a surface give: colour with every coverage, grey, black and white
 * (one bit), wholly transparent (white), RGB without alpha, a colour
 * pixel only in the last row. */
static void
test_stream_encode_pixbuf (void)
{
  for (int k = 0; k < 6; k++)
    {
      gboolean alpha = k != 4;
      int w = 29, h = 7, channels = alpha ? 4 : 3;
      g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, alpha, 8, w, h);
      int stride = gdk_pixbuf_get_rowstride (pixbuf);
      guint8 *px = gdk_pixbuf_get_pixels (pixbuf);
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      g_autofree char *dict = NULL, *surface_dict = NULL;
      g_autoptr (GBytes) data = NULL, surface_data = NULL;

      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            guint8 *p = px + y * stride + x * channels;
            guint8 v = (guint8) (x * 9 + y * 31);
            guint8 bw = (x + y) % 3 ? 255 : 0;
            const guint8 kinds[6][4] = { { v, (guint8) (v * 3), (guint8) (255 - v), (guint8) (x * 17 + y) },
                                         { v, v, v, 255 },
                                         { bw, bw, bw, 255 },
                                         { v, (guint8) (v + 1), 0, 0 },
                                         { v, (guint8) (v * 5), (guint8) (v ^ 0x33), 0 },
                                         { bw, bw, (guint8) (y == h - 1 && x == w - 1 ? 7 : bw), 255 } };
            memcpy (p, kinds[k], (gsize) channels);
          }
      for (int y = 0; y < h; y++)
        jopan_image_row_over_white (px + y * stride, channels, w,
                                    (guint32 *) (void *) (cairo_image_surface_get_data (surface)
                                                          + y * cairo_image_surface_get_stride (surface)));
      cairo_surface_mark_dirty (surface);
      g_assert_true (jopan_image_stream_encode (surface, &surface_dict, &surface_data));
      g_assert_true (jopan_image_stream_encode_pixbuf (pixbuf, &dict, &data));
      g_test_message ("%d: %s", k, dict);
      g_assert_cmpstr (dict, ==, surface_dict);
      g_assert_true (g_bytes_equal (data, surface_data));
      cairo_surface_destroy (surface);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/photos/png-limits", test_png_limits);
  g_test_add_func ("/photos/jpeg-structure", test_jpeg_structure);
  g_test_add_func ("/photos/jpeg-scan-bytes", test_jpeg_scan_bytes);
  g_test_add_func ("/photos/jpeg-tables", test_jpeg_tables);
  g_test_add_func ("/photos/jpeg-markers", test_jpeg_markers);
  g_test_add_func ("/photos/orientation", test_orientation);
  g_test_add_func ("/photos/preview-limit", test_preview_limit);
  g_test_add_func ("/photos/render-error-names-place", test_render_error_names_place);
  g_test_add_data_func ("/photos/png-encoded-once/alpha", "alpha.png", test_png_encoded_once);
  g_test_add_data_func ("/photos/png-encoded-once/dot", "dot.png", test_png_encoded_once);
  g_test_add_func ("/photos/png-checked-whole", test_png_checked_whole);
  g_test_add_func ("/photos/stream-encode-as-cairo", test_stream_encode_as_cairo);
  g_test_add_func ("/photos/png-read-once-at-sizes", test_png_read_once_at_sizes);
  g_test_add_data_func ("/photos/decoded-once-in-parallel/pdf", GINT_TO_POINTER (JOPAN_FORMAT_PDF),
                        test_decoded_once_in_parallel);
  g_test_add_data_func ("/photos/decoded-once-in-parallel/png", GINT_TO_POINTER (JOPAN_FORMAT_PNG),
                        test_decoded_once_in_parallel);
  g_test_add_func ("/photos/jpeg-never-decoded", test_jpeg_never_decoded);
  g_test_add_func ("/photos/probe-once", test_probe_once);
  g_test_add_func ("/photos/png-preview-encoding", test_png_preview_encoding);
  g_test_add_func ("/photos/row-over-white", test_row_over_white);
  g_test_add_func ("/photos/stream-encode-pixbuf", test_stream_encode_pixbuf);
  g_test_add_func ("/photos/rgb-over-white", test_rgb_over_white);
  return g_test_run ();
}
