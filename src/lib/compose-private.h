/* compose-private.h — a page plan: the stories and fixed boxes of one
 * composed page, as read from a page file (page-file.c) and placed as
 * modules on the column grid (compose.c).  Never installed.
 *
 * The page file format is in DESIGN.md ("Page and edition files"): a page
 * is one entry of an edition's "pages", with "title", "date", "lang" and
 * "style" beside it.
 */
#ifndef JOPAN_COMPOSE_PRIVATE_H
#define JOPAN_COMPOSE_PRIVATE_H

#include "jopan-private.h"
#include "json-private.h"

/* Where a module sits, when the page file fixes it ("slot"). */
typedef struct {
  gboolean fixed;          /* FALSE: the solver chooses */
  int column;              /* first column, counted from 0 (the file counts from 1) */
  int columns;
  double top, depth;       /* points below the type area's top (under the folio) */
  int top_lines, depth_lines; /* >= 0: given in grid lines instead (top, depth unset) */
} JopanModuleSlot;

/* The slot's top and depth in points, grid lines counted with @style's. */
void jopan_module_slot_points (const JopanModuleSlot *slot, const JopanStyle *style, double *top,
                               double *depth);

/* One story of the page. */
typedef struct {
  JopanArticle *article;   /* a reference */
  char *src;               /* as written in the page file, for messages */
  char *place;             /* "page.json:7:9: articles[2]", for messages */
  JopanWeight weight;      /* AUTO: the first story is the lead */
  JopanModuleSlot slot;
  guint jump;              /* the page number the rest continues on; 0: none */
} JopanPageStory;

typedef enum {
  JOPAN_BOX_AT_FOOT,
  JOPAN_BOX_AT_TOP,
  JOPAN_BOX_AT_SLOT,
} JopanBoxPosition;

/* A fixed box: an ad or a weather box, an image or a one-page PDF. */
typedef struct {
  char *path;              /* resolved against the page file's folder */
  char *src, *place;
  int columns;
  double depth;            /* points */
  JopanBoxPosition position;
  JopanModuleSlot slot;    /* with JOPAN_BOX_AT_SLOT */
  JopanImageRef *image;    /* an image: probed at load; NULL for a PDF */
  gboolean is_pdf;
  double aspect;           /* its content's width over height, as probed; 0: not known */
} JopanPageBox;

struct _JopanPagePlan {
  gatomicrefcount ref_count;
  char *name;              /* the page file, for messages */
  char *title, *date, *lang, *style, *section;
  guint number;            /* the page's number (1 unless the file says) */
  GPtrArray *stories;      /* of JopanPageStory*, in the file's order */
  GPtrArray *boxes;        /* of JopanPageBox* */
  GPtrArray *warnings;     /* NULL-terminated: unknown keys of the page file */
  guint edition_pages;     /* in an edition: how many pages it has (jumps must land on
                            * one); 0 for a page file */
};

/* Limits on a page file, checked as it is read. */
#define JOPAN_MAX_PAGE_FILE_BYTES (1u << 20) /* 1 MB */
#define JOPAN_MAX_PAGE_STORIES 6
#define JOPAN_MAX_PAGE_BOXES 8
#define JOPAN_MAX_PAGE_NUMBER 9999

JopanPagePlan *jopan_page_plan_ref (JopanPagePlan *plan);
JopanPagePlan *jopan_page_plan_new (const char *name);
/* Reads the page entry @object at @ld's current path (an edition's
 * "pages[3]") into @plan, whose title, date, lang, style and number the
 * edition has set: its "section", "articles" and "boxes". */
gboolean jopan_page_plan_load_entry (JopanJson *ld, JsonObject *object, JopanPagePlan *plan,
                                     GError **error);
/* jopan_page_plan_load() once the file is read: @data, @length bytes with a
 * nul after them, is the text of the page file @name, against whose folder
 * the paths in it resolve (the fuzz target, tests/fuzz/fuzz-page.c, reads
 * no file). */
JopanPagePlan *jopan_page_plan_load_from_data (const char *data, gsize length, const char *name,
                                               GError **error);

/* ---- editions: a story continued on another page ------------------------- */

/* The continuation of a story that jumps, as laid out on its start page's
 * thread across the whole page under the folio (the continuation page a
 * composed page makes), for the page it continues on to carry at its top. */
typedef struct {
  JopanPage *page;         /* owned: its boxes keep references to the fonts' layouts */
  guint skip;              /* its first boxes are its own folio: the page has one */
  int bands;               /* bands it takes under the folio */
  guint from, to;          /* the page numbers it starts on and continues on */
  guint lost_lines;        /* lines beyond one continuation page: overset */
  JopanPagePlan *source;   /* a reference: the photos its boxes borrow */
  int story;               /* its index in the source's stories */
} JopanCarried;

void jopan_carried_free (JopanCarried *carried);

/* An edition file (edition-file.c): its pages as plans numbered from 1,
 * each with the edition's title, date, lang and style.  Read only once
 * loaded. */
struct _JopanEdition {
  char *name;              /* the edition file, for messages */
  char *title, *date, *lang, *style;
  GPtrArray *pages;        /* of JopanPagePlan* */
  GPtrArray *warnings;     /* NULL-terminated: unknown keys of the edition's own */
};

#define JOPAN_MAX_EDITION_FILE_BYTES (4u << 20) /* 4 MB */
#define JOPAN_MAX_EDITION_PAGES 999
/* Continuations one page may carry at its top. */
#define JOPAN_MAX_CARRIED 3

/* jopan_edition_load() once the file is read, as
 * jopan_page_plan_load_from_data() is for a page. */
JopanEdition *jopan_edition_load_from_data (const char *data, gsize length, const char *name,
                                            GError **error);

