/* support.h — what several unit tests need alike (support.c). */
#ifndef JOPAN_TEST_SUPPORT_H
#define JOPAN_TEST_SUPPORT_H

#include "compose-private.h"

/* How far a text box's opening quote mark hangs into the margin (the
 * style's hang-punctuation): the mark's advance, else 0. */
double support_hang_of (const JopanBox *b);

/* samples/pages/@name composed in the berliner style with copyfit, its
 * lines set with @fonts (which must outlive it). */
JopanDocument *support_compose_sample (JopanFonts *fonts, const char *name);

/* How far composing samples/pages/@name (with fonts of its own) moves
 * the atomic @counter: a count the speed tests bound. */
guint support_composing_count (const char *name, gint *counter);

#endif
