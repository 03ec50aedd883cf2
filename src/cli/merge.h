/* merge.h — `jopan edition --merge DIR… -o OUTDIR`: shards joined. */
#ifndef JOPAN_MERGE_H
#define JOPAN_MERGE_H

#include <glib.h>

/**
 * merge_outdirs:
 * @dirs: folders a run of `jopan edition` wrote (with --pages or --shard):
 *   their `page-NN.pdf`, `page-NN.png`, `edition.pdf` and `report.json`
 * @n: how many
 * @outdir: the folder for the whole edition (may be one of @dirs; made if
 *   missing)
 * @quiet: no summary line
 * @error: return location for an error
 *
 * Joins the parts: every page from 1 to the last must be in exactly one
 * folder.  Writes to @outdir the pages (copied, when @outdir is not their
 * folder), `edition.pdf` (jopan_pdf_merge()) with the parts' outlines
 * joined, `contact.png` (jopan_contact_sheet_write()) and `report.json`:
 * the first part's report with every part's `pages` in page order and
 * their `findings` summed.  A whole run's folder and the merge of its
 * parts hold the same bytes.  All files are staged in @outdir and moved
 * into place only when all are complete.
 *
 * Returns: %TRUE on success.
 */
gboolean merge_outdirs (const char *const *dirs, guint n, const char *outdir, gboolean quiet,
                        GError **error);

/* The page number of `page-NN.pdf` or `page-NN.png` (also `page-NN-K.png`),
 * else 0; *@pdf: whether it is the PDF. */
guint merge_page_number (const char *name, gboolean *pdf);

/**
 * merge_update:
 * @outdir: a folder a run of `jopan edition` wrote (whole, or a part)
 * @part: a folder a later run of the same edition wrote, with --pages or
 *   --shard
 * @error: return location for an error
 *
 * Joins @part into @outdir as merge_outdirs() does, @part's pages
 * replacing @outdir's (their files @part has not, a PNG say, removed):
 * @outdir holds its other pages as they were and the pages of @part, in
 * one `edition.pdf`, `contact.png` and `report.json`.
 *
 * Returns: %TRUE on success.
 */
gboolean merge_update (const char *outdir, const char *part, GError **error);

#endif
