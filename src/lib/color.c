/* color.c — the press's colour through LittleCMS 2: photos from sRGB to the
 * output profile's CMYK within the total ink limit, fill colours, and the
 * soft proof (that CMYK shown back on the profile's paper).
 *
 * Without --output-profile a built-in profile stands for newsprint: a
 * plain CMYK separation (grey component replacement, so neutrals lean on
 * the black plate) whose paper is newsprint's grey-yellow white.  It is an
 * approximation for previews and tests; a newspaper gives its printer's
 * profile (ISOnewspaper26v4, WAN-IFRAnewspaper26v5).
 */
#include "jopan-private.h"
#include "finish-private.h"

#include <lcms2.h>
#include <string.h>

#define BUILTIN_DESCRIPTION "jopan newsprint (approximation of ISO 12647-3, IFRA26)"
#define LUT_POINTS_CMYK 9
#define LUT_POINTS_LAB 17
/* The photo table: nodes every GRID_STEP of 8-bit sRGB (255 = 51 × 5): 52³
 * nodes, 2.2 MB, within half a step of LittleCMS's own 8-bit transform on
 * average (6 steps at most, on harbour-dawn). */
#define GRID_STEP 5
#define GRID_NODES (255 / GRID_STEP + 1)

/* One node of the photo table: C, M, Y, K in 1/256ths of an 8-bit step
 * (a GCC/clang vector: the four inks are interpolated at once). */
typedef gint32 Node __attribute__ ((vector_size (16)));
/* The interpolation's weights add up to this (fixed point). */
#define WEIGHT_ONE 4096

struct _JopanColor {
  Node *grid;              /* RGB → CMYK, ink limited, GRID_NODES³ nodes */
  int node[256], frac[256]; /* an 8-bit value's lower node and the way to the next (of WEIGHT_ONE) */
  int photo_limit;         /* its limit, in 8-bit ink units (255 a colour) */
  cmsHTRANSFORM fill;      /* RGB_DBL → CMYK_DBL, ink limited; made on the first colour
                            * that needs it (most pages have none), by fill () */
  cmsHPROFILE out;         /* the output profile, for fill (); closed with the colour */
  int intent;
  double ink_limit;
  cmsHTRANSFORM show;      /* CMYK_8 → RGB_8 on the paper (absolute colorimetric); made
                            * on the first proof (a third of the set-up), by show () */
  GBytes *profile;
  char *description;
  char *key;               /* what the separation depends on, for caches */
  gboolean builtin;
};

/* Newsprint paper, CIE Lab (D50): ISO 12647-3's paper is about L 82, b 3. */
static const cmsCIELab paper = { 84.0, 0.0, 4.0 };

/* ---- the built-in profile ------------------------------------------------- */

typedef struct {
  cmsHTRANSFORM to_lab, from_lab; /* sRGB ↔ Lab, floats */
} Sampler;

/* CMYK → Lab: the inks as a plain subtractive model on paper white. */
static int
sample_forward (const cmsUInt16Number in[], cmsUInt16Number out[], void *cargo)
{
  const Sampler *s = cargo;
  double k = in[3] / 65535.0;
  cmsFloat64Number rgb[3];
  cmsCIELab lab;

  for (int i = 0; i < 3; i++)
    rgb[i] = (1 - in[i] / 65535.0) * (1 - k);
  cmsDoTransform (s->to_lab, rgb, &lab, 1);
  cmsFloat2LabEncoded (out, &lab);
  return TRUE;
}

/* Lab → CMYK: the inverse of the model, with the grey component on K. */
static int
sample_backward (const cmsUInt16Number in[], cmsUInt16Number out[], void *cargo)
{
  const Sampler *s = cargo;
  cmsFloat64Number rgb[3];
  cmsCIELab lab;
  double ink[3], k;

  cmsLabEncoded2Float (&lab, in);
  cmsDoTransform (s->from_lab, &lab, rgb, 1);
  for (int i = 0; i < 3; i++)
    ink[i] = 1 - CLAMP (rgb[i], 0.0, 1.0);
  k = MIN (ink[0], MIN (ink[1], ink[2]));
  for (int i = 0; i < 3; i++)
    out[i] = (cmsUInt16Number) (65535 * (k < 1 ? (ink[i] - k) / (1 - k) : 0) + 0.5);
  out[3] = (cmsUInt16Number) (65535 * k + 0.5);
  return TRUE;
}

