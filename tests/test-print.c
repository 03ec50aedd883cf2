/* test-print.c — the print file's pieces: fill colours for the press, the
 * style's CMYK colours and [print] keys, and the preflight of a PDF that
 * jopan would never write (so that each check is seen to fire). */
#include "jopan-private.h"
#include "finish-private.h"

#include <glib/gstdio.h>
#include <libdeflate.h>
#include <qpdf/qpdf-c.h>
#include <stdlib.h>
#include <turbojpeg.h>
#include <string.h>

static void
test_fill_colours (void)
{
  g_autoptr (JopanColor) color = jopan_color_new (NULL, 0, 240, NULL);
  JopanFinishInk red = { { 176 / 255.0, 25 / 255.0, 30 / 255.0 }, { 0, 1, 0.9, 0.2 } };
  JopanFinish f = { 1, NULL, 0, &red, 1, color, "t", "a", "s", "c", "2000-01-01T00:00:00Z", 0 };
  const double near_black[3] = { 0x11 / 255.0, 0x11 / 255.0, 0x11 / 255.0 };
  const double grey[3] = { 0.5, 0.5, 0.5 };
  const double registration[3] = { JOPAN_REGISTRATION_RGB };
  const double blue[3] = { 0.1, 0.3, 0.8 };
  const double white[3] = { 1, 1, 1 };
  double cmyk[4];

  g_assert_nonnull (color);
  /* The styles' near-black is solid K, and overprints. */
  g_assert_true (jopan_finish_fill_cmyk (&f, near_black, cmyk));
  g_assert_cmpfloat (cmyk[0] + cmyk[1] + cmyk[2], ==, 0);
  g_assert_cmpfloat (cmyk[3], ==, 1);
  g_assert_true (jopan_finish_fill_cmyk (&f, grey, cmyk));
  g_assert_cmpfloat_with_epsilon (cmyk[3], 0.5, 1e-9);
  /* A colour the style gives in CMYK is used as given; it knocks out. */
  g_assert_false (jopan_finish_fill_cmyk (&f, red.rgb, cmyk));
  g_assert_cmpmem (cmyk, sizeof cmyk, red.cmyk, sizeof red.cmyk);
  g_assert_false (jopan_finish_fill_cmyk (&f, registration, cmyk));
  g_assert_cmpfloat (cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], ==, 4);
  /* Anything else goes through the profile, within the ink limit. */
  g_assert_false (jopan_finish_fill_cmyk (&f, blue, cmyk));
  g_assert_cmpfloat (cmyk[0], >, 0.5);
  g_assert_cmpfloat (cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], <=, 2.41);
  g_assert_false (jopan_finish_fill_cmyk (&f, white, cmyk));
  g_assert_cmpfloat (cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], ==, 0);
}

