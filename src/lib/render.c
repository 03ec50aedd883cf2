/* render.c — a finished page display list onto cairo: PDF, SVG, PNG, or a
 * text dump.  Nothing here decides a position.
 *
 * Every output is drawn into memory first and written with a rename at the
 * end, so a failure leaves no partial file and keeps an older good one.
 */
#include "compose-private.h"

#include "finish-private.h"
#include "jopan-config.h"

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <cairo-svg.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <poppler.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#define MARK_SPACE 24.0 /* room for crop marks outside the bleed */

/* cairo 1.16 (Debian 12's) can deadlock when two threads draw text at
 * once: a thread retiring a scaled font holds the font's lock and waits
 * for the glyph cache's, while another holds the glyph cache's and waits
 * for that font's, to evict its glyphs (later cairo releases take the
 * font's lock with a try-lock there).  Pages still compose in parallel;
 * what draws text onto cairo, and what makes cairo let go of fonts
 * (showing a page, finishing a surface), runs one thread at a time under
 * this lock.  Encoding the pixels, finishing the PDF with qpdf and
 * separating photos stay outside it. */
static GRecMutex render_lock;

void
jopan_render_lock (void)
{
  g_rec_mutex_lock (&render_lock);
}

void
jopan_render_unlock (void)
{
  g_rec_mutex_unlock (&render_lock);
}

gboolean
jopan_render_trylock (void)
{
  return g_rec_mutex_trylock (&render_lock);
}
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
 * is a one-page PDF poppler reads; the file may have changed since.)  Into
 * a PDF it is drawn as for printing: poppler then hands cairo each JPEG
 * at its own size with its bytes, which cairo embeds as they are; drawn
 * for the screen, poppler decoded it, resampled it and cairo deflated the
 * pixels again (an advert's 114 KB JPEG became 265 KB, and its page took
 * 22 ms more CPU, 143 ms against 121).  Previews are drawn for the screen. */
static gboolean
draw_pdf (cairo_t *cr, const JopanBox *b, JopanFormat format, GError **error)
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
  if (format == JOPAN_FORMAT_PNG)
    poppler_page_render (page, cr);
  else
    poppler_page_render_for_printing (page, cr);
  cairo_restore (cr);
  g_object_unref (page);
  g_object_unref (pdf);
  return TRUE;
}

/* Crop marks at the trim's corners, from 3pt outside the bleed outwards. */
static void
draw_crop_marks (cairo_t *cr, const JopanPage *page)
{
  double w = page->width, h = page->height, gap = page->bleed + 3, len = 15;
  const double corners[4][2] = { { 0, 0 }, { w, 0 }, { 0, h }, { w, h } };

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
}

/* A registration target (circle and cross) in the middle of each side. */
static void
draw_registration (cairo_t *cr, const JopanPage *page)
{
  double w = page->width, h = page->height, d = page->bleed + 10.5, r = 4;
  const double centres[4][2] = { { w / 2, -d }, { w / 2, h + d }, { -d, h / 2 }, { w + d, h / 2 } };

  cairo_set_line_width (cr, 0.25);
  for (int i = 0; i < 4; i++)
    {
      double x = centres[i][0], y = centres[i][1];
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_move_to (cr, x - r - 2, y);
      cairo_line_to (cr, x + r + 2, y);
      cairo_move_to (cr, x, y - r - 2);
      cairo_line_to (cr, x, y + r + 2);
    }
  cairo_stroke (cr);
}

/* The slug under the bleed, left of the bottom target: edition, page,
 * date.  It is set with the page's own fonts (a text box's context), so
 * that no font outside the project's enters the file. */
static void
draw_slug (cairo_t *cr, const JopanPage *page, const char *slug)
{
  g_autoptr (PangoLayout) layout = NULL;
  PangoFontDescription *font;

  for (guint i = 0; layout == NULL && i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_TEXT)
        layout = pango_layout_new (pango_layout_get_context (b->layout));
    }
  if (layout == NULL || slug == NULL)
    return;
  font = pango_font_description_from_string ("Noto Sans 6");
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_text (layout, slug, -1);
  pango_layout_set_width (layout, (int) (MAX (page->width / 2 - 30, 36) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  cairo_move_to (cr, 24, page->height + page->bleed + 8);
  pango_cairo_show_layout (cr, layout);
}

/* Marks are outside the bleed, in registration colour: on every plate
 * of a PDF/X file (finish.c recognises the colour). */
static void
draw_marks (cairo_t *cr, const JopanPage *page, const char *slug)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, JOPAN_REGISTRATION_RGB);
  if (page->marks & JOPAN_MARKS_CROP)
    draw_crop_marks (cr, page);
  if (page->marks & JOPAN_MARKS_REGISTRATION)
    draw_registration (cr, page);
  if (page->marks)
    draw_slug (cr, page, slug);
  cairo_restore (cr);
}