static cmsPipeline *
sampled_pipeline (int in, int out, int points, cmsSAMPLER16 fn, Sampler *s)
{
  cmsPipeline *lut = cmsPipelineAlloc (NULL, (cmsUInt32Number) in, (cmsUInt32Number) out);
  cmsStage *clut = cmsStageAllocCLut16bit (NULL, (cmsUInt32Number) points, (cmsUInt32Number) in,
                                           (cmsUInt32Number) out, NULL);

  /* An ICC v4 lut (mAB, mBA) has curves on both sides of its table. */
  cmsStageSampleCLut16bit (clut, fn, s, 0);
  cmsPipelineInsertStage (lut, cmsAT_END, cmsStageAllocToneCurves (NULL, (cmsUInt32Number) in, NULL));
  cmsPipelineInsertStage (lut, cmsAT_END, clut);
  cmsPipelineInsertStage (lut, cmsAT_END, cmsStageAllocToneCurves (NULL, (cmsUInt32Number) out, NULL));
  return lut;
}

static void
write_text_tag (cmsHPROFILE h, cmsTagSignature sig, const char *text)
{
  cmsMLU *mlu = cmsMLUalloc (NULL, 1);

  cmsMLUsetASCII (mlu, "en", "US", text);
  cmsWriteTag (h, sig, mlu);
  cmsMLUfree (mlu);
}

static cmsHPROFILE
builtin_profile (void)
{
  cmsHPROFILE srgb = cmsCreate_sRGBProfile (), lab = cmsCreateLab4Profile (NULL);
  Sampler s = {
    cmsCreateTransform (srgb, TYPE_RGB_DBL, lab, TYPE_Lab_DBL, INTENT_RELATIVE_COLORIMETRIC, 0),
    cmsCreateTransform (lab, TYPE_Lab_DBL, srgb, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC, 0),
  };
  cmsHPROFILE h = cmsCreateProfilePlaceholder (NULL);
  cmsPipeline *forward = sampled_pipeline (4, 3, LUT_POINTS_CMYK, sample_forward, &s);
  cmsPipeline *backward = sampled_pipeline (3, 4, LUT_POINTS_LAB, sample_backward, &s);
  cmsCIEXYZ white;

  cmsSetProfileVersion (h, 4.3);
  cmsSetDeviceClass (h, cmsSigOutputClass);
  cmsSetColorSpace (h, cmsSigCmykData);
  cmsSetPCS (h, cmsSigLabData);
  cmsSetHeaderRenderingIntent (h, INTENT_PERCEPTUAL);
  write_text_tag (h, cmsSigProfileDescriptionTag, BUILTIN_DESCRIPTION);
  write_text_tag (h, cmsSigCopyrightTag, "No copyright, use freely");
  cmsLab2XYZ (cmsD50_XYZ (), &white, &paper);
  cmsWriteTag (h, cmsSigMediaWhitePointTag, &white);
  cmsWriteTag (h, cmsSigAToB0Tag, forward);
  cmsWriteTag (h, cmsSigBToA0Tag, backward);
  cmsPipelineFree (forward);
  cmsPipelineFree (backward);
  cmsDeleteTransform (s.to_lab);
  cmsDeleteTransform (s.from_lab);
  cmsCloseProfile (srgb);
  cmsCloseProfile (lab);
  return h;
}

/* The profile's bytes; lcms stamps the header with today's date, which is
 * zeroed so that the same run gives the same file. */
static GBytes *
profile_bytes (cmsHPROFILE h)
{
  cmsUInt32Number n = 0;
  guint8 *data;

  if (!cmsSaveProfileToMem (h, NULL, &n) || n < 128)
    return NULL;
  data = g_malloc (n);
  cmsSaveProfileToMem (h, data, &n);
  memset (data + 24, 0, 12);
  return g_bytes_new_take (data, n);
}

