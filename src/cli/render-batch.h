/* render-batch.h — `jopan render A.json B.json … -o OUTDIR/`. */
#ifndef JOPAN_RENDER_BATCH_H
#define JOPAN_RENDER_BATCH_H

#include "jopan.h"

/* What every article of a batch is laid out and written with. */
typedef struct {
  const JopanStyle *style;           /* shared, read-only, by every thread */
  const JopanLayoutOptions *layout;  /* (nullable) */
  JopanFormat format;
  double dpi;
  gint64 date;                       /* jopan_document_set_date() */
  const char *const *font_dirs;
  const char *data_dir;
  guint jobs;                        /* 0: the number of cores */
  gboolean quiet;                    /* no progress bar nor summary */
  const char *report;                /* (nullable) one report for all */
} RenderBatch;

/**
 * render_batch:
 * @inputs: article files; each is written to OUTDIR/NAME.EXT (NAME the
 *   file's name without its extension, EXT the format's)
 * @n: how many
 * @outdir: the folder, made if missing
 * @r: the settings
 * @findings: (out): the findings of all articles
 * @error: the error of the first article (in order) that failed
 *
 * Lays out and writes the articles in parallel.  The files go to a
 * staging folder inside @outdir first and are moved into place only when
 * every article succeeded: a failure leaves @outdir as it was.  Findings
 * are printed in the inputs' order, so the output is the same for any
 * number of jobs.
 *
 * Returns: %TRUE on success.
 */
gboolean render_batch (const char *const *inputs, guint n, const char *outdir,
                       const RenderBatch *r, guint *findings, GError **error);

/* The file extension of @format, without the dot. */
const char *render_batch_extension (JopanFormat format);

/* Appends @text to @out as a JSON string, quoted and escaped. */
void render_batch_json_string (GString *out, const char *text);

#endif