/* A photo whose frame touches the trim runs on into the bleed, so that a
 * trim a little off leaves no white edge: the frame and the part of the
 * photo it shows grow by the bleed on that side (as far as the photo has
 * pixels there). */
static JopanBox
bleed_image (const JopanPage *page, const JopanBox *b)
{
  JopanBox e = *b;
  double px = b->src_w / b->w, py = b->src_h / b->h, g = page->bleed, near = 0.5;

  if (g <= 0)
    return e;
  if (b->x < near)
    e.x -= g, e.w += g, e.src_x = MAX (0, e.src_x - g * px), e.src_w = b->src_x + b->src_w - e.src_x;
  if (b->y < near)
    e.y -= g, e.h += g, e.src_y = MAX (0, e.src_y - g * py), e.src_h = b->src_y + b->src_h - e.src_y;
  if (b->x + b->w > page->width - near)
    e.w += g, e.src_w = MIN (b->image->width - e.src_x, e.src_w + g * px);
  if (b->y + b->h > page->height - near)
    e.h += g, e.src_h = MIN (b->image->height - e.src_y, e.src_h + g * py);
  return e;
}

/* Decodes the photos @page shows into @surfaces as drawing it would, box
 * by box in the same order: done before taking the render lock, so that
 * decoding runs in parallel and only drawing waits its turn. */
gboolean
jopan_render_warm (const JopanPage *page, JopanFormat format, double scale, GHashTable *surfaces,
                   GError **error)
{
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      JopanBox bled;

      if (b->kind != JOPAN_BOX_IMAGE)
        continue;
      bled = bleed_image (page, b);
      if (image_surface_lookup (surfaces, &bled, format, scale, error) == NULL)
        return FALSE;
    }
  return TRUE;
}

/* The horizontal scale @b's line is drawn with, @scale pixels a point.
 * Each distinct scale is a new cairo scaled font whose glyphs are all
 * rasterised anew: on a contact sheet's thumbnail (body text two pixels
 * to the em, each justified line with its own scale) that was half the
 * drawing.  There, a face under SMALL_EM pixels gets its scale rounded to
 * 1/2^k, 2^k at least the line's width in pixels: the line's end moves by
 * half a pixel at most (cairo puts each glyph on a whole pixel anyway)
 * and a glyph's width by under a 60th of a pixel.  Elsewhere (PDF,
 * previews) the scale is exact. */
#define SMALL_EM 6.0

/* @b's em in pixels at @scale; SMALL_EM when its layout has no font. */
static double
line_em (const JopanBox *b, double scale)
{
  const PangoFontDescription *font = pango_layout_get_font_description (b->layout);

  return font ? scale * pango_font_description_get_size (font) / PANGO_SCALE : SMALL_EM;
}

double
jopan_render_line_scale (const JopanBox *b, gboolean thumbnail, double scale)
{
  double em = line_em (b, scale), steps = 64;

  if (!thumbnail || em >= SMALL_EM)
    return b->scale;
  while (steps < b->w * scale && steps < 65536)
    steps *= 2;
  return round (b->scale * steps) / steps;
}

/* Greeking, as page layout programs do below a size: in a thumbnail, a
 * line whose em is under GREEK_EM pixels is drawn as a grey bar over each
 * word, from its baseline to GREEK_TOP em above it, in the line's colour at
 * GREEK_INK (bold at GREEK_BOLD_INK).  Glyphs two pixels high are a grey
 * texture anyway; each one drawn cost cairo a glyph lookup and a mask
 * composited, and small text was most of a thumbnail's drawing.  The
 * bars' height and ink were set so that the page keeps the mean grey its
 * glyphs had, 8 x 8 pixels at a time (tests/test-png.c). */
#define GREEK_EM 3.0
#define GREEK_TOP 0.6
#define GREEK_INK 0.34
#define GREEK_BOLD_INK 0.48
/* Hangul spreads thinner strokes over the whole em: a taller, lighter bar. */
#define GREEK_HANGUL_TOP 0.8
#define GREEK_HANGUL_INK 0.6

gint jopan_render_greeked_lines;

/* Whether a run's face is bold or heavier. */
static gboolean
run_bold (const PangoGlyphItem *run)
{
  PangoFontDescription *d = pango_font_describe (run->item->analysis.font);
  gboolean bold = pango_font_description_get_weight (d) >= PANGO_WEIGHT_SEMIBOLD;

  pango_font_description_free (d);
  return bold;
}

