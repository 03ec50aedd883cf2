/* data.c — where the bundled fonts and styles are.
 *
 * In the folder the caller names, else in the installed one.  The library
 * reads no environment variable for it and knows no source tree: a program
 * linked against an installed libjopan must find the installed data, and
 * only the caller (the jopan tool, a test) decides to look elsewhere. */
#include "jopan-private.h"

#include "jopan-config.h"

char *
jopan_data_dir (const char *data_dir, const char *what)
{
  return g_build_filename (data_dir && *data_dir ? data_dir : JOPAN_DATA_DIR, what, NULL);
}
