/* style.c — page geometry and paragraph styles from a GKeyFile.
 *
 * Values are parsed once, here, into points; nothing downstream sees a unit.
 * A style is its file's keys plus --set overrides: every change re-reads the
 * whole key file, so a value's meaning never depends on the order of keys.
 */
#include "jopan-private.h"

#include <math.h>
#include <string.h>

const char *const jopan_para_names[JOPAN_N_PARA] = {
  "kicker", "headline", "deck", "byline", "body", "subhead",
  "quote", "caption", "credit", "folio", "jump", "attribution",
};

const char *const jopan_weight_names[JOPAN_N_WEIGHTS] = { "lead", "secondary", "brief" };

static const char *const treatment_keys[] = {
  "headline-size", "headline-columns", "columns", "photo-columns", "deck", "max-words", NULL,
};

static const char *const page_keys[] = {
  "size", "margins", "columns", "gutter", "baseline", "bleed", "marks",
  "image-columns", "min-image-dpi", NULL,
};

static const char *const copyfit_keys[] = { "tracking", "photo-lines", "size", NULL };

static const char *const print_keys[] = {
  "output", "pdfx", "ink-limit", "min-ppi", "max-ppi", "intent", "profile", "proof", NULL,
};

#define GROUP_PAGE JOPAN_N_PARA
#define GROUP_COPYFIT (JOPAN_N_PARA + 1)
#define GROUP_PRINT (JOPAN_N_PARA + 2)
#define GROUP_TREATMENT (JOPAN_N_PARA + 3) /* + the weight's index */

static const char *const para_keys[] = {
  "font", "leading", "align", "indent", "space-before", "space-after", "tracking",
  "color", "hyphenate", "uppercase", "korean-break", "line-breaking", "columns", "scale",
  "letter-spacing", "expansion", "hangul-size", "latin-size", "position", "dateline",
  "max-word-space", "balance", "smart-quotes", "hang-punctuation", "hyphenate-capitalized",
  NULL,
};

static const struct {
  const char *name;
  double width_mm, height_mm;
} page_sizes[] = {
  { "berliner", 315, 470 },
  { "tabloid", 280, 430 },
  { "broadsheet", 600, 750 },
  { "a3", 297, 420 },
  { "a4", 210, 297 },
};

#define MM (72.0 / 25.4)

/* Where a value came from, for messages. */
typedef struct {
  const JopanStyle *style;
  const char *group;
  const char *key;
  const char *value;
} Value;

static int
line_of_key (const char *text, const char *group, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (text ? text : "", "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean inside = FALSE;

  for (int i = 0; lines[i]; i++)
    {
      const char *l = lines[i];
      while (g_ascii_isspace (*l))
        l++;
      if (*l == '[')
        {
          inside = g_str_has_prefix (l, header);
          if (inside && *key == '\0')
            return i + 1;
        }
      else if (inside && g_str_has_prefix (l, key)
               && (l[strlen (key)] == '=' || g_ascii_isspace (l[strlen (key)])))
        return i + 1;
    }
  return 0;
}

/* The line of GROUP.KEY, or of [GROUP] for a key the file leaves out. */
static int
key_line (const JopanStyle *style, const char *group, const char *key)
{
  int line = line_of_key (style->text, group, key);

  return line ? line : line_of_key (style->text, group, "");
}

/* "berliner.ini:57: [body] font", or the --set that gave the key its value. */
char *
jopan_style_key_place (const JopanStyle *style, const char *group, const char *key)
{
  g_autofree char *full = g_strdup_printf ("%s.%s", group, key);
  const char *assignment = style->sets ? g_hash_table_lookup (style->sets, full) : NULL;
  int line = key_line (style, group, key);

  if (assignment)
    return g_strdup_printf ("--set %s", assignment);
  if (line == 0)
    return g_strdup_printf ("%s: [%s] %s", style->path, group, key);
  return g_strdup_printf ("%s:%d: [%s] %s", style->path, line, group, key);
}

static gboolean G_GNUC_PRINTF (3, 4)
bad_value (const Value *v, GError **error, const char *expected, ...)
{
  g_autofree char *full = g_strdup_printf ("%s.%s", v->group, v->key);
  const char *assignment = v->style->sets ? g_hash_table_lookup (v->style->sets, full) : NULL;
  va_list args;

  va_start (args, expected);
  g_autofree char *what = g_strdup_vprintf (expected, args);
  va_end (args);
  if (assignment)
    jopan_set_error (error, JOPAN_ERROR_USAGE, "--set %s: expected %s, got \"%s\"", assignment,
                     what, v->value);
  else
    jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%d: [%s] %s: expected %s, got \"%s\"",
                     v->style->path, key_line (v->style, v->group, v->key), v->group, v->key,
                     what, v->value);
  return FALSE;
}

static gboolean
parse_length (const Value *v, double em, double *out, GError **error)
{
  if (jopan_length_parse (v->value, em, out) && *out >= 0)
    return TRUE;
  return bad_value (v, error, "a length such as 12pt, 4.5mm or 1em");
}

static gboolean
parse_lengths (const Value *v, double *out, int n, GError **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (v->value));
  g_auto (GStrv) parts = g_strsplit_set (copy, " \t", -1);
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  gboolean ok = TRUE;

  for (int i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add (words, parts[i]);
  /* margins: 1 value for all sides, 2 (vertical horizontal), or 4 */
  if (words->len != (guint) n && !(n == 4 && (words->len == 1 || words->len == 2)))
    return bad_value (v, error, "%d lengths", n);
  for (int i = 0; ok && i < n; i++)
    {
      guint from = words->len == (guint) n ? (guint) i : words->len == 1 ? 0 : (guint) (i % 2);
      ok = jopan_length_parse (g_ptr_array_index (words, from), 0, &out[i]) && out[i] >= 0;
    }
  return ok ? TRUE : bad_value (v, error, "%d lengths such as 12mm", n);
}

