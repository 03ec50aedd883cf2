/* fuzz-input.h — what the fuzz targets share: splitting an input into its
 * parts, and a private scratch folder for the files a target must write. */
#ifndef FUZZ_INPUT_H
#define FUZZ_INPUT_H

#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* An input is a text (an article or a style file) up to the first line that
 * starts with "%%", then control lines:
 *   GROUP.KEY=VALUE   a --set assignment (any line not starting with %%)
 *   %%slot TEXT       a --slot (COLUMNS:DEPTH)
 *   %%copyfit         --copyfit
 *   %%fill            the layout option fill
 *   %%weight N        the layout option weight, 0 (auto) to 3 (brief)
 *   %%png W H         a photo made here: a W x H PNG (kept to 4 megapixels)
 *   %%photo           the rest of the input, raw, is the photo's bytes
 * The photo is written to "photo" in the scratch folder. */
typedef struct {
  char *text;             /* nul-terminated copy of the text part */
  gsize text_len;
  GPtrArray *sets;        /* char *, the assignments in order */
  char *slot;             /* NULL when absent */
  gboolean copyfit;
  gboolean fill;
  int weight;             /* 0 to 3 */
  const uint8_t *photo;   /* raw bytes, or NULL */
  gsize photo_len;
  int png_width, png_height; /* 0 when absent */
} FuzzInput;

void fuzz_input_parse (FuzzInput *input, const uint8_t *data, size_t size);
void fuzz_input_clear (FuzzInput *input);

/* The scratch folder, made once per process, emptied by fuzz_scratch_clean()
 * except for a "photos" link to the sample photos; removed at exit. */
const char *fuzz_scratch_dir (void);
void fuzz_scratch_clean (void);
/* Writes the input's photo, if any, to SCRATCH/photo.  Returns FALSE if a
 * made PNG is too large to make. */
gboolean fuzz_input_write_photo (const FuzzInput *input);

/* Aborts, naming @what, unless exactly one of @ok and @error is set: every
 * jopan call must either succeed or say why not.  With FUZZ_VERBOSE set in
 * the environment, prints the error, to see what a corpus file exercises. */
void fuzz_check_result (gboolean ok, const GError *error, const char *what);

#endif /* FUZZ_INPUT_H */
