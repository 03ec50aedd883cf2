/* page-file.c — the page file (version 1, DESIGN.md "Page and edition
 * files"): the stories and fixed boxes of one composed page, read with
 * json-glib after the same strict pass as an article (json-place.c).
 *
 * Every article is loaded here, relative to the page file, so that a page
 * with a bad story fails before any layout; an article's own error keeps
 * its file and place and says which page entry named it.  A box is an
 * image (probed like a photo, not decoded) or a one-page PDF.
 */
#include "compose-private.h"

#include "json-private.h"

#include <poppler.h>
#include <string.h>

/* A box's PDF: more than any ad needs, small enough to read at once. */
#define MAX_BOX_PDF_BYTES (64u << 20)

typedef JopanJson Loader;

static JopanPagePlan *
plan_of (const Loader *ld)
{
  return ld->target;
}

/* ---- freeing ------------------------------------------------------------ */

static void
story_free (JopanPageStory *story)
{
  g_clear_pointer (&story->article, jopan_article_free);
  g_free (story->src);
  g_free (story->place);
  g_free (story);
}

static void
box_free (JopanPageBox *box)
{
  if (box->image)
    {
      g_free (box->image->path);
      g_free (box->image->src);
      g_free (box->image->place);
      g_free (box->image);
    }
  g_free (box->path);
  g_free (box->src);
  g_free (box->place);
  g_free (box);
}

JopanPagePlan *
jopan_page_plan_new (const char *name)
{
  JopanPagePlan *plan = g_new0 (JopanPagePlan, 1);

  g_atomic_ref_count_init (&plan->ref_count);
  plan->name = g_strdup (name);
  plan->number = 1;
  plan->stories = g_ptr_array_new_with_free_func ((GDestroyNotify) story_free);
  plan->boxes = g_ptr_array_new_with_free_func ((GDestroyNotify) box_free);
  plan->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (plan->warnings, NULL);
  return plan;
}

JopanPagePlan *
jopan_page_plan_ref (JopanPagePlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  g_atomic_ref_count_inc (&plan->ref_count);
  return plan;
}

void
jopan_page_plan_free (JopanPagePlan *plan)
{
  if (plan == NULL || !g_atomic_ref_count_dec (&plan->ref_count))
    return;
  g_free (plan->name);
  g_free (plan->title);
  g_free (plan->date);
  g_free (plan->lang);
  g_free (plan->style);
  g_free (plan->section);
  g_ptr_array_unref (plan->stories);
  g_ptr_array_unref (plan->boxes);
  if (plan->warnings)
    g_ptr_array_unref (plan->warnings);
  g_free (plan);
}

const char *
jopan_page_plan_get_style (const JopanPagePlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);
  return plan->style;
}

/* ---- places --------------------------------------------------------------- */

/* "page.json:7:9: articles[2]": the current value's place, for messages
 * made later (an article's error, a box that cannot be drawn). */
static char *
place_here (const Loader *ld)
{
  g_autofree char *path = jopan_json_path_name (ld, ld->depth);
  guint line, column;

  jopan_json_place_of (ld, ld->depth, &line, &column);
  return g_strdup_printf ("%s:%u:%u: %s", ld->name, line, column, path);
}

static char *
resolve (const Loader *ld, const char *src)
{
  g_autofree char *dir = g_path_get_dirname (ld->name);

  return g_path_is_absolute (src) ? g_strdup (src) : g_build_filename (dir, src, NULL);
}

/* ---- lengths and slots ---------------------------------------------------- */

/* Member @key as a length ("180mm") into @points, or, with @lines, also
 * as a whole number of grid lines into @lines.  Absent: left alone unless
 * @required. */
