/* jopan.h — the public interface of libjopan.
 *
 * jopan (조판, "typesetting") turns a structured news article into
 * print-ready newspaper pages.  The pipeline, one call per stage:
 *
 *   article = jopan_article_load (path, &error);
 *   style   = jopan_style_load ("berliner", NULL, &error);
 *   fonts   = jopan_fonts_new (NULL, NULL, &error);
 *   doc     = jopan_document_new (fonts, style, article, &error);
 *   jopan_document_write (doc, "page.pdf", JOPAN_FORMAT_PDF, 150, &error);
 *
 * Errors from input or environment come back as a GError in the
 * JOPAN_ERROR domain whose message names the file and the place in it.
 * Every object returned by a *_new or *_load function is owned by the
 * caller and released with the matching *_free.
 *
 * Data folders: the bundled styles and fonts are read from the data folder
 * a call names (its @data_dir, holding `styles/` and `fonts/`), or, when it
 * is %NULL, from the installed one, PREFIX/share/jopan.  The library reads
 * no environment variable for them and writes no cache: fontconfig's cache
 * is not used for its private configuration.  Hyphenation patterns come
 * from the system's folder (/usr/share/hyphen).
 *
 * Threads: the library's only global state is a few bounded caches
 * behind locks (encoded and decoded photos, colour transforms) and one
 * lock under which a single thread at a time draws text onto cairo
 * (cairo 1.16's font caches can deadlock when two threads draw text at
 * once; composing never takes it).  Separate objects may be used on
 * separate threads at the same time.  Once loaded,
 * an article and a style are only read (jopan_style_set() is the one
 * change, and must not run while another thread uses the style): several
 * threads may lay out with the same ones at once.  A JopanFonts may not be
 * shared: the Pango font map inside it caches fonts without locking.  Give
 * each thread its own (jopan_fonts_new() takes some 10 to 30 ms), or hold
 * one lock around every call that uses the fonts or a document made with
 * them.  A document belongs to one thread at a time, and writing it uses
 * the fonts it was laid out with.  (The jopan tool's batches keep a pool
 * of font sets, one per worker thread, lent to one item at a time, and
 * share one style and the articles.)  jopan_pdf_merge() and
 * jopan_contact_sheet_write() keep all their state per call.  An edition,
 * once loaded, is only read; jopan_edition_write() runs pages on threads
 * of its own, each with its own JopanFonts, sharing the edition and the
 * style; with two threads or more it ends on two (edition.pdf written
 * while the contact sheet and report are; libqpdf's objects of separate
 * files freed on separate threads, which libqpdf allows: they share only
 * atomically counted references).
 */
#ifndef JOPAN_H
#define JOPAN_H

#include <glib.h>

#include "jopan-version.h"

G_BEGIN_DECLS

/* Marks what libjopan exports; everything else in it is hidden. */
#ifndef JOPAN_API
#if defined(__GNUC__) || defined(__clang__)
#define JOPAN_API __attribute__ ((visibility ("default")))
#else
#define JOPAN_API
#endif
#endif

#define JOPAN_ERROR (jopan_error_quark ())
JOPAN_API
GQuark jopan_error_quark (void);

/**
 * JopanErrorCode:
 * @JOPAN_ERROR_INPUT: an input file is malformed or missing (exit code 1)
 * @JOPAN_ERROR_USAGE: the caller asked for something that does not exist,
 *   such as an unknown style key in --set (exit code 2)
 * @JOPAN_ERROR_OUTPUT: an output file could not be written
 */
typedef enum {
  JOPAN_ERROR_INPUT,
  JOPAN_ERROR_USAGE,
  JOPAN_ERROR_OUTPUT,
} JopanErrorCode;

typedef struct _JopanArticle JopanArticle;
typedef struct _JopanStyle JopanStyle;
typedef struct _JopanFonts JopanFonts;
typedef struct _JopanDocument JopanDocument;

/* ---- article ---------------------------------------------------------- */

/* Limits on a photo, checked from its header before it is decoded. */
#define JOPAN_MAX_PHOTO_SIDE 65535
#define JOPAN_MAX_PHOTO_PIXELS 150000000.0

