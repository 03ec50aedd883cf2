/* finish.cc — cairo's PDF made into the file the press needs, with libqpdf.
 *
 * Cairo draws the page (text, rules, photos) and writes RGB only.  This step
 * reads that file with qpdf and:
 *   - puts TrimBox and BleedBox on every page (cairo writes a MediaBox);
 *   - sets the document info (title, author, subject, creator);
 *   - for PDF/X, rewrites each colour operator through qpdf's content
 *     tokenizer (a TokenFilter, never a hand-written parser): "r g b rg"
 *     becomes "c m y k k", K-only colours set to overprint; converts RGB
 *     photos to CMYK (LittleCMS, color.c); marks Adobe CMYK JPEGs as
 *     inverted; drops the transparency group; adds the output intent,
 *     the PDF/X keys and XMP metadata.
 * The file's ID is derived from the content (Pl_Bytes), so the bytes are
 * the same on every run.
 */
#include "finish-private.h"
#include "image-stream-private.h"

#include "jopan-config.h"

/* qpdf 11: no PointerHolder, std::shared_ptr only. */
#define POINTERHOLDER_TRANSITION 4
#include <qpdf/Buffer.hh>
#include <qpdf/BufferInputSource.hh>
#include <qpdf/Pl_Buffer.hh>
#include <qpdf/QPDF.hh>
#include <qpdf/QPDFPageDocumentHelper.hh>
#include <qpdf/QPDFPageObjectHelper.hh>
#include <qpdf/QPDFWriter.hh>
#include <turbojpeg.h>
#include <csetjmp>
#include <cstdio>
#include <jpeglib.h>
#include <glib/gstdio.h>
#include <sys/time.h>
#include <zlib.h>
#include <libdeflate.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* The averaging's AVX2 code, compiled for AVX2 whatever the build's
 * target, taken where jopan_has_avx2 (). */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PHOTO_AVX2 1
#include <immintrin.h>
#endif

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <memory>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "jopan.h"

namespace {

typedef QPDFObjectHandle Object;

/* The four graphics states the colour filter sets: fill or stroke
 * overprint on (K-only black) or off (every other colour). */
const char *const kGraphicsStates[4][2] = {
  { "/JopanFillOP", "<< /Type /ExtGState /op true /OPM 1 >>" },
  { "/JopanFillKO", "<< /Type /ExtGState /op false >>" },
  { "/JopanStrokeOP", "<< /Type /ExtGState /OP true /OPM 1 >>" },
  { "/JopanStrokeKO", "<< /Type /ExtGState /OP false >>" },
};

std::string
number (double v)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (text, sizeof text, "%.4f", v);
  std::string s = text;
  while (s.find ('.') != std::string::npos && (s.back () == '0' || s.back () == '.'))
    s.pop_back ();
  return s.empty () || s == "-" ? "0" : s;
}

bool
is_number (QPDFTokenizer::Token const &t)
{
  return t.getType () == QPDFTokenizer::tt_integer || t.getType () == QPDFTokenizer::tt_real;
}

typedef std::vector<QPDFTokenizer::Token> Operands;

/* Each operator of @data (a content stream) with its operands, through
 * qpdf's tokenizer: no object is built for each operand, as parsing the
 * stream would (for every string of text: most of the time it took). */
template <typename F>
void
each_operator (const std::string &data, F &&on_operator)
{
  auto input = std::make_shared<BufferInputSource> ("content stream", data);
  QPDFTokenizer tokenizer;
  Operands operands;

  tokenizer.allowEOF ();
  for (;;)
    {
      QPDFTokenizer::Token t = tokenizer.readToken (input, "content stream", true);
      if (t.getType () == QPDFTokenizer::tt_eof)
        return;
      if (t.getType () != QPDFTokenizer::tt_word)
        {
          operands.push_back (std::move (t)); /* a text page's strings: not copied */
          continue;
        }
      on_operator (t.getValue (), operands);
      operands.clear ();
      if (t.getValue () == "ID")
        {
          char space;
          input->read (&space, 1); /* the one white-space character before the data */
          tokenizer.expectInlineImage (input);
        }
    }
}

std::string
page_content (QPDFPageObjectHelper &page)
{
  Pl_Buffer out ("page content");
  page.pipeContents (&out);
  std::shared_ptr<Buffer> b = out.getBufferSharedPointer ();
  return b ? std::string ((const char *) b->getBuffer (), b->getSize ()) : std::string ();
}

std::string
form_content (Object form)
{
  std::shared_ptr<Buffer> b = form.getStreamData (qpdf_dl_generalized);
  return std::string ((const char *) b->getBuffer (), b->getSize ());
}

double
token_number (QPDFTokenizer::Token const &t)
{
  return is_number (t) ? g_ascii_strtod (t.getValue ().c_str (), NULL) : 0;
}

/* Colour operators in a content stream: RGB ones, and CMYK fills over the
 * ink limit (registration, 1 1 1 1, is the marks' and allowed). */
class ColourCounter
{
public:
  int rgb = 0;
  double worst = 0;
  std::string worst_colour; /* "k 0 1 0.9 0.2": fill (k) or stroke (K) */

  void
  scan (const std::string &content)
  {
    each_operator (content, [this] (const std::string &op, const Operands &operands) {
      if (counts (op))
        on_operator (op, operands);
    });
  }

  static bool
  counts (const std::string &op)
  {
    return op == "rg" || op == "RG" || op == "cs" || op == "CS" || op == "k" || op == "K";
  }

  void
  on_operator (const std::string &op, const Operands &operands)
  {
    if (op == "rg" || op == "RG")
      rgb++;
    else if ((op == "cs" || op == "CS") && !operands.empty () && operands.back ().getType () == QPDFTokenizer::tt_name
             && operands.back ().getValue () == "/DeviceRGB")
      rgb++;
    else if ((op == "k" || op == "K") && operands.size () >= 4)
      fill (op, operands);
  }

private:
  void
  fill (const std::string &op, const Operands &operands)
  {
    double total = 0;
    bool registration = true;
    for (size_t i = operands.size () - 4; i < operands.size (); i++)
      {
        double v = token_number (operands[i]);
        total += v;
        registration = registration && v == 1;
      }
    if (registration || total * 100 <= worst)
      return;
    worst = total * 100;
    worst_colour = op;
    for (size_t i = operands.size () - 4; i < operands.size (); i++)
      worst_colour += " " + number (token_number (operands[i]));
  }
};

/* What follows the graphics state through a content stream (Placements):
 * each operator with its operands, as each_operator gives them. */
class OperatorSink
{
public:
  virtual ~OperatorSink () = default;
  /* Whether on_operator wants @op. */
  virtual bool wants (const std::string &op) const = 0;
  virtual void on_operator (const std::string &op, const Operands &operands) = 0;
};

/* "r g b rg" and "r g b RG" → the press's CMYK, with overprint for K only.
 * Operands are held until their operator comes.  With a @sink, the
 * operators it wants are given to it too, with their operands as
 * each_operator would (white space and comments left out): one pass over
 * a page's content for its colours and its photos' placements. */
class ColourFilter : public Object::TokenFilter
{
public:
  explicit ColourFilter (const JopanFinish *finish, OperatorSink *sink = nullptr) : finish_ (finish), sink_ (sink) {}

  void
  handleToken (QPDFTokenizer::Token const &token) override
  {
    QPDFTokenizer::token_type_e type = token.getType ();
    if (type == QPDFTokenizer::tt_integer || type == QPDFTokenizer::tt_real || type == QPDFTokenizer::tt_space
        || type == QPDFTokenizer::tt_name)
      {
        pending_.push_back (token);
        return;
      }
    if (type != QPDFTokenizer::tt_word)
      {
        /* No rewrite nor sink can use it (a string, an array's bracket
         * …): out at once, and what is held before it, instead of copied
         * to be held (a text page is mostly strings).  The sink is told
         * it was an operand. */
        flush ();
        writeToken (token);
        written_ += type != QPDFTokenizer::tt_comment;
        return;
      }
    std::string op = token.getValue ();
    bool follow = sink_ && sink_->wants (op), rewritten = false;
    if (follow || ColourCounter::counts (op))
      {
        Operands operands (written_, QPDFTokenizer::Token (QPDFTokenizer::tt_string, ""));
        for (auto const &t : pending_)
          if (t.getType () != QPDFTokenizer::tt_space && t.getType () != QPDFTokenizer::tt_comment)
            operands.push_back (t);
        if (follow)
          sink_->on_operator (op, operands);
        rewritten = (op == "rg" || op == "RG") && rewrite (op == "rg");
        if (!rewritten && ColourCounter::counts (op))
          counter_.on_operator (op, operands);
      }
    written_ = 0;
    if (rewritten)
      return;
    flush ();
    writeToken (token);
  }

  /* The colour operators of the content as written (ColourCounter's
   * count of it, got without tokenizing it again). */
  const ColourCounter &
  counted () const
  {
    return counter_;
  }

  void
  handleEOF () override
  {
    flush ();
  }

private:
  void
  flush ()
  {
    for (auto const &t : pending_)
      writeToken (t);
    pending_.clear ();
  }

  bool
  rewrite (bool fill)
  {
    std::vector<size_t> operands;
    for (size_t i = pending_.size (); i-- > 0 && operands.size () < 3;)
      if (is_number (pending_[i]))
        operands.insert (operands.begin (), i);
      else if (pending_[i].getType () != QPDFTokenizer::tt_space)
        return false;
    if (operands.size () != 3)
      return false;
    double rgb[3], cmyk[4];
    for (int i = 0; i < 3; i++)
      rgb[i] = g_ascii_strtod (pending_[operands[(size_t) i]].getValue ().c_str (), NULL);
    pending_.resize (operands[0]);
    flush ();
    bool overprint = jopan_finish_fill_cmyk (finish_, rgb, cmyk);
    std::string out = std::string (kGraphicsStates[(fill ? 0 : 2) + (overprint ? 0 : 1)][0]) + " gs ";
    Operands written; /* the k or K operator's, as a tokenizer reads them back */
    for (double v : cmyk)
      {
        out += number (v) + " ";
        written.emplace_back (QPDFTokenizer::tt_real, number (v));
      }
    out += fill ? "k" : "K";
    write (out);
    counter_.on_operator (fill ? "k" : "K", written);
    return true;
  }

  const JopanFinish *finish_;
  OperatorSink *sink_;
  std::vector<QPDFTokenizer::Token> pending_; /* numbers, names, spaces since the last operator or other token */
  ColourCounter counter_;
  size_t written_ = 0;                        /* operands since the last operator written out already */
};

/* Content rewritten by the colour filter, stored deflated by libdeflate
 * at zlib's default level: a third of the time qpdf's zlib took to
 * compress it when it wrote the file (a stream already deflated it
 * keeps as it is). */
void
store_deflated (Object stream, const std::string &data)
{
  struct libdeflate_compressor *z = libdeflate_alloc_compressor (6);
  if (z == NULL)
    throw std::runtime_error ("cannot compress a content stream");
  std::string out (libdeflate_zlib_compress_bound (z, data.size ()), '\0');
  size_t n = libdeflate_zlib_compress (z, data.data (), data.size (), &out[0], out.size ());
  libdeflate_free_compressor (z);
  if (n == 0)
    throw std::runtime_error ("cannot compress a content stream");
  out.resize (n);
  stream.replaceStreamData (out, Object::newName ("/FlateDecode"), Object::newNull ());
}

/* The bytes a pipeline was given. */
std::string
piped (Pl_Buffer &out)
{
  std::shared_ptr<Buffer> b = out.getBufferSharedPointer ();
  return b ? std::string ((const char *) b->getBuffer (), b->getSize ()) : std::string ();
}

void
add_graphics_states (QPDF &pdf, Object holder)
{
  Object resources = holder.getKey ("/Resources");
  if (!resources.isDictionary ())
    {
      resources = Object::newDictionary ();
      holder.replaceKey ("/Resources", resources);
    }
  Object states = resources.getKey ("/ExtGState");
  if (!states.isDictionary ())
    {
      states = Object::newDictionary ();
      resources.replaceKey ("/ExtGState", states);
    }
  for (auto const &gs : kGraphicsStates)
    if (!states.hasKey (gs[0]))
      states.replaceKey (gs[0], pdf.makeIndirectObject (Object::parse (gs[1])));
}

/* ---- photos -------------------------------------------------------------- */

/* An Adobe (Photoshop) CMYK JPEG stores its inks inverted: its APP14
 * "Adobe" segment says so.  Only the markers before the scan are read. */
bool
jpeg_is_adobe (const unsigned char *d, size_t n)
{
  for (size_t i = 2; i + 4 <= n && d[i] == 0xFF;)
    {
      unsigned marker = d[i + 1];
      size_t length = (size_t) (d[i + 2] << 8 | d[i + 3]);
      if (marker == 0xDA)
        break;
      if (marker == 0xEE && i + 9 <= n && memcmp (d + i + 4, "Adobe", 5) == 0)
        return true;
      i += 2 + length;
    }
  return false;
}

const char *const kInverted = "[ 1 0 1 0 1 0 1 0 ]";

/* zlib's fastest level: separated photos are the bulk of a PDF/X file,
 * and its default level takes several times as long for a few percent. */
std::string
deflate (const unsigned char *data, size_t n)
{
  uLongf size = compressBound ((uLong) n);
  std::string out (size, '\0');

  if (compress2 ((Bytef *) &out[0], &size, (const Bytef *) data, (uLong) n, 1) != Z_OK)
    throw std::runtime_error ("cannot compress a photo");
  out.resize (size);
  return out;
}

/* A buffer of pixels left uninitialised when made: every byte is written
 * before it is read, and zeroing megabytes first (as std::string's resize
 * does) cost as much as the decoding it is for. */
