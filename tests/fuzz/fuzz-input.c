/* fuzz-input.c — splitting fuzz inputs and a scratch folder; see fuzz-input.h. */
#include "fuzz-input.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where the text part ends: at the start of the first line beginning "%%". */
static gsize
text_end (const char *data, gsize size)
{
  for (gsize i = 0; i + 1 < size; i++)
    if ((i == 0 || data[i - 1] == '\n') && data[i] == '%' && data[i + 1] == '%')
      return i;
  return size;
}

/* One control line (without its newline); returns TRUE at "%%photo". */
static gboolean
parse_control (FuzzInput *input, const char *line)
{
  if (strcmp (line, "%%photo") == 0)
    return TRUE;
  if (g_str_has_prefix (line, "%%slot "))
    {
      g_free (input->slot);
      input->slot = g_strdup (line + 7);
    }
  else if (strcmp (line, "%%copyfit") == 0)
    input->copyfit = TRUE;
  else if (strcmp (line, "%%fill") == 0)
    input->fill = TRUE;
  else if (g_str_has_prefix (line, "%%weight "))
    input->weight = (int) CLAMP (g_ascii_strtoll (line + 9, NULL, 10), 0, 3);
  else if (g_str_has_prefix (line, "%%png "))
    {
      /* strtoll, not sscanf: a number too big for an int is defined too. */
      char *end;
      gint64 w = g_ascii_strtoll (line + 6, &end, 10);
      gint64 h = g_ascii_strtoll (end, NULL, 10);

      input->png_width = (int) CLAMP (w, -1, G_MAXINT);
      input->png_height = (int) CLAMP (h, -1, G_MAXINT);
    }
  else if (*line && !g_str_has_prefix (line, "%%"))
    g_ptr_array_add (input->sets, g_strdup (line));
  return FALSE;
}

void
fuzz_input_parse (FuzzInput *input, const uint8_t *data, size_t size)
{
  const char *bytes = (const char *) data;
  gsize pos = text_end (bytes, size);

  *input = (FuzzInput) { .sets = g_ptr_array_new_with_free_func (g_free) };
  input->text = g_strndup (bytes, pos);
  input->text_len = pos;
  while (pos < size)
    {
      const char *newline = memchr (bytes + pos, '\n', size - pos);
      gsize end = newline ? (gsize) (newline - bytes) : size;
      g_autofree char *line = g_strndup (bytes + pos, end - pos);

      pos = newline ? end + 1 : size;
      if (parse_control (input, line))
        {
          input->photo = data + pos;
          input->photo_len = size - pos;
          break;
        }
    }
}

void
fuzz_input_clear (FuzzInput *input)
{
  g_free (input->text);
  g_free (input->slot);
  g_ptr_array_unref (input->sets);
}

static char *scratch;

static void
remove_scratch (void)
{
  fuzz_scratch_clean ();
  g_autofree char *link = g_build_filename (scratch, "photos", NULL);
  g_unlink (link);
  g_rmdir (scratch);
}

const char *
fuzz_scratch_dir (void)
{
  if (scratch == NULL)
    {
      g_autofree char *link = NULL;

      scratch = g_dir_make_tmp ("jopan-fuzz-XXXXXX", NULL);
      if (scratch == NULL)
        abort ();
      link = g_build_filename (scratch, "photos", NULL);
      if (symlink (FUZZ_PHOTOS "/photos", link) != 0)
        abort ();
      atexit (remove_scratch);
    }
  return scratch;
}

void
fuzz_scratch_clean (void)
{
  g_autoptr (GDir) dir = g_dir_open (fuzz_scratch_dir (), 0, NULL);
  const char *name;

  /* Without it every write would fail and the fuzzer explore nothing. */
  if (dir == NULL)
    {
      fprintf (stderr, "fuzz: the scratch folder %s is gone\n", scratch);
      abort ();
    }
  while (dir && (name = g_dir_read_name (dir)))
    if (strcmp (name, "photos") != 0)
      {
        g_autofree char *path = g_build_filename (scratch, name, NULL);
        g_unlink (path);
      }
}

/* A grey W x H PNG: the photo's size is what layout and render must cope
 * with, and a PNG's checksums would stop a mutated header from ever loading. */
static gboolean
write_png (const char *path, int width, int height)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;

  if (width < 1 || height < 1 || width > 100000 || height > 100000
      || (gint64) width * height > 4 * 1000 * 1000)
    return FALSE;
  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  if (pixbuf == NULL)
    return FALSE;
  gdk_pixbuf_fill (pixbuf, 0x808080ff);
  return gdk_pixbuf_save (pixbuf, path, "png", NULL, "compression", "1", NULL);
}

gboolean
fuzz_input_write_photo (const FuzzInput *input)
{
  g_autofree char *path = g_build_filename (fuzz_scratch_dir (), "photo", NULL);

  if (input->photo)
    return g_file_set_contents (path, (const char *) input->photo, (gssize) input->photo_len, NULL);
  if (input->png_width || input->png_height)
    return write_png (path, input->png_width, input->png_height);
  return TRUE;
}

void
fuzz_check_result (gboolean ok, const GError *error, const char *what)
{
  if (ok == (error == NULL))
    {
      if (error && g_getenv ("FUZZ_VERBOSE"))
        fprintf (stderr, "# %s: %s\n", what, error->message);
      return;
    }
  fprintf (stderr, "fuzz: %s %s\n", what,
           ok ? "succeeded but set an error" : "failed without an error");
  abort ();
}