/* ---- transforms ------------------------------------------------------------ */

static cmsHPROFILE
load_profile (const char *path, GBytes **bytes, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) local = NULL;
  cmsHPROFILE h;

  if (!g_file_get_contents (path, &data, &length, &local))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot read the output profile %s: %s", path,
                       local->message);
      return NULL;
    }
  h = cmsOpenProfileFromMem (data, (cmsUInt32Number) length);
  if (h == NULL || cmsGetColorSpace (h) != cmsSigCmykData
      || cmsGetDeviceClass (h) != cmsSigOutputClass)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: expected an ICC output profile for CMYK",
                       path);
      if (h)
        cmsCloseProfile (h);
      return NULL;
    }
  *bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  return h;
}

static char *
description (cmsHPROFILE h)
{
  char text[256] = "";

  cmsGetProfileInfoASCII (h, cmsInfoDescription, "en", "US", text, sizeof text);
  return g_strdup (text[0] ? text : "CMYK output profile");
}

/* sRGB → the profile → the ink limit, in @in and @out formats. */
static cmsHTRANSFORM
separation (cmsHPROFILE out, int intent, double ink_limit, cmsUInt32Number in_format,
            cmsUInt32Number out_format)
{
  cmsHPROFILE chain[3] = { cmsCreate_sRGBProfile (), out,
                           cmsCreateInkLimitingDeviceLink (cmsSigCmykData, ink_limit) };
  cmsHTRANSFORM t = cmsCreateMultiprofileTransform (chain, 3, in_format, out_format,
                                                    (cmsUInt32Number) intent,
                                                    cmsFLAGS_BLACKPOINTCOMPENSATION);

  cmsCloseProfile (chain[0]);
  cmsCloseProfile (chain[2]);
  return t;
}

static void color_free (JopanColor *color);

/* The photo table: the separation (16 bits) at every node, each held to
 * the ink limit.  Interpolating between nodes within the limit stays
 * within it (the sum of the inks is interpolated too), so photos keep it
 * up to the rounding that hold_ink_limit takes back. */
static gboolean
make_grid (JopanColor *color, cmsHPROFILE out, int intent, double ink_limit)
{
  cmsHTRANSFORM t = separation (out, intent, ink_limit, TYPE_RGB_16, TYPE_CMYK_16);
  const gsize n = GRID_NODES * GRID_NODES * GRID_NODES;
  g_autofree guint16 *rgb = g_new (guint16, 3 * n), *cmyk = g_new (guint16, 4 * n);
  gint32 limit = color->photo_limit * 256;

  if (t == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      rgb[3 * i] = (guint16) (i / (GRID_NODES * GRID_NODES) * GRID_STEP * 257);
      rgb[3 * i + 1] = (guint16) (i / GRID_NODES % GRID_NODES * GRID_STEP * 257);
      rgb[3 * i + 2] = (guint16) (i % GRID_NODES * GRID_STEP * 257);
    }
  cmsDoTransform (t, rgb, cmyk, (cmsUInt32Number) n);
  cmsDeleteTransform (t);
  color->grid = g_new (Node, n);
  for (gsize i = 0; i < n; i++)
    {
      gint32 ink[4], total = 0, cmy;
      for (int c = 0; c < 4; c++)
        total += ink[c] = (cmyk[4 * i + c] * 256 + 128) / 257;
      cmy = ink[0] + ink[1] + ink[2];
      for (int c = 0; c < 3 && total > limit && cmy > 0; c++)
        ink[c] = MAX (0, ink[c] - (gint32) (((gint64) ink[c] * (total - limit) + cmy - 1) / cmy));
      color->grid[i] = (Node) { ink[0], ink[1], ink[2], ink[3] };
    }
  /* 255 sits on the last node; it is reached from the one before. */
  for (int v = 0; v < 256; v++)
    {
      int i = MIN (v / GRID_STEP, GRID_NODES - 2);
      color->node[v] = i;
      color->frac[v] = ((v - i * GRID_STEP) * WEIGHT_ONE + GRID_STEP / 2) / GRID_STEP;
    }
  return TRUE;
}

