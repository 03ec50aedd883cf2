/* json-private.h — what the JSON loaders share (json-place.c): a strict
 * pass over the text before json-glib, typed members, and messages that
 * name a value's place: `story.json:4:15: images[0].src: expected a string`.
 * Never installed.
 */
#ifndef JOPAN_JSON_PRIVATE_H
#define JOPAN_JSON_PRIVATE_H

#include "jopan-private.h"

#include <json-glib/json-glib.h>

#define JOPAN_JSON_MAX_DEPTH 8

/* Report members (report.c): a number to 0.01, an integer, a string
 * ("" for NULL), each under @name in the object @b is building. */
void jopan_json_number (JsonBuilder *b, const char *name, double value);
void jopan_json_int (JsonBuilder *b, const char *name, gint64 value);
void jopan_json_string (JsonBuilder *b, const char *name, const char *value);
/* @root as pretty JSON, each double in the shortest text that reads back
 * as it (56.02, not 56.020000000000003). */
char *jopan_json_to_data (JsonNode *root);

typedef struct {
  const char *key; /* NULL for an array index */
  guint index;
} JopanJsonStep;

/* The last value whose place was found (json-place.c): a loader that
 * asks for the places of many values in text order (an edition's stories
 * and boxes) resumes from there, not from the start of the text each
 * time, which made loading an edition quadratic in its pages. */
typedef struct {
  gboolean ready;
  JopanJsonStep path[JOPAN_JSON_MAX_DEPTH];
  gsize at[JOPAN_JSON_MAX_DEPTH + 1]; /* at[d]: where the value at depth d starts */
  int depth;
  gsize line_at;                      /* an offset, its line and column */
  guint line, column;
} JopanJsonMemo;

/* A loader's position: the file's text and the JSON path of the value
 * being read, so that a message can name its line and column. */
typedef struct {
  const char *name;
  const char *text;
  gsize length;
  JopanJsonStep path[JOPAN_JSON_MAX_DEPTH];
  int depth;
  GPtrArray *warnings;    /* NULL-terminated: unknown keys go here */
  gpointer target;        /* what the loader fills */
  JopanJsonMemo *memo;    /* or NULL: every place found from the start */
} JopanJson;

/* For tests: the JSON values passed over so far to find places. */
guint jopan_json_values_walked (void);

void jopan_json_push_key (JopanJson *ld, const char *key);
void jopan_json_push_index (JopanJson *ld, guint index);
/* The line and column of the value at @depth of the current path. */
void jopan_json_place_of (const JopanJson *ld, int depth, guint *line, guint *column);
/* "articles[2].slot", the current path to @depth. */
char *jopan_json_path_name (const JopanJson *ld, int depth);
/* The value at the current path as written (shortened). */
char *jopan_json_raw_value (const JopanJson *ld);
/* Sets @error about the value at the current path (with @missing, about a
 * member the enclosing object lacks), and returns FALSE. */
gboolean jopan_json_fail (const JopanJson *ld, GError **error, gboolean missing,
                          const char *format, ...) G_GNUC_PRINTF (4, 5);

/* Member @key of @object as a string into @out (absent or null leaves it:
 * an error only when @required). */
gboolean jopan_json_get_string (JopanJson *ld, JsonObject *object, const char *key,
                                gboolean required, char **out, GError **error);
/* Member @key as a whole number from @min to @max (absent: left alone). */
gboolean jopan_json_get_integer (JopanJson *ld, JsonObject *object, const char *key, int min,
                                 int max, int *out, GError **error);
gboolean jopan_json_is_number (JsonNode *node);
/* Warns, into ld->warnings, about members of @object not in @known. */
void jopan_json_warn_unknown (JopanJson *ld, JsonObject *object, const char *const *known);

/* "weight": "lead", "secondary" or "brief" into @out (absent: left alone). */
gboolean jopan_json_get_weight (JopanJson *ld, JsonObject *object, JopanWeight *out,
                                GError **error);
/* @lang, the value of "lang" in the current object, is a BCP 47 tag. */
gboolean jopan_json_check_lang (JopanJson *ld, const char *lang, GError **error);

/* Valid UTF-8, then strict JSON (RFC 8259), one @what ("article") a file. */
gboolean jopan_json_check_utf8 (const char *name, const char *data, gsize length,
                                GError **error);
gboolean jopan_json_scan (const char *name, const char *data, gsize length, const char *what,
                          GError **error);
/* json-glib's error, with the file's name for its "<data>". */
void jopan_json_parse_error (const char *name, const GError *parse, GError **error);

#endif /* JOPAN_JSON_PRIVATE_H */