class Bytes
{
  std::unique_ptr<unsigned char[]> bytes;
  size_t n = 0;

public:
  void
  allocate (size_t size)
  {
    bytes.reset (new unsigned char[size]);
    n = size;
  }
  unsigned char *data () { return bytes.get (); }
  const unsigned char *data () const { return bytes.get (); }
  size_t size () const { return n; }
};

/* A photo's pixels: width, height and 3 (RGB) or 4 (CMYK) bytes each. */
struct Pixels
{
  int w = 0, h = 0;
  Bytes data;
};

/* The smallest of libjpeg-turbo's 1/1, 1/2, 1/4 and 1/8 scales that still
 * gives @want of @w pixels: its scaled IDCT skips most of the decoding.
 * (Its other n/8 scales have no SIMD code: a 7/8 decode is slower than a
 * full one, which the resample then takes down.) */
tjscalingfactor
jpeg_scale (int w, int want)
{
  int n = 0;
  tjscalingfactor *factors = tjGetScalingFactors (&n), best = { 1, 1 };

  for (int i = 0; i < n; i++)
    if (factors[i].num == 1 && (factors[i].denom & (factors[i].denom - 1)) == 0
        && TJSCALED (w, factors[i]) >= want
        && TJSCALED (w, factors[i]) < TJSCALED (w, best))
      best = factors[i];
  return best;
}

/* A JPEG read a row at a time (libjpeg-turbo's libjpeg API, at the
 * smallest of its fast scales that keeps a given width), so that a photo
 * is downsampled as it is decoded, and a CMYK JPEG checked as it is read
 * back: the whole photo at full size (11 MB for harbour's) would be
 * written once and read once, the faulting-in and cache misses costing
 * nearly as much as the decoding.
 *
 * libjpeg reports an error by longjmp to the setjmp of the function that
 * called it: only open () and read () call it, and they hold nothing that
 * needs destroying. */
class JpegReader
{
  struct Error
  {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
  };
  jpeg_decompress_struct cinfo;
  Error error;
  bool made = false;

  static void
  on_error (j_common_ptr c)
  {
    std::longjmp (((Error *) c->err)->jump, 1);
  }

public:
  int w = 0, h = 0;
  /* Given as decoded planes (read_planes), before libjpeg's colour
   * conversion: asked for by open's @planar, and taken for a YCCK file of
   * four full-size components (as the separated photos are). */
  bool planar = false;

  JpegReader () { memset (&cinfo, 0, sizeof cinfo); }
  ~JpegReader ()
  {
    if (made)
      jpeg_destroy_decompress (&cinfo);
  }

  /* Returns: whether @data is a JPEG libjpeg can give in @space (RGB or
   * CMYK, @components a pixel), decoded with @dct. */
  bool
  open (const unsigned char *data, size_t n, int want_w, J_COLOR_SPACE space, J_DCT_METHOD dct, int components,
        bool want_planes = false)
  {
    cinfo.err = jpeg_std_error (&error.mgr);
    error.mgr.error_exit = on_error;
    if (setjmp (error.jump))
      return false;
    jpeg_create_decompress (&cinfo);
    made = true;
    jpeg_mem_src (&cinfo, data, (unsigned long) n);
    jpeg_read_header (&cinfo, TRUE);
    tjscalingfactor f = jpeg_scale ((int) cinfo.image_width, want_w);
    cinfo.scale_num = (unsigned) f.num, cinfo.scale_denom = (unsigned) f.denom;
    /* Averaged down after: chroma replicated (libjpeg-turbo's merged
     * upsampling with the colour conversion) serves as well as
     * interpolated, and is a tenth of the decoding faster. */
    if (TJSCALED ((int) cinfo.image_width, f) > want_w)
      cinfo.do_fancy_upsampling = FALSE;
    cinfo.out_color_space = space;
    cinfo.dct_method = dct;
    planar = want_planes && cinfo.jpeg_color_space == JCS_YCCK && cinfo.num_components == 4 && f.num == f.denom;
    for (int c = 0; planar && c < 4; c++)
      planar = cinfo.comp_info[c].h_samp_factor == 1 && cinfo.comp_info[c].v_samp_factor == 1;
    cinfo.raw_data_out = planar ? TRUE : FALSE;
    jpeg_start_decompress (&cinfo);
    w = (int) cinfo.output_width, h = (int) cinfo.output_height;
    return cinfo.output_components == components;
  }

  /* The next row into @row (w × components bytes).  Returns: false on an
   * error. */
  bool
  read (unsigned char *row)
  {
    return read_some (row, 1) == 1;
  }

  /* How many rows libjpeg makes at once (2 for chroma halved both ways,
   * upsampled with the colour conversion): read_some's best. */
  int
  rows_at_once () const
  {
    return std::max (1, cinfo.rec_outbuf_height);
  }

  /* Up to @n of the next rows into @rows (one after another, w ×
   * components bytes each).  Asked for one at a time, libjpeg makes two
   * such rows into a buffer of its own and copies each out.  Returns: how
   * many, 0 on an error. */
  int
  read_some (unsigned char *rows, int n)
  {
    JSAMPROW at[4];
    n = std::min (n, 4);
    for (int i = 0; i < n; i++)
      at[i] = rows + (size_t) i * (size_t) w * (size_t) cinfo.output_components;
    if (setjmp (error.jump))
      return 0;
    return (int) jpeg_read_scanlines (&cinfo, at, (JDIMENSION) n);
  }

  /* A plane's row length, a whole number of blocks. */
  int
  plane_width ()
  {
    return (int) cinfo.comp_info[0].width_in_blocks * DCTSIZE;
  }

  /* The next DCTSIZE rows of the four planes (Y, Cb, Cr, K) into
   * @planes[c][0 … DCTSIZE - 1], plane_width () bytes each.  Returns:
   * false on an error. */
  bool
  read_planes (JSAMPARRAY planes[4])
  {
    if (setjmp (error.jump))
      return false;
    return jpeg_read_raw_data (&cinfo, planes, DCTSIZE) == DCTSIZE;
  }

  /* Returns: whether the file ended well, without a warning (of corrupt
   * data, which TurboJPEG's decoding also refused). */
  bool
  finish ()
  {
    if (setjmp (error.jump))
      return false;
    jpeg_finish_decompress (&cinfo);
    return error.mgr.num_warnings == 0;
  }
};

/* Each output pixel of a row of @n inputs scaled to @m (m <= n): the
 * inputs it covers, with the share of each (the last ones partly). */
struct Span
{
  int first, count;
  std::vector<float> weight;
};

std::vector<Span>
area_spans (int n, int m)
{
  std::vector<Span> spans ((size_t) m);
  double step = (double) n / m;

  for (int j = 0; j < m; j++)
    {
      double a = j * step, b = std::min ((double) n, (j + 1) * step);
      Span &s = spans[(size_t) j];
      s.first = (int) a;
      s.count = std::max (1, (int) std::ceil (b) - s.first);
      for (int i = 0; i < s.count; i++)
        {
          double lo = std::max (a, (double) (s.first + i)), hi = std::min (b, (double) (s.first + i + 1));
          s.weight.push_back ((float) (std::max (0.0, hi - lo) / step));
        }
    }
  return spans;
}

typedef float Float4 __attribute__ ((vector_size (16)));
typedef gint32 Int4 __attribute__ ((vector_size (16)));
typedef guint16 Short8 __attribute__ ((vector_size (16)));
typedef unsigned char Byte16 __attribute__ ((vector_size (16)));

/* @sum[0..3] = @w × @v (or, unless @first, @sum[0..3] + that). */
inline void
add_four (float *sum, Short8 v, float w, bool first)
{
  Float4 s = w * __builtin_convertvector ((Int4) v, Float4);
  if (!first)
    {
      Float4 old;
      memcpy (&old, sum, sizeof old);
      s = old + s;
    }
  memcpy (sum, &s, sizeof s);
}

/* @sum[i] += @w × @src[i] (or, for the @first row, =), sixteen at a time
 * (GCC/clang vectors).  The bytes are widened by interleaving them with
 * zeros (SSE2's unpack, NEON's zip): converting four bytes to floats as
 * one vector compiles to four scalar conversions. */
void
add_row (float *sum, const unsigned char *src, size_t n, float w, bool first)
{
  const Byte16 zero = {};
  const Short8 zero16 = {};
  size_t i = 0;

  for (; i + 16 <= n; i += 16)
    {
      Byte16 b;
      memcpy (&b, src + i, sizeof b);
      Short8 lo = (Short8) __builtin_shufflevector (b, zero, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      Short8 hi = (Short8) __builtin_shufflevector (b, zero, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30,
                                                    15, 31);
      add_four (sum + i, __builtin_shufflevector (lo, zero16, 0, 8, 1, 9, 2, 10, 3, 11), w, first);
      add_four (sum + i + 4, __builtin_shufflevector (lo, zero16, 4, 12, 5, 13, 6, 14, 7, 15), w, first);
      add_four (sum + i + 8, __builtin_shufflevector (hi, zero16, 0, 8, 1, 9, 2, 10, 3, 11), w, first);
      add_four (sum + i + 12, __builtin_shufflevector (hi, zero16, 4, 12, 5, 13, 6, 14, 7, 15), w, first);
    }
  for (; i < n; i++)
    sum[i] = (first ? 0.0f : sum[i]) + w * (float) src[i];
}

#ifdef PHOTO_AVX2
/* add_row eight at a time (the bytes widened to floats by vpmovzxbd):
 * the same products and sums, so the same floats. */
__attribute__ ((target ("avx2"))) void
add_row_avx2 (float *sum, const unsigned char *src, size_t n, float w, bool first)
{
  const __m256 wv = _mm256_set1_ps (w);
  size_t i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256i v = _mm256_cvtepu8_epi32 (_mm_loadl_epi64 ((const __m128i *) (src + i)));
      __m256 s = _mm256_mul_ps (wv, _mm256_cvtepi32_ps (v));
      _mm256_storeu_ps (sum + i, first ? s : _mm256_add_ps (_mm256_loadu_ps (sum + i), s));
    }
  for (; i < n; i++)
    sum[i] = (first ? 0.0f : sum[i]) + w * (float) src[i];
}
#endif

/* The horizontal half of area_resample: each output pixel's inputs as
 * @taps weights a pixel (@weight[x × taps …], zero past the pixel's own
 * count) from @first[x] on.  A fixed number of taps (K, or @taps when K
 * is 0) keeps the loop free of a span's own count and weights vector:
 * this pass took more than the summing down.  A zero weight adds a
 * +0.0, so the sums are the very floats a span at a time gave. */
template <int K>
void
average_across (const float *sum, const int *first, const float *weight, int taps, size_t w, unsigned char *dst)
{
  const int n = K ? K : taps;

  for (size_t x = 0; x < w; x++)
    {
      /* A pixel's R, G, B (and the next one's R, unused) at once. */
      const float *p = sum + (size_t) first[x] * 3, *wx = weight + x * (size_t) n;
      Float4 v = { 0, 0, 0, 0 }, q;
      for (int i = 0; i < n; i++, p += 3)
        {
          memcpy (&q, p, sizeof q);
          v += wx[i] * q;
        }
      /* Rounded and held to 255 as four lanes (one by one, the lanes
       * went through memory to scalar conversions). */
      v += 0.5f;
      Int4 k = __builtin_convertvector (v < 255.0f ? v : 255.0f, Int4);
      for (size_t c = 0; c < 3; c++)
        dst[x * 3 + c] = (unsigned char) k[c];
    }
}

#ifdef PHOTO_AVX2
/* average_across<K> two pixels at a time, one to each half of an AVX2
 * register: the same products, added in the same order, so the same
 * bytes.  Each pair's six bytes are stored as eight (@dst has two bytes
 * to spare), the last pixel of an odd row by average_across. */