static void
test_photo_ink_limit (void)
{
  g_autoptr (JopanColor) color = jopan_color_new (NULL, 0, 200, NULL);
  guint8 rgb[3 * 4] = { 0, 0, 0, 20, 10, 5, 255, 255, 255, 0, 0, 255 };
  guint8 cmyk[4 * 4];

  jopan_color_rgb_to_cmyk (color, rgb, cmyk, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpint (cmyk[4 * i] + cmyk[4 * i + 1] + cmyk[4 * i + 2] + cmyk[4 * i + 3], <=, 2 * 255 + 3);
  g_assert_cmpint (cmyk[3], >, 200);        /* black is mostly K */
  g_assert_cmpint (cmyk[8] + cmyk[9] + cmyk[10] + cmyk[11], ==, 0); /* white: no ink */
}

/* The photo table (color.c) against LittleCMS's transform at double
 * precision (the fill colours'), between its nodes: close everywhere,
 * within the ink limit, and greys darkening steadily on K (no banding). */
static void
test_photo_table (void)
{
  g_autoptr (JopanColor) color = jopan_color_new (NULL, 0, 240, NULL);
  int worst = 0, last_k = -1, n = 0;
  double total = 0;

  for (int r = 3; r < 256; r += 14)
    for (int g = 1; g < 256; g += 14)
      for (int b = 2; b < 256; b += 14)
        {
          guint8 rgb[3] = { (guint8) r, (guint8) g, (guint8) b }, cmyk[4];
          double in[3] = { r / 255.0, g / 255.0, b / 255.0 }, exact[4];

          jopan_color_rgb_to_cmyk (color, rgb, cmyk, 1);
          jopan_color_fill_to_cmyk (color, in, exact);
          g_assert_cmpint (cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], <=, jopan_color_get_ink_limit (color));
          for (int c = 0; c < 4; c++, n++)
            {
              int off = ABS (cmyk[c] - (int) (exact[c] * 255 + 0.5));
              worst = MAX (worst, off);
              total += off;
            }
        }
  /* LittleCMS's own 8-bit transform strays up to 17 steps from it. */
  g_test_message ("photo table: %.2f steps from LittleCMS on average, %d at most", total / n, worst);
  g_assert_cmpfloat (total / n, <=, 1.0);
  g_assert_cmpint (worst, <=, 16);
  for (int v = 255; v >= 0; v--)
    {
      guint8 rgb[3] = { (guint8) v, (guint8) v, (guint8) v }, cmyk[4];

      jopan_color_rgb_to_cmyk (color, rgb, cmyk, 1);
      g_assert_cmpint (cmyk[3], >=, last_k);
      last_k = cmyk[3];
    }
}

/* The photo table is made as pixels need it, not whole up front (36 000
 * nodes through LittleCMS took 20 ms a process): one pixel makes the
 * eight nodes around it, a pixel in the same cube none. */
static void
test_photo_table_lazy (void)
{
  /* A limit no other test uses: a colour of its own (colours are kept). */
  g_autoptr (JopanColor) color = jopan_color_new (NULL, 0, 233, NULL);
  guint8 rgb[6] = { 100, 150, 200, 101, 151, 201 }, cmyk[8];

  g_assert_nonnull (color);
  g_assert_cmpuint (jopan_color_nodes_made (color), ==, 0);
  jopan_color_rgb_to_cmyk (color, rgb, cmyk, 1);
  g_assert_cmpuint (jopan_color_nodes_made (color), ==, 8);
  jopan_color_rgb_to_cmyk (color, rgb, cmyk, 2);
  g_assert_cmpuint (jopan_color_nodes_made (color), ==, 8);
  g_assert_cmpint (cmyk[0] + cmyk[1] + cmyk[2] + cmyk[3], >, 0);
}

/* The built-in profile at the styles' default intent and ink limit
 * (perceptual, 240 %) reads the table made when jopan was built: every
 * node is there before any pixel asks, and each is the node made here as
 * pixels need it (the same profile's bytes given as a file make theirs). */
static void
test_photo_table_built (void)
{
  g_autoptr (JopanColor) built = jopan_color_new (NULL, 0, 240, NULL);
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "newsprint.icc", NULL);
  g_autoptr (JopanColor) made = NULL;
  guint n = 33 * 33 * 33;
  gsize size = 0;
  const void *bytes = NULL;

  g_assert_nonnull (built);
  g_assert_cmpuint (jopan_color_nodes_made (built), ==, n);
  bytes = g_bytes_get_data (jopan_color_get_profile (built), &size);
  g_assert_true (g_file_set_contents (path, bytes, (gssize) size, NULL));
  made = jopan_color_new (path, 0, 240, NULL);
  g_assert_nonnull (made);
  g_assert_cmpuint (jopan_color_nodes_made (made), <, n);
  for (guint i = 0; i < n; i++)
    {
      gint16 a[4], b[4];
      jopan_color_node (built, i, a);
      jopan_color_node (made, i, b);
      if (memcmp (a, b, sizeof a) != 0)
        g_error ("node %u: %d %d %d %d built, %d %d %d %d made", i, a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]);
    }
  g_assert_cmpuint (jopan_color_nodes_made (made), ==, n);
  g_remove (path);
  g_rmdir (dir);
}

