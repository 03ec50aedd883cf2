/* contact-sheet.c — every page as a thumbnail, in spreads: the flatplan.
 *
 * Page 1 stands alone on the right, then 2|3, 4|5 …: an even page on the
 * left of its spread, an odd one on the right, as the paper is printed.
 * Only the spreads that hold a page of the run are shown, SPREADS_PER_ROW
 * to a row, each page's own number under it: `--pages 1,3,7` shows
 * [ |1] [ |3] [ |7], the halves not in the run left empty.  The numbers
 * are drawn as seven-segment strokes, not set in a font, so the sheet
 * depends on no font the machine happens to have.
 *
 * A thumbnail is the image of one slot: the sheet's grey, the page at its
 * foot, centred, with a hairline frame.  Slots sit on whole pixels, so a
 * slot of the sheet holds its thumbnail's very pixels, wherever that came
 * from: drawn by the renderer while an edition's page is still in memory
 * (jopan_contact_sheet_add_page(), on the edition's worker threads),
 * copied from the sheet of a part of the edition (jopan_contact_sheet_join()),
 * or, where nothing better exists, drawn from the page's PDF by poppler.
 * So the sheet of merged parts is the whole run's, byte for byte.
 */
#include "jopan-private.h"

#include <math.h>
#include <png.h>
#include <poppler.h>
#include <string.h>

#define SPREADS_PER_ROW 4
#define THUMB_HEIGHT 300 /* pixels: a page's thumbnail, its width follows */
#define MARGIN 24        /* around the sheet and between spreads */
#define LABEL 36         /* the band under a row for the numbers */
#define DIGIT_HEIGHT 20.0
#define MAX_SHEET_PAGES 2000

/* Where the pages go; the same for any thumbnail width. */
typedef struct {
  guint n;
  guint *numbers;   /* the pages' numbers, ascending */
  guint *spread;    /* per page, the place of its spread on the sheet */
  guint n_spreads;
} Plan;

/* A row of spreads with its numbers and the margin above it. */
#define BAND (MARGIN + THUMB_HEIGHT + LABEL)
#define PAGES_KEY "jopan:pages" /* the tEXt naming the pages a sheet holds */

struct _JopanContactSheet {
  Plan plan;
  GMutex lock;                /* guards what follows, up to the encoder */
  int thumb_w, width;         /* a slot's width (the first page's thumbnail's), or 0
                               * until that came; the sheet's width */
  guint n_bands;
  cairo_surface_t **bands;    /* per band: its pixels, made when its first page
                               * comes, freed once encoded */
  guint *missing;             /* per band: its pages not drawn yet */
  gboolean *drawn;            /* per page */
  cairo_surface_t **waiting;  /* per page: a thumbnail that came before the first's */
  guint encoded;              /* bands encoded so far, from the top */
  gboolean encoder;           /* a thread of its own encodes the bands (encode_bands) */
  guint hold;                 /* complete bands it leaves while no core is idle */
  gboolean core_idle;         /* a core is idle: it encodes every complete band */
  gboolean encoder_stop;      /* it is told to stop */
  GCond band_ready;           /* told it when a page was added or it is to stop */
  GMutex encoding;            /* guards the encoder: */
  JopanPngWriter *png;        /* the file, band by band */
  GError *failed;             /* why it failed, or NULL */
};

static guint encoder_bands;
static gint encoder_broken;

guint
jopan_contact_sheet_encoder_bands (void)
{
  return (guint) g_atomic_int_get (&encoder_bands);
}

void
jopan_contact_sheet_encoder_break (int broken)
{
  g_atomic_int_set (&encoder_broken, broken);
}

/* ---- the plan ------------------------------------------------------------------- */

static gboolean
plan_init (Plan *plan, const guint *numbers, guint n, GError **error)
{
  *plan = (Plan) { .n = n };
  if (n > MAX_SHEET_PAGES)
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "%u pages for one contact sheet: expected at "
                       "most %d", n, MAX_SHEET_PAGES);
      return FALSE;
    }
  plan->numbers = g_memdup2 (numbers, n * sizeof *numbers);
  plan->spread = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      if (numbers[i] == 0 || (i > 0 && numbers[i] <= numbers[i - 1]))
        {
          jopan_set_error (error, JOPAN_ERROR_USAGE, "contact sheet: page number %u after %u: "
                           "expected numbers from 1 up", numbers[i], i ? numbers[i - 1] : 0);
          return FALSE;
        }
      if (i == 0 || numbers[i] / 2 != numbers[i - 1] / 2)
        plan->n_spreads++;
      plan->spread[i] = plan->n_spreads - 1;
    }
  return TRUE;
}

static void
plan_clear (Plan *plan)
{
  g_clear_pointer (&plan->numbers, g_free);
  g_clear_pointer (&plan->spread, g_free);
}

