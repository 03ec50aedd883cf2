/* edition.h — the `jopan edition` command. */
#ifndef JOPAN_CLI_EDITION_H
#define JOPAN_CLI_EDITION_H

#include <glib.h>

/* Runs `jopan edition …` (@argv[1] is "edition"); returns the exit code. */
int jopan_cli_edition (int argc, char **argv);

/* `jopan check EDITION.json`: every page composed, nothing written; the
 * findings on stderr in page order; returns the exit code. */
int jopan_cli_check_edition (const char *input, const char *style, char **sets,
                             char **font_dirs, const char *data_dir, gboolean strict,
                             gboolean pdfx, const char *output_profile);

#endif
