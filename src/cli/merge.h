/* merge.h — `jopan edition --merge DIR… -o OUTDIR`: shards joined. */
#ifndef JOPAN_MERGE_H
#define JOPAN_MERGE_H

#include <glib.h>

/**
 * merge_outdirs:
 * @dirs: folders a run of `jopan edition` wrote (with --pages or --shard):
 *   their `page-NN.pdf`, `page-NN.png` and `report.json`
 * @n: how many
 * @outdir: the folder for the whole edition (may be one of @dirs; made if
 *   missing)
 * @quiet: no summary line
 * @error: return location for an error
 *
 * Joins the parts: every page from 1 to the last must be in exactly one
 * folder.  Writes to @outdir the pages (copied, when @outdir is not their
 * folder), `edition.pdf` with an outline (jopan_pdf_merge()),
 * `contact.png` (jopan_contact_sheet_write()) and `report.json`, the
 * parts' reports merged: the members of their top-level objects are
 * joined, arrays concatenated in page order, integers summed, anything
 * else taken from the first part.  The outline's entries come from the
 * merged report's `pages` array: `number` (the page), `section`, and the
 * `headline` of each of its `stories`; without them, "Page N".  All files
 * are staged in @outdir and moved into place only when all are complete.
 *
 * Returns: %TRUE on success.
 */
gboolean merge_outdirs (const char *const *dirs, guint n, const char *outdir, gboolean quiet,
                        GError **error);

#endif