/* "1-4,7": the plan's page numbers, runs shortened. */
static char *
pages_text (const Plan *plan)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < plan->n; i++)
    {
      guint last = i;
      while (last + 1 < plan->n && plan->numbers[last + 1] == plan->numbers[last] + 1)
        last++;
      g_string_append_printf (text, "%s%u", i ? "," : "", plan->numbers[i]);
      if (last > i)
        g_string_append_printf (text, "-%u", plan->numbers[last]);
      i = last;
    }
  return g_string_free (text, FALSE);
}

/* The plan of the pages @text names (pages_text()'s form: "1,3,7-9"), or
 * FALSE if it is not that. */
static gboolean
plan_of_text (const char *text, Plan *plan)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; items[i]; i++)
    {
      guint64 first, last;
      char *end;
      if (!g_ascii_isdigit (items[i][0]))
        return FALSE;
      first = last = g_ascii_strtoull (items[i], &end, 10);
      if (*end == '-' && g_ascii_isdigit (end[1]))
        last = g_ascii_strtoull (end + 1, &end, 10);
      if (*end != '\0' || first < 1 || last < first || last - first >= MAX_SHEET_PAGES
          || numbers->len + (last - first) >= MAX_SHEET_PAGES)
        return FALSE;
      for (guint64 n = first; n <= last; n++)
        {
          guint number = (guint) n;
          g_array_append_val (numbers, number);
        }
    }
  return numbers->len > 0
         && plan_init (plan, (const guint *) (void *) numbers->data, numbers->len, NULL);
}

/* The top left corner of page @i's slot on a sheet of slots @thumb_w wide. */
static void
slot_origin (const Plan *plan, int thumb_w, guint i, int *x, int *y)
{
  guint spread = plan->spread[i];
  int row = (int) (spread / SPREADS_PER_ROW), column = (int) (spread % SPREADS_PER_ROW);

  *x = MARGIN + column * (2 * thumb_w + MARGIN) + (int) (plan->numbers[i] % 2) * thumb_w;
  *y = MARGIN + row * (THUMB_HEIGHT + LABEL + MARGIN);
}

static void
sheet_size (const Plan *plan, int thumb_w, int *width, int *height)
{
  int rows = (int) ((plan->n_spreads + SPREADS_PER_ROW - 1) / SPREADS_PER_ROW);

  *width = MARGIN + SPREADS_PER_ROW * (2 * thumb_w + MARGIN);
  *height = MARGIN + rows * (THUMB_HEIGHT + LABEL + MARGIN);
}

/* ---- page numbers ------------------------------------------------------------- */

/* Segments a..g of each digit, as bits 0..6. */
static const guint8 digit_segments[10] = { 0x3f, 0x06, 0x5b, 0x4f, 0x66,
                                           0x6d, 0x7d, 0x07, 0x7f, 0x6f };

/* One digit of height DIGIT_HEIGHT with its top-left corner at @x, @y. */
static void
draw_digit (cairo_t *cr, double x, double y, int digit)
{
  const double w = DIGIT_HEIGHT / 2, h = DIGIT_HEIGHT / 2;
  /* Each segment as x0, y0, x1, y1 in units of (w, h). */
  static const double seg[7][4] = { { 0, 0, 1, 0 }, { 1, 0, 1, 1 }, { 1, 1, 1, 2 }, { 0, 2, 1, 2 },
                                    { 0, 1, 0, 2 }, { 0, 0, 0, 1 }, { 0, 1, 1, 1 } };

  for (int s = 0; s < 7; s++)
    if (digit_segments[digit] & (1u << s))
      {
        cairo_move_to (cr, x + seg[s][0] * w, y + seg[s][1] * h);
        cairo_line_to (cr, x + seg[s][2] * w, y + seg[s][3] * h);
      }
  cairo_stroke (cr);
}

#define DIGIT_ADVANCE (DIGIT_HEIGHT * 0.8)

/* The width @number's digits take. */
static double
number_width (guint number)
{
  char text[16];

  return g_snprintf (text, sizeof text, "%u", number) * DIGIT_ADVANCE - DIGIT_HEIGHT * 0.3;
}

/* @number centred on @cx with its top at @y, in the source's colour. */
static void
draw_number (cairo_t *cr, double cx, double y, guint number)
{
  char text[16];
  int len = g_snprintf (text, sizeof text, "%u", number);
  double advance = DIGIT_ADVANCE;
  double x = cx - number_width (number) / 2;

  cairo_set_line_width (cr, 2.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int i = 0; i < len; i++)
    draw_digit (cr, x + i * advance, y, text[i] - '0');
}

/* ---- thumbnails ----------------------------------------------------------------- */

static int
thumb_width (double pw, double ph)
{
  return (int) CLAMP (ceil (THUMB_HEIGHT * pw / ph), 20.0, 4.0 * THUMB_HEIGHT);
}