/* A row of pixels separated at once (eight at a time where the processor
 * has AVX2) gives the bytes each pixel separated alone gives (the plain
 * path): every kind of tie between R, G and B, both ends of the scale,
 * pixels over the ink limit after rounding, and rows of every length
 * around the eight-pixel step. */
static void
test_photo_row_same_bytes (void)
{
  g_autoptr (JopanColor) color = jopan_color_new (NULL, 0, 240, NULL);
  static const guint8 levels[] = { 0, 1, 7, 8, 100, 127, 128, 200, 247, 248, 254, 255 };
  enum { N = 12 * 12 * 12 + 2000 };
  guint8 *rgb = g_new (guint8, 3 * N), *row = g_new (guint8, 4 * N), one[4];
  guint32 seed = 12345;
  gsize n = 0;

  for (int r = 0; r < 12; r++)
    for (int g = 0; g < 12; g++)
      for (int b = 0; b < 12; b++, n++)
        rgb[3 * n] = levels[r], rgb[3 * n + 1] = levels[g], rgb[3 * n + 2] = levels[b];
  for (; n < N; n++)
    for (int c = 0; c < 3; c++)
      rgb[3 * n + c] = (guint8) ((seed = seed * 1103515245 + 12345) >> 16);
  for (gsize len = 1; len <= N; len = len < 40 ? len + 1 : len * 3)
    {
      gsize at = N - len; /* the row's end is the buffer's: nothing read past it */
      jopan_color_rgb_to_cmyk (color, rgb + 3 * at, row, len);
      for (gsize i = 0; i < len; i++)
        {
          jopan_color_rgb_to_cmyk (color, rgb + 3 * (at + i), one, 1);
          if (memcmp (one, row + 4 * i, 4) != 0)
            g_error ("pixel %zu of a row of %zu (%d %d %d): %d %d %d %d alone, %d %d %d %d in the row", i, len,
                     rgb[3 * (at + i)], rgb[3 * (at + i) + 1], rgb[3 * (at + i) + 2], one[0], one[1], one[2], one[3],
                     row[4 * i], row[4 * i + 1], row[4 * i + 2], row[4 * i + 3]);
        }
    }
  jopan_color_rgb_to_cmyk (color, rgb, row, N);
  for (gsize i = 0; i < N; i++)
    {
      jopan_color_rgb_to_cmyk (color, rgb + 3 * i, one, 1);
      g_assert_cmpmem (one, 4, row + 4 * i, 4);
    }
  g_free (rgb);
  g_free (row);
}

/* A photo whose CMYK JPEG keeps within the ink limit is separated
 * straight into it, a row at a time, never held whole in CMYK (harbour's
 * reach 207 %); at a limit its JPEG goes over (180 %), it is held for the
 * passes that pull it under. */
static void
test_photo_streamed (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "page.pdf", NULL);
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "samples", "harbour.json", NULL);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
  static const char *const limits[] = { "print.ink-limit=240%", "print.ink-limit=180%" };

  g_assert_no_error (error);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
      g_autoptr (JopanDocument) doc = NULL;
      guint held = jopan_finish_photos_held ();

      g_assert_true (jopan_style_set (style, "print.pdfx=true", &error));
      g_assert_true (jopan_style_set (style, limits[i], &error));
      doc = jopan_document_new (fonts, style, article, &error);
      g_assert_no_error (error);
      g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 150, &error));
      if (i == 0)
        g_assert_cmpuint (jopan_finish_photos_held (), ==, held);
      else
        g_assert_cmpuint (jopan_finish_photos_held (), >, held);
    }
  g_remove (out);
  g_rmdir (dir);
}