static gboolean
parse_page_size (const Value *v, JopanStyle *style, GError **error)
{
  double wh[2];

  for (gsize i = 0; i < G_N_ELEMENTS (page_sizes); i++)
    if (g_ascii_strcasecmp (v->value, page_sizes[i].name) == 0)
      {
        style->page_width = page_sizes[i].width_mm * MM;
        style->page_height = page_sizes[i].height_mm * MM;
        return TRUE;
      }
  if (!parse_lengths (v, wh, 2, NULL) || wh[0] < 72 || wh[1] < 72 || wh[0] > JOPAN_MAX_PAGE_SIDE
      || wh[1] > JOPAN_MAX_PAGE_SIDE)
    return bad_value (v, error, "a width and height from 1in to 5080mm (PDF's 14400pt), such as "
                                "315mm 470mm, or a name (berliner, tabloid, broadsheet, a3, a4)");
  style->page_width = wh[0];
  style->page_height = wh[1];
  return TRUE;
}

static gboolean
parse_int (const Value *v, int min, int max, int *out, GError **error)
{
  char *end;
  gint64 n = g_ascii_strtoll (v->value, &end, 10);

  if (end == v->value || *end != '\0' || n < min || n > max)
    return bad_value (v, error, "a whole number from %d to %d", min, max);
  *out = (int) n;
  return TRUE;
}

static gboolean
parse_bool (const Value *v, gboolean *out, GError **error)
{
  if (strcmp (v->value, "true") == 0 || strcmp (v->value, "false") == 0)
    {
      *out = v->value[0] == 't';
      return TRUE;
    }
  return bad_value (v, error, "true or false");
}

