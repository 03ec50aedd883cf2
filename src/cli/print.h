/* print.h — the press options of `render`, `page` and `edition`. */
#ifndef JOPAN_PRINT_OPTIONS_H
#define JOPAN_PRINT_OPTIONS_H

#include "jopan.h"

/**
 * print_options_apply:
 * @pdfx: --pdfx: a CMYK PDF/X file for the press
 * @profile: (nullable): --output-profile: the printer's ICC profile
 * @proof: --proof: PNG previews as the press prints them
 * @style: the style they set, as its [print] keys (`pdfx`, `profile`,
 *   `proof`)
 * @error: return location for an error (a profile that is no CMYK ICC
 *   output profile, say)
 *
 * Returns: %TRUE if every option given was set.
 */
gboolean print_options_apply (gboolean pdfx, const char *profile, gboolean proof,
                              JopanStyle *style, GError **error);

/* The three options' entries of a GOptionEntry table, into @o's members
 * `pdfx`, `output_profile` and `proof`. */
#define PRINT_OPTION_ENTRIES(o) \
  { "pdfx", 0, 0, G_OPTION_ARG_NONE, &(o).pdfx, \
    "A CMYK PDF/X file for the press, each page's (the style's print.output, else PDF/X-1a)", \
    NULL }, \
  { "output-profile", 0, 0, G_OPTION_ARG_FILENAME, &(o).output_profile, \
    "The printer's ICC output profile (CMYK), embedded as the output intent", "FILE.icc" }, \
  { "proof", 0, 0, G_OPTION_ARG_NONE, &(o).proof, \
    "PNG previews show the page as the press prints it on newsprint", NULL }

#endif
