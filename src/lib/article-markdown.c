/* article-markdown.c — the CommonMark body, parsed with cmark, as blocks. */
#include "jopan-private.h"

#include <cmark.h>
#include <string.h>

typedef struct {
  JopanArticle *article;
  GString *text;
  GArray *spans;
  GPtrArray *links;     /* the block's: destinations of the link spans */
  gboolean skip_lists;  /* a list item's own lists become blocks of their own */
  gboolean after_marker; /* the next paragraph continues the marker's line */
} Inlines;

static char *list_marker (cmark_node *list, int index);

static void
warn_at (JopanArticle *article, cmark_node *node, const char *what)
{
  jopan_article_warn (article, "%s: body line %d: %s", article->name,
                      cmark_node_get_start_line (node), what);
}

static void
add_leaf (Inlines *in, const char *literal, JopanSpanFlags flags)
{
  JopanSpan span = { (guint) in->text->len, 0, flags, NULL };

  g_string_append (in->text, literal ? literal : "");
  span.end = (guint) in->text->len;
  if (flags && span.end > span.start)
    g_array_append_val (in->spans, span);
}

static void collect (Inlines *in, cmark_node *node, JopanSpanFlags flags);

/* A link's text, with a link span to its destination if a reader could
 * follow it (an absolute web or mail address); its text stays either way. */
static void
add_link (Inlines *in, cmark_node *link, JopanSpanFlags flags)
{
  JopanSpan span = { (guint) in->text->len, 0, JOPAN_SPAN_LINK, NULL };
  char *uri = jopan_link_uri (cmark_node_get_url (link));

  collect (in, link, flags);
  span.end = (guint) in->text->len;
  if (uri == NULL || span.end == span.start)
    {
      g_free (uri);
      return;
    }
  span.uri = uri;
  g_ptr_array_add (in->links, uri);
  g_array_append_val (in->spans, span);
}

static void
collect (Inlines *in, cmark_node *node, JopanSpanFlags flags)
{
  for (cmark_node *child = cmark_node_first_child (node); child; child = cmark_node_next (child))
    {
      switch (cmark_node_get_type (child))
        {
        case CMARK_NODE_TEXT:
          add_leaf (in, cmark_node_get_literal (child), flags);
          break;
        case CMARK_NODE_CODE:
          add_leaf (in, cmark_node_get_literal (child), flags | JOPAN_SPAN_CODE);
          break;
        case CMARK_NODE_SOFTBREAK:
          g_string_append_c (in->text, ' ');
          break;
        case CMARK_NODE_LINEBREAK:
          /* A hard break ends a line that must not be justified: Pango
           * justifies before U+2028, so it becomes a paragraph break. */
          g_string_append_c (in->text, '\n');
          break;
        case CMARK_NODE_EMPH:
          collect (in, child, flags | JOPAN_SPAN_EMPHASIS);
          break;
        case CMARK_NODE_STRONG:
          collect (in, child, flags | JOPAN_SPAN_STRONG);
          break;
        case CMARK_NODE_LINK:
          add_link (in, child, flags);
          break;
        case CMARK_NODE_IMAGE:
          warn_at (in->article, child, "an image in the body is not placed; its text is kept");
          collect (in, child, flags);
          break;
        case CMARK_NODE_HTML_INLINE:
          warn_at (in->article, child, "raw HTML ignored");
          break;
        default:
          collect (in, child, flags);
          break;
        }
    }
}

/* Appends the inline text of @node's paragraphs (and of a code block) to @in,
 * paragraphs separated by newlines. */
static void
collect_blocks (Inlines *in, cmark_node *node)
{
  for (cmark_node *child = cmark_node_first_child (node); child; child = cmark_node_next (child))
    {
      cmark_node_type type = cmark_node_get_type (child);

      if (type == CMARK_NODE_HTML_BLOCK)
        {
          warn_at (in->article, child, "raw HTML ignored");
          continue;
        }
      if (type == CMARK_NODE_LIST && in->skip_lists)
        continue;
      if (type == CMARK_NODE_LIST)
        {
          /* A list inside a quote: each item on a line of its own, marked. */
          int index = 0;
          for (cmark_node *item = cmark_node_first_child (child); item; item = cmark_node_next (item))
            {
              g_autofree char *marker = list_marker (child, index++);
              if (in->text->len > 0)
                g_string_append_c (in->text, '\n');
              g_string_append_printf (in->text, "%s ", marker);
              in->after_marker = TRUE;
              collect_blocks (in, item);
            }
          continue;
        }
      if (in->text->len > 0 && !in->after_marker
          && (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING
              || type == CMARK_NODE_CODE_BLOCK))
        g_string_append_c (in->text, '\n');
      in->after_marker = FALSE;
      if (type == CMARK_NODE_CODE_BLOCK)
        {
          g_autofree char *code = g_strdup (cmark_node_get_literal (child));
          add_leaf (in, g_strchomp (code), JOPAN_SPAN_CODE);
        }
      else if (type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING)
        collect (in, child, 0);
      else
        collect_blocks (in, child);
    }
}