/**
 * jopan_article_load:
 * @path: an article file (JSON, version 1)
 * @error: return location for an error
 *
 * Reads and checks an article, its CommonMark body and its photos.  A
 * photo is checked once, here, without decoding it: it must be a complete
 * JPEG or PNG, at most %JOPAN_MAX_PHOTO_SIDE pixels on a side and
 * %JOPAN_MAX_PHOTO_PIXELS in all.  A photo's error names the article, the
 * place of its `src` and the photo.  @path must be a regular file (a FIFO
 * or a device is refused before it is read) of at most 16 MB.
 *
 * Returns: (transfer full): the article, or %NULL with @error set.
 */
JOPAN_API
JopanArticle *jopan_article_load (const char *path, GError **error);

/**
 * jopan_article_load_from_data:
 * @data: the article's JSON text
 * @length: its length in bytes, or -1 if nul-terminated
 * @name: the name used in messages (a file name)
 * @base_dir: the folder photo paths are relative to
 * @error: return location for an error
 *
 * Takes strict JSON (RFC 8259) of at most 16 MB, nested at most 64 arrays
 * and objects deep; comments, a second value, lone surrogate escapes and
 * `\u0000` are errors at their place.
 *
 * Returns: (transfer full): the article, or %NULL with @error set.
 */
JOPAN_API
JopanArticle *jopan_article_load_from_data (const char *data, gssize length,
                                            const char *name, const char *base_dir,
                                            GError **error);
/**
 * jopan_article_ref:
 * @article: an article
 *
 * Takes another reference: documents laid out from @article keep one, so
 * the caller may free its own as soon as the document exists.
 *
 * Returns: (transfer full): @article
 */
JOPAN_API
JopanArticle *jopan_article_ref (JopanArticle *article);
/* Releases one reference; the last frees the article. */
JOPAN_API
void jopan_article_free (JopanArticle *article);

/** Returns: (transfer none): the headline. */
JOPAN_API
const char *jopan_article_get_headline (const JopanArticle *article);
/** Returns: (transfer none): the BCP 47 language tag ("en" when absent). */
JOPAN_API
const char *jopan_article_get_lang (const JopanArticle *article);
/** Returns: the number of body blocks (paragraphs, subheads, quotes, list items). */
JOPAN_API
guint jopan_article_get_n_blocks (const JopanArticle *article);
/** Returns: the number of photos. */
JOPAN_API
guint jopan_article_get_n_images (const JopanArticle *article);
/**
 * jopan_article_get_warnings:
 *
 * Things the loader accepted but could not honour (unknown keys, raw HTML).
 *
 * Returns: (transfer none): a %NULL-terminated array of messages.
 */
JOPAN_API
const char *const *jopan_article_get_warnings (const JopanArticle *article);

/* ---- style ------------------------------------------------------------ */

/**
 * jopan_style_load:
 * @name_or_path: a style name from the styles folder ("berliner") or a path
 *   to a .ini file (a name with a `/` or ending in `.ini`)
 * @data_dir: (nullable): the data folder whose `styles/` holds the named
 *   styles, or %NULL for the installed one
 * @error: return location for an error
 *
 * Returns: (transfer full): the style, or %NULL with @error set.
 */
JOPAN_API
JopanStyle *jopan_style_load (const char *name_or_path, const char *data_dir, GError **error);

/**
 * jopan_style_set:
 * @style: a style
 * @assignment: `GROUP.KEY=VALUE`, as given to `--set`
 * @error: return location for an error
 *
 * Overrides one key.  An unknown group or key, or a value that does not
 * parse or leaves no room on the page, is a %JOPAN_ERROR_USAGE error, and
 * then @style is exactly as it was: a set is all or nothing.
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_style_set (JopanStyle *style, const char *assignment, GError **error);
JOPAN_API
void jopan_style_free (JopanStyle *style);

/** Returns: the page's trim width in points. */
JOPAN_API
double jopan_style_get_page_width (const JopanStyle *style);
/** Returns: the page's trim height in points. */
JOPAN_API
double jopan_style_get_page_height (const JopanStyle *style);
/** Returns: the number of grid columns. */
JOPAN_API
guint jopan_style_get_columns (const JopanStyle *style);
/** Returns: the baseline grid pitch in points. */
JOPAN_API
double jopan_style_get_baseline (const JopanStyle *style);

