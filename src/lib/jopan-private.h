/* jopan-private.h — the types the stages share; never installed. */
#ifndef JOPAN_PRIVATE_H
#define JOPAN_PRIVATE_H

#include "jopan.h"

#include <cairo.h>
#include <pango/pango.h>

/* ---- errors ------------------------------------------------------------ */

void jopan_set_error (GError **error, JopanErrorCode code, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

/* The folder holding @what ("fonts", "styles") in @data_dir, or in the
 * installed data folder when @data_dir is %NULL. */
char *jopan_data_dir (const char *data_dir, const char *what);

/* Writes each of @contents (GByteArray*) to the path at the same index:
 * all to unique temporary files beside them first, then renamed into
 * place, so a failure leaves none of them half-written and replaces none,
 * and two runs writing the same files both succeed or fail cleanly.
 * Messages name the final paths, never a temporary one. */
gboolean jopan_write_files_atomic (GPtrArray *paths, GPtrArray *contents, GError **error);
/* The same; with @sync FALSE the files are not flushed to disk before the
 * renames: for files in a folder that takes its place only once its
 * writer has flushed them (an edition's new folder). */
gboolean jopan_write_files_atomic_full (GPtrArray *paths, GPtrArray *contents, gboolean sync,
                                        GError **error);

/* Reads the regular file at @path, of at most @max_bytes, into @data
 * (NUL-terminated): a FIFO, a device or a folder is refused before it is
 * opened for reading, an oversized file before it is read. */
gboolean jopan_read_input_file (const char *path, gsize max_bytes, char **data, gsize *length,
                                GError **error);

/* Documented limits, checked before the work they bound. */
#define JOPAN_MAX_ARTICLE_BYTES (16u << 20) /* an article file: 16 MB */
#define JOPAN_MAX_STYLE_BYTES (1u << 20)    /* a style file: 1 MB */
#define JOPAN_MAX_JSON_NESTING 64           /* arrays and objects inside each other */
#define JOPAN_MAX_PAGE_SIDE 14400.0         /* points (5080 mm): PDF's limit without UserUnit */
#define JOPAN_MAX_SLOT_LINES 9999           /* a slot's depth in grid lines, before the page's check */
/* One paragraph of any text: 1 MB (about 30,000 body lines).  Setting a
 * paragraph takes time and memory in proportion to it (some 150 bytes a
 * byte: the shaped paragraph, then a layout per line), so a 12 MB one
 * would take 1.7 GB; one of 1 MB sets in about 3 s and 150 MB. */
#define JOPAN_MAX_PARAGRAPH_BYTES (1u << 20)

/* The length in bytes of the longest line of @text. */
gsize jopan_longest_paragraph (const char *text);

/* %JOPAN_ERROR_USAGE unless the slot in @options (if any) fits the page. */
gboolean jopan_layout_options_check (const JopanLayoutOptions *options, const JopanStyle *style,
                                     GError **error);

/* ---- article model ------------------------------------------------------ */

typedef enum {
  JOPAN_SPAN_EMPHASIS = 1 << 0,
  JOPAN_SPAN_STRONG = 1 << 1,
  JOPAN_SPAN_CODE = 1 << 2,
  JOPAN_SPAN_REGULAR = 1 << 3, /* set at the regular weight in a bold style (an address) */
  JOPAN_SPAN_LINK = 1 << 4,    /* a link: its destination in @uri */
} JopanSpanFlags;

/* A run of a block's text (byte offsets) set in emphasis, strong or code,
 * or a link to @uri (owned by the block's links). */
typedef struct {
  guint start, end;
  JopanSpanFlags flags;
  const char *uri;
} JopanSpan;

typedef enum {
  JOPAN_BLOCK_PARAGRAPH,
  JOPAN_BLOCK_SUBHEAD,
  JOPAN_BLOCK_QUOTE,
  JOPAN_BLOCK_LIST_ITEM,
} JopanBlockKind;

typedef struct {
  JopanBlockKind kind;
  char *text;      /* UTF-8, newlines only inside quotes */
  GArray *spans;   /* of JopanSpan */
  GPtrArray *links; /* of char*: the destinations the link spans point to */
  char *marker;    /* list items: "•" or "3." */
  guint level;     /* list items: 0, or deeper for a list inside an item */
  guint line;      /* first line in the body text, for messages */
} JopanBlock;

typedef struct {
  char *path;      /* resolved against the article's folder */
  char *src;       /* as written */
  char *caption;
  char *credit;
  int columns;     /* 0: the style's default */
  double focus_x, focus_y;
  char *place;     /* "story.json:6:14: images[0].src", for messages */
  int width, height; /* pixels as shown, after the EXIF orientation */
  gboolean is_jpeg;
  /* From the file's header (image-header.c): */
  int raw_width, raw_height; /* pixels as stored */
  int orientation;   /* EXIF, 1 to 8; 1 is upright */
  int components;    /* colour channels: 4 for a CMYK JPEG */
  gboolean adobe;    /* a JPEG with an Adobe APP14 marker */
  guint png_bits;    /* bits per pixel of a PNG */
  gboolean png_interlaced, png_indexed;
} JopanImageRef;

struct _JopanArticle {
  gatomicrefcount ref_count; /* documents keep their article alive */
  char *name;      /* the file name used in messages */
  char *id, *lang, *section, *kicker, *headline, *subheadline;
  char *byline, *dateline, *date;
  char *email;            /* the writer's address, printed after the byline */
  int headline_columns;   /* 0: the style's */
  JopanWeight weight;     /* "weight": AUTO when absent */
  char *jump_headline;    /* "jump_headline": the continuation page's head */
  GPtrArray *blocks;   /* of JopanBlock* */
  GPtrArray *images;   /* of JopanImageRef* */
  GPtrArray *warnings; /* of char*, NULL-terminated */
};

JopanArticle *jopan_article_new_empty (const char *name);
JopanBlock *jopan_block_new (JopanBlockKind kind);
void jopan_block_free (JopanBlock *block);
void jopan_article_warn (JopanArticle *article, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* Adds a link span over @text's bare URLs ("https://…", "http://…",
 * "www.…", trailing punctuation left out) outside @spans' links and code;
 * the destinations go to @links (owned). */
void jopan_find_bare_urls (const char *text, GArray *spans, GPtrArray *links);
/* @uri as a link may keep it: an absolute http(s), ftp, mailto or tel
 * address; percent-encodes what is not printable ASCII.
 * Returns: the destination, or NULL if it is not one. */
char *jopan_link_uri (const char *uri);

/* Parses a CommonMark body into article->blocks; warnings for what is
 * ignored.  @markdown must be valid UTF-8 (the article file is checked
 * whole): cmark does not check it again unless jopan_body_validate_utf8
 * (tests: the same blocks either way on every sample). */
gboolean jopan_body_parse (JopanArticle *article, const char *markdown, GError **error);
extern gboolean jopan_body_validate_utf8;

/* ---- style ------------------------------------------------------------- */

typedef enum {
  JOPAN_ALIGN_LEFT,
  JOPAN_ALIGN_CENTER,
  JOPAN_ALIGN_RIGHT,
  JOPAN_ALIGN_JUSTIFY,
} JopanAlign;

typedef enum {
  JOPAN_KOREAN_BREAK_SYLLABLE,
  JOPAN_KOREAN_BREAK_KEEP_ALL,
  JOPAN_KOREAN_BREAK_AUTO,
} JopanKoreanBreak;

typedef enum {
  JOPAN_BREAKING_OPTIMAL,
  JOPAN_BREAKING_GREEDY,
} JopanLineBreaking;

typedef enum {
  JOPAN_PARA_KICKER,
  JOPAN_PARA_HEADLINE,
  JOPAN_PARA_DECK,
  JOPAN_PARA_BYLINE,
  JOPAN_PARA_BODY,
  JOPAN_PARA_SUBHEAD,
  JOPAN_PARA_QUOTE,
  JOPAN_PARA_CAPTION,
  JOPAN_PARA_CREDIT,
  JOPAN_PARA_FOLIO,
  JOPAN_PARA_JUMP,        /* the short head over a story's continuation */
  JOPAN_PARA_ATTRIBUTION, /* a pull quote's last paragraph "— Name" */
  JOPAN_N_PARA,
} JopanParaKind;

typedef struct {
  char *font;             /* Pango font description */
  double size;            /* points, from the description */
  double leading;         /* baseline to baseline, points */
  JopanAlign align;
  double indent;          /* first-line indent */
  double space_before, space_after;
  double tracking;        /* letter spacing in points */
  double color[3];
  double cmyk[4];         /* the colour on the press, when the style gives it */
  gboolean has_cmyk;
  gboolean hyphenate;
  gboolean uppercase;
  JopanKoreanBreak korean_break;
  JopanLineBreaking line_breaking;
  int columns;            /* span in grid columns; 0: all */
  double scale;           /* horizontal glyph scale (장평), 1: as drawn */
  /* Justification may part letters by letter_min..letter_max points per
   * gap (NAN: by language) and scale glyphs by 1 ± expansion. */
  double letter_min, letter_max;
  double expansion;
  /* Size of Hangul inside Latin text and of Latin inside Korean text, as
   * a share of the paragraph's size (a per-pair adjustment). */
  double hangul_size, latin_size;
  double max_word_space;  /* keep-all breaks inside a word rather than stretch a word
                           * space beyond this share of its width; 0: never */
  gboolean at_end;        /* byline: after the story's text, not above it */
  int dateline_form;      /* body: JopanDatelineForm, -1: by language */
  /* Display type: even lines, by words (the display groups' default). */
  gboolean balance;
  gboolean smart_quotes;  /* ' and " set as ‘ ’ “ ” (by language) */
  gboolean hang_punctuation; /* an opening quote mark hangs into the left margin */
  gboolean hyphenate_capitalized; /* hyphenate words with a capital (names) too */
} JopanParaStyle;

/* How the dateline leads the first paragraph. */
typedef enum {
  JOPAN_DATELINE_DASH,       /* SEOUL — */
  JOPAN_DATELINE_BRACKET,    /* [서울] */
  JOPAN_DATELINE_LENTICULAR, /* 【서울】 */
} JopanDatelineForm;

/* [GROUP:LANG] overrides of one language: the paragraph styles (each
 * starts as a copy of the plain group) and the grid's pitch. */
#define JOPAN_MAX_LANG_VARIANTS 4
typedef struct {
  char lang[4];           /* a primary language subtag, lower case */
  guint has_para;         /* bit i: [para i:lang] given */
  JopanParaStyle para[JOPAN_N_PARA];
  double baseline;        /* [page:lang] baseline; 0: the page's */
} JopanLangVariant;

typedef enum {
  JOPAN_MARKS_NONE = 0,
  JOPAN_MARKS_CROP = 1 << 0,
  JOPAN_MARKS_REGISTRATION = 1 << 1,
} JopanMarks;

/* What the PDF is for: the screen (cairo's RGB as it is) or the press. */
typedef enum {
  JOPAN_OUTPUT_RGB,
  JOPAN_OUTPUT_PDFX_1A,
  JOPAN_OUTPUT_PDFX_4,
} JopanOutput;

/* A style colour the style gives in CMYK: drawn as @rgb, printed as @cmyk. */
typedef struct {
  double rgb[3], cmyk[4];
} JopanInk;

/* The [print] group: how finish.c makes the file for the press. */
typedef struct {
  JopanOutput output;
  double ink_limit;       /* the most total ink, percent (240) */
  double max_ppi;         /* PDF/X photos placed finer are downsampled (200) */
  int intent;             /* ICC rendering intent for photos */
  gboolean proof;         /* PNG previews simulate the press */
  char *profile;          /* the output ICC profile's path (owned); NULL: built-in */
  JopanInk inks[JOPAN_N_PARA];
  int n_inks;
} JopanPrint;

void jopan_print_copy (JopanPrint *to, const struct _JopanStyle *style);
void jopan_print_clear (JopanPrint *print);

/* How far copyfit may go, from the style's [copyfit] group. */
typedef struct {
  double tracking_min, tracking_max, tracking_step; /* em */
  int photo_min, photo_max;                         /* grid lines */
  double size_min, size_max, size_step;             /* points */
} JopanCopyfit;

/* A story's treatment by its weight, from [lead], [secondary], [brief]. */
typedef struct {
  double headline_min, headline_max; /* the headline's size range, points */
  int headline_columns;              /* its span; 0: all the story's columns */
  int columns;                       /* text columns on a whole page; 0: all */
  int photo_columns;                 /* the lead photo's span; 0: all text columns;
                                      * -1 (unset): [page] image-columns */
  gboolean deck;                     /* is the deck set? */
  int max_words;                     /* an unranked story this long or shorter takes it */
} JopanTreatment;

#define JOPAN_N_WEIGHTS 3        /* lead, secondary, brief: JopanWeight - 1 */

struct _JopanStyle {
  char *path;             /* the file it came from, for messages */
  char *text;             /* its text, to find lines for messages */
  GKeyFile *keys;         /* file values, then --set overrides */
  GHashTable *sets;       /* "group.key" → the --set text that last set it */
  double page_width, page_height;
  double margin[4];       /* top right bottom left */
  int columns;
  double gutter;
  double baseline;
  double bleed;
  JopanMarks marks;
  int image_columns;      /* default span of a lead photo */
  double min_image_dpi;   /* below this a photo is reported */
  JopanOutput output;     /* [print]: see JopanPrint */
  gboolean pdfx;          /* print.pdfx (--pdfx): output at least PDF/X-1a */
  double ink_limit;
  double max_ppi;
  int intent;
  gboolean proof;
  JopanCopyfit copyfit;
  JopanTreatment treatment[JOPAN_N_WEIGHTS];
  JopanParaStyle para[JOPAN_N_PARA];
  JopanLangVariant variant[JOPAN_MAX_LANG_VARIANTS];
  int n_variants;
};

extern const char *const jopan_weight_names[JOPAN_N_WEIGHTS];

extern const char *const jopan_para_names[JOPAN_N_PARA];

/* @base as a story in @text_lang on a page in @page_lang (either may be
 * NULL) sets it: the page's grid from [page:PAGE_LANG], the paragraph
 * styles from the [GROUP:TEXT_LANG] groups.  @out is a shallow copy that
 * borrows from @base. */
void jopan_style_resolve (const JopanStyle *base, const char *page_lang, const char *text_lang,
                          JopanStyle *out);

/* Where GROUP.KEY got its value, for messages: "berliner.ini:57: [body] font"
 * or "--set body.font=…". */
char *jopan_style_key_place (const JopanStyle *style, const char *group, const char *key);

/* ---- fonts ------------------------------------------------------------- */

/* A Pango context with unhinted metrics at 72 dpi: one unit is one point. */
PangoContext *jopan_fonts_create_context (JopanFonts *fonts);
/* The hyphenation patterns for @lang (a HyphenDict*, or NULL when there
 * are none), loaded once per process and shared by every font set and
 * thread: only read once loaded. */
gpointer jopan_fonts_get_hyphenator (JopanFonts *fonts, const char *lang);
/* Reads the hyphenation patterns for @lang ahead, if there are any (on an
 * idle thread, so that the first story set in @lang does not wait). */
void jopan_fonts_read_hyphenation (const char *lang);

/* @families (a comma-separated list) with the families that have Hangul
 * first: in Korean text, digits and Latin letters then come from the
 * Hangul face, as Korean typesetting expects, and words stay in one font. */
char *jopan_fonts_korean_first (JopanFonts *fonts, const char *families);

/* @families with the bundled serif Hanja face after them when they are
 * serif faces: Hanja in Myeongjo text then stay serif (NanumGothic, a
 * sans face, is the only other face with Hanja). */
char *jopan_fonts_with_fallbacks (JopanFonts *fonts, const char *families);

/* How many fontconfig configurations were made (the font files scanned):
 * one per set of font files and process, shared by the font sets. */
extern gint jopan_fonts_scanned;

/* @font's face at @size (Pango units) as HarfBuzz sets it: the hb_font_t
 * Pango's font map would make for the same font loaded at @size in
 * @context, made without loading it (no font pattern, no fontconfig
 * threads).  NULL where Pango would not make it so (a matrix, a gravity,
 * variation axes).  The caller owns it: hb_font_destroy(). */
hb_font_t *jopan_fonts_hb_font_at (PangoContext *context, PangoFont *font, int size);

/* @font (a Pango font description) as text in @korean or other text is
 * set with: its families Korean-first (@korean) and with their fallbacks. */
PangoFontDescription *jopan_fonts_describe (JopanFonts *fonts, const char *font, gboolean korean);
/* Tests: describe every font anew (not from the font set's copies), or
 * keep the copies under a key that leaves out @korean (wrong). */
extern gboolean jopan_fonts_describe_anew, jopan_fonts_describe_wrong_key;

/* Loads @font (as jopan_fonts_describe() makes it) for text in @lang
 * ahead, without waiting for it: Pango's fontconfig threads for a new
 * font pattern then run while the caller does other work, and the first
 * text set in it finds it loaded.  Held by @fonts (a few dozen at most);
 * only on the thread that uses @fonts.  jopan_fonts_prime_style(): every
 * paragraph's font of @style resolved for @lang, at its own size.
 * jopan_fonts_is_primed(): whether @fontset is one so held.
 * jopan_fonts_prime_break (tests): loads the wrong size. */
void jopan_fonts_prime (JopanFonts *fonts, const char *font, const char *lang);
void jopan_fonts_prime_style (JopanFonts *fonts, const JopanStyle *style, const char *lang);
gboolean jopan_fonts_is_primed (JopanFonts *fonts, PangoFontset *fontset);
extern gboolean jopan_fonts_prime_break;

/* Whether one of @fonts (bundled or added) has @family, case aside. */
gboolean jopan_fonts_has_family (JopanFonts *fonts, const char *family);

/* ---- images ------------------------------------------------------------ */

/* Reads a photo's header and checks its structure (see image-header.c):
 * size, orientation, whether it is a JPEG.  No decoding. */
gboolean jopan_image_probe (JopanImageRef *image, GError **error);
gboolean jopan_image_read_header (JopanImageRef *image, const guchar *data, gsize length,
                                  GError **error);
/* How many PNGs' image data was checked whole (libdeflate), not streamed
 * through zlib; with @enabled FALSE all stream (tests compare the two). */
guint jopan_image_header_whole_count (void);
void jopan_image_header_set_whole (gboolean enabled);

/* Cairo cannot make an image surface with a side over 32767 pixels; and
 * pixman, drawing a scaled source into a raster, draws nothing from one
 * much over 16384 (its 16.16 fixed-point coordinates run out). */
#define JOPAN_CAIRO_MAX_SIDE 32767
#define JOPAN_RASTER_MAX_SOURCE 16384

/* A surface to paint the photo with.  For vector output a JPEG is not
 * decoded: the surface carries the file's bytes as MIME data, which cairo
 * embeds as they are; for PDF any other photo is encoded once and drawn
 * as a stand-in (image-stream-private.h).  For raster output it is
 * decoded at @scale (once per size: the pixels are kept). */
cairo_surface_t *jopan_image_surface (const JopanImageRef *image, JopanFormat format,
                                      double scale, GError **error);

/* The matrix from a surface of the stored photo (raw_width × raw_height)
 * to the photo as shown (width × height): the EXIF orientation. */
void jopan_image_orientation (const JopanImageRef *image, cairo_matrix_t *matrix);

/* ---- typeset: paragraph → lines --------------------------------------- */

typedef struct {
  PangoLayout *layout;    /* shared by the lines of one paragraph, or the line's own */
  int index;              /* the line's number in the layout (read it with jopan_layout_line) */
  double x;               /* offset of the line's origin from the frame's left */
  double width;           /* advance of the line, at most the measure (for placing it) */
  gboolean hyphen;        /* ends with a hyphen the breaker added */
  gboolean inner;         /* broken inside a Korean word */
  double ratio;           /* how far its spaces stretched (> 0) or shrank (< 0) */
  double measure;         /* the width it was set to */
  double true_width;      /* the advance of its glyphs as set, never capped: a check
                           * compares it with the measure */
  double scale;           /* horizontal scale it is drawn at: the style's 장평 times
                           * the line's expansion; widths above are as drawn */
  guint chars;            /* characters on the line, its hyphen too (known unshaped) */
  /* A line set lazily (JopanTypesetter.lazy_lines) has no @layout, @x,
   * @width, @true_width or @scale until jopan_text_line() shapes it from
   * this plan (a reference, shared by the text's copies); NULL: set whole. */
  struct _JopanLineShape *shape;
} JopanLine;

typedef struct _JopanLineShape JopanLineShape;
JopanLineShape *jopan_line_shape_ref (JopanLineShape *shape);
void jopan_line_shape_unref (JopanLineShape *shape);
/* The line as placed, shaped on the first call (typeset.c: from one thread only). */
const JopanLine *jopan_line_shape_get (JopanLineShape *shape);
/* How many lines were shaped on their own (not the paragraph's layout) in this
 * process, and how many set lazily turned out overfull when shaped (the
 * set-time check missed them; always 0 unless the margin is wrong). */
extern gint jopan_line_shapings, jopan_line_shapings_missed;
/* How many of those were shaped without a layout of their own (typeset.c,
 * "a line shaped without a layout"); tests may turn that off, or its
 * trimming of letter spacing at a drawn line's ends (to see a check catch it). */
extern gint jopan_line_shapings_alone;
/* How many of those took their paragraph's one item, not itemized anew. */
extern gint jopan_line_items_taken, jopan_line_cuts;
/* How many paragraphs set at another spacing or size had their glyphs
 * derived whole for their lines (typeset.c, "a derived paragraph's
 * glyphs"); tests may leave the offsets where the source's spacing put
 * them, or take a source's offsets at another size unproven (to see a
 * check catch it). */
extern gint jopan_derived_runs;
extern gboolean jopan_derived_offsets_unmoved, jopan_derived_offsets_unproven;
/* Tests: a derived paragraph at its source's size takes its items from
 * the source's runs; itemize it anew instead, or also (check) and count
 * the paragraphs compared and those whose items were unlike; or give the
 * taken items the source's spacing (wrong, to see the check catch it). */
extern gboolean jopan_derived_items_anew, jopan_derived_items_check, jopan_derived_items_unspaced;
extern gint jopan_derived_items_checked, jopan_derived_items_unlike;
extern gboolean jopan_line_cut_off, jopan_line_cut_unproven;
/* Tests: a line's end edge proved as its start is (a pair's first glyph
 * taken as its paragraph kerned it: wrong, to see a check catch it);
 * every GSUB feature's lookups read, as before (fewer cuts); lines cut
 * that start inside a word of their paragraph. */
extern gboolean jopan_line_cut_end_as_start, jopan_line_cut_features_all;
extern gint jopan_line_cuts_mid_word;
extern gboolean jopan_shape_alone_off, jopan_shape_alone_no_edges;
/* Line @index of @layout: a text line's own runs where it was shaped
 * without a layout (the layout then holds only its text, font and
 * context), else the layout's line.  Read a JopanLine's or JopanBox's
 * line through this, never with pango_layout_get_line*(). */
PangoLayoutLine *jopan_layout_line (PangoLayout *layout, int index);
/* The break analysis of @layout's text (@n: how many): a paragraph's own
 * where it was shaped without a layout, else the layout's. */
const PangoLogAttr *jopan_layout_log_attrs (PangoLayout *layout, int *n);
/* How many paragraphs were shaped whole (for the breaker) in this process,
 * and how many of them without a layout of their own; tests may give those
 * a wrong break analysis (only cursor positions) to see a check catch it. */
extern gint jopan_paragraph_shapings, jopan_paragraph_shapings_alone;
/* How many of them were itemized as the paragraph shaped with no letter
 * spacing was (shaped at a spacing, with a ligature: typeset.c). */
extern gint jopan_paragraph_items_taken;
/* How many runs of them were spliced: the paragraph's glyphs with none,
 * its ligatures' words shaped again (typeset.c); tests may turn that off,
 * or splice at edges not proved apart (jopan_line_cut_unproven). */
extern gint jopan_paragraph_spliced;
extern gboolean jopan_splice_off;
extern gboolean jopan_shape_alone_cursor_log;
/* How many paragraphs shaped with no letter spacing had their break
 * analysis worked out when first read (typeset.c, OwnLine); tests may
 * work each out when shaped, as before. */
extern gint jopan_paragraph_logs_lazy;
extern gboolean jopan_paragraph_logs_eager;

typedef struct {
  GArray *lines;          /* of JopanLine */
  double leading;
  int para;               /* for checks and dumps: the body block's index, the photo's
                           * for a caption or credit, else 0 */
} JopanText;

/* Texts as set, for one page's composition or one story's layout
 * (typeset.c says why it is safe): owned by one thread at a time. */
typedef struct _JopanTypesetCache JopanTypesetCache;

JopanTypesetCache *jopan_typeset_cache_new (void);
void jopan_typeset_cache_free (JopanTypesetCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanTypesetCache, jopan_typeset_cache_free)
/* How often jopan_typeset found a text in @cache, and set one anew (tests). */
void jopan_typeset_cache_counts (const JopanTypesetCache *cache, guint *hits, guint *misses);
/* How many paragraphs shaped whole (at most JOPAN_SHAPED_LIMIT) and
 * hyphenation points (at most JOPAN_HYPHENS_LIMIT) @cache holds, and how
 * often each was found (tests). */
#define JOPAN_SHAPED_LIMIT 64
#define JOPAN_HYPHENS_LIMIT 2048
/* How many paragraphs @cache shaped whole, and how many it letter-spaced
 * anew from one shaped at another spacing instead (tests). */
void jopan_typeset_cache_shapings (const JopanTypesetCache *cache, guint *shaped, guint *respaced);
/* Word spaces and hyphens measured (not found kept with the font map)
 * by any cache of the process (tests). */
extern gint jopan_typeset_spaces_measured;
/* The hash the cache gives a key of @n bytes at @data (tests). */
guint jopan_typeset_key_hash_for_test (const void *data, gsize n);
void jopan_typeset_cache_parts (const JopanTypesetCache *cache, guint *shaped, guint *shaped_hits,
                                guint *hyphens, guint *hyphen_hits);

typedef struct {
  JopanFonts *fonts;
  PangoContext *context;
  const JopanStyle *style;
  const char *lang;
  gboolean korean;
  struct _JopanReport *report;
  gpointer hyphenator;    /* HyphenDict*, or NULL */
  /* Measured once per style: a word space and a hyphen (0: not yet). */
  double space_width[JOPAN_N_PARA], hyphen_width[JOPAN_N_PARA];
  /* Characters no font has: code point → MissingGlyph (typeset.c), found
   * since jopan_typesetter_begin, reported by jopan_typesetter_report_missing. */
  GHashTable *missing;
  JopanTypesetCache *cache; /* borrowed, may be NULL */
  GHashTable *fonts_of;   /* a style's font → its PangoFontDescription (typeset.c) */
  gboolean lazy_lines;    /* lines shaped when first read (jopan_text_line), not when set */
} JopanTypesetter;

/* @text shaped whole in @kind's style (set with a layout of its own when
 * jopan_shape_alone_off), as the breaker reads it; @missing gets how
 * often it has each character no font has (or NULL). */
PangoLayout *jopan_shaped_paragraph_for_test (JopanTypesetter *ts, JopanParaKind kind,
                                              const char *text, const GArray *spans,
                                              GHashTable **missing);
/* Whether @lang (a BCP 47 tag, or NULL) is Korean: "ko" or "ko-…". */
gboolean jopan_lang_is_korean (const char *lang);
gboolean jopan_typesetter_init (JopanTypesetter *ts, JopanFonts *fonts, const JopanStyle *style,
                                const char *lang, struct _JopanReport *report);
/* As jopan_typesetter_init, setting texts through @cache (may be NULL),
 * which must outlive the typesetter. */
gboolean jopan_typesetter_init_cached (JopanTypesetter *ts, JopanFonts *fonts,
                                       const JopanStyle *style, const char *lang,
                                       struct _JopanReport *report, JopanTypesetCache *cache);
void jopan_typesetter_clear (JopanTypesetter *ts);
/* Whether @text (with @spans) in @kind's style shaped at letter spacing @from (points)
 * and respaced to @to gives the advances Pango gives it shaped at @to;
 * *@derived: whether it was respaced (else it would be shaped). Tests. */
gboolean jopan_respace_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                                 const GArray *spans, double from, double to, gboolean *derived);
/* Whether @text (with @spans) in @kind's style shaped at letter spacing
 * @tracking (points), itemized as it was shaped at @from_size points
 * (0: the style's) with none, has Pango's runs and break analysis at
 * @tracking; *@taken: whether it was so itemized (else it would not be). Tests. */