/* A separated photo's CMYK JPEG is converted to YCCK by jopan and read
 * back from its YCCK planes (libjpeg converts YCCK in plain C, a fifth
 * of the encoding and a quarter of the check): the file is TurboJPEG's,
 * byte for byte, and its most ink libjpeg's own decoding's, to the unit,
 * on noise that reaches every corner of the conversions (clamping at 0
 * and 255), at sizes with and without whole blocks and pixel groups. */
static void
test_cmyk_jpeg (void)
{
  tjhandle enc = tjInitCompress (), dec = tjInitDecompress ();
  guint32 seed = 1;

  /* Large images, then 400 of nine and seventeen pixels (one group of
   * the SSE2 or the AVX2 code and one more): a maximum over few pixels
   * misses no pixel's error. */
  for (int i = 0; i < 406; i++)
    for (int quality = 50; quality <= 90; quality += 40)
      {
        static const int widths[] = { 517, 64, 3, 517, 64, 3 };
        int w = i < 6 ? widths[i] : i % 2 ? 17 : 9, h = i < 6 ? 37 : 1, most = 0;
        g_autofree guint8 *cmyk = g_malloc ((gsize) w * h * 4), *back = g_malloc ((gsize) w * h * 4);
        guint8 *jpeg = NULL;
        unsigned long size = 0;

        for (gsize p = 0; p < (gsize) w * h * 4; p++)
          cmyk[p] = (guint8) ((seed = seed * 1103515245 + 12345) >> 16);
        g_assert_cmpint (tjCompress2 (enc, cmyk, w, 0, h, TJPF_CMYK, &jpeg, &size, TJSAMP_444, quality,
                                      TJFLAG_ACCURATEDCT), ==, 0);
        g_assert_cmpint (tjDecompress2 (dec, jpeg, size, back, w, 0, h, TJPF_CMYK, TJFLAG_ACCURATEDCT), ==, 0);
        for (gsize p = 0; p < (gsize) w * h * 4; p += 4)
          most = MAX (most, back[p] + back[p + 1] + back[p + 2] + back[p + 3]);
        g_assert_cmpint (jopan_finish_jpeg_most_ink (jpeg, size, w, h), ==, most);
        if (quality == 90)
          {
            /* Written as separated photos are (YCCK converted by jopan, a
             * row at a time): TurboJPEG's very file. */
            g_autoptr (GBytes) ours = jopan_finish_cmyk_jpeg (cmyk, w, h);
            gsize n = 0;
            const guint8 *data = g_bytes_get_data (ours, &n);
            g_assert_cmpmem (data, n, jpeg, size);
          }
        tjFree (jpeg);
      }
  tjDestroy (enc);
  tjDestroy (dec);
}

static void
test_style_keys (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *data_dir = g_strdup (SOURCE_ROOT);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", data_dir, &error);
  JopanPrint print = { 0 };

  g_assert_no_error (error);
  g_assert_true (jopan_style_set (style, "kicker.color=#b0191e cmyk(0, 100, 90, 20)", &error));
  g_assert_true (jopan_style_set (style, "print.pdfx=true", &error));
  g_assert_true (jopan_style_set (style, "print.ink-limit=220%", &error));
  jopan_print_copy (&print, style);
  g_assert_cmpint (print.output, ==, JOPAN_OUTPUT_PDFX_1A);
  g_assert_cmpfloat (print.ink_limit, ==, 220);
  g_assert_cmpint (print.n_inks, ==, 2); /* the kicker and the quote */
  g_assert_cmpfloat_with_epsilon (print.inks[0].cmyk[2], 0.9, 1e-9);
  g_assert_cmpfloat_with_epsilon (print.inks[0].rgb[0], 176 / 255.0, 1e-9);
  /* --pdfx keeps a style's PDF/X-4. */
  g_assert_true (jopan_style_set (style, "print.output=pdfx-4", &error));
  jopan_print_copy (&print, style);
  g_assert_cmpint (print.output, ==, JOPAN_OUTPUT_PDFX_4);
  /* CMYK alone is shown as its plain inks. */
  g_assert_true (jopan_style_set (style, "kicker.color=cmyk(0 0 0 50)", &error));
  jopan_print_copy (&print, style);
  g_assert_cmpfloat_with_epsilon (print.inks[0].rgb[1], 0.5, 1e-9);
  jopan_print_clear (&print);
  g_assert_false (jopan_style_set (style, "kicker.color=cmyk(0 0 0)", &error));
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
  g_assert_nonnull (strstr (error->message, "kicker.color"));
}