template <int K>
__attribute__ ((target ("avx2"))) void
average_across_avx2 (const float *sum, const int *first, const float *weight, int taps, size_t w, unsigned char *dst)
{
  const __m256 half = _mm256_set1_ps (0.5f), top = _mm256_set1_ps (255.0f);
  const __m128i rgb = _mm_setr_epi8 (0, 1, 2, 4, 5, 6, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
  size_t x = 0;

  for (; x + 2 <= w; x += 2)
    {
      const float *p = sum + (size_t) first[x] * 3, *q = sum + (size_t) first[x + 1] * 3, *wx = weight + x * K;
      __m256 v = _mm256_setzero_ps ();
      for (int i = 0; i < K; i++, p += 3, q += 3)
        {
          __m256 pq = _mm256_insertf128_ps (_mm256_castps128_ps256 (_mm_loadu_ps (p)), _mm_loadu_ps (q), 1);
          __m256 ww = _mm256_insertf128_ps (_mm256_castps128_ps256 (_mm_set1_ps (wx[i])), _mm_set1_ps (wx[K + i]), 1);
          v = i == 0 ? _mm256_mul_ps (ww, pq) : _mm256_add_ps (v, _mm256_mul_ps (ww, pq));
        }
      __m256i k = _mm256_cvttps_epi32 (_mm256_min_ps (_mm256_add_ps (v, half), top));
      __m128i both = _mm_packs_epi32 (_mm256_castsi256_si128 (k), _mm256_extracti128_si256 (k, 1));
      _mm_storel_epi64 ((__m128i *) (dst + x * 3), _mm_shuffle_epi8 (_mm_packus_epi16 (both, both), rgb));
    }
  if (x < w)
    average_across<K> (sum, first + x, weight + x * K, taps, 1, dst + x * 3);
}
#endif

/* The horizontal pass for @taps taps a pixel. */
void (*averaging_across (int taps)) (const float *, const int *, const float *, int, size_t, unsigned char *)
{
#ifdef PHOTO_AVX2
  if (jopan_has_avx2 () && (taps == 2 || taps == 3))
    return taps == 2 ? average_across_avx2<2> : average_across_avx2<3>;
#endif
  return taps == 2 ? average_across<2> : taps == 3 ? average_across<3> : average_across<0>;
}

/* RGB pixels (@in_w × @in_h, row r given by @rows (r), asked for in
 * order: the same row, or later ones) scaled down to @w × @h by area
 * averaging (each output pixel the mean of the inputs it covers): a fair
 * downsampling at any ratio.  Each output row first sums its input rows
 * down (contiguous, which the compiler vectorises), then that one row is
 * averaged across (average_across) and given to @put (y, row). */
template <typename Rows, typename Put>
void
area_resample (int in_w, int in_h, Rows &&rows, int w, int h, Put &&put)
{
  std::vector<Span> xs = area_spans (in_w, w), ys = area_spans (in_h, h);
  size_t row = (size_t) in_w * 3;
  int taps = 1;
  for (const Span &s : xs)
    taps = std::max (taps, s.count);
  std::vector<int> first ((size_t) w);
  std::vector<float> weight ((size_t) w * (size_t) taps);
  for (size_t x = 0; x < xs.size (); x++)
    {
      first[x] = xs[x].first;
      std::copy (xs[x].weight.begin (), xs[x].weight.end (), weight.begin () + (ptrdiff_t) (x * (size_t) taps));
    }
  /* + 3 × taps + 1: a pixel's unused taps and the next one's R read past the row (zeros) */
  std::vector<float> sum (row + 3 * (size_t) taps + 1);
  Bytes out;
  auto across = averaging_across (taps);
  auto down = add_row;
#ifdef PHOTO_AVX2
  if (jopan_has_avx2 ())
    down = add_row_avx2;
#endif

  out.allocate ((size_t) w * 3 + 2); /* + 2: average_across_avx2's spare bytes */
  for (int y = 0; y < h; y++)
    {
      const Span &sy = ys[(size_t) y];
      for (int k = 0; k < sy.count; k++)
        down (sum.data (), rows (sy.first + k), row, sy.weight[(size_t) k], k == 0);
      across (sum.data (), first.data (), weight.data (), taps, (size_t) w, out.data ());
      put (y, (const unsigned char *) out.data ());
    }
}

/* The most ink (8-bit units, C+M+Y+K) each CMYK JPEG this process wrote
 * puts down, as its check decoded it: the preflight of the finished file
 * reads it here instead of decoding the same bytes again the same way.
 * Keyed by the file's length and two checksums; kept for the process,
 * cleared when it grows past a bound. */
GMutex measured_lock;
std::map<std::string, int> *measured;

/* The same CRC-32 and Adler-32 as zlib's, by libdeflate: a fifth of
 * zlib's time (its CRC folds with carry-less multiplies, its Adler sums
 * with SIMD), and a page's photos are hashed three times (the source, the
 * written JPEG, the finished file's for the preflight). */
std::string
jpeg_key (const unsigned char *data, size_t n)
{
  uLong crc = libdeflate_crc32 (0, data, n), adler = libdeflate_adler32 (1, data, n);
  return std::to_string (n) + ":" + std::to_string (crc) + ":" + std::to_string (adler);
}

/* jpeg_key of the bytes piped through it, as they come: the preflight
 * keys a JPEG of the finished file without copying it out first (its
 * 650 KB, with the fresh pages they were copied to, took a quarter of a
 * millisecond for harbour's). */
class Pl_Key : public Pipeline
{
  uint32_t crc = 0, adler = 1;
  size_t n = 0;

public:
  Pl_Key () : Pipeline ("jpeg key", nullptr) {}

  void
  write (unsigned char const *data, size_t len) override
  {
    crc = libdeflate_crc32 (crc, data, len), adler = libdeflate_adler32 (adler, data, len), n += len;
  }

  void
  finish () override
  {
  }

  std::string
  key () const
  {
    return std::to_string (n) + ":" + std::to_string ((uLong) crc) + ":" + std::to_string ((uLong) adler);
  }
};

/* What ColourCounter finds in each content stream this process wrote (a
 * PDF/X page's or form's, as the colour filter rewrote it, counting the
 * same operators as it went): the preflight of the finished file reads
 * it here instead of tokenizing the same content again.  Keyed by
 * jpeg_key of the content's bytes; kept for the process, cleared when it
 * grows past a bound. */
GMutex counted_lock;
std::map<std::string, ColourCounter> *counted;

void
remember_count (const std::string &key, const ColourCounter &c)
{
  g_mutex_lock (&counted_lock);
  if (counted == nullptr)
    counted = new std::map<std::string, ColourCounter> ();
  if (counted->size () >= 4096)
    counted->clear ();
  (*counted)[key] = c;
  g_mutex_unlock (&counted_lock);
}

/* Returns: whether @key's count was remembered (into @c). */
bool
remembered_count (const std::string &key, ColourCounter &c)
{
  bool found = false;

  g_mutex_lock (&counted_lock);
  if (counted != nullptr && counted->count (key))
    c = (*counted)[key], found = true;
  g_mutex_unlock (&counted_lock);
  return found;
}

void
remember_ink (const std::string &key, int worst)
{
  g_mutex_lock (&measured_lock);
  if (measured == nullptr)
    measured = new std::map<std::string, int> ();
  if (measured->size () >= 4096)
    measured->clear ();
  (*measured)[key] = worst;
  g_mutex_unlock (&measured_lock);
}

/* Returns: the ink remembered for @key, or -1. */
int
remembered_ink (const std::string &key)
{
  int worst = -1;

  g_mutex_lock (&measured_lock);
  if (measured != nullptr && measured->count (key))
    worst = (*measured)[key];
  g_mutex_unlock (&measured_lock);
  return worst;
}

const int kJpegQuality = 90;
const int kJpegPasses = 6;

/* The pixels of @back (row @r of a decoded JPEG of @pulled, or of @cmyk
 * while @pulled is empty) over @limit: the excess and a step more comes
 * off those pixels' C, M and Y in @pulled (K, when there is no C, M or
 * Y), made from @cmyk at the first such pixel.  @worst: raised to the
 * most ink of @back.  Returns: whether any pixel was over. */
bool
pull_under_limit (const Pixels &cmyk, Bytes &pulled, const unsigned char *back, int r, int limit, int &worst)
{
  size_t row = (size_t) cmyk.w * 4, at = (size_t) r * row;
  const unsigned char *q = back;
  unsigned char *p = pulled.size () ? pulled.data () + at : nullptr;
  bool over = false;

  for (size_t i = 0; i < row; i += 4)
    {
      int total = q[i] + q[i + 1] + q[i + 2] + q[i + 3], excess = total - limit;
      worst = std::max (worst, total);
      if (excess <= 0)
        continue;
      if (p == nullptr)
        {
          pulled.allocate (cmyk.data.size ());
          memcpy (pulled.data (), cmyk.data.data (), cmyk.data.size ());
          p = pulled.data () + at;
        }
      over = true;
      int cmy = p[i] + p[i + 1] + p[i + 2], take = excess + 1;
      if (cmy == 0)
        p[i + 3] = (unsigned char) std::max (0, p[i + 3] - take);
      for (size_t c = 0; c < 3 && cmy > 0; c++)
        p[i + c] = (unsigned char) std::max (0, p[i + c] - (p[i + c] * take + cmy - 1) / cmy);
    }
  return over;
}

/* @jpeg (of @cmyk's size) read back a row at a time as a reader does (the
 * accurate IDCT), each row's pixels over @limit pulled under it (above).
 * @worst: the most ink read back; @over: whether any pixel was over.
 * Returns: false if it cannot be read. */
bool
check_jpeg (const unsigned char *jpeg, size_t size, const Pixels &cmyk, Bytes &pulled, int limit, int &worst,
            bool &over)
{
  JpegReader reader;
  Bytes line;

  if (!reader.open (jpeg, size, cmyk.w, JCS_CMYK, JDCT_ISLOW, 4) || reader.w != cmyk.w || reader.h != cmyk.h)
    return false;
  line.allocate ((size_t) cmyk.w * 4);
  worst = 0, over = false;
  for (int r = 0; r < cmyk.h; r++)
    {
      if (!reader.read (line.data ()))
        return false;
      over = pull_under_limit (cmyk, pulled, line.data (), r, limit, worst) || over;
    }
  return reader.finish ();
}

/* The separated photo as a CMYK JPEG (libjpeg-turbo, quality 90, no
 * chroma subsampling), or "" when its requantisation cannot be kept within
 * the ink limit.  A JPEG's ringing puts some edge pixels over the limit:
 * each pass decodes the file as a reader does (the accurate IDCT), takes
 * the excess (and a step more) off those pixels' C, M and Y, and encodes
 * again. */
std::string
jpeg_encode_limited (const Pixels &cmyk, int limit, int &checked)
{
  tjhandle enc = tjInitCompress ();
  std::string out;
  Bytes pulled; /* the inks as taken down, once a pass found a pixel over */

  for (int pass = 0; enc && pass < kJpegPasses && out.empty (); pass++)
    {
      unsigned char *jpeg = NULL;
      unsigned long size = 0;
      const unsigned char *inks = pulled.size () ? pulled.data () : cmyk.data.data ();
      if (tjCompress2 (enc, inks, cmyk.w, 0, cmyk.h, TJPF_CMYK, &jpeg, &size, TJSAMP_444, kJpegQuality,
                       TJFLAG_ACCURATEDCT) != 0)
        break;
      bool over = false;
      int worst = 0;
      if (!check_jpeg (jpeg, size, cmyk, pulled, limit, worst, over))
        over = true, pass = kJpegPasses;
      if (!over)
        {
          out.assign ((const char *) jpeg, size);
          remember_ink (jpeg_key (jpeg, size), worst);
          checked = worst;
        }
      tjFree (jpeg);
    }
  if (enc)
    tjDestroy (enc);
  return out;
}

/* A photo as separated for the press: its stream data and filter. */
struct Separated
{
  std::string data, filter;
  int w = 0, h = 0;
  int ink = -1; /* a JPEG's most ink as its check decoded it (8-bit units) */
};

/* What finishing the document's pages keeps: how much of each photo's
 * resolution its largest placement needs (1: all of it), each photo
 * image's key (its source's digest is taken once), and the photos
 * separated so far by key (an edition's photo on several pages is
 * separated once). */
struct PhotoState
{
  std::map<QPDFObjGen, double> need;
  std::map<QPDFObjGen, std::string> key;
  std::map<std::string, Separated> separated;
};

/* One photo to separate: its stream (raw for a JPEG, else decoded RGB),
 * its size, and the share of its pixels its placements need. */
struct PhotoJob
{
  std::string key, filter;
  std::shared_ptr<Buffer> raw, data; /* the stream as stored; as separated from */
  int w = 0, h = 0;
  double need = 1;
  Separated result;
  std::string error;
};

/* The job's photo in the output's CMYK, at the size its placements
 * need: decoded, downsampled and separated a row at a time, so that no
 * RGB photo is kept whole.  @start (w, h) is told the size, then @sink
 * (y, row) is given each row of CMYK in turn. */
template <typename Start, typename Sink>
void
photo_rows (const JopanFinish *finish, const PhotoJob &job, Start &&start_out, Sink &&sink)
{
  int tw = std::max (1, std::min (job.w, (int) std::ceil (job.w * job.need)));
  int th = std::max (1, std::min (job.h, (int) std::ceil (job.h * job.need)));
  int ow = 0, oh = 0;
  Bytes cmyk;
  auto start = [&] (int w, int h) {
    ow = std::min (tw, w), oh = std::min (th, h);
    cmyk.allocate ((size_t) ow * 4);
    start_out (ow, oh);
    return w > tw || h > th;
  };
  auto put = [&] (int y, const unsigned char *rgb) {
    jopan_color_rgb_to_cmyk (finish->color, rgb, cmyk.data (), (gsize) ow);
    sink (y, (const unsigned char *) cmyk.data ());
  };

  if (job.filter != "/DCTDecode")
    {
      const unsigned char *data = job.data->getBuffer ();
      size_t row = (size_t) job.w * 3;
      auto rows = [&] (int r) { return data + (size_t) r * row; };
      if (job.data->getSize () != row * (size_t) job.h)
        throw std::runtime_error ("an RGB photo of the wrong size");
      if (start (job.w, job.h))
        area_resample (job.w, job.h, rows, ow, oh, put);
      else
        for (int r = 0; r < job.h; r++)
          put (r, rows (r));
      return;
    }
  JpegReader jpeg;
  Bytes lines;  /* the rows libjpeg made at once, from row @first on */
  int first = 0, held = 0; /* rows in @lines */
  auto rows = [&] (int r) {
    while (r >= first + held)
      {
        first += held;
        held = jpeg.read_some (lines.data (), std::min (jpeg.rows_at_once (), jpeg.h - first));
        if (held <= 0)
          throw std::runtime_error ("cannot decode a JPEG photo");
      }
    return (const unsigned char *) lines.data () + (size_t) (r - first) * (size_t) jpeg.w * 3;
  };
  if (!jpeg.open (job.data->getBuffer (), job.data->getSize (), tw, JCS_RGB, JDCT_IFAST, 3))
    throw std::runtime_error ("cannot decode a JPEG photo");
  lines.allocate ((size_t) jpeg.rows_at_once () * (size_t) jpeg.w * 3);
  if (start (jpeg.w, jpeg.h))
    area_resample (jpeg.w, jpeg.h, rows, ow, oh, put);
  else
    for (int r = 0; r < jpeg.h; r++)
      put (r, rows (r));
  if (!jpeg.finish ())
    throw std::runtime_error ("cannot decode a JPEG photo");
}

std::atomic<unsigned> photos_held (0);

/* The job's photo in the output's CMYK, whole. */
Pixels
photo_cmyk (const JopanFinish *finish, const PhotoJob &job)
{
  Pixels cmyk;

  photos_held++;

  photo_rows (
      finish, job,
      [&] (int w, int h) {
        cmyk.w = w, cmyk.h = h;
        cmyk.data.allocate ((size_t) w * (size_t) h * 4);
      },
      [&] (int y, const unsigned char *row) {
        memcpy (cmyk.data.data () + (size_t) y * (size_t) cmyk.w * 4, row, (size_t) cmyk.w * 4);
      });
  return cmyk;
}

/* CMYK row @cmyk (@w pixels) as libjpeg's cmyk_ycck_convert makes it
 * YCCK, into planes @y, @cb, @cr, @k: R = 255 − C and so on, then JFIF's
 * 0.299, 0.587, 0.114, 0.16874, 0.33126, 0.5, 0.41869, 0.08131 in 16-bit
 * fixed point (rounded), a half added (a half less one for Cb and Cr),
 * shifted down; K as it is.  With SSE2 eight pixels at a time, each
 * factor of 0.5 or more split in two so that it fits pmaddwd's 16 bits:
 * the same integers, so the same file as libjpeg's own conversion (which
 * is plain C, a fifth of the encoding). */
void
cmyk_to_ycck (const unsigned char *cmyk, int w, unsigned char *y, unsigned char *cb, unsigned char *cr,
              unsigned char *k)
{
  int x = 0;
#ifdef __SSE2__
  const __m128i byte = _mm_set1_epi32 (0xff), full = _mm_set1_epi16 (255);
  const __m128i y_rg = _mm_set_epi16 (19235, 19595, 19235, 19595, 19235, 19595, 19235, 19595);
  const __m128i y_gb = _mm_set_epi16 (7471, 19235, 7471, 19235, 7471, 19235, 7471, 19235);
  const __m128i cb_rg = _mm_set_epi16 (-21709, -11059, -21709, -11059, -21709, -11059, -21709, -11059);
  const __m128i halves = _mm_set1_epi16 (16384);
  const __m128i cr_gb = _mm_set_epi16 (-5329, -27439, -5329, -27439, -5329, -27439, -5329, -27439);
  const __m128i y_add = _mm_set1_epi32 (32768), c_add = _mm_set1_epi32 (8421375);

  for (; x + 8 <= w; x += 8)
    {
      __m128i p0 = _mm_loadu_si128 ((const __m128i *) (cmyk + 4 * x));
      __m128i p1 = _mm_loadu_si128 ((const __m128i *) (cmyk + 4 * x + 16));
      /* each ink of the eight pixels in 16-bit lanes */
      __m128i c = _mm_packs_epi32 (_mm_and_si128 (p0, byte), _mm_and_si128 (p1, byte));
      __m128i m = _mm_packs_epi32 (_mm_and_si128 (_mm_srli_epi32 (p0, 8), byte),
                                   _mm_and_si128 (_mm_srli_epi32 (p1, 8), byte));
      __m128i ye = _mm_packs_epi32 (_mm_and_si128 (_mm_srli_epi32 (p0, 16), byte),
                                    _mm_and_si128 (_mm_srli_epi32 (p1, 16), byte));
      __m128i kk = _mm_packs_epi32 (_mm_srli_epi32 (p0, 24), _mm_srli_epi32 (p1, 24));
      __m128i r = _mm_sub_epi16 (full, c), g = _mm_sub_epi16 (full, m), b = _mm_sub_epi16 (full, ye);
      __m128i out[3][2];
      for (int half = 0; half < 2; half++)
        {
          __m128i rg = half ? _mm_unpackhi_epi16 (r, g) : _mm_unpacklo_epi16 (r, g);
          __m128i gb = half ? _mm_unpackhi_epi16 (g, b) : _mm_unpacklo_epi16 (g, b);
          __m128i bb = half ? _mm_unpackhi_epi16 (b, b) : _mm_unpacklo_epi16 (b, b);
          __m128i rr = half ? _mm_unpackhi_epi16 (r, r) : _mm_unpacklo_epi16 (r, r);
          out[0][half] = _mm_srai_epi32 (
              _mm_add_epi32 (_mm_add_epi32 (_mm_madd_epi16 (rg, y_rg), _mm_madd_epi16 (gb, y_gb)), y_add), 16);
          out[1][half] = _mm_srai_epi32 (
              _mm_add_epi32 (_mm_add_epi32 (_mm_madd_epi16 (rg, cb_rg), _mm_madd_epi16 (bb, halves)), c_add), 16);
          out[2][half] = _mm_srai_epi32 (
              _mm_add_epi32 (_mm_add_epi32 (_mm_madd_epi16 (rr, halves), _mm_madd_epi16 (gb, cr_gb)), c_add), 16);
        }
      unsigned char *planes[3] = { y, cb, cr };
      for (int p = 0; p < 3; p++)
        {
          __m128i v = _mm_packs_epi32 (out[p][0], out[p][1]);
          _mm_storel_epi64 ((__m128i *) (planes[p] + x), _mm_packus_epi16 (v, v));
        }
      _mm_storel_epi64 ((__m128i *) (k + x), _mm_packus_epi16 (kk, kk));
    }
#endif
  for (; x < w; x++)
    {
      int r = 255 - cmyk[4 * x], g = 255 - cmyk[4 * x + 1], b = 255 - cmyk[4 * x + 2];
      y[x] = (unsigned char) ((19595 * r + 38470 * g + 7471 * b + 32768) >> 16);
      cb[x] = (unsigned char) ((-11059 * r - 21709 * g + 32768 * b + 8421375) >> 16);
      cr[x] = (unsigned char) ((32768 * r - 27439 * g - 5329 * b + 8421375) >> 16);
      k[x] = cmyk[4 * x + 3];
    }
}

#ifdef PHOTO_AVX2
/* cmyk_to_ycck sixteen pixels at a time: the same integers.  AVX2 packs
 * within each half of a register, so the pixels come out as (0–3, 8–11 |
 * 4–7, 12–15) and are put back in order by their 4-byte groups. */
__attribute__ ((target ("avx2"))) void
cmyk_to_ycck_avx2 (const unsigned char *cmyk, int w, unsigned char *y, unsigned char *cb, unsigned char *cr,
                   unsigned char *k)
{
  const __m256i byte = _mm256_set1_epi32 (0xff), full = _mm256_set1_epi16 (255);
  const __m256i y_rg = _mm256_set1_epi32 (19235 << 16 | 19595), y_gb = _mm256_set1_epi32 (7471 << 16 | 19235);
  const __m256i cb_rg = _mm256_set1_epi32 ((int) ((unsigned) -21709 << 16 | (unsigned) (-11059 & 0xffff)));
  const __m256i halves = _mm256_set1_epi16 (16384);
  const __m256i cr_gb = _mm256_set1_epi32 ((int) ((unsigned) -5329 << 16 | (unsigned) (-27439 & 0xffff)));
  const __m256i y_add = _mm256_set1_epi32 (32768), c_add = _mm256_set1_epi32 (8421375);
  const __m256i order = _mm256_setr_epi32 (0, 4, 1, 5, 0, 4, 1, 5);
  int x = 0;

  for (; x + 16 <= w; x += 16)
    {
      __m256i p0 = _mm256_loadu_si256 ((const __m256i *) (cmyk + 4 * x));
      __m256i p1 = _mm256_loadu_si256 ((const __m256i *) (cmyk + 4 * x + 32));
      __m256i c = _mm256_packs_epi32 (_mm256_and_si256 (p0, byte), _mm256_and_si256 (p1, byte));
      __m256i m = _mm256_packs_epi32 (_mm256_and_si256 (_mm256_srli_epi32 (p0, 8), byte),
                                      _mm256_and_si256 (_mm256_srli_epi32 (p1, 8), byte));
      __m256i ye = _mm256_packs_epi32 (_mm256_and_si256 (_mm256_srli_epi32 (p0, 16), byte),
                                       _mm256_and_si256 (_mm256_srli_epi32 (p1, 16), byte));
      __m256i kk = _mm256_packs_epi32 (_mm256_srli_epi32 (p0, 24), _mm256_srli_epi32 (p1, 24));
      __m256i r = _mm256_sub_epi16 (full, c), g = _mm256_sub_epi16 (full, m), b = _mm256_sub_epi16 (full, ye);
      __m256i out[3][2];
      for (int half = 0; half < 2; half++)
        {
          __m256i rg = half ? _mm256_unpackhi_epi16 (r, g) : _mm256_unpacklo_epi16 (r, g);
          __m256i gb = half ? _mm256_unpackhi_epi16 (g, b) : _mm256_unpacklo_epi16 (g, b);
          __m256i bb = half ? _mm256_unpackhi_epi16 (b, b) : _mm256_unpacklo_epi16 (b, b);
          __m256i rr = half ? _mm256_unpackhi_epi16 (r, r) : _mm256_unpacklo_epi16 (r, r);
          out[0][half] = _mm256_srai_epi32 (
              _mm256_add_epi32 (_mm256_add_epi32 (_mm256_madd_epi16 (rg, y_rg), _mm256_madd_epi16 (gb, y_gb)), y_add),
              16);
          out[1][half] = _mm256_srai_epi32 (
              _mm256_add_epi32 (_mm256_add_epi32 (_mm256_madd_epi16 (rg, cb_rg), _mm256_madd_epi16 (bb, halves)),
                                c_add),
              16);
          out[2][half] = _mm256_srai_epi32 (
              _mm256_add_epi32 (_mm256_add_epi32 (_mm256_madd_epi16 (rr, halves), _mm256_madd_epi16 (gb, cr_gb)),
                                c_add),
              16);
        }
      unsigned char *planes[4] = { y, cb, cr, k };
      for (int p = 0; p < 4; p++)
        {
          __m256i v = p < 3 ? _mm256_packs_epi32 (out[p][0], out[p][1]) : kk;
          v = _mm256_permutevar8x32_epi32 (_mm256_packus_epi16 (v, v), order);
          _mm_storeu_si128 ((__m128i *) (planes[p] + x), _mm256_castsi256_si128 (v));
        }
    }
  if (x < w)
    cmyk_to_ycck (cmyk + 4 * x, w - x, y + x, cb + x, cr + x, k + x);
}
#endif

/* A CMYK JPEG written a row at a time (libjpeg-turbo's libjpeg API, set
 * as TurboJPEG sets its own for tjCompress2 in jpeg_encode_limited:
 * quality kJpegQuality, accurate DCT, Adobe YCCK, no subsampling), so the
 * same bytes.  Its rows are converted to YCCK here (cmyk_to_ycck) and
 * given as planes, eight rows at a time, each padded as libjpeg pads
 * (the last pixel repeated to a whole block across, the last row down).
 * Errors longjmp to the setjmp of the method that called libjpeg, as in
 * JpegReader. */
class JpegWriter
{
  struct Error
  {
    jpeg_error_mgr mgr;
    std::jmp_buf jump;
  };
  jpeg_compress_struct cinfo;
  Error error;
  bool made = false;
  unsigned char *out = nullptr, *mine = nullptr; /* libjpeg's buffer, and the one given it first */
  unsigned long size = 0;
  int w = 0, padded = 0, held = 0; /* rows of the planes filled */
  Bytes planes;                     /* Y, Cb, Cr, K: DCTSIZE rows of @padded each */
  JSAMPROW rows[4][DCTSIZE];
  void (*convert) (const unsigned char *, int, unsigned char *, unsigned char *, unsigned char *,
                   unsigned char *) = cmyk_to_ycck;

  static void
  on_error (j_common_ptr c)
  {
    std::longjmp (((Error *) c->err)->jump, 1);
  }

  bool
  flush ()
  {
    JSAMPARRAY data[4] = { rows[0], rows[1], rows[2], rows[3] };
    if (setjmp (error.jump))
      return false;
    held = 0;
    return jpeg_write_raw_data (&cinfo, data, DCTSIZE) == DCTSIZE;
  }

public:
  JpegWriter () { memset (&cinfo, 0, sizeof cinfo); }
  ~JpegWriter ()
  {
    if (made)
      jpeg_destroy_compress (&cinfo);
    if (mine != out)
      free (mine);
    free (out);
  }

  bool
  open (int width, int h)
  {
    cinfo.err = jpeg_std_error (&error.mgr);
    error.mgr.error_exit = on_error;
    if (setjmp (error.jump))
      return false;
    jpeg_create_compress (&cinfo);
    made = true;
    /* An eighth of the CMYK (harbour's are 8 and 10 %) given at once: the
     * 4 KB libjpeg starts from doubled eight times over, each copied to
     * fresh pages. */
    size = (unsigned long) width * (unsigned long) h / 2 + 4096;
    out = mine = (unsigned char *) malloc (size);
    if (out == nullptr)
      size = 0;
    jpeg_mem_dest (&cinfo, &out, &size);
    cinfo.image_width = (JDIMENSION) width, cinfo.image_height = (JDIMENSION) h;
    cinfo.input_components = 4, cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults (&cinfo);
    jpeg_set_quality (&cinfo, kJpegQuality, TRUE);
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_set_colorspace (&cinfo, JCS_YCCK);
    for (int c = 0; c < 4; c++)
      cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
    cinfo.raw_data_in = TRUE;
    jpeg_start_compress (&cinfo, TRUE);
    w = width, padded = (width + DCTSIZE - 1) / DCTSIZE * DCTSIZE;
#ifdef PHOTO_AVX2
    if (jopan_has_avx2 ())
      convert = cmyk_to_ycck_avx2;
#endif
    planes.allocate ((size_t) 4 * DCTSIZE * (size_t) padded);
    for (int c = 0; c < 4; c++)
      for (int r = 0; r < DCTSIZE; r++)
        rows[c][r] = planes.data () + ((size_t) c * DCTSIZE + (size_t) r) * (size_t) padded;
    return true;
  }

  bool
  write (const unsigned char *cmyk)
  {
    convert (cmyk, w, rows[0][held], rows[1][held], rows[2][held], rows[3][held]);
    for (int c = 0; c < 4; c++)
      memset (rows[c][held] + w, rows[c][held][w - 1], (size_t) (padded - w));
    return ++held < DCTSIZE || flush ();
  }

  /* Returns: the file, or "" on an error. */
  std::string
  finish ()
  {
    for (int r = held; held > 0 && r < DCTSIZE; r++)
      for (int c = 0; c < 4; c++)
        memcpy (rows[c][r], rows[c][held - 1], (size_t) padded);
    if (held > 0 && !flush ())
      return "";
    if (setjmp (error.jump))
      return "";
    jpeg_finish_compress (&cinfo);
    return std::string ((const char *) out, size);
  }
};

/* libjpeg's YCC → RGB for a YCCK file, as jdcolor.c's tables compute it
 * (JFIF's 1.402, 0.34414, 0.71414 and 1.772 in 16-bit fixed point,
 * rounded, shifted down arithmetically), C = 255 − R and so on, clamped:
 * the inks a reader decodes, to the unit.  For a value x = Cb or Cr − 128:
 * R − Y = (91881 x + 32768) >> 16, B − Y = (116130 x + 32768) >> 16,
 * G − Y = (−22554 Cbx − 46802 Crx + 32768) >> 16. */
inline int
ycck_ink (int y, int cb, int cr, int k)
{
  int xb = cb - 128, xr = cr - 128;
  int r = y + ((91881 * xr + 32768) >> 16), b = y + ((116130 * xb + 32768) >> 16);
  int g = y + ((-22554 * xb - 46802 * xr + 32768) >> 16);

  return std::clamp (255 - r, 0, 255) + std::clamp (255 - g, 0, 255) + std::clamp (255 - b, 0, 255) + k;
}

/* The most ink of a row of @w pixels given as YCCK planes.  With SSE2,
 * eight pixels at a time in 16-bit lanes, each product split so that its
 * factor fits pmaddwd's 16 bits (91881 x = 65536 x + 26345 x, 116130 x =
 * 131072 x − 14942 x, −46802 x = −65536 x + 18734 x): the same integers
 * as ycck_ink.  libjpeg converts YCCK in plain C, a quarter of the
 * check's time; these planes skip it. */
int
ycck_most_ink (const unsigned char *y, const unsigned char *cb, const unsigned char *cr, const unsigned char *k,
               int w)
{
  int worst = 0, x = 0;
#ifdef __SSE2__
  const __m128i zero = _mm_setzero_si128 (), centre = _mm_set1_epi16 (128), two = _mm_set1_epi16 (2);
  const __m128i full = _mm_set1_epi16 (255), half = _mm_set1_epi32 (32768);
  const __m128i red = _mm_set_epi16 (16384, 26345, 16384, 26345, 16384, 26345, 16384, 26345);
  const __m128i blue = _mm_set_epi16 (16384, -14942, 16384, -14942, 16384, -14942, 16384, -14942);
  const __m128i green = _mm_set_epi16 (18734, -22554, 18734, -22554, 18734, -22554, 18734, -22554);
  __m128i most = zero;

  for (; x + 8 <= w; x += 8)
    {
      __m128i vy = _mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) (y + x)), zero);
      __m128i xb = _mm_sub_epi16 (_mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) (cb + x)), zero), centre);
      __m128i xr = _mm_sub_epi16 (_mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) (cr + x)), zero), centre);
      __m128i vk = _mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) (k + x)), zero);
      /* (f x + 2 × 16384) >> 16 for the four low pixels, then the high */
      __m128i r = _mm_packs_epi32 (
          _mm_srai_epi32 (_mm_madd_epi16 (_mm_unpacklo_epi16 (xr, two), red), 16),
          _mm_srai_epi32 (_mm_madd_epi16 (_mm_unpackhi_epi16 (xr, two), red), 16));
      __m128i b = _mm_packs_epi32 (
          _mm_srai_epi32 (_mm_madd_epi16 (_mm_unpacklo_epi16 (xb, two), blue), 16),
          _mm_srai_epi32 (_mm_madd_epi16 (_mm_unpackhi_epi16 (xb, two), blue), 16));
      __m128i g = _mm_packs_epi32 (
          _mm_srai_epi32 (_mm_add_epi32 (_mm_madd_epi16 (_mm_unpacklo_epi16 (xb, xr), green), half), 16),
          _mm_srai_epi32 (_mm_add_epi32 (_mm_madd_epi16 (_mm_unpackhi_epi16 (xb, xr), green), half), 16));
      r = _mm_add_epi16 (_mm_add_epi16 (vy, xr), r);
      b = _mm_add_epi16 (_mm_add_epi16 (vy, _mm_add_epi16 (xb, xb)), b);
      g = _mm_sub_epi16 (_mm_add_epi16 (vy, g), xr);
      /* inks 255 − R … clamped to 0 … 255 */
      r = _mm_max_epi16 (_mm_min_epi16 (_mm_sub_epi16 (full, r), full), zero);
      g = _mm_max_epi16 (_mm_min_epi16 (_mm_sub_epi16 (full, g), full), zero);
      b = _mm_max_epi16 (_mm_min_epi16 (_mm_sub_epi16 (full, b), full), zero);
      most = _mm_max_epi16 (most, _mm_add_epi16 (_mm_add_epi16 (r, g), _mm_add_epi16 (b, vk)));
    }
  gint16 lanes[8];
  memcpy (lanes, &most, sizeof lanes);
  for (gint16 v : lanes)
    worst = std::max (worst, (int) v);
