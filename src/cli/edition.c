/* edition.c — `jopan edition EDITION.json -o OUTDIR`: every page of an
 * edition (or the part --pages and --shard choose) composed in parallel by
 * jopan_edition_write(), with progress on stderr.
 */
#include "edition.h"
#include "env.h"
#include "exit.h"

#include "merge.h"
#include "parts.h"
#include "progress.h"

#include "jopan.h"

#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *output, *style, *data_dir, *pages, *shard;
  char **sets, **font_dirs;
  int dpi, jobs;
  gboolean png, quiet, strict, copyfit, fill, merge;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->output);
  g_free (o->style);
  g_free (o->data_dir);
  g_free (o->pages);
  g_free (o->shard);
  g_strfreev (o->sets);
  g_strfreev (o->font_dirs);
}

static JopanStyle *
load_style (const Options *o, const JopanEdition *edition, const char *input, const char *data_dir,
            GError **error)
{
  const char *name = o->style ? o->style : jopan_edition_get_style (edition);
  g_autoptr (JopanStyle) style = jopan_style_load (name ? name : "berliner", data_dir, error);

  if (style == NULL && name && !o->style)
    cli_named_by (error, input);

  for (int i = 0; style && o->sets && o->sets[i]; i++)
    if (!jopan_style_set (style, o->sets[i], error))
      return NULL;
  return g_steal_pointer (&style);
}

static void
on_page (guint number, JopanDocument *doc, gpointer user_data)
{
  progress_step (user_data, jopan_document_get_n_findings (doc));
}

/* check: each page's findings, kept to be printed in page order. */
static void
on_checked (guint number, JopanDocument *doc, gpointer user_data)
{
  GPtrArray *pages = user_data;
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < jopan_document_get_n_findings (doc); i++)
    {
      const char *kind;
      const char *message = jopan_document_get_finding (doc, i, &kind);
      g_string_append_printf (text, "jopan: page %u: %s: %s\n", number, kind, message);
    }
  g_free (g_ptr_array_index (pages, number - 1));
  g_ptr_array_index (pages, number - 1) = g_string_free (text, FALSE);
}

int
jopan_cli_check_edition (const char *input, const char *style_name, char **sets,
                         char **font_dirs, const char *data_dir, gboolean strict)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) edition = jopan_edition_load (input, &error);
  g_autoptr (JopanStyle) style = NULL;
  g_autoptr (GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  Options o = { .style = (char *) style_name, .sets = sets };
  JopanEditionOutput out = { .data_dir = data_dir, .font_dirs = (const char *const *) font_dirs,
                             .progress = on_checked, .user_data = pages, .dpi = 150 };

  if (edition == NULL)
    return cli_fail (error);
  style = load_style (&o, edition, input, data_dir, &error);
  if (style == NULL)
    return cli_fail (error);
  for (const char *const *w = jopan_edition_get_warnings (edition); *w; w++)
    fprintf (stderr, "jopan: warning: %s\n", *w);
  g_ptr_array_set_size (pages, (int) jopan_edition_get_n_pages (edition));
  if (!jopan_edition_write (edition, style, &out, &error))
    return cli_fail (error);
  for (guint i = 0; i < pages->len; i++)
    fputs (g_ptr_array_index (pages, i) ? (char *) g_ptr_array_index (pages, i) : "", stderr);
  printf ("%s: %u page(s), %u finding(s)\n", input, pages->len, out.findings);
  return strict && out.findings > 0 ? EXIT_FINDINGS : EXIT_OK;
}

/* Which pages: --pages (else all), then --shard of those (src/cli/parts.h). */
static int
select_pages (const Options *o, guint n, gboolean *flags)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) pages = o->pages ? parts_parse_pages (o->pages, n, &error) : parts_all_pages (n);
  guint index, count;

  if (pages == NULL)
    return cli_fail (error);
  if (o->shard && !parts_parse_shard (o->shard, &index, &count, &error))
    return cli_fail (error);
  if (o->shard)
    {
      GArray *shard = parts_shard (pages, index, count);
      g_array_unref (pages);
      pages = shard;
    }
  for (guint i = 0; i < n; i++)
    flags[i] = FALSE;
  for (guint i = 0; i < pages->len; i++)
    flags[g_array_index (pages, guint, i) - 1] = TRUE;
  return EXIT_OK;
}