/* Adds the bar of one word, @x0 to @x1 along the line, to the path. */
static void
greek_word (cairo_t *cr, const JopanBox *b, double x0, double x1, double top)
{
  double s = b->scale > 0 ? b->scale : 1;

  if (x1 > x0)
    cairo_rectangle (cr, b->x + s * x0, b->y - top, s * (x1 - x0), top);
}

/* One run's words as bars (filled at once, in its ink); @x: where the run
 * starts on the line, moved to its end. */
static void
greek_run (cairo_t *cr, const JopanBox *b, const PangoGlyphItem *run, double *x, double em)
{
  const char *text = pango_layout_get_text (b->layout) + run->item->offset;
  gboolean hangul = run->item->analysis.script == PANGO_SCRIPT_HANGUL;
  double start = -1, top = em * (hangul ? GREEK_HANGUL_TOP : GREEK_TOP);
  double ink = (run_bold (run) ? GREEK_BOLD_INK : GREEK_INK) * (hangul ? GREEK_HANGUL_INK : 1);

  for (int g = 0; g < run->glyphs->num_glyphs; g++)
    {
      gboolean space = g_unichar_isspace (g_utf8_get_char (text + run->glyphs->log_clusters[g]));
      if (space && start >= 0)
        greek_word (cr, b, start, *x, top), start = -1;
      else if (!space && start < 0)
        start = *x;
      *x += run->glyphs->glyphs[g].geometry.width / (double) PANGO_SCALE;
    }
  if (start >= 0)
    greek_word (cr, b, start, *x, top);
  cairo_set_source_rgba (cr, b->color[0], b->color[1], b->color[2], ink);
  cairo_fill (cr);
}

static void
greek_line (cairo_t *cr, const JopanBox *b, double em_points)
{
  PangoLayoutLine *line = jopan_layout_line (b->layout, b->line);
  double x = 0;

  g_atomic_int_inc (&jopan_render_greeked_lines);
  for (GSList *r = line ? line->runs : NULL; r; r = r->next)
    greek_run (cr, b, r->data, &x, em_points);
}

static void
draw_text (cairo_t *cr, const JopanBox *b, gboolean thumbnail, double scale)
{
  double em = line_em (b, scale);

  if (thumbnail && em < GREEK_EM)
    {
      greek_line (cr, b, em / scale);
      return;
    }
  /* 장평 and justification's glyph scaling: a real horizontal scale of
   * the line, never a stretched face. */
  cairo_save (cr);
  cairo_translate (cr, b->x, b->y);
  if (b->scale > 0)
    cairo_scale (cr, jopan_render_line_scale (b, thumbnail, scale), 1);
  cairo_move_to (cr, 0, 0);
  pango_cairo_show_layout_line (cr, jopan_layout_line (b->layout, b->line));
  cairo_restore (cr);
}

static gboolean
draw_page (cairo_t *cr, const JopanPage *page, JopanFormat format, double scale, gboolean thumbnail,
           GHashTable *surfaces, const char *slug, GError **error)
{
  cairo_translate (cr, page_pad (page), page_pad (page));
  draw_marks (cr, page, slug);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      JopanBox bled;

      cairo_set_source_rgb (cr, b->color[0], b->color[1], b->color[2]);
      switch (b->kind)
        {
        case JOPAN_BOX_TEXT:
          draw_text (cr, b, thumbnail, scale);
          break;
        case JOPAN_BOX_RULE:
          cairo_set_line_width (cr, b->line_width);
          cairo_move_to (cr, b->x, b->y);
          cairo_rel_line_to (cr, b->w, b->h);
          cairo_stroke (cr);
          break;
        case JOPAN_BOX_IMAGE:
          bled = bleed_image (page, b);
          if (!draw_image (cr, &bled, format, scale, surfaces, error))
            return FALSE;
          break;
        case JOPAN_BOX_PDF:
          if (!draw_pdf (cr, b, format, error))
            return FALSE;
          break;
        }
    }
  return TRUE;
}

gboolean
jopan_render_page_full (cairo_t *cr, const JopanPage *page, JopanFormat format, double scale,
                        GHashTable *surfaces, const char *slug, GError **error)
{
  return draw_page (cr, page, format, scale, FALSE, surfaces, slug, error);
}

gboolean
jopan_render_thumbnail (cairo_t *cr, const JopanPage *page, double scale, GHashTable *surfaces,
                        const char *slug, GError **error)
{
  return draw_page (cr, page, JOPAN_FORMAT_PNG, scale, TRUE, surfaces, slug, error);
}