#endif
  for (; x < w; x++)
    worst = std::max (worst, ycck_ink (y[x], cb[x], cr[x], k[x]));
  return worst;
}

#ifdef PHOTO_AVX2
/* ycck_most_ink sixteen pixels at a time: the same integers (in an order
 * of AVX2's own, which a maximum does not mind). */
__attribute__ ((target ("avx2"))) int
ycck_most_ink_avx2 (const unsigned char *y, const unsigned char *cb, const unsigned char *cr, const unsigned char *k,
                    int w)
{
  const __m256i zero = _mm256_setzero_si256 (), centre = _mm256_set1_epi16 (128), two = _mm256_set1_epi16 (2);
  const __m256i full = _mm256_set1_epi16 (255), half = _mm256_set1_epi32 (32768);
  const __m256i red = _mm256_set1_epi32 (16384 << 16 | 26345);
  const __m256i blue = _mm256_set1_epi32 ((int) (16384u << 16 | (unsigned) (-14942 & 0xffff)));
  const __m256i green = _mm256_set1_epi32 ((int) (18734u << 16 | (unsigned) (-22554 & 0xffff)));
  __m256i most = zero;
  int worst = 0, x = 0;

  for (; x + 16 <= w; x += 16)
    {
      __m256i vy = _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (y + x)));
      __m256i xb = _mm256_sub_epi16 (_mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (cb + x))), centre);
      __m256i xr = _mm256_sub_epi16 (_mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (cr + x))), centre);
      __m256i vk = _mm256_cvtepu8_epi16 (_mm_loadu_si128 ((const __m128i *) (k + x)));
      __m256i r = _mm256_packs_epi32 (
          _mm256_srai_epi32 (_mm256_madd_epi16 (_mm256_unpacklo_epi16 (xr, two), red), 16),
          _mm256_srai_epi32 (_mm256_madd_epi16 (_mm256_unpackhi_epi16 (xr, two), red), 16));
      __m256i b = _mm256_packs_epi32 (
          _mm256_srai_epi32 (_mm256_madd_epi16 (_mm256_unpacklo_epi16 (xb, two), blue), 16),
          _mm256_srai_epi32 (_mm256_madd_epi16 (_mm256_unpackhi_epi16 (xb, two), blue), 16));
      __m256i g = _mm256_packs_epi32 (
          _mm256_srai_epi32 (_mm256_add_epi32 (_mm256_madd_epi16 (_mm256_unpacklo_epi16 (xb, xr), green), half), 16),
          _mm256_srai_epi32 (_mm256_add_epi32 (_mm256_madd_epi16 (_mm256_unpackhi_epi16 (xb, xr), green), half), 16));
      r = _mm256_add_epi16 (_mm256_add_epi16 (vy, xr), r);
      b = _mm256_add_epi16 (_mm256_add_epi16 (vy, _mm256_add_epi16 (xb, xb)), b);
      g = _mm256_sub_epi16 (_mm256_add_epi16 (vy, g), xr);
      r = _mm256_max_epi16 (_mm256_min_epi16 (_mm256_sub_epi16 (full, r), full), zero);
      g = _mm256_max_epi16 (_mm256_min_epi16 (_mm256_sub_epi16 (full, g), full), zero);
      b = _mm256_max_epi16 (_mm256_min_epi16 (_mm256_sub_epi16 (full, b), full), zero);
      most = _mm256_max_epi16 (most, _mm256_add_epi16 (_mm256_add_epi16 (r, g), _mm256_add_epi16 (b, vk)));
    }
  gint16 lanes[16];
  _mm256_storeu_si256 ((__m256i *) lanes, most);
  for (gint16 v : lanes)
    worst = std::max (worst, (int) v);
  return x < w ? std::max (worst, ycck_most_ink (y + x, cb + x, cr + x, k + x, w - x)) : worst;
}
#endif