gboolean jopan_spaced_items_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                                      const GArray *spans, double from_size, double tracking,
                                      gboolean *taken);
/* As jopan_respace_for_test, shaped at @from_size points and derived at
 * @to_size too (0: the style's size). Tests. */
gboolean jopan_resize_for_test (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                                const GArray *spans, double from_size, double from,
                                double to_size, double to, gboolean *derived);
/* Starts a pass whose findings go to @report; the style may have changed
 * since the last (copyfit), so what was measured with it is forgotten. */
void jopan_typesetter_begin (JopanTypesetter *ts, struct _JopanReport *report);
/* Reports each character no font had since the pass began, once for
 * @name (the article, "story.json") at its first place, with its count. */
void jopan_typesetter_report_missing (JopanTypesetter *ts, const char *name);

/* Sets @text (with @spans, may be NULL) in @kind's style at @width.  @where
 * names the text in findings ("body paragraph 3"). */
JopanText *jopan_typeset (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                          const GArray *spans, double width, double indent,
                          const char *where);
/* As jopan_typeset, the text named "@name: @where" in findings (a page
 * sets thousands of texts: the name is put together only for a finding). */
JopanText *jopan_typeset_named (JopanTypesetter *ts, JopanParaKind kind, const char *text,
                                const GArray *spans, double width, double indent,
                                const char *name, const char *where);