gboolean
jopan_render_page (cairo_t *cr, const JopanPage *page, JopanFormat format, double scale,
                   GHashTable *surfaces, GError **error)
{
  return jopan_render_page_full (cr, page, format, scale, surfaces, NULL, error);
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

static const char *
document_author (const JopanDocument *doc)
{
  if (doc->article && doc->article->byline)
    return doc->article->byline;
  return doc->plan && doc->plan->title ? doc->plan->title : "";
}

static const char *
document_subject (const JopanDocument *doc)
{
  if (doc->article)
    return doc->article->section ? doc->article->section
           : doc->article->kicker ? doc->article->kicker : "";
  return doc->plan && doc->plan->section ? doc->plan->section : "";
}

static const char *
document_day (const JopanDocument *doc)
{
  if (doc->article && doc->article->date)
    return doc->article->date;
  return doc->plan && doc->plan->date ? doc->plan->date : "";
}

/* "The Daily Example · page 3 · 2024-03-13" under the marks. */
static char *
slug_text (const JopanDocument *doc, const JopanPage *page)
{
  const char *day = document_day (doc);

  return g_strdup_printf ("%s \u00b7 page %d%s%s", document_title (doc), page->number,
                          *day ? " \u00b7 " : "", day);
}

char *
jopan_document_slug (const JopanDocument *doc, const JopanPage *page)
{
  return slug_text (doc, page);
}

void
jopan_page_media_size (const JopanPage *page, double *width, double *height)
{
  *width = page->width + 2 * page_pad (page);
  *height = page->height + 2 * page_pad (page);
}

/* The finished PDF/X file, checked as a printer's preflight would: its
 * findings join the report, once however often the file is written. */
static void
preflight_file (JopanDocument *doc, const GByteArray *pdf)
{
  static const char *const kinds[][2] = {
    { "rgb", "RGB left in a PDF/X file" },
    { "ink", "ink over the limit" },
    { "font", "font not embedded" },
  };
  g_autoptr (GPtrArray) found = g_ptr_array_new_with_free_func (g_free);

  doc->print_checked = TRUE;
  jopan_preflight_pdf (pdf->data, pdf->len, doc->print.ink_limit, found);
  for (guint i = 0; i < found->len; i++)
    {
      const char *f = g_ptr_array_index (found, i), *tab = strchr (f, '\t');
      const char *what = "print";
      for (gsize k = 0; tab && k < G_N_ELEMENTS (kinds); k++)
        if (strncmp (f, kinds[k][0], (gsize) (tab - f)) == 0 && kinds[k][0][tab - f] == '\0')
          what = kinds[k][1];
      jopan_report_add (doc->report, "print", "%s: %s", what, tab ? tab + 1 : f);
    }
}

/* cairo's PDF @cairo (RGB, one MediaBox) made into the file the output
 * asks for, in @out: boxes and info always, the press's colour for PDF/X. */
static gboolean
finish_pdf (JopanDocument *doc, const char *path, const GByteArray *cairo, GByteArray *out,
            GError **error)
{
  g_autofree JopanFinishPage *pages = g_new0 (JopanFinishPage, doc->pages->len);
  g_autofree JopanFinishInk *inks = g_new0 (JopanFinishInk, doc->print.n_inks + 1);
  g_autofree char *date = creation_date (doc);
  g_autoptr (JopanColor) color = NULL;
  g_autoptr (GError) local = NULL;
  JopanOutput output = doc->print.output;
  JopanFinish f = { output == JOPAN_OUTPUT_PDFX_1A ? 1 : output == JOPAN_OUTPUT_PDFX_4 ? 4 : 0,
                    pages, doc->pages->len, inks, (guint) doc->print.n_inks, NULL,
                    document_title (doc), document_author (doc), document_subject (doc),
                    "jopan " JOPAN_VERSION, date, doc->print.max_ppi };

  for (guint i = 0; i < doc->pages->len; i++)
    {
      const JopanPage *page = g_ptr_array_index (doc->pages, i);
      double pad = page_pad (page), b = page->bleed, w = page->width, h = page->height;
      JopanFinishPage box = { { 0, 0, w + 2 * pad, h + 2 * pad },
                              { pad - b, pad - b, pad + w + b, pad + h + b },
                              { pad, pad, pad + w, pad + h } };
      pages[i] = box;
    }
  for (int i = 0; i < doc->print.n_inks; i++)
    {
      memcpy (inks[i].rgb, doc->print.inks[i].rgb, sizeof inks[i].rgb);
      memcpy (inks[i].cmyk, doc->print.inks[i].cmyk, sizeof inks[i].cmyk);
    }
  if (f.pdfx && (color = jopan_color_new (doc->print.profile, doc->print.intent,
                                          doc->print.ink_limit, error)) == NULL)
    return FALSE;
  f.color = color;
  if (!jopan_finish_pdf (cairo, out, &f, &local))
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: %s", path, local->message);
      return FALSE;
    }
  if (f.pdfx && !doc->print_checked)
    preflight_file (doc, out);
  return TRUE;
}

