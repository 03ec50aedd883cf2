/* finish-private.h — the print file: colour (color.c, LittleCMS 2) and the
 * finishing of cairo's PDF (finish.cc, libqpdf).  Plain C types only: the
 * finishing step is C++ (qpdf's content tokenizer is a C++ API). */
#ifndef JOPAN_FINISH_PRIVATE_H
#define JOPAN_FINISH_PRIVATE_H

#include <glib.h>

G_BEGIN_DECLS

/* Greys this dark or darker print as solid black (0 0 0 100). */
#define JOPAN_SOLID_BLACK (0x22 / 255.0)
/* The colour render.c draws marks in: registration on the press. */
#define JOPAN_REGISTRATION_RGB 0.0, 0.0, (1.0 / 255)

/* The output condition's colour: the output profile (the user's, or the
 * built-in newsprint approximation), the photo transform with the ink
 * limit, and the soft proof. */
typedef struct _JopanColor JopanColor;

/* @profile: an ICC file, or NULL for the built-in newsprint profile;
 * @intent: 0 perceptual … 3 absolute; @ink_limit: percent. */
JopanColor *jopan_color_new (const char *profile, int intent, double ink_limit, GError **error);
void jopan_color_free (JopanColor *color);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanColor, jopan_color_free)

/* Whether the photo paths may take their AVX2 code (the processor has
 * it, and JOPAN_NO_AVX2 is unset: the same bytes either way, which the
 * tests compare).  Asked once a process. */
gboolean jopan_has_avx2 (void);

/* @n 8-bit RGB pixels to CMYK (0 = no ink), within the ink limit. */
void jopan_color_rgb_to_cmyk (JopanColor *color, const guint8 *rgb, guint8 *cmyk, gsize n);
/* How many nodes of the photo table were made so far: it is filled as
 * photos' colours need it (a test's count). */
guint jopan_color_nodes_made (JopanColor *color);
/* Node @i (of 33³) of the photo table, made if it was not: C, M, Y, K in
 * 128ths of an 8-bit step (a test's way to hold the built-in table made
 * when jopan was built to the nodes made here). */
void jopan_color_node (JopanColor *color, guint i, gint16 ink[4]);
/* The total ink limit of the photo transform, in 8-bit units (255 a colour). */
int jopan_color_get_ink_limit (JopanColor *color);
/* One RGB fill colour (0..1) to CMYK (0..1) through the profile. */
void jopan_color_fill_to_cmyk (JopanColor *color, const double rgb[3], double cmyk[4]);
/* @n 8-bit RGB pixels replaced by what the press prints, on its paper. */
void jopan_color_proof (JopanColor *color, guint8 *rgb, gsize n);
/* The profile as embedded in an output intent, and its description. */
GBytes *jopan_color_get_profile (JopanColor *color);
const char *jopan_color_get_description (JopanColor *color);
/* What a photo's separation depends on besides the photo (the profile's
 * bytes, intent, ink limit, the table's make): a key for caches. */
const char *jopan_color_get_key (JopanColor *color);
gboolean jopan_color_is_builtin (JopanColor *color);

/* A style colour given in CMYK, found by the RGB cairo drew it with. */
typedef struct {
  double rgb[3], cmyk[4];
} JopanFinishInk;

typedef struct {
  double media[4], bleed[4], trim[4]; /* PDF boxes, points: x0 y0 x1 y1 */
} JopanFinishPage;

typedef struct {
  int pdfx;                   /* 0: RGB for the screen; 1: PDF/X-1a; 4: PDF/X-4 */
  const JopanFinishPage *pages;
  guint n_pages;
  const JopanFinishInk *inks;
  guint n_inks;
  JopanColor *color;          /* PDF/X only */
  const char *title, *author, *subject, *creator;
  const char *date;           /* ISO 8601 UTC: 2024-03-13T00:00:00Z */
  double max_ppi;             /* PDF/X photos placed finer are downsampled; 0: never */
} JopanFinish;

