/* test-article.c — the article loader: fields, CommonMark body, and messages
 * that name the place of a mistake. */
#include "jopan-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define PHOTOS TEST_DATA "/../../samples"

static JopanArticle *
load (const char *json, GError **error)
{
  return jopan_article_load_from_data (json, -1, "story.json", PHOTOS, error);
}

static void
test_fields (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) a = load (
      "{\"id\": \"x\", \"lang\": \"ko\", \"kicker\": \"K\", \"headline\": \"H\",\n"
      " \"subheadline\": \"D\", \"byline\": \"B\", \"dateline\": \"SEOUL\", \"date\": \"2026-11-25\",\n"
      " \"weight\": \"brief\", \"jump_headline\": \"Jump head\",\n"
      " \"images\": [{\"src\": \"photos/harbour-dawn.jpg\", \"caption\": \"C\", \"credit\": \"R\",\n"
      "              \"columns\": 2, \"focus\": [0.25, 1]}],\n"
      " \"body\": \"One.\\n\\nTwo.\"}",
      &error);
  const JopanImageRef *image;

  g_assert_no_error (error);
  g_assert_cmpstr (jopan_article_get_headline (a), ==, "H");
  g_assert_cmpstr (jopan_article_get_lang (a), ==, "ko");
  g_assert_cmpstr (a->kicker, ==, "K");
  g_assert_cmpint (a->weight, ==, JOPAN_WEIGHT_BRIEF);
  g_assert_cmpstr (a->jump_headline, ==, "Jump head");
  g_assert_cmpstr (a->subheadline, ==, "D");
  g_assert_cmpuint (jopan_article_get_n_blocks (a), ==, 2);
  g_assert_cmpuint (jopan_article_get_n_images (a), ==, 1);
  image = g_ptr_array_index (a->images, 0);
  g_assert_cmpint (image->width, ==, 2400);
  g_assert_cmpint (image->height, ==, 1600);
  g_assert_true (image->is_jpeg);
  g_assert_cmpint (image->columns, ==, 2);
  g_assert_cmpfloat (image->focus_x, ==, 0.25);
  g_assert_cmpfloat (image->focus_y, ==, 1);
  g_assert_null (jopan_article_get_warnings (a)[0]);
}

static const JopanBlock *
block (const JopanArticle *a, guint i)
{
  g_assert_cmpuint (i, <, a->blocks->len);
  return g_ptr_array_index (a->blocks, i);
}

static void
test_body (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) a = load (
      "{\"headline\": \"H\", \"body\": \"A *soft* and **hard** word.\\n\\n## Sub head\\n\\n"
      "> Quoted\\n> line.\\n\\n- one\\n- two\\n\\n3. three\\n\\n<div>x</div>\\n\\nSee <b>this</b>.\"}",
      &error);
  const JopanBlock *b;
  const JopanSpan *span;

  g_assert_no_error (error);
  g_assert_cmpuint (a->blocks->len, ==, 7);
  b = block (a, 0);
  g_assert_cmpint (b->kind, ==, JOPAN_BLOCK_PARAGRAPH);
  g_assert_cmpstr (b->text, ==, "A soft and hard word.");
  g_assert_cmpuint (b->spans->len, ==, 2);
  span = &g_array_index (b->spans, JopanSpan, 0);
  g_assert_cmpuint (span->flags, ==, JOPAN_SPAN_EMPHASIS);
  {
    g_autofree char *word = g_strndup (b->text + span->start, span->end - span->start);
    g_assert_cmpstr (word, ==, "soft");
  }
  span = &g_array_index (b->spans, JopanSpan, 1);
  g_assert_cmpuint (span->flags, ==, JOPAN_SPAN_STRONG);
  g_assert_cmpuint (span->start, ==, 11);
  g_assert_cmpint (block (a, 1)->kind, ==, JOPAN_BLOCK_SUBHEAD);
  g_assert_cmpstr (block (a, 1)->text, ==, "Sub head");
  g_assert_cmpint (block (a, 2)->kind, ==, JOPAN_BLOCK_QUOTE);
  g_assert_cmpstr (block (a, 2)->text, ==, "Quoted line.");
  g_assert_cmpint (block (a, 3)->kind, ==, JOPAN_BLOCK_LIST_ITEM);
  g_assert_cmpstr (block (a, 3)->marker, ==, "•");
  g_assert_cmpstr (block (a, 4)->text, ==, "two");
  g_assert_cmpstr (block (a, 5)->marker, ==, "3.");
  /* The HTML block is dropped with a warning; inline tags too, their text kept. */
  g_assert_cmpstr (block (a, 6)->text, ==, "See this.");
  g_assert_nonnull (strstr (jopan_article_get_warnings (a)[0], "story.json: body line 13: raw HTML ignored"));
  g_assert_nonnull (jopan_article_get_warnings (a)[1]);
}

