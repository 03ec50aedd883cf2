/* print.c — the press options: the style's [print] keys (print.h). */
#include "print.h"

gboolean
print_options_apply (gboolean pdfx, const char *profile, gboolean proof, JopanStyle *style,
                     GError **error)
{
  g_autofree char *set = profile ? g_strdup_printf ("print.profile=%s", profile) : NULL;

  return (!pdfx || jopan_style_set (style, "print.pdfx=true", error))
         && (!set || jopan_style_set (style, set, error))
         && (!proof || jopan_style_set (style, "print.proof=true", error));
}