/* Writes into @out (emptied first) cairo's PDF @cairo (another array,
 * read where it is, not copied) as @finish says: page boxes on every
 * page, document info; for PDF/X, CMYK colours (K-only black text
 * overprinting), CMYK photos, the output intent and the PDF/X keys.
 * Returns: FALSE with @error set when qpdf cannot read or write it. */
gboolean jopan_finish_pdf (const GByteArray *cairo, GByteArray *out, const JopanFinish *finish,
                           GError **error);

/* A test's way to compare the finish's fast paths with the slow ones
 * they replace, the same bytes (@how 0: the slow paths; 1, the default:
 * the fast ones), and to break one on purpose: 2, qpdf's compression
 * left off for PDF/X too (its output profile written plain); 3, each
 * plain stream deflated one byte short; 5, each cached photo put back
 * one byte short (image-stream.cc). */
void jopan_finish_set_path (int how);
/* The path jopan_finish_set_path() set (1 unless a test set another). */
int jopan_finish_get_path (void);

/* How many photos this process held whole in CMYK to separate them: only
 * those whose CMYK JPEG went over the ink limit (a test's count; the
 * others are written a row at a time). */
guint jopan_finish_photos_held (void);

/* Forgets what the PDF/X files this process wrote were found to hold (each
 * CMYK JPEG's most ink, each content stream's colour operators), which
 * their preflight reads instead of decoding or tokenizing them again: a
 * test's way to have the preflight find it all anew. */
void jopan_finish_forget (void);

/* @cmyk (@w × @h pixels) as the CMYK JPEG a separated photo is written
 * as, a row at a time (a test's way to hold it to TurboJPEG's file).
 * Returns: NULL on an error. */
GBytes *jopan_finish_cmyk_jpeg (const guint8 *cmyk, int w, int h);

/* The most ink (8-bit units, C + M + Y + K) of a pixel of the CMYK JPEG
 * @jpeg (@w × @h) as a reader decodes it: the check of a separated photo
 * (a test's way to hold it to libjpeg's own decoding).  Returns: -1 when
 * it cannot be read. */
int jopan_finish_jpeg_most_ink (const guint8 *jpeg, gsize n, int w, int h);

/* A printer's preflight of a finished PDF/X file: RGB left (operators,
 * images, shadings), ink over @ink_limit (fills, CMYK images), fonts not
 * embedded.  Appends "KIND\tpage N: object: what" strings to @findings
 * (KIND: rgb, ink, font). */
void jopan_preflight_pdf (const guint8 *data, gsize n, double ink_limit, GPtrArray *findings);

/* The fill colour a PDF/X file prints for @rgb: a style ink, K only for a
 * neutral grey, else through the profile.  Returns: TRUE when the colour
 * is K only (it then overprints). */
gboolean jopan_finish_fill_cmyk (const JopanFinish *finish, const double rgb[3], double cmyk[4]);

/* The ID qpdf writes when asked for a static one ("for test suites"):
 * the placeholder jopan's files are written with and then given their
 * own ID in its place, the same length (finish.cc: a page; pdf-merge.c:
 * a joined file), without qpdf's deterministic ID (an MD5 of the whole
 * file). */
#define JOPAN_PDF_STATIC_ID "31415926535897932384626433832795"

/* The offset the last "startxref" in @tail (a PDF's last @n bytes) gives,
 * or -1. */
gint64 jopan_pdf_startxref (const char *tail, gsize n);

/* Where the placeholder ID's two parts are in @trailer (@n bytes from
 * the startxref offset to the end: an xref table and its trailer, or an
 * xref stream): their offsets into @found.  Returns: FALSE unless there
 * are exactly two, in the trailer's dictionary. */
gboolean jopan_pdf_static_id_places (const char *trailer, gsize n, gsize found[2]);

G_END_DECLS

#endif /* JOPAN_FINISH_PRIVATE_H */
