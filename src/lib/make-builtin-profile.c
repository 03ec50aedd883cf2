/* make-builtin-profile — writes the built-in newsprint profile's bytes as
 * a C array, for color.c; run once when jopan is built (meson).
 *
 *   make-builtin-profile OUT.h
 *
 * The profile is a plain CMYK separation on newsprint's paper white: CMYK
 * to Lab as subtractive inks on the paper, Lab to CMYK its inverse with
 * the grey component on K (see color.c).  LittleCMS samples it into the
 * profile's tables through sRGB; that took 2.5 ms of every process that
 * wrote a PDF/X file, so it is done here instead, to the same bytes.
 *
 * Its photo table (color-table.h) for the styles' defaults, perceptual
 * intent and 240 % ink, is made here too, from those bytes, by the code
 * color.c makes a node with: the same nodes, which photos then find made.
 */
#include <glib.h>
#include <lcms2.h>
#include <stdio.h>
#include <string.h>

#include "color-table.h"

#define BUILTIN_DESCRIPTION "jopan newsprint (approximation of ISO 12647-3, IFRA26)"
#define LUT_POINTS_CMYK 9
#define LUT_POINTS_LAB 17

/* Newsprint paper, CIE Lab (D50): ISO 12647-3's paper is about L 82, b 3. */
static const cmsCIELab paper = { 84.0, 0.0, 4.0 };

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

/* The photo table of the profile @data for BUILTIN_TABLE_INTENT and
 * BUILTIN_TABLE_LIMIT, every node, as the C array jopan_builtin_nodes. */
static gboolean
write_nodes (FILE *out, const guint8 *data, gsize n)
{
  cmsHPROFILE profile = cmsOpenProfileFromMem (data, (cmsUInt32Number) n);
  cmsHTRANSFORM t = profile ? separation (profile, BUILTIN_TABLE_INTENT) : NULL;

  if (profile)
    cmsCloseProfile (profile);
  if (t == NULL || photo_limit (240) != BUILTIN_TABLE_LIMIT)
    return FALSE;
  fprintf (out, "/* The photo table of that profile, perceptual, 240 %% ink (color-table.h). */\n"
                "static const Node jopan_builtin_nodes[%d] = {", GRID_SIZE);
  for (int i = 0; i < GRID_SIZE; i++)
    {
      double rgb[3], cmyk[4];
      Node v;

      node_rgb (i, rgb);
      cmsDoTransform (t, rgb, cmyk, 1);
      v = node_value (i, BUILTIN_TABLE_LIMIT, cmyk);
      fprintf (out, "%s{ { %d, %d, %d, %d } },", i % 4 ? " " : "\n  ", v.ink[0], v.ink[1], v.ink[2], v.ink[3]);
    }
  fprintf (out, "\n};\n");
  cmsDeleteTransform (t);
  return TRUE;
}

int
main (int argc, char **argv)
{
  cmsHPROFILE h = builtin_profile ();
  GBytes *bytes = profile_bytes (h);
  gsize n = 0;
  const guint8 *data = bytes ? g_bytes_get_data (bytes, &n) : NULL;
  FILE *out = argc == 2 ? fopen (argv[1], "w") : NULL;

  cmsCloseProfile (h);
  if (data == NULL || out == NULL)
    {
      fprintf (stderr, "usage: make-builtin-profile OUT.h (and LittleCMS able to save a profile)\n");
      return 1;
    }
  fprintf (out, "/* Made by make-builtin-profile: the built-in newsprint profile. */\n"
                "static const unsigned char jopan_builtin_profile[%" G_GSIZE_FORMAT "] = {", n);
  for (gsize i = 0; i < n; i++)
    fprintf (out, "%s%u,", i % 16 ? " " : "\n  ", data[i]);
  fprintf (out, "\n};\n");
  if (!write_nodes (out, data, n))
    {
      fprintf (stderr, "make-builtin-profile: LittleCMS cannot separate through the profile\n");
      return 1;
    }
  g_bytes_unref (bytes);
  return fclose (out) == 0 ? 0 : 1;
}