static gboolean
parse_choice (const Value *v, const char *const *choices, int *out, GError **error)
{
  for (int i = 0; choices[i]; i++)
    if (strcmp (v->value, choices[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  g_autofree char *list = g_strjoinv (", ", (char **) choices);
  return bad_value (v, error, "one of %s", list);
}

/* "cmyk(0 100 90 20)" (percent, commas allowed) at @text; the rest of
 * the value must be empty. */
static gboolean
parse_cmyk (const char *text, double cmyk[4])
{
  g_autofree char *copy = g_strdup (text);
  int used = 0;
  double v[4];

  g_strdelimit (copy, ",", ' ');
  if (sscanf (copy, " cmyk( %lf %lf %lf %lf )%n", &v[0], &v[1], &v[2], &v[3], &used) != 4
      || used == 0 || copy[used + strspn (copy + used, " ")] != '\0')
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      if (!(v[i] >= 0 && v[i] <= 100))
        return FALSE;
      cmyk[i] = v[i] / 100;
    }
  return TRUE;
}

/* "#b0191e", "cmyk(0 100 90 20)" or both ("#b0191e cmyk(…)"): the RGB is
 * what the screen shows, the CMYK what the press prints (PDF/X); CMYK
 * alone is shown as its plain inks would be. */
static gboolean
parse_color (const Value *v, JopanParaStyle *p, GError **error)
{
  const char *s = v->value;
  unsigned r, g, b;
  int used = 0;

  p->has_cmyk = FALSE;
  if (sscanf (s, "#%2x%2x%2x%n", &r, &g, &b, &used) == 3 && used == 7)
    {
      p->color[0] = r / 255.0, p->color[1] = g / 255.0, p->color[2] = b / 255.0;
      s += used;
      if (s[strspn (s, " ")] == '\0')
        return TRUE;
    }
  if (!parse_cmyk (s, p->cmyk))
    return bad_value (v, error, "a colour such as #1a1a1a, cmyk(0 100 90 20) or both");
  p->has_cmyk = TRUE;
  for (int i = 0; used == 0 && i < 3; i++)
    p->color[i] = (1 - p->cmyk[i]) * (1 - p->cmyk[3]);
  return TRUE;
}

/* [print] output, pdfx, ink-limit, min-ppi, max-ppi, intent, profile, proof. */
static gboolean
parse_print_key (JopanStyle *s, const Value *v, GError **error)
{
  static const char *const outputs[] = { "rgb", "pdfx-1a", "pdfx-4", NULL };
  static const char *const intents[] = { "perceptual", "relative", "saturation", "absolute", NULL };
  const char *k = v->key;
  int n = 0;
  char *end;

  if (strcmp (k, "output") == 0)
    return parse_choice (v, outputs, &n, error) && (s->output = (JopanOutput) n, TRUE);
  if (strcmp (k, "intent") == 0)
    return parse_choice (v, intents, &s->intent, error);
  if (strcmp (k, "proof") == 0)
    return parse_bool (v, &s->proof, error);
  if (strcmp (k, "pdfx") == 0)
    return parse_bool (v, &s->pdfx, error);
  if (strcmp (k, "min-ppi") == 0)
    return parse_int (v, 0, 2400, &n, error) && (s->min_image_dpi = n, TRUE);
  if (strcmp (k, "max-ppi") == 0)
    return parse_int (v, 72, 2400, &n, error) && (s->max_ppi = n, TRUE);
  if (strcmp (k, "ink-limit") == 0)
    {
      s->ink_limit = g_ascii_strtod (v->value, &end);
      if (end != v->value && strcmp (end, "%") == 0 && s->ink_limit >= 100 && s->ink_limit <= 400)
        return TRUE;
      return bad_value (v, error, "a total ink from 100%% to 400%%, such as 240%%");
    }
  if (strcmp (k, "profile") == 0)
    return g_file_test (v->value, G_FILE_TEST_IS_REGULAR)
           || bad_value (v, error, "an ICC profile file that exists");
  g_assert_not_reached ();
}

static gboolean
parse_marks (const Value *v, JopanMarks *marks, GError **error)
{
  g_auto (GStrv) parts = g_strsplit (v->value, ",", -1);

  *marks = JOPAN_MARKS_NONE;
  for (int i = 0; parts[i]; i++)
    {
      const char *p = g_strstrip (parts[i]);
      if (strcmp (p, "crop") == 0)
        *marks |= JOPAN_MARKS_CROP;
      else if (strcmp (p, "registration") == 0)
        *marks |= JOPAN_MARKS_REGISTRATION;
      else if (strcmp (p, "none") != 0)
        return bad_value (v, error, "none, crop or crop,registration");
    }
  return TRUE;
}

static gboolean
parse_page_key (JopanStyle *s, const Value *v, GError **error)
{
  const char *k = v->key;

  if (strcmp (k, "size") == 0)
    return parse_page_size (v, s, error);
  if (strcmp (k, "margins") == 0)
    return parse_lengths (v, s->margin, 4, error);
  if (strcmp (k, "columns") == 0)
    return parse_int (v, 1, 12, &s->columns, error);
  if (strcmp (k, "gutter") == 0)
    return parse_length (v, 0, &s->gutter, error);
  if (strcmp (k, "baseline") == 0)
    return parse_length (v, 0, &s->baseline, error)
           && (s->baseline >= 4 || bad_value (v, error, "a pitch of at least 4pt"));
  if (strcmp (k, "bleed") == 0)
    return parse_length (v, 0, &s->bleed, error);
  if (strcmp (k, "marks") == 0)
    return parse_marks (v, &s->marks, error);
  if (strcmp (k, "image-columns") == 0)
    return parse_int (v, 1, 12, &s->image_columns, error);
  if (strcmp (k, "min-image-dpi") == 0)
    {
      int dpi = 0;
      if (!parse_int (v, 0, 2400, &dpi, error))
        return FALSE;
      s->min_image_dpi = dpi;
      return TRUE;
    }
  g_assert_not_reached ();
}

static gboolean
parse_font (const Value *v, JopanParaStyle *p, GError **error)
{
  PangoFontDescription *desc = pango_font_description_from_string (v->value);
  gboolean ok = pango_font_description_get_family (desc) != NULL
                && pango_font_description_get_size (desc) > 0
                && !pango_font_description_get_size_is_absolute (desc);

  if (ok)
    {
      g_free (p->font);
      p->font = g_strdup (v->value);
      p->size = pango_font_description_get_size (desc) / (double) PANGO_SCALE;
    }
  pango_font_description_free (desc);
  return ok ? TRUE : bad_value (v, error, "a font such as \"Noto Serif, NanumMyeongjo 9.5\"");
}

/* A share of the em: "92%" is 0.92 (NAN if @text is no percentage). */
static double
parse_percent (const char *text)
{
  char *end;
  double value = g_ascii_strtod (text, &end);

  if (end == text || strcmp (end, "%") != 0 || !isfinite (value))
    return NAN;
  return value / 100;
}

/* Tight tracking is common in headlines; below -0.1em letters collide.
 * Korean typesetters give 자간 as a share of the em: -2% is -0.02em. */
static gboolean
parse_tracking (const Value *v, JopanParaStyle *p, GError **error)
{
  double t = parse_percent (v->value) * p->size;

  if ((isfinite (t) || jopan_length_parse (v->value, p->size, &t)) && t >= -0.1 * p->size - 1e-9 && t <= p->size)
    {
      p->tracking = t;
      return TRUE;
    }
  return bad_value (v, error, "a tracking from -0.1em to 1em, such as 0.6pt, -0.01em or -2%%");
}

/* A percentage from @min to @max (shares, 0.5 for 50%). */
static gboolean
parse_share (const Value *v, double min, double max, double *out, GError **error)
{
  double share = parse_percent (v->value);

  if (isfinite (share) && share >= min - 1e-9 && share <= max + 1e-9)
    {
      *out = share;
      return TRUE;
    }
  return bad_value (v, error, "a percentage from %g%% to %g%%, such as %g%%", min * 100, max * 100,
                    (min + max) * 50);
}

/* How far justification may part (and close) letters: "MIN MAX" from
 * -0.05em to 0.1em, MIN <= 0 <= MAX. */
static gboolean
parse_letter_spacing (const Value *v, JopanParaStyle *p, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (v->value, " \t", -1);
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  double out[2] = { 0, 0 };
  gboolean ok;

  for (int i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add (words, parts[i]);
  ok = words->len == 2 && jopan_length_parse (g_ptr_array_index (words, 0), p->size, &out[0])
       && jopan_length_parse (g_ptr_array_index (words, 1), p->size, &out[1])
       && out[0] <= 0 && out[1] >= 0 && out[0] >= -0.05 * p->size - 1e-9
       && out[1] <= 0.1 * p->size + 1e-9;
  if (!ok)
    return bad_value (v, error, "two lengths MIN MAX from -0.05em to 0.1em, MIN <= 0 <= MAX, "
                      "such as -0.01em 0.02em");
  p->letter_min = out[0];
  p->letter_max = out[1];
  return TRUE;
}

static gboolean
parse_para_share_key (JopanParaStyle *p, const Value *v, GError **error)
{
  static const char *const positions[] = { "top", "end", NULL };
  static const char *const forms[] = { "dash", "bracket", "lenticular", NULL };
  const char *k = v->key;
  int choice = 0;

  if (strcmp (k, "max-word-space") == 0)
    return strcmp (v->value, "none") == 0 ? (p->max_word_space = 0, TRUE)
                                          : parse_share (v, 1, 5, &p->max_word_space, error);
  if (strcmp (k, "position") == 0)
    return parse_choice (v, positions, &choice, error) && (p->at_end = choice == 1, TRUE);
  if (strcmp (k, "dateline") == 0)
    return parse_choice (v, forms, &choice, error) && (p->dateline_form = choice, TRUE);
  if (strcmp (k, "scale") == 0)
    return parse_share (v, 0.5, 2, &p->scale, error);
  if (strcmp (k, "expansion") == 0)
    return parse_share (v, 0, 0.05, &p->expansion, error);
  if (strcmp (k, "hangul-size") == 0)
    return parse_share (v, 0.5, 2, &p->hangul_size, error);
  if (strcmp (k, "latin-size") == 0)
    return parse_share (v, 0.5, 2, &p->latin_size, error);
  if (strcmp (k, "letter-spacing") == 0)
    return parse_letter_spacing (v, p, error);
  g_assert_not_reached ();
}

static gboolean
parse_para_key (JopanParaStyle *p, const Value *v, GError **error)
{
  static const char *const aligns[] = { "left", "center", "right", "justify", NULL };
  static const char *const breaks[] = { "syllable", "keep-all", "auto", NULL };
  const char *k = v->key;
  int choice = 0;

  if (strcmp (k, "font") == 0)
    return parse_font (v, p, error);
  if (strcmp (k, "leading") == 0)
    return parse_length (v, p->size, &p->leading, error);
  if (strcmp (k, "indent") == 0)
    return parse_length (v, p->size, &p->indent, error);
  if (strcmp (k, "space-before") == 0)
    return parse_length (v, p->size, &p->space_before, error);
  if (strcmp (k, "space-after") == 0)
    return parse_length (v, p->size, &p->space_after, error);
  if (strcmp (k, "tracking") == 0)
    return parse_tracking (v, p, error);
  if (strcmp (k, "color") == 0)
    return parse_color (v, p, error);
  if (strcmp (k, "hyphenate") == 0)
    return parse_bool (v, &p->hyphenate, error);
  if (strcmp (k, "uppercase") == 0)
    return parse_bool (v, &p->uppercase, error);
  if (strcmp (k, "balance") == 0)
    return parse_bool (v, &p->balance, error);
  if (strcmp (k, "smart-quotes") == 0)
    return parse_bool (v, &p->smart_quotes, error);
  if (strcmp (k, "hang-punctuation") == 0)
    return parse_bool (v, &p->hang_punctuation, error);
  if (strcmp (k, "hyphenate-capitalized") == 0)
    return parse_bool (v, &p->hyphenate_capitalized, error);
  if (strcmp (k, "columns") == 0)
    return parse_int (v, 0, 12, &p->columns, error);
  if (strcmp (k, "align") == 0)
    return parse_choice (v, aligns, &choice, error) && (p->align = (JopanAlign) choice, TRUE);
  if (strcmp (k, "line-breaking") == 0)
    {
      static const char *const modes[] = { "optimal", "greedy", NULL };
      return parse_choice (v, modes, &choice, error)
             && (p->line_breaking = (JopanLineBreaking) choice, TRUE);
    }
  if (strcmp (k, "korean-break") == 0)
    return parse_choice (v, breaks, &choice, error)
           && (p->korean_break = (JopanKoreanBreak) choice, TRUE);
  return parse_para_share_key (p, v, error);
}

/* "MIN MAX": two numbers (with @unit_em, em lengths; else plain numbers),
 * MIN <= 0 <= MAX. */
static gboolean
parse_range (const Value *v, gboolean lengths, double *min, double *max, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (v->value, " \t", -1);
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  double out[2] = { 0, 0 };

  for (int i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add (words, parts[i]);
  for (guint i = 0; words->len == 2 && i < 2; i++)
    {
      char *end;
      if (lengths && !jopan_length_parse (g_ptr_array_index (words, i), 1, &out[i]))
        return bad_value (v, error, "two lengths, the most to take and to give, such as -0.02em 0.01em");
      if (!lengths && ((out[i] = g_ascii_strtod (g_ptr_array_index (words, i), &end)), *end != '\0'))
        return bad_value (v, error, "two numbers, the most to take and to give, such as -6 4");
    }
  if (words->len != 2 || out[0] > 0 || out[1] < 0)
    return bad_value (v, error, "two values MIN MAX with MIN <= 0 <= MAX");
  *min = out[0];
  *max = out[1];
  return TRUE;
}

static gboolean
parse_copyfit_key (JopanCopyfit *c, const Value *v, GError **error)
{
  double min, max;

  if (strcmp (v->key, "tracking") == 0)
    return parse_range (v, TRUE, &c->tracking_min, &c->tracking_max, error);
  if (strcmp (v->key, "size") == 0)
    return parse_range (v, TRUE, &c->size_min, &c->size_max, error);
  if (!parse_range (v, FALSE, &min, &max, error))
    return FALSE;
  c->photo_min = (int) min;
  c->photo_max = (int) max;
  return TRUE;
}

/* "MIN MAX": a headline's sizes, 6pt to 200pt, MIN <= MAX. */
static gboolean
parse_size_range (const Value *v, double *min, double *max, GError **error)
{
  g_auto (GStrv) parts = g_strsplit_set (v->value, " \t", -1);
  g_autoptr (GPtrArray) words = g_ptr_array_new ();
  double out[2];

  for (int i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add (words, parts[i]);
  if (words->len != 2 || !jopan_length_parse (g_ptr_array_index (words, 0), 0, &out[0])
      || !jopan_length_parse (g_ptr_array_index (words, 1), 0, &out[1]) || out[0] < 6
      || out[1] > 200 || out[0] > out[1])
    return bad_value (v, error, "two sizes MIN MAX from 6pt to 200pt, such as 48pt 60pt");
  *min = out[0], *max = out[1];
  return TRUE;
}

static gboolean
parse_treatment_key (JopanTreatment *t, const Value *v, GError **error)
{
  const char *k = v->key;

  if (strcmp (k, "headline-size") == 0)
    return parse_size_range (v, &t->headline_min, &t->headline_max, error);
  if (strcmp (k, "headline-columns") == 0)
    return parse_int (v, 0, 12, &t->headline_columns, error);
  if (strcmp (k, "columns") == 0)
    return parse_int (v, 0, 12, &t->columns, error);
  if (strcmp (k, "photo-columns") == 0)
    return parse_int (v, 0, 12, &t->photo_columns, error);
  if (strcmp (k, "deck") == 0)
    return parse_bool (v, &t->deck, error);
  if (strcmp (k, "max-words") == 0)
    return parse_int (v, 0, 1000000, &t->max_words, error);
  g_assert_not_reached ();
}

/* Without a ladder in the style every weight keeps the [headline] size. */
static void
set_treatment_defaults (JopanStyle *s)
{
  static const JopanTreatment defaults[JOPAN_N_WEIGHTS] = {
    { 0, 0, 0, 0, -1, TRUE, 0 },
    { 0, 0, 0, 0, -1, TRUE, 800 },
    { 0, 0, 0, 2, 1, FALSE, 250 },
  };

  for (int i = 0; i < JOPAN_N_WEIGHTS; i++)
    s->treatment[i] = defaults[i];
}

/* Display type breaks between words only (keep-all in Korean) into lines
 * of even length; every group sets typographic quotes; a pull quote hangs
 * its opening mark.  A style's keys override each. */
static void
para_display_defaults (int kind, JopanParaStyle *p)
{
  gboolean display = kind == JOPAN_PARA_KICKER || kind == JOPAN_PARA_HEADLINE || kind == JOPAN_PARA_DECK
                     || kind == JOPAN_PARA_BYLINE || kind == JOPAN_PARA_SUBHEAD
                     || kind == JOPAN_PARA_QUOTE || kind == JOPAN_PARA_JUMP;

  if (display || kind == JOPAN_PARA_CREDIT)
    p->korean_break = JOPAN_KOREAN_BREAK_KEEP_ALL;
  p->balance = display;
  p->smart_quotes = TRUE;
  p->hang_punctuation = kind == JOPAN_PARA_QUOTE;
}

static void
set_defaults (JopanStyle *s)
{
  s->page_width = 315 * MM;
  s->page_height = 470 * MM;
  for (int i = 0; i < 4; i++)
    s->margin[i] = 12 * MM;
  s->columns = 5;
  s->gutter = 4 * MM;
  s->baseline = 11;
  s->image_columns = 3;
  s->min_image_dpi = 150;
  s->output = JOPAN_OUTPUT_RGB;
  s->ink_limit = 240;
  s->max_ppi = 200; /* twice newsprint's 100 lpi screen: a finer photo only costs time */
  s->intent = 0; /* perceptual: photos keep their gradations on newsprint */
  s->proof = FALSE;
  s->pdfx = FALSE;
  s->copyfit = (JopanCopyfit) { -0.02, 0.01, 0.0025, -6, 4, -0.5, 0.3, 0.1 };
  set_treatment_defaults (s);
  for (int i = 0; i < JOPAN_N_PARA; i++)
    {
      JopanParaStyle *p = &s->para[i];
      g_free (p->font);
      *p = (JopanParaStyle) { .font = g_strdup ("Noto Serif, NanumMyeongjo 9"), .size = 9, .scale = 1,
                              .letter_min = NAN, .letter_max = NAN, .expansion = 0.02,
                              .hangul_size = 1, .latin_size = 1, .dateline_form = -1,
                              .max_word_space = 1.5 };
      p->align = i == JOPAN_PARA_BODY ? JOPAN_ALIGN_JUSTIFY : JOPAN_ALIGN_LEFT;
      p->hyphenate = i == JOPAN_PARA_BODY;
      para_display_defaults (i, p);
    }
}

/* The language of a [GROUP:LANG] group (2 or 3 letters a to z), "" for a
 * plain group, NULL for a malformed one. */
static const char *
group_lang (const char *group)
{
  const char *colon = strchr (group, ':');
  gsize n;

  if (colon == NULL)
    return "";
  n = strlen (colon + 1);
  if (n < 2 || n > 3 || strspn (colon + 1, "abcdefghijklmnopqrstuvwxyz") != n)
    return NULL;
  return colon + 1;
}

static int
group_index (const char *group)
{
  g_autofree char *name = g_strndup (group, strcspn (group, ":"));
  const char *lang = group_lang (group);
  int index = -1;

  if (strcmp (name, "page") == 0)
    index = GROUP_PAGE;
  if (strcmp (name, "copyfit") == 0)
    index = GROUP_COPYFIT;
  if (strcmp (name, "print") == 0)
    index = GROUP_PRINT;
  for (int i = 0; i < JOPAN_N_WEIGHTS; i++)
    if (strcmp (name, jopan_weight_names[i]) == 0)
      index = GROUP_TREATMENT + i;
  for (int i = 0; i < JOPAN_N_PARA; i++)
    if (strcmp (name, jopan_para_names[i]) == 0)
      index = i;
  /* Only paragraph styles and the grid differ by language. */
  if (lang == NULL || (*lang && index >= JOPAN_N_PARA && index != GROUP_PAGE))
    return -1;
  return index;
}

static gboolean
key_known (int group, const char *key)
{
  static const char *const page_lang_keys[] = { "baseline", NULL };

  if (group == GROUP_PAGE + 1000)
    return g_strv_contains (page_lang_keys, key);
  return g_strv_contains (group == GROUP_PAGE      ? page_keys
                          : group == GROUP_COPYFIT ? copyfit_keys
                          : group == GROUP_PRINT   ? print_keys
                          : group >= GROUP_TREATMENT ? treatment_keys
                                                   : para_keys,
                          key);
}

/* Reads one group's keys; "font" first, so em lengths know their size.
 * A [GROUP:LANG] group's keys go into @variant. */
static gboolean
compile_group (JopanStyle *s, const char *group, JopanLangVariant *variant, GError **error)
{
  int index = group_index (group);
  g_auto (GStrv) keys = g_key_file_get_keys (s->keys, group, NULL, NULL);
  Value v = { s, group, NULL, NULL };

  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; keys && keys[i]; i++)
      {
        g_autofree char *value = NULL;
        gboolean ok;

        if ((pass == 0) != (strcmp (keys[i], "font") == 0 || index >= JOPAN_N_PARA))
          continue;
        value = g_key_file_get_string (s->keys, group, keys[i], NULL);
        v.key = keys[i];
        v.value = value ? g_strstrip (value) : "";
        if (!key_known (index + (variant && index == GROUP_PAGE ? 1000 : 0), keys[i]))
          {
            jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%d: [%s] %s: unknown key%s", s->path,
                             line_of_key (s->text, group, keys[i]), group, keys[i],
                             variant && index == GROUP_PAGE ? " (only baseline differs by language)"
                                                            : "");
            return FALSE;
          }
        if (variant && index == GROUP_PAGE)
          ok = parse_length (&v, 0, &variant->baseline, error)
               && (variant->baseline >= 4 || bad_value (&v, error, "a pitch of at least 4pt"));
        else
          ok = index == GROUP_PAGE      ? parse_page_key (s, &v, error)
               : index == GROUP_COPYFIT ? parse_copyfit_key (&s->copyfit, &v, error)
               : index == GROUP_PRINT   ? parse_print_key (s, &v, error)
               : index >= GROUP_TREATMENT
                   ? parse_treatment_key (&s->treatment[index - GROUP_TREATMENT], &v, error)
                   : parse_para_key (variant ? &variant->para[index] : &s->para[index], &v, error);
        if (!ok)
          return FALSE;
      }
  return TRUE;
}

/* The variant of @lang, made (its paragraph styles copies of the plain
 * ones) when first asked for; NULL when there are too many languages. */
static JopanLangVariant *
variant_of (JopanStyle *s, const char *lang)
{
  JopanLangVariant *v;

  for (int i = 0; i < s->n_variants; i++)
    if (strcmp (s->variant[i].lang, lang) == 0)
      return &s->variant[i];
  if (s->n_variants == JOPAN_MAX_LANG_VARIANTS)
    return NULL;
  v = &s->variant[s->n_variants++];
  *v = (JopanLangVariant) { 0 };
  g_strlcpy (v->lang, lang, sizeof v->lang);
  for (int i = 0; i < JOPAN_N_PARA; i++)
    {
      v->para[i] = s->para[i];
      v->para[i].font = g_strdup (s->para[i].font);
    }
  return v;
}

/* Reads the [GROUP:LANG] groups, after the plain ones they start from. */
static gboolean
compile_variants (JopanStyle *s, char **groups, GError **error)
{
  for (int i = 0; groups[i]; i++)
    {
      const char *lang = group_lang (groups[i]);
      int index = group_index (groups[i]);
      JopanLangVariant *v;

      if (lang == NULL || *lang == '\0')
        continue;
      v = variant_of (s, lang);
      if (v == NULL)
        {
          jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%d: [%s]: expected at most %d languages "
                           "with groups of their own", s->path, line_of_key (s->text, groups[i], ""),
                           groups[i], JOPAN_MAX_LANG_VARIANTS);
          return FALSE;
        }
      if (!compile_group (s, groups[i], v, error))
        return FALSE;
      if (index < JOPAN_N_PARA)
        v->has_para |= 1u << index;
    }
  for (int i = 0; i < s->n_variants; i++)
    s->variant[i].para[JOPAN_PARA_BODY].leading
      = s->variant[i].baseline > 0 ? s->variant[i].baseline : s->baseline;
  return TRUE;
}

static void
free_variants (JopanStyle *s)
{
  for (int v = 0; v < s->n_variants; v++)
    for (int i = 0; i < JOPAN_N_PARA; i++)
      g_clear_pointer (&s->variant[v].para[i].font, g_free);
  s->n_variants = 0;
}

/* The type area must hold the columns and some lines: margins larger than
 * the page are an error at their key, not a layout that never ends. */
static gboolean
check_room (JopanStyle *s, GError **error)
{
  g_autofree char *value = g_key_file_get_string (s->keys, "page", "margins", NULL);
  Value v = { s, "page", "margins", value ? g_strstrip (value) : "(the default 12mm)" };
  double width = s->page_width - s->margin[1] - s->margin[3] - (s->columns - 1) * s->gutter;
  double height = s->page_height - s->margin[0] - s->margin[2];

  if (width < 36)
    return bad_value (&v, error, "margins and gutters that leave room for %d columns on a page "
                      "%.0fmm wide", s->columns, s->page_width / MM);
  if (height < 144)
    return bad_value (&v, error, "top and bottom margins that leave 2in of a page %.0fmm tall",
                      s->page_height / MM);
  return TRUE;
}

static gboolean
compile (JopanStyle *s, GError **error)
{
  g_auto (GStrv) groups = g_key_file_get_groups (s->keys, NULL);

  set_defaults (s);
  for (int i = 0; groups[i]; i++)
    if (group_index (groups[i]) < 0)
      {
        jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%d: [%s]: unknown group", s->path,
                         line_of_key (s->text, groups[i], ""), groups[i]);
        return FALSE;
      }
  if (g_key_file_has_group (s->keys, "page") && !compile_group (s, "page", NULL, error))
    return FALSE;
  if (g_key_file_has_group (s->keys, "copyfit") && !compile_group (s, "copyfit", NULL, error))
    return FALSE;
  if (g_key_file_has_group (s->keys, "print") && !compile_group (s, "print", NULL, error))
    return FALSE;
  /* --pdfx: the style's PDF/X, or X-1a, the one most printers ask for. */
  if (s->pdfx && s->output == JOPAN_OUTPUT_RGB)
    s->output = JOPAN_OUTPUT_PDFX_1A;
  for (int i = 0; i < JOPAN_N_WEIGHTS; i++)
    if (g_key_file_has_group (s->keys, jopan_weight_names[i])
        && !compile_group (s, jopan_weight_names[i], NULL, error))
      return FALSE;
  for (int i = 0; i < JOPAN_N_PARA; i++)
    {
      JopanParaStyle *p = &s->para[i];
      if (g_key_file_has_group (s->keys, jopan_para_names[i])
          && !compile_group (s, jopan_para_names[i], NULL, error))
        return FALSE;
      if (p->leading <= 0)
        p->leading = i == JOPAN_PARA_BODY ? s->baseline : ceil (p->size * 1.2 * 4) / 4;
    }
  /* The body's leading is the grid's pitch. */
  s->para[JOPAN_PARA_BODY].leading = s->baseline;
  return compile_variants (s, groups, error) && check_room (s, error);
}

/* Compiles the keys into a scratch copy and takes it only when every value
 * is good: a failed change leaves @style exactly as it was. */
static gboolean
compile_all_or_nothing (JopanStyle *style, GError **error)
{
  JopanStyle scratch = *style;

  for (int i = 0; i < JOPAN_N_PARA; i++)
    scratch.para[i].font = NULL;
  scratch.n_variants = 0;
  if (!compile (&scratch, error))
    {
      for (int i = 0; i < JOPAN_N_PARA; i++)
        g_free (scratch.para[i].font);
      free_variants (&scratch);
      return FALSE;
    }
  for (int i = 0; i < JOPAN_N_PARA; i++)
    g_free (style->para[i].font);
  free_variants (style);
  *style = scratch;
  return TRUE;
}

/* GKeyFile keeps the last of two equal keys, messages would name the
 * first: a key given twice in a group is refused.  @message gets an
 * owned message when it returns FALSE. */
static gboolean
first_of_key (GHashTable *seen, const char *group, const char *line, int number, char **message)
{
  g_autofree char *key = g_strndup (line, strcspn (line, "="));
  g_autofree char *full = g_strdup_printf ("%s\x1f%s", group, g_strstrip (key));
  gpointer first = g_hash_table_lookup (seen, full);

  if (first)
    {
      *message = g_strdup_printf ("[%s] %s: a second value (the first is on line %d): expected "
                                  "each key once", group, key, GPOINTER_TO_INT (first));
      return FALSE;
    }
  g_hash_table_insert (seen, g_steal_pointer (&full), GINT_TO_POINTER (number));
  return TRUE;
}

/* What is wrong with one trimmed line, or NULL; a group line updates @group
 * (NULL outside a well-formed one). */
static const char *
ini_line_problem (const char *l, char **group)
{
  gsize n = strlen (l);

  if (*l == '[')
    {
      g_clear_pointer (group, g_free);
      if (n < 3 || l[n - 1] != ']' || strcspn (l + 1, "[]") != n - 2)
        return "expected a group such as [page], closed by ]";
      *group = g_strndup (l + 1, n - 2);
      return NULL;
    }
  if (strchr (l, '=') == NULL || *l == '=')
    return "expected KEY = VALUE, a [group] or a # comment";
  if (*group == NULL)
    return "expected a [group] before the first KEY = VALUE";
  return NULL;
}

/* GKeyFile's own messages name no line: check each line first.  A UTF-8
 * byte order mark (Windows editors write one) is dropped, not refused. */
static gboolean
check_ini_text (const char *path, char *text, gsize *length, GError **error)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *group = NULL;
  g_autofree char *twice = NULL;
  g_auto (GStrv) lines = NULL;
  const char *bad;
  guint line = 1;

  if (*length >= 3 && memcmp (text, "\xef\xbb\xbf", 3) == 0)
    memmove (text, text + 3, (*length -= 3) + 1);
  if (!g_utf8_validate (text, (gssize) *length, &bad))
    {
      for (const char *c = text; c < bad; c++)
        line += *c == '\n';
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%u: invalid UTF-8: expected UTF-8 text",
                       path, line);
      return FALSE;
    }
  lines = g_strsplit (text, "\n", -1);
  for (int i = 0; lines[i]; i++)
    {
      const char *l = g_strstrip (lines[i]);
      const char *problem = *l == '\0' || *l == '#' ? NULL : ini_line_problem (l, &group);

      if (problem)
        {
          g_autofree char *shown = g_utf8_substring (l, 0, MIN (g_utf8_strlen (l, -1), 40));
          jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%d: %s, got \"%s%s\"", path, i + 1,
                           problem, shown, strlen (shown) < strlen (l) ? "…" : "");
          return FALSE;
        }
      if (*l && *l != '#' && *l != '[' && !first_of_key (seen, group, l, i + 1, &twice))
        {
          jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%d: %s", path, i + 1, twice);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
find_style_file (const char *name_or_path, const char *data_dir, GError **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *file = NULL;

  if (strchr (name_or_path, '/') || g_str_has_suffix (name_or_path, ".ini"))
    return g_strdup (name_or_path);
  dir = jopan_data_dir (data_dir, "styles");
  file = g_strdup_printf ("%s/%s.ini", dir, name_or_path);
  if (g_file_test (file, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&file);
  jopan_set_error (error, JOPAN_ERROR_USAGE,
                   "unknown style \"%s\": expected a name from %s (berliner, tabloid, a4) or a "
                   "path to a .ini file", name_or_path, dir);
  return NULL;
}

JopanStyle *
jopan_style_load (const char *name_or_path, const char *data_dir, GError **error)
{
  g_autoptr (JopanStyle) style = g_new0 (JopanStyle, 1);
  g_autoptr (GError) local = NULL;
  gsize length;

  g_return_val_if_fail (name_or_path != NULL, NULL);
  style->path = find_style_file (name_or_path, data_dir, error);
  if (style->path == NULL)
    return NULL;
  style->keys = g_key_file_new ();
  style->sets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!jopan_read_input_file (style->path, JOPAN_MAX_STYLE_BYTES, &style->text, &length, error)
      || !check_ini_text (style->path, style->text, &length, error))
    return NULL;
  if (!g_key_file_load_from_data (style->keys, style->text, length, G_KEY_FILE_NONE, &local))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %s", style->path, local->message);
      return NULL;
    }
  if (!compile_all_or_nothing (style, error))
    return NULL;
  return g_steal_pointer (&style);
}