/* A PDF by hand: a font not embedded, an RGB fill, a 350% CMYK fill. */
static GByteArray *
crafted_pdf (void)
{
  static const char *const objects[] = {
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Resources << /Font << /F1 5 0 R >> >> "
    "/Contents 4 0 R >>",
    NULL,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  };
  const char *content = "1 0 0 rg 0 0 10 10 re f 1 1 1 0.5 k 10 0 10 10 re f "
                        "BT /F1 12 Tf 20 50 Td (Hi) Tj ET";
  GString *pdf = g_string_new ("%PDF-1.4\n");
  gsize offsets[G_N_ELEMENTS (objects)], xref;

  for (gsize i = 0; i < G_N_ELEMENTS (objects); i++)
    {
      offsets[i] = pdf->len;
      if (objects[i])
        g_string_append_printf (pdf, "%zu 0 obj\n%s\nendobj\n", i + 1, objects[i]);
      else
        g_string_append_printf (pdf, "%zu 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n",
                                i + 1, strlen (content), content);
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %zu\n0000000000 65535 f \n", G_N_ELEMENTS (objects) + 1);
  for (gsize i = 0; i < G_N_ELEMENTS (objects); i++)
    g_string_append_printf (pdf, "%010zu 00000 n \n", offsets[i]);
  g_string_append_printf (pdf, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
                          G_N_ELEMENTS (objects) + 1, xref);
  return g_bytes_unref_to_array (g_string_free_to_bytes (pdf));
}

static gboolean
has_finding (GPtrArray *found, const char *prefix, const char *part)
{
  for (guint i = 0; i < found->len; i++)
    {
      const char *f = g_ptr_array_index (found, i);
      if (g_str_has_prefix (f, prefix) && strstr (f, part))
        return TRUE;
    }
  return FALSE;
}

static void
test_preflight_pdf (void)
{
  g_autoptr (GByteArray) pdf = crafted_pdf ();
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  jopan_preflight_pdf (pdf->data, pdf->len, 240, found);
  for (guint i = 0; i < found->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (found, i));
  g_assert_true (has_finding (found, "font\tpage 1", "Helvetica is not embedded"));
  g_assert_true (has_finding (found, "rgb\tpage 1", "1 RGB colour operators"));
  g_assert_true (has_finding (found, "ink\tpage 1", "fill colour 1 1 1 0.5 (CMYK) is 350% ink"));
  g_assert_cmpuint (found->len, ==, 3);
}

/* The preflight of a PDF/X file this process wrote reads what writing it
 * found (each JPEG's ink, each content stream's colour operators, counted
 * by the colour filter as it rewrote them) instead of finding it again:
 * its findings are those of a preflight that finds it all anew (a fill
 * over the ink limit among them). */
static void
test_preflight_remembered (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "page.pdf", NULL);
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "samples", "harbour.json", NULL);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  g_autoptr (GPtrArray) remembered = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) anew = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data = NULL;
  gsize n = 0;

  g_assert_no_error (error);
  g_assert_true (jopan_style_set (style, "print.pdfx=true", &error));
  g_assert_true (jopan_style_set (style, "kicker.color=cmyk(100 100 100 0)", &error));
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 150, &error));
  g_assert_true (g_file_get_contents (out, &data, &n, NULL));
  jopan_preflight_pdf ((const guint8 *) data, n, 240, remembered);
  jopan_finish_forget ();
  jopan_preflight_pdf ((const guint8 *) data, n, 240, anew);
  g_assert_cmpuint (remembered->len, ==, anew->len);
  for (guint i = 0; i < anew->len; i++)
    g_assert_cmpstr (g_ptr_array_index (remembered, i), ==, g_ptr_array_index (anew, i));
  g_assert_true (has_finding (anew, "ink\tpage 1", "fill colour 1 1 1 0 (CMYK) is 300% ink"));
  g_remove (out);
  g_rmdir (dir);
}