/* The scale a page of @pw x @ph points is drawn at in its thumbnail. */
static void
thumb_scale (double pw, double ph, double *scale)
{
  *scale = MIN (thumb_width (pw, ph) / pw, THUMB_HEIGHT / ph);
}

static const cairo_user_data_key_t pixels_key;

/* A @w x @h RGB24 surface whose pixels are left as they come, for a
 * caller that paints every one of them first: cairo_image_surface_create()
 * zeroes them, a page's thumbnail a quarter of a megabyte each time.  An
 * error surface (no memory) is cairo's own, which draws nothing and is
 * reported where the thumbnail is finished. */
static cairo_surface_t *
surface_unset (int w, int h)
{
  int stride = cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, w);
  guchar *pixels = stride > 0 ? g_try_malloc ((gsize) stride * (gsize) h) : NULL;
  cairo_surface_t *surface;

  if (pixels == NULL)
    return cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  surface = cairo_image_surface_create_for_data (pixels, CAIRO_FORMAT_RGB24, w, h, stride);
  if (cairo_surface_set_user_data (surface, &pixels_key, pixels, g_free) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_free (pixels);
      return cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
    }
  return surface;
}

/* A slot for a page of @pw x @ph points, grey, the page's place white; the
 * context's user space is the page in points (the media box). */
static cairo_t *
thumb_begin (double pw, double ph, double *scale)
{
  int tw = thumb_width (pw, ph);
  cairo_surface_t *surface = surface_unset (tw, THUMB_HEIGHT);
  cairo_t *cr = cairo_create (surface);

  cairo_surface_destroy (surface);
  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  cairo_paint (cr);
  thumb_scale (pw, ph, scale);
  cairo_save (cr);
  cairo_translate (cr, (tw - pw * *scale) / 2, THUMB_HEIGHT - ph * *scale);
  cairo_scale (cr, *scale, *scale);
  cairo_rectangle (cr, 0, 0, pw, ph);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  return cr;
}

/* A page with findings is flagged on the wall: a red tab at its top right
 * corner with their number in white, as a desk marks a page to send
 * back; report.json says what they are. */
#define FLAG_PAD 5.0

static void
draw_flag (cairo_t *cr, double right, double top, guint findings)
{
  double w = number_width (findings) + 2 * FLAG_PAD, h = DIGIT_HEIGHT + 2 * FLAG_PAD;

  cairo_rectangle (cr, right - w, top, w, h);
  cairo_set_source_rgb (cr, 0.8, 0.0, 0.0);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  draw_number (cr, right - w / 2, top + FLAG_PAD, findings);
}

/* The thumbnail, framed, flagged with its page's @findings if any; NULL if
 * cairo failed. */
static cairo_surface_t *
thumb_end (cairo_t *cr, double pw, double ph, double scale, guint findings)
{
  cairo_surface_t *surface = cairo_surface_reference (cairo_get_target (cr));
  int tw = cairo_image_surface_get_width (surface);
  double x = (tw - pw * scale) / 2, y = THUMB_HEIGHT - ph * scale;

  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, x + 0.5, y + 0.5, pw * scale - 1, ph * scale - 1);
  cairo_stroke (cr);
  if (findings > 0)
    draw_flag (cr, x + pw * scale, y, findings);
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    g_clear_pointer (&surface, cairo_surface_destroy);
  cairo_destroy (cr);
  if (surface)
    cairo_surface_flush (surface);
  return surface;
}

/* ---- the PNG, encoded band by band ------------------------------------------------ */

/* The sheet is encoded as it fills: a band (a row of spreads) goes
 * through libpng once its last page is drawn, by the thread that drew it,
 * and its pixels are freed.  So neither the pixels of the whole sheet
 * nor the encoding is left for the end of an edition.  Bands are encoded
 * in order from the top; the same pixels give the same bytes. */

/* The header, and the pages the sheet holds (a merge copies a part's
 * slots only from a sheet made for that part's pages): 8-bit RGB, rows
 * unfiltered, zlib's fastest level.  A sheet is mostly text a pixel or
 * two high, which no PNG filter predicts: on the 48-page edition's sheet
 * this is 3.4 times as fast as the Sub filter at zlib's default level, for
 * a file 2 % smaller (Up or Paeth: larger and slower).  At level 1 too
 * (that sheet, 568 M instructions, 1.90 MB): Sub or Up cost 6-9 % more
 * for a larger file; Z_RLE (on the 12-page sheet) 4 % more for 60 % more
 * bytes; memLevel 4 or 9, a smaller window or level 2 no less.  No row
 * of it is all white, so skipping white rows saves nothing.  libdeflate's
 * level 1 takes half (269 M, 4 % larger) but compresses a whole buffer
 * only: one zlib stream over bands encoded as they complete cannot come
 * from it. */
static void
encoder_start (JopanContactSheet *sheet, int height)
{
  g_autofree char *pages = pages_text (&sheet->plan);

  sheet->png = jopan_png_writer_new ((guint32) sheet->width, (guint32) height, PNG_FILTER_NONE, 1,
                                     PAGES_KEY, pages, &sheet->failed);
}

