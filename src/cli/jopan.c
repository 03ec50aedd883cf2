/* jopan — the command line over libjopan's public API.
 *
 *   jopan render ARTICLE.json [-o OUT.pdf|.png|.svg|.txt] [--style S] [--set G.K=V]…
 *   jopan page PAGE.json [-o OUT.pdf|.png|.svg|.txt] [same options]
 *   jopan check ARTICLE.json|PAGE.json [--style S] [--set G.K=V]…
 *   jopan render A.json B.json … -o OUTDIR/ [--format F] [--jobs N] [--quiet]
 *
 * Exit codes: 0 done; 1 bad input; 2 usage; 3 rendered with findings under --strict.
 *
 * The tool, not the library, reads the environment: JOPAN_DATA_DIR (the
 * folder with styles/ and fonts/, when --data-dir is not given) and
 * SOURCE_DATE_EPOCH (the date in a PDF, reproducible-builds.org).
 */
#include "env.h"
#include "exit.h"
#include "jopan.h"
#include "print.h"
#include "render-batch.h"

#include "edition.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

typedef struct {
  char *output;
  char *style;
  char **sets;
  char **font_dirs;
  char *data_dir;
  char *report;
  char *slot;
  gboolean copyfit;
  gboolean fill;
  char *weight;
  int jump_page;
  int dpi;
  gboolean strict;
  gboolean pdfx;
  char *output_profile;
  gboolean proof;
  int jobs;
  gboolean quiet;
  char *format;
} Options;

/* The default output: ARTICLE.pdf beside the input. */
static char *
default_output (const char *input)
{
  const char *dot = strrchr (input, '.');
  const char *slash = strrchr (input, '/');

  if (dot && (!slash || dot > slash))
    return g_strdup_printf ("%.*s.pdf", (int) (dot - input), input);
  return g_strdup_printf ("%s.pdf", input);
}

static int
print_findings (JopanDocument *doc)
{
  guint n = jopan_document_get_n_findings (doc);

  for (guint i = 0; i < n; i++)
    {
      const char *kind;
      const char *message = jopan_document_get_finding (doc, i, &kind);
      fprintf (stderr, "jopan: %s: %s\n", kind, message);
    }
  return (int) n;
}

/* Whether @path's top-level object has @key, by a look at its text that
 * skips strings and counts nesting (no parser: the library's loaders make
 * the strict checks, with messages).  A file it cannot read says no. */
static gboolean
top_level_has_key (const char *text, gsize n, const char *key)
{
  gsize len = strlen (key);
  int depth = 0;

  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '"')
        {
          gsize start = ++i;
          for (; i < n && text[i] != '"'; i++)
            i += text[i] == '\\';
          if (depth == 1 && i - start == len && memcmp (text + start, key, len) == 0)
            {
              gsize j = i + 1;
              while (j < n && strchr (" \t\r\n", text[j]) && text[j])
                j++;
              if (j < n && text[j] == ':')
                return TRUE;
            }
        }
      else if (text[i] == '{' || text[i] == '[')
        depth++;
      else if (text[i] == '}' || text[i] == ']')
        depth--;
    }
  return FALSE;
}

/* A page file has "articles" or "pages"; an article has "headline" and
 * "body".  Anything else goes to the article loader, which says why. */
static gboolean
is_page_file (const char *path)
{
  g_autofree char *text = NULL;
  GStatBuf st;
  gsize n;

  /* Larger than an article may be: the article loader says so. */
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > (16 << 20)
      || !g_file_get_contents (path, &text, &n, NULL))
    return FALSE;
  return (top_level_has_key (text, n, "articles") || top_level_has_key (text, n, "pages"))
         && !top_level_has_key (text, n, "headline") && !top_level_has_key (text, n, "body");
}

/* --pdfx, --output-profile and --proof are the style's [print] keys. */
static gboolean
print_options (const Options *o, JopanStyle *style, GError **error)
{
  return print_options_apply (o->pdfx, o->output_profile, o->proof, style, error);
}

