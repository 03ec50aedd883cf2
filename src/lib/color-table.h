/* color-table.h — the photo table's nodes (color.c), shared with
 * make-builtin-profile, which makes the built-in profile's whole table for
 * the styles' default intent and ink limit when jopan is built, with this
 * very code and the same profile bytes: the same nodes color.c would make
 * as photos need them.  Static functions: each includer takes its copy. */
#ifndef JOPAN_COLOR_TABLE_H
#define JOPAN_COLOR_TABLE_H

#include <glib.h>
#include <lcms2.h>

/* The photo table: GRID_NODES nodes an axis of 8-bit sRGB, as LittleCMS
 * samples an RGB transform it optimises (33: within a step of its double
 * precision on average; 17 strayed 25 steps at the ink limit's knee). */
#define GRID_NODES 33
#define GRID_CUBES (GRID_NODES - 1)
#define GRID_SIZE (GRID_NODES * GRID_NODES * GRID_NODES)

/* One node of the photo table: C, M, Y, K in NODE_ONEths of an 8-bit
 * step, 16 bits each: eight bytes a node, so that SSE2 multiplies and
 * adds a pair of nodes' inks by their weights in one instruction
 * (pmaddwd; 32-bit lanes have no multiply before SSE4.1, and emulating
 * it took half the time a pixel took). */
typedef struct {
  gint16 ink[4];
} Node;
#define NODE_ONE 128

/* The built-in table's settings: the styles' defaults, perceptual intent
 * and 240 % ink (in 8-bit units, as photo_limit () gives it). */
#define BUILTIN_TABLE_INTENT 0
#define BUILTIN_TABLE_LIMIT 612

/* The ink limit in 8-bit units (255 a colour) for @ink_limit percent. */
static inline int
photo_limit (double ink_limit)
{
  return (int) (ink_limit * 255 / 100);
}

/* sRGB → the profile, in doubles: unoptimised (LittleCMS resamples
 * only integer transforms), so exact, and made in a millisecond. */
static inline cmsHTRANSFORM
separation (cmsHPROFILE out, int intent)
{
  cmsHPROFILE srgb = cmsCreate_sRGBProfile ();
  cmsHTRANSFORM t = cmsCreateTransform (srgb, TYPE_RGB_DBL, out, TYPE_CMYK_DBL, (cmsUInt32Number) intent,
                                        cmsFLAGS_BLACKPOINTCOMPENSATION);

  cmsCloseProfile (srgb);
  return t;
}

/* The total ink limit held exactly: the excess over @limit comes off C,
 * M and Y in proportion, K is kept (as LittleCMS's ink-limiting device
 * link does, but without its 17⁴ table's interpolation).  Inks in any
 * unit; the share taken is rounded up. */
static inline void
limit_ink (double ink[4], double limit)
{
  double cmy = ink[0] + ink[1] + ink[2], over = cmy + ink[3] - limit;

  if (over > 0 && cmy > 0)
    for (int c = 0; c < 3; c++)
      ink[c] = MAX (0.0, ink[c] - ink[c] * over / cmy);
}

/* Node @i's sRGB (0 … 1 each), where the transform is asked. */
static inline void
node_rgb (int i, double rgb[3])
{
  rgb[0] = i / (GRID_NODES * GRID_NODES) / (double) GRID_CUBES;
  rgb[1] = i / GRID_NODES % GRID_NODES / (double) GRID_CUBES;
  rgb[2] = i % GRID_NODES / (double) GRID_CUBES;
}

/* Node @i of the table from @cmyk (percent, as LittleCMS gives CMYK
 * doubles): in NODE_ONEths of an 8-bit step, held to @limit (8-bit
 * units) exactly, then to it again after the rounding.  Paper white
 * carries no ink (LittleCMS fixes its own tables' white node so too: the
 * profile's white maps a hair off). */
static inline Node
node_value (int i, int limit8, const double cmyk[4])
{
  gint32 limit = limit8 * NODE_ONE, ink[4], total = 0, cmy;
  double v[4];

  if (i == GRID_SIZE - 1)
    return (Node) { { 0, 0, 0, 0 } };
  for (int c = 0; c < 4; c++)
    v[c] = CLAMP (cmyk[c], 0.0, 100.0) * (255 * NODE_ONE / 100.0);
  limit_ink (v, limit);
  for (int c = 0; c < 4; c++)
    total += ink[c] = (gint32) (v[c] + 0.5);
  cmy = ink[0] + ink[1] + ink[2];
  for (int c = 0; c < 3 && total > limit && cmy > 0; c++)
    ink[c] = MAX (0, ink[c] - (gint32) (((gint64) ink[c] * (total - limit) + cmy - 1) / cmy));
  return (Node) { { (gint16) ink[0], (gint16) ink[1], (gint16) ink[2], (gint16) ink[3] } };
}

#endif
