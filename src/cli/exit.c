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
