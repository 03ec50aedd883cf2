/* progress.c — a progress bar on a terminal, one summary line elsewhere.
 *
 * A log file should not fill with a line per page, and a terminal should
 * show the run moving: the reporter tells them apart by isatty (stderr).
 * Steps come from worker threads, so every change happens under a mutex;
 * the bar is redrawn at most every 100 ms (and at the end).
 */
#include "progress.h"

#include <string.h>
#include <unistd.h>

#define BAR_WIDTH 30
#define REDRAW_US (100 * 1000)

struct _Progress {
  GMutex lock;
  FILE *out;
  char *unit;
  guint total, done, findings;
  gboolean quiet, tty;
  gint64 start, last_draw; /* monotonic µs */
};

Progress *
progress_new_full (guint total, const char *unit, gboolean quiet, FILE *out, gboolean tty)
{
  Progress *p = g_new0 (Progress, 1);

  g_mutex_init (&p->lock);
  p->out = out;
  p->unit = g_strdup (unit);
  p->total = total;
  p->quiet = quiet;
  p->tty = tty;
  p->start = g_get_monotonic_time ();
  return p;
}

Progress *
progress_new (guint total, const char *unit, gboolean quiet)
{
  return progress_new_full (total, unit, quiet, stderr, isatty (fileno (stderr)));
}

char *
progress_format_bar (guint done, guint total, const char *unit, double seconds)
{
  double rate = seconds > 0 ? done / seconds : 0;
  guint filled = total ? (guint) ((guint64) BAR_WIDTH * done / total) : BAR_WIDTH;
  g_autofree char *bar = g_strnfill (BAR_WIDTH, '.');
  g_autofree char *left = NULL;

  memset (bar, '#', MIN (filled, BAR_WIDTH));
  if (rate > 0 && done < total)
    left = g_strdup_printf ("  %.0f s left", (total - done) / rate);
  return g_strdup_printf ("[%s] %u/%u %s  %.1f %s/s%s", bar, done, total, unit, rate, unit,
                          left ? left : "");
}

char *
progress_format_summary (guint done, const char *unit, double seconds, guint findings)
{
  return g_strdup_printf ("%u %s in %.2f s, %u finding%s", done, unit, seconds, findings,
                          findings == 1 ? "" : "s");
}

static double
elapsed (const Progress *p)
{
  return (g_get_monotonic_time () - p->start) / 1e6;
}

/* Redraws the bar in place (\r, then clears to the line's end). */
static void
draw (Progress *p)
{
  g_autofree char *line = progress_format_bar (p->done, p->total, p->unit, elapsed (p));

  fprintf (p->out, "\r%s\033[K", line);
  fflush (p->out);
  p->last_draw = g_get_monotonic_time ();
}

void
progress_step (Progress *p, guint findings)
{
  g_mutex_lock (&p->lock);
  p->done++;
  p->findings += findings;
  if (!p->quiet && p->tty
      && (p->done == p->total || g_get_monotonic_time () - p->last_draw >= REDRAW_US))
    draw (p);
  g_mutex_unlock (&p->lock);
}

void
progress_clear (Progress *p)
{
  g_mutex_lock (&p->lock);
  if (!p->quiet && p->tty)
    fprintf (p->out, "\r\033[K");
  g_mutex_unlock (&p->lock);
}

static void
progress_free (Progress *p)
{
  g_mutex_clear (&p->lock);
  g_free (p->unit);
  g_free (p);
}

void
progress_abandon (Progress *p)
{
  if (p == NULL)
    return;
  progress_clear (p);
  fflush (p->out);
  progress_free (p);
}

void
progress_finish (Progress *p)
{
  if (p == NULL)
    return;
  if (!p->quiet)
    {
      g_autofree char *summary = progress_format_summary (p->done, p->unit, elapsed (p),
                                                          p->findings);
      /* The bar's line gives way to the summary. */
      fprintf (p->out, p->tty ? "\r%s\033[K\n" : "jopan: %s\n", summary);
      fflush (p->out);
    }
  progress_free (p);
}