/* The outline (bookmarks): each story's headline, at its module on its
 * page; one entry for a single article. */
static void
add_outline (cairo_surface_t *surface, const JopanDocument *doc)
{
  if (doc->article)
    {
      const JopanPage *first = g_ptr_array_index (doc->pages, 0);
      g_autofree char *at = g_strdup_printf ("page=1 pos=[%g %g]", page_pad (first), page_pad (first));
      cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT, doc->article->headline, at, 0);
      return;
    }
  for (guint i = 0; doc->plan && doc->placed && i < doc->placed->len; i++)
    {
      const JopanPlaced *p = &g_array_index (doc->placed, JopanPlaced, i);
      const JopanPageStory *story;
      const JopanPage *page;
      g_autofree char *at = NULL;

      if (p->is_box || p->index < 0 || (guint) p->index >= doc->plan->stories->len
          || p->page < 0 || (guint) p->page >= doc->pages->len)
        continue;
      story = g_ptr_array_index (doc->plan->stories, p->index);
      page = g_ptr_array_index (doc->pages, p->page);
      at = g_strdup_printf ("page=%d pos=[%g %g]", p->page + 1, p->x + page_pad (page),
                            p->y + page_pad (page));
      cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT, story->article->headline, at, 0);
    }
}

/* The link attributes of cairo's tag for @uri: a string in single
 * quotes, its quotes and backslashes escaped with a backslash. */
static char *
link_attributes (const JopanLinkRect *r, double pad)
{
  GString *a = g_string_new ("uri='");
  const double v[4] = { r->x + pad, r->y + pad, r->w, r->h };
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  for (const char *p = r->uri; *p; p++)
    {
      if (*p == '\\' || *p == '\'')
        g_string_append_c (a, '\\');
      g_string_append_c (a, *p);
    }
  g_string_append (a, "' rect=[");
  for (int i = 0; i < 4; i++) /* a point, whatever the locale's decimal comma */
    g_string_append_printf (a, "%s%s", i ? " " : "", g_ascii_formatd (number, sizeof number, "%.2f", v[i]));
  g_string_append_c (a, ']');
  return g_string_free (a, FALSE);
}

/* Marks each link's rectangle on each line it covers as a link
 * annotation of the page (a screen PDF's only: see render_pdf). */
static void
draw_links (cairo_t *cr, const JopanPage *page)
{
  cairo_save (cr);
  cairo_identity_matrix (cr); /* rectangles in page points from the media's corner */
  for (guint i = 0; i < page->boxes->len; i++)
    {
      g_autoptr (GArray) rects = jopan_box_links (&g_array_index (page->boxes, JopanBox, i));

      for (guint k = 0; k < rects->len; k++)
        {
          g_autofree char *attributes = link_attributes (&g_array_index (rects, JopanLinkRect, k),
                                                         page_pad (page));
          cairo_tag_begin (cr, CAIRO_TAG_LINK, attributes);
          cairo_tag_end (cr, CAIRO_TAG_LINK);
        }
    }
  cairo_restore (cr);
}

/* Draws @doc's pages onto @surface and finishes it (under the render lock). */
static gboolean
drawn_pdf (JopanDocument *doc, cairo_surface_t *surface, GHashTable *cache, const char *path,
           GError **error)
{
  gboolean ok = surface_ok (surface, path, error);
  double pad;

  if (!ok)
    return FALSE;
  for (guint i = 0; ok && i < doc->pages->len; i++)
    {
      const JopanPage *page = g_ptr_array_index (doc->pages, i);
      g_autofree char *slug = slug_text (doc, page);
      cairo_t *cr;

      pad = page_pad (page);
      cairo_pdf_surface_set_size (surface, page->width + 2 * pad, page->height + 2 * pad);
      cr = cairo_create (surface);
      ok = context_ok (cr, path, error)
           && jopan_render_page_full (cr, page, JOPAN_FORMAT_PDF, 1.0, cache, slug, error);
      /* PDF/X (1a and 4 alike) allows annotations only outside the bleed
       * box (trim box without one), TrapNet excepted: a link over the text
       * would be inside, so the press's file has none. */
      if (ok && doc->print.output == JOPAN_OUTPUT_RGB)
        draw_links (cr, page);
      cairo_show_page (cr);
      ok = ok && context_ok (cr, path, error);
      cairo_destroy (cr);
    }
  if (!ok)
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  add_outline (surface, doc);
  return finish_surface (surface, path, error);
}