static void
test_unknown_key_warns (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) a = load ("{\"headline\": \"H\",\n  \"colour\": 1, \"body\": \"x\"}", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (jopan_article_get_warnings (a)[0], ==, "story.json:2:13: colour: unknown key ignored");
}

static void
expect_error (const char *json, gssize length, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) a = jopan_article_load_from_data (json, length, "story.json", PHOTOS, &error);

  g_assert_null (a);
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message));
}

static void
test_errors (void)
{
  expect_error ("{\"body\": \"x\"}", -1, "story.json:1:1: headline: required key is missing");
  expect_error ("{\n  \"body\": \"x\",\n  \"headline\": 12\n}", -1,
                "story.json:3:15: headline: expected a string");
  expect_error ("{\"headline\": \"  \", \"body\": \"x\"}", -1, "story.json:1:14: headline: must not be empty");
  expect_error ("{\"headline\": \"H\"}", -1, "story.json:1:1: body: required key is missing");
  expect_error ("[1, 2]", -1, "story.json:1:1: expected a JSON object");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"weight\": \"major\"}", -1,
                "story.json:1:42: weight: expected \"lead\", \"secondary\" or \"brief\"");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"lang\": \"korean!\"}", -1,
                "lang: expected a BCP 47 language tag");
  expect_error ("{\"headline\": \"H\",\n\"body\": \"x\"\n\"date\": \"y\"}", -1,
                "story.json:3:1: body: unexpected \"\"\": expected \",\" or \"}\" after this member");
  expect_error ("{\"headline\": \"H\xff\", \"body\": \"x\"}", -1, "story.json:1: invalid UTF-8 at byte offset 15");
  expect_error ("{\"headline\": \"H\", \"body\": \"   \"}", -1, "story.json:1:27: body: must not be empty");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": {}}", -1,
                "story.json:1:42: images: expected an array of photos");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": [{\"caption\": \"c\"}]}", -1,
                "story.json:1:43: images[0].src: required key is missing");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": [{\"src\": \"photos/nope.jpg\"}]}", -1,
                "story.json:1:51: images[0].src: cannot open photo \"photos/nope.jpg\": no such file");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": [\n {\"src\": \"photos/harbour-dawn.jpg\", \"columns\": \"three\"}]}", -1,
                "story.json:2:48: images[0].columns: expected a whole number from 1 to 12");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": [{\"src\": \"photos/harbour-dawn.jpg\", \"focus\": [2, 0]}]}", -1,
                "images[0].focus: expected [x, y], two numbers from 0 to 1");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": [{\"src\": \"README.md\"}]}", -1,
                "images[0].src: photo \"README.md\" is not a readable image");
  /* Places past strings that end in escaped backslashes or hold escaped
   * quotes, and columns counted in characters. */
  expect_error ("{\"headline\": \"H\", \"body\": \"a \\\\\\\" b \\\\\", \"weight\": \"major\"}", -1,
                "story.json:1:52: weight: expected");
  expect_error ("{\"headline\": \"\xED\x95\x9C\xEA\xB5\xAD \\\"\xEB\xA7\x90\\\\\", \n"
                " \"body\": \"x \\\\\", \"weight\": \"major\"}", -1, "story.json:2:28: weight: expected");
}

/* Lists inside list items keep their markers, one level deeper; a list
 * inside a pull quote keeps its markers on lines of their own. */
