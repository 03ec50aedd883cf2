/* links.c — the destinations of links in the text: bare URLs found, and
 * each destination made one a PDF link annotation may carry. */
#include "jopan-private.h"

#include <string.h>

/* Schemes a reader can follow from paper's screen twin; a "javascript:"
 * or a relative path is no place to send a reader. */
static const char *const schemes[] = { "http:", "https:", "ftp:", "mailto:", "tel:" };

char *
jopan_link_uri (const char *uri)
{
  GString *out;
  gboolean known = FALSE;

  if (uri == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (schemes); i++)
    known = known || g_ascii_strncasecmp (uri, schemes[i], strlen (schemes[i])) == 0;
  if (!known || strlen (uri) <= strlen ("tel:"))
    return NULL;
  /* A PDF URI is 7-bit ASCII: anything else travels percent-encoded. */
  out = g_string_new (NULL);
  for (const guchar *p = (const guchar *) uri; *p; p++)
    if (*p <= 0x20 || *p >= 0x7F)
      g_string_append_printf (out, "%%%02X", *p);
    else
      g_string_append_c (out, (char) *p);
  return g_string_free (out, FALSE);
}

/* A byte that may be part of a bare URL: printable ASCII, no quotes or
 * angle brackets.  Korean text runs right up to a URL ("…com에서"), so any
 * other byte ends it. */
static gboolean
url_byte (char c)
{
  return c > 0x20 && c < 0x7F && !strchr ("<>\"`{}|\\^", c);
}

/* The length of the bare URL starting at @p, or 0: a prefix and at least
 * one letter or digit of the host after it. */
static gsize
url_length (const char *text, const char *p)
{
  static const char *const prefixes[] = { "https://", "http://", "www." };
  gsize n = 0, prefix = 0;
  int open = 0;

  /* Every prefix starts with an h or a w: most bytes are none (a
   * story's body is scanned byte by byte as it is loaded). */
  if ((*p | 0x20) != 'h' && (*p | 0x20) != 'w')
    return 0;
  if (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '/' || p[-1] == '.'))
    return 0; /* inside a word or another address */
  for (gsize i = 0; i < G_N_ELEMENTS (prefixes) && prefix == 0; i++)
    if (g_ascii_strncasecmp (p, prefixes[i], strlen (prefixes[i])) == 0)
      prefix = strlen (prefixes[i]);
  if (prefix == 0 || !g_ascii_isalnum (p[prefix]))
    return 0;
  while (url_byte (p[n]))
    n++;
  for (gsize i = 0; i < n; i++)
    open += p[i] == '(' ? 1 : p[i] == ')' ? -1 : 0;
  /* Punctuation after a URL is the sentence's, and so is a closing
   * parenthesis the URL did not open. */
  while (n > prefix && (strchr (".,:;!?'*_", p[n - 1]) || (p[n - 1] == ')' && open < 0)
                        || p[n - 1] == ']'))
    open += p[--n] == ')' ? 1 : 0;
  return n > prefix ? n : 0;
}

/* Whether [@start, @end) meets a link or a code span of @spans. */
static gboolean
taken (const GArray *spans, guint start, guint end)
{
  for (guint i = 0; i < spans->len; i++)
    {
      const JopanSpan *s = &g_array_index (spans, JopanSpan, i);
      if ((s->flags & (JOPAN_SPAN_LINK | JOPAN_SPAN_CODE)) && s->start < end && start < s->end)
        return TRUE;
    }
  return FALSE;
}

void
jopan_find_bare_urls (const char *text, GArray *spans, GPtrArray *links)
{
  /* From one h or w to the next (strpbrk: url_length() takes no other). */
  for (const char *p = strpbrk (text, "hHwW"); p; p = strpbrk (p + 1, "hHwW"))
    {
      gsize n = url_length (text, p);
      JopanSpan span = { (guint) (p - text), (guint) (p - text + n), JOPAN_SPAN_LINK, NULL };
      char *written;

      if (n == 0 || taken (spans, span.start, span.end))
        continue;
      written = g_strndup (p, n);
      /* "www." has no scheme; a browser would try http first. */
      span.uri = g_ascii_tolower (*p) == 'w' ? g_strconcat ("http://", written, NULL)
                                             : g_strdup (written);
      g_free (written);
      g_ptr_array_add (links, (char *) span.uri);
      g_array_append_val (spans, span);
      p += n - 1;
    }
}
