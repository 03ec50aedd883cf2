/* report.c — preflight findings, and the JSON report a CMS reads. */
#include "jopan-private.h"
#include "json-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <stdarg.h>

typedef struct {
  char *kind;
  char *message;           /* NULL while pending */
  /* A finding known only later (jopan_report_add_pending): @resolve(@data)
   * gives its message or NULL (none after all). */
  JopanReportResolve resolve;
  gpointer data;
  gpointer (*ref) (gpointer data);
  GDestroyNotify unref;
} Finding;

/* Lines of a text outside the body (headline, caption, …) that did not fit. */
typedef struct {
  char *element;
  guint lines, chars;
} ElementOverset;

struct _JopanReport {
  GArray *findings; /* of Finding */
  guint n_pages;
  guint overset_lines, overset_chars;
  int underset_lines;
  double underset_share;  /* of the type area */
  const char *weight;     /* the story's treatment, static */
  double headline_size;
  gboolean copyfit;
  double tracking, body_size;
  int photo_lines;
  GPtrArray *changes; /* of char*: what copyfit changed */
  GArray *elements;   /* of ElementOverset */
  GPtrArray *member_names; /* of char*: further members (a composed page's) */
  GPtrArray *members;      /* of JsonNode* */
};

static void
finding_clear (Finding *f)
{
  g_free (f->kind);
  g_free (f->message);
  if (f->unref)
    f->unref (f->data);
}

static void
element_clear (ElementOverset *e)
{
  g_free (e->element);
}

JopanReport *
jopan_report_new (void)
{
  JopanReport *report = g_new0 (JopanReport, 1);

  report->findings = g_array_new (FALSE, FALSE, sizeof (Finding));
  g_array_set_clear_func (report->findings, (GDestroyNotify) finding_clear);
  report->changes = g_ptr_array_new_with_free_func (g_free);
  report->elements = g_array_new (FALSE, FALSE, sizeof (ElementOverset));
  g_array_set_clear_func (report->elements, (GDestroyNotify) element_clear);
  report->member_names = g_ptr_array_new_with_free_func (g_free);
  report->members = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  return report;
}

void
jopan_report_free (JopanReport *report)
{
  if (report == NULL)
    return;
  g_array_unref (report->findings);
  g_ptr_array_unref (report->changes);
  g_array_unref (report->elements);
  g_ptr_array_unref (report->member_names);
  g_ptr_array_unref (report->members);
  g_free (report);
}

void
jopan_report_add (JopanReport *report, const char *kind, const char *format, ...)
{
  va_list args;
  Finding f = { .kind = g_strdup (kind) };

  va_start (args, format);
  f.message = g_strdup_vprintf (format, args);
  va_end (args);
  g_array_append_val (report->findings, f);
}

void
jopan_report_add_pending (JopanReport *report, const char *kind, JopanReportResolve resolve,
                          gpointer data, gpointer (*ref) (gpointer data), GDestroyNotify unref)
{
  Finding f = { g_strdup (kind), NULL, resolve, data, ref, unref };

  g_array_append_val (report->findings, f);
}

void
jopan_report_settle (JopanReport *report)
{
  guint to = 0;

  for (guint i = 0; i < report->findings->len; i++)
    {
      Finding *f = &g_array_index (report->findings, Finding, i);
      if (f->resolve)
        {
          f->message = f->resolve (f->data);
          f->unref (f->data);
          f->resolve = NULL, f->data = NULL, f->ref = NULL, f->unref = NULL;
        }
      if (f->message == NULL)
        {
          finding_clear (f);
          continue;
        }
      if (to != i)
        g_array_index (report->findings, Finding, to) = *f;
      to++;
    }
  /* The entries moved down are owned where they went: drop the tail as is. */
  g_array_set_clear_func (report->findings, NULL);
  g_array_set_size (report->findings, to);
  g_array_set_clear_func (report->findings, (GDestroyNotify) finding_clear);
}

/* The findings are read on the thread that made them (settled before a
 * document is handed out: jopan_preflight_pages): settling is no change
 * that a reader could see, so a const report may settle. */
