/* json-place.c — what the JSON loaders (articles, page files) share: a
 * strict pass over the text before json-glib, and messages that name a
 * value's place.
 *
 * json-glib keeps no positions on its nodes, so messages about a value
 * find its place again by walking the (already valid) JSON text along the
 * value's path: `story.json:4:15: headline: expected a string`.
 */
#include "json-private.h"

#include <math.h>
#include <string.h>

/* ---- finding a value's place in the text -------------------------------- */

static guint values_walked;

guint
jopan_json_values_walked (void)
{
  return (guint) g_atomic_int_get (&values_walked);
}

static gsize
skip_space (const char *t, gsize n, gsize i)
{
  while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
    i++;
  return i;
}

/* From quote to quote (memchr: a body is one long string): a quote
 * after an odd number of backslashes is escaped.  (The text has passed
 * jopan_json_scan().) */
static gsize
skip_string (const char *t, gsize n, gsize i)
{
  for (gsize from = i + 1; from < n;)
    {
      const char *quote = memchr (t + from, '"', n - from);
      gsize at, back = 0;

      if (quote == NULL)
        break;
      at = (gsize) (quote - t);
      while (at - back > i + 1 && t[at - back - 1] == '\\')
        back++;
      if (back % 2 == 0)
        return at + 1;
      from = at + 1;
    }
  return n;
}

static gsize
skip_value (const char *t, gsize n, gsize i)
{
  int nesting = 0;

  do
    {
      i = skip_space (t, n, i);
      if (i >= n)
        return n;
      if (t[i] == '"')
        i = skip_string (t, n, i);
      else if (t[i] == '{' || t[i] == '[')
        nesting++, i++;
      else if (t[i] == '}' || t[i] == ']')
        nesting--, i++;
      else if (t[i] == ',' || t[i] == ':')
        i++;
      else
        while (i < n && !strchr (",]} \t\r\n", t[i]))
          i++;
    }
  while (nesting > 0);
  return i;
}

/* From element @index of an array, starting at @i, element @wanted, or -1. */
static gssize
find_element (const char *t, gsize n, gsize i, guint index, guint wanted, guint *walked)
{
  while (i < n && t[i] != ']')
    {
      if (index == wanted)
        return (gssize) i;
      i = skip_space (t, n, skip_value (t, n, i));
      if (i < n && t[i] == ',')
        i = skip_space (t, n, i + 1);
      index++;
      (*walked)++;
    }
  return -1;
}

/* From the value at @i, the start of its member or element @step, or -1.
 * Of repeated keys the last counts, as it does for json-glib. */
static gssize
find_step (const char *t, gsize n, gsize i, const JopanJsonStep *step, guint *walked)
{
  gssize found = -1;

  i = skip_space (t, n, i);
  if (i >= n || (t[i] != '{' && t[i] != '['))
    return -1;
  if (t[i] == '[')
    return step->key ? -1 : find_element (t, n, skip_space (t, n, i + 1), 0, step->index, walked);
  i = skip_space (t, n, i + 1);
  while (i < n && t[i] != '}')
    {
      gsize key = i + 1, end = skip_string (t, n, i);
      gboolean match = step->key && end - key - 1 == strlen (step->key)
                       && memcmp (t + key, step->key, end - key - 1) == 0;

      i = skip_space (t, n, end);
      i = skip_space (t, n, i + 1); /* the colon */
      if (match)
        found = (gssize) i;
      i = skip_space (t, n, skip_value (t, n, i));
      if (i < n && t[i] == ',')
        i = skip_space (t, n, i + 1);
      (*walked)++;
    }
  return found;
}

static gboolean
same_step (const JopanJsonStep *a, const JopanJsonStep *b)
{
  if (a->key == NULL || b->key == NULL)
    return a->key == b->key && a->index == b->index;
  return strcmp (a->key, b->key) == 0;
}

