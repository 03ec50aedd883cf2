/* edition.c — `jopan edition EDITION.json -o OUTDIR`: every page of an
 * edition (or the part --pages and --shard choose) composed in parallel by
 * jopan_edition_write(), with progress on stderr.
 */
#include "edition.h"
#include "env.h"
#include "exit.h"

#include "merge.h"
#include "parts.h"
#include "print.h"
#include "progress.h"
#include "staging.h"

#include "jopan.h"

#include <errno.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  char *output, *style, *data_dir, *pages, *shard, *output_profile;
  char **sets, **font_dirs;
  int dpi, jobs;
  gboolean png, quiet, strict, copyfit, fill, merge, pdfx, proof;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->output);
  g_free (o->style);
  g_free (o->data_dir);
  g_free (o->pages);
  g_free (o->shard);
  g_free (o->output_profile);
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
  if (style && !print_options_apply (o->pdfx, o->output_profile, o->proof, style, error))
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
                         char **font_dirs, const char *data_dir, gboolean strict, gboolean pdfx,
                         const char *output_profile)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JopanEdition) edition = jopan_edition_load (input, &error);
  g_autoptr (JopanStyle) style = NULL;
  g_autoptr (GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  Options o = { .style = (char *) style_name, .sets = sets, .pdfx = pdfx,
                .output_profile = (char *) output_profile };
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

/* ---- an update: pages written again into an earlier run's folder ---------- */

/* Whether @dir holds an earlier run of @edition (its report.json names the
 * edition's title and date and as many pages); its page PDFs in @held
 * (flags by index, @n pages), and whether it has their PNGs in @png. */
static gboolean
earlier_run (const char *dir, const JopanEdition *edition, guint n, gboolean *held,
             gboolean *png)
{
  g_autofree char *path = g_build_filename (dir, "report.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GDir) d = NULL;
  JsonNode *root;
  JsonObject *report;
  const char *name;

  if (!json_parser_load_from_file (parser, path, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  report = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (report, "title", ""),
                 jopan_edition_get_title (edition)) != 0
      || g_strcmp0 (json_object_get_string_member_with_default (report, "date", ""),
                    jopan_edition_get_date (edition)) != 0
      || json_object_get_int_member_with_default (report, "pages_in_edition", 0) != n
      || (d = g_dir_open (dir, 0, NULL)) == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)))
    {
      gboolean pdf;
      guint number = merge_page_number (name, &pdf);
      if (number < 1 || number > n)
        continue;
      held[number - 1] = held[number - 1] || pdf;
      *png = *png || !pdf;
    }
  return TRUE;
}

/* The pages of @held (flags by index, @n pages) that @flags leaves out. */
static guint
count_kept (const gboolean *held, const gboolean *flags, guint n)
{
  guint kept = 0;

  for (guint i = 0; i < n; i++)
    kept += held[i] && !flags[i];
  return kept;
}

/* Adds to @flags the pages that carry the rest of a story from a page in
 * them: written again, a page's jump changes what its jump page shows. */
static void
add_jump_pages (const JopanEdition *edition, guint n, gboolean *flags, gboolean quiet)
{
  gboolean more = TRUE;

  while (more)
    {
      more = FALSE;
      for (guint p = 0; p < n; p++)
        for (guint q = 0; flags[p] && q < n; q++)
          if (!flags[q] && jopan_edition_continues_on (edition, p, q))
            {
              flags[q] = more = TRUE;
              if (!quiet)
                fprintf (stderr, "jopan: page %u is written again too: it carries the rest of a "
                         "story from page %u\n", q + 1, p + 1);
            }
    }
}

/* The path of the lowest-numbered page PDF (@pdf) or PNG of @dir, its
 * number in *@number; NULL (0) if it has none. */
static char *
lowest_page (const char *dir, gboolean pdf, guint *number)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  char *lowest = NULL;
  const char *name;
  gboolean is_pdf;

  *number = 0;
  while (d && (name = g_dir_read_name (d)))
    {
      guint n = merge_page_number (name, &is_pdf);
      if (is_pdf == pdf && n > 0 && (*number == 0 || n < *number))
        {
          *number = n;
          g_free (lowest);
          lowest = g_build_filename (dir, name, NULL); /* @name is GDir's until the next read */
        }
    }
  return lowest;
}

/* Whether the lowest-numbered page PDF of @dir is a PDF/X file; its
 * number in *@number (0: there is none). */
