/* edition-file.c — the edition file (version 1, DESIGN.md "Page and
 * edition files"): a title, a date, a lang and a style over a list of
 * pages, each an entry as a page file has (page-file.c reads it).
 *
 * Everything is loaded here, every article of every page, so that a bad
 * story fails before any page is composed; its error names the edition,
 * the page (`pages[3]`) and the entry.  Jumps are checked against the
 * whole edition: each lands on a page that exists, and no chain of jumps
 * comes back to the page it left (the page a story continues on is
 * composed after the page it starts on).
 */
#include "compose-private.h"

#include <string.h>

typedef JopanJson Loader;

void
jopan_edition_free (JopanEdition *edition)
{
  if (edition == NULL)
    return;
  g_free (edition->name);
  g_free (edition->title);
  g_free (edition->date);
  g_free (edition->lang);
  g_free (edition->style);
  g_ptr_array_unref (edition->pages);
  g_ptr_array_unref (edition->warnings);
  g_free (edition);
}

guint
jopan_edition_get_n_pages (const JopanEdition *edition)
{
  g_return_val_if_fail (edition != NULL, 0);
  return edition->pages->len;
}

const char *
jopan_edition_get_style (const JopanEdition *edition)
{
  g_return_val_if_fail (edition != NULL, NULL);
  return edition->style;
}

const char *
jopan_edition_get_title (const JopanEdition *edition)
{
  g_return_val_if_fail (edition != NULL, NULL);
  return edition->title;
}

const char *
jopan_edition_get_date (const JopanEdition *edition)
{
  g_return_val_if_fail (edition != NULL, NULL);
  return edition->date;
}

gboolean
jopan_edition_continues_on (const JopanEdition *edition, guint from, guint to)
{
  const JopanPagePlan *plan;

  g_return_val_if_fail (edition != NULL, FALSE);
  if (from >= edition->pages->len)
    return FALSE;
  plan = g_ptr_array_index (edition->pages, from);
  for (guint s = 0; s < plan->stories->len; s++)
    if (((const JopanPageStory *) g_ptr_array_index (plan->stories, s))->jump == to + 1)
      return TRUE;
  return FALSE;
}

const char *const *
jopan_edition_get_warnings (const JopanEdition *edition)
{
  g_return_val_if_fail (edition != NULL, NULL);
  return (const char *const *) edition->warnings->pdata;
}

static JopanEdition *
edition_new (const char *name)
{
  JopanEdition *edition = g_new0 (JopanEdition, 1);

  edition->name = g_strdup (name);
  edition->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_page_plan_free);
  edition->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (edition->warnings, NULL);
  return edition;
}

/* A page of the edition: the edition's folio fields, its number. */
static gboolean
load_page (Loader *ld, JopanEdition *edition, JsonNode *node, guint index, guint n,
           GError **error)
{
  JopanPagePlan *plan = jopan_page_plan_new (edition->name);

  g_ptr_array_add (edition->pages, plan);
  plan->number = index + 1;
  plan->edition_pages = n;
  plan->title = g_strdup (edition->title);
  plan->date = g_strdup (edition->date);
  plan->lang = g_strdup (edition->lang);
  plan->style = g_strdup (edition->style);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return jopan_json_fail (ld, error, FALSE, "expected a page: an object with \"articles\"");
  return jopan_page_plan_load_entry (ld, json_node_get_object (node), plan, error);
}

static gboolean
load_pages (Loader *ld, JopanEdition *edition, JsonObject *root, GError **error)
{
  JsonNode *node = json_object_get_member (root, "pages");
  JsonArray *array = NULL;
  gboolean ok = TRUE;
  guint n = 0;

  jopan_json_push_key (ld, "pages");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    ok = jopan_json_fail (ld, error, TRUE, "required key is missing: expected an array of 1 to %d "
                          "pages", JOPAN_MAX_EDITION_PAGES);
  else if (!JSON_NODE_HOLDS_ARRAY (node)
           || (n = json_array_get_length (array = json_node_get_array (node))) < 1
           || n > JOPAN_MAX_EDITION_PAGES)
    ok = jopan_json_fail (ld, error, FALSE, "expected an array of 1 to %d pages",
                          JOPAN_MAX_EDITION_PAGES);
  for (guint i = 0; ok && i < n; i++)
    {
      jopan_json_push_index (ld, i);
      ok = load_page (ld, edition, json_array_get_element (array, i), i, n, error);
      ld->depth--;
    }
  ld->depth--;
  return ok;
}

/* The story of page @from (0-based) whose jump leads on, or -1. */
static int
jumping_story (const JopanEdition *edition, guint from, guint start)
{
  const JopanPagePlan *plan = g_ptr_array_index (edition->pages, from);

  for (guint s = start; s < plan->stories->len; s++)
    if (((const JopanPageStory *) g_ptr_array_index (plan->stories, s))->jump > 0)
      return (int) s;
  return -1;
}