/* The most ink (8-bit units) of @jpeg's pixels (w × h, CMYK) as a reader
 * decodes them (the accurate IDCT), stopping at the first row over
 * @limit.  Returns: -1 when it cannot be read. */
int
jpeg_most_ink (const std::string &jpeg, int w, int h, int limit)
{
  JpegReader reader;
  Bytes line;
  int worst = 0;

  if (!reader.open ((const unsigned char *) jpeg.data (), jpeg.size (), w, JCS_CMYK, JDCT_ISLOW, 4, true)
      || reader.w != w || reader.h != h)
    return -1;
  if (reader.planar)
    {
      size_t pw = (size_t) reader.plane_width ();
      auto most_ink = ycck_most_ink;
#ifdef PHOTO_AVX2
      if (jopan_has_avx2 ())
        most_ink = ycck_most_ink_avx2;
#endif
      JSAMPROW rows[4][DCTSIZE];
      JSAMPARRAY planes[4];
      line.allocate (4 * DCTSIZE * pw);
      for (int c = 0; c < 4; c++)
        {
          for (int r = 0; r < DCTSIZE; r++)
            rows[c][r] = line.data () + ((size_t) c * DCTSIZE + (size_t) r) * pw;
          planes[c] = rows[c];
        }
      for (int y0 = 0; y0 < h && worst <= limit; y0 += DCTSIZE)
        {
          if (!reader.read_planes (planes))
            return -1;
          for (int r = 0; r < DCTSIZE && y0 + r < h; r++)
            worst = std::max (worst, most_ink (rows[0][r], rows[1][r], rows[2][r], rows[3][r], w));
        }
      return worst > limit || reader.finish () ? worst : -1;
    }
  line.allocate ((size_t) w * 4);
  for (int r = 0; r < h && worst <= limit; r++)
    {
      if (!reader.read (line.data ()))
        return -1;
      const unsigned char *q = line.data ();
      for (size_t i = 0; i < (size_t) w * 4; i += 4)
        worst = std::max (worst, q[i] + q[i + 1] + q[i + 2] + q[i + 3]);
    }
  return worst > limit || reader.finish () ? worst : -1;
}

/* A photo's CMYK stored as a CMYK JPEG when its requantisation can be
 * held under the ink limit, else losslessly. */
Separated
separate (const JopanFinish *finish, const Pixels &cmyk)
{
  Separated out;

  out.w = cmyk.w, out.h = cmyk.h;
  out.data = jpeg_encode_limited (cmyk, jopan_color_get_ink_limit (finish->color), out.ink);
  out.filter = "/DCTDecode";
  if (out.data.empty ())
    {
      out.data = deflate (cmyk.data.data (), cmyk.data.size ());
      out.filter = "/FlateDecode";
    }
  return out;
}

/* The photo separated straight into a CMYK JPEG, a row at a time, then
 * read back: when no pixel is over the ink limit (the common case), that
 * is the file, and the photo was never held whole in CMYK (5 MB for
 * harbour's, whose pages the kernel had to fault in and zero: a tenth of
 * the photo's time).  Returns: no data when a pixel is over the limit or
 * the file cannot be read back: separate () then takes its passes. */
Separated
separate_streamed (const JopanFinish *finish, const PhotoJob &job)
{
  JpegWriter writer;
  Separated out;
  bool ok = true;
  int limit = jopan_color_get_ink_limit (finish->color);

  photo_rows (
      finish, job, [&] (int w, int h) { ok = writer.open (out.w = w, out.h = h); },
      [&] (int, const unsigned char *row) { ok = ok && writer.write (row); });
  std::string jpeg = ok ? writer.finish () : "";
  int worst = jpeg.empty () ? -1 : jpeg_most_ink (jpeg, out.w, out.h, limit);
  if (worst < 0 || worst > limit)
    return out;
  out.data = std::move (jpeg);
  out.filter = "/DCTDecode";
  out.ink = worst;
  remember_ink (jpeg_key ((const unsigned char *) out.data.data (), out.data.size ()), worst);
  return out;
}

/* @image's separation job when it is an 8-bit RGB photo of a PDF/X
 * file; its key names the source and the size it is wanted at. */
bool
photo_job (const JopanFinish *finish, Object &image, const PhotoState &state, PhotoJob &job)
{
  Object dict = image.getDict ();
  std::string space = dict.getKey ("/ColorSpace").isName () ? dict.getKey ("/ColorSpace").getName () : "";
  if (finish->pdfx == 0 || space != "/DeviceRGB" || dict.getKey ("/BitsPerComponent").getIntValue () != 8
      || !dict.getKey ("/Width").isInteger () || !dict.getKey ("/Height").isInteger ())
    return false;
  job.filter = dict.getKey ("/Filter").isName () ? dict.getKey ("/Filter").getName () : "";
  job.w = (int) dict.getKey ("/Width").getIntValue ();
  job.h = (int) dict.getKey ("/Height").getIntValue ();
  auto found = state.need.find (image.getObjGen ());
  job.need = found == state.need.end () ? 1.0 : found->second;
  job.raw = job.data = image.getRawStreamData ();
  /* Length and two checksums name it within the document (a photo on
   * two pages is separated once; separate_photos compares the bytes of
   * two with the same name); only the disk cache takes a SHA-256 (1.4 ms
   * for harbour's two photos). */
  job.key = job.filter + "|" + jpeg_key (job.raw->getBuffer (), job.raw->getSize ()) + "|" + number (job.need) + "|"
            + std::to_string (job.w);
  if (job.filter != "/DCTDecode")
    job.data = image.getStreamData (qpdf_dl_generalized);
  return true;
}

