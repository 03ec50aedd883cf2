/* units.c — lengths with units, parsed once into points. */
#include "jopan-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  const char *unit;
  double points;
} units[] = {
  { "pt", 1.0 },
  { "mm", 72.0 / 25.4 },
  { "cm", 720.0 / 25.4 },
  { "in", 72.0 },
  { "pc", 12.0 },
  { "px", 0.75 },
};

/* No length in a page is longer than the longest page side PDF allows;
 * past it, arithmetic on lengths (grid lines, copyfit steps) overflows. */
static gboolean
in_range (double points)
{
  return isfinite (points) && fabs (points) <= JOPAN_MAX_PAGE_SIDE;
}

gboolean
jopan_length_parse (const char *text, double em, double *points)
{
  char *end;
  double value;

  g_return_val_if_fail (text != NULL && points != NULL, FALSE);
  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0')
    return FALSE;
  value = g_ascii_strtod (text, &end);
  if (end == text || !isfinite (value))
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  g_autofree char *unit = g_strchomp (g_strdup (end));
  gboolean known = TRUE;
  double scale = 1;

  /* A bare 0 needs no unit. */
  if (*unit == '\0')
    known = value == 0.0;
  else if (strcmp (unit, "em") == 0)
    scale = em;
  else
    for (gsize i = 0; (known = i < G_N_ELEMENTS (units)); i++)
      if (strcmp (unit, units[i].unit) == 0)
        {
          scale = units[i].points;
          break;
        }
  /* On failure *points keeps its value: a caller's old value survives. */
  if (!known || !in_range (value * scale))
    return FALSE;
  *points = value * scale;
  return TRUE;
}