/* Sets GROUP.KEY to @value, remembering @assignment as the value's place;
 * undone, key and place, when the style does not compile with it. */
static gboolean
set_key (JopanStyle *style, const char *group, const char *key, const char *value,
         const char *assignment, GError **error)
{
  g_autofree char *old = g_key_file_get_value (style->keys, group, key, NULL);
  g_autofree char *full = g_strdup_printf ("%s.%s", group, key);
  g_autofree char *old_set = g_strdup (g_hash_table_lookup (style->sets, full));

  g_key_file_set_value (style->keys, group, key, value);
  g_hash_table_replace (style->sets, g_strdup (full), g_strdup (assignment));
  if (compile_all_or_nothing (style, error))
    return TRUE;
  if (old)
    g_key_file_set_value (style->keys, group, key, old);
  else
    g_key_file_remove_key (style->keys, group, key, NULL);
  if (old_set)
    g_hash_table_replace (style->sets, g_strdup (full), g_steal_pointer (&old_set));
  else
    g_hash_table_remove (style->sets, full);
  return FALSE;
}

gboolean
jopan_style_set (JopanStyle *style, const char *assignment, GError **error)
{
  g_autofree char *copy = g_strdup (assignment);
  char *equals = strchr (copy, '=');
  char *dot = strchr (copy, '.');
  int group;

  g_return_val_if_fail (style != NULL && assignment != NULL, FALSE);
  if (equals == NULL || dot == NULL || dot > equals)
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "--set %s: expected GROUP.KEY=VALUE", assignment);
      return FALSE;
    }
  *equals = *dot = '\0';
  group = group_index (copy);
  if (group < 0 || !key_known (group, dot + 1))
    {
      jopan_set_error (error, JOPAN_ERROR_USAGE, "--set %s: unknown %s \"%s%s%s\"", assignment,
                       group < 0 ? "group" : "key", copy, group < 0 ? "" : ".",
                       group < 0 ? "" : dot + 1);
      return FALSE;
    }
  return set_key (style, copy, dot + 1, equals + 1, assignment, error);
}