bool
same_bytes (const Buffer &a, const Buffer &b)
{
  return a.getSize () == b.getSize () && memcmp (a.getBuffer (), b.getBuffer (), a.getSize ()) == 0;
}

/* ---- separated photos kept on disk ---------------------------------------- */

/* With JOPAN_PHOTO_CACHE naming a directory, each separated photo is kept
 * there, so that an editor rendering the same page again (or the next
 * edition with the same photo) finds it separated: the file is named by
 * a digest of the photo's bytes, the size it is wanted at, the colour's
 * key (profile bytes, intent, ink limit) and kCacheFormat, which changes
 * whenever the separation does.  A file is written whole or not at all
 * (GLib writes a temporary file and renames it) and is checked when read;
 * anything wrong with the cache is a miss, never an error.  The oldest
 * files go when the directory grows past kCacheBytes. */
const char *const kCacheFormat = "jopan separated photo 2";
const gint64 kCacheBytes = (gint64) 256 << 20;
GMutex cache_lock;

std::string
cache_path (const JopanFinish *finish, const PhotoJob &job)
{
  const char *dir = g_getenv ("JOPAN_PHOTO_CACHE");
  const char *colour = dir == NULL || *dir == '\0' ? NULL : jopan_color_get_key (finish->color);

  if (colour == NULL)
    return "";
  g_autofree char *photo = g_compute_checksum_for_data (G_CHECKSUM_SHA256, job.raw->getBuffer (), job.raw->getSize ());
  std::string seed = std::string (kCacheFormat) + "|" + colour + "|" + job.filter + "|" + photo + "|"
                     + number (job.need) + "|" + std::to_string (job.w) + "|" + std::to_string (job.h);
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed.c_str (), -1);
  g_autofree char *name = g_strconcat (sum, ".sep", NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return path;
}

/* The first line of a cache file: format, size, filter, ink, length and
 * CRC-32 of the data that follows. */
std::string
cache_header (const Separated &s)
{
  uLong crc = crc32_z (crc32_z (0, NULL, 0), (const Bytef *) s.data.data (), s.data.size ());
  return std::string (kCacheFormat) + " " + std::to_string (s.w) + " " + std::to_string (s.h) + " " + s.filter
         + " " + std::to_string (s.ink) + " " + std::to_string (s.data.size ()) + " " + std::to_string (crc) + "\n";
}

bool
cache_read (const std::string &path, Separated &out)
{
  g_autofree char *data = NULL;
  gsize n = 0;

  if (!g_file_get_contents (path.c_str (), &data, &n, NULL))
    return false;
  const char *end = (const char *) memchr (data, '\n', n);
  size_t skip = strlen (kCacheFormat) + 1;
  if (end == NULL || (size_t) (end - data) <= skip || strncmp (data, kCacheFormat, skip - 1) != 0)
    return false;
  std::string line ((const char *) data + skip, end);
  char filter[32] = "";
  unsigned long long length = 0;
  unsigned long crc = 0;
  if (sscanf (line.c_str (), "%d %d %31s %d %llu %lu", &out.w, &out.h, filter, &out.ink, &length, &crc) != 6
      || length != n - (gsize) (end + 1 - data))
    return false;
  out.filter = filter;
  out.data.assign (end + 1, (size_t) length);
  if (cache_header (out) != std::string (data, (size_t) (end + 1 - data))
      || (out.filter != "/DCTDecode" && out.filter != "/FlateDecode"))
    return false;
  utimes (path.c_str (), NULL); /* recently used: kept the longest */
  if (out.filter == "/DCTDecode" && out.ink >= 0)
    remember_ink (jpeg_key ((const unsigned char *) out.data.data (), out.data.size ()), out.ink);
  return true;
}

/* The cache's directory trimmed to three quarters of kCacheBytes, oldest
 * files first, once it holds more than kCacheBytes. */
void
cache_trim (const std::string &dir)
{
  g_autoptr (GDir) d = g_dir_open (dir.c_str (), 0, NULL);
  std::vector<std::pair<time_t, std::pair<gint64, std::string>>> files;
  gint64 total = 0;

  for (const char *name; d && (name = g_dir_read_name (d)) != NULL;)
    {
      GStatBuf st;
      g_autofree char *path = g_build_filename (dir.c_str (), name, NULL);
      if (g_str_has_suffix (name, ".sep") && g_stat (path, &st) == 0)
        {
          files.push_back ({ st.st_mtime, { (gint64) st.st_size, path } });
          total += st.st_size;
        }
    }
  if (total <= kCacheBytes)
    return;
  std::sort (files.begin (), files.end ());
  for (size_t i = 0; i < files.size () && total > kCacheBytes / 4 * 3; i++)
    if (g_unlink (files[i].second.second.c_str ()) == 0)
      total -= files[i].second.first;
}

void
cache_write (const std::string &path, const Separated &s)
{
  g_autofree char *dir = g_path_get_dirname (path.c_str ());
  std::string content = cache_header (s) + s.data;

  g_mutex_lock (&cache_lock);
  if (g_mkdir_with_parents (dir, 0755) == 0
      && g_file_set_contents (path.c_str (), content.data (), (gssize) content.size (), NULL))
    cache_trim (dir);
  g_mutex_unlock (&cache_lock);
}

/* A job's photo separated, or found separated in the cache. */
Separated
separate_job (const JopanFinish *finish, const PhotoJob &job)
{
  std::string path = cache_path (finish, job);
  Separated out;

  if (!path.empty () && cache_read (path, out))
    return out;
  out = separate_streamed (finish, job);
  if (out.data.empty ())
    out = separate (finish, photo_cmyk (finish, job));
  if (!path.empty ())
    cache_write (path, out);
  return out;
}

/* Runs every job, on up to as many threads as there are processors: each
 * photo is separated alone, so the bytes do not depend on the order. */
void
run_jobs (const JopanFinish *finish, std::vector<PhotoJob> &jobs)
{
  std::atomic<size_t> next (0);
  auto work = [&] () {
    for (size_t i; (i = next++) < jobs.size ();)
      try
        {
          jobs[i].result = separate_job (finish, jobs[i]);
        }
      catch (std::exception &e)
        {
          jobs[i].error = e.what ();
        }
  };
  size_t n = std::min (jobs.size (), (size_t) std::max (1, (int) g_get_num_processors ()));
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n; t++)
    threads.emplace_back (work);
  work ();
  for (auto &t : threads)
    t.join ();
  for (auto &job : jobs)
    if (!job.error.empty ())
      throw std::runtime_error (job.error);
}

/* Every photo of the document separated before any page is finished. */
void
separate_photos (const JopanFinish *finish, std::vector<QPDFPageObjectHelper> &pages, PhotoState &state)
{
  std::vector<PhotoJob> jobs;
  std::map<std::string, size_t> keys; /* a job by its key */
  std::set<QPDFObjGen> seen;

  for (auto &page : pages)
    page.forEachImage (true, [&] (Object &image, Object &, std::string const &) {
      PhotoJob job;
      if (!seen.insert (image.getObjGen ()).second || !photo_job (finish, image, state, job))
        return;
      auto same = keys.find (job.key);
      if (same != keys.end () && !same_bytes (*jobs[same->second].raw, *job.raw))
        job.key += "|object " + std::to_string (image.getObjectID ()); /* two photos, one name */
      state.key[image.getObjGen ()] = job.key;
      if (keys.emplace (job.key, jobs.size ()).second)
        jobs.push_back (std::move (job));
    });
  run_jobs (finish, jobs);
  for (auto &job : jobs)
    state.separated[job.key] = std::move (job.result);
}

/* One image XObject for the press: RGB separated (at most at the style's
 * max-ppi as placed), CMYK JPEGs kept, grey left grey. */
void
finish_image (Object &image, PhotoState &state)
{
  Object dict = image.getDict ();
  std::string space = dict.getKey ("/ColorSpace").isName () ? dict.getKey ("/ColorSpace").getName () : "";
  std::string filter = dict.getKey ("/Filter").isName () ? dict.getKey ("/Filter").getName () : "";

  if (space == "/DeviceCMYK" && filter == "/DCTDecode")
    {
      std::shared_ptr<Buffer> raw = image.getRawStreamData ();
      if (jpeg_is_adobe (raw->getBuffer (), raw->getSize ()) && !dict.hasKey ("/Decode"))
        dict.replaceKey ("/Decode", Object::parse (kInverted));
      return;
    }
  auto key = state.key.find (image.getObjGen ());
  if (key == state.key.end ())
    return; /* not a photo to separate (photo_job) */
  auto cached = state.separated.find (key->second);
  if (cached == state.separated.end ())
    throw std::runtime_error ("a photo was not separated");
  const Separated &done = cached->second;
  /* The separated bytes lent, not copied (650 KB for harbour's, on fresh
   * pages): @state outlives the writing of the file. */
  auto lent = std::make_shared<Buffer> ((unsigned char *) done.data.data (), done.data.size ());
  image.replaceStreamData (lent, Object::newName (done.filter), Object::newNull ());
  dict.removeKey ("/Decode");
  dict.replaceKey ("/ColorSpace", Object::newName ("/DeviceCMYK"));
  dict.replaceKey ("/Width", Object::newInteger (done.w));
  dict.replaceKey ("/Height", Object::newInteger (done.h));
}

/* ---- where photos are placed ------------------------------------------------ */

struct Matrix
{
  double a = 1, b = 0, c = 0, d = 1, e = 0, f = 0;

  /* This matrix applied first, then @m (PDF's order for "cm"). */
  Matrix
  then (const Matrix &m) const
  {
    Matrix r;
    r.a = a * m.a + b * m.c, r.b = a * m.b + b * m.d;
    r.c = c * m.a + d * m.c, r.d = c * m.b + d * m.d;
    r.e = e * m.a + f * m.c + m.e, r.f = e * m.b + f * m.d + m.f;
    return r;
  }
};

/* Follows the current matrix through a content stream (q, Q, cm, and
 * forms drawn with Do) and records, for each image drawn, the share of
 * its pixels @max_ppi needs at its largest placement. */
class Placements : public OperatorSink
{
public:
  Placements (Object resources, Matrix ctm, double max_ppi, std::map<QPDFObjGen, double> &need, int depth)
    : resources_ (resources), ctm_ (ctm), max_ppi_ (max_ppi), need_ (need), depth_ (depth)
  {
  }

  void
  scan (const std::string &content)
  {
    each_operator (content, [this] (const std::string &op, const Operands &operands) {
      if (wants (op))
        on_operator (op, operands);
    });
  }

  bool
  wants (const std::string &op) const override
  {
    return op == "q" || op == "Q" || op == "cm" || op == "Do";
  }

  void
  on_operator (const std::string &op, const Operands &operands) override
  {
    if (op == "q")
      stack_.push_back (ctm_);
    else if (op == "Q" && !stack_.empty ())
      ctm_ = stack_.back (), stack_.pop_back ();
    else if (op == "cm" && operands.size () == 6)
      ctm_ = matrix (operands).then (ctm_);
    else if (op == "Do" && operands.size () == 1 && operands[0].getType () == QPDFTokenizer::tt_name)
      draw (operands[0].getValue ());
  }

private:
  static Matrix
  matrix (const Operands &v)
  {
    Matrix m;
    double *x[6] = { &m.a, &m.b, &m.c, &m.d, &m.e, &m.f };
    for (size_t i = 0; i < 6 && i < v.size (); i++)
      if (is_number (v[i]))
        *x[i] = token_number (v[i]);
    return m;
  }

  static Matrix
  matrix (std::vector<Object> v)
  {
    Matrix m;
    double *x[6] = { &m.a, &m.b, &m.c, &m.d, &m.e, &m.f };
    for (size_t i = 0; i < 6 && i < v.size (); i++)
      if (v[i].isNumber ())
        *x[i] = v[i].getNumericValue ();
    return m;
  }

  void
  draw (const std::string &name)
  {
    Object xobjects = resources_.isDictionary () ? resources_.getKey ("/XObject") : Object::newNull ();
    Object x = xobjects.isDictionary () ? xobjects.getKey (name) : Object::newNull ();
    if (!x.isStream ())
      return;
    Object dict = x.getDict ();
    std::string type = dict.getKey ("/Subtype").isName () ? dict.getKey ("/Subtype").getName () : "";
    if (type == "/Image")
      image (x);
    else if (type == "/Form" && depth_ < 8)
      {
        Object mk = dict.getKey ("/Matrix");
        Matrix m = mk.isArray () ? matrix (mk.getArrayAsVector ()) : Matrix ();
        Placements inner (dict.getKey ("/Resources"), m.then (ctm_), max_ppi_, need_, depth_ + 1);
        inner.scan (form_content (x));
      }
  }

  /* The image's unit square as placed: the points each pixel covers. */
  void
  image (Object &x)
  {
    Object dict = x.getDict ();
    double w = dict.getKey ("/Width").isInteger () ? (double) dict.getKey ("/Width").getIntValue () : 0;
    double h = dict.getKey ("/Height").isInteger () ? (double) dict.getKey ("/Height").getIntValue () : 0;
    if (w <= 0 || h <= 0)
      return;
    double side_w = std::hypot (ctm_.a, ctm_.b), side_h = std::hypot (ctm_.c, ctm_.d);
    double share = std::min (1.0, max_ppi_ / 72 * std::max (side_w / w, side_h / h));
    auto it = need_.find (x.getObjGen ());
    if (it == need_.end ())
      need_[x.getObjGen ()] = share;
    else
      it->second = std::max (it->second, share);
  }