/**
 * jopan_length_parse:
 * @text: a length with a unit: `12pt`, `4.5mm`, `1in`, `2cm`, `1em`, `3pc`
 * @em: the size of one em in points (for `em` units)
 * @points: (out): the length in points
 *
 * Returns: %TRUE if @text is a length of at most 14400pt (5080 mm, the
 *   longest page side PDF allows) either way.
 */
JOPAN_API
gboolean jopan_length_parse (const char *text, double em, double *points);

/* ---- fonts ------------------------------------------------------------ */

/**
 * jopan_fonts_new:
 * @extra_dirs: (nullable): %NULL-terminated folders of further fonts
 * @data_dir: (nullable): the data folder whose `fonts/` holds the bundled
 *   fonts, or %NULL for the installed one
 * @error: return location for an error
 *
 * Builds a private font configuration holding only the bundled fonts and
 * those in @extra_dirs: the system's fonts are never used, so a page sets
 * the same everywhere.  Nothing is cached on disk; the configuration
 * (the font files scanned) is kept in memory and shared, read-only, by
 * the font sets made later from the same unchanged files.
 *
 * Returns: (transfer full): the font set, or %NULL with @error set.
 */
JOPAN_API
JopanFonts *jopan_fonts_new (const char *const *extra_dirs, const char *data_dir,
                             GError **error);
/**
 * jopan_fonts_ref:
 * @fonts: a font set
 *
 * Takes another reference (documents keep one while they exist).
 *
 * Returns: (transfer full): @fonts
 */
JOPAN_API
JopanFonts *jopan_fonts_ref (JopanFonts *fonts);
/* Releases one reference; the last frees the font set. */
JOPAN_API
void jopan_fonts_free (JopanFonts *fonts);
/**
 * jopan_fonts_prepare:
 * @fonts: a font set
 * @lang: (nullable): a language tag; %NULL: an article's default, "en"
 *
 * Reads ahead what setting text in @lang with @fonts takes: its
 * hyphenation patterns (read once per process, some 7 ms), so that the
 * first story in @lang does not wait for them; on a thread of its own
 * while the articles are read, say.
 */
JOPAN_API
void jopan_fonts_prepare (JopanFonts *fonts, const char *lang);

/* ---- document: layout, report, output -------------------------------- */

typedef enum {
  JOPAN_FORMAT_PDF,
  JOPAN_FORMAT_PNG,
  JOPAN_FORMAT_SVG,
  JOPAN_FORMAT_DUMP,
} JopanFormat;

/**
 * jopan_format_from_path:
 * @path: an output path
 * @format: (out): the format its extension names
 *
 * Returns: %TRUE if the extension is one of .pdf, .png, .svg, .txt (dump).
 */
JOPAN_API
gboolean jopan_format_from_path (const char *path, JopanFormat *format);

/**
 * jopan_document_new:
 * @fonts: the fonts to set with
 * @style: the page and paragraph styles
 * @article: the article
 * @error: return location for an error
 *
 * Typesets and lays out @article on as many pages as it needs.  Findings
 * (missing glyphs, overset, ignored markup) go to the report.  The
 * document keeps what it needs of its inputs (a reference to @article and
 * @fonts; nothing of @style), so they may be freed while it lives.
 *
 * Returns: (transfer full): the laid-out document, or %NULL with @error set.
 */
JOPAN_API
JopanDocument *jopan_document_new (JopanFonts *fonts, const JopanStyle *style,
                                   const JopanArticle *article, GError **error);

/* ---- pages: several stories and fixed boxes --------------------------- */

typedef struct _JopanPagePlan JopanPagePlan;

