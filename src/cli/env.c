/* env.c — what a run of the tool reads from its environment. */
#include "env.h"

#include "jopan.h"

gboolean
env_source_date (gint64 *seconds)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  guint64 value = 0;

  *seconds = 0;
  if (epoch == NULL || *epoch == '\0')
    return TRUE;
  if (!g_ascii_string_to_unsigned (epoch, 10, 0, JOPAN_DATE_MAX, &value, NULL))
    return FALSE;
  *seconds = (gint64) value;
  return TRUE;
}