static void
encode_band (JopanContactSheet *sheet, cairo_surface_t *band)
{
  if (sheet->png && sheet->failed == NULL)
    jopan_png_writer_add_rows (sheet->png, band, NULL, NULL, &sheet->failed);
}

/* Encodes the bands that are complete, in order, @most at most.  With
 * @wait false, a thread finding another at it leaves them to that one
 * (or to the save).  Returns: the bands encoded. */
static guint
encode_ready (JopanContactSheet *sheet, gboolean wait, guint most)
{
  guint done = 0;

  if (wait)
    g_mutex_lock (&sheet->encoding);
  else if (!g_mutex_trylock (&sheet->encoding))
    return 0;
  while (done < most)
    {
      cairo_surface_t *band = NULL;
      guint k;

      g_mutex_lock (&sheet->lock);
      k = sheet->encoded;
      if (sheet->thumb_w > 0 && k < sheet->n_bands && sheet->missing[k] == 0)
        band = sheet->bands[k];
      g_mutex_unlock (&sheet->lock);
      if (band == NULL)
        break;
      /* No page is drawn into a complete band: it is read unlocked. */
      encode_band (sheet, band);
      g_mutex_lock (&sheet->lock);
      sheet->bands[k] = NULL;
      sheet->encoded++;
      g_mutex_unlock (&sheet->lock);
      cairo_surface_destroy (band);
      done++;
    }
  g_mutex_unlock (&sheet->encoding);
  return done;
}

/* Band after band is encoded by whichever thread completed it: at the
 * end of an edition, the worker that added the last page of a band
 * encoded it (some 7 ms for eight pages' band) before it could draw its
 * next page, while the other core had nothing left to do.  With an
 * encoder, the threads adding pages leave the bands to it (an edition's
 * main thread, which otherwise only waits for its workers).  While every
 * core is busy, encoding only takes a worker's share of one: the encoder
 * leaves up to @hold complete bands (a few MB each) for when a core is
 * idle (an edition's first worker done, with nothing left to compose),
 * so that their encoding fills the end of the run, when one worker
 * finishes its last page and edition.pdf is written, not its middle. */

void
jopan_contact_sheet_use_encoder (JopanContactSheet *sheet, guint hold)
{
  if (g_atomic_int_get (&encoder_broken) == 1)
    return;
  g_mutex_lock (&sheet->lock);
  sheet->encoder = TRUE;
  sheet->hold = hold;
  sheet->core_idle = sheet->encoder_stop = FALSE;
  g_mutex_unlock (&sheet->lock);
}

/* The complete bands below those encoded that the encoder may encode
 * now.  (Lock held.) */
static guint
encodable (const JopanContactSheet *sheet)
{
  guint complete = 0;

  while (sheet->thumb_w > 0 && sheet->encoded + complete < sheet->n_bands
         && sheet->missing[sheet->encoded + complete] == 0)
    complete++;
  if (sheet->core_idle || sheet->encoder_stop || g_atomic_int_get (&encoder_broken) == 2)
    return complete;
  return complete > sheet->hold ? complete - sheet->hold : 0;
}

guint
jopan_contact_sheet_encode_now (JopanContactSheet *sheet)
{
  guint n, done;

  g_mutex_lock (&sheet->lock);
  n = encodable (sheet);
  g_mutex_unlock (&sheet->lock);
  done = n > 0 ? encode_ready (sheet, TRUE, n) : 0;
  g_atomic_int_add (&encoder_bands, (gint) done);
  return done;
}

void
jopan_contact_sheet_encode_bands (JopanContactSheet *sheet)
{
  if (g_atomic_int_get (&encoder_broken) == 1)
    return;
  g_mutex_lock (&sheet->lock);
  for (;;)
    {
      if (encodable (sheet) > 0)
        {
          g_mutex_unlock (&sheet->lock);
          jopan_contact_sheet_encode_now (sheet);
          g_mutex_lock (&sheet->lock);
        }
      else if (sheet->encoder_stop || (sheet->thumb_w > 0 && sheet->encoded == sheet->n_bands))
        break;
      else
        g_cond_wait (&sheet->band_ready, &sheet->lock);
    }
  sheet->encoder = FALSE;
  g_mutex_unlock (&sheet->lock);
}

void
jopan_contact_sheet_encoder_core_idle (JopanContactSheet *sheet)
{
  g_mutex_lock (&sheet->lock);
  sheet->core_idle = TRUE;
  g_cond_signal (&sheet->band_ready);
  g_mutex_unlock (&sheet->lock);
}

void
jopan_contact_sheet_stop_encoder (JopanContactSheet *sheet)
{
  g_mutex_lock (&sheet->lock);
  sheet->encoder = FALSE;
  sheet->encoder_stop = TRUE;
  g_cond_signal (&sheet->band_ready);
  g_mutex_unlock (&sheet->lock);
}