void jopan_text_free (JopanText *text);
/* Appends @more's lines to @text's (an array of its own: a text's lines
 * may be shared with the cache's). */
void jopan_text_append (JopanText *text, const JopanText *more);
/* Line @index of @text, shaped now if it was set lazily. */
const JopanLine *jopan_text_line (const JopanText *text, guint index);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanText, jopan_text_free)

/* A link on a set line: bytes of its layout's text, and the destination. */
typedef struct {
  guint start, end;
  char *uri;
} JopanLink;

/* The links of a layout jopan_typeset made (of JopanLink), or NULL. */
const GArray *jopan_layout_links (PangoLayout *layout);

/* @text with straight quotes set as typographic ones for @lang (code
 * spans untouched); when @moved, the @spans at their new offsets there.
 * Returns: the new text. */
char *jopan_smart_quotes (const char *text, const GArray *spans, const char *lang, GArray **moved);

/* The byte offsets in @text where @dict allows a hyphen (before that
 * byte): Latin words of six letters or more, outside URLs. */
GArray *jopan_hyphen_points (gpointer dict, const char *text, gboolean capitalized);
/* The same, each word's points kept for the process by @dict (a dictionary
 * that lives as long: jopan_fonts_get_hyphenator()'s) and its bytes. */
GArray *jopan_hyphen_points_shared (gpointer dict, const char *text, gboolean capitalized);
/* Tests: words hyphenated anew (not found kept), how many are kept; a
 * word sought less its last byte (wrong). */
