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

#include "color-table.h"

#include <lcms2.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* The photo table's AVX2 path (eight pixels at a time), compiled for AVX2
 * whatever the build's target and taken where the processor has it. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PHOTO_AVX2 1
#include <immintrin.h>
#endif

#define BUILTIN_DESCRIPTION "jopan newsprint (approximation of ISO 12647-3, IFRA26)"
/* The interpolation's weights add up to this (fixed point): a node times
 * a weight stays under 2^31 (255 × 128 × 4096 = 2^27). */
#define WEIGHT_ONE 4096
#define WEIGHT_SHIFT 19 /* log2 (NODE_ONE × WEIGHT_ONE) */
#define FRAC_BITS 13    /* a frac, 0 … WEIGHT_ONE */

struct _JopanColor {
  /* The photo table, RGB → CMYK within the ink limit, GRID_NODES³ nodes
   * filled lazily: a photo's colours touch a few thousand of its 36 000
   * nodes, and each node is LittleCMS's transform at double precision
   * (separate ()), a third of a microsecond.  A cube of eight nodes is
   * made whole under @grid_lock and then marked in @ready (an atomic
   * store after the nodes, read atomically before them): readers never
   * lock once a cube is made.  Every node's value is the same whenever
   * and on whichever thread it is made, so the bytes never depend on the
   * order.  For the built-in profile at the styles' default intent and
   * ink limit, @nodes is the whole table made when jopan was built
   * (make-builtin-profile, with color-table.h: the same nodes), every
   * cube ready: making them took a millisecond a photo page. */
  const Node *nodes;       /* what pixels read: @grid, or the built-in table */
  Node *grid;              /* the nodes made here (none for the built-in table) */
  guint8 *ready;           /* by a cube's first node: 1 when its eight nodes are made */
  guint8 *made;            /* GRID_NODES³: 1 when a node is made (under grid_lock) */
  GMutex grid_lock;
  int at[3][256];          /* an 8-bit R, G or B's lower node: its offset in the table */
  int frac[256];           /* and the way on to the next (of WEIGHT_ONE) */
  int at_frac[3][256];     /* both in one: at << FRAC_BITS | frac (the AVX2 path's
                            * lookups, one gather for both) */
  int photo_limit;         /* its limit, in 8-bit ink units (255 a colour) */
  int intent;
  cmsHTRANSFORM separate;  /* RGB_DBL → CMYK_DBL through the output profile (no ink limit) */
  double ink_limit;
  cmsHTRANSFORM show;      /* CMYK_8 → RGB_8 on the paper (absolute colorimetric); made
                            * on the first proof, by show () */
  GBytes *profile;
  char *description;
  char *key;               /* what the separation depends on, for caches: made on the
                            * first ask (under grid_lock), by jopan_color_get_key () */
  gboolean builtin;
};

/* The built-in profile's bytes, made when jopan is built by
 * make-builtin-profile (color-profile.c): making it took a LittleCMS
 * transform of 11 000 colours, 2.5 ms of every process. */
#include "builtin-profile.h"

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

static void color_free (JopanColor *color);

/* The photo table's frame: which node an 8-bit value falls after, and how
 * far on.  255 sits on the last node; it is reached from the one before. */