/* Where @memo's last path and @ld's path part, and the offset to start
 * from there: a later element of the same array is found from the
 * element cached (no JSON value is revisited in an edition's pass). */
static int
memo_resume (const JopanJson *ld, JopanJsonMemo *m, int depth, gsize *at, guint *walked)
{
  int d = 0;

  while (d < depth && d < m->depth && same_step (&ld->path[d], &m->path[d]))
    d++;
  *at = m->at[d];
  if (d < depth && d < m->depth && ld->path[d].key == NULL && m->path[d].key == NULL
      && ld->path[d].index > m->path[d].index)
    {
      gssize next = find_element (ld->text, ld->length, m->at[d + 1], m->path[d].index,
                                  ld->path[d].index, walked);
      if (next >= 0)
        {
          *at = m->at[d + 1] = (gsize) next;
          m->path[d] = ld->path[d];
          d++;
        }
    }
  return d;
}

static gsize
offset_of (const JopanJson *ld, int depth)
{
  JopanJsonMemo *m = ld->memo;
  gsize at = skip_space (ld->text, ld->length, 0);
  int d = 0;
  guint walked = 0;

  if (m && !m->ready)
    *m = (JopanJsonMemo) { .ready = TRUE, .at = { at }, .line = 1, .column = 1 };
  if (m)
    d = memo_resume (ld, m, depth, &at, &walked);
  for (; d < depth; d++)
    {
      gssize next = find_step (ld->text, ld->length, at, &ld->path[d], &walked);
      if (next < 0)
        break;
      at = (gsize) next;
      if (m)
        m->path[d] = ld->path[d], m->at[d + 1] = at;
    }
  if (m)
    m->depth = d;
  g_atomic_int_add (&values_walked, (gint) walked);
  return at;
}

/* The value at the current path as written: what a message says it got
 * (json-glib turns 99999999999999999999 into -1). */
char *
jopan_json_raw_value (const JopanJson *ld)
{
  gsize at = offset_of (ld, ld->depth);
  gsize end = skip_value (ld->text, ld->length, at);

  if (end - at > 40)
    return g_strdup_printf ("%.40s…", ld->text + at);
  return g_strndup (ld->text + at, end - at);
}

void
jopan_json_place_of (const JopanJson *ld, int depth, guint *line, guint *column)
{
  gsize at = offset_of (ld, depth), from = 0;
  const char *p, *end = ld->text + at, *newline;
  JopanJsonMemo *m = ld->memo;

  *line = 1;
  *column = 1;
  if (m && m->line_at <= at)
    from = m->line_at, *line = m->line, *column = m->column;
  /* Lines by memchr; characters (UTF-8 lead bytes) only on the last. */
  for (p = ld->text + from; (newline = memchr (p, '\n', (gsize) (end - p))); p = newline + 1)
    (*line)++, *column = 1;
  for (; p < end; p++)
    if (((guchar) *p & 0xC0) != 0x80)
      (*column)++;
  if (m)
    m->line_at = at, m->line = *line, m->column = *column;
}

char *
jopan_json_path_name (const JopanJson *ld, int depth)
{
  GString *s = g_string_new (NULL);

  for (int d = 0; d < depth; d++)
    {
      if (ld->path[d].key)
        g_string_append_printf (s, "%s%s", s->len ? "." : "", ld->path[d].key);
      else
        g_string_append_printf (s, "[%u]", ld->path[d].index);
    }
  return g_string_free (s, FALSE);
}

/* An error about the value at the current path (or, with @missing, about a
 * member the enclosing object lacks: the place is the object's). */
gboolean G_GNUC_PRINTF (4, 5)
jopan_json_fail (const JopanJson *ld, GError **error, gboolean missing, const char *format, ...)
{
  va_list args;
  guint line, column;

  jopan_json_place_of (ld, missing ? ld->depth - 1 : ld->depth, &line, &column);
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  g_autofree char *path = jopan_json_path_name (ld, ld->depth);
  jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%u:%u: %s%s%s", ld->name, line, column, path,
                   *path ? ": " : "", what);
  return FALSE;
}