/* A family no font has would be replaced silently by another: each one
 * named in the style is a "font" finding, once, at its first place. */
void
jopan_style_report_fonts (const JopanStyle *style, JopanFonts *fonts, JopanReport *report)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < JOPAN_N_PARA * (1 + style->n_variants); i++)
    {
      const JopanLangVariant *variant = i < JOPAN_N_PARA ? NULL : &style->variant[i / JOPAN_N_PARA - 1];
      const JopanParaStyle *p = variant ? &variant->para[i % JOPAN_N_PARA] : &style->para[i];
      g_autofree char *group = variant ? g_strdup_printf ("%s:%s", jopan_para_names[i % JOPAN_N_PARA],
                                                          variant->lang)
                                       : g_strdup (jopan_para_names[i]);
      PangoFontDescription *desc = pango_font_description_from_string (p->font);
      g_auto (GStrv) families = g_strsplit (pango_font_description_get_family (desc), ",", -1);

      pango_font_description_free (desc);
      for (int f = 0; families[f]; f++)
        {
          const char *family = g_strstrip (families[f]);
          g_autofree char *key = g_ascii_strdown (family, -1);
          if (*family == '\0' || g_hash_table_contains (seen, key)
              || jopan_fonts_has_family (fonts, family))
            continue;
          g_autofree char *place = jopan_style_key_place (style, group, "font");
          jopan_report_add (report, "font", "%s: no font has the family \"%s\": expected one of "
                            "the bundled fonts or a --font-dir; another family sets this text",
                            place, family);
          g_hash_table_add (seen, g_steal_pointer (&key));
        }
    }
}