/* Follows jumps from page @from; @state: 0 unseen, 1 on the path, 2 done. */
static gboolean
check_cycle (const JopanEdition *edition, guint from, guchar *state, GError **error)
{
  const JopanPagePlan *plan = g_ptr_array_index (edition->pages, from);
  gboolean ok = TRUE;

  if (state[from] == 2)
    return TRUE;
  state[from] = 1;
  for (int s = jumping_story (edition, from, 0); ok && s >= 0;
       s = jumping_story (edition, from, (guint) s + 1))
    {
      const JopanPageStory *story = g_ptr_array_index (plan->stories, s);
      guint to = story->jump - 1;
      if (state[to] == 1)
        {
          jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: jump: the story continues on page %u, "
                           "whose stories lead back to page %u: expected jumps that end (page %u "
                           "carries the rest, so it is composed after page %u)", story->place,
                           story->jump, plan->number, story->jump, plan->number);
          return FALSE;
        }
      ok = check_cycle (edition, to, state, error);
    }
  state[from] = 2;
  return ok;
}

/* Every jump lands on a page that carries at most JOPAN_MAX_CARRIED. */
static gboolean
check_jumps (const JopanEdition *edition, GError **error)
{
  guint n = edition->pages->len;
  g_autofree guchar *state = g_new0 (guchar, n);
  g_autofree guint *carried = g_new0 (guint, n);

  for (guint p = 0; p < n; p++)
    {
      const JopanPagePlan *plan = g_ptr_array_index (edition->pages, p);
      for (int s = jumping_story (edition, p, 0); s >= 0;
           s = jumping_story (edition, p, (guint) s + 1))
        {
          const JopanPageStory *story = g_ptr_array_index (plan->stories, s);
          if (++carried[story->jump - 1] > JOPAN_MAX_CARRIED)
            {
              jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: jump: page %u already carries %d "
                               "continued stories: expected at most %d a page", story->place,
                               story->jump, JOPAN_MAX_CARRIED, JOPAN_MAX_CARRIED);
              return FALSE;
            }
        }
    }
  for (guint p = 0; p < n; p++)
    if (!check_cycle (edition, p, state, error))
      return FALSE;
  return TRUE;
}

static gboolean
check_style (Loader *ld, JopanEdition *edition, GError **error)
{
  if (edition->style && !*edition->style)
    {
      jopan_json_push_key (ld, "style");
      jopan_json_fail (ld, error, FALSE, "must not be empty: expected a style name or .ini file");
      ld->depth--;
      return FALSE;
    }
  /* A style file, as any path in the edition, is relative to it. */
  if (edition->style && (strchr (edition->style, '/') || g_str_has_suffix (edition->style, ".ini"))
      && !g_path_is_absolute (edition->style))
    {
      g_autofree char *dir = g_path_get_dirname (ld->name);
      char *path = g_build_filename (dir, edition->style, NULL);
      g_free (edition->style);
      edition->style = path;
    }
  return TRUE;
}

static gboolean
load_edition (Loader *ld, JopanEdition *edition, JsonObject *root, GError **error)
{
  static const char *const known[] = { "version", "title", "date", "lang", "style", "pages", NULL };
  int version = 1;

  if (!jopan_json_get_integer (ld, root, "version", 1, 1, &version, error)
      || !jopan_json_get_string (ld, root, "title", FALSE, &edition->title, error)
      || !jopan_json_get_string (ld, root, "date", FALSE, &edition->date, error)
      || !jopan_json_get_string (ld, root, "lang", FALSE, &edition->lang, error)
      || !jopan_json_get_string (ld, root, "style", FALSE, &edition->style, error))
    return FALSE;
  if (edition->lang && !jopan_json_check_lang (ld, edition->lang, error))
    return FALSE;
  if (!check_style (ld, edition, error))
    return FALSE;
  jopan_json_warn_unknown (ld, root, known);
  return load_pages (ld, edition, root, error) && check_jumps (edition, error);
}

JopanEdition *
jopan_edition_load_from_data (const char *data, gsize length, const char *name, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new (); /* not sealed: see article-json.c */
  g_autoptr (GError) local = NULL;
  g_autoptr (JopanEdition) edition = NULL;
  JsonNode *root;
  JopanJsonMemo memo = { 0 };
  Loader ld;

  if (!jopan_json_check_utf8 (name, data, length, error)
      || !jopan_json_scan (name, data, length, "edition", error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      jopan_json_parse_error (name, local, error);
      return NULL;
    }
  edition = edition_new (name);
  ld = (Loader) { .name = name, .text = data, .length = length, .target = edition,
                  .warnings = edition->warnings, .memo = &memo };
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      jopan_json_fail (&ld, error, FALSE, "expected a JSON object with \"pages\"");
      return NULL;
    }
  if (!load_edition (&ld, edition, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&edition);
}

JopanEdition *
jopan_edition_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  if (!jopan_read_input_file (path, JOPAN_MAX_EDITION_FILE_BYTES, &data, &length, error))
    return NULL;
  return jopan_edition_load_from_data (data, length, path, error);
}