void
jopan_json_push_key (JopanJson *ld, const char *key)
{
  g_assert (ld->depth < JOPAN_JSON_MAX_DEPTH);
  ld->path[ld->depth++] = (JopanJsonStep) { key, 0 };
}

void
jopan_json_push_index (JopanJson *ld, guint index)
{
  g_assert (ld->depth < JOPAN_JSON_MAX_DEPTH);
  ld->path[ld->depth++] = (JopanJsonStep) { NULL, index };
}

/* ---- typed members ------------------------------------------------------ */

static gboolean
is_blank (const char *s)
{
  for (; *s; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

/* Reads member @key of @object as a string into @out.  Absent or null leaves
 * @out alone, and is an error only when @required. */
gboolean
jopan_json_get_string (JopanJson *ld, JsonObject *object, const char *key, gboolean required,
                       char **out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gboolean ok = TRUE;

  jopan_json_push_key (ld, key);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        ok = jopan_json_fail (ld, error, TRUE, "required key is missing");
    }
  else if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    ok = jopan_json_fail (ld, error, FALSE, "expected a string");
  else if (required && is_blank (json_node_get_string (node)))
    ok = jopan_json_fail (ld, error, FALSE, "must not be empty");
  else if (strcmp (key, "body") != 0
           && jopan_longest_paragraph (json_node_get_string (node)) > JOPAN_MAX_PARAGRAPH_BYTES)
    ok = jopan_json_fail (ld, error, FALSE,
                          "a paragraph of %" G_GSIZE_FORMAT " bytes; one may have at most %u (1 MB)",
               jopan_longest_paragraph (json_node_get_string (node)), JOPAN_MAX_PARAGRAPH_BYTES);
  else
    {
      g_free (*out);
      *out = g_strdup (json_node_get_string (node));
    }
  ld->depth--;
  return ok;
}

gboolean
jopan_json_get_integer (JopanJson *ld, JsonObject *object, const char *key, int min, int max,
                        int *out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gboolean ok = TRUE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  jopan_json_push_key (ld, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_autofree char *got = jopan_json_raw_value (ld);
      ok = jopan_json_fail (ld, error, FALSE, "expected a whole number from %d to %d, got %s", min,
                            max, got);
    }
  else
    *out = (int) json_node_get_int (node);
  ld->depth--;
  return ok;
}

gboolean
jopan_json_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

/* Warns about members that are not in @known (NULL-terminated). */
void
jopan_json_warn_unknown (JopanJson *ld, JsonObject *object, const char *const *known)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *m = members; m; m = m->next)
    {
      guint line, column;

      if (g_strv_contains (known, m->data))
        continue;
      jopan_json_push_key (ld, m->data);
      jopan_json_place_of (ld, ld->depth, &line, &column);
      g_autofree char *path = jopan_json_path_name (ld, ld->depth);
      g_ptr_array_insert (ld->warnings, (int) ld->warnings->len - 1,
                          g_strdup_printf ("%s:%u:%u: %s: unknown key ignored", ld->name, line,
                                           column, path));
      ld->depth--;
    }
}

/* "weight": "lead", "secondary" or "brief". */
gboolean
jopan_json_get_weight (JopanJson *ld, JsonObject *root, JopanWeight *out, GError **error)
{
  static const char *const names[] = { "lead", "secondary", "brief" };
  g_autofree char *weight = NULL;

  if (!jopan_json_get_string (ld, root, "weight", FALSE, &weight, error))
    return FALSE;
  for (gsize i = 0; weight && i < G_N_ELEMENTS (names); i++)
    if (strcmp (weight, names[i]) == 0)
      {
        *out = (JopanWeight) (JOPAN_WEIGHT_LEAD + i);
        return TRUE;
      }
  if (weight == NULL)
    return TRUE;
  jopan_json_push_key (ld, "weight");
  jopan_json_fail (ld, error, FALSE, "expected \"lead\", \"secondary\" or \"brief\"");
  ld->depth--;
  return FALSE;
}

