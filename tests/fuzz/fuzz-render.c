/* fuzz-render — an article through load, layout and render on a small page.
 *
 * The input is an article (JSON), then optional control lines (see
 * fuzz-input.h): --set assignments over tests/fuzz/small.ini, a slot,
 * copyfit, fill and weight, and a photo the article may use as
 * "src": "photo" — raw bytes after "%%photo", or a W x H PNG made here
 * from "%%png W H".  Photos are
 * split off instead of fuzzed inside the JSON so the fuzzer can change a
 * photo's bytes (a JPEG's header has no checksum) or, for PNG, whose
 * checksums defeat byte mutation, its size directly: the 40000 x 8 panorama
 * that crashed render is "%%png 40000 8".  The sample photos are reachable
 * as "photos/NAME.jpg".
 *
 * The document is written as PDF, PNG at 18 dpi (the CLI's lowest) and a
 * text dump into a scratch folder, and its report made.  Every step must
 * succeed or fail with an error.  Pages over 2000 mm are skipped: their
 * memory, not a bug in what is fuzzed here, would stop the fuzzer.
 */
#include "fuzz-input.h"
#include "jopan.h"

#include <stdlib.h>

static JopanFonts *
fonts_once (void)
{
  static JopanFonts *fonts;

  if (fonts == NULL && (fonts = jopan_fonts_new (NULL, FUZZ_DATA_DIR, NULL)) == NULL)
    abort ();
  return fonts;
}

/* The small style with the input's assignments; NULL if one fails. */
static JopanStyle *
make_style (const FuzzInput *input)
{
  g_autoptr (JopanStyle) style = jopan_style_load (FUZZ_STYLE, FUZZ_DATA_DIR, NULL);

  if (style == NULL)
    abort ();
  for (guint i = 0; i < input->sets->len; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = jopan_style_set (style, g_ptr_array_index (input->sets, i), &error);

      fuzz_check_result (ok, error, "jopan_style_set");
      if (!ok)
        return NULL;
    }
  if (jopan_style_get_page_width (style) > 2000 * 72 / 25.4
      || jopan_style_get_page_height (style) > 2000 * 72 / 25.4)
    return NULL;
  return g_steal_pointer (&style);
}

static void
write_outputs (JopanDocument *doc)
{
  static const struct { const char *name; JopanFormat format; } outputs[] = {
    { "out.pdf", JOPAN_FORMAT_PDF },
    { "out.png", JOPAN_FORMAT_PNG },
    { "out.txt", JOPAN_FORMAT_DUMP },
  };
  g_autofree char *report = jopan_document_report_json (doc);

  if (report == NULL)
    abort ();
  for (gsize i = 0; i < G_N_ELEMENTS (outputs); i++)
    {
      g_autofree char *path = g_build_filename (fuzz_scratch_dir (), outputs[i].name, NULL);
      g_autoptr (GError) error = NULL;
      gboolean ok = jopan_document_write (doc, path, outputs[i].format, 18, &error);

      fuzz_check_result (ok, error, "jopan_document_write");
    }
}

static void
run (const FuzzInput *input)
{
  g_autoptr (JopanStyle) style = make_style (input);
  g_autoptr (JopanArticle) article = NULL;
  g_autoptr (JopanDocument) doc = NULL;
  g_autoptr (GError) error = NULL;
  JopanLayoutOptions options = { .copyfit = input->copyfit, .fill = input->fill,
                                 .weight = (JopanWeight) input->weight };

  if (style == NULL || !fuzz_input_write_photo (input))
    return;
  if (input->slot)
    {
      gboolean ok = jopan_layout_options_parse_slot (&options, input->slot, &error);
      fuzz_check_result (ok, error, "jopan_layout_options_parse_slot");
      if (!ok)
        return;
    }
  article = jopan_article_load_from_data (input->text, (gssize) input->text_len, "fuzz.json",
                                          fuzz_scratch_dir (), &error);
  fuzz_check_result (article != NULL, error, "jopan_article_load_from_data");
  if (article == NULL)
    return;
  doc = jopan_document_new_full (fonts_once (), style, article, &options, &error);
  fuzz_check_result (doc != NULL, error, "jopan_document_new_full");
  if (doc)
    write_outputs (doc);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  FuzzInput input;

  if (size > 64 * 1024)
    return 0;
  fuzz_input_parse (&input, data, size);
  run (&input);
  fuzz_input_clear (&input);
  fuzz_scratch_clean ();
  return 0;
}