static void
test_nested_lists (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) a = load (
      "{\"headline\": \"H\", \"body\": \"- outer\\n  - inner one\\n  - inner two\\n    1. deepest\\n- last\\n\\n"
      "> quoted:\\n> - first\\n> - second\"}",
      &error);

  g_assert_no_error (error);
  g_assert_cmpuint (a->blocks->len, ==, 6);
  g_assert_cmpstr (block (a, 0)->marker, ==, "•");
  g_assert_cmpstr (block (a, 0)->text, ==, "outer");
  g_assert_cmpuint (block (a, 0)->level, ==, 0);
  g_assert_cmpstr (block (a, 1)->marker, ==, "–");
  g_assert_cmpstr (block (a, 1)->text, ==, "inner one");
  g_assert_cmpuint (block (a, 1)->level, ==, 1);
  g_assert_cmpstr (block (a, 2)->text, ==, "inner two");
  g_assert_cmpstr (block (a, 3)->marker, ==, "1.");
  g_assert_cmpstr (block (a, 3)->text, ==, "deepest");
  g_assert_cmpuint (block (a, 3)->level, ==, 2);
  g_assert_cmpstr (block (a, 4)->text, ==, "last");
  g_assert_cmpuint (block (a, 4)->level, ==, 0);
  g_assert_cmpint (block (a, 5)->kind, ==, JOPAN_BLOCK_QUOTE);
  g_assert_cmpstr (block (a, 5)->text, ==, "quoted:\n• first\n• second");
}

/* Only RFC 8259 JSON reaches json-glib, each refusal at its place and path. */
static void
test_strict_json (void)
{
  const char *ok = "{\"headline\": \"H\", \"body\": \"x\", ";

  /* json-glib skips comments and reads the first of two objects. */
  expect_error ("{\"headline\": \"H\", // note\n\"body\": \"x\"}", -1,
                "story.json:1:19: a comment: JSON has none");
  expect_error ("{\"headline\": \"H\",\n /* note */ \"body\": \"x\"}", -1,
                "story.json:2:2: a comment: JSON has none");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\"}\n{\"headline\": \"I\"}", -1,
                "story.json:2:1: a second JSON value");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\",}", -1, "story.json:1:31: \"}\" after a comma");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\"} x", -1, "story.json:1:32: unexpected \"x\"");
  /* Lone surrogates: not U+FFFD, not invalid UTF-8 handed to Pango. */
  expect_error ("{\"headline\": \"H\\ud800\", \"body\": \"x\"}", -1,
                "story.json:1:16: headline: a lone high surrogate \\ud800");
  expect_error ("{\"headline\": \"H\\ud800\\u0041\", \"body\": \"x\"}", -1,
                "story.json:1:16: headline: a lone high surrogate");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"images\": [{\"caption\": \"\\uDC00\"}]}", -1,
                "story.json:1:56: images[0].caption: a lone low surrogate \\uDC00");
  expect_error ("{\"headline\": \"H\\x\", \"body\": \"x\"}", -1, "1:16: headline: an unknown escape");
  expect_error ("{\"headline\": \"H\tI\", \"body\": \"x\"}", -1, "1:16: headline: a control character");
  /* Numbers too big say what they got. */
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"version\": 1e999}", -1,
                "story.json:1:43: version: a number too big: got 1e999");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"headline_columns\": 99999999999999999999}", -1,
                "headline_columns: expected a whole number from 1 to 12, got 99999999999999999999");
  expect_error ("{\"headline\": \"H\", \"body\": \"x\", \"version\": 01}", -1, "a malformed number");
  {
    g_autoptr (GString) deep = g_string_new (ok);
    g_autoptr (GString) fine = g_string_new (ok);
    g_autoptr (GError) error = NULL;
    g_autoptr (JopanArticle) a = NULL;

    /* 80,000 levels in a key nobody reads once overflowed json-glib's stack. */
    g_string_append (deep, "\"x\": ");
    for (int i = 0; i < 80000; i++)
      g_string_append_c (deep, '[');
    for (int i = 0; i < 80000; i++)
      g_string_append_c (deep, ']');
    g_string_append_c (deep, '}');
    expect_error (deep->str, -1, "story.json:1:100: x[0][0]");
    expect_error (deep->str, -1, "arrays and objects nested more than 64 deep");
    /* 64 levels, the root included, are fine. */
    g_string_append (fine, "\"x\": ");
    for (int i = 0; i < 63; i++)
      g_string_append_c (fine, '[');
    for (int i = 0; i < 63; i++)
      g_string_append_c (fine, ']');
    g_string_append_c (fine, '}');
    a = jopan_article_load_from_data (fine->str, -1, "story.json", PHOTOS, &error);
    g_assert_no_error (error);
    g_assert_nonnull (a);
  }
}