gboolean
jopan_json_check_lang (JopanJson *ld, const char *lang, GError **error)
{
  /* Compiled once (matching with it is thread-safe): compiling it for
   * each article was 2.6 % of loading an edition. */
  static GRegex *tag;
  gboolean ok;

  if (g_once_init_enter (&tag))
    g_once_init_leave (&tag, g_regex_new ("^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$", 0, 0, NULL));
  ok = g_regex_match (tag, lang, 0, NULL);
  if (ok)
    return TRUE;
  jopan_json_push_key (ld, "lang");
  jopan_json_fail (ld, error, FALSE, "expected a BCP 47 language tag such as \"en\" or \"ko\"");
  ld->depth--;
  return FALSE;
}

/* Names the first invalid byte: `story.json: invalid UTF-8 at byte 812 (line 9)`. */
gboolean
jopan_json_check_utf8 (const char *name, const char *data, gsize length, GError **error)
{
  const char *bad;
  guint line = 1;

  if (g_utf8_validate (data, (gssize) length, &bad))
    return TRUE;
  for (const char *p = data; p < bad; p++)
    line += *p == '\n';
  jopan_set_error (error, JOPAN_ERROR_INPUT,
                   "%s:%u: invalid UTF-8 at byte offset %" G_GSIZE_FORMAT
                   ": expected UTF-8 text",
                   name, line, (gsize) (bad - data));
  return FALSE;
}

/* ---- a strict pass over the text before json-glib ----------------------
 *
 * json-glib recurses once per nesting level (80,000 levels overflow the
 * stack), reads the first of two concatenated objects, and turns a lone
 * surrogate escape into U+FFFD or invalid UTF-8; a \u0000 escape would end
 * the C string it hands back; of a key given twice in an object it keeps
 * the last.  This pass takes RFC 8259 JSON only, each key once in an
 * object, nested at most JOPAN_MAX_JSON_NESTING deep, and names the place
 * and the JSON path of the first thing it cannot take. */

typedef struct {
  const char *name;
  const char *t;
  gsize n, i;
  GError **error;
  struct {
    gsize key, key_length; /* a member's key in the text (key > 0 once read) */
    guint index;           /* an element's index */
    gboolean object;
  } stack[JOPAN_MAX_JSON_NESTING];
  int depth;
} Scanner;

static gboolean scan_value (Scanner *sc);

static char *
scan_path (const Scanner *sc)
{
  GString *path = g_string_new (NULL);

  for (int d = 0; d < sc->depth && path->len < 80; d++)
    if (!sc->stack[d].object)
      g_string_append_printf (path, "[%u]", sc->stack[d].index);
    else if (sc->stack[d].key)
      g_string_append_printf (path, "%s%.*s", path->len ? "." : "",
                              (int) MIN (sc->stack[d].key_length, 60), sc->t + sc->stack[d].key);
  if (path->len >= 80)
    g_string_append (path, "…");
  return g_string_free (path, FALSE);
}

static gboolean G_GNUC_PRINTF (3, 4)
scan_fail (const Scanner *sc, gsize at, const char *format, ...)
{
  g_autofree char *path = scan_path (sc);
  guint line = 1, column = 1;
  va_list args;

  for (gsize i = 0; i < at && i < sc->n; i++)
    {
      if (sc->t[i] == '\n')
        line++, column = 1;
      else if (((guchar) sc->t[i] & 0xC0) != 0x80)
        column++;
    }
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  jopan_set_error (sc->error, JOPAN_ERROR_INPUT, "%s:%u:%u: %s%s%s", sc->name, line, column, path,
                   *path ? ": " : "", what);
  return FALSE;
}

