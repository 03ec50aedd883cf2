/* fonts.c — a private fontconfig configuration: the bundled fonts only. */
#include "jopan-private.h"

#include "jopan-config.h"

#include <fontconfig/fontconfig.h>
#include <glib/gstdio.h>
#include <hb-ot.h>
#include <hyphen.h>
#include <string.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

struct _JopanFonts {
  gatomicrefcount ref_count;
  FcConfig *config;
  PangoFontMap *map;
  GHashTable *hangul;   /* family name → GINT (1 covers Hangul, 2 does not) */
  GHashTable *hyphenators; /* language tag → HyphenDict* (NULL: no patterns), shared */
  GHashTable *described;  /* jopan_fonts_describe(): "K" or "-", then the font → its
                           * PangoFontDescription*, at most DESCRIBED_LIMIT */
  GMutex lock;
  /* jopan_fonts_prime(): the fontsets loaded ahead, held so that their
   * font patterns stay in the map (at most PRIMED_LIMIT), and the context
   * they were loaded in.  Only the thread using the font set touches them. */
  GPtrArray *primed;
  PangoContext *prime_context;
};

#define PRIMED_LIMIT 96
/* Fonts described (a style's fonts at the sizes copyfit tries), emptied
 * when full. */
#define DESCRIBED_LIMIT 1024

/* Hyphenation patterns, shared by every font set of the process: reading
 * a pattern file costs some 7 ms, and a font set per thread read it once
 * each.  A HyphenDict is only read once loaded (libhyphen's hyphenation
 * writes to the caller's buffers only), so threads share it without a
 * lock.  One per pattern file of the system's folder, which bounds it;
 * kept for the life of the process. */
static GMutex patterns_lock;
static GHashTable *patterns; /* file path → HyphenDict* */

static HyphenDict *
shared_patterns (const char *path)
{
  HyphenDict *dict;

  g_mutex_lock (&patterns_lock);
  if (patterns == NULL)
    patterns = g_hash_table_new (g_str_hash, g_str_equal);
  dict = g_hash_table_lookup (patterns, path);
  if (dict == NULL && (dict = hnj_hyphen_load (path)) != NULL)
    g_hash_table_insert (patterns, g_strdup (path), dict);
  g_mutex_unlock (&patterns_lock);
  return dict;
}

/* The fonts in @dir and its subfolders (to a few levels), file by file,
 * appended to @paths.  FcConfigAppFontAddDir() would write a cache of the
 * folder, or complain on stderr that it has nowhere to: the library writes
 * nothing on its own, and scanning the ten bundled fonts costs about 10 ms
 * more than reading a cache.  Files that are not fonts are skipped by
 * fontconfig; names are sorted, as fontconfig does, so the order of the
 * fonts does not depend on the file system. */
static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
list_files (const char *dir, int depth, GPtrArray *paths)
{
  g_autoptr (GDir) folder = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (folder && (name = g_dir_read_name (folder)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (depth < 4)
            list_files (path, depth + 1, paths);
          g_free (path);
        }
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, path);
      else
        g_free (path);
    }
}

static gboolean
list_dir (const char *dir, GPtrArray *paths, GError **error)
{
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: not a folder of fonts", dir);
      return FALSE;
    }
  list_files (dir, 0, paths);
  return TRUE;
}

/* Scanning the font files (FreeType reads each face's names and
 * characters) costs some 10 ms a font set, and an edition makes one per
 * thread: a configuration is made once per process for the same files
 * (each one's path, size and time of change: a font replaced or added
 * makes another) and shared by every font set made from them.  Once made,
 * a configuration is only read, and fontconfig reads one from several
 * threads at once (Pango's own threads sort fonts with it while a font
 * map's thread reads it; Pango's default font maps, one per thread, share
 * one configuration).  A few sets of files at most are kept (the cache
 * is emptied past CONFIGS_LIMIT), each for the life of the process. */
#define CONFIGS_LIMIT 8

static GMutex configs_lock;
static GHashTable *configs; /* files_key → FcConfig* (a reference) */

gint jopan_fonts_scanned;

static char *
files_key (GPtrArray *paths)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      GStatBuf st = { 0 };

      if (g_stat (path, &st) != 0)
        st.st_size = -1;
      g_string_append_printf (key, "%s\t%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\n", path,
                              (gint64) st.st_size, (gint64) st.st_mtime);
    }
  return g_string_free (key, FALSE);
}