/**
 * jopan_page_plan_load:
 * @path: a page file (JSON, version 1; see DESIGN.md): its stories, boxes,
 *   title, date, section and style
 * @error: return location for an error naming the file and the place
 *
 * Reads the page file and every article and box it names (articles are
 * loaded with jopan_article_load(), relative to the page file's folder).
 * The page file is strict JSON of at most 1 MB, a regular file, with 1 to
 * 6 articles and at most 8 boxes; a box is a JPEG or PNG (checked like a
 * photo) or a one-page PDF.  An article's error keeps its own file and
 * place and names the page entry that named it.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set.
 */
JOPAN_API
JopanPagePlan *jopan_page_plan_load (const char *path, GError **error);
JOPAN_API
void jopan_page_plan_free (JopanPagePlan *plan);
/** Returns: (transfer none) (nullable): the style the page file names. */
JOPAN_API
const char *jopan_page_plan_get_style (const JopanPagePlan *plan);

/**
 * JopanWeight:
 * @JOPAN_WEIGHT_AUTO: the article's `weight`, else chosen from its length
 * @JOPAN_WEIGHT_LEAD: the page's lead story: the largest headline and photo
 * @JOPAN_WEIGHT_SECONDARY: a story under or beside the lead
 * @JOPAN_WEIGHT_BRIEF: a short item in one or two columns, a small headline
 *
 * A story's rank on its page; with its length it chooses the story's
 * treatment from the style's headline ladder.
 */
typedef enum {
  JOPAN_WEIGHT_AUTO,
  JOPAN_WEIGHT_LEAD,
  JOPAN_WEIGHT_SECONDARY,
  JOPAN_WEIGHT_BRIEF,
} JopanWeight;

/**
 * JopanLayoutOptions:
 * @slot_columns: the story's columns in a slot; 0 lays it out on whole
 *   pages, continuing on as many as it needs
 * @slot_depth: the slot's depth in points (used when @slot_lines is 0)
 * @slot_lines: the slot's depth in grid lines
 * @copyfit: make the story fit the slot by changing tracking, the lead
 *   photo's height and the body size within the style's [copyfit] bounds
 * @weight: the story's rank, overriding the article's `weight`
 * @fill: a story alone on its page grows (photo, deck, headline, type size,
 *   within the style's bounds) to fill it
 * @jump_page: the number of the page a story too long for its area
 *   continues on ("Continued on page N" at the foot of its text, a jump
 *   head on page N); 0: in a slot what does not fit is overset, on whole
 *   pages the story continues on the next page
 */
typedef struct {
  guint slot_columns;
  double slot_depth;
  guint slot_lines;
  gboolean copyfit;
  JopanWeight weight;
  gboolean fill;
  guint jump_page;
} JopanLayoutOptions;

/**
 * jopan_layout_options_parse_slot:
 * @options: options to fill
 * @text: `COLUMNS:DEPTH`, the depth a length (`3:180mm`) or grid lines (`3:40`)
 * @error: return location for a %JOPAN_ERROR_USAGE error
 *
 * The depth is checked against the page by jopan_document_new_full(): a
 * slot deeper than the style's type area is a %JOPAN_ERROR_USAGE error.
 *
 * Returns: %TRUE if @text is a slot.
 */
JOPAN_API
gboolean jopan_layout_options_parse_slot (JopanLayoutOptions *options, const char *text,
                                          GError **error);

/**
 * jopan_document_new_full:
 * @options: (nullable): a slot and copyfit, or %NULL for whole pages
 *
 * Like jopan_document_new(), in a slot when @options asks for one: what
 * does not fit is reported as overset, never dropped silently.
 *
 * Returns: (transfer full): the laid-out document, or %NULL with @error set.
 */
JOPAN_API
JopanDocument *jopan_document_new_full (JopanFonts *fonts, const JopanStyle *style,
                                        const JopanArticle *article,
                                        const JopanLayoutOptions *options, GError **error);
/**
 * jopan_document_new_page:
 * @fonts: the fonts to set with
 * @style: the page and paragraph styles
 * @plan: the page's stories and boxes
 * @options: (nullable): copyfit and fill
 * @error: return location for an error
 *
 * Composes one page: each story in a rectangular module on the column
 * grid, chosen by a solver (or fixed by the plan), fitted into it; boxes
 * placed as modules; jumped stories continued on pages of their own.
 *
 * Returns: (transfer full): the document, or %NULL with @error set.
 */
