/* exit.h — how the tool's commands end: the exit codes, and the messages
 * of a usage error and of a failure. */
#ifndef JOPAN_EXIT_H
#define JOPAN_EXIT_H

#include <glib.h>

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_FINDINGS = 3 };

/**
 * cli_fail:
 * @error: what went wrong
 *
 * Prints @error's message.
 *
 * Returns: %EXIT_USAGE for a usage error, %EXIT_INPUT otherwise.
 */
int cli_fail (const GError *error);

/**
 * cli_usage:
 * @command: the command whose help to point to ("jopan", "jopan edition")
 * @format: the message, printf-style
 *
 * Prints the message and where to read the command's options.
 *
 * Returns: %EXIT_USAGE.
 */
int cli_usage (const char *command, const char *format, ...) G_GNUC_PRINTF (2, 3);

/**
 * cli_named_by:
 * @error: (inout): why a style did not load
 * @file: the page or edition file whose "style" named it
 *
 * Says which file named the style, and makes @error bad input (exit 1): a
 * style a file names wrongly is the file's fault, not the command line's.
 */
void cli_named_by (GError **error, const char *file);

#endif