/* The ID of a PDF @path jopan wrote, checked to be what finish.cc makes:
 * an MD5 of the file's length, CRC-32 and Adler-32 with qpdf's static
 * ID in its place (the same page, the same bytes; no MD5 of the whole
 * file).  Returns: the ID, 32 hex digits. */
static char *
checked_page_id (const char *path)
{
  static const char placeholder[] = "31415926535897932384626433832795";
  const char *const check[] = { "qpdf", "--check", path, NULL };
  g_autofree char *data = NULL, *sums = NULL, *md5 = NULL, *checked = NULL;
  g_autoptr (GRegex) re = g_regex_new ("/ID \\[<([0-9a-f]{32})><\\1>\\] >>\nstartxref\n[0-9]+\n%%EOF\n$",
                                       G_REGEX_RAW, 0, NULL);
  g_autoptr (GMatchInfo) match = NULL;
  char *id;
  gint start, status;
  gsize n = 0;

  g_assert_true (g_file_get_contents (path, &data, &n, NULL));
  g_assert_true (g_regex_match_full (re, data, (gssize) n, 0, 0, &match, NULL));
  id = g_match_info_fetch (match, 1);
  g_assert_cmpstr (id, !=, placeholder);
  g_assert_true (g_match_info_fetch_pos (match, 1, &start, NULL));
  memcpy (data + start, placeholder, 32);
  memcpy (data + start + 34, placeholder, 32);
  sums = g_strdup_printf ("jopan page|%u:%u:%u", (guint) n, libdeflate_crc32 (0, data, n),
                          libdeflate_adler32 (1, data, n));
  md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, sums, -1);
  g_assert_cmpstr (id, ==, md5);
  /* Every stream still reads back (qpdf reads cairo's file as it writes). */
  g_assert_true (g_spawn_sync (NULL, (char **) check, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, &checked, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (checked, "No syntax or stream encoding errors"));
  return id;
}

/* A page's file ID (RGB and PDF/X): made from the sums of the file as
 * written (checked_page_id), the same for the same page written again,
 * another for another page. */
static void
test_page_id (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "page.pdf", NULL);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *const articles[] = { "harbour.json", "harbour.json", "brief-bus.json" };

  for (guint pdfx = 0; pdfx < 2; pdfx++)
    for (guint i = 0; i < G_N_ELEMENTS (articles); i++)
      {
        g_autofree char *path = g_build_filename (SOURCE_ROOT, "samples", articles[i], NULL);
        g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
        g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
        g_autoptr (JopanDocument) doc = NULL;
        char *id;

        g_assert_no_error (error);
        if (pdfx)
          g_assert_true (jopan_style_set (style, "print.pdfx=true", &error));
        doc = jopan_document_new (fonts, style, article, &error);
        g_assert_no_error (error);
        g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 150, &error));
        id = checked_page_id (out);
        /* The second harbour is the first again: one new ID per article. */
        g_hash_table_add (seen, id);
        g_assert_cmpuint (g_hash_table_size (seen), ==, pdfx * 2 + (i == 0 ? 1 : i));
      }
  g_remove (out);
  g_rmdir (dir);
}

/* With CAIRO_DEBUG_PDF set (main(), as the jopan tool sets it) cairo
 * writes a page's content stream plain, and finishing deflates it with
 * libdeflate's fastest level: the stored bytes are exactly that. */