/* An edition file has "pages" (and no "articles"): `check` composes it. */
static gboolean
is_edition_file (const char *path)
{
  g_autofree char *text = NULL;
  gsize n;

  return is_page_file (path) && g_file_get_contents (path, &text, &n, NULL)
         && top_level_has_key (text, n, "pages") && !top_level_has_key (text, n, "articles");
}

/* The style: --style, else the page file's, else berliner. */
static JopanStyle *
load_style (const Options *o, const JopanPagePlan *plan, const char *input, const char *data_dir,
            GError **error)
{
  const char *name = o->style;
  g_autoptr (JopanStyle) style = NULL;

  if (name == NULL && plan)
    name = jopan_page_plan_get_style (plan);
  style = jopan_style_load (name ? name : "berliner", data_dir, error);
  if (style == NULL && name && name != o->style)
    cli_named_by (error, input);
  if (style == NULL)
    return NULL;
  for (int i = 0; o->sets && o->sets[i]; i++)
    if (!jopan_style_set (style, o->sets[i], error))
      return NULL;
  if (!print_options (o, style, error))
    return NULL;
  return g_steal_pointer (&style);
}

/* The layout options and the date from @o; EXIT_OK, or a usage error printed. */
static int
layout_options (const Options *o, gboolean page, JopanLayoutOptions *layout, gint64 *date)
{
  g_autoptr (GError) error = NULL;

  if (o->dpi < JOPAN_MIN_DPI || o->dpi > JOPAN_MAX_DPI)
    return cli_usage ("jopan", "--dpi %d: expected a resolution from %d to %d", o->dpi,
                      JOPAN_MIN_DPI, JOPAN_MAX_DPI);
  if (page && o->slot)
    return cli_usage ("jopan", "%s",
                      "--slot lays out one article: a page file places its own modules");
  if (o->slot && !jopan_layout_options_parse_slot (layout, o->slot, &error))
    return cli_fail (error);
  if (o->copyfit && !o->slot && !page)
    return cli_usage ("jopan", "%s", "--copyfit needs a --slot to fit");
  if (!env_source_date (date))
    return cli_usage (
        "jopan", "SOURCE_DATE_EPOCH=%s: expected seconds since 1970, at most %" G_GINT64_FORMAT,
        g_getenv ("SOURCE_DATE_EPOCH"), JOPAN_DATE_MAX);
  layout->copyfit = o->copyfit;
  layout->fill = o->fill;
  if (o->jump_page < 0 || o->jump_page > 9999)
    return cli_usage ("jopan", "--jump-page %d: expected a page number from 1 to 9999",
                      o->jump_page);
  layout->jump_page = (guint) o->jump_page;
  if (o->weight)
    {
      static const char *const weights[] = { "lead", "secondary", "brief" };
      for (guint i = 0; i < G_N_ELEMENTS (weights); i++)
        if (strcmp (o->weight, weights[i]) == 0)
          layout->weight = (JopanWeight) (JOPAN_WEIGHT_LEAD + i);
      if (layout->weight == JOPAN_WEIGHT_AUTO)
        return cli_usage ("jopan", "--weight %s: expected lead, secondary or brief", o->weight);
    }
  return EXIT_OK;
}