  Object resources_;
  Matrix ctm_;
  double max_ppi_;
  std::map<QPDFObjGen, double> &need_;
  int depth_;
  std::vector<Matrix> stack_;
};

/* ---- pages ----------------------------------------------------------------- */

Object
box (const double b[4])
{
  return Object::newArray (Object::Rectangle (b[0], b[1], b[2], b[3]));
}

void
finish_page (const JopanFinish *finish, QPDFPageObjectHelper &page, guint index, std::set<QPDFObjGen> &done,
             PhotoState &photos)
{
  Object o = page.getObjectHandle ();
  const JopanFinishPage *p = &finish->pages[index];

  o.replaceKey ("/MediaBox", box (p->media));
  o.replaceKey ("/BleedBox", box (p->bleed));
  o.replaceKey ("/TrimBox", box (p->trim));
  page.forEachImage (true, [&] (Object &image, Object &, std::string const &) {
    if (done.insert (image.getObjGen ()).second)
      finish_image (image, photos);
  });
}

/* A PDF/X page's colours and its forms': the content rewritten by the
 * colour filter now, not as qpdf writes the file, so as to be stored
 * deflated by store_deflated; @placements (if any) follows the page's
 * content in the same pass. */
void
finish_colours (QPDF &pdf, const JopanFinish *finish, QPDFPageObjectHelper &page, std::set<QPDFObjGen> &done,
                Placements *placements)
{
  Object o = page.getObjectHandle ();

  /* Every colour is opaque: a transparency group (cairo adds one) would
   * be transparency PDF/X-1a forbids, and it names an RGB blending space. */
  o.removeKey ("/Group");
  add_graphics_states (pdf, o);
  ColourFilter colours (finish, placements);
  Pl_Buffer page_out ("page content");
  page.filterContents (&colours, &page_out);
  Object content = pdf.newStream ();
  std::string rewritten = piped (page_out);
  remember_count (jpeg_key ((const unsigned char *) rewritten.data (), rewritten.size ()), colours.counted ());
  store_deflated (content, rewritten);
  o.replaceKey ("/Contents", content);
  page.forEachFormXObject (true, [&] (Object &form, Object &, std::string const &) {
    if (!done.insert (form.getObjGen ()).second)
      return;
    form.getDict ().removeKey ("/Group");
    add_graphics_states (pdf, form.getDict ());
    ColourFilter form_colours (finish);
    Pl_Buffer form_out ("form content");
    form.filterAsContents (&form_colours, &form_out);
    std::string form_rewritten = piped (form_out);
    remember_count (jpeg_key ((const unsigned char *) form_rewritten.data (), form_rewritten.size ()),
                    form_colours.counted ());
    store_deflated (form, form_rewritten);
  });
}

/* ---- the document -------------------------------------------------------------- */

/* "2024-03-13T00:00:00Z" → "D:20240313000000Z". */
std::string
pdf_date (const char *iso)
{
  std::string d = "D:";
  for (const char *c = iso; *c; c++)
    if (g_ascii_isdigit (*c))
      d += *c;
  return d + "Z";
}

std::string
xml_escape (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  return escaped;
}

const char *
pdfx_version (const JopanFinish *f)
{
  return f->pdfx == 4 ? "PDF/X-4" : "PDF/X-1:2003";
}

std::string
uuid (const JopanFinish *f, const char *salt)
{
  g_autofree char *seed = g_strdup_printf ("%s|%s|%s|%u|%s", f->title, f->date, f->creator,
                                           f->n_pages, salt);
  g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, seed, -1);
  std::string h = md5;
  return "uuid:" + h.substr (0, 8) + "-" + h.substr (8, 4) + "-" + h.substr (12, 4) + "-"
         + h.substr (16, 4) + "-" + h.substr (20, 12);
}

std::string
xmp (const JopanFinish *f)
{
  std::string x = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                  "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                  "<rdf:Description rdf:about=\"\"\n"
                  " xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
                  " xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
                  " xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
                  " xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\"\n"
                  " xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"\n"
                  " xmlns:pdfx=\"http://ns.adobe.com/pdfx/1.3/\">\n";
  x += "<dc:format>application/pdf</dc:format>\n";
  x += "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape (f->title)
       + "</rdf:li></rdf:Alt></dc:title>\n";
  x += "<dc:creator><rdf:Seq><rdf:li>" + xml_escape (f->author) + "</rdf:li></rdf:Seq></dc:creator>\n";
  x += std::string ("<xmp:CreateDate>") + f->date + "</xmp:CreateDate>\n";
  x += std::string ("<xmp:ModifyDate>") + f->date + "</xmp:ModifyDate>\n";
  x += std::string ("<xmp:MetadataDate>") + f->date + "</xmp:MetadataDate>\n";
  x += "<xmp:CreatorTool>" + xml_escape (f->creator) + "</xmp:CreatorTool>\n";
  x += "<pdf:Producer>" + xml_escape (f->creator) + "</pdf:Producer>\n";
  x += "<pdf:Trapped>False</pdf:Trapped>\n";
  x += "<xmpMM:DocumentID>" + uuid (f, "document") + "</xmpMM:DocumentID>\n";
  x += "<xmpMM:InstanceID>" + uuid (f, "instance") + "</xmpMM:InstanceID>\n";
  x += "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>\n";
  x += "<xmpMM:VersionID>1</xmpMM:VersionID>\n";
  x += std::string ("<pdfxid:GTS_PDFXVersion>") + pdfx_version (f) + "</pdfxid:GTS_PDFXVersion>\n";
  if (f->pdfx == 1)
    x += "<pdfx:GTS_PDFXVersion>PDF/X-1:2003</pdfx:GTS_PDFXVersion>\n"
         "<pdfx:GTS_PDFXConformance>PDF/X-1a:2003</pdfx:GTS_PDFXConformance>\n";
  x += "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";
  return x;
}

void
set_info (QPDF &pdf, const JopanFinish *f)
{
  Object trailer = pdf.getTrailer ();
  Object info = trailer.getKey ("/Info");
  if (!info.isDictionary ())
    {
      info = pdf.makeIndirectObject (Object::newDictionary ());
      trailer.replaceKey ("/Info", info);
    }
  info.replaceKey ("/Title", Object::newUnicodeString (f->title));
  info.replaceKey ("/Author", Object::newUnicodeString (f->author));
  info.replaceKey ("/Subject", Object::newUnicodeString (f->subject));
  info.replaceKey ("/Creator", Object::newUnicodeString (f->creator));
  info.replaceKey ("/Producer", Object::newUnicodeString (f->creator));
  info.replaceKey ("/CreationDate", Object::newString (pdf_date (f->date)));
  info.replaceKey ("/ModDate", Object::newString (pdf_date (f->date)));
  if (f->pdfx == 0)
    return;
  info.replaceKey ("/Trapped", Object::newName ("/False"));
  info.replaceKey ("/GTS_PDFXVersion", Object::newString (pdfx_version (f)));
  if (f->pdfx == 1)
    info.replaceKey ("/GTS_PDFXConformance", Object::newString ("PDF/X-1a:2003"));
}

/* The output condition: the registered IFRA26 by name; a profile the user
 * gives is embedded (and PDF/X-4 always embeds one). */
void
set_output_intent (QPDF &pdf, const JopanFinish *f)
{
  Object root = pdf.getRoot ();
  Object intent = Object::newDictionary ();
  bool builtin = jopan_color_is_builtin (f->color);

  intent.replaceKey ("/Type", Object::newName ("/OutputIntent"));
  intent.replaceKey ("/S", Object::newName ("/GTS_PDFX"));
  intent.replaceKey ("/OutputConditionIdentifier", Object::newString (builtin ? "IFRA26" : "Custom"));
  intent.replaceKey ("/RegistryName", Object::newString ("http://www.color.org"));
  intent.replaceKey ("/OutputCondition",
                     Object::newString (builtin ? "Newspaper coldset offset on newsprint (ISO 12647-3)"
                                                : jopan_color_get_description (f->color)));
  intent.replaceKey ("/Info", Object::newString (builtin ? "ISOnewspaper26v4 / WAN-IFRAnewspaper26v5"
                                                         : jopan_color_get_description (f->color)));
  if (!builtin || f->pdfx == 4)
    {
      gsize n = 0;
      const char *data = (const char *) g_bytes_get_data (jopan_color_get_profile (f->color), &n);
      Object profile = pdf.newStream (std::string (data, n));
      profile.getDict ().replaceKey ("/N", Object::newInteger (4));
      intent.replaceKey ("/DestOutputProfile", profile);
    }
  Object intents = Object::newArray ();
  intents.appendItem (intent);
  root.replaceKey ("/OutputIntents", intents);
  Object metadata = pdf.newStream (xmp (f));
  metadata.getDict ().replaceKey ("/Type", Object::newName ("/Metadata"));
  metadata.getDict ().replaceKey ("/Subtype", Object::newName ("/XML"));
  root.replaceKey ("/Metadata", metadata);
}

/* ---- the file ID ------------------------------------------------------------ */

/* qpdf's output into @bytes (emptied first); its length, CRC-32 and
 * Adler-32 (libdeflate's, as jpeg_key) make the file's ID, so that the
 * same page gives the same bytes and another page another ID, without
 * qpdf's deterministic ID, which is an MD5 of the whole file (1.4 % of
 * an edition's CPU; these sums cost a tenth of it), nor a copy of the
 * file out of qpdf's buffer.  The sums are taken over the whole file at
 * the end: qpdf writes it a token at a time (some 3,000 pieces a page),
 * and summing each piece as it came cost more in calls than in sums. */
class Pl_Bytes : public Pipeline
{
  GByteArray *bytes;

public:
  /* @room: bytes to make room for at once (the file grows without
   * reallocating up to there). */
  Pl_Bytes (GByteArray *out, gsize room) : Pipeline ("the finished file", nullptr), bytes (out)
  {
    g_byte_array_set_size (bytes, (guint) MIN (room, (gsize) G_MAXUINT / 2));
    g_byte_array_set_size (bytes, 0);
  }

  void
  write (unsigned char const *data, size_t len) override
  {
    if (len > G_MAXUINT - bytes->len)
      throw std::runtime_error ("the file is too large");
    g_byte_array_append (bytes, data, (guint) len);
  }

  void
  finish () override
  {
  }

  /* The ID, as 32 hex digits: an MD5 of the sums (placeholder included). */
  std::string
  id () const
  {
    uint32_t crc = libdeflate_crc32 (0, bytes->data, bytes->len);
    uint32_t adler = libdeflate_adler32 (1, bytes->data, bytes->len);
    g_autofree char *sums = g_strdup_printf ("jopan page|%u:%u:%u", bytes->len, crc, adler);
    g_autofree char *md5 = g_compute_checksum_for_string (G_CHECKSUM_MD5, sums, -1);
    return md5;
  }
};

/* Which way the finish goes (jopan_finish_set_path): 1 its fast paths, 0
 * the slow ones they replace, 2, 3 and 5 a fast path broken on purpose. */
std::atomic<int> finish_path (1);

/* Writes @pdf to @out as @f asks, its ID qpdf's static placeholder (or
 * its deterministic one when @deterministic). */
void
write_file (QPDF &pdf, const JopanFinish *f, Pipeline *out, bool deterministic)
{
  QPDFWriter writer (pdf);
  writer.setOutputPipeline (out);
  /* A plain file has no stream left for qpdf to compress (every plain
   * stream was deflated by deflate_plain_streams, and qpdf writes
   * metadata plain anyway); told to compress, it pipes each stream it
   * cannot compress (a photo's JPEG: 300 KB and more) twice, the first
   * time to find that out.  A PDF/X file's output profile is left for
   * qpdf's zlib to compress, as it always was. */
  if (finish_path.load () == 2 || (finish_path.load () == 1 && f->pdfx == 0))
    writer.setCompressStreams (false);
  if (deterministic)
    writer.setDeterministicID (true);
  else
    writer.setStaticID (true);
  if (f->pdfx == 1)
    {
      writer.setObjectStreamMode (qpdf_o_disable);
      writer.forcePDFVersion ("1.4");
    }
  else if (f->pdfx == 4)
    writer.forcePDFVersion ("1.6");
  writer.write ();
}

/* Replaces the placeholder ID (both parts) in the trailer of @bytes by
 * @hex, in place (the same length: no offset moves).  Returns: false
 * when it is not as expected (nothing changed). */
bool
set_file_id (GByteArray *bytes, const std::string &hex)
{
  const char *data = (const char *) bytes->data;
  const gsize tail = MIN (bytes->len, 63u);
  gint64 start = jopan_pdf_startxref (data + bytes->len - tail, tail);
  gsize found[2];

  if (hex.size () != strlen (JOPAN_PDF_STATIC_ID) || start <= 0 || start >= (gint64) bytes->len
      || !jopan_pdf_static_id_places (data + start, bytes->len - (gsize) start, found))
    return false;
  for (gsize at : found)
    memcpy (bytes->data + start + at, hex.data (), hex.size ());
  return true;
}

/* libdeflate's level for the streams cairo left plain: its fastest.  On
 * the sample edition's content streams and ToUnicode maps it takes a
 * fifth of level 6's time (3 ms against 16 for 12 pages), for 10 % more
 * bytes in them, half a percent of the files. */
const int kPlainLevel = 1;

/* A pipeline's bytes appended to a string of the caller's (kept from
 * stream to stream, so that it grows once), not to a Pl_Buffer, which
 * grows its own for each stream and copies it out again. */
class Pl_Append : public Pipeline
{
  std::string &bytes;

public:
  explicit Pl_Append (std::string &out) : Pipeline ("a stream's bytes", nullptr), bytes (out)
  {
  }

  void
  write (unsigned char const *data, size_t len) override
  {
    bytes.append ((const char *) data, len);
  }

  void
  finish () override
  {
  }
};