/* ---- the sheet ------------------------------------------------------------------- */

JopanContactSheet *
jopan_contact_sheet_new (const guint *numbers, guint n, GError **error)
{
  JopanContactSheet *sheet;

  g_return_val_if_fail (numbers != NULL && n > 0, NULL);
  sheet = g_new0 (JopanContactSheet, 1);
  g_mutex_init (&sheet->lock);
  g_mutex_init (&sheet->encoding);
  g_cond_init (&sheet->band_ready);
  if (!plan_init (&sheet->plan, numbers, n, error))
    {
      jopan_contact_sheet_free (sheet);
      return NULL;
    }
  sheet->waiting = g_new0 (cairo_surface_t *, n);
  sheet->drawn = g_new0 (gboolean, n);
  return sheet;
}

void
jopan_contact_sheet_free (JopanContactSheet *sheet)
{
  if (sheet == NULL)
    return;
  for (guint i = 0; sheet->waiting && i < sheet->plan.n; i++)
    if (sheet->waiting[i])
      cairo_surface_destroy (sheet->waiting[i]);
  for (guint k = 0; sheet->bands && k < sheet->n_bands; k++)
    if (sheet->bands[k])
      cairo_surface_destroy (sheet->bands[k]);
  g_clear_pointer (&sheet->png, jopan_png_writer_free);
  g_clear_error (&sheet->failed);
  g_free (sheet->waiting);
  g_free (sheet->drawn);
  g_free (sheet->bands);
  g_free (sheet->missing);
  plan_clear (&sheet->plan);
  g_mutex_clear (&sheet->lock);
  g_mutex_clear (&sheet->encoding);
  g_cond_clear (&sheet->band_ready);
  g_free (sheet);
}

static guint
band_of (const JopanContactSheet *sheet, guint i)
{
  return sheet->plan.spread[i] / SPREADS_PER_ROW;
}

/* The slots @thumb_w wide: the bands and what each waits for; the encoder. */
static void
sheet_start (JopanContactSheet *sheet, int thumb_w)
{
  int height;

  sheet->thumb_w = thumb_w;
  sheet_size (&sheet->plan, thumb_w, &sheet->width, &height);
  sheet->n_bands = (sheet->plan.n_spreads + SPREADS_PER_ROW - 1) / SPREADS_PER_ROW;
  sheet->bands = g_new0 (cairo_surface_t *, sheet->n_bands);
  sheet->missing = g_new0 (guint, sheet->n_bands);
  for (guint i = 0; i < sheet->plan.n; i++)
    sheet->missing[band_of (sheet, i)]++;
  encoder_start (sheet, height);
}

/* Band @k, grey, with its pages' numbers (the last also has the margin
 * under the sheet). */
static cairo_surface_t *
band_new (JopanContactSheet *sheet, guint k)
{
  int height = BAND + (k + 1 == sheet->n_bands ? MARGIN : 0);
  cairo_surface_t *band = cairo_image_surface_create (CAIRO_FORMAT_RGB24, sheet->width, height);
  cairo_t *cr = cairo_create (band);

  cairo_set_source_rgb (cr, 0.85, 0.85, 0.85);
  cairo_paint (cr);
  for (guint i = 0; i < sheet->plan.n; i++)
    if (band_of (sheet, i) == k)
      {
        int x, y;
        slot_origin (&sheet->plan, sheet->thumb_w, i, &x, &y);
        cairo_set_source_rgb (cr, 0, 0, 0);
        draw_number (cr, x + sheet->thumb_w / 2.0,
                     y - (int) k * BAND + THUMB_HEIGHT + (LABEL - DIGIT_HEIGHT) / 2,
                     sheet->plan.numbers[i]);
      }
  cairo_destroy (cr);
  return band;
}

/* @thumb into page @i's slot (centred if its width is not the slot's). */
static void
sheet_paint (JopanContactSheet *sheet, guint i, cairo_surface_t *thumb)
{
  guint k = band_of (sheet, i);
  int x, y, dx = (sheet->thumb_w - cairo_image_surface_get_width (thumb)) / 2;
  cairo_t *cr;

  if (sheet->drawn[i])
    return;
  if (sheet->bands[k] == NULL)
    sheet->bands[k] = band_new (sheet, k);
  slot_origin (&sheet->plan, sheet->thumb_w, i, &x, &y);
  y -= (int) k * BAND;
  cr = cairo_create (sheet->bands[k]);
  cairo_rectangle (cr, x, y, sheet->thumb_w, THUMB_HEIGHT);
  cairo_clip (cr);
  cairo_set_source_surface (cr, thumb, x + dx, y);
  cairo_paint (cr);
  cairo_destroy (cr);
  sheet->drawn[i] = TRUE;
  sheet->missing[k]--;
}