void
jopan_style_free (JopanStyle *style)
{
  if (style == NULL)
    return;
  for (int i = 0; i < JOPAN_N_PARA; i++)
    g_free (style->para[i].font);
  free_variants (style);
  if (style->keys)
    g_key_file_unref (style->keys);
  if (style->sets)
    g_hash_table_unref (style->sets);
  g_free (style->path);
  g_free (style->text);
  g_free (style);
}

static const JopanLangVariant *
find_variant (const JopanStyle *style, const char *lang)
{
  for (int i = 0; lang && i < style->n_variants; i++)
    if (g_ascii_strncasecmp (lang, style->variant[i].lang, strlen (style->variant[i].lang)) == 0
        && !g_ascii_isalpha (lang[strlen (style->variant[i].lang)]))
      return &style->variant[i];
  return NULL;
}

void
jopan_style_resolve (const JopanStyle *base, const char *page_lang, const char *text_lang,
                     JopanStyle *out)
{
  const JopanLangVariant *page = find_variant (base, page_lang);
  const JopanLangVariant *text = find_variant (base, text_lang);

  /* A shallow copy: it borrows the variants (a story on a composed page
   * resolves its language from the page's copy), and is never freed. */
  *out = *base;
  if (page && page->baseline > 0)
    out->baseline = page->baseline;
  for (int i = 0; text && i < JOPAN_N_PARA; i++)
    if (text->has_para & (1u << i))
      out->para[i] = text->para[i];
  out->para[JOPAN_PARA_BODY].leading = out->baseline;
}

