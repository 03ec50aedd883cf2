/* test-style.c — style files, --set overrides and their errors. */
#include "jopan-private.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define MM (72.0 / 25.4)

static char *
write_style (const char *text)
{
  g_autoptr (GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("jopan-style-XXXXXX.ini", &path, &error);

  g_assert_no_error (error);
  close (fd);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_bundled (void)
{
  static const struct {
    const char *name;
    double width_mm, height_mm;
    int columns;
  } styles[] = { { "berliner", 315, 470, 5 }, { "tabloid", 280, 430, 5 }, { "a4", 210, 297, 4 } };

  for (gsize i = 0; i < G_N_ELEMENTS (styles); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JopanStyle) s = jopan_style_load (styles[i].name, SOURCE_ROOT, &error);

      g_assert_no_error (error);
      g_assert_cmpfloat_with_epsilon (jopan_style_get_page_width (s), styles[i].width_mm * MM, 1e-6);
      g_assert_cmpfloat_with_epsilon (jopan_style_get_page_height (s), styles[i].height_mm * MM, 1e-6);
      g_assert_cmpuint (jopan_style_get_columns (s), ==, styles[i].columns);
      /* The body's leading is the grid pitch. */
      g_assert_cmpfloat (s->para[JOPAN_PARA_BODY].leading, ==, jopan_style_get_baseline (s));
      g_assert_cmpfloat (s->para[JOPAN_PARA_HEADLINE].size, >, s->para[JOPAN_PARA_BODY].size);
    }
}

static void
test_values (void)
{
  g_autofree char *path = write_style ("[page]\nsize = 300mm 400mm\nmargins = 10mm 20mm\n"
                                       "columns = 6\ngutter = 4mm\nbaseline = 12pt\n"
                                       "marks = crop,registration\n"
                                       "[body]\nfont = Noto Serif 10\nindent = 1.5em\n"
                                       "align = left\nkorean-break = keep-all\nhyphenate = false\n"
                                       "color = #ff8000\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load (path, SOURCE_ROOT, &error);
  const JopanParaStyle *body;

  g_assert_no_error (error);
  body = &s->para[JOPAN_PARA_BODY];
  g_assert_cmpfloat_with_epsilon (s->page_width, 300 * MM, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->margin[0], 10 * MM, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->margin[1], 20 * MM, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->margin[2], 10 * MM, 1e-6);
  g_assert_cmpfloat_with_epsilon (s->margin[3], 20 * MM, 1e-6);
  g_assert_cmpint (s->columns, ==, 6);
  g_assert_cmpint (s->marks, ==, JOPAN_MARKS_CROP | JOPAN_MARKS_REGISTRATION);
  g_assert_cmpfloat (body->size, ==, 10);
  g_assert_cmpfloat (body->indent, ==, 15);
  g_assert_cmpfloat (body->leading, ==, 12);
  g_assert_cmpint (body->align, ==, JOPAN_ALIGN_LEFT);
  g_assert_cmpint (body->korean_break, ==, JOPAN_KOREAN_BREAK_KEEP_ALL);
  g_assert_false (body->hyphenate);
  g_assert_cmpfloat_with_epsilon (body->color[1], 128 / 255.0, 1e-9);
  g_unlink (path);
}

static void
test_set (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load ("berliner", SOURCE_ROOT, &error);

  g_assert_no_error (error);
  g_assert_true (jopan_style_set (s, "page.bleed=3mm", &error));
  g_assert_true (jopan_style_set (s, "body.korean-break=keep-all", &error));
  g_assert_true (jopan_style_set (s, "page.columns=4", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (s->bleed, 3 * MM, 1e-9);
  g_assert_cmpint (s->para[JOPAN_PARA_BODY].korean_break, ==, JOPAN_KOREAN_BREAK_KEEP_ALL);
  g_assert_cmpint (s->columns, ==, 4);
}

static void
expect_set_error (const char *assignment, int code, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load ("berliner", SOURCE_ROOT, &error);

  g_assert_no_error (error);
  g_assert_false (jopan_style_set (s, assignment, &error));
  g_assert_error (error, JOPAN_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_set_errors (void)
{
  expect_set_error ("body.frobnicate=1", JOPAN_ERROR_USAGE, "unknown key");
  expect_set_error ("nosuch.font=x", JOPAN_ERROR_USAGE, "unknown group");
  expect_set_error ("body", JOPAN_ERROR_USAGE, "GROUP.KEY=VALUE");
  expect_set_error ("body.leading=banana", JOPAN_ERROR_USAGE, "expected a length");
  expect_set_error ("page.columns=0", JOPAN_ERROR_USAGE, "whole number from 1 to 12");
  expect_set_error ("page.size=100000mm 100000mm", JOPAN_ERROR_USAGE, "got \"100000mm 100000mm\"");
  expect_set_error ("body.align=sideways", JOPAN_ERROR_USAGE, "one of left, center, right, justify");
  expect_set_error ("lead.headline-size=big", JOPAN_ERROR_USAGE, "two sizes MIN MAX");
  expect_set_error ("brief.headline-size=18pt 14pt", JOPAN_ERROR_USAGE, "got \"18pt 14pt\"");
  expect_set_error ("secondary.deck=maybe", JOPAN_ERROR_USAGE, "true or false");
  expect_set_error ("brief.wordcount=3", JOPAN_ERROR_USAGE, "unknown key");
}

/* The weight ladder: [lead], [secondary], [brief] read, and --set works. */
static void
test_ladder (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load ("berliner", SOURCE_ROOT, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat (s->treatment[JOPAN_WEIGHT_LEAD - 1].headline_min, ==, 48);
  g_assert_cmpfloat (s->treatment[JOPAN_WEIGHT_LEAD - 1].headline_max, ==, 60);
  g_assert_cmpint (s->treatment[JOPAN_WEIGHT_BRIEF - 1].columns, ==, 2);
  g_assert_false (s->treatment[JOPAN_WEIGHT_BRIEF - 1].deck);
  g_assert_true (jopan_style_set (s, "lead.headline-size=40pt 44pt", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (s->treatment[JOPAN_WEIGHT_LEAD - 1].headline_max, ==, 44);
}

static void
expect_file_error (const char *text, const char *fragment)
{
  g_autofree char *path = write_style (text);
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load (path, SOURCE_ROOT, &error);
  g_autofree char *with_path = g_strdup_printf ("%s:%s", path, fragment);

  g_assert_null (s);
  g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_INPUT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, with_path));
  g_unlink (path);
}

static void
test_file_errors (void)
{
  expect_file_error ("[page]\ncolumns = 5\n[body]\nfrobnicate = 1\n", "4: [body] frobnicate: unknown key");
  expect_file_error ("[page]\n\n[body]\nleading = banana\n", "4: [body] leading: expected a length");
  expect_file_error ("[page]\nsize = huge\n", "2: [page] size: expected a width and height");
  expect_file_error ("[sidebar]\nfont = x 1\n", "1: [sidebar]: unknown group");
  expect_file_error ("[page]\nmarks = sparkles\n", "2: [page] marks: expected none, crop");
  expect_file_error ("[headline]\nfont = 12\n", "2: [headline] font: expected a font");
  expect_file_error ("[page]\n[lead]\ncolumns = 2\nheadline-size = 60pt 48pt\n",
                     "4: [lead] headline-size: expected two sizes");
  expect_file_error ("[brief]\nmax-words = many\n", "2: [brief] max-words: expected a whole number");
  expect_file_error ("[page]\ncolumns = 12\ngutter = 30mm\n", "1: [page] margins: expected margins "
                     "and gutters that leave room for 12 columns");
  /* GKeyFile's own messages name no line. */
  expect_file_error ("[page]\ncolumns = 5\nthis is garbage\n", "3: expected KEY = VALUE");
  expect_file_error ("[page]\ncolumns = 5\n[body\nfont = Noto Serif 9\n", "3: expected a group");
  expect_file_error ("columns = 5\n[page]\n", "1: expected a [group] before");
  expect_file_error ("[page]\n# caf\xe9\n", "2: invalid UTF-8");
  /* Margins larger than the page, at their key, not an endless layout. */
  expect_file_error ("[page]\nsize = a4\nmargins = 150mm 10mm\n",
                     "3: [page] margins: expected top and bottom margins that leave 2in");
  /* PDF's page limit, 14400pt a side, saying what it got. */
  expect_file_error ("[page]\nsize = 100000mm 100000mm\n",
                     "2: [page] size: expected a width and height from 1in to 5080mm");
  expect_file_error ("[body]\ntracking = -5pt\n", "2: [body] tracking: expected a tracking from -0.1em");
  /* GKeyFile keeps the last of two, a message would name the first. */
  expect_file_error ("[body]\nfont = Noto Serif 9\nindent = 1em\nfont = Comic Sans 9\n",
                     "4: [body] font: a second value (the first is on line 2)");
}

/* A byte order mark is harmless: dropped, so the first group still counts. */
static void
test_bom (void)
{
  g_autofree char *path = write_style ("\xef\xbb\xbf[page]\ncolumns = 7\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load (path, SOURCE_ROOT, &error);

  g_assert_no_error (error);
  g_assert_cmpint (s->columns, ==, 7);
  g_unlink (path);
}

/* Tight tracking, as headlines use, down to -0.1em. */
static void
test_negative_tracking (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load ("berliner", SOURCE_ROOT, &error);

  g_assert_no_error (error);
  g_assert_true (jopan_style_set (s, "headline.tracking=-0.02em", &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (s->para[JOPAN_PARA_HEADLINE].tracking, <, 0);
}

static void
assert_same_style (const JopanStyle *a, const JopanStyle *b)
{
  g_assert_cmpmem (&a->page_width, G_STRUCT_OFFSET (JopanStyle, copyfit)
                   - G_STRUCT_OFFSET (JopanStyle, page_width) + sizeof a->copyfit,
                   &b->page_width, G_STRUCT_OFFSET (JopanStyle, copyfit)
                   - G_STRUCT_OFFSET (JopanStyle, page_width) + sizeof b->copyfit);
  for (int i = 0; i < JOPAN_N_PARA; i++)
    {
      JopanParaStyle pa = a->para[i], pb = b->para[i];
      g_assert_cmpstr (pa.font, ==, pb.font);
      pa.font = pb.font = NULL;
      g_assert_cmpmem (&pa, sizeof pa, &pb, sizeof pb);
    }
}

/* A failed set changes nothing: the next good one works and is blamed on
 * nothing else (once, "berliner.ini:0" was blamed for "banana"). */
static void
test_set_all_or_nothing (void)
{
  static const char *const bad[] = { "body.leading=banana", "page.margins=300mm",
                                     "body.font=12", "page.size=100000mm 100000mm" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JopanStyle) s = jopan_style_load ("berliner", SOURCE_ROOT, &error);
      g_autoptr (JopanStyle) fresh = jopan_style_load ("berliner", SOURCE_ROOT, &error);

      g_assert_no_error (error);
      g_assert_false (jopan_style_set (s, bad[i], &error));
      g_assert_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE);
      g_clear_error (&error);
      assert_same_style (s, fresh);
      g_assert_true (jopan_style_set (s, "page.columns=4", &error));
      g_assert_no_error (error);
      g_assert_true (jopan_style_set (fresh, "page.columns=4", &error));
      assert_same_style (s, fresh);
    }
}


/* [GROUP:LANG] groups override their plain group for a story in that
 * language, key by key; [page:LANG] gives that language's grid; the plain
 * style is untouched, and --set reaches a language's group. */
static void
test_language_groups (void)
{
  g_autofree char *path = write_style ("[page]\nbaseline = 11pt\n"
                                       "[body]\nfont = Noto Serif 9\nindent = 1em\ntracking = 0.1pt\n"
                                       "[page:ko]\nbaseline = 15pt\n"
                                       "[body:ko]\nfont = NanumMyeongjo 9.6\nscale = 92%\n"
                                       "tracking = -2%\nletter-spacing = -0.02em 0.05em\n"
                                       "dateline = lenticular\nmax-word-space = 140%\n"
                                       "[byline:ko]\nposition = end\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) s = jopan_style_load (path, SOURCE_ROOT, &error);
  JopanStyle ko, en, ko_on_en_page;
  const JopanParaStyle *body;

  g_assert_no_error (error);
  jopan_style_resolve (s, "ko", "ko-KR", &ko);
  jopan_style_resolve (s, "en", "en", &en);
  jopan_style_resolve (s, NULL, "ko", &ko_on_en_page);
  body = &ko.para[JOPAN_PARA_BODY];
  g_assert_cmpfloat (ko.baseline, ==, 15);
  g_assert_cmpfloat (body->leading, ==, 15);
  g_assert_cmpfloat_with_epsilon (body->size, 9.6, 1e-3);
  g_assert_cmpfloat_with_epsilon (body->scale, 0.92, 1e-9);
  g_assert_cmpfloat_with_epsilon (body->tracking, -0.02 * body->size, 1e-9);
  g_assert_cmpfloat_with_epsilon (body->letter_max, 0.05 * body->size, 1e-9);
  g_assert_cmpfloat_with_epsilon (body->max_word_space, 1.4, 1e-9);
  g_assert_cmpfloat_with_epsilon (body->indent, 9, 1e-9); /* kept from [body]: 1em of 9 pt */
  g_assert_cmpint (body->dateline_form, ==, JOPAN_DATELINE_LENTICULAR);
  g_assert_true (ko.para[JOPAN_PARA_BYLINE].at_end);
  /* English and the plain style keep theirs. */
  g_assert_cmpfloat (en.baseline, ==, 11);
  g_assert_cmpfloat (en.para[JOPAN_PARA_BODY].scale, ==, 1);
  g_assert_cmpfloat_with_epsilon (en.para[JOPAN_PARA_BODY].tracking, 0.1, 1e-9);
  g_assert_false (en.para[JOPAN_PARA_BYLINE].at_end);
  g_assert_cmpfloat (s->para[JOPAN_PARA_BODY].scale, ==, 1);
  /* A Korean story on an English page: Korean type on the page's grid. */
  g_assert_cmpfloat (ko_on_en_page.baseline, ==, 11);
  g_assert_cmpfloat (ko_on_en_page.para[JOPAN_PARA_BODY].leading, ==, 11);
  g_assert_cmpfloat_with_epsilon (ko_on_en_page.para[JOPAN_PARA_BODY].scale, 0.92, 1e-9);
  /* --set reaches the language's group. */
  g_assert_true (jopan_style_set (s, "body:ko.scale=95%", &error));
  g_assert_no_error (error);
  jopan_style_resolve (s, "ko", "ko", &ko);
  g_assert_cmpfloat_with_epsilon (ko.para[JOPAN_PARA_BODY].scale, 0.95, 1e-9);
  g_unlink (path);
}

/* Bad language groups and values are named at their line. */
static void
test_language_errors (void)
{
  static const struct {
    const char *text, *message;
  } cases[] = {
    { "[body:korean]\nscale = 92%\n", ":1: [body:korean]: unknown group" },
    { "[copyfit:ko]\nsize = -1pt 1pt\n", ":1: [copyfit:ko]: unknown group" },
    { "[page:ko]\ncolumns = 4\n", ":2: [page:ko] columns: unknown key (only baseline differs by language)" },
    { "[body:ko]\nscale = 20%\n", ":2: [body:ko] scale: expected a percentage from 50% to 200%" },
    { "[body:ko]\nletter-spacing = 0.01em 0.05em\n", ":2: [body:ko] letter-spacing: expected two lengths" },
    { "[body]\ntracking = -20%\n", ":2: [body] tracking: expected a tracking from -0.1em to 1em" },
    { "[byline:ko]\nposition = bottom\n", ":2: [byline:ko] position: expected one of top, end" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_style (cases[i].text);
      g_autoptr (GError) error = NULL;
      g_autoptr (JopanStyle) s = jopan_style_load (path, SOURCE_ROOT, &error);

      g_assert_null (s);
      g_assert_nonnull (error);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("case %zu: %s", i, error->message);
      g_unlink (path);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/style/bundled", test_bundled);
  g_test_add_func ("/style/values", test_values);
  g_test_add_func ("/style/set", test_set);
  g_test_add_func ("/style/set-errors", test_set_errors);
  g_test_add_func ("/style/ladder", test_ladder);
  g_test_add_func ("/style/file-errors", test_file_errors);
  g_test_add_func ("/style/bom", test_bom);
  g_test_add_func ("/style/negative-tracking", test_negative_tracking);
  g_test_add_func ("/style/language-groups", test_language_groups);
  g_test_add_func ("/style/language-errors", test_language_errors);
  g_test_add_func ("/style/set-all-or-nothing", test_set_all_or_nothing);
  return g_test_run ();
}