/* Takes @thumb, page @i's.  The first page's sets the slots' width: the
 * thumbnails that come before it wait, so that any order of arrival
 * gives the same sheet.  The bands it completes are encoded, here or by
 * the encoder. */
static void
sheet_add (JopanContactSheet *sheet, guint i, cairo_surface_t *thumb)
{
  gboolean leave;

  g_mutex_lock (&sheet->lock);
  if (sheet->thumb_w == 0 && i != 0)
    {
      if (sheet->waiting[i])
        cairo_surface_destroy (sheet->waiting[i]);
      sheet->waiting[i] = g_steal_pointer (&thumb);
    }
  else if (sheet->thumb_w == 0)
    {
      sheet_start (sheet, cairo_image_surface_get_width (thumb));
      for (guint k = 1; k < sheet->plan.n; k++)
        if (sheet->waiting[k])
          {
            sheet_paint (sheet, k, sheet->waiting[k]);
            g_clear_pointer (&sheet->waiting[k], cairo_surface_destroy);
          }
    }
  if (thumb)
    {
      sheet_paint (sheet, i, thumb);
      cairo_surface_destroy (thumb);
    }
  leave = sheet->encoder;
  if (leave)
    g_cond_signal (&sheet->band_ready);
  g_mutex_unlock (&sheet->lock);
  if (!leave)
    encode_ready (sheet, FALSE, G_MAXUINT);
}

/* The index of page @number on the sheet, or -1. */
static int
sheet_index (const JopanContactSheet *sheet, guint number)
{
  for (guint i = 0; i < sheet->plan.n; i++)
    if (sheet->plan.numbers[i] == number)
      return (int) i;
  return -1;
}

static gboolean
thumb_ok (cairo_surface_t *thumb, guint number, GError **error)
{
  if (thumb)
    return TRUE;
  jopan_set_error (error, JOPAN_ERROR_OUTPUT, "page %u: cannot draw its thumbnail", number);
  return FALSE;
}

/* A page's thumbnail on its way: begun and its photos decoded on the
 * worker, drawn under the render lock (when it is free: edition.c), then
 * put in its slot. */
struct _JopanThumb {
  guint index;                  /* on the sheet */
  guint number;
  const JopanPage *page;        /* the document's first page */
  GHashTable *photos;           /* decoded at the thumbnail's scale, not the print's */
  char *slug;
  double pw, ph, scale;
  guint findings;               /* the page's, flagged on its thumbnail */
  cairo_t *cr;                  /* the slot begun (no text yet), until drawn */
  cairo_surface_t *surface;     /* drawn and framed */
};

void
jopan_thumb_free (JopanThumb *thumb)
{
  if (thumb == NULL)
    return;
  /* A context that drew text was destroyed under the lock (jopan_thumb_draw):
   * this one drew none, so destroying it makes cairo let go of no font. */
  if (thumb->cr)
    cairo_destroy (thumb->cr);
  if (thumb->surface)
    cairo_surface_destroy (thumb->surface);
  if (thumb->photos)
    g_hash_table_unref (thumb->photos);
  g_free (thumb->slug);
  g_free (thumb);
}

JopanThumb *
jopan_contact_sheet_thumb_new (JopanContactSheet *sheet, guint number, const JopanDocument *doc,
                               GError **error)
{
  int i = sheet_index (sheet, number);
  JopanThumb *thumb;

  g_return_val_if_fail (i >= 0 && doc->pages->len > 0, NULL);
  thumb = g_new0 (JopanThumb, 1);
  thumb->index = (guint) i;
  thumb->number = number;
  thumb->page = g_ptr_array_index (doc->pages, 0);
  thumb->slug = jopan_document_slug (doc, thumb->page);
  thumb->findings = jopan_document_get_n_findings (doc);
  thumb->photos = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) cairo_surface_destroy);
  jopan_page_media_size (thumb->page, &thumb->pw, &thumb->ph);
  thumb_scale (thumb->pw, thumb->ph, &thumb->scale);
  if (!jopan_render_warm (thumb->page, JOPAN_FORMAT_PNG, thumb->scale, thumb->photos, error))
    {
      jopan_thumb_free (thumb);
      return NULL;
    }
  /* The slot painted: no text, no font, nothing the render lock guards. */
  thumb->cr = thumb_begin (thumb->pw, thumb->ph, &thumb->scale);
  cairo_rectangle (thumb->cr, 0, 0, thumb->pw, thumb->ph);
  cairo_clip (thumb->cr);
  return thumb;
}

gboolean
jopan_thumb_draw (JopanThumb *thumb, GError **error)
{
  cairo_t *cr = g_steal_pointer (&thumb->cr);

  g_return_val_if_fail (cr != NULL, FALSE);
  if (!jopan_render_thumbnail (cr, thumb->page, thumb->scale, thumb->photos, thumb->slug, error))
    {
      cairo_destroy (cr);
      return FALSE;
    }
  thumb->surface = thumb_end (cr, thumb->pw, thumb->ph, thumb->scale, thumb->findings);
  return thumb_ok (thumb->surface, thumb->number, error);
}