/* cairo's PDF on its way to a GByteArray.  Cairo hands its stream
 * function every piece it prints (a number, an operator: a content
 * stream it leaves plain comes a few bytes at a time); they are
 * gathered here and appended a block at a time. */
#define SINK_BYTES 65536

typedef struct {
  GByteArray *out;
  gsize n;
  guint8 block[SINK_BYTES];
} PdfSink;

static void
sink_flush (PdfSink *sink)
{
  g_byte_array_append (sink->out, sink->block, (guint) sink->n);
  sink->n = 0;
}

static cairo_status_t
sink_write (void *closure, const unsigned char *data, unsigned int length)
{
  PdfSink *sink = closure;

  if (sink->n + length > SINK_BYTES)
    sink_flush (sink);
  if (length >= SINK_BYTES)
    g_byte_array_append (sink->out, data, length);
  else
    memcpy (sink->block + sink->n, data, length), sink->n += length;
  return CAIRO_STATUS_SUCCESS;
}

/* @doc's photos decoded into @cache, as drawing its PDF needs them. */
static gboolean
warm_pdf (const JopanDocument *doc, GHashTable *cache, GError **error)
{
  for (guint i = 0; i < doc->pages->len; i++)
    if (!jopan_render_warm (g_ptr_array_index (doc->pages, i), JOPAN_FORMAT_PDF, 1.0, cache,
                            error))
      return FALSE;
  return TRUE;
}

/* cairo's PDF of @doc into @out, its photos in @cache (under the render lock). */
static gboolean
draw_raw_pdf (JopanDocument *doc, GHashTable *cache, const char *path, GByteArray *out,
              GError **error)
{
  const JopanPage *first = g_ptr_array_index (doc->pages, 0);
  double pad = page_pad (first);
  g_autofree PdfSink *sink = g_new (PdfSink, 1);
  cairo_surface_t *surface;
  gboolean ok;

  sink->out = out, sink->n = 0;
  surface = cairo_pdf_surface_create_for_stream (sink_write, sink, first->width + 2 * pad,
                                                 first->height + 2 * pad);
  ok = drawn_pdf (doc, surface, cache, path, error);
  sink_flush (sink);
  return ok;
}

/* A page of an edition is drawn when the render lock is free, which may
 * be after its worker composed the next page (edition.c), and finished
 * and written later, outside the lock, as any page.  A draft is only a
 * head start: whatever fails in it is dropped, and writing draws that
 * again the usual way, to fail there with its usual message in its
 * usual turn. */
struct _JopanDraft {
  GHashTable *pdf_cache;        /* the PDF's photos, decoded; NULL: no PDF drafted */
  GByteArray *pdf;              /* cairo's file, or NULL until drawn */
  double dpi;                   /* the PNG's resolution */
  GPtrArray *png_caches;        /* per page, its photos at that resolution; or NULL */
  GPtrArray *pngs;              /* per page, its pixels, or NULL until drawn */
};

static void
drop_pdf (JopanDraft *draft)
{
  g_clear_pointer (&draft->pdf_cache, g_hash_table_unref);
  g_clear_pointer (&draft->pdf, g_byte_array_unref);
}

static void
drop_png (JopanDraft *draft)
{
  g_clear_pointer (&draft->png_caches, g_ptr_array_unref);
  g_clear_pointer (&draft->pngs, g_ptr_array_unref);
}

void
jopan_draft_free (JopanDraft *draft)
{
  if (draft == NULL)
    return;
  drop_pdf (draft);
  drop_png (draft);
  g_free (draft);
}

static JopanDraft *
draft_of (JopanDocument *doc)
{
  if (doc->draft == NULL)
    doc->draft = g_new0 (JopanDraft, 1);
  return doc->draft;
}

void
jopan_document_warm_pdf (JopanDocument *doc)
{
  JopanDraft *draft = draft_of (doc);
  g_autoptr (GError) dropped = NULL;

  drop_pdf (draft);
  draft->pdf_cache = surface_cache_new ();
  if (!warm_pdf (doc, draft->pdf_cache, &dropped))
    drop_pdf (draft);
}

void
jopan_document_draw_pdf (JopanDocument *doc)
{
  JopanDraft *draft = doc->draft;
  g_autoptr (GError) dropped = NULL;

  if (draft == NULL || draft->pdf_cache == NULL || draft->pdf)
    return;
  draft->pdf = g_byte_array_new ();
  if (!draw_raw_pdf (doc, draft->pdf_cache, "", draft->pdf, &dropped))
    drop_pdf (draft);
}

