/* article-json.c — the native article file (version 1), read with json-glib
 * (the strict pre-check and the messages' places are in json-place.c).
 */
#include "json-private.h"

#include <string.h>

typedef JopanJson Loader;

/* ---- the article -------------------------------------------------------- */

static gboolean
get_focus (Loader *ld, JsonObject *object, JopanImageRef *image, GError **error)
{
  JsonNode *node = json_object_get_member (object, "focus");
  JsonArray *pair;
  gboolean ok = TRUE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  jopan_json_push_key (ld, "focus");
  pair = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (pair == NULL || json_array_get_length (pair) != 2
      || !jopan_json_is_number (json_array_get_element (pair, 0))
      || !jopan_json_is_number (json_array_get_element (pair, 1)))
    ok = jopan_json_fail (ld, error, FALSE, "expected [x, y], two numbers from 0 to 1");
  else
    {
      image->focus_x = json_array_get_double_element (pair, 0);
      image->focus_y = json_array_get_double_element (pair, 1);
      if (image->focus_x < 0 || image->focus_x > 1 || image->focus_y < 0 || image->focus_y > 1)
        ok = jopan_json_fail (ld, error, FALSE, "expected [x, y], two numbers from 0 to 1");
    }
  ld->depth--;
  return ok;
}


/* ---- the article -------------------------------------------------------- */

static gboolean
load_image (Loader *ld, JsonNode *node, const char *base_dir, GError **error)
{
  static const char *const known[] = { "src", "caption", "credit", "columns", "focus", "alt", NULL };
  JopanImageRef *image;
  JsonObject *object;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return jopan_json_fail (ld, error, FALSE, "expected an object with \"src\"");
  object = json_node_get_object (node);
  image = g_new0 (JopanImageRef, 1);
  image->focus_x = image->focus_y = 0.5;
  g_ptr_array_add (((JopanArticle *) ld->target)->images, image);

  if (!jopan_json_get_string (ld, object, "src", TRUE, &image->src, error)
      || !jopan_json_get_string (ld, object, "caption", FALSE, &image->caption, error)
      || !jopan_json_get_string (ld, object, "credit", FALSE, &image->credit, error)
      || !jopan_json_get_integer (ld, object, "columns", 1, 12, &image->columns, error)
      || !get_focus (ld, object, image, error))
    return FALSE;
  jopan_json_warn_unknown (ld, object, known);

  image->path = g_path_is_absolute (image->src) ? g_strdup (image->src)
                                                : g_build_filename (base_dir, image->src, NULL);
  jopan_json_push_key (ld, "src");
  {
    g_autoptr (GError) local = NULL;
    g_autofree char *path = jopan_json_path_name (ld, ld->depth);
    guint line, column;
    gboolean ok = jopan_image_probe (image, &local);

    /* Render-time photo errors name the same place. */
    jopan_json_place_of (ld, ld->depth, &line, &column);
    image->place = g_strdup_printf ("%s:%u:%u: %s", ld->name, line, column, path);
    if (!ok)
      jopan_json_fail (ld, error, FALSE, "%s", local->message);
    ld->depth--;
    return ok;
  }
}

static gboolean
load_images (Loader *ld, JsonObject *root, const char *base_dir, GError **error)
{
  JsonNode *node = json_object_get_member (root, "images");
  JsonArray *array;
  gboolean ok = TRUE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  jopan_json_push_key (ld, "images");
  if (!JSON_NODE_HOLDS_ARRAY (node))
    ok = jopan_json_fail (ld, error, FALSE, "expected an array of photos");
  array = ok ? json_node_get_array (node) : NULL;
  for (guint i = 0; ok && i < json_array_get_length (array); i++)
    {
      jopan_json_push_index (ld, i);
      ok = load_image (ld, json_array_get_element (array, i), base_dir, error);
      ld->depth--;
    }
  ld->depth--;
  return ok;
}