extern gint jopan_hyphen_words_hyphenated;
guint jopan_hyphen_words_kept (void);
extern gboolean jopan_hyphen_words_wrong;

/* jopan_hyphen_points(): the bit set on a point inside a capitalised word. */
#define JOPAN_HYPHEN_NAME 0x80000000u

/* ---- line breaking ---------------------------------------------------------- */

/* What breaking reads of a paragraph's text alone (linebreak.c). */
typedef struct _JopanBreakFacts JopanBreakFacts;

typedef struct {
  double width;           /* the measure, points */
  double indent;          /* > 0: the first line is shorter; < 0: the others are (hanging) */
  JopanKoreanBreak korean_break;
  gboolean optimal;       /* total fit; else first fit */
  double space_width;     /* a word space of the body face */
  double space_stretch, space_shrink; /* how far a space may grow and shrink, in spaces */
  gboolean korean_text;   /* gaps are between Hangul syllables, else between Latin letters */
  double syllable_stretch;/* how far a gap (jopan_is_gap) may grow, points */
  double gap_shrink;      /* how far it may close, points */
  double expansion;       /* how far glyphs may be scaled, a share (0.02: 98–102 %) */
  double fallback_ratio;  /* keep-all: the adjustment beyond which a line may end inside a
                           * word instead; <= 0: never */
  double hyphen_width;
  double line_penalty, hyphen_penalty, inner_penalty;
  double double_hyphen_demerits, fitness_demerits;
  double tolerance;       /* the loosest adjustment ratio tried first */
  /* Byte offsets where a hyphen may break a word, JOPAN_HYPHEN_NAME set
   * on those inside a capitalised word (a name, most often): such a
   * break costs name_penalty. */
  const GArray *hyphen_points;
  /* Display type: lines of even length (in as few lines as the measure
   * allows), breaks after commas and phrase ends preferred. */
  gboolean balance;
  gboolean ragged;        /* unjustified text: lines as full as they go, no runt last line */
  double name_penalty;    /* a break at the hyphen of a capitalised compound (Jong-un) */
  /* A hyphen inside a capitalised word (Wednes-|day, Ald-|wick): taken
   * only where no breaks keep every line within tolerance, then at this
   * penalty (40000: rather than a line of spaces some four times wide). */
  double name_hyphen_penalty;
  gboolean name_hyphens;  /* total fit may take such a hyphen (typeset.c: set_paragraph) */
  /* The advance of each glyph of the unbroken line, runs in line order, in
   * Pango units, when it is not the layout's (a paragraph letter-spaced
   * anew, typeset.c); NULL: the layout's. */
  const int *glyph_widths;
  /* Where the paragraph's ordinary break opportunities are kept (NULL:
   * nowhere), with what else the breaker reads of its text alone (its
   * characters): taken from *candidates when it holds them, else found
   * and kept there.  They depend on the text, its spans and language, the
   * Korean break mode and the hyphenation points alone, not the measure
   * or the type's size and spacing (linebreak.c: find_candidates). */
  JopanBreakFacts **candidates;
} JopanBreakParams;