JOPAN_API
JopanDocument *jopan_document_new_page (JopanFonts *fonts, const JopanStyle *style,
                                        const JopanPagePlan *plan,
                                        const JopanLayoutOptions *options, GError **error);
JOPAN_API
void jopan_document_free (JopanDocument *doc);

/** The latest date jopan_document_set_date() takes: 9999-12-31T23:59:59Z. */
#define JOPAN_DATE_MAX G_GINT64_CONSTANT (253402300799)

/**
 * jopan_document_set_date:
 * @doc: a document
 * @unix_time: seconds since 1970-01-01 UTC, at most %JOPAN_DATE_MAX
 *
 * Sets the creation and modification dates written into a PDF (0: the
 * default).  Without
 * it, a PDF is dated 2000-01-01T00:00:00Z, so that the same input gives
 * the same bytes; the library never reads the clock or SOURCE_DATE_EPOCH
 * itself (the jopan tool passes SOURCE_DATE_EPOCH here).
 */
JOPAN_API
void jopan_document_set_date (JopanDocument *doc, gint64 unix_time);

/** Returns: the number of pages. */
JOPAN_API
guint jopan_document_get_n_pages (const JopanDocument *doc);

/* Limits on PNG output: the resolution, and the pixels of one page. */
#define JOPAN_MIN_DPI 18
#define JOPAN_MAX_DPI 1200
#define JOPAN_MAX_PREVIEW_PIXELS 100000000.0

/**
 * jopan_document_write:
 * @doc: a laid-out document
 * @path: the output file; a PNG of several pages writes `NAME-1.png`, …
 * @format: the output format
 * @dpi: the PNG resolution, from %JOPAN_MIN_DPI to %JOPAN_MAX_DPI (ignored
 *   for other formats)
 * @error: return location for an error
 *
 * A PNG page may have at most %JOPAN_MAX_PREVIEW_PIXELS pixels: a larger
 * one, or a @dpi out of range, is a %JOPAN_ERROR_USAGE error, found before
 * anything is drawn.
 *
 * Writes atomically: each file goes to a temporary name first and is
 * renamed into place only when complete, so a failure never leaves a
 * partial file nor replaces a good one.  See jopan_document_write_full().
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_document_write (JopanDocument *doc, const char *path, JopanFormat format,
                               double dpi, GError **error);

/**
 * jopan_document_write_full:
 * @doc: a laid-out document
 * @path: (nullable): the output file as for jopan_document_write(), or
 *   %NULL to write only the report
 * @format: the output format
 * @dpi: the PNG resolution, within the limits jopan_document_write() states
 *   (ignored for other formats)
 * @report_path: (nullable): where to write jopan_document_report_json()
 * @error: return location for an error
 *
 * Writes the document and its report as one commit: all files go to unique
 * temporary names and are renamed into place only when all are complete.
 * No output may be one of the document's inputs (the article, the style
 * file, a photo) nor another output, whatever the names they are given
 * (links included): that is a %JOPAN_ERROR_USAGE error and nothing is
 * written.  Pages `NAME-N.png` that an earlier, longer run left are
 * removed once the new ones are in place.
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_document_write_full (JopanDocument *doc, const char *path, JopanFormat format,
                                    double dpi, const char *report_path, GError **error);

/**
 * jopan_document_get_overset:
 * @doc: a document
 * @characters: (out) (optional): the characters that did not fit
 *
 * Returns: the lines that did not fit its slot (0 on whole pages).
 */
JOPAN_API
guint jopan_document_get_overset (const JopanDocument *doc, guint *characters);

/**
 * jopan_document_get_n_findings:
 *
 * Returns: how many preflight findings (warnings, missing glyphs, overset,
 * low-resolution photos) the document has, article warnings included.
 */
JOPAN_API
guint jopan_document_get_n_findings (const JopanDocument *doc);