static gboolean
load_fields (Loader *ld, JsonObject *root, const char *base_dir, GError **error)
{
  static const char *const known[] = { "version", "id", "lang", "section", "kicker", "headline",
                                       "subheadline", "byline", "email", "dateline", "date", "images",
                                       "body", "headline_columns", "weight", "jump_headline",
                                       NULL };
  JopanArticle *a = ld->target;
  g_autofree char *body = NULL;
  int version = 1;

  if (!jopan_json_get_integer (ld, root, "version", 1, 1, &version, error)
      || !jopan_json_get_integer (ld, root, "headline_columns", 1, 12, &a->headline_columns, error)
      || !jopan_json_get_string (ld, root, "headline", TRUE, &a->headline, error)
      || !jopan_json_get_string (ld, root, "body", TRUE, &body, error)
      || !jopan_json_get_string (ld, root, "id", FALSE, &a->id, error)
      || !jopan_json_get_string (ld, root, "lang", FALSE, &a->lang, error)
      || !jopan_json_get_string (ld, root, "section", FALSE, &a->section, error)
      || !jopan_json_get_string (ld, root, "kicker", FALSE, &a->kicker, error)
      || !jopan_json_get_string (ld, root, "subheadline", FALSE, &a->subheadline, error)
      || !jopan_json_get_string (ld, root, "byline", FALSE, &a->byline, error)
      || !jopan_json_get_string (ld, root, "email", FALSE, &a->email, error)
      || !jopan_json_get_string (ld, root, "dateline", FALSE, &a->dateline, error)
      || !jopan_json_get_string (ld, root, "date", FALSE, &a->date, error)
      || !jopan_json_get_string (ld, root, "jump_headline", FALSE, &a->jump_headline, error)
      || !jopan_json_get_weight (ld, root, &a->weight, error))
    return FALSE;
  if (a->lang && !jopan_json_check_lang (ld, a->lang, error))
    return FALSE;
  jopan_json_warn_unknown (ld, root, known);
  if (!load_images (ld, root, base_dir, error))
    return FALSE;
  return jopan_body_parse (a, body, error);
}


JopanArticle *
jopan_article_load_from_data (const char *data, gssize length, const char *name,
                              const char *base_dir, GError **error)
{
  /* Not json_parser_new_immutable(): sealing hashes every value, the
   * body's whole text too (3 % of loading an edition), for a tree that is
   * only read here and freed. */
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) local = NULL;
  g_autoptr (JopanArticle) article = NULL;
  JopanJsonMemo memo = { 0 };
  JsonNode *root;
  Loader ld = { 0 };

  g_return_val_if_fail (data != NULL && name != NULL, NULL);
  if (length < 0)
    length = (gssize) strlen (data);
  if ((gsize) length > JOPAN_MAX_ARTICLE_BYTES)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: %" G_GSSIZE_FORMAT " bytes: expected an "
                       "article of at most %u bytes (16 MB)", name, length, JOPAN_MAX_ARTICLE_BYTES);
      return NULL;
    }
  if (!jopan_json_check_utf8 (name, data, (gsize) length, error)
      || !jopan_json_scan (name, data, (gsize) length, "article", error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, length, &local))
    {
      jopan_json_parse_error (name, local, error);
      return NULL;
    }
  article = jopan_article_new_empty (name);
  /* The photos' places are found in text order: each from the last. */
  ld = (Loader) { .name = name, .text = data, .length = (gsize) length, .target = article,
                    .warnings = article->warnings, .memo = &memo };
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      jopan_json_fail (&ld, error, FALSE, "expected a JSON object with \"headline\" and \"body\"");
      return NULL;
    }
  if (!load_fields (&ld, json_node_get_object (root), base_dir ? base_dir : ".", error))
    return NULL;
  return g_steal_pointer (&article);
}

JopanArticle *
jopan_article_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  g_autofree char *dir = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  if (!jopan_read_input_file (path, JOPAN_MAX_ARTICLE_BYTES, &data, &length, error))
    return NULL;
  dir = g_path_get_dirname (path);
  return jopan_article_load_from_data (data, (gssize) length, path, dir, error);
}