static gboolean
get_length (Loader *ld, JsonObject *object, const char *key, gboolean required, double *points,
            int *lines, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);
  gboolean ok = FALSE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      jopan_json_push_key (ld, key);
      jopan_json_fail (ld, error, TRUE, "required key is missing");
      ld->depth--;
      return FALSE;
    }
  jopan_json_push_key (ld, key);
  if (lines && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      gint64 n = json_node_get_int (node);
      ok = n >= 0 && n <= JOPAN_MAX_SLOT_LINES;
      *lines = (int) n;
    }
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    ok = jopan_length_parse (json_node_get_string (node), 0, points) && *points >= 0;
  if (!ok)
    {
      g_autofree char *got = jopan_json_raw_value (ld);
      if (lines)
        jopan_json_fail (ld, error, FALSE, "expected a length such as \"180mm\" or a whole "
                         "number of grid lines from 0 to %d, got %s", JOPAN_MAX_SLOT_LINES, got);
      else
        jopan_json_fail (ld, error, FALSE, "expected a length such as \"120mm\", got %s", got);
    }
  ld->depth--;
  return ok;
}

/* A whole number from @min to @max that must be there. */
static gboolean
get_required_integer (Loader *ld, JsonObject *object, const char *key, int min, int max,
                      int *out, GError **error)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      jopan_json_push_key (ld, key);
      jopan_json_fail (ld, error, TRUE, "required key is missing");
      ld->depth--;
      return FALSE;
    }
  return jopan_json_get_integer (ld, object, key, min, max, out, error);
}

/* "slot": { "column": 1, "columns": 3, "top": "0mm", "depth": "200mm" }.
 * The column counts from 1 in the file, from 0 in the plan; whether the
 * slot fits the style's grid is for composition to say. */
static gboolean
load_slot_object (Loader *ld, JsonNode *node, JopanModuleSlot *slot, GError **error)
{
  static const char *const known[] = { "column", "columns", "top", "depth", NULL };
  JsonObject *object;
  int column = 1;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return jopan_json_fail (ld, error, FALSE, "expected an object with \"column\", \"columns\", "
                            "\"top\" and \"depth\"");
  object = json_node_get_object (node);
  slot->top_lines = slot->depth_lines = -1;
  if (!get_required_integer (ld, object, "column", 1, JOPAN_MAX_COLUMNS, &column, error)
      || !get_required_integer (ld, object, "columns", 1, JOPAN_MAX_COLUMNS, &slot->columns, error)
      || !get_length (ld, object, "top", TRUE, &slot->top, &slot->top_lines, error)
      || !get_length (ld, object, "depth", TRUE, &slot->depth, &slot->depth_lines, error))
    return FALSE;
  jopan_json_warn_unknown (ld, object, known);
  if (column - 1 + slot->columns > JOPAN_MAX_COLUMNS)
    {
      jopan_json_push_key (ld, "columns");
      jopan_json_fail (ld, error, FALSE, "%d columns from column %d end past column %d: expected "
                       "at most %d", slot->columns, column, JOPAN_MAX_COLUMNS,
                       JOPAN_MAX_COLUMNS - column + 1);
      ld->depth--;
      return FALSE;
    }
  if (slot->depth_lines == 0 || (slot->depth_lines < 0 && slot->depth < 12))
    {
      jopan_json_push_key (ld, "depth");
      jopan_json_fail (ld, error, FALSE, "expected a depth of at least 12pt or one grid line");
      ld->depth--;
      return FALSE;
    }
  slot->column = column - 1;
  slot->fixed = TRUE;
  return TRUE;
}

static gboolean
load_slot (Loader *ld, JsonObject *object, JopanModuleSlot *slot, GError **error)
{
  JsonNode *node = json_object_get_member (object, "slot");
  gboolean ok;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  jopan_json_push_key (ld, "slot");
  ok = load_slot_object (ld, node, slot, error);
  ld->depth--;
  return ok;
}

/* ---- articles ------------------------------------------------------------- */

/* The article at story->src: its own error, and the entry that named it. */
static gboolean
load_story_article (Loader *ld, JopanPageStory *story, GError **error)
{
  g_autofree char *path = resolve (ld, story->src);
  g_autoptr (GError) local = NULL;

  story->article = jopan_article_load (path, &local);
  if (story->article)
    return TRUE;
  jopan_set_error (error, (JopanErrorCode) local->code, "%s (named by %s)", local->message,
                   story->place);
  return FALSE;
}

