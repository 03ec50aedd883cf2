/* progress.h — how far a batch is, on stderr; safe from any thread. */
#ifndef JOPAN_PROGRESS_H
#define JOPAN_PROGRESS_H

#include <glib.h>
#include <stdio.h>

typedef struct _Progress Progress;

/* A reporter for @total items counted in @unit ("pages", "articles").  On a
 * terminal it redraws a bar on stderr; elsewhere it prints one summary line
 * at the end; @quiet prints nothing. */
Progress *progress_new (guint total, const char *unit, gboolean quiet);
/* Like progress_new(), writing to @out, a terminal or not as @tty says
 * (for tests). */
Progress *progress_new_full (guint total, const char *unit, gboolean quiet, FILE *out,
                             gboolean tty);
/* One item done, with @findings findings; may be called from any thread. */
void progress_step (Progress *progress, guint findings);
/* Clears the bar's line on a terminal, so other lines can be printed
 * before progress_finish(). */
void progress_clear (Progress *progress);
/* Ends the bar, or prints the summary, and frees @progress. */
void progress_finish (Progress *progress);
/* Ends a run that failed: clears the bar, prints no summary (the error
 * follows), and frees @progress. */
void progress_abandon (Progress *progress);

/* "12/48 pages  25.0 pages/s  1 s left" (the bar's text, for tests). */
char *progress_format_bar (guint done, guint total, const char *unit, double seconds);
/* "48 pages in 0.8 s, 3 findings". */
char *progress_format_summary (guint done, const char *unit, double seconds, guint findings);

#endif