/* 16 MB at most, refused before any parsing. */
static void
test_size_limit (void)
{
  gsize n = (16u << 20) + 1;
  g_autofree char *big = g_malloc (n);

  memset (big, ' ', n);
  memcpy (big, "{\"headline\": \"H\", \"body\": \"x\"}", 31);
  expect_error (big, (gssize) n, "story.json: 16777217 bytes: expected an article of at most 16777216 bytes");
}

/* The links of @text's spans as "text>uri" lines. */
static char *
links_of (const char *text, const GArray *spans)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < spans->len; i++)
    {
      const JopanSpan *s = &g_array_index (spans, JopanSpan, i);
      if (s->flags & JOPAN_SPAN_LINK)
        g_string_append_printf (out, "%.*s>%s\n", (int) (s->end - s->start), text + s->start, s->uri);
    }
  return g_string_free (out, FALSE);
}

static char *
bare (const char *text)
{
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  g_autoptr (GPtrArray) links = g_ptr_array_new_with_free_func (g_free);

  jopan_find_bare_urls (text, spans, links);
  return links_of (text, spans);
}

/* Bare URLs become links: the sentence's punctuation and the Korean
 * text around them are left out, a word that merely contains "www." or
 * a parenthesis the URL did not open is not taken in. */
static void
test_bare_urls (void)
{
  static const struct { const char *text, *links; } cases[] = {
    { "See https://example.org/a/b.", "https://example.org/a/b>https://example.org/a/b\n" },
    { "(at http://x.example/p?q=1&r=2), then", "http://x.example/p?q=1&r=2>http://x.example/p?q=1&r=2\n" },
    { "자세한 내용은 https://news.example.kr/2026/11에서 확인할 수 있다.",
      "https://news.example.kr/2026/11>https://news.example.kr/2026/11\n" },
    { "누리집(www.seoul.example)에서, 또는 “www.busan.example.”",
      "www.seoul.example>http://www.seoul.example\nwww.busan.example>http://www.busan.example\n" },
    { "the wiki https://w.example/Tide_(energy)! and https://a.example/x)",
      "https://w.example/Tide_(energy)>https://w.example/Tide_(energy)\nhttps://a.example/x>https://a.example/x\n" },
    { "no links: awww.example, https://, www., mailto and a.www.b", "" },
    /* Prefixes in capitals too (the scan looks at an h or a w, any case). */
    { "HTTPS://Example.org/X and WWW.Example.org, Http://h.example",
      "HTTPS://Example.org/X>HTTPS://Example.org/X\nWWW.Example.org>http://WWW.Example.org\n"
      "Http://h.example>Http://h.example\n" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *found = bare (cases[i].text);
      g_assert_cmpstr (found, ==, cases[i].links);
    }
}

/* CommonMark links and autolinks keep their destinations; a bare URL in
 * the text is a link too, one inside a link's text or code is not; a
 * relative or javascript: destination is no link, its text stays. */
static void
test_body_links (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanArticle) a = load (
      "{\"headline\": \"H\", \"body\": \"Read [the report](https://example.org/r?a='b' \\\"t\\\") "
      "or <https://example.com/full>, mail <desk@example.com>; [local](notes.html), "
      "[bad](javascript:alert(1)), `https://code.example` and https://bare.example/x.\"}", &error);
  const JopanBlock *b;
  g_autofree char *links = NULL;

  g_assert_no_error (error);
  b = g_ptr_array_index (a->blocks, 0);
  g_assert_cmpstr (b->text, ==, "Read the report or https://example.com/full, mail desk@example.com; local, "
                   "bad, https://code.example and https://bare.example/x.");
  links = links_of (b->text, b->spans);
  g_assert_cmpstr (links, ==, "the report>https://example.org/r?a='b'\n"
                   "https://example.com/full>https://example.com/full\n"
                   "desk@example.com>mailto:desk@example.com\n"
                   "https://bare.example/x>https://bare.example/x\n");
}