/* A configuration of the fonts in @paths (a reference): the process's,
 * made the first time. */
static FcConfig *
shared_config (GPtrArray *paths)
{
  g_autofree char *key = files_key (paths);
  FcConfig *config;

  g_mutex_lock (&configs_lock);
  if (configs == NULL)
    configs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                     (GDestroyNotify) FcConfigDestroy);
  config = g_hash_table_lookup (configs, key);
  if (config == NULL)
    {
      /* No <cachedir>: fontconfig neither reads nor writes a cache for
       * this configuration, so the library leaves the user's ~/.cache
       * alone. */
      config = FcConfigCreate ();
      g_atomic_int_inc (&jopan_fonts_scanned);
      for (guint i = 0; i < paths->len; i++)
        FcConfigAppFontAddFile (config, (const FcChar8 *) g_ptr_array_index (paths, i));
      if (g_hash_table_size (configs) >= CONFIGS_LIMIT)
        g_hash_table_remove_all (configs);
      g_hash_table_insert (configs, g_steal_pointer (&key), config);
    }
  FcConfigReference (config);
  g_mutex_unlock (&configs_lock);
  return config;
}

/* The pattern file for @lang: hyph_en_US.dic for "en-US", hyph_en.dic for "en". */
static HyphenDict *
load_hyphenator (const char *lang)
{
  g_autofree char *tag = g_strdup (lang);
  const char *dir = JOPAN_HYPHEN_DIR; /* the system's patterns (hyphen-en-us) */

  g_strdelimit (tag, "-", '_');
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *path = g_strdup_printf ("%s/hyph_%s.dic", dir, tag);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return shared_patterns (path);
      if (strchr (tag, '_'))
        *strchr (tag, '_') = '\0';
    }
  return NULL;
}

void
jopan_fonts_read_hyphenation (const char *lang)
{
  load_hyphenator (lang);
}

/* A font set over @config (its reference taken): its own Pango font map. */
static JopanFonts *
fonts_with_config (FcConfig *config)
{
  JopanFonts *fonts = g_new0 (JopanFonts, 1);

  g_atomic_ref_count_init (&fonts->ref_count);
  fonts->config = config;
  fonts->map = pango_cairo_font_map_new_for_font_type (CAIRO_FONT_TYPE_FT);
  fonts->hangul = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fonts->hyphenators = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fonts->described = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) pango_font_description_free);
  g_mutex_init (&fonts->lock);
  pango_fc_font_map_set_config (PANGO_FC_FONT_MAP (fonts->map), config);
  return fonts;
}

JopanFonts *
jopan_fonts_new (const char *const *extra_dirs, const char *data_dir, GError **error)
{
  g_autofree char *bundled = jopan_data_dir (data_dir, "fonts");
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  FcConfig *config;
  FcFontSet *set;

  if (!list_dir (bundled, paths, error))
    return NULL;
  for (int i = 0; extra_dirs && extra_dirs[i]; i++)
    if (!list_dir (extra_dirs[i], paths, error))
      return NULL;
  config = shared_config (paths);
  set = FcConfigGetFonts (config, FcSetApplication);
  if (set == NULL || set->nfont == 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: no fonts found", bundled);
      FcConfigDestroy (config);
      return NULL;
    }
  return fonts_with_config (config);
}

JopanFonts *
jopan_fonts_ref (JopanFonts *fonts)
{
  g_return_val_if_fail (fonts != NULL, NULL);
  g_atomic_ref_count_inc (&fonts->ref_count);
  return fonts;
}

void
jopan_fonts_free (JopanFonts *fonts)
{
  if (fonts == NULL || !g_atomic_ref_count_dec (&fonts->ref_count))
    return;
  g_clear_pointer (&fonts->primed, g_ptr_array_unref);
  g_clear_object (&fonts->prime_context);
  g_object_unref (fonts->map);
  g_hash_table_unref (fonts->hangul);
  g_hash_table_unref (fonts->hyphenators);
  g_hash_table_unref (fonts->described);
  g_mutex_clear (&fonts->lock);
  FcConfigDestroy (fonts->config);
  g_free (fonts);
}

/* Looked up once per font set and language; the patterns themselves are
 * read once per process (shared_patterns): reading and parsing a pattern
 * file costs more than setting a story. */