gboolean
jopan_contact_sheet_add_thumb (JopanContactSheet *sheet, JopanThumb *thumb, GError **error)
{
  gboolean ok = thumb_ok (thumb->surface, thumb->number, error);

  if (ok)
    sheet_add (sheet, thumb->index, g_steal_pointer (&thumb->surface));
  jopan_thumb_free (thumb);
  return ok;
}

gboolean
jopan_contact_sheet_add_page (JopanContactSheet *sheet, guint number, const JopanDocument *doc,
                              GError **error)
{
  JopanThumb *thumb = jopan_contact_sheet_thumb_new (sheet, number, doc, error);
  gboolean ok;

  if (thumb == NULL)
    return FALSE;
  jopan_render_lock ();
  ok = jopan_thumb_draw (thumb, error);
  jopan_render_unlock ();
  if (!ok)
    {
      jopan_thumb_free (thumb);
      return FALSE;
    }
  return jopan_contact_sheet_add_thumb (sheet, thumb, error);
}

/* ---- the file ------------------------------------------------------------------ */

gboolean
jopan_contact_sheet_save (JopanContactSheet *sheet, const char *out_png, GError **error)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_autoptr (GError) local = NULL;
  GByteArray *bytes = NULL;
  gboolean complete;

  encode_ready (sheet, TRUE, G_MAXUINT);
  g_mutex_lock (&sheet->lock);
  complete = sheet->thumb_w > 0 && sheet->encoded == sheet->n_bands;
  g_mutex_unlock (&sheet->lock);
  if (complete && sheet->failed == NULL)
    bytes = jopan_png_writer_finish (sheet->png, &local);
  if (bytes == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", out_png,
                       !complete ? "a page is missing"
                       : sheet->failed ? sheet->failed->message : local->message);
      return FALSE;
    }
  g_ptr_array_add (contents, bytes);
  g_ptr_array_add (paths, g_strdup (out_png));
  return jopan_write_files_atomic (paths, contents, error);
}

/* ---- from PDFs, by poppler -------------------------------------------------- */

static PopplerDocument *
open_pdf (const char *path, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autofree char *uri = g_filename_to_uri (path, NULL, &local);
  g_autofree char *absolute = NULL;
  PopplerDocument *pdf;

  if (uri == NULL)
    {
      absolute = g_canonicalize_filename (path, NULL);
      uri = g_filename_to_uri (absolute, NULL, NULL);
    }
  pdf = uri ? poppler_document_new_from_file (uri, NULL, &local) : NULL;
  if (pdf == NULL || poppler_document_get_n_pages (pdf) < 1)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %s: expected a PDF page", path,
                       local ? local->message : "no pages");
      g_clear_object (&pdf);
    }
  return pdf;
}

/* Page @k of @pdf as a thumbnail. */
static cairo_surface_t *
pdf_thumb (PopplerDocument *pdf, int k)
{
  PopplerPage *page = poppler_document_get_page (pdf, k);
  cairo_surface_t *thumb;
  double pw, ph, scale;
  cairo_t *cr;

  poppler_page_get_size (page, &pw, &ph);
  jopan_render_lock ();
  cr = thumb_begin (pw, ph, &scale);
  poppler_page_render (page, cr);
  g_object_unref (page);
  thumb = thumb_end (cr, pw, ph, scale, 0); /* its findings are not known here */
  jopan_render_unlock ();
  return thumb;
}

/* The first page of @path into page @i's slot. */
static gboolean
add_pdf_page (JopanContactSheet *sheet, guint i, const char *path, GError **error)
{
  PopplerDocument *pdf = open_pdf (path, error);
  cairo_surface_t *thumb;

  if (pdf == NULL)
    return FALSE;
  thumb = pdf_thumb (pdf, 0);
  g_object_unref (pdf);
  if (!thumb_ok (thumb, sheet->plan.numbers[i], error))
    return FALSE;
  sheet_add (sheet, i, thumb);
  return TRUE;
}

static gboolean
write_sheet (JopanContactSheet *sheet, const char *out_png, gboolean ok, GError **error)
{
  ok = ok && jopan_contact_sheet_save (sheet, out_png, error);
  jopan_contact_sheet_free (sheet);
  return ok;
}