static gboolean
load_story_object (Loader *ld, JsonObject *object, JopanPageStory *story, GError **error)
{
  static const char *const known[] = { "src", "weight", "slot", "jump", NULL };
  int jump = 0;

  if (!jopan_json_get_string (ld, object, "src", TRUE, &story->src, error)
      || !jopan_json_get_weight (ld, object, &story->weight, error)
      || !jopan_json_get_integer (ld, object, "jump", 1, JOPAN_MAX_PAGE_NUMBER, &jump, error)
      || !load_slot (ld, object, &story->slot, error))
    return FALSE;
  jopan_json_warn_unknown (ld, object, known);
  story->jump = (guint) jump;
  if (story->jump && story->jump == plan_of (ld)->number)
    {
      jopan_json_push_key (ld, "jump");
      jopan_json_fail (ld, error, FALSE, "the story continues on page %u, this page: expected "
                       "another page's number", story->jump);
      ld->depth--;
      return FALSE;
    }
  if (story->jump && plan_of (ld)->edition_pages && story->jump > plan_of (ld)->edition_pages)
    {
      jopan_json_push_key (ld, "jump");
      jopan_json_fail (ld, error, FALSE, "page %u does not exist: expected a page of the edition, "
                       "1 to %u", story->jump, plan_of (ld)->edition_pages);
      ld->depth--;
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_story (Loader *ld, JsonNode *node, GError **error)
{
  JopanPageStory *story = g_new0 (JopanPageStory, 1);

  g_ptr_array_add (plan_of (ld)->stories, story);
  story->place = place_here (ld);
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
      && *json_node_get_string (node))
    story->src = g_strdup (json_node_get_string (node));
  else if (!JSON_NODE_HOLDS_OBJECT (node))
    return jopan_json_fail (ld, error, FALSE, "expected an article file's path, or an object "
                            "with \"src\"");
  else if (!load_story_object (ld, json_node_get_object (node), story, error))
    return FALSE;
  return load_story_article (ld, story, error);
}

/* The same article twice on one page is a mistake, not a layout. */
static gboolean
check_repeats (Loader *ld, guint index, GError **error)
{
  GPtrArray *stories = plan_of (ld)->stories;
  const JopanPageStory *story = g_ptr_array_index (stories, index);
  g_autofree char *path = resolve (ld, story->src);
  g_autoptr (GFile) file = g_file_new_for_path (path);

  for (guint i = 0; i < index; i++)
    {
      const JopanPageStory *other = g_ptr_array_index (stories, i);
      g_autofree char *other_path = resolve (ld, other->src);
      g_autoptr (GFile) other_file = g_file_new_for_path (other_path);

      if (g_file_equal (file, other_file))
        return jopan_json_fail (ld, error, FALSE, "\"%s\" is also articles[%u]: expected each "
                                "story once on a page", story->src, i);
    }
  return TRUE;
}

static gboolean
load_stories (Loader *ld, JsonObject *root, GError **error)
{
  JsonNode *node = json_object_get_member (root, "articles");
  JsonArray *array = NULL;
  gboolean ok = TRUE;

  jopan_json_push_key (ld, "articles");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    ok = jopan_json_fail (ld, error, TRUE, "required key is missing: expected an array of 1 to %d "
                          "article files", JOPAN_MAX_PAGE_STORIES);
  else if (!JSON_NODE_HOLDS_ARRAY (node)
           || json_array_get_length (array = json_node_get_array (node)) < 1
           || json_array_get_length (array) > JOPAN_MAX_PAGE_STORIES)
    ok = jopan_json_fail (ld, error, FALSE, "expected an array of 1 to %d article files",
                          JOPAN_MAX_PAGE_STORIES);
  for (guint i = 0; ok && i < json_array_get_length (array); i++)
    {
      jopan_json_push_index (ld, i);
      ok = load_story (ld, json_array_get_element (array, i), error)
           && check_repeats (ld, i, error);
      ld->depth--;
    }
  ld->depth--;
  return ok;
}

/* ---- boxes ----------------------------------------------------------------- */

/* A PDF box: a complete PDF of exactly one page, which poppler can read. */
static gboolean
probe_pdf (JopanPageBox *box, GError **error)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) local = NULL;
  g_autoptr (GBytes) bytes = NULL;
  PopplerDocument *pdf;
  gsize length;
  int pages;

  if (!jopan_read_input_file (box->path, MAX_BOX_PDF_BYTES, &data, &length, error))
    return FALSE;
  bytes = g_bytes_new_take (g_steal_pointer (&data), length);
  pdf = poppler_document_new_from_bytes (bytes, NULL, &local);
  if (pdf == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot read PDF \"%s\": %s: expected a "
                       "complete PDF", box->src, local->message);
      return FALSE;
    }
  pages = poppler_document_get_n_pages (pdf);
  if (pages == 1)
    {
      PopplerPage *page = poppler_document_get_page (pdf, 0);
      double w = 0, h = 0;
      poppler_page_get_size (page, &w, &h);
      box->aspect = w > 0 && h > 0 ? w / h : 0;
      g_object_unref (page);
    }
  g_object_unref (pdf);
  if (pages != 1)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "PDF \"%s\" has %d pages: expected a one-page PDF",
                       box->src, pages);
      return FALSE;
    }
  return TRUE;
}

