/* test-layout.c — golden layout dumps, and the rules every layout keeps.
 *
 * Each tests/layouts/NAME.json is an article; NAME.args holds its options
 * (--style, --set, --slot, --copyfit); NAME.expected is the text dump of
 * the laid-out pages with the report's fit figures.  JOPAN_REGENERATE=1
 * rewrites the expectations; review them with `git diff`.
 *
 * Beyond the dump, every case is checked for the rules of a newspaper page:
 * body lines on one baseline grid, photos undistorted and whole grid lines
 * tall, nothing outside the page or over a photo, no widows or orphans, no
 * subhead at a column's foot, no pull quote split, balanced last columns.
 */
#include "jopan-private.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define LAYOUTS TEST_DATA "/../layouts"

typedef struct {
  JopanDocument *doc;
  const JopanStyle *style;
} Case;

static gboolean
apply_args (const char *args, JopanStyle **style, JopanLayoutOptions *options)
{
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_shell_parse_argv (args, NULL, &argv, &error));
  for (int i = 0; argv[i]; i++)
    {
      if (strcmp (argv[i], "--copyfit") == 0)
        options->copyfit = TRUE;
      else if (strcmp (argv[i], "--style") == 0 && argv[i + 1])
        {
          jopan_style_free (*style);
          *style = jopan_style_load (argv[++i], SOURCE_ROOT, &error);
          g_assert_no_error (error);
        }
      else if (strcmp (argv[i], "--set") == 0 && argv[i + 1])
        g_assert_true (jopan_style_set (*style, argv[++i], NULL));
      else if (strcmp (argv[i], "--slot") == 0 && argv[i + 1])
        g_assert_true (jopan_layout_options_parse_slot (options, argv[++i], NULL));
      else
        g_error ("unknown option in args: %s", argv[i]);
    }
  return TRUE;
}

/* ---- rules ----------------------------------------------------------------- */

static double
grid_residue (double y, double pitch)
{
  double r = fmod (y, pitch);
  return r < 0 ? r + pitch : r;
}

static void
check_page_rules (const JopanPage *page, const JopanStyle *style)
{
  double pitch = style->baseline, residue = -1;

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);

      /* Inside the trim box. */
      g_assert_cmpfloat (b->x, >=, -0.01);
      g_assert_cmpfloat (b->y, >=, -0.01);
      g_assert_cmpfloat (b->x + MAX (b->w, 0), <=, page->width + 0.01);
      g_assert_cmpfloat (b->y + MAX (b->h, 0), <=, page->height + 0.01);
      if (b->kind == JOPAN_BOX_TEXT && strcmp (b->role, "body") == 0)
        {
          /* Every body line on the one grid. */
          double r = grid_residue (b->y, pitch);
          if (residue < 0)
            residue = r;
          g_assert_cmpfloat (fabs (r - residue), <, 0.01);
        }
      if (b->kind == JOPAN_BOX_IMAGE)
        {
          /* Cropped, never stretched; whole grid lines tall. */
          g_assert_cmpfloat (fabs (b->src_w / b->src_h - b->w / b->h), <, 1e-6 * b->w / b->h);
          g_assert_cmpfloat (fabs (b->h / pitch - round (b->h / pitch)), <, 1e-6);
          for (guint j = 0; j < page->boxes->len; j++)
            {
              const JopanBox *o = &g_array_index (page->boxes, JopanBox, j);
              gboolean across = o->x < b->x + b->w - 0.01 && o->x + MAX (o->w, 0.1) > b->x + 0.01;
              if (i == j || !across)
                continue;
              if (o->kind == JOPAN_BOX_IMAGE)
                g_assert_true (o->y >= b->y + b->h - 0.01 || o->y + o->h <= b->y + 0.01);
              if (o->kind == JOPAN_BOX_TEXT) /* no baseline inside a photo */
                g_assert_true (o->y <= b->y + 0.01 || o->y >= b->y + b->h - 0.01);
            }
        }
    }
}

/* The body and quote lines of one column, top to bottom. */
static GPtrArray *
column_lines (const JopanPage *page, double x0, double x1)
{
  GPtrArray *lines = g_ptr_array_new ();

  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *b = &g_array_index (page->boxes, JopanBox, i);
      if (b->kind == JOPAN_BOX_TEXT && b->x >= x0 - 0.5 && b->x < x1
          && (strcmp (b->role, "body") == 0 || strcmp (b->role, "subhead") == 0
              || strcmp (b->role, "quote") == 0 || strcmp (b->role, "byline") == 0))
        g_ptr_array_add (lines, (gpointer) b);
    }
  return lines;
}