/* cairo's file drawn ahead (taken: qpdf reads it where it is), or NULL;
 * its photos into @cache: a photo the stream cache had no room for was
 * encoded for this page alone, and that copy, which finishing the PDF
 * reads, lives as long as its stand-in in @cache. */
static GByteArray *
take_pdf (JopanDocument *doc, GHashTable **cache)
{
  JopanDraft *draft = doc->draft;
  GByteArray *drawn;

  if (draft == NULL || draft->pdf == NULL)
    return NULL;
  drawn = g_steal_pointer (&draft->pdf);
  *cache = g_steal_pointer (&draft->pdf_cache);
  drop_pdf (draft);
  return drawn;
}

static gboolean
render_pdf (JopanDocument *doc, const char *path, GByteArray *out, GError **error)
{
  g_autoptr (GHashTable) cache = NULL;
  g_autoptr (GByteArray) drawn = take_pdf (doc, &cache);
  gboolean ok;

  if (drawn)
    return finish_pdf (doc, path, drawn, out, error);
  cache = surface_cache_new ();
  if (!warm_pdf (doc, cache, error))
    return FALSE;
  drawn = g_byte_array_new ();
  jopan_render_lock ();
  ok = draw_raw_pdf (doc, cache, path, drawn, error);
  jopan_render_unlock ();
  return ok && finish_pdf (doc, path, drawn, out, error);
}

/* A row soft-proofed: each pixel separated as a photo would be, then
 * shown on the profile's paper (absolute colorimetric). */
static void
proof_row (guint8 *rgb, guint32 n_pixels, gpointer data)
{
  jopan_color_proof (data, rgb, n_pixels);
}

/* A preview is encoded for speed: every row with PNG's Up filter and
 * zlib's fastest level.  libpng left to choose among its five filters on
 * every row (as gdk-pixbuf's writer does) took twice as long for a file
 * 3 % smaller. */
static gboolean
encode_png (cairo_surface_t *surface, JopanColor *proof, const char *path, GByteArray *out,
            GError **error)
{
  g_autoptr (JopanPngWriter) png = NULL;
  g_autoptr (GByteArray) bytes = NULL;
  g_autoptr (GError) local = NULL;

  png = jopan_png_writer_new ((guint32) cairo_image_surface_get_width (surface),
                              (guint32) cairo_image_surface_get_height (surface), PNG_FILTER_UP, 1,
                              NULL, NULL, &local);
  if (png && jopan_png_writer_add_rows (png, surface, proof ? proof_row : NULL, proof, &local))
    bytes = jopan_png_writer_finish (png, &local);
  if (bytes == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "%s: %s", path, local->message);
      return FALSE;
    }
  g_byte_array_append (out, bytes->data, bytes->len);
  return TRUE;
}

/* @page's pixels at @scale, its photos in @cache (under the render lock).
 * Returns: the surface, or NULL with @error set. */
static cairo_surface_t *
drawn_png (const JopanPage *page, double scale, GHashTable *cache, const char *path,
           GError **error)
{
  double pad = page_pad (page), w = page->width + 2 * pad, h = page->height + 2 * pad;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (w * scale),
                                                         (int) ceil (h * scale));
  cairo_t *cr;
  gboolean ok;

  if (!surface_ok (surface, path, error))
    return NULL;
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  ok = context_ok (cr, path, error)
       && jopan_render_page (cr, page, JOPAN_FORMAT_PNG, scale, cache, error)
       && context_ok (cr, path, error);
  cairo_destroy (cr);
  if (!ok)
    g_clear_pointer (&surface, cairo_surface_destroy);
  return surface;
}