/* What is at the scanner instead of @expected. */
static gboolean
scan_unexpected (const Scanner *sc, const char *expected)
{
  const char *c = sc->t + sc->i;

  if (sc->i >= sc->n)
    return scan_fail (sc, sc->i, "the file ends: expected %s", expected);
  if (*c == '/' && sc->i + 1 < sc->n && (c[1] == '/' || c[1] == '*'))
    return scan_fail (sc, sc->i, "a comment: JSON has none; expected %s", expected);
  if (*c == '#')
    return scan_fail (sc, sc->i, "a comment: JSON has none; expected %s", expected);
  return scan_fail (sc, sc->i, "unexpected \"%.*s\": expected %s",
                    (int) (g_utf8_next_char (c) - c), c, expected);
}

static void
scan_space (Scanner *sc)
{
  while (sc->i < sc->n && strchr (" \t\r\n", sc->t[sc->i]) && sc->t[sc->i])
    sc->i++;
}

static int
hex4 (const char *t)
{
  int code = 0;

  for (int k = 0; k < 4; k++)
    {
      int d = g_ascii_xdigit_value (t[k]);
      if (d < 0)
        return -1;
      code = code * 16 + d;
    }
  return code;
}

/* A \uXXXX escape at @at (the backslash); a high surrogate must be
 * followed by a low one.  Returns the length taken, or 0. */
static gsize
scan_unicode_escape (Scanner *sc, gsize at)
{
  int code = at + 6 <= sc->n ? hex4 (sc->t + at + 2) : -1;
  int low;

  if (code < 0)
    return scan_fail (sc, at, "a \\u escape: expected four hex digits"), 0;
  if (code == 0)
    return scan_fail (sc, at, "a \\u0000 (NUL) escape: expected text without NUL characters"), 0;
  if (code >= 0xDC00 && code <= 0xDFFF)
    return scan_fail (sc, at, "a lone low surrogate \\u%.4s: expected a character, or a high and "
                      "low surrogate pair such as \\ud83d\\ude00", sc->t + at + 2), 0;
  if (code < 0xD800 || code > 0xDBFF)
    return 6;
  low = at + 12 <= sc->n && sc->t[at + 6] == '\\' && sc->t[at + 7] == 'u' ? hex4 (sc->t + at + 8) : -1;
  if (low < 0xDC00 || low > 0xDFFF)
    return scan_fail (sc, at, "a lone high surrogate \\u%.4s: expected a high and low surrogate "
                      "pair such as \\ud83d\\ude00", sc->t + at + 2), 0;
  return 12;
}

static gboolean
scan_string (Scanner *sc)
{
  for (sc->i++; sc->i < sc->n; sc->i++)
    {
      gsize i = sc->i, taken = 2;
      guchar c;

      /* The run of plain characters (most of a body) in a local. */
      while (i < sc->n && (guchar) sc->t[i] >= 0x20 && sc->t[i] != '"' && sc->t[i] != '\\')
        i++;
      sc->i = i;
      if (i >= sc->n)
        break;
      c = (guchar) sc->t[i];
      if (c == '"')
        {
          sc->i++;
          return TRUE;
        }
      if (c < 0x20)
        return scan_fail (sc, sc->i, "a control character (U+%04X) in a string: expected it "
                          "escaped, such as \\n or \\t", c);
      if (c != '\\')
        continue;
      if (sc->i + 1 < sc->n && sc->t[sc->i + 1] == 'u')
        taken = scan_unicode_escape (sc, sc->i);
      else if (sc->i + 1 >= sc->n || !strchr ("\"\\/bfnrt", sc->t[sc->i + 1]) || !sc->t[sc->i + 1])
        return scan_fail (sc, sc->i, "an unknown escape: expected one of \\\" \\\\ \\/ \\b \\f "
                          "\\n \\r \\t \\uXXXX");
      if (taken == 0)
        return FALSE;
      sc->i += taken - 1;
    }
  return scan_unexpected (sc, "the string's closing \"");
}

