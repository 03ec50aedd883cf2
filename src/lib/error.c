/* error.c — the JOPAN_ERROR domain and atomic file output. */
#include "jopan-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <unistd.h>

G_DEFINE_QUARK (jopan-error-quark, jopan_error)

void
jopan_set_error (GError **error, JopanErrorCode code, const char *format, ...)
{
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, JOPAN_ERROR, code, message);
}

/* "cannot write out.pdf: no folder \"out\"" rather than the name of the
 * temporary file GLib was writing. */
static void
write_error (const char *path, const GError *local, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: no folder \"%s\"", path, dir);
  else if (g_access (dir, W_OK) != 0)
    jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: folder \"%s\" is not writable",
                     path, dir);
  else
    jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s", path, local->message);
}

/* Writes @bytes to a new file of a unique name beside @path (".NAME.XXXXXX",
 * made by mkstemp, so a concurrent run never shares it) and returns that
 * name, or NULL with @error naming @path. */
static char *
write_temporary (const char *path, GByteArray *bytes, gboolean sync, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *temp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  int fd = g_mkstemp_full (temp, O_RDWR | O_CLOEXEC, 0644);
  gsize done = 0;
  int saved = 0;

  if (fd < 0)
    saved = errno;
  while (fd >= 0 && saved == 0 && done < bytes->len)
    {
      gssize n = write (fd, bytes->data + done, bytes->len - done);
      if (n < 0 && errno != EINTR)
        saved = errno;
      else if (n > 0)
        done += (gsize) n;
    }
  /* On disk before the rename, as g_file_set_contents does. */
  if (fd >= 0 && saved == 0 && sync && fsync (fd) != 0)
    saved = errno;
  if (fd >= 0 && close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0)
    return g_steal_pointer (&temp);
  if (fd >= 0)
    g_unlink (temp);
  {
    g_autoptr (GError) local = g_error_new_literal (G_FILE_ERROR, g_file_error_from_errno (saved),
                                                    g_strerror (saved));
    write_error (path, local, error);
  }
  return NULL;
}

gboolean
jopan_write_files_atomic (GPtrArray *paths, GPtrArray *contents, GError **error)
{
  return jopan_write_files_atomic_full (paths, contents, TRUE, error);
}

gboolean
jopan_write_files_atomic_full (GPtrArray *paths, GPtrArray *contents, gboolean sync,
                               GError **error)
{
  g_autoptr (GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;
  guint renamed = 0;

  g_return_val_if_fail (paths->len == contents->len, FALSE);
  /* All files to temporary names first; only then, quickly, all renames. */
  for (guint i = 0; ok && i < paths->len; i++)
    {
      char *temp = write_temporary (g_ptr_array_index (paths, i), g_ptr_array_index (contents, i),
                                    sync, error);
      ok = temp != NULL;
      if (ok)
        g_ptr_array_add (temps, temp);
    }
  for (; ok && renamed < paths->len; renamed++)
    if (g_rename (g_ptr_array_index (temps, renamed), g_ptr_array_index (paths, renamed)) != 0)
      {
        int saved = errno;
        jopan_set_error (error, JOPAN_ERROR_OUTPUT, "cannot write %s: %s",
                         (char *) g_ptr_array_index (paths, renamed), g_strerror (saved));
        ok = FALSE;
        break;
      }
  for (guint i = renamed; !ok && i < temps->len; i++)
    g_unlink (g_ptr_array_index (temps, i));
  return ok;
}

/* Opened without blocking, so a FIFO with no writer cannot hang us before
 * fstat() says what it is. */
static int
open_regular (const char *path, gsize max_bytes, struct stat *st, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: cannot open: %s", path, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, st) != 0)
    st->st_mode = 0;
  if (!S_ISREG (st->st_mode))
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: not a regular file (%s): expected a file",
                       path, S_ISDIR (st->st_mode)    ? "a folder"
                             : S_ISFIFO (st->st_mode) ? "a FIFO"
                                                      : "a device or socket");
      close (fd);
      return -1;
    }
  if ((guint64) st->st_size > max_bytes)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT,
                       "%s: %" G_GUINT64_FORMAT " bytes: expected a file of at most %g MiB", path,
                       (guint64) st->st_size, max_bytes / 1048576.0);
      close (fd);
      return -1;
    }
  return fd;
}

gboolean
jopan_read_input_file (const char *path, gsize max_bytes, char **data, gsize *length,
                       GError **error)
{
  struct stat st;
  int fd = open_regular (path, max_bytes, &st, error);
  g_autofree char *buffer = NULL;
  gsize used = 0;
  gssize got = 1;
  int saved = 0;

  if (fd < 0)
    return FALSE;
  /* One byte more than fstat() said tells a file that grew meanwhile. */
  buffer = g_malloc ((gsize) st.st_size + 2);
  while (got > 0 && used <= (gsize) st.st_size)
    {
      got = read (fd, buffer + used, (gsize) st.st_size + 1 - used);
      if (got < 0 && errno == EINTR)
        got = 1;
      else if (got < 0)
        saved = errno;
      else
        used += (gsize) got;
    }
  close (fd);
  if (got < 0 || used > (gsize) st.st_size)
    {
      jopan_set_error (error, JOPAN_ERROR_INPUT, "%s: cannot read: %s", path,
                       got < 0 ? g_strerror (saved) : "it changed while it was read");
      return FALSE;
    }
  buffer[used] = '\0';
  *length = used;
  *data = g_steal_pointer (&buffer);
  return TRUE;
}