static void
check_column_rules (const JopanPage *page, const JopanStyle *style, GHashTable *quote_columns)
{
  double column_width = (page->width - style->margin[1] - style->margin[3]
                         - (style->columns - 1) * style->gutter) / style->columns;

  for (int c = 0; c < style->columns; c++)
    {
      double x0 = style->margin[3] + c * (column_width + style->gutter);
      g_autoptr (GPtrArray) lines = column_lines (page, x0, x0 + column_width);
      const JopanBox *first, *last;
      int n_first, n_last;

      if (lines->len == 0)
        continue;
      for (guint i = 0; i < lines->len; i++)
        {
          const JopanBox *b = g_ptr_array_index (lines, i);
          if (strcmp (b->role, "quote") == 0)
            {
              /* All of a quote in one column of one page. */
              gpointer where = GINT_TO_POINTER (page->number * 100 + c + 1);
              gpointer seen = g_hash_table_lookup (quote_columns, b->layout);
              g_assert_true (seen == NULL || seen == where);
              g_hash_table_insert (quote_columns, b->layout, where);
            }
        }
      first = g_ptr_array_index (lines, 0);
      last = g_ptr_array_index (lines, lines->len - 1);
      n_first = pango_layout_get_line_count (first->layout);
      n_last = pango_layout_get_line_count (last->layout);
      /* No subhead ends a column; no paragraph leaves its first line alone
       * at a column's foot (orphan) or its last alone at a head (widow). */
      g_assert_cmpstr (last->role, !=, "subhead");
      if (strcmp (last->role, "body") == 0 && n_last > 1 && last->line == 0)
        g_error ("orphan at the foot of column %d, page %d", c + 1, page->number);
      if (strcmp (first->role, "body") == 0 && first->line > 0 && first->line == n_first - 1)
        g_error ("widow at the head of column %d, page %d", c + 1, page->number);
    }
}

/* How far apart the last page's column feet are, in points. */
static int
last_page_spread (const JopanPage *page)
{
  double lowest = G_MAXDOUBLE, highest = 0;

  for (int c = 0; c < page->n_columns; c++)
    if (page->columns[c].lines > 0 || page->columns[c].bottom > 0)
      {
        lowest = MIN (lowest, page->columns[c].bottom);
        highest = MAX (highest, page->columns[c].bottom);
      }
  return page->n_columns ? (int) lround (highest - lowest) : 0;
}

/* ---- the golden dump -------------------------------------------------------- */

static char *
dump (const JopanDocument *doc)
{
  GString *out = g_string_new (NULL);
  g_autofree char *report = jopan_document_report_json (doc);

  for (guint i = 0; i < doc->pages->len; i++)
    jopan_page_dump (g_ptr_array_index (doc->pages, i), out);
  /* The report: overset, underset, what copyfit changed, columns, findings. */
  g_string_append_printf (out, "report %s\n", report);
  return g_string_free (out, FALSE);
}

static void
test_case (gconstpointer data)
{
  const char *name = data;
  g_autofree char *json = g_strdup_printf ("%s.json", name);
  g_autofree char *args_path = g_strdup_printf ("%s.args", name);
  g_autofree char *expected_path = g_strdup_printf ("%s.expected", name);
  g_autofree char *args = NULL, *expected = NULL, *actual = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = jopan_style_load ("berliner", SOURCE_ROOT, &error);
  g_autoptr (JopanArticle) article = jopan_article_load (json, &error);
  g_autoptr (JopanFonts) fonts = jopan_fonts_new (NULL, SOURCE_ROOT, &error);
  g_autoptr (JopanDocument) doc = NULL;
  g_autoptr (GHashTable) quotes = g_hash_table_new (NULL, NULL);
  JopanLayoutOptions options = { 0 };

  g_assert_no_error (error);
  if (g_file_get_contents (args_path, &args, NULL, NULL))
    apply_args (args, &style, &options);
  doc = jopan_document_new_full (fonts, style, article, &options, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < doc->pages->len; i++)
    {
      check_page_rules (g_ptr_array_index (doc->pages, i), style);
      check_column_rules (g_ptr_array_index (doc->pages, i), style, quotes);
    }
  /* Within one line on the samples (tests/grid_pdf.py); keeps and slots
   * can leave two here. */
  g_assert_cmpint (last_page_spread (g_ptr_array_index (doc->pages, doc->pages->len - 1)), <=,
                   2 * style->baseline + 0.5);

  actual = dump (doc);
  if (g_getenv ("JOPAN_REGENERATE"))
    g_assert_true (g_file_set_contents (expected_path, actual, -1, NULL));
  g_assert_true (g_file_get_contents (expected_path, &expected, NULL, NULL));
  if (strcmp (expected, actual) != 0)
    {
      g_autofree char *actual_path = g_strdup_printf ("%s/%s.actual", g_get_tmp_dir (), name);
      g_file_set_contents (actual_path, actual, -1, NULL);
      g_error ("%s: the layout differs from %s; the new one is in %s", name, expected_path,
               actual_path);
    }
}

static int
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
main (int argc, char **argv)
{
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *file;

  g_test_init (&argc, &argv, NULL);
  g_assert_true (g_chdir (LAYOUTS) == 0);
  dir = g_dir_open (".", 0, NULL);
  while ((file = g_dir_read_name (dir)))
    if (g_str_has_suffix (file, ".json"))
      g_ptr_array_add (names, g_strndup (file, strlen (file) - 5));
  g_ptr_array_sort (names, by_name);
  g_assert_cmpuint (names->len, >, 0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_strdup_printf ("/layout/%s", (char *) g_ptr_array_index (names, i));
      g_test_add_data_func (path, g_ptr_array_index (names, i), test_case);
    }
  return g_test_run ();
}