/**
 * jopan_document_get_finding:
 * @doc: a document
 * @index: below jopan_document_get_n_findings()
 * @kind: (out) (optional): a short kind: "warning", "missing-glyph",
 *   "overset", "low-resolution", "font" (a family no font has), "underset"
 *   (more than 5 % of the story's type area left empty), "print" (a
 *   printer's preflight: small type in several inks, small reversed type,
 *   text near the trim; in a PDF/X file RGB left, ink over the limit, fonts
 *   not embedded)
 *
 * Returns: (transfer none): the finding's message.
 */
JOPAN_API
const char *jopan_document_get_finding (const JopanDocument *doc, guint index,
                                        const char **kind);

/**
 * jopan_document_preflight:
 * @doc: a document
 * @error: return location for an error
 *
 * Runs the printer's checks on the file the document would write: for a
 * PDF/X output (the style's print.output) it makes the PDF in memory and
 * reports RGB left, ink over the limit and fonts not embedded as "print"
 * findings, naming page and object.  Writing a PDF/X file runs the same
 * checks; each document is checked once.  For RGB output it does nothing.
 *
 * Returns: %FALSE with @error set when the file cannot be made.
 */
JOPAN_API
gboolean jopan_document_preflight (JopanDocument *doc, GError **error);

/**
 * jopan_document_report_json:
 *
 * Returns: (transfer full): the preflight report as JSON text.
 */
JOPAN_API
char *jopan_document_report_json (const JopanDocument *doc);

/* ---- editions: many pages, composed and written in parallel ------------ */

typedef struct _JopanEdition JopanEdition;

/**
 * jopan_edition_load:
 * @path: an edition file (JSON, version 1; see DESIGN.md): `title`, `date`,
 *   `lang`, `style` and `pages`, each page an entry as a page file has
 *   (`section`, `articles`, `boxes`)
 * @error: return location for an error naming the file and the place
 *
 * Reads the edition and every article and box its pages name (paths are
 * relative to the edition file).  Pages are numbered from 1 in their
 * order.  A story's `jump` must name another page of the edition, and
 * jumps must not come back round to the page they start from; a page
 * carries at most 3 continued stories.  An article's error keeps its own
 * file and place and names the edition, the page and the entry
 * (`… (named by ed.json:9:11: pages[3].articles[1])`).  Strict JSON of at
 * most 4 MB, a regular file, 1 to 999 pages.
 *
 * Thread safety: once loaded, an edition is only read; any number of
 * threads may compose its pages at once (each with its own #JopanFonts).
 *
 * Returns: (transfer full): the edition, or %NULL with @error set.
 */
JOPAN_API
JopanEdition *jopan_edition_load (const char *path, GError **error);
JOPAN_API
void jopan_edition_free (JopanEdition *edition);
/** Returns: the number of pages. */
JOPAN_API
guint jopan_edition_get_n_pages (const JopanEdition *edition);
/** Returns: (transfer none) (nullable): the style the edition file names. */
JOPAN_API
const char *jopan_edition_get_style (const JopanEdition *edition);
/** Returns: (transfer none): the edition's title, as its folios print it. */
JOPAN_API
const char *jopan_edition_get_title (const JopanEdition *edition);
/** Returns: (transfer none): the edition's date, `YYYY-MM-DD`. */
JOPAN_API
const char *jopan_edition_get_date (const JopanEdition *edition);
/**
 * jopan_edition_continues_on:
 * @edition: the edition
 * @from: a page, from 0
 * @to: a page, from 0
 *
 * Returns: whether a story of page @from has its `jump` to page @to:
 *   page @to carries its rest, so it changes with page @from.
 */
JOPAN_API
gboolean jopan_edition_continues_on (const JopanEdition *edition, guint from, guint to);
/**
 * jopan_edition_get_warnings:
 *
 * The edition file's own unknown keys (a page's go to that page's
 * findings); jopan_edition_write() puts them in report.json.
 *
 * Returns: (transfer none): a %NULL-terminated array of messages.
 */
JOPAN_API
const char *const *jopan_edition_get_warnings (const JopanEdition *edition);