static void
make_grid (JopanColor *color)
{
  gsize n = GRID_SIZE;
  gboolean built = color->builtin && color->intent == BUILTIN_TABLE_INTENT
                   && color->photo_limit == BUILTIN_TABLE_LIMIT;

  color->made = g_new0 (guint8, n);
  color->ready = g_new0 (guint8, n);
  g_mutex_init (&color->grid_lock);
  if (built)
    {
      color->nodes = jopan_builtin_nodes;
      memset (color->made, 1, n);
      memset (color->ready, 1, n);
    }
  else
    color->nodes = color->grid = g_new (Node, n); /* pages of it are touched as nodes are made */
  for (int v = 0; v < 256; v++)
    {
      int i = MIN (v * GRID_CUBES / 255, GRID_CUBES - 1), rest = v * GRID_CUBES - i * 255;
      color->at[0][v] = i * GRID_NODES * GRID_NODES;
      color->at[1][v] = i * GRID_NODES;
      color->at[2][v] = i;
      color->frac[v] = (rest * WEIGHT_ONE + 127) / 255;
      for (int c = 0; c < 3; c++)
        color->at_frac[c][v] = color->at[c][v] << FRAC_BITS | color->frac[v];
    }
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
      color->profile = g_bytes_new_static (jopan_builtin_profile, sizeof jopan_builtin_profile);
      out = cmsOpenProfileFromMem (jopan_builtin_profile, sizeof jopan_builtin_profile);
    }
  if (out == NULL)
    {
      color_free (color);
      return NULL;
    }
  if (!(cmsIsTag (out, cmsSigAToB0Tag) || cmsIsTag (out, cmsSigAToB1Tag))) /* the proof's way back */
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: LittleCMS cannot use this profile",
                       profile ? profile : BUILTIN_DESCRIPTION);
      cmsCloseProfile (out);
      color_free (color);
      return NULL;
    }
  color->builtin = profile == NULL;
  color->description = description (out);
  color->photo_limit = photo_limit (ink_limit);
  color->intent = intent;
  color->ink_limit = ink_limit;
  /* Made now, though no colour may need it: a profile LittleCMS cannot
   * use is the input's error, before anything is written. */
  color->separate = separation (out, intent);
  cmsCloseProfile (out);
  if (color->separate == NULL || !color->profile)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: LittleCMS cannot use this profile",
                       profile ? profile : BUILTIN_DESCRIPTION);
      color_free (color);
      return NULL;
    }
  make_grid (color);
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
  if (color->ready)
    g_mutex_clear (&color->grid_lock);
  g_free (color->grid);
  g_free (color->made);
  g_free (color->ready);
  if (color->separate)
    cmsDeleteTransform (color->separate);
  if (color->show && color->show != (cmsHTRANSFORM) &color->show)
    cmsDeleteTransform (color->show);
  if (color->profile)
    g_bytes_unref (color->profile);
  g_free (color->description);
  g_free (color->key);
  g_free (color);
}

enum { R = GRID_NODES * GRID_NODES, G = GRID_NODES, B = 1 };

/* The eight nodes of the cube whose first node is @cube made (those not
 * made for a neighbour), then the cube marked ready. */
static void __attribute__ ((noinline))
make_cube (JopanColor *color, int cube)
{
  int r = cube / R, g = cube / G % GRID_NODES, b = cube % GRID_NODES;
  double rgb[8][3], cmyk[8][4];
  int at[8], n = 0;

  g_mutex_lock (&color->grid_lock);
  if (!__atomic_load_n (&color->ready[cube], __ATOMIC_ACQUIRE))
    {
      for (int k = 0; k < 8; k++)
        {
          int i = ((r + (k >> 2)) * GRID_NODES + g + (k >> 1 & 1)) * GRID_NODES + b + (k & 1);
          if (color->made[i])
            continue;
          node_rgb (i, rgb[n]);
          at[n++] = i;
        }
      if (n > 0)
        cmsDoTransform (color->separate, rgb, cmyk, (cmsUInt32Number) n);
      for (int k = 0; k < n; k++)
        {
          color->grid[at[k]] = node_value (at[k], color->photo_limit, cmyk[k]);
          color->made[at[k]] = 1;
        }
      __atomic_store_n (&color->ready[cube], 1, __ATOMIC_RELEASE);
    }
  g_mutex_unlock (&color->grid_lock);
}

/* The two corners a tetrahedron passes through on its way from a cube's
 * first node to its last, by which of r ≥ g, g ≥ b, r ≥ b hold (bits 2,
 * 1, 0): the axis furthest along first, then the next. */
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
 * the same bytes (the SSE2 path computes the very sums the plain one
 * does).  The cube is made first if no pixel needed it before. */
