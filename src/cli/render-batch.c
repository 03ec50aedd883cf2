/* render-batch.c — several articles, each into its own file, in parallel.
 *
 * Every worker lays out one article and writes it into a staging folder
 * inside OUTDIR; only when all succeeded are the files moved into place,
 * so a bad article leaves no file of the run behind.  What is printed or
 * reported follows the inputs' order, never the order the threads finish
 * in, so --jobs 1 and --jobs N give the same bytes.
 */
#include "render-batch.h"

#include "batch.h"
#include "staging.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  const char *input;
  char *output;   /* the final path in OUTDIR */
  char *staged;   /* the path in the staging folder */
  char *findings; /* the printed lines, "jopan: KIND: MESSAGE\n" each */
  char *report;   /* jopan_document_report_json() */
  guint n_findings;
} Job;

typedef struct {
  const RenderBatch *r;
  Job *jobs;
} Run;

const char *
render_batch_extension (JopanFormat format)
{
  static const char *const extensions[] = { "pdf", "png", "svg", "txt" };
  return extensions[format];
}

void
render_batch_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      guchar c = (guchar) *p;
      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static char *
collect_findings (JopanDocument *doc, guint *n)
{
  GString *text = g_string_new (NULL);

  *n = jopan_document_get_n_findings (doc);
  for (guint i = 0; i < *n; i++)
    {
      const char *kind;
      const char *message = jopan_document_get_finding (doc, i, &kind);
      g_string_append_printf (text, "jopan: %s: %s\n", kind, message);
    }
  return g_string_free (text, FALSE);
}

/* A message that does not name the article gets its name in front. */
static void
name_article (GError *error, const char *input)
{
  if (error && strstr (error->message, input) == NULL)
    g_prefix_error (&error, "%s: ", input);
}

static gboolean
render_one (guint index, JopanFonts *fonts, gpointer user_data, guint *findings, GError **error)
{
  Run *run = user_data;
  const RenderBatch *r = run->r;
  Job *job = &run->jobs[index];
  g_autoptr (JopanArticle) article = jopan_article_load (job->input, error);
  g_autoptr (JopanDocument) doc = NULL;

  if (article)
    doc = jopan_document_new_full (fonts, r->style, article, r->layout, error);
  if (doc)
    jopan_document_set_date (doc, r->date);
  if (doc == NULL || !jopan_document_write (doc, job->staged, r->format, r->dpi, error))
    {
      name_article (error ? *error : NULL, job->input);
      return FALSE;
    }
  job->findings = collect_findings (doc, &job->n_findings);
  if (r->report)
    job->report = jopan_document_report_json (doc);
  *findings = job->n_findings;
  return TRUE;
}

/* OUTDIR/NAME.EXT for each input; two inputs of the same NAME are an error. */
static gboolean
plan_outputs (Job *jobs, const char *const *inputs, guint n, const char *outdir, const char *ext,
              GError **error)
{
  g_autoptr (GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *base = g_path_get_basename (inputs[i]);
      char *dot = strrchr (base, '.');
      g_autofree char *file = NULL;

      if (dot && dot != base)
        *dot = '\0';
      file = g_strdup_printf ("%s.%s", base, ext);
      jobs[i].input = inputs[i];
      jobs[i].output = g_build_filename (outdir, file, NULL);
      if (g_hash_table_contains (names, file))
        {
          g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_USAGE, "%s and %s would both write %s: "
                       "expected articles with different file names",
                       (char *) g_hash_table_lookup (names, file), inputs[i], jobs[i].output);
          return FALSE;
        }
      g_hash_table_insert (names, g_steal_pointer (&file), (gpointer) inputs[i]);
    }
  return TRUE;
}

/* Each job's file in the staging folder. */
static void
plan_staged (Job *jobs, guint n, const char *staging)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_path_get_basename (jobs[i].output);
      jobs[i].staged = g_build_filename (staging, file, NULL);
    }
}

/* {"articles": [{"article", "output", "findings", "report"}…], "findings": N} */
static gboolean
write_report (const Job *jobs, guint n, const char *path, guint findings, GError **error)
{
  g_autoptr (GString) json = g_string_new ("{\n  \"articles\" : [\n");

  for (guint i = 0; i < n; i++)
    {
      g_string_append (json, "    {\n      \"article\" : ");
      render_batch_json_string (json, jobs[i].input);
      g_string_append (json, ",\n      \"output\" : ");
      render_batch_json_string (json, jobs[i].output);
      g_string_append_printf (json, ",\n      \"findings\" : %u,\n      \"report\" : %s\n    }%s\n",
                              jobs[i].n_findings, jobs[i].report, i + 1 < n ? "," : "");
    }
  g_string_append_printf (json, "  ],\n  \"findings\" : %u\n}\n", findings);
  if (!g_file_set_contents (path, json->str, (gssize) json->len, error))
    {
      g_prefix_error (error, "cannot write the report: ");
      return FALSE;
    }
  return TRUE;
}