double
jopan_style_get_page_width (const JopanStyle *style)
{
  return style->page_width;
}

double
jopan_style_get_page_height (const JopanStyle *style)
{
  return style->page_height;
}

guint
jopan_style_get_columns (const JopanStyle *style)
{
  return (guint) style->columns;
}

double
jopan_style_get_baseline (const JopanStyle *style)
{
  return style->baseline;
}

/* The document keeps the print settings: the style is only borrowed while
 * laying out.  Each colour given in CMYK becomes an ink the finishing step
 * recognises by its RGB. */
void
jopan_print_copy (JopanPrint *to, const JopanStyle *style)
{
  g_autofree char *profile = g_key_file_get_string (style->keys, "print", "profile", NULL);

  jopan_print_clear (to);
  to->output = style->output;
  to->ink_limit = style->ink_limit;
  to->max_ppi = style->max_ppi;
  to->intent = style->intent;
  to->proof = style->proof;
  to->profile = profile ? g_strdup (g_strstrip (profile)) : NULL;
  for (int i = 0; i < JOPAN_N_PARA; i++)
    if (style->para[i].has_cmyk)
      {
        JopanInk *ink = &to->inks[to->n_inks++];
        memcpy (ink->rgb, style->para[i].color, sizeof ink->rgb);
        memcpy (ink->cmyk, style->para[i].cmyk, sizeof ink->cmyk);
      }
}

void
jopan_print_clear (JopanPrint *print)
{
  g_clear_pointer (&print->profile, g_free);
  print->n_inks = 0;
}