static JopanColor *
color_new (const char *profile, int intent, double ink_limit, GError **error)
{
  JopanColor *color = g_new0 (JopanColor, 1);
  cmsHPROFILE out = NULL;

  if (profile)
    out = load_profile (profile, &color->profile, error);
  else
    {
      out = builtin_profile ();
      color->profile = profile_bytes (out);
    }
  if (out == NULL)
    {
      color_free (color);
      return NULL;
    }
  color->builtin = profile == NULL;
  color->description = description (out);
  if (color->profile)
    {
      g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, color->profile);
      /* "table 1": bump when the photo table is made or read otherwise. */
      char limit[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (limit, sizeof limit, "%.4f", ink_limit);
      color->key = g_strdup_printf ("table 1|%d|%d|%s|%s", GRID_STEP, intent, limit, sum);
    }
  color->photo_limit = (int) (ink_limit * 255 / 100);
  color->out = out, color->intent = intent, color->ink_limit = ink_limit;
  if (!make_grid (color, out, intent, ink_limit) || !color->profile
      || !(cmsIsTag (out, cmsSigAToB0Tag) || cmsIsTag (out, cmsSigAToB1Tag))) /* the proof's way back */
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: LittleCMS cannot use this profile",
                       profile ? profile : BUILTIN_DESCRIPTION);
      color_free (color);
      return NULL;
    }
  return color;
}

/* A run (an edition's pages, the same page again) asks for the same
 * colour many times: each profile, intent and limit is made once and kept
 * for the process, and shared (its transforms keep no state). */
static GMutex cache_lock;
static GHashTable *cache;

JopanColor *
jopan_color_new (const char *profile, int intent, double ink_limit, GError **error)
{
  g_autofree char *key = g_strdup_printf ("%d|%.3f|%s", intent, ink_limit, profile ? profile : "");
  JopanColor *color;

  g_mutex_lock (&cache_lock);
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  color = g_hash_table_lookup (cache, key);
  if (color == NULL && (color = color_new (profile, intent, ink_limit, error)) != NULL)
    g_hash_table_insert (cache, g_steal_pointer (&key), color);
  g_mutex_unlock (&cache_lock);
  return color;
}

/* Colours live in the cache: freeing one is a no-op. */
void
jopan_color_free (JopanColor *color)
{
  (void) color;
}

static void
color_free (JopanColor *color)
{
  if (color == NULL)
    return;
  g_free (color->grid);
  if (color->fill && color->fill != (cmsHTRANSFORM) &color->fill)
    cmsDeleteTransform (color->fill);
  if (color->out)
    cmsCloseProfile (color->out);
  if (color->show && color->show != (cmsHTRANSFORM) &color->show)
    cmsDeleteTransform (color->show);
  if (color->profile)
    g_bytes_unref (color->profile);
  g_free (color->description);
  g_free (color->key);
  g_free (color);
}

/* The ink limit held exactly: lcms's table interpolates between its
 * points, which may overshoot; the excess is taken from C, M and Y (K
 * carries the detail). */
static void
hold_ink_limit (guint8 *p, gsize n, int limit)
{
  for (gsize i = 0; i < n; i++, p += 4)
    {
      int cmy = p[0] + p[1] + p[2], over = cmy + p[3] - limit;
      if (over > 0 && cmy > 0)
        for (int c = 0; c < 3; c++)
          p[c] = (guint8) (p[c] - (p[c] * over + cmy - 1) / cmy);
    }
}

/* The two corners a tetrahedron passes through on its way from a cube's
 * first node to its last, by which of r ≥ g, g ≥ b, r ≥ b hold (bits 2,
 * 1, 0): the axis furthest along first, then the next. */