/* `jopan edition --merge PARTDIR… -o OUTDIR` (src/cli/merge.h). */
static int
run_merge (char **dirs, int n, const Options *o)
{
  g_autoptr (GError) error = NULL;

  if (n < 1)
    return cli_usage ("jopan edition", "%s", "edition --merge: expected the parts' folders");
  if (o->pages || o->shard)
    return cli_usage ("jopan edition", "%s",
                      "edition --merge joins whole parts: --pages and --shard are for the runs");
  if (!merge_outdirs ((const char *const *) dirs, (guint) n, o->output, o->quiet, &error))
    return cli_fail (error);
  return EXIT_OK;
}

/* Font sets for the run's threads, made on a thread of their own while
 * the main thread reads the edition (each takes some 4 ms, the first
 * more), and the hyphenation patterns of an article's default language
 * read (some 7 ms): else the run's threads would start with them.  It
 * stops when the edition is read: the run's threads make the rest. */
typedef struct {
  const Options *o;
  const char *data_dir;
  guint n;
  gint stop;
  GPtrArray *fonts;
} Ahead;

static gpointer
make_fonts (gpointer data)
{
  Ahead *a = data;

  for (guint i = 0; i < a->n && !g_atomic_int_get (&a->stop); i++)
    {
      JopanFonts *fonts = jopan_fonts_new ((const char *const *) a->o->font_dirs, a->data_dir,
                                           NULL);
      if (fonts == NULL)
        break; /* a thread of the run makes its own, and says what failed */
      jopan_fonts_prepare (fonts, NULL);
      g_ptr_array_add (a->fonts, fonts);
    }
  return NULL;
}

/* The edition read, its pages selected and written, with the font sets
 * @ahead made meanwhile (@maker joined here, or by the caller). */
static int
run_edition (const char *input, const Options *o, JopanEditionOutput *out, Ahead *ahead,
             GThread **maker)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) edition = NULL;
  g_autoptr (JopanStyle) style = NULL;
  g_autofree gboolean *flags = NULL;
  guint n, total = 0;
  Progress *progress;
  gboolean ok;
  int status;

  edition = jopan_edition_load (input, &error);
  if (edition == NULL)
    return cli_fail (error);
  for (const char *const *w = jopan_edition_get_warnings (edition); *w && !o->quiet; w++)
    fprintf (stderr, "jopan: warning: %s\n", *w);
  n = jopan_edition_get_n_pages (edition);
  flags = g_new0 (gboolean, n);
  if ((status = select_pages (o, n, flags)) != EXIT_OK)
    return status;
  for (guint i = 0; i < n; i++)
    total += flags[i] != 0;
  /* More shards than pages: this one has none, and writes nothing. */
  if (total == 0)
    {
      if (!o->quiet)
        fprintf (stderr, "jopan: --shard %s: no pages of the %u in this part\n", o->shard, n);
      return EXIT_OK;
    }
  style = load_style (o, edition, input, out->data_dir, &error);
  if (style == NULL)
    return cli_fail (error);
  out->pages = flags;
  progress = progress_new (total, "pages", o->quiet);
  out->progress = on_page;
  out->user_data = progress;
  g_atomic_int_set (&ahead->stop, TRUE);
  if (*maker)
    g_thread_join (g_steal_pointer (maker));
  ok = jopan_edition_write (edition, style, out, &error);
  if (!ok)
    {
      progress_abandon (progress);
      return cli_fail (error);
    }
  progress_finish (progress);
  return o->strict && out->findings > 0 ? EXIT_FINDINGS : EXIT_OK;
}