typedef struct {
  guint start, end;       /* bytes of the paragraph's text on the line, spaces trimmed */
  gboolean hyphen;        /* broken at a soft hyphen: a hyphen is drawn */
  gboolean inner;         /* broken inside a Korean word */
  gboolean flush;         /* broken inside a string wider than the line: set unjustified */
  gboolean last;
  double ratio;           /* > 0 the spaces stretch, < 0 they shrink */
  double natural;         /* its glyphs' advance as the paragraph was shaped, no hyphen */
  int spaces, gaps;       /* word spaces and gaps that may shrink, as the breaker counts */
} JopanBreakLine;

gboolean jopan_is_gap (gunichar a, gunichar b, gboolean korean);

/* The parameters @kind's paragraphs break with at @width (for tests). */
void jopan_break_params_for_test (JopanTypesetter *ts, JopanParaKind kind, double width,
                                  JopanBreakParams *bp);

/* How often the ordinary break opportunities of a paragraph were found
 * (not taken from JopanBreakParams.candidates) in this process (tests). */
extern gint jopan_break_candidate_finds;
/* How many lines total fit measured (tests); whether it skips those it
 * cannot take (TRUE; tests compare): past one too loose, from a break no
 * line reached, from states not reached. */
extern gint jopan_break_lines_tried;
extern gboolean jopan_break_skip_lines;
/* Tests: FALSE sets a paragraph with a loose line once, at its own
 * tracking, names whole (typeset.c: set_paragraph). */
