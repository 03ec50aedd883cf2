/* article.c — the article model: blocks, photos, warnings. */
#include "jopan-private.h"

#include <stdarg.h>

JopanBlock *
jopan_block_new (JopanBlockKind kind)
{
  JopanBlock *block = g_new0 (JopanBlock, 1);

  block->kind = kind;
  block->spans = g_array_new (FALSE, FALSE, sizeof (JopanSpan));
  block->links = g_ptr_array_new_with_free_func (g_free);
  return block;
}

void
jopan_block_free (JopanBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->text);
  g_free (block->marker);
  g_array_unref (block->spans);
  g_ptr_array_unref (block->links);
  g_free (block);
}

static void
image_ref_free (JopanImageRef *image)
{
  g_free (image->path);
  g_free (image->src);
  g_free (image->place);
  g_free (image->caption);
  g_free (image->credit);
  g_free (image);
}

JopanArticle *
jopan_article_new_empty (const char *name)
{
  JopanArticle *article = g_new0 (JopanArticle, 1);

  g_atomic_ref_count_init (&article->ref_count);
  article->name = g_strdup (name);
  article->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) jopan_block_free);
  article->images = g_ptr_array_new_with_free_func ((GDestroyNotify) image_ref_free);
  article->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (article->warnings, NULL);
  return article;
}

JopanArticle *
jopan_article_ref (JopanArticle *article)
{
  g_return_val_if_fail (article != NULL, NULL);
  g_atomic_ref_count_inc (&article->ref_count);
  return article;
}

void
jopan_article_free (JopanArticle *article)
{
  if (article == NULL || !g_atomic_ref_count_dec (&article->ref_count))
    return;
  g_free (article->name);
  g_free (article->id);
  g_free (article->lang);
  g_free (article->section);
  g_free (article->kicker);
  g_free (article->headline);
  g_free (article->subheadline);
  g_free (article->byline);
  g_free (article->dateline);
  g_free (article->email);
  g_free (article->date);
  g_free (article->jump_headline);
  g_ptr_array_unref (article->blocks);
  g_ptr_array_unref (article->images);
  g_ptr_array_unref (article->warnings);
  g_free (article);
}

void
jopan_article_warn (JopanArticle *article, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  /* Keep the array NULL-terminated: replace the terminator, add a new one. */
  g_ptr_array_index (article->warnings, article->warnings->len - 1) = g_strdup_vprintf (format, args);
  g_ptr_array_add (article->warnings, NULL);
  va_end (args);
}

const char *
jopan_article_get_headline (const JopanArticle *article)
{
  g_return_val_if_fail (article != NULL, NULL);
  return article->headline;
}

const char *
jopan_article_get_lang (const JopanArticle *article)
{
  g_return_val_if_fail (article != NULL, NULL);
  return article->lang ? article->lang : "en";
}

guint
jopan_article_get_n_blocks (const JopanArticle *article)
{
  g_return_val_if_fail (article != NULL, 0);
  return article->blocks->len;
}

guint
jopan_article_get_n_images (const JopanArticle *article)
{
  g_return_val_if_fail (article != NULL, 0);
  return article->images->len;
}

const char *const *
jopan_article_get_warnings (const JopanArticle *article)
{
  g_return_val_if_fail (article != NULL, NULL);
  return (const char *const *) article->warnings->pdata;
}