static void
test_plain_streams_deflated (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "page.pdf", NULL);
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "samples", "harbour.json", NULL);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  g_autofree char *data = NULL;
  struct libdeflate_compressor *z = libdeflate_alloc_compressor (1);
  unsigned char *raw = NULL, *plain = NULL;
  size_t raw_n = 0, plain_n = 0, n;
  gsize size = 0;
  qpdf_data q = qpdf_init ();
  qpdf_oh contents;

  g_assert_no_error (error);
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 150, &error));
  g_assert_true (g_file_get_contents (out, &data, &size, NULL));
  g_assert_cmpint (qpdf_read_memory (q, "page", data, size, NULL), ==, QPDF_SUCCESS);
  contents = qpdf_oh_get_key (q, qpdf_get_page_n (q, 0), "/Contents");
  g_assert_true (qpdf_oh_is_stream (q, contents));
  g_assert_true (qpdf_oh_is_name_and_equals (q, qpdf_oh_get_key (q, qpdf_oh_get_dict (q, contents), "/Filter"),
                                             "/FlateDecode"));
  g_assert_cmpint (qpdf_oh_get_stream_data (q, contents, qpdf_dl_none, NULL, &raw, &raw_n), ==, QPDF_SUCCESS);
  g_assert_cmpint (qpdf_oh_get_stream_data (q, contents, qpdf_dl_generalized, NULL, &plain, &plain_n), ==,
                   QPDF_SUCCESS);
  g_assert_nonnull (g_strstr_len ((const char *) plain, (gssize) plain_n, " Tf"));
  {
    g_autofree guint8 *again = g_malloc (libdeflate_zlib_compress_bound (z, plain_n));
    n = libdeflate_zlib_compress (z, plain, plain_n, again, libdeflate_zlib_compress_bound (z, plain_n));
    g_assert_cmpmem (raw, raw_n, again, n);
  }
  free (raw);
  free (plain);
  qpdf_cleanup (&q);
  libdeflate_free_compressor (z);
  g_remove (out);
  g_rmdir (dir);
}

/* A sample written through the finish's fast paths or its slow ones
 * (jopan_finish_set_path @how): an article in @output (a style's
 * print.output), its PDF's bytes. */
static GBytes *
article_through (const char *name, const char *output, int how)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "page.pdf", NULL);
  g_autofree char *path = g_build_filename (SOURCE_ROOT, "samples", name, NULL);
  g_autofree char *key = g_strdup_printf ("print.output=%s", output);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = jopan_article_load (path, &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  char *data = NULL;
  gsize size = 0;

  g_assert_no_error (error);
  g_assert_true (jopan_style_set (style, key, &error));
  doc = jopan_document_new (fonts, style, article, &error);
  g_assert_no_error (error);
  jopan_finish_set_path (how);
  g_assert_true (jopan_document_write (doc, out, JOPAN_FORMAT_PDF, 150, &error));
  jopan_finish_set_path (1);
  g_assert_true (g_file_get_contents (out, &data, &size, NULL));
  g_remove (out);
  g_rmdir (dir);
  return g_bytes_new_take (data, size);
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The sample edition written through the fast or the slow paths: its
 * page PDFs and edition.pdf, in page order. */
static GPtrArray *
edition_through (int how)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("jopan-print-XXXXXX", NULL);
  g_autofree char *outdir = g_build_filename (dir, "out", NULL);
  g_autoptr (JopanEdition) ed = jopan_edition_load (SOURCE_ROOT "/samples/edition/edition.json", &error);
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  JopanEditionOutput out = { .outdir = outdir, .data_dir = SOURCE_ROOT, .jobs = 1,
                             .dpi = 150, .date = 1719705600 };
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GDir) listing = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_no_error (error);
  jopan_finish_set_path (how);
  g_assert_true (jopan_edition_write (ed, style, &out, &error));
  jopan_finish_set_path (1);
  g_assert_no_error (error);
  listing = g_dir_open (outdir, 0, NULL);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, by_name);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (outdir, (const char *) g_ptr_array_index (names, i), NULL);
      char *data = NULL;
      gsize size = 0;

      if (g_str_has_suffix (path, ".pdf"))
        {
          g_assert_true (g_file_get_contents (path, &data, &size, NULL));
          g_ptr_array_add (files, g_bytes_new_take (data, size));
        }
      g_remove (path);
    }
  g_rmdir (outdir);
  g_rmdir (dir);
  return files;
}