/**
 * jopan_document_new_edition_page:
 * @fonts: the fonts to set with
 * @style: the page and paragraph styles
 * @edition: the edition
 * @index: the page, from 0 (it is numbered @index + 1)
 * @options: (nullable): copyfit and fill
 * @error: return location for an error
 *
 * Composes one page of @edition under its folio (the edition's title and
 * date, the page's section and number; a Korean date for a `ko` edition).
 * A story with `jump` ends with "Continued on page N"; page N carries the
 * rest at its top under a jump head, before its own stories, which is why
 * composing page N lays out again, with @fonts, the pages its continued
 * stories start on.  The document holds exactly one page.
 *
 * Returns: (transfer full): the document, or %NULL with @error set.
 */
JOPAN_API
JopanDocument *jopan_document_new_edition_page (JopanFonts *fonts, const JopanStyle *style,
                                                const JopanEdition *edition, guint index,
                                                const JopanLayoutOptions *options,
                                                GError **error);

/**
 * JopanEditionProgress:
 * @number: the page just composed (and written), its number from 1
 * @doc: (transfer none): its document, for its findings; valid during the
 *   call only
 * @user_data: as given
 *
 * Called once per page, from a worker thread, one call at a time.
 */
typedef void (*JopanEditionProgress) (guint number, JopanDocument *doc, gpointer user_data);

/**
 * JopanEditionOutput:
 * @outdir: (nullable): the folder to write (made, or replaced whole on
 *   success); %NULL composes the pages and writes nothing (a preflight)
 * @font_dirs: (nullable): further font folders, as for jopan_fonts_new()
 * @data_dir: (nullable): the data folder, as for jopan_fonts_new()
 * @layout: (nullable): copyfit and fill for every page
 * @jobs: pages composed at once (threads); 0: one per processor
 * @png: also write `page-NN.png`
 * @dpi: the PNG resolution
 * @date: the PDFs' date, as for jopan_document_set_date()
 * @pages: (nullable): @n_pages flags, %TRUE for each page to write (by
 *   index); %NULL: all
 * @progress: (nullable): called as each page is written
 * @user_data: for @progress
 * @findings: (out): the findings of the pages written
 * @fonts: (nullable): font sets made ahead with @font_dirs and @data_dir
 *   (#JopanFonts*; on another thread while the edition was read, say):
 *   the run takes them out of the array for its threads and frees them;
 *   a thread without one makes its own
 * @exiting: %TRUE when the process ends right after the run (a command
 *   line tool): what would only be freed at its very end, libqpdf's
 *   objects of `edition.pdf` (10 to 20 ms for 48 pages, the last thing the
 *   run waited for), is left to the system, still reachable (for leak
 *   checkers); %FALSE frees everything before returning
 */
typedef struct {
  const char *outdir;
  const char *const *font_dirs;
  const char *data_dir;
  const JopanLayoutOptions *layout;
  guint jobs;
  gboolean png;
  double dpi;
  gint64 date;
  const gboolean *pages;
  JopanEditionProgress progress;
  gpointer user_data;
  guint findings;
  GPtrArray *fonts;
  gboolean exiting;
} JopanEditionOutput;

/**
 * jopan_edition_write:
 * @edition: the edition
 * @style: the style of every page
 * @out: where and how
 * @error: return location for an error
 *
 * Composes the pages @out selects on @out->jobs threads and writes
 * `page-NN.pdf` (NN the page number, two digits at least), with @png
 * `page-NN.png`, `edition.pdf` (the pages written, with an outline: each
 * page, under it its stories), `contact.png` (a thumbnail of each, its
 * number under it) and `report.json` (per page its report; the jumps).
 * Pages are composed in parallel, a page's document freed once written;
 * a page that carries a continued story is composed after the page the
 * story starts on, on the same thread, so the output is the same bytes
 * whatever @jobs.  Each thread has its own #JopanFonts; @edition and
 * @style are shared, read only.  With @jobs 2 or more the end of the run
 * takes two threads too: `edition.pdf` is written while `contact.png` and
 * `report.json` are.
 *
 * Atomic: everything is written into a new folder beside @outdir, which
 * replaces @outdir only when all is written; on failure @outdir is as it
 * was.
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_edition_write (const JopanEdition *edition, const JopanStyle *style,
                              JopanEditionOutput *out, GError **error);


/* ---- editions: merged PDF and contact sheet ---------------------------- */

