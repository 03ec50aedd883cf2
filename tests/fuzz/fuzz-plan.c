/* fuzz-plan.c — checks on loaded page plans and loader errors; see fuzz-plan.h. */
#include "fuzz-plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
fuzz_plan_text (const uint8_t *data, size_t size)
{
  char *text = g_malloc (size + 1);

  if (size)
    memcpy (text, data, size);
  text[size] = '\0';
  return text;
}

void
fuzz_plan_check_message (const GError *error, const char *name)
{
  gsize n = strlen (name);

  for (const char *at = strstr (error->message, name); at; at = strstr (at + 1, name))
    if (at[n] == ':' && g_ascii_isdigit (at[n + 1]))
      return;
  fprintf (stderr, "fuzz: the error names no place in %s: %s\n", name, error->message);
  abort ();
}

G_GNUC_NORETURN G_GNUC_PRINTF (2, 3) static void
fail (const JopanPagePlan *plan, const char *format, ...)
{
  va_list args;

  fprintf (stderr, "fuzz: page %u of %s: ", plan->number, plan->name);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
  abort ();
}

static void
check_slot (const JopanPagePlan *plan, const JopanModuleSlot *slot, const JopanStyle *style,
            const char *what)
{
  double top, depth;

  if (!slot->fixed)
    return;
  if (slot->column < 0 || slot->columns < 1 || slot->column + slot->columns > JOPAN_MAX_COLUMNS)
    fail (plan, "%s: a slot of %d columns from column %d", what, slot->columns, slot->column);
  if (slot->depth_lines == 0 || slot->top_lines > JOPAN_MAX_SLOT_LINES
      || slot->depth_lines > JOPAN_MAX_SLOT_LINES)
    fail (plan, "%s: a slot %d lines deep from line %d", what, slot->depth_lines,
          slot->top_lines);
  jopan_module_slot_points (slot, style, &top, &depth);
  if (!isfinite (top) || !isfinite (depth) || top < 0
      || depth < MIN (jopan_style_get_baseline (style), 12))
    fail (plan, "%s: a slot %g pt deep from %g pt", what, depth, top);
}

static void
check_story (const JopanPagePlan *plan, const JopanPageStory *story, const JopanStyle *style)
{
  if (story->article == NULL || story->src == NULL || *story->src == '\0' || story->place == NULL)
    fail (plan, "a story without its article, src or place");
  if (story->jump == plan->number || story->jump > JOPAN_MAX_PAGE_NUMBER
      || (plan->edition_pages && story->jump > plan->edition_pages))
    fail (plan, "%s: a jump to page %u", story->place, story->jump);
  if ((guint) story->weight > JOPAN_WEIGHT_BRIEF)
    fail (plan, "%s: weight %d", story->place, story->weight);
  check_slot (plan, &story->slot, style, story->place);
}

static void
check_box (const JopanPagePlan *plan, const JopanPageBox *box, const JopanStyle *style)
{
  if (box->path == NULL || box->src == NULL || box->place == NULL)
    fail (plan, "a box without its path, src or place");
  if ((box->image != NULL) == box->is_pdf)
    fail (plan, "%s: a box both or neither image and PDF", box->place);
  if (box->columns < 1 || box->columns > JOPAN_MAX_COLUMNS || !isfinite (box->depth)
      || box->depth < 0)
    fail (plan, "%s: a box %d columns wide, %g pt deep", box->place, box->columns, box->depth);
  if (box->slot.fixed != (box->position == JOPAN_BOX_AT_SLOT))
    fail (plan, "%s: a box at position %d with%s a slot", box->place, box->position,
          box->slot.fixed ? "" : "out");
  if (!box->slot.fixed && box->depth < 12)
    fail (plan, "%s: a box %g pt deep", box->place, box->depth);
  if (box->image && (box->image->width < 1 || box->image->height < 1))
    fail (plan, "%s: an image %d x %d", box->place, box->image->width, box->image->height);
  check_slot (plan, &box->slot, style, box->place);
}

void
fuzz_plan_check (const JopanPagePlan *plan, const JopanStyle *style)
{
  if (plan->number < 1 || plan->number > JOPAN_MAX_PAGE_NUMBER)
    fail (plan, "page number %u", plan->number);
  if (plan->stories->len < 1 || plan->stories->len > JOPAN_MAX_PAGE_STORIES
      || plan->boxes->len > JOPAN_MAX_PAGE_BOXES)
    fail (plan, "%u stories, %u boxes", plan->stories->len, plan->boxes->len);
  if (plan->style && *plan->style == '\0')
    fail (plan, "an empty style");
  for (guint i = 0; i < plan->stories->len; i++)
    check_story (plan, g_ptr_array_index (plan->stories, i), style);
  for (guint i = 0; i < plan->boxes->len; i++)
    check_box (plan, g_ptr_array_index (plan->boxes, i), style);
  for (guint i = 0; plan->warnings && i + 1 < plan->warnings->len; i++)
    if (g_ptr_array_index (plan->warnings, i) == NULL)
      fail (plan, "warning %u of %u is NULL", i, plan->warnings->len - 1);
}
