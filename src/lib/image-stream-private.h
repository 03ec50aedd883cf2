/* image-stream-private.h — a photo encoded for PDF once, then reused.
 *
 * A photo cairo cannot pass through (a PNG) is decoded and deflated by
 * cairo on every page that shows it.  Instead, image.c encodes it once,
 * as cairo would (jopan_image_stream_encode), and keeps that image object
 * (its dictionary and its encoded bytes) in a bounded process-wide cache.  A page then
 * draws a stand-in: a tiny surface whose JPEG MIME data is no JPEG but a
 * header naming the cached entry; cairo embeds it as it would a JPEG, and
 * jopan_image_stream_put_back(), called by finish.cc on cairo's file,
 * puts the cached object in its place.  Past the cache's room (or with it
 * off) the photo is encoded the same way for the page alone, so the file
 * is the same with or without the cache, byte for byte.  Thread safety: the cache is behind one mutex and
 * its entries are never changed or freed once in it. */
#ifndef JOPAN_IMAGE_STREAM_PRIVATE_H
#define JOPAN_IMAGE_STREAM_PRIVATE_H

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib.h>

G_BEGIN_DECLS

/* The start of a stand-in's bytes, "jopan-stand-in " and a number drawn
 * once per process (so that no photo's bytes can pass for one); an
 * entry's number follows. */
const char *jopan_image_stream_tag (void);

/* Splits the one image XObject of @pdf (a one-page file cairo wrote) into
 * its dictionary without /Length, as PDF text, and its encoded bytes.
 * Returns: FALSE when there is not exactly one image, or its dictionary
 * refers to another object (then it cannot stand alone).  The tests'
 * way to hold jopan_image_stream_encode() to cairo's own image object. */
gboolean jopan_image_stream_extract (const guint8 *pdf, gsize n, char **dict, GBytes **data);

/* libdeflate's level for the samples jopan_image_stream_encode() deflates:
 * its fastest.  The photos encoded here are PNGs, in practice
 * advertisements (flat colour, antialiased type), each encoded once per
 * process.  On the sample edition's four full-size advertisements level 6
 * took 511 M instructions for 304 KB, level 1 229 M for 344 KB (+13 %;
 * levels 2-4 cost 90 % of level 6 for 1-3 % fewer bytes than 1); PNG
 * predictors (Sub, Up, or the best per row, as /Predictor 15 would
 * allow) made every one larger at every level. */
#define JOPAN_STREAM_DEFLATE_LEVEL 1

/* The image object cairo 1.16's PDF surface writes for the opaque RGB24
 * @surface drawn with filter GOOD: its dictionary (as
 * jopan_image_stream_extract() gives it) and the same samples (RGB, grey
 * or one bit, as cairo picks), deflated by libdeflate at
 * JOPAN_STREAM_DEFLATE_LEVEL rather than by cairo's zlib.  Returns: FALSE
 * for another format or no memory. */
gboolean jopan_image_stream_encode (cairo_surface_t *surface, char **dict, GBytes **data);

/* The same for @pixbuf (8-bit RGB or RGBA) as surface_from_pixbuf() in
 * image.c lays it on white, a row at a time: the same dictionary and
 * bytes, without the photo's pixels made whole as a surface first. */
gboolean jopan_image_stream_encode_pixbuf (GdkPixbuf *pixbuf, char **dict, GBytes **data);

/* Entry @id of the cache (or of a photo encoded past its room): its
 * dictionary and bytes (owned by the cache: a cache entry lives as long
 * as the process, one past its room as long as the stand-in naming it).
 * Returns: FALSE for no such entry. */
gboolean jopan_image_stream_lookup (guint id, const char **dict, GBytes **data);

/* How many photos encoded past the cache's room (or with it off) are
 * held: each is let go with the page file that drew it (a test's count). */
guint jopan_image_stream_transient_count (void);

/* One row of a pixbuf's pixels (8-bit RGB, or RGBA with @channels 4)
 * as @w cairo RGB24 words, a transparent pixel laid on paper white
 * (each channel (c·a + 255·(255 − a) + 127) / 255). */
void jopan_image_row_over_white (const guint8 *rgba, int channels, int w, guint32 *out);
/* The same row as 3 @w bytes R, G, B (jopan_image_row_over_white() and
 * jopan_rgb_row() in one pass). */
void jopan_image_rgb_over_white (const guint8 *rgba, int channels, int w, guint8 *out);
/* A test's way to break jopan_image_rgb_over_white() on purpose (four
 * opaque pixels come out as the first two twice); FALSE mends it. */
void jopan_image_rgb_break (gboolean broken);

/* How many times a photo's file was decoded to pixels so far (all
 * threads; a PNG scaled from its kept full-size pixels is not read
 * again): a test's way to see that a photo was decoded once, or never. */
guint jopan_image_decode_count (void);
/* How many times jopan_image_probe() read and checked a file (not recalled). */
guint jopan_image_probe_reads (void);

/* Turns the caches off (or on again) for the process, this one and
 * image.c's of photos decoded for PNG: a test compares the files made
 * with and without them. */
void jopan_image_stream_set_enabled (gboolean enabled);

G_END_DECLS

#ifdef __cplusplus
class QPDF;
/* Replaces each stand-in image of @pdf by the cached image it names. */
void jopan_image_stream_put_back (QPDF &pdf);
#endif

#endif /* JOPAN_IMAGE_STREAM_PRIVATE_H */