static int
run (const char *input, const Options *o)
{
  g_autoptr (GPtrArray) fonts = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_fonts_free);
  const char *data_dir = o->data_dir ? o->data_dir : g_getenv ("JOPAN_DATA_DIR");
  JopanLayoutOptions layout = { .copyfit = o->copyfit, .fill = o->fill };
  JopanEditionOutput out = { .outdir = o->output, .data_dir = data_dir, .layout = &layout,
                             .png = o->png, .dpi = o->dpi,
                             .font_dirs = (const char *const *) o->font_dirs, .fonts = fonts,
                             /* The tool ends with the run: what would only be freed is not. */
                             .exiting = TRUE };
  Ahead ahead = { o, data_dir, 0, FALSE, fonts };
  GThread *maker = NULL;
  int status;

  if (o->dpi < JOPAN_MIN_DPI || o->dpi > JOPAN_MAX_DPI)
    return cli_usage ("jopan edition", "--dpi %d: expected a resolution from %d to %d", o->dpi,
                      JOPAN_MIN_DPI, JOPAN_MAX_DPI);
  if (o->jobs < 0 || o->jobs > 256)
    return cli_usage ("jopan edition", "--jobs %d: expected 1 to 256 (0: one per processor)",
                      o->jobs);
  if (!env_source_date (&out.date))
    return cli_usage ("jopan edition", "SOURCE_DATE_EPOCH=%s: expected seconds since 1970",
                      g_getenv ("SOURCE_DATE_EPOCH"));
  out.jobs = (guint) o->jobs;
  /* --jobs 1 keeps to one thread (runs side by side); threads beyond
   * the processors make their font sets as they start. */
  ahead.n = MIN (out.jobs ? out.jobs : g_get_num_processors (), g_get_num_processors ());
  if (ahead.n >= 2)
    maker = g_thread_try_new ("jopan-fonts", make_fonts, &ahead, NULL);
  status = run_edition (input, o, &out, &ahead, &maker);
  g_atomic_int_set (&ahead.stop, TRUE);
  if (maker)
    g_thread_join (maker);
  return status;
}

int
jopan_cli_edition (int argc, char **argv)
{
  Options o = { .dpi = 150 };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output, "The output folder", "OUTDIR" },
    { "png", 0, 0, G_OPTION_ARG_NONE, &o.png, "Also write page-NN.png", NULL },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs, "Pages composed at once (default: one per core)",
      "N" },
    { "pages", 0, 0, G_OPTION_ARG_STRING, &o.pages, "Only these pages (1-16, 1,3,5-7)", "LIST" },
    { "shard", 0, 0, G_OPTION_ARG_STRING, &o.shard, "Only the I-th of N parts of the pages",
      "I/N" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress, no summary", NULL },
    { "merge", 0, 0, G_OPTION_ARG_NONE, &o.merge,
      "Join the folders of parts (--pages, --shard runs) into -o OUTDIR", NULL },
    { "style", 's', 0, G_OPTION_ARG_STRING, &o.style, "Style name or .ini file", "NAME|FILE" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sets, "Override one style key",
      "GROUP.KEY=VALUE" },
    { "copyfit", 0, 0, G_OPTION_ARG_NONE, &o.copyfit, "Copyfit every story", NULL },
    { "fill", 0, 0, G_OPTION_ARG_NONE, &o.fill, "Grow stories to fill their pages", NULL },
    { "dpi", 0, 0, G_OPTION_ARG_INT, &o.dpi, "PNG resolution, 18 to 1200 (default 150)", "N" },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &o.strict, "Exit 3 when there are findings", NULL },
    { "font-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.font_dirs, "Also use these fonts", "DIR" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &o.data_dir, "The folder with styles/ and fonts/",
      "DIR" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("EDITION.json -o OUTDIR | --merge PARTDIR… -o OUTDIR");
  g_autoptr (GError) error = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Compose and write every page of an edition: "
                                         "page-NN.pdf, edition.pdf, contact.png, report.json.");
  /* argv[1] is "edition": parse from there. */
  argc--, argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = cli_usage ("jopan edition", "%s", error->message);
  else if (o.merge && (o.output == NULL || !*o.output))
    status = cli_usage ("jopan edition", "%s", "edition --merge: expected -o OUTDIR");
  else if (o.merge)
    status = run_merge (argv + 1, argc - 1, &o);
  else if (argc != 2)
    status = cli_usage ("jopan edition", "%s", "edition: expected one edition file");
  else if (o.output == NULL || !*o.output)
    status = cli_usage ("jopan edition", "%s", "edition: expected -o OUTDIR");
  else
    status = run (argv[1], &o);
  options_clear (&o);
  return status;
}