/* Whether the file starts as a PDF does ("%PDF-"), whatever its name. */
static gboolean
looks_like_pdf (const char *path)
{
  char head[5] = { 0 };
  FILE *f = fopen (path, "rb");
  gboolean pdf;

  if (f == NULL)
    return FALSE;
  pdf = fread (head, 1, sizeof head, f) == sizeof head && memcmp (head, "%PDF-", 5) == 0;
  fclose (f);
  return pdf;
}

static gboolean
probe_box (JopanPageBox *box, GError **error)
{
  if (!g_file_test (box->path, G_FILE_TEST_EXISTS))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "cannot open box \"%s\": no such file", box->src);
      return FALSE;
    }
  if (!g_file_test (box->path, G_FILE_TEST_IS_REGULAR))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "box \"%s\" is not a regular file: expected an "
                       "image (JPEG, PNG) or a one-page PDF", box->src);
      return FALSE;
    }
  box->is_pdf = looks_like_pdf (box->path);
  if (box->is_pdf)
    return probe_pdf (box, error);
  box->image = g_new0 (JopanImageRef, 1);
  box->image->focus_x = box->image->focus_y = 0.5;
  box->image->src = g_strdup (box->src);
  box->image->path = g_strdup (box->path);
  box->image->place = g_strdup (box->place);
  if (!jopan_image_probe (box->image, error))
    return FALSE;
  box->aspect = (double) box->image->width / box->image->height;
  return TRUE;
}

static gboolean
load_box_position (Loader *ld, JsonObject *object, JopanPageBox *box, GError **error)
{
  g_autofree char *position = NULL;
  gboolean ok = TRUE;

  if (!jopan_json_get_string (ld, object, "position", FALSE, &position, error))
    return FALSE;
  box->position = box->slot.fixed ? JOPAN_BOX_AT_SLOT : JOPAN_BOX_AT_FOOT;
  if (position == NULL)
    return TRUE;
  jopan_json_push_key (ld, "position");
  if (box->slot.fixed)
    ok = jopan_json_fail (ld, error, FALSE, "a box with a \"slot\" has no position: expected "
                          "one or the other");
  else if (strcmp (position, "foot") == 0 || strcmp (position, "top") == 0)
    box->position = position[0] == 't' ? JOPAN_BOX_AT_TOP : JOPAN_BOX_AT_FOOT;
  else
    ok = jopan_json_fail (ld, error, FALSE, "expected \"foot\" or \"top\" (or a \"slot\")");
  ld->depth--;
  return ok;
}

