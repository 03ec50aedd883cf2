/* fonts.c — a private fontconfig configuration: the bundled fonts only. */
#include "jopan-private.h"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

struct _JopanFonts {
  gatomicrefcount ref_count;
  FcConfig *config;
  PangoFontMap *map;
  GHashTable *hangul;   /* family name → GINT (1 covers Hangul, 2 does not) */
  GMutex lock;
};

static gboolean
add_dir (FcConfig *config, const char *dir, GError **error)
{
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) || !FcConfigAppFontAddDir (config, (const FcChar8 *) dir))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: not a folder of fonts", dir);
      return FALSE;
    }
  return TRUE;
}

JopanFonts *
jopan_fonts_new (const char *const *extra_dirs, GError **error)
{
  g_autofree char *bundled = NULL;
  const char *env = g_getenv ("JOPAN_FONT_DIR");
  FcConfig *config = FcConfigCreate ();
  g_autofree char *cache = g_build_filename (g_get_user_cache_dir (), "jopan", "fontconfig", NULL);
  g_autofree char *xml = NULL;
  JopanFonts *fonts;
  FcFontSet *set;

  /* A cache of our own: scanning the fonts once, not on every run. */
  if (g_mkdir_with_parents (cache, 0755) == 0)
    {
      g_autofree char *escaped = g_markup_escape_text (cache, -1);
      xml = g_strdup_printf ("<fontconfig><cachedir>%s</cachedir></fontconfig>", escaped);
      FcConfigParseAndLoadFromMemory (config, (const FcChar8 *) xml, FcFalse);
    }

  bundled = env && *env ? g_strdup (env) : jopan_data_dir ("fonts");
  if (!add_dir (config, bundled, error))
    {
      FcConfigDestroy (config);
      return NULL;
    }
  for (int i = 0; extra_dirs && extra_dirs[i]; i++)
    if (!add_dir (config, extra_dirs[i], error))
      {
        FcConfigDestroy (config);
        return NULL;
      }
  set = FcConfigGetFonts (config, FcSetApplication);
  if (set == NULL || set->nfont == 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: no fonts found", bundled);
      FcConfigDestroy (config);
      return NULL;
    }
  fonts = g_new0 (JopanFonts, 1);
  g_atomic_ref_count_init (&fonts->ref_count);
  fonts->config = config;
  fonts->map = pango_cairo_font_map_new_for_font_type (CAIRO_FONT_TYPE_FT);
  fonts->hangul = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_mutex_init (&fonts->lock);
  pango_fc_font_map_set_config (PANGO_FC_FONT_MAP (fonts->map), config);
  return fonts;
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
  g_object_unref (fonts->map);
  g_hash_table_unref (fonts->hangul);
  g_mutex_clear (&fonts->lock);
  FcConfigDestroy (fonts->config);
  g_free (fonts);
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
