/* compose-stub.c — stands in for page composition (compose.c, on the
 * `compose` branch) until it is merged: delete this file then.  It lets
 * the page file loader and `jopan page` / `jopan check PAGE.json` build
 * and be tested up to composition. */
#include "compose-private.h"

JopanDocument *
jopan_document_new_page (JopanFonts *fonts, const JopanStyle *style, const JopanPagePlan *plan,
                         const JopanLayoutOptions *options, GError **error)
{
  g_return_val_if_fail (fonts != NULL && style != NULL && plan != NULL, NULL);
  jopan_set_error (error, JOPAN_ERROR_USAGE, "%s: page composition is not in this build yet",
                   plan->name);
  return NULL;
}