/* @o's stream data as stored, into @raw (emptied first). */
void
raw_stream_data (Object &o, std::string &raw)
{
  raw.clear ();
  if (finish_path.load () == 0)
    {
      std::shared_ptr<Buffer> b = o.getRawStreamData ();
      raw.assign ((const char *) b->getBuffer (), b->getSize ());
      return;
    }
  Pl_Append pipe (raw);
  bool filtered; /* false: none asked */
  if (!o.pipeStreamData (&pipe, &filtered, 0, qpdf_dl_none))
    throw std::runtime_error ("cannot read a content stream");
  if (finish_path.load () == 3 && !raw.empty ())
    raw.pop_back ();
}

/* cairo's streams it left plain (all its content streams and ToUnicode
 * maps when CAIRO_DEBUG_PDF is set, as the jopan tool sets it) deflated
 * by libdeflate: here, outside the render lock, in a tenth of the time
 * cairo's zlib took to as it showed each page under it.  What cairo
 * deflated (fonts, images) is kept as it is.  The plain bytes and the
 * deflated ones go through two buffers kept for the whole file. */
void
deflate_plain_streams (QPDF &pdf)
{
  std::unique_ptr<libdeflate_compressor, void (*) (libdeflate_compressor *)> z (
    libdeflate_alloc_compressor (kPlainLevel), libdeflate_free_compressor);
  std::string raw;
  std::vector<unsigned char> out;

  if (!z)
    throw std::runtime_error ("cannot compress a content stream");
  for (Object &o : pdf.getAllObjects ())
    {
      if (!o.isStream () || o.getDict ().hasKey ("/Filter"))
        continue;
      raw_stream_data (o, raw);
      out.resize (std::max (out.size (), libdeflate_zlib_compress_bound (z.get (), raw.size ())));
      size_t n = libdeflate_zlib_compress (z.get (), raw.data (), raw.size (), out.data (), out.size ());
      if (n == 0)
        throw std::runtime_error ("cannot compress a content stream");
      auto deflated = std::make_shared<Buffer> (n);
      memcpy (deflated->getBuffer (), out.data (), n);
      o.replaceStreamData (deflated, Object::newName ("/FlateDecode"), Object::newNull ());
    }
}

/* qpdf reads cairo's file, @cairo_file (@n bytes, the caller's: it
 * outlives @pdf), where it is, and writes into @bytes, with room for as
 * much (the finished file is smaller: its content streams are deflated). */
void
finish_document (const guint8 *cairo_file, gsize n, GByteArray *bytes, const JopanFinish *f)
{
  QPDF pdf;
  pdf.setSuppressWarnings (true);
  pdf.processMemoryFile ("cairo's PDF", (const char *) cairo_file, n);
  jopan_image_stream_put_back (pdf); /* photos encoded once (image.c) */
  std::vector<QPDFPageObjectHelper> pages = QPDFPageDocumentHelper (pdf).getAllPages ();
  if (pages.size () != f->n_pages)
    throw std::runtime_error ("cairo wrote another number of pages");
  std::set<QPDFObjGen> done;
  PhotoState photos;
  /* Every placement is known before any photo is downsampled: found as
   * the colour filter rewrites each page (one pass over its content). */
  for (guint i = 0; f->pdfx && i < f->n_pages; i++)
    {
      Placements scan (pages[i].getAttribute ("/Resources", false), Matrix (), f->max_ppi, photos.need, 0);
      finish_colours (pdf, f, pages[i], done, f->max_ppi > 0 ? &scan : nullptr);
    }
  if (f->pdfx)
    separate_photos (f, pages, photos);
  for (guint i = 0; i < f->n_pages; i++)
    finish_page (f, pages[i], i, done, photos);
  deflate_plain_streams (pdf);
  set_info (pdf, f);
  if (f->pdfx)
    set_output_intent (pdf, f);

  Pl_Bytes out (bytes, n);
  write_file (pdf, f, &out, false);
  if (!set_file_id (bytes, out.id ()))
    {
      /* A trailer laid out otherwise: qpdf's own deterministic ID. */
      Pl_Bytes again (bytes, n);
      write_file (pdf, f, &again, true);
    }
}

} // namespace

GBytes *
jopan_finish_cmyk_jpeg (const guint8 *cmyk, int w, int h)
{
  JpegWriter writer;
  bool ok = writer.open (w, h);

  for (int r = 0; ok && r < h; r++)
    ok = writer.write (cmyk + (size_t) r * (size_t) w * 4);
  std::string jpeg = ok ? writer.finish () : "";
  return jpeg.empty () ? NULL : g_bytes_new (jpeg.data (), jpeg.size ());
}

int
jopan_finish_jpeg_most_ink (const guint8 *jpeg, gsize n, int w, int h)
{
  return jpeg_most_ink (std::string ((const char *) jpeg, n), w, h, 4 * 255);
}

void
jopan_finish_forget (void)
{
  g_mutex_lock (&counted_lock);
  if (counted)
    counted->clear ();
  g_mutex_unlock (&counted_lock);
  g_mutex_lock (&measured_lock);
  if (measured)
    measured->clear ();
  g_mutex_unlock (&measured_lock);
}

void
jopan_finish_set_path (int how)
{
  finish_path.store (how);
}

int
jopan_finish_get_path (void)
{
  return finish_path.load ();
}

guint
jopan_finish_photos_held (void)
{
  return photos_held.load ();
}

gboolean
jopan_finish_pdf (const GByteArray *cairo, GByteArray *out, const JopanFinish *finish, GError **error)
{
  g_return_val_if_fail (cairo != out, FALSE);
  try
    {
      finish_document (cairo->data, cairo->len, out, finish);
      return TRUE;
    }
  catch (std::exception &e)
    {
      g_set_error (error, JOPAN_ERROR, JOPAN_ERROR_OUTPUT, "cannot finish the PDF: %s", e.what ());
      return FALSE;
    }
}

/* ---- preflight of a finished file ------------------------------------------ */

namespace {

typedef std::vector<std::string> Findings;


bool
is_rgb_space (Object space)
{
  if (space.isName ())
    return space.getName () == "/DeviceRGB" || space.getName () == "/CalRGB";
  if (space.isArray () && space.getArrayNItems () >= 2 && space.getArrayItem (0).isName ())
    {
      std::string family = space.getArrayItem (0).getName ();
      Object arg = space.getArrayItem (1);
      if (family == "/ICCBased" && arg.isStream ())
        return arg.getDict ().getKey ("/N").isInteger () && arg.getDict ().getKey ("/N").getIntValue () == 3;
      if (family == "/Indexed" || family == "/CalRGB")
        return family == "/CalRGB" || is_rgb_space (arg);
    }
  return false;
}

/* The most ink a CMYK image puts down, percent; -1 if it cannot be read. */
double
image_ink (Object &image)
{
  Object dict = image.getDict ();
  bool inverted = dict.getKey ("/Decode").isArray () && dict.getKey ("/Decode").getArrayNItems () == 8
                  && dict.getKey ("/Decode").getArrayItem (0).getNumericValue () == 1;
  std::vector<unsigned char> px;
  std::string filter = dict.getKey ("/Filter").isName () ? dict.getKey ("/Filter").getName () : "";

  if (filter == "/DCTDecode")
    {
      Pl_Key key;
      bool filtered = false;
      int known = !inverted && image.pipeStreamData (&key, &filtered, 0, qpdf_dl_none) ? remembered_ink (key.key ()) : -1;
      if (known >= 0)
        return known * 100.0 / 255;
      std::shared_ptr<Buffer> raw = image.getRawStreamData ();
      tjhandle dec = tjInitDecompress ();
      int w = 0, h = 0, sub = 0, space = 0;
      bool ok = dec && tjDecompressHeader3 (dec, raw->getBuffer (), raw->getSize (), &w, &h, &sub, &space) == 0;
      if (ok)
        {
          px.resize ((size_t) w * (size_t) h * 4);
          ok = tjDecompress2 (dec, raw->getBuffer (), raw->getSize (), px.data (), w, 0, h, TJPF_CMYK,
                              TJFLAG_ACCURATEDCT) == 0;
        }
      if (dec)
        tjDestroy (dec);
      if (!ok)
        return -1;
    }
  else
    {
      std::shared_ptr<Buffer> data = image.getStreamData (qpdf_dl_generalized);
      px.assign (data->getBuffer (), data->getBuffer () + data->getSize ());
    }
  int worst = 0;
  for (size_t i = 0; i + 3 < px.size (); i += 4)
    {
      int total = px[i] + px[i + 1] + px[i + 2] + px[i + 3];
      worst = std::max (worst, inverted ? 4 * 255 - total : total);
    }
  return worst * 100.0 / 255;
}

void
check_fonts (Object resources, const std::string &where, Findings &out, std::set<QPDFObjGen> &seen)
{
  Object fonts = resources.isDictionary () ? resources.getKey ("/Font") : Object::newNull ();
  if (!fonts.isDictionary ())
    return;
  for (auto const &key : fonts.getKeys ())
    {
      Object font = fonts.getKey (key);
      if (!font.isDictionary () || !seen.insert (font.getObjGen ()).second)
        continue;
      Object described = font;
      if (font.getKey ("/Subtype").isName () && font.getKey ("/Subtype").getName () == "/Type3")
        continue;
      if (font.getKey ("/DescendantFonts").isArray () && font.getKey ("/DescendantFonts").getArrayNItems () > 0)
        described = font.getKey ("/DescendantFonts").getArrayItem (0);
      Object fd = described.getKey ("/FontDescriptor");
      if (!fd.isDictionary () || !(fd.hasKey ("/FontFile") || fd.hasKey ("/FontFile2") || fd.hasKey ("/FontFile3")))
        {
          std::string name = font.getKey ("/BaseFont").isName () ? font.getKey ("/BaseFont").getName () : key;
          out.push_back ("font\t" + where + ": font " + name.substr (1) + " is not embedded");
        }
    }
}

void
check_shadings (Object resources, const std::string &where, Findings &out)
{
  if (!resources.isDictionary ())
    return;
  for (const char *group : { "/Shading", "/Pattern" })
    {
      Object dict = resources.getKey (group);
      if (!dict.isDictionary ())
        continue;
      for (auto const &key : dict.getKeys ())
        {
          Object o = dict.getKey (key);
          Object d = o.isStream () ? o.getDict () : o;
          Object shading = d.isDictionary () && d.hasKey ("/Shading") ? d.getKey ("/Shading") : d;
          Object sd = shading.isStream () ? shading.getDict () : shading;
          if (sd.isDictionary () && is_rgb_space (sd.getKey ("/ColorSpace")))
            out.push_back ("rgb\t" + where + ": " + (group + 1) + " " + key + " is RGB");
        }
    }
}

void
preflight_content (Object contents_owner, bool is_page, QPDFPageObjectHelper *page, double limit,
                   const std::string &where, Findings &out)
{
  ColourCounter counter;
  std::string content = is_page ? page_content (*page) : form_content (contents_owner);
  if (!remembered_count (jpeg_key ((const unsigned char *) content.data (), content.size ()), counter))
    counter.scan (content);
  if (counter.rgb)
    out.push_back ("rgb\t" + where + ": " + std::to_string (counter.rgb) + " RGB colour operators");
  if (counter.worst > limit + 0.5)
    out.push_back ("ink\t" + where + ": the " + (counter.worst_colour[0] == 'k' ? "fill" : "stroke")
                   + " colour" + counter.worst_colour.substr (1) + " (CMYK) is "
                   + std::to_string ((int) (counter.worst + 0.5))
                   + "% ink, over the limit of " + std::to_string ((int) limit) + "%");
}

void
preflight (const guint8 *data, gsize n, double limit, Findings &out)
{
  QPDF pdf;
  pdf.setSuppressWarnings (true);
  pdf.processMemoryFile ("the PDF", (const char *) data, n);
  std::set<QPDFObjGen> images, forms, fonts;
  int number = 0;
  for (auto &page : QPDFPageDocumentHelper (pdf).getAllPages ())
    {
      std::string where = "page " + std::to_string (++number);
      preflight_content (page.getObjectHandle (), true, &page, limit, where, out);
      check_fonts (page.getAttribute ("/Resources", false), where, out, fonts);
      check_shadings (page.getAttribute ("/Resources", false), where, out);
      page.forEachImage (true, [&] (Object &image, Object &, std::string const &key) {
        if (!images.insert (image.getObjGen ()).second)
          return;
        std::string name = where + ": image " + key + " (object " + std::to_string (image.getObjectID ()) + ")";
        Object space = image.getDict ().getKey ("/ColorSpace");
        if (is_rgb_space (space))
          out.push_back ("rgb\t" + name + " is RGB");
        else if (space.isName () && space.getName () == "/DeviceCMYK")
          {
            double ink = image_ink (image);
            if (ink > limit + 1)
              out.push_back ("ink\t" + name + " reaches " + std::to_string ((int) (ink + 0.5))
                             + "% ink, over the limit of " + std::to_string ((int) limit) + "%");
          }
      });
      page.forEachFormXObject (true, [&] (Object &form, Object &, std::string const &key) {
        if (!forms.insert (form.getObjGen ()).second)
          return;
        std::string in = where + ": form " + key;
        preflight_content (form, false, nullptr, limit, in, out);
        check_fonts (form.getDict ().getKey ("/Resources"), in, out, fonts);
        check_shadings (form.getDict ().getKey ("/Resources"), in, out);
      });
    }
}

} // namespace

void
jopan_preflight_pdf (const guint8 *data, gsize n, double ink_limit, GPtrArray *findings)
{
  Findings out;
  try
    {
      preflight (data, n, ink_limit, out);
    }
  catch (std::exception &e)
    {
      out.push_back (std::string ("print\tthe PDF cannot be read for its preflight: ") + e.what ());
    }
  for (auto const &f : out)
    g_ptr_array_add (findings, g_strdup (f.c_str ()));
}