gpointer
jopan_fonts_get_hyphenator (JopanFonts *fonts, const char *lang)
{
  gpointer dict;

  g_mutex_lock (&fonts->lock);
  if (!g_hash_table_lookup_extended (fonts->hyphenators, lang, NULL, &dict))
    {
      dict = load_hyphenator (lang);
      g_hash_table_insert (fonts->hyphenators, g_strdup (lang), dict);
    }
  g_mutex_unlock (&fonts->lock);
  return dict;
}

void
jopan_fonts_prepare (JopanFonts *fonts, const char *lang)
{
  g_return_if_fail (fonts != NULL);
  jopan_fonts_get_hyphenator (fonts, lang ? lang : "en");
}

PangoContext *
jopan_fonts_create_context (JopanFonts *fonts)
{
  PangoContext *context = pango_font_map_create_context (fonts->map);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Print metrics: no hinting, so PDF and PNG set the same lines. */
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_destroy (options);
  return context;
}

static gboolean
family_has_hangul (JopanFonts *fonts, const char *family)
{
  FcFontSet *set = FcConfigGetFonts (fonts->config, FcSetApplication);
  gpointer known;

  if (g_hash_table_lookup_extended (fonts->hangul, family, NULL, &known))
    return GPOINTER_TO_INT (known) == 1;
  known = GINT_TO_POINTER (2);
  for (int i = 0; set && i < set->nfont; i++)
    {
      FcChar8 *name;
      FcCharSet *charset;
      for (int n = 0; FcPatternGetString (set->fonts[i], FC_FAMILY, n, &name) == FcResultMatch; n++)
        if (g_ascii_strcasecmp ((const char *) name, family) == 0
            && FcPatternGetCharSet (set->fonts[i], FC_CHARSET, 0, &charset) == FcResultMatch
            && FcCharSetHasChar (charset, 0xAC00))
          known = GINT_TO_POINTER (1);
    }
  g_hash_table_insert (fonts->hangul, g_strdup (family), known);
  return GPOINTER_TO_INT (known) == 1;
}

char *
jopan_fonts_korean_first (JopanFonts *fonts, const char *families)
{
  g_auto (GStrv) names = g_strsplit (families, ",", -1);
  GString *hangul = g_string_new (NULL), *other = g_string_new (NULL);

  g_mutex_lock (&fonts->lock);
  for (int i = 0; names[i]; i++)
    {
      const char *name = g_strstrip (names[i]);
      GString *to = family_has_hangul (fonts, name) ? hangul : other;
      g_string_append_printf (to, "%s%s", to->len ? "," : "", name);
    }
  g_mutex_unlock (&fonts->lock);
  if (hangul->len && other->len)
    g_string_append_c (hangul, ',');
  g_string_append (hangul, other->str);
  g_string_free (other, TRUE);
  return g_string_free (hangul, FALSE);
}