static inline void
interpolate (JopanColor *color, const guint8 *rgb, guint8 *cmyk)
{
  int cube = color->at[0][rgb[0]] + color->at[1][rgb[1]] + color->at[2][rgb[2]];
  const Node *n = color->nodes + cube;
  int fr = color->frac[rgb[0]], fg = color->frac[rgb[1]], fb = color->frac[rgb[2]];
  const int *c = corner[(fr >= fg) << 2 | (fg >= fb) << 1 | (fr >= fb)];
  int f1 = MAX (fr, MAX (fg, fb)), f3 = MIN (fr, MIN (fg, fb)), f2 = fr + fg + fb - f1 - f3;
  int w0 = WEIGHT_ONE - f1, w1 = f1 - f2, w2 = f2 - f3, w3 = f3;
  const Node *a = n + c[0], *z = n + c[1], *last = n + R + G + B;

  if (G_UNLIKELY (!__atomic_load_n (&color->ready[cube], __ATOMIC_ACQUIRE)))
    make_cube (color, cube);
#ifdef __SSE2__
  {
    /* Two nodes' inks interleaved (C C M M Y Y K K), times their two
     * weights, pairs summed: four 32-bit sums, then the other two nodes'. */
    __m128i first = _mm_unpacklo_epi16 (_mm_loadl_epi64 ((const __m128i *) n), _mm_loadl_epi64 ((const __m128i *) a));
    __m128i second = _mm_unpacklo_epi16 (_mm_loadl_epi64 ((const __m128i *) z),
                                         _mm_loadl_epi64 ((const __m128i *) last));
    __m128i v = _mm_add_epi32 (_mm_madd_epi16 (first, _mm_set1_epi32 (w0 | w1 << 16)),
                               _mm_madd_epi16 (second, _mm_set1_epi32 (w2 | w3 << 16)));
    guint32 out;

    v = _mm_srai_epi32 (_mm_add_epi32 (v, _mm_set1_epi32 (1 << (WEIGHT_SHIFT - 1))), WEIGHT_SHIFT);
    v = _mm_packs_epi32 (v, v);
    out = (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (v, v));
    memcpy (cmyk, &out, 4);
  }
#else
  for (int i = 0; i < 4; i++)
    cmyk[i] = (guint8) ((n->ink[i] * w0 + a->ink[i] * w1 + z->ink[i] * w2 + last->ink[i] * w3
                         + (1 << (WEIGHT_SHIFT - 1))) >> WEIGHT_SHIFT);
#endif
}

/* The ink limit held on 8-bit pixels: interpolating between nodes within
 * the limit stays within it, but for the rounding; the excess is taken
 * from C, M and Y (K carries the detail). */
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

#ifdef PHOTO_AVX2
/* The first of every eight pixels' cubes made (the cubes of pixels before
 * them being made, as interpolate () does one by one). */
__attribute__ ((target ("avx2"))) static inline void
make_cubes (JopanColor *color, __m256i cube)
{
  int at[8];

  _mm256_storeu_si256 ((__m256i *) at, cube);
  for (int k = 0; k < 8; k++)
    if (G_UNLIKELY (!__atomic_load_n (&color->ready[at[k]], __ATOMIC_ACQUIRE)))
      make_cube (color, at[k]);
}

/* interpolate () for eight pixels at once: the same nodes, weights and
 * integer sums, so the same bytes.  The corners are found as the axis
 * furthest along (a) and all but the axis least along (z): where two axes
 * tie, the node the table would pick instead has a weight of 0.  Four
 * pixels' nodes come in by one gather, two pixels' inks interleaved with
 * their other node's by lane (C C M M Y Y K K), as in the SSE2 path. */