/* A destination outside ASCII is percent-encoded; unknown schemes are no links. */
static void
test_link_uri (void)
{
  g_autofree char *korean = jopan_link_uri ("https://example.kr/검색?q=a b");
  g_autofree char *js = jopan_link_uri ("javascript:alert(1)");
  g_autofree char *relative = jopan_link_uri ("/story");

  g_assert_cmpstr (korean, ==, "https://example.kr/%EA%B2%80%EC%83%89?q=a%20b");
  g_assert_null (js);
  g_assert_null (relative);
}

/* The blocks of @body (its text, spans and links), parsed with cmark's
 * UTF-8 check or without. */
static char *
body_blocks (const char *body, gboolean validate)
{
  g_autoptr (JopanArticle) a = jopan_article_new_empty ("story.json");
  g_autoptr (GError) error = NULL;
  GString *out = g_string_new (NULL);

  jopan_body_validate_utf8 = validate;
  if (!jopan_body_parse (a, body, &error))
    g_string_append_printf (out, "error %s\n", error->message);
  jopan_body_validate_utf8 = FALSE;
  for (guint b = 0; b < a->blocks->len; b++)
    {
      const JopanBlock *block = g_ptr_array_index (a->blocks, b);
      g_string_append_printf (out, "%d %s|%s|%u spans|%u links\n", block->kind, block->text,
                              block->marker ? block->marker : "", block->spans->len,
                              block->links->len);
    }
  for (const char *const *w = jopan_article_get_warnings (a); *w; w++)
    g_string_append_printf (out, "warning %s\n", *w);
  return g_string_free (out, FALSE);
}

/* Every sample article's body gives the same blocks without cmark's
 * UTF-8 check (the loader checked the file whole) as with it; a body that
 * was not checked (invalid UTF-8, which the loader never passes) would
 * not, and this test sees it. */
static void
test_body_unchecked (void)
{
  const char *const dirs[] = { "", "/edition/en", "/edition/ko" };
  guint bodies = 0;

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir = g_strconcat (PHOTOS, dirs[d], NULL);
      g_autoptr (GDir) listing = g_dir_open (dir, 0, NULL);
      const char *name;

      g_assert_nonnull (listing);
      while ((name = g_dir_read_name (listing)))
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autoptr (JsonParser) parser = json_parser_new ();
          JsonObject *root;

          if (!g_str_has_suffix (name, ".json") || !json_parser_load_from_file (parser, path, NULL))
            continue;
          root = JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
                   ? json_node_get_object (json_parser_get_root (parser)) : NULL;
          if (root == NULL || !json_object_has_member (root, "body"))
            continue;
          {
            const char *body = json_object_get_string_member (root, "body");
            g_autofree char *checked = body_blocks (body, TRUE);
            g_autofree char *unchecked = body_blocks (body, FALSE);
            g_assert_cmpstr (unchecked, ==, checked);
            bodies++;
          }
        }
    }
  g_assert_cmpuint (bodies, >, 40);
  {
    g_autofree char *checked = body_blocks ("Bad \xC3( byte.", TRUE);
    g_autofree char *unchecked = body_blocks ("Bad \xC3( byte.", FALSE);
    g_assert_cmpstr (unchecked, !=, checked);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/article/fields", test_fields);
  g_test_add_func ("/article/body", test_body);
  g_test_add_func ("/article/body-unchecked", test_body_unchecked);
  g_test_add_func ("/article/nested-lists", test_nested_lists);
  g_test_add_func ("/article/unknown-key", test_unknown_key_warns);
  g_test_add_func ("/article/errors", test_errors);
  g_test_add_func ("/article/strict-json", test_strict_json);
  g_test_add_func ("/article/size-limit", test_size_limit);
  g_test_add_func ("/article/bare-urls", test_bare_urls);
  g_test_add_func ("/article/body-links", test_body_links);
  g_test_add_func ("/article/link-uri", test_link_uri);
  return g_test_run ();
}