gboolean
jopan_fonts_has_family (JopanFonts *fonts, const char *family)
{
  FcFontSet *set = FcConfigGetFonts (fonts->config, FcSetApplication);

  for (int i = 0; set && i < set->nfont; i++)
    {
      FcChar8 *name;
      for (int n = 0; FcPatternGetString (set->fonts[i], FC_FAMILY, n, &name) == FcResultMatch; n++)
        if (g_ascii_strcasecmp ((const char *) name, family) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Is @family a serif face: a Myeongjo (Batang) or a Serif? */
static gboolean
is_serif_family (const char *family)
{
  g_autofree char *lower = g_ascii_strdown (family, -1);

  return (strstr (lower, "serif") && !strstr (lower, "sans")) || strstr (lower, "myeongjo")
         || strstr (lower, "batang");
}

char *
jopan_fonts_with_fallbacks (JopanFonts *fonts, const char *families)
{
  static const char *const serif_hanja = "Noto Serif CJK KR";
  g_auto (GStrv) names = g_strsplit (families, ",", -1);
  gboolean serif = FALSE;

  for (int i = 0; names[i]; i++)
    {
      const char *name = g_strstrip (names[i]);
      if (g_ascii_strcasecmp (name, serif_hanja) == 0)
        return g_strdup (families);
      serif |= is_serif_family (name);
    }
  if (!serif || !jopan_fonts_has_family (fonts, serif_hanja))
    return g_strdup (families);
  return g_strdup_printf ("%s,%s", families, serif_hanja);
}

gboolean jopan_fonts_describe_anew, jopan_fonts_describe_wrong_key;

/* @font described anew (jopan_fonts_describe). */
static PangoFontDescription *
describe (JopanFonts *fonts, const char *font, gboolean korean)
{
  PangoFontDescription *desc = pango_font_description_from_string (font);
  const char *family = pango_font_description_get_family (desc);
  g_autofree char *families = korean ? jopan_fonts_korean_first (fonts, family) : g_strdup (family);
  g_autofree char *with_fallbacks = jopan_fonts_with_fallbacks (fonts, families);

  pango_font_description_set_family (desc, with_fallbacks);
  return desc;
}

/* A copy of what describe() made of @font before (the font set's font
 * files and families never change), or of what it makes now: every
 * story's typesetter asks for its styles' fonts, and describing one
 * parses it and reads the font set's families (14,000 instructions). */
PangoFontDescription *
jopan_fonts_describe (JopanFonts *fonts, const char *font, gboolean korean)
{
  g_autofree char *key = g_strconcat (korean && !jopan_fonts_describe_wrong_key ? "K" : "-", font, NULL);
  const PangoFontDescription *known;
  PangoFontDescription *desc;

  if (jopan_fonts_describe_anew)
    return describe (fonts, font, korean);
  g_mutex_lock (&fonts->lock);
  known = g_hash_table_lookup (fonts->described, key);
  desc = known ? pango_font_description_copy (known) : NULL;
  g_mutex_unlock (&fonts->lock);
  if (desc)
    return desc;
  desc = describe (fonts, font, korean); /* takes the lock itself */
  g_mutex_lock (&fonts->lock);
  if (g_hash_table_size (fonts->described) >= DESCRIBED_LIMIT)
    g_hash_table_remove_all (fonts->described);
  g_hash_table_replace (fonts->described, g_steal_pointer (&key), pango_font_description_copy (desc));
  g_mutex_unlock (&fonts->lock);
  return desc;
}

/* ---- fonts loaded ahead ------------------------------------------------------
 *
 * Pango's font map starts two threads for every font pattern it has not
 * seen (a face, a size and a language: pango_fc_patterns_new), and the
 * first text itemized in it waits for them (pango_fc_patterns_get_font_
 * pattern): on a busy machine, a thread's start waits for a core.  A
 * fontset loaded ahead (pango_font_map_load_fontset, which does not wait)
 * has its threads run while the caller does other work; the text then
 * finds the fontset in the map's cache, the same key (the description
 * font_of() makes, the size, the language, the context's font options)
 * and so the same fonts.  jopan_fonts_prime_break (tests): a size off by
 * a point, so that no text finds what was loaded. */
gboolean jopan_fonts_prime_break;

void
jopan_fonts_prime (JopanFonts *fonts, const char *font, const char *lang)
{
  g_autoptr (PangoFontDescription) desc = NULL;
  PangoLanguage *language = pango_language_from_string (lang);
  PangoFontset *set;

  g_return_if_fail (fonts != NULL && font != NULL && lang != NULL);
  if (fonts->primed == NULL)
    {
      fonts->primed = g_ptr_array_new_with_free_func (g_object_unref);
      fonts->prime_context = jopan_fonts_create_context (fonts);
    }
  if (fonts->primed->len >= PRIMED_LIMIT)
    return;
  desc = jopan_fonts_describe (fonts, font, jopan_lang_is_korean (lang));
  if (jopan_fonts_prime_break)
    pango_font_description_set_size (desc, pango_font_description_get_size (desc) + PANGO_SCALE);
  pango_context_set_language (fonts->prime_context, language);
  set = pango_font_map_load_fontset (fonts->map, fonts->prime_context, desc, language);
  if (set && !g_ptr_array_find (fonts->primed, set, NULL))
    g_ptr_array_add (fonts->primed, set);
  else if (set)
    g_object_unref (set);
}

void
jopan_fonts_prime_style (JopanFonts *fonts, const JopanStyle *style, const char *lang)
{
  JopanStyle resolved;

  jopan_style_resolve (style, lang, lang, &resolved);
  for (int k = 0; k < JOPAN_N_PARA; k++)
    if (resolved.para[k].font)
      jopan_fonts_prime (fonts, resolved.para[k].font, lang);
}

gboolean
jopan_fonts_is_primed (JopanFonts *fonts, PangoFontset *fontset)
{
  return fonts->primed && g_ptr_array_find (fonts->primed, fontset, NULL);
}

/* ---- a face at another size ------------------------------------------------
 *
 * Pango's font map starts two threads (FcFontSetMatch, FcFontSetSort) for
 * every font pattern it has not seen, a pattern per size: loading a font
 * at each size copyfit tries only for its HarfBuzz advances started some
 * 40 a font map, and its caller waited for them.  The hb_font_t of a size
 * is made here as Pango 1.50 makes it (pango_fc_font_create_hb_font): the
 * face, a scale of the pattern's pixel size in Pango units, a ptem of its
 * point size.  The pattern's sizes are those the font map's fontset key
 * gives a size (get_scaled_size, pango_fc_make_pattern); a font whose own
 * hb_font_t these rules do not give back (a matrix, a gravity, variation
 * axes: none of the bundled fonts) has no such font here. */

/* The pixel size (Pango units) and point size a size @size (Pango units)
 * gets in a pattern of @context's font map: get_scaled_size() rounds the
 * size at the context's resolution, pango_fc_make_pattern() writes both. */
static void
pattern_sizes (PangoContext *context, int size, double *pixel, double *point)
{
  double dpi = pango_cairo_context_get_resolution (context);
  double scaled = size;
  int pixelsize;

  if (dpi <= 0)
    dpi = pango_cairo_font_map_get_resolution (PANGO_CAIRO_FONT_MAP (pango_context_get_font_map (context)));
  scaled = scaled * dpi / 72.;
  pixelsize = (int) (.5 + 1.0 * scaled); /* the identity matrix's scale factor */
  *pixel = pixelsize / 1024.;
  *point = pixelsize * (72. / 1024. / dpi);
}

/* Whether @font's own hb_font_t is the one the rules above give its
 * pattern at its size: an identity context and font matrix, a proper
 * gravity, no variation axes (Pango sets their coordinates). */
static gboolean
made_as_pango (PangoContext *context, PangoFont *font, int *size)
{
  g_autoptr (PangoFontDescription) desc = NULL;
  hb_font_t *own;
  FcPattern *pattern;
  FcMatrix *matrix;
  double pixel, point, fc_pixel, fc_point;
  int x, y;
  unsigned int ppem_x, ppem_y;

  if (!PANGO_IS_FC_FONT (font) || pango_context_get_matrix (context) != NULL)
    return FALSE;
  desc = pango_font_describe (font);
  pattern = pango_fc_font_get_pattern (PANGO_FC_FONT (font));
  own = pango_font_get_hb_font (font);
  *size = pango_font_description_get_size (desc);
  if (own == NULL || pango_font_description_get_size_is_absolute (desc)
      || pango_font_description_get_gravity (desc) != PANGO_GRAVITY_SOUTH
      || FcPatternGetMatrix (pattern, FC_MATRIX, 0, &matrix) != FcResultNoMatch
      || FcPatternGetDouble (pattern, FC_PIXEL_SIZE, 0, &fc_pixel) != FcResultMatch
      || FcPatternGetDouble (pattern, FC_SIZE, 0, &fc_point) != FcResultMatch
      || hb_ot_var_get_axis_count (hb_font_get_face (own)) != 0)
    return FALSE;
  pattern_sizes (context, *size, &pixel, &point);
  hb_font_get_scale (own, &x, &y);
  hb_font_get_ppem (own, &ppem_x, &ppem_y);
  return fc_pixel == pixel && fc_point == point && x == (int) (pixel * PANGO_SCALE) && y == x
         && hb_font_get_ptem (own) == (float) point && ppem_x == 0 && ppem_y == 0
         && hb_font_get_synthetic_slant (own) == 0;
}

hb_font_t *
jopan_fonts_hb_font_at (PangoContext *context, PangoFont *font, int size)
{
  hb_font_t *at;
  double pixel, point;
  int own_size;

  g_return_val_if_fail (PANGO_IS_CONTEXT (context) && PANGO_IS_FONT (font), NULL);
  if (size <= 0 || !made_as_pango (context, font, &own_size))
    return NULL;
  pattern_sizes (context, size, &pixel, &point);
  at = hb_font_create (hb_font_get_face (pango_font_get_hb_font (font)));
  hb_font_set_scale (at, (int) (pixel * PANGO_SCALE), (int) (pixel * PANGO_SCALE));
  hb_font_set_ptem (at, (float) point);
  hb_font_make_immutable (at);
  return at;
}