/**
 * JopanOutlineItem:
 * @title: the entry's text (UTF-8)
 * @page: the 0-based index of the page it leads to, in the merged file
 * @level: 0, a page's entry; 1, a story on that page, under the page
 *   entry before it
 *
 * One entry of a merged PDF's outline (its bookmarks).
 */
typedef struct {
  const char *title;
  guint page;
  int level;
} JopanOutlineItem;

/**
 * jopan_pdf_merge:
 * @page_pdfs: the PDFs to join, in order (every page of each)
 * @n: how many; at least one
 * @outline: (nullable): the outline, in reading order: each page entry
 *   followed by its stories
 * @n_outline: how many items @outline holds
 * @out_pdf: the merged file to write
 * @error: return location for an error
 *
 * Joins the pages with libqpdf and adds @outline as PDF outline items (a
 * page's stories start folded under it).  The document information
 * (creation date, producer) is the first input's, so the merged file is
 * dated like its pages (by jopan_document_set_date()), never by the
 * clock; the file ID is a hash of the inputs' own IDs (or bytes, for an
 * input without one), the outline and that information: the same inputs
 * give the same bytes.  Written atomically, as jopan_document_write() does.
 * An input that is no PDF is a %JOPAN_ERROR_INPUT error naming it; an
 * outline item past the last page, or a story before any page entry, a
 * %JOPAN_ERROR_USAGE error.
 *
 * Thread safety: every call has its own qpdf objects; calls may run on
 * separate threads at once (for separate outputs).
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_pdf_merge (const char *const *page_pdfs, guint n, const JopanOutlineItem *outline,
                          guint n_outline, const char *out_pdf, GError **error);

/**
 * jopan_contact_sheet_write:
 * @page_pdfs: the pages' PDFs, in order (every page of each)
 * @n: how many; at least one
 * @first_number: the page number of the first page (1 for a whole edition)
 * @out_png: the PNG to write
 * @error: return location for an error
 *
 * Draws every page as a thumbnail 300 pixels high, in spreads as the desk's
 * flatplan shows them: an odd page on the right of its spread (page 1
 * alone), an even one on the left, four spreads to a row, each page's
 * number under it.  The numbers are drawn strokes, not type: the sheet
 * uses no font and is the same on every machine.  Written atomically;
 * the same pages give the same bytes.
 *
 * Thread safety: calls may run on separate threads at once (each opens
 * its own poppler documents).
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_contact_sheet_write (const char *const *page_pdfs, guint n, guint first_number,
                                    const char *out_png, GError **error);

/**
 * jopan_contact_sheet_join:
 * @page_pdfs: the pages' PDFs, one page each, in order
 * @numbers: their page numbers, ascending (they need not follow on)
 * @sheets: (nullable): per page, the contact sheet of the run that wrote it
 *   (a part's `contact.png`), or %NULL
 * @n: how many pages; at least one
 * @out_png: the PNG to write
 * @error: return location for an error
 *
 * The contact sheet of the pages, as jopan_contact_sheet_write() draws
 * it but with the pages' own numbers (a spread without a page of the
 * sheet is left out, a half of a spread without one left empty).  A
 * page's thumbnail is copied from its part's sheet when that is a sheet a
 * run made (its `jopan:pages` text naming its pages) holding that page (it
 * may hold more: an earlier run's, some pages since written again), so
 * parts of an edition joined give the whole run's sheet, byte for byte;
 * else it is drawn from its PDF.  Written atomically.
 *
 * Thread safety: as jopan_contact_sheet_write().
 *
 * Returns: %TRUE on success.
 */
JOPAN_API
gboolean jopan_contact_sheet_join (const char *const *page_pdfs, const guint *numbers,
                                   const char *const *sheets, guint n, const char *out_png,
                                   GError **error);


G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanArticle, jopan_article_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanStyle, jopan_style_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanFonts, jopan_fonts_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanDocument, jopan_document_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanPagePlan, jopan_page_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanEdition, jopan_edition_free)

G_END_DECLS

#endif /* JOPAN_H */