static int
run (const char *command, const char *input, const Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = NULL;
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanPagePlan) plan = NULL;
  g_autoptr (JopanFonts) fonts = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  g_autofree char *output = NULL;
  JopanFormat format = JOPAN_FORMAT_PDF;
  JopanLayoutOptions layout = { 0 };
  gboolean check = strcmp (command, "check") == 0;
  gboolean page = strcmp (command, "page") == 0 || (check && is_page_file (input));
  const char *data_dir = o->data_dir ? o->data_dir : g_getenv ("JOPAN_DATA_DIR");
  gint64 date;
  int findings, status;

  if (check && is_edition_file (input))
    return jopan_cli_check_edition (input, o->style, o->sets, o->font_dirs, data_dir, o->strict,
                                    o->pdfx, o->output_profile);
  output = o->output ? g_strdup (o->output) : default_output (input);
  if (!check && !jopan_format_from_path (output, &format))
    return cli_usage ("jopan", "%s: unknown output format: expected .pdf, .png, .svg or .txt",
                      output);
  if (o->format)
    return cli_usage ("jopan",
                      "--format %s: only for several articles or -o OUTDIR/; %s's extension picks "
                      "the format",
                      o->format, output);
  status = layout_options (o, page, &layout, &date);
  if (status != EXIT_OK)
    return status;
  if (page)
    plan = jopan_page_plan_load (input, &error);
  else
    article = jopan_article_load (input, &error);
  if (plan == NULL && article == NULL)
    return cli_fail (error);
  style = load_style (o, plan, input, data_dir, &error);
  if (style == NULL)
    return cli_fail (error);
  fonts = jopan_fonts_new ((const char *const *) o->font_dirs, data_dir, &error);
  if (fonts == NULL)
    return cli_fail (error);
  if (plan)
    doc = jopan_document_new_page (fonts, style, plan, &layout, &error);
  else
    doc = jopan_document_new_full (fonts, style, article, &layout, &error);
  if (doc == NULL)
    return cli_fail (error);
  jopan_document_set_date (doc, date);
  /* A check makes the PDF/X file in memory for the printer's checks; a
   * render finds the same while writing it, so it reports after. */
  if (check && !jopan_document_preflight (doc, &error))
    return cli_fail (error);
  findings = check ? print_findings (doc) : 0;
  /* The document and its report in one commit, neither over an input. */
  if ((!check || o->report)
      && !jopan_document_write_full (doc, check ? NULL : output, format, o->dpi, o->report, &error))
    return cli_fail (error);
  if (!check)
    findings = print_findings (doc);
  if (check)
    printf ("%s: %u page(s), %d finding(s)\n", input, jopan_document_get_n_pages (doc), findings);
  return o->strict && findings > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* --format for a batch: pdf (the default), png, svg or txt. */
static gboolean
batch_format (const char *name, JopanFormat *format)
{
  g_autofree char *path = g_strdup_printf ("x.%s", name ? name : "pdf");

  return strchr (name ? name : "", '.') == NULL && jopan_format_from_path (path, format);
}

/* Several articles, or -o OUTDIR/: each into OUTDIR, in parallel. */
static int
run_batch (const char *const *inputs, guint n, const Options *o)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanStyle) style = NULL;
  const char *data_dir = o->data_dir ? o->data_dir : g_getenv ("JOPAN_DATA_DIR");
  JopanLayoutOptions layout = { 0 };
  RenderBatch r = { .dpi = o->dpi, .font_dirs = (const char *const *) o->font_dirs,
                    .data_dir = data_dir, .quiet = o->quiet, .report = o->report };
  guint findings = 0;
  int status;

  if (o->output == NULL)
    return cli_usage ("jopan", "%s", "several articles: expected -o OUTDIR/ for their files");
  if (!batch_format (o->format, &r.format))
    return cli_usage ("jopan", "--format %s: expected pdf, png, svg or txt", o->format);
  if (o->jobs < 0 || o->jobs > 1024)
    return cli_usage ("jopan", "--jobs %d: expected 1 to 1024 threads (0: one a core)", o->jobs);
  status = layout_options (o, FALSE, &layout, &r.date);
  if (status != EXIT_OK)
    return status;
  style = load_style (o, NULL, NULL, data_dir, &error);
  if (style == NULL)
    return cli_fail (error);
  r.style = style;
  r.layout = &layout;
  r.jobs = (guint) o->jobs;
  if (!render_batch (inputs, n, o->output, &r, &findings, &error))
    return cli_fail (error);
  return o->strict && findings > 0 ? EXIT_FINDINGS : EXIT_OK;
}