extern gboolean jopan_typeset_retrack;
/* Tests: breaking allocates every array anew instead of reusing the
 * thread's (off); the states reached are not cleared for the next
 * paragraph (dirty). */
extern gboolean jopan_break_scratch_off, jopan_break_scratch_dirty;

void jopan_break_facts_free (JopanBreakFacts *facts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanBreakFacts, jopan_break_facts_free)

/* Breaks @unbroken (one shaped line, no wrapping) into lines.
 * Returns: an array of JopanBreakLine. */
GArray *jopan_break_paragraph (PangoLayout *unbroken, const JopanBreakParams *params);

/* ---- page display list -------------------------------------------------- */

typedef enum {
  JOPAN_BOX_TEXT,
  JOPAN_BOX_IMAGE,
  JOPAN_BOX_RULE,
  JOPAN_BOX_PDF,          /* a fixed box's one-page PDF, drawn as vectors */
} JopanBoxKind;

typedef struct {
  JopanBoxKind kind;
  const char *role;       /* "body", "headline", … for dumps */
  double x, y;            /* text: line origin on the baseline; others: top left */
  double w, h;            /* images: frame size; rules: end point delta */
  double line_width;      /* rules */
  double scale;           /* text: horizontal scale (1, or see JopanLine) */
  double color[3];
  PangoLayout *layout;    /* text (a reference) */
  int line;               /* text: the line in @layout (read it with jopan_layout_line) */
  double measure, true_width; /* text: see JopanLine */
  /* Text set lazily: the line's plan (a reference) until
   * jopan_page_shape_lines() fills @layout, @w, @true_width, @scale and
   * adds the line's own x to @x; NULL once shaped. */
  JopanLineShape *shape;
  /* Text: which paragraph (JopanText.para of @role) and which of its
   * @para_lines lines, so that checks see a paragraph across columns. */
  int para, para_line, para_lines;
  const JopanImageRef *image;     /* images: borrowed from the article */
  double src_x, src_y, src_w, src_h; /* the part of the photo in the frame, pixels */
  char *path, *place;     /* PDF boxes (owned): the file, and its place for messages */
} JopanBox;

#define JOPAN_MAX_COLUMNS 12

/* What the flow put in one column of a page, for the report. */
typedef struct {
  guint lines;            /* body lines */
  double top, bottom;     /* the extent of its text, points */
} JopanColumnStats;

typedef struct {
  double width, height;   /* trim size, points */
  double bleed;
  JopanMarks marks;
  int number;
  GArray *boxes;          /* of JopanBox */
  int n_columns;
  JopanColumnStats columns[JOPAN_MAX_COLUMNS];
} JopanPage;

JopanPage *jopan_page_new (double width, double height, int number);
void jopan_page_free (JopanPage *page);
/* Line boxes added to pages in this process (atomically counted): tests
 * bound how many a composed page adds beyond those it draws. */
extern gint jopan_page_lines_added;
/* Adds line @index of @text. */
void jopan_page_add_line (JopanPage *page, const char *role, const JopanText *text, guint index,
                          double x, double baseline, const double color[3]);
/* Shapes the lazily set lines of @page's boxes (before it leaves its composing thread). */
void jopan_page_shape_lines (JopanPage *page);
void jopan_page_add_rule (JopanPage *page, double x0, double y0, double x1, double y1,
                          double width, const double color[3]);
void jopan_page_add_image (JopanPage *page, const JopanImageRef *image,
                           double x, double y, double w, double h);
/* Where a text box's links lie on the page: a rectangle for each link on
 * its line, in page points (y down), and the destination (borrowed). */
typedef struct {
  double x, y, w, h;
  const char *uri;
} JopanLinkRect;

/* Returns: the links on @box (a text box; none for others), of JopanLinkRect. */
GArray *jopan_box_links (const JopanBox *box);
/* Prints the boxes as text: one line each, positions in points. */
void jopan_page_dump (const JopanPage *page, GString *out);

/* ---- report -------------------------------------------------------------- */

typedef struct _JopanReport JopanReport;

JopanReport *jopan_report_new (void);
void jopan_report_free (JopanReport *report);
void jopan_report_add (JopanReport *report, const char *kind, const char *format, ...)
    G_GNUC_PRINTF (3, 4);
void jopan_report_set_pages (JopanReport *report, guint n_pages);
/* A finding known only later: what @resolve(@data) returns, its message
 * (freed by the report), or none when NULL.  It keeps its place among the
 * findings; a merge shares @data (@ref).  Settled (resolved, @data dropped)
 * by jopan_report_settle() or when the findings are first read, on the
 * thread that added it: @resolve may read what that thread owns. */
typedef char *(*JopanReportResolve) (gpointer data);
void jopan_report_add_pending (JopanReport *report, const char *kind, JopanReportResolve resolve,
                               gpointer data, gpointer (*ref) (gpointer data), GDestroyNotify unref);
void jopan_report_settle (JopanReport *report);

/* Adds a "font" finding for each family @style names that no font has. */
void jopan_style_report_fonts (const JopanStyle *style, JopanFonts *fonts, JopanReport *report);
void jopan_report_set_overset (JopanReport *report, guint lines, guint chars);
void jopan_report_set_underset (JopanReport *report, int lines);
/* The empty share of the story's type area (0 to 1). */
void jopan_report_set_underset_share (JopanReport *report, double share);
/* The story's weight (a static name) and its headline's size. */
void jopan_report_set_treatment (JopanReport *report, const char *weight, double headline_size);
void jopan_report_set_copyfit (JopanReport *report, double tracking, int photo_lines,
                               double body_size);
void jopan_report_add_change (JopanReport *report, const char *format, ...) G_GNUC_PRINTF (2, 3);
/* Lines of @element (a headline, a caption, …) that did not fit their frame. */
void jopan_report_add_overset_element (JopanReport *report, const char *element, guint lines,
                                       guint chars);
/* Appends @from's findings and element oversets to @report. */
void jopan_report_merge (JopanReport *report, const JopanReport *from);
/* Adds @node (taken) as the member @name of the JSON report. */
/* What copyfit changed ("body size 9.50pt to 9.25pt"), @n of them. */
const char *const *jopan_report_get_changes (const JopanReport *report, guint *n);
struct _JsonNode;
void jopan_report_add_member (JopanReport *report, const char *name, struct _JsonNode *node);
/* As jopan_report_merge(), and takes @from's overset, underset and copyfit. */
void jopan_report_absorb (JopanReport *report, const JopanReport *from);
guint jopan_report_get_n (const JopanReport *report);
guint jopan_report_get_overset (const JopanReport *report, guint *chars);
const char *jopan_report_get (const JopanReport *report, guint index, const char **kind);
/* The report with the pages' photos and columns. */
char *jopan_report_to_json (const JopanReport *report, const GPtrArray *pages);
/* The same as a tree (an edition nests it in its report.json as it is,
 * not parsed back from the text); owned by the caller. */
struct _JsonNode *jopan_report_to_node (const JopanReport *report, const GPtrArray *pages);

/* ---- layout ---------------------------------------------------------------- */