/* jopan_document_new_page() in an edition: @carried_in (of JopanCarried*,
 * borrowed) are the continuations the page carries at its top, under the
 * folio; with @carried_out, a jumped story's continuation goes there
 * (JopanCarried*, transfer full) instead of following the page. */
JopanDocument *jopan_compose_edition_page (JopanFonts *fonts, const JopanStyle *style,
                                           const JopanPagePlan *plan,
                                           const JopanLayoutOptions *options,
                                           GPtrArray *carried_in, GPtrArray *carried_out,
                                           GError **error);

/* For tests (edition.c): threads that edition runs started beside their
 * workers for the end (edition.pdf written while contact.png and
 * report.json are; its qpdf objects freed while the folder is swapped in),
 * and font sets a run left to free after its last page. */
guint jopan_edition_side_threads (void);
guint jopan_edition_fonts_left (void);
/* For tests: edition.pdf joins left to the system by runs whose process
 * ends right after (JopanEditionOutput's exiting). */
guint jopan_edition_joins_left (void);
/* For tests: font sets a run's threads made (none given ahead). */
guint jopan_edition_fonts_made (void);
/* For tests: files a run's flushing thread flushed to disk. */
guint jopan_edition_files_synced (void);
/* For tests: times that thread was asked to start edition.pdf's
 * writeback while it was being written (it may find it renamed). */
guint jopan_edition_writebacks (void);
/* For tests: runs whose edition.pdf writing was started by the worker
 * that joined its last page, before the pool ended. */
guint jopan_edition_early_writes (void);
/* For tests: threads that helped remove a folder (an earlier edition's,
 * or a failed run's), beside the one that lists it. */
guint jopan_edition_removers (void);
/* For tests: pages a worker kept, composed, while the render lock was
 * taken, to draw them once it was free (edition.c). */
guint jopan_edition_pages_kept (void);
/* For tests: holds of the render lock in which a worker drew kept or
 * composed pages: one a page (edition.c). */
guint jopan_edition_draw_holds (void);

/* Adds a fixed box (an ad) in the frame @x, @y, @w × @h (points): its
 * image or its PDF page (as vectors) whole, scaled to fit the frame and
 * centred, never cropped: an advertiser's space shows all it bought.  A
 * thin frame is drawn around it. */
void jopan_page_add_box (JopanPage *page, const JopanPageBox *box, double x, double y, double w,
                         double h);
/* The size, *@fw × *@fh, that content of @aspect (width over height; 0:
 * not known, the frame's) takes in a frame of @w × @h when it is scaled to
 * fit whole. */
void jopan_box_fit (double aspect, double w, double h, double *fw, double *fh);

/* ---- compose.c: the solver, for tests ------------------------------------ */

/* A module: a rectangle of the grid, in columns and bands; band 0 is the
 * first band under the page's folio. */
typedef struct {
  int column, columns;
  int top, depth;
} JopanModule;

/* How a story (or a box) filled its module in one candidate layout. */
typedef struct {
  JopanModule module;
  gboolean is_box;
  int underset;                 /* empty bands summed over its columns */
  guint overset_lines;          /* body and other lines that did not fit */
  guint overset_photos;
  gboolean jumps;               /* the story continues on another page */
  gboolean brief;               /* its overset costs more */
  int photo_lost;               /* column-bands the lead photo is short of its shape */
  double front_short;           /* a lead's body lines a column short of a good block
                                 * on its module (a third of its depth, at most 10) */
  gboolean lead_photo_off;      /* a lead's photo is left off its module */
  double legs_short;            /* a secondary's body lines short of a leg of
                                 * LEG_LINES a column, summed over its columns */
  int headline_over;            /* its headline's lines beyond 3 (a brief's 2) */
  double headline_small;        /* points its headline is stepped down too far
                                 * (LayoutResult.headline_small) */
  double size_change;           /* points copyfit moved its body size */
  gboolean off;                 /* a story left off the page: no module, all its
                                 * lines overset */
} JopanModuleFit;

/* The cost of a candidate layout, term by term (see compose.c for the
 * weights); the solver keeps the candidate of least total. */
typedef struct {
  double empty, overset, collisions, photos, prominence, front, legs, headlines, copyfit;
  double total;
} JopanComposeCost;

/* @fits[0] is the lead story's; @area: the type area under the folio in
 * column-bands (what no module covers is empty). */
void jopan_compose_cost (const JopanModuleFit *fits, guint n, int area, JopanComposeCost *cost);

/* For tests: TRUE restores the solver of before, which set a brief
 * beside a box no wider than [brief] columns, and left the rest of the
 * area beside the box empty. */
extern gboolean jopan_compose_narrow_briefs;
/* For tests: TRUE restores the solver of before, which grew a story with
 * nothing under its module only within [copyfit] (LayoutInput's
 * fill_slot). */
extern gboolean jopan_compose_no_fill;
/* For tests: TRUE restores the solver of before, which tried the lead
 * across the top as deep as the stories under it leave room for, but not
 * as deep as they leave set balanced. */
extern gboolean jopan_compose_no_tight;

/* jopan_document_new_page() with the solver's candidates limited to those
 * whose name holds @only ("/strips", "lead-left/rail", …; %NULL: all). */
JopanDocument *jopan_compose_page (JopanFonts *fonts, const JopanStyle *style,
                                   const JopanPagePlan *plan, const JopanLayoutOptions *options,
                                   const char *only, GError **error);

/* Whether two modules share any column-band. */
gboolean jopan_module_overlaps (const JopanModule *a, const JopanModule *b);

#endif /* JOPAN_COMPOSE_PRIVATE_H */