static const JopanReport *
settled (const JopanReport *report)
{
  jopan_report_settle ((JopanReport *) report);
  return report;
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

void
jopan_report_set_underset (JopanReport *report, int lines)
{
  report->underset_lines = lines;
}

void
jopan_report_set_underset_share (JopanReport *report, double share)
{
  report->underset_share = share;
}

void
jopan_report_set_treatment (JopanReport *report, const char *weight, double headline_size)
{
  report->weight = weight;
  report->headline_size = headline_size;
}

void
jopan_report_set_copyfit (JopanReport *report, double tracking, int photo_lines, double body_size)
{
  report->copyfit = TRUE;
  report->tracking = tracking;
  report->photo_lines = photo_lines;
  report->body_size = body_size;
}

void
jopan_report_add_change (JopanReport *report, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (report->changes, g_strdup_vprintf (format, args));
  va_end (args);
}

void
jopan_report_add_overset_element (JopanReport *report, const char *element, guint lines,
                                  guint chars)
{
  ElementOverset e = { g_strdup (element), lines, chars };

  g_array_append_val (report->elements, e);
}

void
jopan_report_merge (JopanReport *report, const JopanReport *from)
{
  for (guint i = 0; i < from->findings->len; i++)
    {
      const Finding *f = &g_array_index (from->findings, Finding, i);
      if (f->resolve)
        jopan_report_add_pending (report, f->kind, f->resolve, f->ref (f->data), f->ref, f->unref);
      else
        jopan_report_add (report, f->kind, "%s", f->message);
    }
  for (guint i = 0; i < from->elements->len; i++)
    {
      const ElementOverset *e = &g_array_index (from->elements, ElementOverset, i);
      jopan_report_add_overset_element (report, e->element, e->lines, e->chars);
    }
}

const char *const *
jopan_report_get_changes (const JopanReport *report, guint *n)
{
  *n = report->changes->len;
  return (const char *const *) report->changes->pdata;
}

void
jopan_report_add_member (JopanReport *report, const char *name, JsonNode *node)
{
  g_ptr_array_add (report->member_names, g_strdup (name));
  g_ptr_array_add (report->members, node);
}

void
jopan_report_absorb (JopanReport *report, const JopanReport *from)
{
  jopan_report_merge (report, from);
  report->overset_lines = from->overset_lines;
  report->overset_chars = from->overset_chars;
  report->underset_lines = from->underset_lines;
  report->underset_share = from->underset_share;
  report->weight = from->weight;
  report->headline_size = from->headline_size;
  if (from->copyfit)
    jopan_report_set_copyfit (report, from->tracking, from->photo_lines, from->body_size);
  for (guint i = 0; i < from->changes->len; i++)
    jopan_report_add_change (report, "%s", (const char *) g_ptr_array_index (from->changes, i));
}

/* Body lines and the lines of every other element that did not fit. */
guint
jopan_report_get_overset (const JopanReport *report, guint *chars)
{
  guint lines = report->overset_lines, characters = report->overset_chars;

  for (guint i = 0; i < report->elements->len; i++)
    {
      const ElementOverset *e = &g_array_index (report->elements, ElementOverset, i);
      lines += e->lines;
      characters += e->chars;
    }
  if (chars)
    *chars = characters;
  return lines;
}

guint
jopan_report_get_n (const JopanReport *report)
{
  return settled (report)->findings->len;
}

const char *
jopan_report_get (const JopanReport *report, guint index, const char **kind)
{
  const Finding *f;

  g_return_val_if_fail (index < settled (report)->findings->len, NULL);
  f = &g_array_index (report->findings, Finding, index);
  if (kind)
    *kind = f->kind;
  return f->message;
}

void
jopan_json_number (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, round (value * 100) / 100);
}

void
jopan_json_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

void
jopan_json_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value ? value : "");
}

static void
add_frame (JsonBuilder *b, const char *src, const JopanBox *box)
{
  json_builder_begin_object (b);
  jopan_json_string (b, "src", src);
  jopan_json_number (b, "x", box->x);
  jopan_json_number (b, "y", box->y);
  jopan_json_number (b, "width", box->w);
  jopan_json_number (b, "height", box->h);
  /* A photo's effective resolution on the page: the pixels the frame
   * shows per inch, the lesser of the two directions. */
  if (box->kind == JOPAN_BOX_IMAGE && box->w > 0 && box->h > 0)
    jopan_json_number (b, "ppi", round (MIN (box->src_w * 72 / box->w, box->src_h * 72 / box->h)));
  json_builder_end_object (b);
}