static gboolean
pdfx_pages (const char *dir, guint *number)
{
  g_autofree char *path = lowest_page (dir, TRUE, number), *data = NULL;
  gsize length = 0;

  if (path == NULL || !g_file_get_contents (path, &data, &length, NULL))
    return *number = 0, FALSE;
  return g_strstr_len (data, (gssize) length, "/GTS_PDFXVersion") != NULL;
}

/* The pixel width of the lowest-numbered page PNG of @dir (its header
 * read), or 0. */
static guint32
png_width (const char *dir)
{
  guint number;
  g_autofree char *path = lowest_page (dir, FALSE, &number);
  int width = 0;

  if (path == NULL || gdk_pixbuf_get_file_info (path, &width, NULL) == NULL)
    return 0;
  return (guint32) MAX (width, 0);
}

/* Whether the pages of @part are files of the kind (PDF/X or not, PNGs
 * as wide) of the pages @outdir holds, still all of the earlier run: an
 * edition sent to the press page by page must not mix them (the night desk
 * writing page 3 again without --pdfx), nor a proof wall PNGs at two
 * resolutions. */
static gboolean
same_kind (const char *outdir, const char *part, int dpi, GError **error)
{
  guint first, kept;
  gboolean x_part = pdfx_pages (part, &first);
  gboolean x_kept = pdfx_pages (outdir, &kept);
  guint32 w_part = png_width (part), w_kept = w_part ? png_width (outdir) : 0;

  if (w_part && w_kept && w_part != w_kept)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "%s: its PNG pages are %u pixels wide "
                   "and those written again %u: give the earlier run's --dpi (%.0f), or write "
                   "into a new folder", outdir, w_kept, w_part, (double) dpi * w_kept / w_part);
      return FALSE;
    }
  if (first == 0 || kept == 0 || x_part == x_kept)
    return TRUE;
  if (x_kept)
    g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "%s: its pages are PDF/X files for the "
                 "press and those written again are not: give --pdfx (and the earlier run's "
                 "--output-profile), or write into a new folder", outdir);
  else
    g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "%s: its pages are not PDF/X files and "
                 "those written again are: leave out --pdfx, or write into a new folder", outdir);
  return FALSE;
}

/* The part written into a new folder beside @outdir, then joined into it
 * (merge_update()). */
static gboolean
write_update (const JopanEdition *edition, const JopanStyle *style, JopanEditionOutput *out,
              const char *outdir, GError **error)
{
  g_autofree char *whole = g_canonicalize_filename (outdir, NULL);
  g_autofree char *parent = g_path_get_dirname (whole);
  g_autofree char *base = g_path_get_basename (whole);
  g_autofree char *part = g_strdup_printf ("%s/.%s.update-XXXXXX", parent, base);
  gboolean ok;

  if (g_mkdtemp (part) == NULL)
    {
      int saved = errno;
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT, "cannot write beside %s: %s", outdir,
                   g_strerror (saved));
      return FALSE;
    }
  out->outdir = part;
  ok = jopan_edition_write (edition, style, out, error)
       && same_kind (outdir, part, (int) out->dpi, error) && merge_update (outdir, part, error);
  out->outdir = outdir;
  staging_remove (part);
  return ok;
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
  g_autofree gboolean *flags = NULL, *held = NULL;
  guint n, total = 0, kept = 0;
  Progress *progress;
  gboolean ok, png = FALSE;
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
  /* A part into a folder holding an earlier run of the edition with other
   * pages: those are kept, and the part joined in (an update), not the
   * folder replaced by the part alone. */
  held = g_new0 (gboolean, n);
  if ((o->pages || o->shard) && earlier_run (o->output, edition, n, held, &png)
      && count_kept (held, flags, n) > 0)
    {
      add_jump_pages (edition, n, flags, o->quiet);
      out->png = out->png || png; /* the folder's PNGs stay the pages' */
      kept = count_kept (held, flags, n);
    }
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
  ok = kept > 0 ? write_update (edition, style, out, o->output, &error)
               : jopan_edition_write (edition, style, out, &error);
  if (!ok)
    {
      progress_abandon (progress);
      return cli_fail (error);
    }
  progress_finish (progress);
  if (kept > 0 && !o->quiet)
    fprintf (stderr, "jopan: %s updated: %u page%s written again, %u kept from the earlier run\n",
             o->output, total, total == 1 ? "" : "s", kept);
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
    PRINT_OPTION_ENTRIES (o),
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