struct _JopanDocument {
  GPtrArray *pages;       /* of JopanPage* */
  JopanReport *report;
  const JopanStyle *style; /* borrowed while laying out only, then NULL */
  char *style_path;       /* the style's file, never to be overwritten */
  JopanArticle *article;  /* a reference: boxes point at its photos */
  struct _JopanPagePlan *plan; /* a composed page's plan (a reference), or NULL: its
                           * page file, articles, photos and boxes are inputs */
  GPtrArray *held;        /* of JopanPagePlan* (references), or NULL: the plans of the
                           * stories an edition page continues, whose photos it shows */
  JopanFonts *fonts;      /* a reference: the pages' layouts use its faces */
  gint64 date;            /* for the PDF's metadata, seconds since 1970; 0: a fixed date */
  JopanPrint print;       /* the style's [print] group and CMYK colours */
  gboolean print_checked; /* the PDF/X file's preflight is in the report */
  GArray *placed;         /* of JopanPlaced: where each story and box went on a
                           * composed page (compose.c) */
  struct _JopanDraft *draft; /* its PDF and PNG drawn ahead (render.c), or NULL */
};

/* A story or fixed box placed on a composed page: its module in points and
 * the display-list boxes it drew (for the report and the page checks). */
typedef struct {
  gboolean is_box;        /* a fixed box (ad), else a story */
  int index;              /* in the plan's stories or boxes */
  int page;               /* 0-based */
  int column, columns;    /* on the grid */
  double x, y, w, h;      /* the module, points on the page */
  guint first_box, n_boxes; /* its boxes in the page's display list */
} JopanPlaced;

gboolean jopan_layout_article (JopanDocument *doc, const JopanLayoutOptions *options,
                               GError **error);

/* ---- render ---------------------------------------------------------------- */

/* Draws @page onto @cr, whose user space is the page in points with the
 * trim box's top left at (bleed, bleed). */
gboolean jopan_render_page (cairo_t *cr, const JopanPage *page, JopanFormat format,
                            double scale, GHashTable *surfaces, GError **error);
/* The same, with @slug (edition, page, date) under the marks, if any. */
gboolean jopan_render_page_full (cairo_t *cr, const JopanPage *page, JopanFormat format,
                                 double scale, GHashTable *surfaces, const char *slug,
                                 GError **error);
/* The same as a contact sheet's thumbnail, @scale pixels a point: text
 * under 3 pixels to the em greeked, other small text's horizontal
 * scales rounded, to draw faster (render.c). */
gboolean jopan_render_thumbnail (cairo_t *cr, const JopanPage *page, double scale,
                                 GHashTable *surfaces, const char *slug, GError **error);
/* The horizontal scale text box @b is drawn with at @scale pixels a point,
 * in a thumbnail or not.  Returns: @b's own scale, or in a thumbnail for
 * small text that scale rounded so that the line ends within half a pixel. */
double jopan_render_line_scale (const JopanBox *b, gboolean thumbnail, double scale);
/* Lines a thumbnail drew as grey bars (greeked: render.c), in this process. */
extern gint jopan_render_greeked_lines;
/* Held while anything draws text onto cairo or lets cairo release fonts
 * (cairo 1.16's font caches can deadlock across threads: render.c). */
void jopan_render_lock (void);
void jopan_render_unlock (void);
/* Takes the render lock if no other thread holds it.  Returns: whether it did. */
gboolean jopan_render_trylock (void);
/* A page drawn ahead of its writing, in two steps: jopan_document_warm_pdf()
 * (and _png(), at @dpi) decode @doc's photos, outside the render lock;
 * jopan_document_draw_pdf() (and _png()) draw cairo's file (its pixels),
 * the caller holding the lock.  Writing @doc then finishes (encodes) that
 * instead of drawing it again, the same bytes.  Whatever fails here is
 * dropped, drawn again when written, and fails there as it would have. */
typedef struct _JopanDraft JopanDraft;
void jopan_document_warm_pdf (JopanDocument *doc);
void jopan_document_draw_pdf (JopanDocument *doc);
void jopan_document_warm_png (JopanDocument *doc, double dpi);
void jopan_document_draw_png (JopanDocument *doc);
void jopan_draft_free (JopanDraft *draft);
/* Decodes the photos jopan_render_page_full() would draw into @surfaces,
 * to be called before taking the render lock. */
gboolean jopan_render_warm (const JopanPage *page, JopanFormat format, double scale,
                            GHashTable *surfaces, GError **error);
/* The size of @page's media box in points: the trim, the bleed, room for marks. */
void jopan_page_media_size (const JopanPage *page, double *width, double *height);
/* The slug line (edition, page, date) @doc's PDF prints under @page's marks. */
char *jopan_document_slug (const JopanDocument *doc, const JopanPage *page);

/* ---- PNG files (png-io.c, by libpng) ------------------------------------------ */

/* A PNG of 8-bit RGB being written into memory, rows in order. */
typedef struct _JopanPngWriter JopanPngWriter;
/* Changes a row of @n_pixels R, G, B bytes in place before it is written. */
typedef void (*JopanPngRowFunc) (guint8 *rgb, guint32 n_pixels, gpointer data);
/* @width x @height, every row filtered with libpng's @filters (PNG_FILTER_UP …),
 * deflated at zlib @level; a tEXt chunk @key = @text before the image, unless
 * @key is NULL.  Returns: the writer, or NULL with @error set. */
JopanPngWriter *jopan_png_writer_new (guint32 width, guint32 height, int filters, int level,
                                      const char *key, const char *text, GError **error);
/* Writes the rows of @surface (RGB24, the image's width), each first passed
 * to @convert if not NULL.  Returns: FALSE with @error set if libpng failed
 * (then, or before): the writer gives no file then. */
gboolean jopan_png_writer_add_rows (JopanPngWriter *w, cairo_surface_t *surface,
                                    JopanPngRowFunc convert, gpointer data, GError **error);
/* Returns: the whole file (every row written), or NULL with @error set. */
GByteArray *jopan_png_writer_finish (JopanPngWriter *w, GError **error);
/* @width cairo RGB24 words (0x00RRGGBB) as 3 @width bytes R, G, B. */
void jopan_rgb_row (const guint32 *p, guint32 width, guint8 *q);
void jopan_png_writer_free (JopanPngWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanPngWriter, jopan_png_writer_free)
/* The tEXt @key of @data, an 8-bit RGB PNG not interlaced, into @text (NULL
 * if it has none; found before the image data or after it), and the
 * image's size.  Returns: FALSE with @error set if the file is not such a PNG. */
gboolean jopan_png_read_text (const guchar *data, gsize length, const char *key, char **text,
                              guint32 *width, guint32 *height, GError **error);
/* Decodes @data, an 8-bit RGB PNG not interlaced.  Returns: the image, or
 * NULL with @error set. */
cairo_surface_t *jopan_png_read (const guchar *data, gsize length, GError **error);
/* A photo's PNG @data decoded as gdk-pixbuf's loader decodes it (8-bit RGB,
 * RGBA if it has any transparency), faster: libdeflate inflates its image
 * data.  Returns: the pixels (g_free()), rows @stride bytes apart, or NULL
 * for a file this does not take (interlaced) or cannot read: the caller
 * reads it the old way then. */