/* A page: its photos' frames and, per column, the body lines and extent. */
static void
add_page (JsonBuilder *b, const JopanPage *page)
{
  json_builder_begin_object (b);
  jopan_json_int (b, "number", page->number);
  json_builder_set_member_name (b, "photos");
  json_builder_begin_array (b);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *box = &g_array_index (page->boxes, JopanBox, i);
      if (box->kind == JOPAN_BOX_IMAGE && strcmp (box->role, "box") != 0)
        add_frame (b, box->image->src, box);
    }
  json_builder_end_array (b);
  /* Fixed boxes (ads): an image or a PDF. */
  json_builder_set_member_name (b, "boxes");
  json_builder_begin_array (b);
  for (guint i = 0; i < page->boxes->len; i++)
    {
      const JopanBox *box = &g_array_index (page->boxes, JopanBox, i);
      if (box->kind == JOPAN_BOX_PDF)
        add_frame (b, box->path, box);
      else if (box->kind == JOPAN_BOX_IMAGE && strcmp (box->role, "box") == 0)
        add_frame (b, box->image->path, box);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "columns");
  json_builder_begin_array (b);
  for (int c = 0; c < page->n_columns; c++)
    {
      json_builder_begin_object (b);
      jopan_json_int (b, "lines", page->columns[c].lines);
      jopan_json_number (b, "top", page->columns[c].top);
      jopan_json_number (b, "bottom", page->columns[c].bottom);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_copyfit (JsonBuilder *b, const JopanReport *report)
{
  json_builder_set_member_name (b, "copyfit");
  if (!report->copyfit)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tracking_em");
  json_builder_add_double_value (b, round (report->tracking * 10000) / 10000);
  jopan_json_int (b, "photo_lines", report->photo_lines);
  jopan_json_number (b, "body_size", report->body_size);
  json_builder_set_member_name (b, "changes");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->changes->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (report->changes, i));
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* "overset": totals, the body's share, and each other element cut short. */
static void
add_overset (JsonBuilder *b, const JopanReport *report)
{
  guint chars, lines = jopan_report_get_overset (report, &chars);

  json_builder_set_member_name (b, "overset");
  json_builder_begin_object (b);
  jopan_json_int (b, "lines", lines);
  jopan_json_int (b, "characters", chars);
  json_builder_set_member_name (b, "body");
  json_builder_begin_object (b);
  jopan_json_int (b, "lines", report->overset_lines);
  jopan_json_int (b, "characters", report->overset_chars);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "elements");
  json_builder_begin_array (b);
  for (guint i = 0; i < report->elements->len; i++)
    {
      const ElementOverset *e = &g_array_index (report->elements, ElementOverset, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "element");
      json_builder_add_string_value (b, e->element);
      jopan_json_int (b, "lines", e->lines);
      jopan_json_int (b, "characters", e->chars);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/* The shortest text that reads back as @value ("56.02", not json-glib's
 * "56.020000000000003"): fixed point with up to 6 decimals, else all 17
 * digits; ".0" kept on a whole number. */
static void
append_number (GString *out, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE], format[8];
  gboolean exact = FALSE;

  for (int decimals = 0; decimals <= 6 && !exact && fabs (value) < 1e15; decimals++)
    {
      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_ascii_formatd (buf, sizeof buf, format, value);
      exact = g_ascii_strtod (buf, NULL) == value;
    }
  if (!exact)
    g_ascii_formatd (buf, sizeof buf, "%.17g", value);
  g_string_append (out, buf);
  if (strpbrk (buf, ".eEn") == NULL)
    g_string_append (out, ".0");
}

char *
jopan_json_to_data (JsonNode *root)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  GString *out;
  gboolean in_string = FALSE;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  out = g_string_sized_new (strlen (text));
  /* Numbers outside strings with a point or an exponent are doubles. */
  for (const char *p = text; *p;)
    {
      if (in_string || (*p != '-' && !g_ascii_isdigit (*p)))
        {
          if (in_string && *p == '\\' && p[1])
            g_string_append_c (out, *p++);
          else if (*p == '"')
            in_string = !in_string;
          g_string_append_c (out, *p++);
          continue;
        }
      gsize n = strspn (p, "-+0123456789.eE");
      if (memchr (p, '.', n) || memchr (p, 'e', n) || memchr (p, 'E', n))
        append_number (out, g_ascii_strtod (p, NULL));
      else
        g_string_append_len (out, p, (gssize) n);
      p += n;
    }
  return g_string_free (out, FALSE);
}

JsonNode *
jopan_report_to_node (const JopanReport *report, const GPtrArray *pages)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  settled (report);
  json_builder_begin_object (b);
  jopan_json_int (b, "pages", report->n_pages);
  add_overset (b, report);
  json_builder_set_member_name (b, "underset");
  json_builder_begin_object (b);
  jopan_json_int (b, "lines", report->underset_lines);
  json_builder_set_member_name (b, "share");
  json_builder_add_double_value (b, round (report->underset_share * 1000) / 1000);
  json_builder_end_object (b);
  if (report->weight)
    {
      json_builder_set_member_name (b, "treatment");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "weight");
      json_builder_add_string_value (b, report->weight);
      json_builder_set_member_name (b, "headline_size");
      json_builder_add_double_value (b, round (report->headline_size * 100) / 100);
      json_builder_end_object (b);
    }
  add_copyfit (b, report);
  for (guint i = 0; i < report->members->len; i++)
    {
      json_builder_set_member_name (b, g_ptr_array_index (report->member_names, i));
      json_builder_add_value (b, json_node_copy (g_ptr_array_index (report->members, i)));
    }
  json_builder_set_member_name (b, "page_details");
  json_builder_begin_array (b);
  for (guint i = 0; pages && i < pages->len; i++)
    add_page (b, g_ptr_array_index (pages, i));
  json_builder_end_array (b);
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
  return json_builder_get_root (b);
}

char *
jopan_report_to_json (const JopanReport *report, const GPtrArray *pages)
{
  g_autoptr (JsonNode) root = jopan_report_to_node (report, pages);

  return jopan_json_to_data (root);
}