static gboolean
load_box_object (Loader *ld, JsonObject *object, JopanPageBox *box, GError **error)
{
  static const char *const known[] = { "src", "columns", "depth", "position", "slot", NULL };
  gboolean sized;

  if (!jopan_json_get_string (ld, object, "src", TRUE, &box->src, error)
      || !load_slot (ld, object, &box->slot, error))
    return FALSE;
  sized = box->slot.fixed;
  if (!(sized ? jopan_json_get_integer (ld, object, "columns", 1, JOPAN_MAX_COLUMNS,
                                        &box->columns, error)
              : get_required_integer (ld, object, "columns", 1, JOPAN_MAX_COLUMNS, &box->columns,
                                      error))
      || !get_length (ld, object, "depth", !sized, &box->depth, NULL, error))
    return FALSE;
  /* With a slot, the slot sizes the box (its depth in points only when
   * given as a length: composition reads grid lines with the style). */
  if (sized)
    {
      box->columns = box->slot.columns;
      box->depth = box->slot.depth_lines >= 0 ? 0 : box->slot.depth;
    }
  if (!sized && box->depth < 12)
    {
      jopan_json_push_key (ld, "depth");
      jopan_json_fail (ld, error, FALSE, "expected a depth of at least 12pt");
      ld->depth--;
      return FALSE;
    }
  if (!load_box_position (ld, object, box, error))
    return FALSE;
  jopan_json_warn_unknown (ld, object, known);
  return TRUE;
}

static gboolean
load_box (Loader *ld, JsonNode *node, GError **error)
{
  JopanPageBox *box = g_new0 (JopanPageBox, 1);
  g_autoptr (GError) local = NULL;

  g_ptr_array_add (plan_of (ld)->boxes, box);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return jopan_json_fail (ld, error, FALSE, "expected an object with \"src\", \"columns\" and "
                            "\"depth\"");
  if (!load_box_object (ld, json_node_get_object (node), box, error))
    return FALSE;
  box->path = resolve (ld, box->src);
  jopan_json_push_key (ld, "src");
  box->place = place_here (ld);
  if (!probe_box (box, &local))
    {
      /* The photo checks speak of photos; this is a box. */
      g_autoptr (GString) message = g_string_new (local->message);
      g_string_replace (message, "photo \"", "box \"", 0);
      g_string_replace (message, "expected JPEG or PNG", "expected JPEG, PNG or a one-page PDF",
                        0);
      jopan_json_fail (ld, error, FALSE, "%s", message->str);
    }
  ld->depth--;
  return local == NULL;
}

static gboolean
load_boxes (Loader *ld, JsonObject *root, GError **error)
{
  JsonNode *node = json_object_get_member (root, "boxes");
  JsonArray *array = NULL;
  gboolean ok = TRUE;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  jopan_json_push_key (ld, "boxes");
  if (!JSON_NODE_HOLDS_ARRAY (node)
      || json_array_get_length (array = json_node_get_array (node)) > JOPAN_MAX_PAGE_BOXES)
    ok = jopan_json_fail (ld, error, FALSE, "expected an array of at most %d boxes",
                          JOPAN_MAX_PAGE_BOXES);
  for (guint i = 0; ok && i < json_array_get_length (array); i++)
    {
      jopan_json_push_index (ld, i);
      ok = load_box (ld, json_array_get_element (array, i), error);
      ld->depth--;
    }
  ld->depth--;
  return ok;
}

/* ---- the page --------------------------------------------------------------- */

/* An edition ("pages") is not a page: say so at its place. */
static gboolean
check_not_edition (Loader *ld, JsonObject *root, GError **error)
{
  gboolean ok;

  if (!json_object_has_member (root, "pages"))
    return TRUE;
  jopan_json_push_key (ld, "pages");
  ok = jopan_json_fail (ld, error, FALSE, "an edition of several pages: expected one page, "
                        "with \"articles\" (and \"boxes\") at the top of the file");
  ld->depth--;
  return ok;
}