enum { R = GRID_NODES * GRID_NODES, G = GRID_NODES, B = 1 };
static const int corner[8][2] = {
  [0] = { B, G + B },  /* b > g > r */
  [1] = { B, G + B },  /* impossible (r < g < b ≤ r) */
  [2] = { G, G + B },  /* g > r, g ≥ b > r */
  [3] = { G, R + G },  /* g > r ≥ b */
  [4] = { B, R + B },  /* b > r ≥ g */
  [5] = { R, R + B },  /* r ≥ b > g */
  [6] = { B, R + B },  /* impossible (r ≥ g ≥ b > r) */
  [7] = { R, R + G },  /* r ≥ g ≥ b */
};

/* One pixel through the table: tetrahedral interpolation (the cube
 * between the nodes around it cut into six along its grey diagonal, as
 * LittleCMS does), branch-free and in integers so that every machine gives
 * the same bytes. */
static inline void
interpolate (const JopanColor *color, const guint8 *rgb, guint8 *cmyk)
{
  const Node *n = color->grid + color->node[rgb[0]] * R + color->node[rgb[1]] * G + color->node[rgb[2]];
  int fr = color->frac[rgb[0]], fg = color->frac[rgb[1]], fb = color->frac[rgb[2]];
  const int *c = corner[(fr >= fg) << 2 | (fg >= fb) << 1 | (fr >= fb)];
  int f1 = MAX (fr, MAX (fg, fb)), f3 = MIN (fr, MIN (fg, fb)), f2 = fr + fg + fb - f1 - f3;
  Node v = n[0] * (WEIGHT_ONE - f1) + n[c[0]] * (f1 - f2) + n[c[1]] * (f2 - f3) + n[R + G + B] * f3;

  v = (v + WEIGHT_ONE * 128) >> 20; /* 256 × WEIGHT_ONE */
  for (int i = 0; i < 4; i++)
    cmyk[i] = (guint8) v[i];
}

void
jopan_color_rgb_to_cmyk (JopanColor *color, const guint8 *rgb, guint8 *cmyk, gsize n)
{
  for (gsize i = 0; i < n; i++)
    interpolate (color, rgb + 3 * i, cmyk + 4 * i);
  hold_ink_limit (cmyk, n, color->photo_limit);
}

/* The fill colours' transform (doubles, so a colour is exact), made on
 * first use: it is a sixth of the colour's set-up, and the styles' own
 * colours, greys and marks never need it.  Only this reads color->out,
 * once, under g_once.  Returns: NULL if LittleCMS cannot make it. */
static cmsHTRANSFORM
fill (JopanColor *color)
{
  if (g_once_init_enter (&color->fill))
    {
      cmsHTRANSFORM t = separation (color->out, color->intent, color->ink_limit, TYPE_RGB_DBL, TYPE_CMYK_DBL);
      g_once_init_leave (&color->fill, t ? t : (cmsHTRANSFORM) &color->fill);
    }
  return color->fill == (cmsHTRANSFORM) &color->fill ? NULL : color->fill;
}

void
jopan_color_fill_to_cmyk (JopanColor *color, const double rgb[3], double cmyk[4])
{
  cmsFloat64Number in[3] = { rgb[0], rgb[1], rgb[2] }, out[4];
  cmsHTRANSFORM t = fill (color);

  if (t == NULL)
    {
      /* Not seen: the photo table was made through the same chain.  Its
       * colour then, to the nearest 8-bit step. */
      guint8 in8[3], out8[4];
      for (int i = 0; i < 3; i++)
        in8[i] = (guint8) (CLAMP (rgb[i], 0.0, 1.0) * 255 + 0.5);
      jopan_color_rgb_to_cmyk (color, in8, out8, 1);
      for (int i = 0; i < 4; i++)
        out[i] = out8[i] * 100.0 / 255;
    }
  else
    cmsDoTransform (t, in, out, 1);
  for (int i = 0; i < 4; i++)
    cmyk[i] = CLAMP (out[i] / 100, 0.0, 1.0); /* lcms's CMYK floats are percent */
}

/* The proof's transform, made once on first use from the profile's bytes
 * (a JopanColor serves every thread; the transform has no pixel cache, so
 * it keeps no state).  Returns: NULL if LittleCMS cannot make it. */
