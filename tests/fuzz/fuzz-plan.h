/* fuzz-plan.h — what the page and edition fuzz targets share: the checks on
 * a loaded page plan, and on a loader's error message. */
#ifndef FUZZ_PLAN_H
#define FUZZ_PLAN_H

#include "compose-private.h"

/* A copy of @size bytes with a nul after them, as jopan_read_input_file()
 * hands a loader. */
char *fuzz_plan_text (const uint8_t *data, size_t size);

/* Aborts unless @error's message names the file @name and a place in it:
 * "NAME:LINE" (then ":COLUMN: json.path" or the byte offset) somewhere in
 * it, as a story's own error names its article and then the entry that
 * named it. */
void fuzz_plan_check_message (const GError *error, const char *name);

/* Aborts, saying what is wrong, unless @plan is what composition takes for
 * granted of a loaded page: 1 to 6 stories, each with its article, a jump
 * elsewhere, a slot inside the grid; at most 8 boxes, each an image or a
 * PDF, sized.  Slots are turned into points with @style's grid. */
void fuzz_plan_check (const JopanPagePlan *plan, const JopanStyle *style);

#endif /* FUZZ_PLAN_H */