int
main (int argc, char **argv)
{
  Options o = { .dpi = 150 };
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "Output file; its extension picks the format (.pdf .png .svg .txt)", "OUT" },
    { "style", 's', 0, G_OPTION_ARG_STRING, &o.style,
      "Style name (berliner, tabloid, a4) or .ini file", "NAME|FILE" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sets, "Override one style key", "GROUP.KEY=VALUE" },
    { "slot", 0, 0, G_OPTION_ARG_STRING, &o.slot,
      "Lay the story out in a slot: columns and depth (3:180mm, or 3:40 grid lines)", "COLS:DEPTH" },
    { "copyfit", 0, 0, G_OPTION_ARG_NONE, &o.copyfit,
      "Make the story fit its slot (tracking, photo height, body size)", NULL },
    { "fill", 0, 0, G_OPTION_ARG_NONE, &o.fill,
      "Grow a one-page story to fill its page (headline, photo, body size)", NULL },
    { "weight", 0, 0, G_OPTION_ARG_STRING, &o.weight,
      "The story's rank: lead, secondary or brief (default: the article's, or by length)",
      "WEIGHT" },
    { "jump-page", 0, 0, G_OPTION_ARG_INT, &o.jump_page,
      "The page number the rest of a story too long for its slot or page continues on", "N" },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &o.dpi, "PNG resolution, 18 to 1200 (default 150)", "N" },
    { "report", 0, 0, G_OPTION_ARG_FILENAME, &o.report, "Write the preflight report as JSON",
      "REPORT.json" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &o.strict, "Exit 3 when there are findings", NULL },
    PRINT_OPTION_ENTRIES (o),
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs,
      "Threads for several articles (default: one a core)", "N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress bar nor summary line", NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
      "The format of several articles' files in -o OUTDIR/: pdf, png, svg or txt", "FORMAT" },
    { "font-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.font_dirs,
      "Also use the fonts in this folder", "DIR" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.data_dir,
      "The folder with styles/ and fonts/ (default: $JOPAN_DATA_DIR, else the installed one)",
      "DIR" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("render|page|check FILE.json");
  g_autoptr (GError) error = NULL;
  int status;

  setlocale (LC_ALL, "");
  /* cairo then leaves content streams plain, and the library deflates
   * them as it finishes each PDF, outside its render lock and faster
   * (finish.cc).  Set before any thread reads the environment. */
  g_setenv ("CAIRO_DEBUG_PDF", "1", FALSE);
  if (argc >= 2 && strcmp (argv[1], "edition") == 0)
    return jopan_cli_edition (argc, argv);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context,
                                "Typeset a news article (JSON, CommonMark body) as newspaper pages.\n\n"
                                "  render ARTICLE.json   lay out and write PDF, PNG, SVG or a text dump\n"
                                "  page PAGE.json        compose a page of several stories and boxes\n"
                                "  check FILE.json       preflight an article or a page file: report\n"
                                "                        findings, write nothing");
  g_option_context_set_description (context, "Exit status: 0 done, 1 bad input, 2 usage error, "
                                             "3 findings with --strict.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return cli_usage ("jopan", "%s", error->message);
  if (version)
    {
      printf ("jopan %s\n", JOPAN_VERSION_STRING);
      return EXIT_OK;
    }
  if (argc < 2)
    return cli_usage ("jopan", "%s", "expected a command: render, page or check");
  if (strcmp (argv[1], "render") != 0 && strcmp (argv[1], "check") != 0
      && strcmp (argv[1], "page") != 0)
    return cli_usage ("jopan", "unknown command \"%s\": expected render, page, edition or check",
                      argv[1]);
  if (strcmp (argv[1], "render") == 0 && argc >= 3
      && (argc > 3 || (o.output && g_str_has_suffix (o.output, "/"))))
    status = run_batch ((const char *const *) argv + 2, (guint) argc - 2, &o);
  else if (argc != 3)
    return cli_usage ("jopan", "%s: expected one %s file", argv[1],
                      strcmp (argv[1], "page") == 0 ? "page" : "article");
  else
    status = run (argv[1], argv[2], &o);
  g_free (o.output);
  g_free (o.style);
  g_free (o.report);
  g_free (o.output_profile);
  g_free (o.slot);
  g_free (o.weight);
  g_free (o.format);
  g_strfreev (o.sets);
  g_strfreev (o.font_dirs);
  g_free (o.data_dir);
  return status;
}