static cmsHTRANSFORM
show (JopanColor *color)
{
  if (g_once_init_enter (&color->show))
    {
      gsize n = 0;
      const void *data = g_bytes_get_data (color->profile, &n);
      cmsHPROFILE out = cmsOpenProfileFromMem (data, (cmsUInt32Number) n), srgb = cmsCreate_sRGBProfile ();
      cmsHTRANSFORM t = out ? cmsCreateTransform (out, TYPE_CMYK_8, srgb, TYPE_RGB_8,
                                                  INTENT_ABSOLUTE_COLORIMETRIC, cmsFLAGS_NOCACHE)
                            : NULL;
      if (out)
        cmsCloseProfile (out);
      cmsCloseProfile (srgb);
      g_once_init_leave (&color->show, t ? t : (cmsHTRANSFORM) &color->show);
    }
  return color->show == (cmsHTRANSFORM) &color->show ? NULL : color->show;
}

void
jopan_color_proof (JopanColor *color, guint8 *rgb, gsize n)
{
  g_autofree guint8 *cmyk = g_malloc (4 * MIN (n, (gsize) 4096));
  cmsHTRANSFORM t = show (color);

  if (t == NULL)
    return; /* the profile cannot be shown: the preview stays as drawn */
  for (gsize done = 0; done < n;)
    {
      gsize part = MIN (n - done, (gsize) 4096);
      jopan_color_rgb_to_cmyk (color, rgb + 3 * done, cmyk, part);
      cmsDoTransform (t, cmyk, rgb + 3 * done, (cmsUInt32Number) part);
      done += part;
    }
}

int
jopan_color_get_ink_limit (JopanColor *color)
{
  return color->photo_limit;
}

GBytes *
jopan_color_get_profile (JopanColor *color)
{
  return color->profile;
}

const char *
jopan_color_get_key (JopanColor *color)
{
  return color->key;
}

const char *
jopan_color_get_description (JopanColor *color)
{
  return color->description;
}

gboolean
jopan_color_is_builtin (JopanColor *color)
{
  return color->builtin;
}

/* ---- fill colours ------------------------------------------------------------ */

/* Cairo writes a colour with six decimals: within half a step of 8 bits is
 * the same colour. */
static gboolean
same_rgb (const double a[3], const double b[3])
{
  for (int i = 0; i < 3; i++)
    if (ABS (a[i] - b[i]) > 0.4 / 255)
      return FALSE;
  return TRUE;
}

gboolean
jopan_finish_fill_cmyk (const JopanFinish *finish, const double rgb[3], double cmyk[4])
{
  static const double registration[3] = { 0, 0, 1.0 / 255 };
  double grey = (rgb[0] + rgb[1] + rgb[2]) / 3;
  gboolean neutral = ABS (rgb[0] - grey) < 0.6 / 255 && ABS (rgb[1] - grey) < 0.6 / 255
                     && ABS (rgb[2] - grey) < 0.6 / 255;

  memset (cmyk, 0, 4 * sizeof (double));
  for (guint i = 0; i < finish->n_inks; i++)
    if (same_rgb (rgb, finish->inks[i].rgb))
      {
        memcpy (cmyk, finish->inks[i].cmyk, 4 * sizeof (double));
        return cmyk[0] == 0 && cmyk[1] == 0 && cmyk[2] == 0 && cmyk[3] > 0;
      }
  if (same_rgb (rgb, registration))
    {
      cmyk[0] = cmyk[1] = cmyk[2] = cmyk[3] = 1; /* marks: on every plate */
      return FALSE;
    }
  if (neutral)
    {
      /* A grey is the black plate's alone: the styles' near-blacks (#111,
       * #222, softer on screen) are solid black on paper. */
      cmyk[3] = grey <= JOPAN_SOLID_BLACK ? 1.0 : 1 - grey;
      return cmyk[3] > 0;
    }
  jopan_color_fill_to_cmyk (finish->color, rgb, cmyk);
  return FALSE;
}