__attribute__ ((target ("avx2"))) static inline __m256i
interpolate8 (JopanColor *color, const guint8 *rgb)
{
  const __m128i take_r = _mm_setr_epi8 (0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
  const __m128i take_g = _mm_setr_epi8 (1, -1, -1, -1, 4, -1, -1, -1, 7, -1, -1, -1, 10, -1, -1, -1);
  const __m128i take_b = _mm_setr_epi8 (2, -1, -1, -1, 5, -1, -1, -1, 8, -1, -1, -1, 11, -1, -1, -1);
  const __m256i one = _mm256_set1_epi32 (WEIGHT_ONE), round = _mm256_set1_epi32 (1 << (WEIGHT_SHIFT - 1));
  __m128i lo = _mm_loadu_si128 ((const __m128i *) rgb), hi = _mm_loadu_si128 ((const __m128i *) (rgb + 12));
  __m256i r = _mm256_set_m128i (_mm_shuffle_epi8 (hi, take_r), _mm_shuffle_epi8 (lo, take_r));
  __m256i g = _mm256_set_m128i (_mm_shuffle_epi8 (hi, take_g), _mm_shuffle_epi8 (lo, take_g));
  __m256i b = _mm256_set_m128i (_mm_shuffle_epi8 (hi, take_b), _mm_shuffle_epi8 (lo, take_b));
  __m256i pr = _mm256_i32gather_epi32 (color->at_frac[0], r, 4), pg = _mm256_i32gather_epi32 (color->at_frac[1], g, 4);
  __m256i pb = _mm256_i32gather_epi32 (color->at_frac[2], b, 4), mask = _mm256_set1_epi32 ((1 << FRAC_BITS) - 1);
  __m256i cube = _mm256_add_epi32 (_mm256_add_epi32 (_mm256_srli_epi32 (pr, FRAC_BITS), _mm256_srli_epi32 (pg, FRAC_BITS)),
                                   _mm256_srli_epi32 (pb, FRAC_BITS));
  __m256i fr = _mm256_and_si256 (pr, mask), fg = _mm256_and_si256 (pg, mask), fb = _mm256_and_si256 (pb, mask);
  __m256i f1 = _mm256_max_epi32 (fr, _mm256_max_epi32 (fg, fb)), f3 = _mm256_min_epi32 (fr, _mm256_min_epi32 (fg, fb));
  __m256i f2 = _mm256_sub_epi32 (_mm256_add_epi32 (fr, _mm256_add_epi32 (fg, fb)), _mm256_add_epi32 (f1, f3));
  /* a: R where r is furthest along, else G where g is, else B; z: all
   * three axes less the one least along (R, else G, else B). */
  __m256i a = _mm256_blendv_epi8 (
      _mm256_blendv_epi8 (_mm256_set1_epi32 (B), _mm256_set1_epi32 (G), _mm256_cmpeq_epi32 (fg, f1)),
      _mm256_set1_epi32 (R), _mm256_cmpeq_epi32 (fr, f1));
  __m256i z = _mm256_sub_epi32 (
      _mm256_set1_epi32 (R + G + B),
      _mm256_blendv_epi8 (_mm256_blendv_epi8 (_mm256_set1_epi32 (B), _mm256_set1_epi32 (G), _mm256_cmpeq_epi32 (fg, f3)),
                          _mm256_set1_epi32 (R), _mm256_cmpeq_epi32 (fr, f3)));
  /* the weights of n and a, and of z and last, as 16-bit pairs */
  __m256i w01 = _mm256_or_si256 (_mm256_sub_epi32 (one, f1), _mm256_slli_epi32 (_mm256_sub_epi32 (f1, f2), 16));
  __m256i w23 = _mm256_or_si256 (_mm256_sub_epi32 (f2, f3), _mm256_slli_epi32 (f3, 16));
  const long long *grid = (const long long *) color->nodes;
  __m256i out[2];

  make_cubes (color, cube);
  a = _mm256_add_epi32 (cube, a), z = _mm256_add_epi32 (cube, z);
  __m256i last = _mm256_add_epi32 (cube, _mm256_set1_epi32 (R + G + B));
  for (int half = 0; half < 2; half++)
    {
      /* pixels 4 half … 4 half + 3: their lanes are (0, 2 | 1, 3) by
       * unpacklo and unpackhi, and their weights spread so */
      __m128i ci = half ? _mm256_extracti128_si256 (cube, 1) : _mm256_castsi256_si128 (cube);
      __m128i ai = half ? _mm256_extracti128_si256 (a, 1) : _mm256_castsi256_si128 (a);
      __m128i zi = half ? _mm256_extracti128_si256 (z, 1) : _mm256_castsi256_si128 (z);
      __m128i li = half ? _mm256_extracti128_si256 (last, 1) : _mm256_castsi256_si128 (last);
      __m256i nn = _mm256_i32gather_epi64 (grid, ci, 8), na = _mm256_i32gather_epi64 (grid, ai, 8);
      __m256i nz = _mm256_i32gather_epi64 (grid, zi, 8), nl = _mm256_i32gather_epi64 (grid, li, 8);
      __m256i even = _mm256_setr_epi32 (0, 0, 0, 0, 2, 2, 2, 2), odd = _mm256_setr_epi32 (1, 1, 1, 1, 3, 3, 3, 3);
      __m256i shift = _mm256_set1_epi32 (4 * half);
      even = _mm256_add_epi32 (even, shift), odd = _mm256_add_epi32 (odd, shift);
      __m256i s02 = _mm256_add_epi32 (
          _mm256_madd_epi16 (_mm256_unpacklo_epi16 (nn, na), _mm256_permutevar8x32_epi32 (w01, even)),
          _mm256_madd_epi16 (_mm256_unpacklo_epi16 (nz, nl), _mm256_permutevar8x32_epi32 (w23, even)));
      __m256i s13 = _mm256_add_epi32 (
          _mm256_madd_epi16 (_mm256_unpackhi_epi16 (nn, na), _mm256_permutevar8x32_epi32 (w01, odd)),
          _mm256_madd_epi16 (_mm256_unpackhi_epi16 (nz, nl), _mm256_permutevar8x32_epi32 (w23, odd)));
      s02 = _mm256_srai_epi32 (_mm256_add_epi32 (s02, round), WEIGHT_SHIFT);
      s13 = _mm256_srai_epi32 (_mm256_add_epi32 (s13, round), WEIGHT_SHIFT);
      out[half] = _mm256_packs_epi32 (s02, s13); /* pixels (0, 1 | 2, 3) + 4 half */
    }
  /* bytes of pixels (0 1, 4 5 | 2 3, 6 7) put in order */
  return _mm256_permute4x64_epi64 (_mm256_packus_epi16 (out[0], out[1]), _MM_SHUFFLE (3, 1, 2, 0));
}

/* jopan_color_rgb_to_cmyk's pixels eight at a time while sixteen bytes
 * can be read from the fifth (the shuffles' loads).  Returns: how many
 * pixels it did. */
__attribute__ ((target ("avx2"))) static gsize
rgb_to_cmyk_avx2 (JopanColor *color, const guint8 *rgb, guint8 *cmyk, gsize n)
{
  const __m256i ones8 = _mm256_set1_epi8 (1), ones16 = _mm256_set1_epi16 (1);
  const __m256i limit = _mm256_set1_epi32 (color->photo_limit);
  gsize i = 0;

  for (; i + 10 <= n; i += 8)
    {
      __m256i v = interpolate8 (color, rgb + 3 * i);
      __m256i total = _mm256_madd_epi16 (_mm256_maddubs_epi16 (v, ones8), ones16);
      _mm256_storeu_si256 ((__m256i *) (cmyk + 4 * i), v);
      if (G_UNLIKELY (!_mm256_testz_si256 (_mm256_cmpgt_epi32 (total, limit), _mm256_set1_epi32 (-1))))
        hold_ink_limit (cmyk + 4 * i, 8, color->photo_limit);
    }
  return i;
}

#endif

gboolean
jopan_has_avx2 (void)
{
#ifdef PHOTO_AVX2
  static int known; /* 0: not asked yet, 1: no, 2: yes */
  int v = __atomic_load_n (&known, __ATOMIC_RELAXED);

  if (v == 0)
    {
      __builtin_cpu_init ();
      v = __builtin_cpu_supports ("avx2") && g_getenv ("JOPAN_NO_AVX2") == NULL ? 2 : 1;
      __atomic_store_n (&known, v, __ATOMIC_RELAXED);
    }
  return v == 2;
#else
  return FALSE;
#endif
}

void
jopan_color_rgb_to_cmyk (JopanColor *color, const guint8 *rgb, guint8 *cmyk, gsize n)
{
  gsize done = 0;

#ifdef PHOTO_AVX2
  if (jopan_has_avx2 ())
    done = rgb_to_cmyk_avx2 (color, rgb, cmyk, n);
#endif
  for (gsize i = done; i < n; i++)
    interpolate (color, rgb + 3 * i, cmyk + 4 * i);
  hold_ink_limit (cmyk + 4 * done, n - done, color->photo_limit);
}

void
jopan_color_fill_to_cmyk (JopanColor *color, const double rgb[3], double cmyk[4])
{
  cmsFloat64Number in[3] = { rgb[0], rgb[1], rgb[2] }, out[4];

  cmsDoTransform (color->separate, in, out, 1);
  limit_ink (out, color->ink_limit); /* lcms's CMYK doubles are percent */
  for (int i = 0; i < 4; i++)
    cmyk[i] = CLAMP (out[i] / 100, 0.0, 1.0);
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

void
jopan_color_node (JopanColor *color, guint i, gint16 ink[4])
{
  int r = MIN ((int) i / R, GRID_CUBES - 1), g = MIN ((int) i / G % GRID_NODES, GRID_CUBES - 1);
  int cube = (r * GRID_NODES + g) * GRID_NODES + MIN ((int) i % GRID_NODES, GRID_CUBES - 1);

  g_return_if_fail (i < GRID_SIZE);
  if (!__atomic_load_n (&color->ready[cube], __ATOMIC_ACQUIRE))
    make_cube (color, cube);
  memcpy (ink, color->nodes[i].ink, sizeof color->nodes[i].ink);
}

guint
jopan_color_nodes_made (JopanColor *color)
{
  guint n = 0;

  g_mutex_lock (&color->grid_lock);
  for (gsize i = 0; i < (gsize) GRID_NODES * GRID_NODES * GRID_NODES; i++)
    n += color->made[i];
  g_mutex_unlock (&color->grid_lock);
  return n;
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
  /* Only the photo cache asks: the profile's SHA-256 (80 KB for the
   * built-in one, 0.3 ms) is not taken in every process. */
  g_mutex_lock (&color->grid_lock);
  if (color->key == NULL && color->profile)
    {
      g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, color->profile);
      /* "table 2": bump when the photo table is made or read otherwise. */
      char limit[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (limit, sizeof limit, "%.4f", color->ink_limit);
      color->key = g_strdup_printf ("table 2|%d|%d|%s|%s", GRID_NODES, color->intent, limit, sum);
    }
  g_mutex_unlock (&color->grid_lock);
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
