/* exit.c — the messages a command ends with (exit.h). */
#include "exit.h"

#include "jopan.h"

#include <stdarg.h>
#include <stdio.h>

int
cli_fail (const GError *error)
{
  fprintf (stderr, "jopan: %s\n", error->message);
  return error->domain == JOPAN_ERROR && error->code == JOPAN_ERROR_USAGE ? EXIT_USAGE
                                                                          : EXIT_INPUT;
}

void
cli_named_by (GError **error, const char *file)
{
  GError *named = g_error_new (JOPAN_ERROR, JOPAN_ERROR_INPUT, "%s (named by %s: style)",
                               (*error)->message, file);

  g_error_free (*error);
  *error = named;
}

int
cli_usage (const char *command, const char *format, ...)
{
  va_list args;

  fprintf (stderr, "jopan: ");
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fprintf (stderr, "\nTry '%s --help'.\n", command);
  return EXIT_USAGE;
}