static void
add_block (JopanArticle *article, JopanBlockKind kind, cmark_node *node, const char *marker,
           gboolean inlines_only, guint level)
{
  JopanBlock *block = jopan_block_new (kind);
  Inlines in = { .article = article, .text = g_string_new (NULL), .spans = block->spans,
                 .links = block->links, .skip_lists = kind == JOPAN_BLOCK_LIST_ITEM };

  if (cmark_node_get_type (node) == CMARK_NODE_CODE_BLOCK)
    {
      g_autofree char *code = g_strdup (cmark_node_get_literal (node));
      add_leaf (&in, g_strchomp (code), JOPAN_SPAN_CODE);
    }
  else if (inlines_only)
    collect (&in, node, 0);
  else
    collect_blocks (&in, node);
  block->text = g_string_free (in.text, FALSE);
  jopan_find_bare_urls (block->text, block->spans, block->links);
  block->marker = g_strdup (marker);
  block->level = level;
  block->line = (guint) cmark_node_get_start_line (node);
  if (*block->text == '\0' && marker == NULL)
    jopan_block_free (block);
  else
    g_ptr_array_add (article->blocks, block);
}

/* The marker of the @index-th item of @list: "•", "–" in a nested list, or "3.". */
static char *
list_marker (cmark_node *list, int index)
{
  gboolean nested = cmark_node_get_type (cmark_node_parent (list)) == CMARK_NODE_ITEM;

  if (cmark_node_get_list_type (list) == CMARK_ORDERED_LIST)
    return g_strdup_printf ("%d.", cmark_node_get_list_start (list) + index);
  return g_strdup (nested ? "–" : "•");
}

/* Each item a block; a list inside an item follows it, one level deeper. */
static void
add_list (JopanArticle *article, cmark_node *list, guint level)
{
  int index = 0;

  for (cmark_node *item = cmark_node_first_child (list); item; item = cmark_node_next (item))
    {
      g_autofree char *marker = list_marker (list, index++);
      add_block (article, JOPAN_BLOCK_LIST_ITEM, item, marker, FALSE, level);
      for (cmark_node *child = cmark_node_first_child (item); child; child = cmark_node_next (child))
        if (cmark_node_get_type (child) == CMARK_NODE_LIST)
          add_list (article, child, level + 1);
    }
}

/* Refuses a paragraph over JOPAN_MAX_PARAGRAPH_BYTES, at its line. */
static gboolean
check_paragraph_sizes (const JopanArticle *article, GError **error)
{
  for (guint i = 0; i < article->blocks->len; i++)
    {
      const JopanBlock *block = g_ptr_array_index (article->blocks, i);
      gsize length = jopan_longest_paragraph (block->text);

      if (length > JOPAN_MAX_PARAGRAPH_BYTES)
        {
          jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: body line %u: a paragraph of %" G_GSIZE_FORMAT
                           " bytes; one may have at most %u (1 MB)", article->name, block->line,
                           length, JOPAN_MAX_PARAGRAPH_BYTES);
          return FALSE;
        }
    }
  return TRUE;
}

gsize
jopan_longest_paragraph (const char *text)
{
  gsize longest = 0;

  while (*text)
    {
      gsize n = strcspn (text, "\n");
      longest = MAX (longest, n);
      text += n + (text[n] != '\0');
    }
  return longest;
}

gboolean jopan_body_validate_utf8;

gboolean
jopan_body_parse (JopanArticle *article, const char *markdown, GError **error)
{
  /* The body is a string json-glib read from a file checked as UTF-8
   * whole (jopan_json_check_utf8), whose \u escapes the strict pass
   * holds to characters: cmark's own check (CMARK_OPT_VALIDATE_UTF8)
   * found nothing to mend, for 2.6 % of loading an edition. */
  cmark_node *doc = cmark_parse_document (markdown, strlen (markdown),
                                          CMARK_OPT_SMART
                                            | (jopan_body_validate_utf8 ? CMARK_OPT_VALIDATE_UTF8 : 0));

  if (doc == NULL)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: body: cannot parse CommonMark", article->name);
      return FALSE;
    }
  for (cmark_node *node = cmark_node_first_child (doc); node; node = cmark_node_next (node))
    {
      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_PARAGRAPH:
          add_block (article, JOPAN_BLOCK_PARAGRAPH, node, NULL, TRUE, 0);
          break;
        case CMARK_NODE_HEADING:
          add_block (article, JOPAN_BLOCK_SUBHEAD, node, NULL, TRUE, 0);
          break;
        case CMARK_NODE_BLOCK_QUOTE:
          add_block (article, JOPAN_BLOCK_QUOTE, node, NULL, FALSE, 0);
          break;
        case CMARK_NODE_LIST:
          add_list (article, node, 0);
          break;
        case CMARK_NODE_HTML_BLOCK:
          warn_at (article, node, "raw HTML ignored");
          break;
        case CMARK_NODE_THEMATIC_BREAK:
          break;
        default: /* code blocks and anything else: kept as a paragraph */
          add_block (article, JOPAN_BLOCK_PARAGRAPH, node, NULL, FALSE, 0);
          break;
        }
    }
  cmark_node_free (doc);
  if (article->blocks->len == 0)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: body: no text", article->name);
      return FALSE;
    }
  return check_paragraph_sizes (article, error);
}