/* @surface (taken) encoded into @out. */
static gboolean
png_out (cairo_surface_t *surface, JopanColor *proof, const char *path, GByteArray *out,
         GError **error)
{
  if (!encode_png (surface, proof, path, out, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  return finish_surface (surface, path, error);
}

static gboolean
render_raster (const JopanPage *page, JopanFormat format, double dpi, JopanColor *proof,
               const char *path, GByteArray *out, GError **error)
{
  g_autoptr (GHashTable) cache = surface_cache_new ();
  double pad = page_pad (page), scale = dpi / 72.0;
  double w = page->width + 2 * pad, h = page->height + 2 * pad;
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  /* jopan_document_write checked the size against the preview limit. */
  if (!jopan_render_warm (page, format, scale, cache, error))
    return FALSE;
  if (format == JOPAN_FORMAT_PNG)
    {
      jopan_render_lock ();
      surface = drawn_png (page, scale, cache, path, error);
      jopan_render_unlock ();
      return surface && png_out (surface, proof, path, out, error);
    }
  jopan_render_lock ();
  surface = cairo_svg_surface_create_for_stream (append_bytes, out, w, h);
  if (!surface_ok (surface, path, error))
    {
      jopan_render_unlock ();
      return FALSE;
    }
  cr = cairo_create (surface);
  ok = context_ok (cr, path, error) && jopan_render_page (cr, page, format, scale, cache, error)
       && context_ok (cr, path, error);
  cairo_destroy (cr);
  /* The SVG surface writes its glyphs when finished. */
  ok = ok ? finish_surface (surface, path, error) : (cairo_surface_destroy (surface), FALSE);
  jopan_render_unlock ();
  return ok;
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

void
jopan_document_warm_png (JopanDocument *doc, double dpi)
{
  JopanDraft *draft = draft_of (doc);
  g_autoptr (GError) dropped = NULL;

  drop_png (draft);
  if (!check_preview (doc, "", dpi, &dropped))
    return;
  draft->dpi = dpi;
  draft->png_caches = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; i < doc->pages->len; i++)
    {
      GHashTable *cache = surface_cache_new ();
      g_ptr_array_add (draft->png_caches, cache);
      if (!jopan_render_warm (g_ptr_array_index (doc->pages, i), JOPAN_FORMAT_PNG, dpi / 72.0,
                              cache, &dropped))
        {
          drop_png (draft);
          return;
        }
    }
}

void
jopan_document_draw_png (JopanDocument *doc)
{
  JopanDraft *draft = doc->draft;
  g_autoptr (GError) dropped = NULL;

  if (draft == NULL || draft->png_caches == NULL || draft->pngs)
    return;
  draft->pngs = g_ptr_array_new_with_free_func ((GDestroyNotify) cairo_surface_destroy);
  for (guint i = 0; i < doc->pages->len; i++)
    {
      cairo_surface_t *surface = drawn_png (g_ptr_array_index (doc->pages, i), draft->dpi / 72.0,
                                            g_ptr_array_index (draft->png_caches, i), "", &dropped);
      if (surface == NULL)
        {
          drop_png (draft);
          return;
        }
      g_ptr_array_add (draft->pngs, surface);
    }
}

/* Page @i's pixels drawn ahead at @dpi (taken), or NULL. */
static cairo_surface_t *
take_png (JopanDocument *doc, guint i, double dpi)
{
  JopanDraft *draft = doc->draft;

  if (draft == NULL || draft->pngs == NULL || draft->dpi != dpi || i >= draft->pngs->len)
    return NULL;
  return g_steal_pointer (&g_ptr_array_index (draft->pngs, i));
}

gboolean
jopan_document_render (JopanDocument *doc, const char *path, JopanFormat format, double dpi,
                       GPtrArray *outputs, GError **error)
{
  g_autoptr (JopanColor) proof = NULL;

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
  if (format == JOPAN_FORMAT_PNG && doc->print.proof
      && (proof = jopan_color_new (doc->print.profile, doc->print.intent, doc->print.ink_limit,
                                   error)) == NULL)
    return FALSE;
  for (guint i = 0; i < doc->pages->len; i++)
    {
      GByteArray *out = g_byte_array_new ();
      g_autofree char *page = jopan_page_file_name (path, i, doc->pages->len);
      cairo_surface_t *drawn = format == JOPAN_FORMAT_PNG ? take_png (doc, i, dpi) : NULL;

      g_ptr_array_add (outputs, out);
      if (drawn ? !png_out (drawn, proof, page, out, error)
                : !render_raster (g_ptr_array_index (doc->pages, i), format, dpi, proof, page,
                                  out, error))
        return FALSE;
    }
  if (format == JOPAN_FORMAT_PNG && doc->draft)
    drop_png (doc->draft);
  return TRUE;
}

gboolean
jopan_document_preflight (JopanDocument *doc, GError **error)
{
  g_autoptr (GByteArray) pdf = g_byte_array_new ();

  g_return_val_if_fail (doc != NULL, FALSE);
  if (doc->print.output == JOPAN_OUTPUT_RGB || doc->print_checked)
    return TRUE;
  return render_pdf (doc, "the PDF/X file", pdf, error);
}

gboolean
jopan_document_write (JopanDocument *doc, const char *path, JopanFormat format, double dpi,
                      GError **error)
{
  g_return_val_if_fail (doc != NULL && path != NULL, FALSE);
  return jopan_document_write_full (doc, path, format, dpi, NULL, error);
}
