/* support.h — what several unit tests need alike (support.c). */
#ifndef JOPAN_TEST_SUPPORT_H
#define JOPAN_TEST_SUPPORT_H

#include "compose-private.h"

/* How far a text box's opening quote mark hangs into the margin (the
 * style's hang-punctuation): the mark's advance, else 0. */
double support_hang_of (const JopanBox *b);

/* samples/pages/@name (or, with a slash, the page file @name from the
 * source root) composed in the berliner style with copyfit, its lines
 * set with @fonts (which must outlive it). */
JopanDocument *support_compose_sample (JopanFonts *fonts, const char *name);

/* The report and display list of support_compose_sample()'s page: what
 * a test compares to see two ways of composing it agree. */
char *support_composed_dump (JopanFonts *fonts, const char *name);

/* How far composing samples/pages/@name (with fonts of its own) moves
 * the atomic @counter: a count the speed tests bound. */
guint support_composing_count (const char *name, gint *counter);

/* The air under each header (kicker, headline, deck) on @page, set on
 * @style's grid: a photo right under it keeps a grid line of air beyond
 * the header's last descent and space after; text right under it (no
 * photo there) starts in the first grid band below them (the space after
 * at least a quarter of a grid line), not a band lower.  NULL, or a
 * message saying where that fails. */
char *support_check_header_air (const JopanPage *page, const JopanStyle *style);

#endif