gboolean
jopan_contact_sheet_write (const char *const *page_pdfs, guint n, guint first_number,
                           const char *out_png, GError **error)
{
  g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GPtrArray) pdfs = g_ptr_array_new_with_free_func (g_object_unref);
  JopanContactSheet *sheet;
  gboolean ok = TRUE;
  guint i = 0;

  g_return_val_if_fail (page_pdfs != NULL && n > 0 && out_png != NULL, FALSE);
  g_return_val_if_fail (first_number > 0, FALSE);
  /* Every page of every file, numbered on from @first_number. */
  for (guint f = 0; f < n; f++)
    {
      PopplerDocument *pdf = open_pdf (page_pdfs[f], error);
      if (pdf == NULL)
        return FALSE;
      g_ptr_array_add (pdfs, pdf);
      for (int k = 0; k < poppler_document_get_n_pages (pdf) && numbers->len <= MAX_SHEET_PAGES; k++)
        {
          guint number = first_number + numbers->len;
          g_array_append_val (numbers, number);
        }
    }
  sheet = jopan_contact_sheet_new ((const guint *) (void *) numbers->data, numbers->len, error);
  if (sheet == NULL)
    return FALSE;
  for (guint f = 0; ok && f < n; f++)
    for (int k = 0; ok && k < poppler_document_get_n_pages (pdfs->pdata[f]); k++, i++)
      {
        cairo_surface_t *thumb = pdf_thumb (pdfs->pdata[f], k);
        ok = thumb_ok (thumb, sheet->plan.numbers[i], error);
        if (ok)
          sheet_add (sheet, i, thumb);
      }
  return write_sheet (sheet, out_png, ok, error);
}

/* ---- from the sheets of parts ------------------------------------------------ */

/* The sheet @path if it is one a run made, with the plan of the pages it
 * names in @part, else NULL; its thumbnails' width into @tw.  Its pages
 * and size are read first: the image is decoded only if they are those of
 * a sheet made for those pages. */
static cairo_surface_t *
part_sheet (const char *path, Plan *part, int *tw)
{
  g_autofree char *data = NULL, *pages = NULL;
  guint32 width = 0, height = 0;
  int w, h;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, NULL)
      || !jopan_png_read_text ((const guchar *) data, length, PAGES_KEY, &pages, &width, &height,
                               NULL)
      || pages == NULL || !plan_of_text (pages, part))
    return NULL;
  *tw = ((int) width - MARGIN * (SPREADS_PER_ROW + 1)) / (2 * SPREADS_PER_ROW);
  sheet_size (part, *tw, &w, &h);
  if (*tw < 20 || *tw > 4 * THUMB_HEIGHT || (guint32) w != width || (guint32) h != height)
    return NULL;
  return jopan_png_read ((const guchar *) data, length, NULL);
}

/* The slots of a part's sheet @path for the pages @sheets names it for,
 * copied into @sheet; those pages are marked in @tried, and in @done when
 * taken.  The sheet may hold more pages (an earlier run's, some of which
 * were written again); a sheet that holds no slot for a page (a part's
 * missing contact.png, one an older jopan wrote) leaves it to be drawn. */
static void
take_part (JopanContactSheet *sheet, const char *const *sheets, const char *path,
           gboolean *tried, gboolean *done)
{
  cairo_surface_t *png = NULL;
  Plan part = { 0 };
  int tw = 0;
  guint k = 0;

  png = part_sheet (path, &part, &tw);
  for (guint i = 0; i < sheet->plan.n; i++)
    if (!tried[i] && sheets[i] && strcmp (sheets[i], path) == 0)
      {
        tried[i] = TRUE;
        while (png && k < part.n && part.numbers[k] < sheet->plan.numbers[i])
          k++;
        if (png && k < part.n && part.numbers[k] == sheet->plan.numbers[i])
          {
            cairo_surface_t *thumb = cairo_image_surface_create (CAIRO_FORMAT_RGB24, tw,
                                                                 THUMB_HEIGHT);
            cairo_t *cr = cairo_create (thumb);
            int x, y;

            slot_origin (&part, tw, k, &x, &y);
            cairo_set_source_surface (cr, png, -x, -y);
            cairo_paint (cr);
            cairo_destroy (cr);
            sheet_add (sheet, i, thumb);
            done[i] = TRUE;
          }
      }
  plan_clear (&part);
  if (png)
    cairo_surface_destroy (png);
}

gboolean
jopan_contact_sheet_join (const char *const *page_pdfs, const guint *numbers,
                          const char *const *sheets, guint n, const char *out_png, GError **error)
{
  g_autofree gboolean *done = NULL, *tried = NULL;
  JopanContactSheet *sheet;
  gboolean ok = TRUE;

  g_return_val_if_fail (page_pdfs != NULL && numbers != NULL && n > 0 && out_png != NULL, FALSE);
  sheet = jopan_contact_sheet_new (numbers, n, error);
  if (sheet == NULL)
    return FALSE;
  done = g_new0 (gboolean, n);
  tried = g_new0 (gboolean, n);
  for (guint i = 0; sheets && i < n; i++)
    if (!tried[i] && sheets[i])
      take_part (sheet, sheets, sheets[i], tried, done);
  for (guint i = 0; ok && i < n; i++)
    if (!done[i])
      ok = add_pdf_page (sheet, i, page_pdfs[i], error);
  return write_sheet (sheet, out_png, ok, error);
}