static void
jobs_free (Job *jobs, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_free (jobs[i].output);
      g_free (jobs[i].staged);
      g_free (jobs[i].findings);
      g_free (jobs[i].report);
    }
  g_free (jobs);
}

/* Runs the batch into @staging; prints the findings in order. */
static gboolean
render_staged (Run *run, guint n, guint *findings, GError **error)
{
  Progress *progress = progress_new (n, n == 1 ? "article" : "articles", run->r->quiet);
  gboolean ok = batch_run (n, run->r->jobs, run->r->font_dirs, run->r->data_dir, render_one, run,
                           progress, NULL, error);

  /* The findings, then the summary line under them; none when the run
   * failed (its error follows). */
  progress_clear (progress);
  *findings = 0;
  for (guint i = 0; ok && i < n; i++)
    {
      fputs (run->jobs[i].findings, stderr);
      *findings += run->jobs[i].n_findings;
    }
  if (ok)
    progress_finish (progress);
  else
    progress_abandon (progress);
  return ok;
}

/* The names in @dir. */
static GHashTable *
names_in (const char *dir)
{
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);

  for (const char *name; d && (name = g_dir_read_name (d));)
    g_hash_table_add (names, g_strdup (name));
  return names;
}

/* Is @name (in OUTDIR) one of an article's files, @base.@ext or a page of
 * it, @base-N.@ext? */
static gboolean
is_page_of (const char *name, const char *base, const char *ext)
{
  gsize n = strlen (base);
  const char *p = name + n;

  if (strncmp (name, base, n) != 0)
    return FALSE;
  if (*p == '-' && g_ascii_isdigit (p[1]))
    for (p++; g_ascii_isdigit (*p); p++)
      ;
  return *p == '.' && strcmp (p + 1, ext) == 0;
}

/* After the commit: the files of an article an earlier run wrote that
 * this one did not (NAME-3.png when it now has two pages, or NAME-1.png
 * when it now has one) are removed, so OUTDIR holds this run's pages
 * only.  @written: the names this run moved in. */
static void
remove_stale (const Job *jobs, guint n, const char *outdir, const char *ext, GHashTable *written)
{
  g_autoptr (GHashTable) present = names_in (outdir);
  GHashTableIter iter;
  gpointer name;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *file = g_path_get_basename (jobs[i].output);
      file[strlen (file) - strlen (ext) - 1] = '\0';
      g_hash_table_iter_init (&iter, present);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        if (!g_hash_table_contains (written, name) && is_page_of (name, file, ext))
          {
            g_autofree char *path = g_build_filename (outdir, name, NULL);
            g_unlink (path);
          }
    }
}

/* Makes @outdir if missing (*@created says so) and a staging folder in it. */
static char *
make_staging (const char *outdir, gboolean *created, GError **error)
{
  char *staging = g_build_filename (outdir, ".jopan-XXXXXX", NULL);

  *created = !g_file_test (outdir, G_FILE_TEST_IS_DIR);
  if (g_mkdir_with_parents (outdir, 0777) != 0 || g_mkdtemp (staging) == NULL)
    {
      int saved = errno;
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT, "cannot write into %s: %s", outdir,
                   g_strerror (saved));
      g_free (staging);
      return NULL;
    }
  return staging;
}

gboolean
render_batch (const char *const *inputs, guint n, const char *outdir, const RenderBatch *r,
              guint *findings, GError **error)
{
  g_autofree char *staging = NULL;
  Run run = { r, g_new0 (Job, n) };
  gboolean ok, created = FALSE;

  *findings = 0;
  ok = plan_outputs (run.jobs, inputs, n, outdir, render_batch_extension (r->format), error)
       && (staging = make_staging (outdir, &created, error)) != NULL;
  if (ok)
    {
      g_autoptr (GHashTable) written = NULL;
      plan_staged (run.jobs, n, staging);
      ok = render_staged (&run, n, findings, error) && (written = names_in (staging)) != NULL
           && staging_commit (staging, outdir, error);
      if (ok)
        remove_stale (run.jobs, n, outdir, render_batch_extension (r->format), written);
      ok = ok && (r->report == NULL || write_report (run.jobs, n, r->report, *findings, error));
      staging_remove (staging);
    }
  /* A failed run leaves no folder it made either (rmdir removes only an empty one). */
  if (!ok && created)
    g_rmdir (outdir);
  jobs_free (run.jobs, n);
  return ok;
}
