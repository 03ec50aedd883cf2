/* image-stream.cc — the PDF side of the encoded-photo cache (see
 * image-stream-private.h): taking cairo's image object out of a one-image
 * file, and putting it back in place of a stand-in (libqpdf). */
#include "image-stream-private.h"
#include "finish-private.h"

/* qpdf 11: no PointerHolder, std::shared_ptr only. */
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>

#include <cstring>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>

namespace {

/* Whether @o is or holds a reference to another object. */
bool
refers (QPDFObjectHandle o)
{
  if (o.isIndirect ())
    return true;
  if (o.isArray ())
    for (int i = 0; i < o.getArrayNItems (); i++)
      if (refers (o.getArrayItem (i)))
        return true;
  if (o.isDictionary ())
    for (auto &key : o.getKeys ())
      if (refers (o.getKey (key)))
        return true;
  return false;
}

/* The entry a stand-in names, or -1 for an image that is no stand-in.  A
 * stand-in is a few bytes "JPEG" (SOI, a comment): a photo's long data is
 * not read. */
long
stand_in_id (QPDFObjectHandle image)
{
  QPDFObjectHandle dict = image.getDict ();
  QPDFObjectHandle length = dict.getKey ("/Length");
  const char *prefix = jopan_image_stream_tag ();
  const size_t tag = strlen (prefix);

  if (!dict.getKey ("/Filter").isNameAndEquals ("/DCTDecode") || !length.isInteger ()
      || length.getIntValue () > 96)
    return -1;
  std::shared_ptr<Buffer> raw = image.getRawStreamData ();
  const char *p = (const char *) raw->getBuffer ();
  size_t n = raw->getSize ();
  /* FF D8, FF FE, two length bytes, then the tag and the number. */
  if (n < 6 + tag || memcmp (p + 6, prefix, tag) != 0)
    return -1;
  std::string digits (p + 6 + tag, strnlen (p + 6 + tag, n - 6 - tag));
  return std::stol (digits.substr (0, digits.find_first_not_of ("0123456789")));
}

/* A cached photo's bytes @data for qpdf to write: lent, not copied (a
 * photo's hundreds of KB for every page that shows it), with a
 * reference on them dropped when qpdf lets the buffer go; copied on
 * the finish's slow path (jopan_finish_set_path). */
std::shared_ptr<Buffer>
photo_bytes (GBytes *data)
{
  gsize size;
  const void *bytes = g_bytes_get_data (data, &size);

  if (jopan_finish_get_path () == 0)
    {
      auto copy = std::make_shared<Buffer> (size);
      if (size > 0)
        memcpy (copy->getBuffer (), bytes, size);
      return copy;
    }
  if (jopan_finish_get_path () == 5 && size > 0)
    size--;
  GBytes *held = g_bytes_ref (data);
  return std::shared_ptr<Buffer> (new Buffer ((unsigned char *) bytes, size), [held] (Buffer *b) {
    delete b;
    g_bytes_unref (held);
  });
}

} // namespace

gboolean
jopan_image_stream_extract (const guint8 *pdf, gsize n, char **dict, GBytes **data)
{
  try
    {
      QPDF q;
      q.setSuppressWarnings (true);
      q.processMemoryFile ("an encoded photo", (const char *) pdf, n);
      std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper (q).getAllPages ();
      if (pages.size () != 1)
        return FALSE;
      std::map<std::string, QPDFObjectHandle> images = pages[0].getImages ();
      if (images.size () != 1)
        return FALSE;
      QPDFObjectHandle image = images.begin ()->second;
      QPDFObjectHandle d = image.getDict ().shallowCopy ();
      d.removeKey ("/Length");
      if (refers (d))
        return FALSE;
      std::shared_ptr<Buffer> raw = image.getRawStreamData ();
      *dict = g_strdup (d.unparse ().c_str ());
      *data = g_bytes_new (raw->getBuffer (), raw->getSize ());
      return TRUE;
    }
  catch (std::exception &)
    {
      return FALSE;
    }
}

void
jopan_image_stream_put_back (QPDF &pdf)
{
  for (auto &page : QPDFPageDocumentHelper (pdf).getAllPages ())
    page.forEachImage (true, [] (QPDFObjectHandle &image, QPDFObjectHandle &, std::string const &) {
      long id = stand_in_id (image);
      const char *dict;
      GBytes *data;

      if (id < 0)
        return;
      if (!jopan_image_stream_lookup ((guint) id, &dict, &data))
        throw std::runtime_error ("a photo's encoded copy is missing");
      QPDFObjectHandle d = QPDFObjectHandle::parse (dict);
      image.replaceDict (d);
      std::shared_ptr<Buffer> buffer = photo_bytes (data);
      image.replaceStreamData (buffer, d.getKey ("/Filter"), d.getKey ("/DecodeParms"));
    });
}
