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

struct _JopanColor {
  cmsHTRANSFORM photo;     /* RGB_8 → CMYK_8, ink limited */
  int photo_limit;         /* its limit, in 8-bit ink units (255 a colour) */
  cmsHTRANSFORM fill;      /* RGB_DBL → CMYK_DBL, ink limited */
  cmsHTRANSFORM show;      /* CMYK_8 → RGB_8 on the paper (absolute colorimetric) */
  GBytes *profile;
  char *description;
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

static JopanColor *
color_new (const char *profile, int intent, double ink_limit, GError **error)
{
  JopanColor *color = g_new0 (JopanColor, 1);
  cmsHPROFILE out = NULL, srgb;

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
  srgb = cmsCreate_sRGBProfile ();
  color->photo = separation (out, intent, ink_limit, TYPE_RGB_8, TYPE_CMYK_8);
  color->photo_limit = (int) (ink_limit * 255 / 100);
  color->fill = separation (out, intent, ink_limit, TYPE_RGB_DBL, TYPE_CMYK_DBL);
  /* A JopanColor serves every thread: lcms copies a transform's one-pixel
   * cache into each call and never writes it back, so the photo transform
   * keeps it (runs of equal pixels cost one lookup). */
  color->show = cmsCreateTransform (out, TYPE_CMYK_8, srgb, TYPE_RGB_8,
                                    INTENT_ABSOLUTE_COLORIMETRIC, cmsFLAGS_NOCACHE);
  cmsCloseProfile (srgb);
  cmsCloseProfile (out);
  if (color->photo == NULL || color->fill == NULL || color->show == NULL || !color->profile)
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
  if (color->photo)
    cmsDeleteTransform (color->photo);
  if (color->fill)
    cmsDeleteTransform (color->fill);
  if (color->show)
    cmsDeleteTransform (color->show);
  if (color->profile)
    g_bytes_unref (color->profile);
  g_free (color->description);
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

void
jopan_color_rgb_to_cmyk (JopanColor *color, const guint8 *rgb, guint8 *cmyk, gsize n)
{
  /* lcms counts pixels in 32 bits: a huge photo goes in slices. */
  for (gsize done = 0; done < n;)
    {
      gsize part = MIN (n - done, (gsize) 1 << 24);
      cmsDoTransform (color->photo, rgb + 3 * done, cmyk + 4 * done, (cmsUInt32Number) part);
      done += part;
    }
  hold_ink_limit (cmyk, n, color->photo_limit);
}

void
jopan_color_fill_to_cmyk (JopanColor *color, const double rgb[3], double cmyk[4])
{
  cmsFloat64Number in[3] = { rgb[0], rgb[1], rgb[2] }, out[4];

  cmsDoTransform (color->fill, in, out, 1);
  for (int i = 0; i < 4; i++)
    cmyk[i] = CLAMP (out[i] / 100, 0.0, 1.0); /* lcms's CMYK floats are percent */
}

void
jopan_color_proof (JopanColor *color, guint8 *rgb, gsize n)
{
  g_autofree guint8 *cmyk = g_malloc (4 * MIN (n, (gsize) 4096));

  for (gsize done = 0; done < n;)
    {
      gsize part = MIN (n - done, (gsize) 4096);
      cmsDoTransform (color->photo, rgb + 3 * done, cmyk, (cmsUInt32Number) part);
      cmsDoTransform (color->show, cmyk, rgb + 3 * done, (cmsUInt32Number) part);
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