/* How many of @a's files differ from @b's (the same count of files). */
static guint
files_differing (GPtrArray *a, GPtrArray *b)
{
  guint differ = 0;

  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    differ += !g_bytes_equal (g_ptr_array_index (a, i), g_ptr_array_index (b, i));
  return differ;
}

/* The finish's fast paths (qpdf told not to compress what is left of a
 * plain file; plain streams read and deflated through buffers kept for
 * the file; the cached photos' bytes lent to qpdf, not copied) give
 * the bytes of the slow ones: the sample edition's pages
 * and edition.pdf, and a photo page as PDF/X-1a and PDF/X-4.  Each fast
 * path broken on purpose, the comparison sees it. */
static void
test_finish_paths (void)
{
  static const char *const outputs[] = { "rgb", "pdfx-1a", "pdfx-4" };
  g_autoptr (GPtrArray) fast = edition_through (1);
  g_autoptr (GPtrArray) slow = edition_through (0);
  g_autoptr (GPtrArray) broken = edition_through (3);
  g_autoptr (GPtrArray) photos_short = edition_through (5);

  g_assert_cmpuint (fast->len, ==, 13);
  g_assert_cmpuint (files_differing (fast, slow), ==, 0);
  g_assert_cmpuint (files_differing (fast, broken), ==, 13);
  /* Each page with a photo, and edition.pdf. */
  g_assert_cmpuint (files_differing (fast, photos_short), >=, 4);
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autoptr (GBytes) a = article_through ("harbour.json", outputs[i], 1);
      g_autoptr (GBytes) b = article_through ("harbour.json", outputs[i], 0);
      g_autoptr (GBytes) c = article_through ("harbour.json", outputs[i], 2);
      g_autoptr (GBytes) d = article_through ("harbour.json", outputs[i], 3);

      g_assert_true (g_bytes_equal (a, b));
      /* Left uncompressed, only PDF/X-4's embedded profile comes out otherwise. */
      g_assert_true (g_bytes_equal (a, c) == (i != 2));
      g_assert_false (g_bytes_equal (a, d));
    }
}

int
main (int argc, char **argv)
{
  /* As the jopan tool does (src/cli/jopan.c), before any thread. */
  g_setenv ("CAIRO_DEBUG_PDF", "1", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/print/fill-colours", test_fill_colours);
  g_test_add_func ("/print/photo-ink-limit", test_photo_ink_limit);
  g_test_add_func ("/print/photo-table", test_photo_table);
  g_test_add_func ("/print/photo-table-lazy", test_photo_table_lazy);
  g_test_add_func ("/print/photo-table-built", test_photo_table_built);
  g_test_add_func ("/print/photo-row-same-bytes", test_photo_row_same_bytes);
  g_test_add_func ("/print/photo-streamed", test_photo_streamed);
  g_test_add_func ("/print/cmyk-jpeg", test_cmyk_jpeg);
  g_test_add_func ("/print/style-keys", test_style_keys);
  g_test_add_func ("/print/preflight-pdf", test_preflight_pdf);
  g_test_add_func ("/print/preflight-remembered", test_preflight_remembered);
  g_test_add_func ("/print/page-id", test_page_id);
  g_test_add_func ("/print/plain-streams-deflated", test_plain_streams_deflated);
  g_test_add_func ("/print/finish-paths", test_finish_paths);
  return g_test_run ();
}