static gsize
scan_digits (const Scanner *sc, gsize i)
{
  while (i < sc->n && g_ascii_isdigit (sc->t[i]))
    i++;
  return i;
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, and finite as a double. */
static gboolean
scan_number (Scanner *sc)
{
  gsize start = sc->i, i = sc->i + (sc->t[sc->i] == '-');
  gsize digits = scan_digits (sc, i);
  gboolean ok = digits > i && (sc->t[i] != '0' || digits == i + 1);

  i = digits;
  if (ok && i < sc->n && sc->t[i] == '.')
    ok = (digits = scan_digits (sc, i + 1)) > i + 1, i = digits;
  if (ok && i < sc->n && (sc->t[i] == 'e' || sc->t[i] == 'E'))
    {
      i += i + 1 < sc->n && (sc->t[i + 1] == '+' || sc->t[i + 1] == '-');
      ok = (digits = scan_digits (sc, i + 1)) > i + 1, i = digits;
    }
  if (!ok)
    return scan_fail (sc, start, "a malformed number \"%.*s\": expected one such as 12, -0.5 or "
                      "1e3", (int) MIN (i + 1 - start, 40), sc->t + start);
  g_autofree char *text = g_strndup (sc->t + start, i - start);
  if (!isfinite (g_ascii_strtod (text, NULL)))
    return scan_fail (sc, start, "a number too big: got %.40s", text);
  sc->i = i;
  return TRUE;
}

/* A member's key as json-glib reads it, its escapes undone ("\u0061" is
 * "a"); scan_string() has checked them. */
static char *
key_text (const char *t, gsize length)
{
  GString *s;

  if (memchr (t, '\\', length) == NULL)
    return g_strndup (t, length);
  s = g_string_sized_new (length);
  for (gsize i = 0; i < length; i++)
    {
      char c = t[i] == '\\' ? t[++i] : 0;
      gunichar u;

      if (c == 0)
        g_string_append_c (s, t[i]);
      else if (c != 'u')
        g_string_append_c (s, c == 'b' ? '\b' : c == 'f' ? '\f' : c == 'n' ? '\n'
                              : c == 'r' ? '\r' : c == 't' ? '\t' : c);
      else
        {
          u = (gunichar) hex4 (t + i + 1);
          i += 4;
          if (u >= 0xD800 && u <= 0xDBFF)
            {
              u = 0x10000 + ((u - 0xD800) << 10) + ((gunichar) hex4 (t + i + 3) - 0xDC00);
              i += 6;
            }
          g_string_append_unichar (s, u);
        }
    }
  return g_string_free (s, FALSE);
}

/* json-glib keeps the last of a key given twice in an object: the first
 * member would be lost without a word.  @keys holds the object's keys so
 * far (made at its second key; @first is its first). */
static gboolean
scan_key_once (Scanner *sc, char **first, GHashTable **keys, gsize key, gsize length)
{
  char *text = key_text (sc->t + key, length);

  if (*first == NULL)
    {
      *first = text;
      return TRUE;
    }
  if (*keys == NULL)
    {
      *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_add (*keys, g_strdup (*first));
    }
  if (g_hash_table_add (*keys, text))
    return TRUE;
  return scan_fail (sc, key - 1, "the key is given twice in this object: expected each key once "
                    "(only the last would be read)");
}

/* An object or an array; @close is '}' or ']'. */
static gboolean
scan_container (Scanner *sc, char close)
{
  gboolean object = close == '}';
  guint index = 0;
  g_autofree char *first = NULL;
  g_autoptr (GHashTable) keys = NULL;

  if (sc->depth >= JOPAN_MAX_JSON_NESTING)
    return scan_fail (sc, sc->i, "arrays and objects nested more than %d deep: expected at most %d",
                      JOPAN_MAX_JSON_NESTING, JOPAN_MAX_JSON_NESTING);
  sc->stack[sc->depth].object = object;
  sc->stack[sc->depth].key = 0;
  sc->stack[sc->depth++].index = 0;
  sc->i++;
  scan_space (sc);
  if (sc->i < sc->n && sc->t[sc->i] == close)
    return sc->depth--, sc->i++, TRUE;
  for (;; index++)
    {
      sc->stack[sc->depth - 1].index = index;
      scan_space (sc);
      if (object)
        {
          gsize key = sc->i + 1;
          sc->stack[sc->depth - 1].key = 0;
          if (sc->i < sc->n && sc->t[sc->i] == '}')
            return scan_fail (sc, sc->i, "\"}\" after a comma: expected another member, or no "
                              "comma after the last one");
          if (sc->i >= sc->n || sc->t[sc->i] != '"')
            return scan_unexpected (sc, "a key in quotes");
          if (!scan_string (sc))
            return FALSE;
          sc->stack[sc->depth - 1].key = key;
          sc->stack[sc->depth - 1].key_length = sc->i - 1 - key;
          if (!scan_key_once (sc, &first, &keys, key, sc->i - 1 - key))
            return FALSE;
          scan_space (sc);
          if (sc->i >= sc->n || sc->t[sc->i] != ':')
            return scan_unexpected (sc, "\":\" after the key");
          sc->i++;
        }
      if (!scan_value (sc))
        return FALSE;
      scan_space (sc);
      if (sc->i < sc->n && sc->t[sc->i] == close)
        return sc->depth--, sc->i++, TRUE;
      if (sc->i >= sc->n || sc->t[sc->i] != ',')
        return scan_unexpected (sc, object ? "\",\" or \"}\" after this member"
                                           : "\",\" or \"]\" after this element");
      sc->i++;
    }
}

static gboolean
scan_value (Scanner *sc)
{
  static const char *const literals[] = { "true", "false", "null" };
  const char *c;

  scan_space (sc);
  c = sc->t + sc->i;
  if (sc->i >= sc->n)
    return scan_unexpected (sc, "a value");
  if (*c == '{' || *c == '[')
    return scan_container (sc, *c == '{' ? '}' : ']');
  if (*c == '"')
    return scan_string (sc);
  if (*c == '-' || g_ascii_isdigit (*c))
    return scan_number (sc);
  for (gsize k = 0; k < G_N_ELEMENTS (literals); k++)
    if (sc->n - sc->i >= strlen (literals[k]) && memcmp (c, literals[k], strlen (literals[k])) == 0)
      {
        sc->i += strlen (literals[k]);
        return TRUE;
      }
  return scan_unexpected (sc, "a value (an object, array, string, number, true, false or null)");
}

gboolean
jopan_json_scan (const char *name, const char *data, gsize length, const char *what,
                 GError **error)
{
  Scanner sc = { .name = name, .t = data, .n = length, .error = error };

  if (!scan_value (&sc))
    return FALSE;
  scan_space (&sc);
  if (sc.i < sc.n && (sc.t[sc.i] == '{' || sc.t[sc.i] == '['))
    return scan_fail (&sc, sc.i, "a second JSON value: expected one %s object per file", what);
  if (sc.i < sc.n)
    {
      g_autofree char *end = g_strdup_printf ("the end of the file after the %s", what);
      return scan_unexpected (&sc, end);
    }
  return TRUE;
}

/* json-glib names the data "<data>": put the file's name in its place. */
void
jopan_json_parse_error (const char *name, const GError *parse, GError **error)
{
  g_autofree char *valid = g_utf8_make_valid (parse->message, -1);
  const char *message = valid;

  if (g_str_has_prefix (message, "<data>:"))
    message += strlen ("<data>:");
  jopan_set_error (error, JOPAN_ERROR_INPUT, "%s:%s", name, message);
}