guint8 *jopan_png_photo_decode (const guchar *data, gsize length, int *width, int *height,
                                int *stride, gboolean *alpha);
/* A test's way to break jopan_png_photo_decode() on purpose (@how 1: the
 * inflated rows at the start of the pixels, where writing overtakes them);
 * 0 mends it. */
void jopan_png_photo_break (int how);

/* ---- contact sheet (contact-sheet.c) ------------------------------------------ */

/* A contact sheet being filled: thread-safe; each page's thumbnail is drawn
 * into its slot as it comes, so no page's document is kept for it. */
typedef struct _JopanContactSheet JopanContactSheet;
/* A sheet for the pages @numbers (ascending, from 1). */
JopanContactSheet *jopan_contact_sheet_new (const guint *numbers, guint n, GError **error);
/* Draws the first page of @doc as the thumbnail of page @number (one of
 * the sheet's); from any thread, while @doc is that thread's. */
gboolean jopan_contact_sheet_add_page (JopanContactSheet *sheet, guint number,
                                       const JopanDocument *doc, GError **error);
/* The same in three steps, so that only drawing holds the render lock:
 * a thumbnail begun (its photos decoded, its slot painted), drawn (the
 * caller holds the render lock), then added, which takes it.  @doc must
 * outlive the thumbnail. */
typedef struct _JopanThumb JopanThumb;
JopanThumb *jopan_contact_sheet_thumb_new (JopanContactSheet *sheet, guint number,
                                           const JopanDocument *doc, GError **error);
gboolean jopan_thumb_draw (JopanThumb *thumb, GError **error);
gboolean jopan_contact_sheet_add_thumb (JopanContactSheet *sheet, JopanThumb *thumb,
                                        GError **error);
void jopan_thumb_free (JopanThumb *thumb);
/* The bands left to an encoder from now on: the threads adding pages no
 * longer encode them (until jopan_contact_sheet_stop_encoder()); it
 * leaves up to @hold complete bands until told a core is idle. */
void jopan_contact_sheet_use_encoder (JopanContactSheet *sheet, guint hold);
/* The encoder: encodes the bands as they may be (complete, in order,
 * those held once a core is idle), until all are or it is stopped (what
 * is left then is for jopan_contact_sheet_save()). */
void jopan_contact_sheet_encode_bands (JopanContactSheet *sheet);
/* One pass of it, not waiting for pages.  Returns: the bands encoded. */
guint jopan_contact_sheet_encode_now (JopanContactSheet *sheet);
/* Tells the encoder a core is idle (it encodes every complete band from
 * now on), or to stop once no band is complete; from any thread. */
void jopan_contact_sheet_encoder_core_idle (JopanContactSheet *sheet);
void jopan_contact_sheet_stop_encoder (JopanContactSheet *sheet);
/* Bands encoded by encoders in this process (a test's count); a test's
 * way to break the encoder on purpose (@broken 1: it encodes nothing,
 * the pages added encode their bands as without one; 2: it holds no
 * band back); 0 mends it. */
guint jopan_contact_sheet_encoder_bands (void);
void jopan_contact_sheet_encoder_break (int broken);
/* Writes the sheet (every page added) to @out_png atomically. */
gboolean jopan_contact_sheet_save (JopanContactSheet *sheet, const char *out_png, GError **error);
void jopan_contact_sheet_free (JopanContactSheet *sheet);

/* ---- joining page PDFs (pdf-merge.c) ------------------------------------------ */

/* A merged PDF being built: pages appended one file at a time, in order,
 * as they are written, so that little is left for the end.  Not
 * thread-safe: one thread at a time (a caller's lock). */
typedef struct _JopanPdfJoin JopanPdfJoin;
JopanPdfJoin *jopan_pdf_join_new (void);
/* Appends every page of @path (its qpdf objects freed once they are
 * copied); the file must stay until the join is written. */
gboolean jopan_pdf_join_append (JopanPdfJoin *join, const char *path, GError **error);
/* How many files were appended. */
guint jopan_pdf_join_n_files (const JopanPdfJoin *join);
/* The outline the join will be written with, known ahead: its items are
 * made as their pages are appended (by the thread appending), not all
 * when the file is written (some 4 ms of an edition's last step).  Kept
 * by reference: it must stay until the join is written or freed. */
void jopan_pdf_join_set_outline (JopanPdfJoin *join, const JopanOutlineItem *outline, guint n);
/* For tests: the outline's items made so far. */
guint jopan_pdf_join_outline_made (const JopanPdfJoin *join);
/* Writes the pages appended and @outline to @out_pdf, as jopan_pdf_merge(). */
gboolean jopan_pdf_join_write (JopanPdfJoin *join, const JopanOutlineItem *outline,
                               guint n_outline, const char *out_pdf, GError **error);
/* The same; with @sync FALSE the file is not flushed to disk before its
 * rename: its writer does so later (an edition, before its folder swap). */
gboolean jopan_pdf_join_write_full (JopanPdfJoin *join, const JopanOutlineItem *outline,
                                    guint n_outline, const char *out_pdf, gboolean sync,
                                    GError **error);
void jopan_pdf_join_free (JopanPdfJoin *join);
/* How many merged files got their ID from what they are made of (not
 * from qpdf hashing the whole file, the fallback). */
guint jopan_pdf_join_ids_placed (void);
/* For tests: inputs whose qpdf objects are held, in every join. */
guint jopan_pdf_join_inputs_open (void);
/* For tests: inputs qpdf read from memory (mapped), in every join. */
guint jopan_pdf_join_inputs_mapped (void);
/* For tests: the inputs' read pages let go of when the process's
 * file-backed memory has grown by @bytes as the output is written
 * (default 1 MiB); 0: each 1 % of its objects, as before. */
void jopan_pdf_join_set_release_step (JopanPdfJoin *join, gsize bytes);
/* For tests: passes letting go of every input's pages, in every join. */
guint jopan_pdf_join_release_passes (void);
/* Told, on the writing thread, each few % of the output written, which
 * (temporary) file is being written: another thread may start its
 * writeback (sync_file_range), so that flushing it at the end waits for
 * little.  The file may be gone by the time that thread looks. */
typedef void (*JopanPdfJoinWriting) (const char *temp, gpointer data);
void jopan_pdf_join_set_writing (JopanPdfJoin *join, JopanPdfJoinWriting func, gpointer data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (JopanPdfJoin, jopan_pdf_join_free)

/* The printer's checks on the laid-out pages ("print" findings): small type
 * in several inks (PDF/X), small reversed type, text near or over the trim. */
void jopan_preflight_pages (JopanDocument *doc);

/* The file of page @index: @path itself for one page, NAME-N.ext for several. */
char *jopan_page_file_name (const char *path, guint index, guint n_pages);

/* Appends the bytes of each file of @doc written to @path (one, or one a
 * PNG page) to @outputs (of GByteArray*). */
/* jopan_document_write() without flushing the file to disk: its writer
 * does so later (an edition, before its new folder takes its place). */
gboolean jopan_document_write_unsynced (JopanDocument *doc, const char *path, JopanFormat format,
                                        double dpi, GError **error);
gboolean jopan_document_render (JopanDocument *doc, const char *path, JopanFormat format,
                                double dpi, GPtrArray *outputs, GError **error);

#endif /* JOPAN_PRIVATE_H */