static gboolean
load_page (Loader *ld, JsonObject *root, GError **error)
{
  static const char *const known[] = { "version", "title", "date", "lang", "style", "section",
                                       "number", "articles", "boxes", NULL };
  JopanPagePlan *plan = plan_of (ld);
  int version = 1, number = 1;

  if (!check_not_edition (ld, root, error)
      || !jopan_json_get_integer (ld, root, "version", 1, 1, &version, error)
      || !jopan_json_get_integer (ld, root, "number", 1, JOPAN_MAX_PAGE_NUMBER, &number, error)
      || !jopan_json_get_string (ld, root, "title", FALSE, &plan->title, error)
      || !jopan_json_get_string (ld, root, "date", FALSE, &plan->date, error)
      || !jopan_json_get_string (ld, root, "lang", FALSE, &plan->lang, error)
      || !jopan_json_get_string (ld, root, "style", FALSE, &plan->style, error)
      || !jopan_json_get_string (ld, root, "section", FALSE, &plan->section, error))
    return FALSE;
  plan->number = (guint) number;
  if (plan->lang && !jopan_json_check_lang (ld, plan->lang, error))
    return FALSE;
  if (plan->style && !*plan->style)
    {
      jopan_json_push_key (ld, "style");
      jopan_json_fail (ld, error, FALSE, "must not be empty: expected a style name or .ini file");
      ld->depth--;
      return FALSE;
    }
  /* A style file, as any path in the page file, is relative to it. */
  if (plan->style && (strchr (plan->style, '/') || g_str_has_suffix (plan->style, ".ini")))
    {
      char *path = resolve (ld, plan->style);
      g_free (plan->style);
      plan->style = path;
    }
  jopan_json_warn_unknown (ld, root, known);
  return load_stories (ld, root, error) && load_boxes (ld, root, error);
}

gboolean
jopan_page_plan_load_entry (JopanJson *ld, JsonObject *object, JopanPagePlan *plan,
                            GError **error)
{
  static const char *const known[] = { "section", "articles", "boxes", NULL };
  gpointer target = ld->target;
  GPtrArray *warnings = ld->warnings;
  gboolean ok;

  ld->target = plan;
  ld->warnings = plan->warnings;
  ok = jopan_json_get_string (ld, object, "section", FALSE, &plan->section, error);
  if (ok)
    jopan_json_warn_unknown (ld, object, known);
  ok = ok && load_stories (ld, object, error) && load_boxes (ld, object, error);
  ld->target = target;
  ld->warnings = warnings;
  return ok;
}

JopanPagePlan *
jopan_page_plan_load_from_data (const char *data, gsize length, const char *name, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new (); /* not sealed: see article-json.c */
  g_autoptr (GError) local = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;
  JsonNode *root;
  Loader ld;

  if (!jopan_json_check_utf8 (name, data, length, error)
      || !jopan_json_scan (name, data, length, "page", error))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local))
    {
      jopan_json_parse_error (name, local, error);
      return NULL;
    }
  plan = jopan_page_plan_new (name);
  ld = (Loader) { .name = name, .text = data, .length = length, .target = plan,
                  .warnings = plan->warnings };
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      jopan_json_fail (&ld, error, FALSE, "expected a JSON object with \"articles\"");
      return NULL;
    }
  if (!load_page (&ld, json_node_get_object (root), error))
    return NULL;
  return g_steal_pointer (&plan);
}

JopanPagePlan *
jopan_page_plan_load (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  if (!jopan_read_input_file (path, JOPAN_MAX_PAGE_FILE_BYTES, &data, &length, error))
    return NULL;
  return jopan_page_plan_load_from_data (data, length, path, error);
}

void
jopan_module_slot_points (const JopanModuleSlot *slot, const JopanStyle *style, double *top,
                          double *depth)
{
  *top = slot->top_lines >= 0 ? slot->top_lines * style->baseline : slot->top;
  *depth = slot->depth_lines >= 0 ? slot->depth_lines * style->baseline : slot->depth;
}
