/* report.c — preflight findings, and the JSON report a CMS reads. */
#include "jopan-private.h"

#include <json-glib/json-glib.h>
#include <stdarg.h>

typedef struct {
  char *kind;
  char *message;
} Finding;

struct _JopanReport {
  GArray *findings; /* of Finding */
  guint n_pages;
  guint overset_lines, overset_chars;
};

static void
finding_clear (Finding *f)
{
  g_free (f->kind);
  g_free (f->message);
}

JopanReport *
jopan_report_new (void)
{
  JopanReport *report = g_new0 (JopanReport, 1);

  report->findings = g_array_new (FALSE, FALSE, sizeof (Finding));
  g_array_set_clear_func (report->findings, (GDestroyNotify) finding_clear);
  return report;
}

void
jopan_report_free (JopanReport *report)
{
  if (report == NULL)
    return;
  g_array_unref (report->findings);
  g_free (report);
}

void
jopan_report_add (JopanReport *report, const char *kind, const char *format, ...)
{
  va_list args;
  Finding f = { g_strdup (kind), NULL };

  va_start (args, format);
  f.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (report->findings, f);
}

void
jopan_report_set_pages (JopanReport *report, guint n_pages)
{
  report->n_pages = n_pages;
}

void
jopan_report_set_overset (JopanReport *report, guint lines, guint chars)
{
  report->overset_lines = lines;
  report->overset_chars = chars;
}

guint
jopan_report_get_n (const JopanReport *report)
{
  return report->findings->len;
}

const char *
jopan_report_get (const JopanReport *report, guint index, const char **kind)
{
  const Finding *f;

  g_return_val_if_fail (index < report->findings->len, NULL);
  f = &g_array_index (report->findings, Finding, index);
  if (kind)
    *kind = f->kind;
  return f->message;
}

char *
jopan_report_to_json (const JopanReport *report)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, report->n_pages);
  json_builder_set_member_name (b, "overset");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "lines");
  json_builder_add_int_value (b, report->overset_lines);
  json_builder_set_member_name (b, "characters");
  json_builder_add_int_value (b, report->overset_chars);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "findings");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->findings->len; i++)
    {
      const Finding *f = &g_array_index (report->findings, Finding, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, f->kind);
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, f->message);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
