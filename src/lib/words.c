/* jopan — common words of a language, from the system's spelling dictionaries.
 *
 * Hyphenation keeps names whole (typeset.c): a capitalised word is most
 * often one.  At a sentence's start a capital says nothing: "Hospital
 * staff have also seen…" may break as Hos-|pital, "Aldwick has 140
 * bridges…" must not break as Ald-|wick.  Which is which a spelling
 * dictionary knows: hunspell accepts "hospital" but not "aldwick" (a
 * name is stored capitalised, and a lower-case name is misspelt).
 *
 * One dictionary per language, read from the system's folder
 * (hunspell-en-gb, hunspell-en-us) and kept for the life of the process;
 * "en" reads en_GB (then en_US), "en_US" en_US (then en_GB).  Reading
 * one costs some 200 M instructions (80 ms here), so it begins on a
 * thread of its own as soon as an article of the language is loaded
 * (jopan_common_words_prefetch()), and the first word asked waits for
 * it.  Words are only asked about where a hyphen could go: a capitalised
 * word of six letters or more that starts a sentence.  Hunspell keeps
 * state between lookups, so one lock guards every dictionary; the
 * answers are kept too, so a word is looked up once per process.  A
 * language without a dictionary has no common words: its capitalised
 * words stay whole.
 */
#include "jopan-private.h"

#include "jopan-config.h"

#include <hunspell.h>
#include <string.h>

typedef struct {
  Hunhandle *dict;              /* NULL: no dictionary for the language */
  gboolean ready;               /* @dict read (or found missing) */
  char *tag;
  GHashTable *known;            /* lower-case word → GINT_TO_POINTER (1 common, 2 not) */
} WordList;

static GMutex words_lock;
static GCond words_read;        /* a list became ready */
static GHashTable *word_lists;  /* language tag → WordList*, kept for the process */

/* The dictionary of @tag ("en", "en_US"): its own region first, then
 * the language's others. */
static Hunhandle *
open_dictionary (const char *tag)
{
  const char *dir = JOPAN_HUNSPELL_DIR;
  g_autofree char *lang = g_strndup (tag, strcspn (tag, "_-"));
  g_autofree char *region = g_strdup (tag);
  const char *english[] = { "GB", "US", NULL };

  g_strdelimit (region, "-", '_');
  for (int i = -1; i < 0 || (g_str_equal (lang, "en") && english[i]); i++)
    {
      g_autofree char *name = i < 0 ? g_strdup (region) : g_strdup_printf ("%s_%s", lang, english[i]);
      g_autofree char *aff = g_strdup_printf ("%s/%s.aff", dir, name);
      g_autofree char *dic = g_strdup_printf ("%s/%s.dic", dir, name);

      if (g_file_test (aff, G_FILE_TEST_EXISTS) && g_file_test (dic, G_FILE_TEST_EXISTS))
        return Hunspell_create (aff, dic);
    }
  return NULL;
}

/* Reads @data's (a WordList's) dictionary, on a thread of its own. */
static gpointer
read_list (gpointer data)
{
  WordList *list = data;
  Hunhandle *dict = open_dictionary (list->tag);

  g_mutex_lock (&words_lock);
  list->dict = dict;
  list->ready = TRUE;
  g_cond_broadcast (&words_read);
  g_mutex_unlock (&words_lock);
  return NULL;
}

/* @tag's list, its reading begun if it was not (under words_lock). */
static WordList *
word_list (const char *tag)
{
  WordList *list;

  if (word_lists == NULL)
    word_lists = g_hash_table_new (g_str_hash, g_str_equal);
  if ((list = g_hash_table_lookup (word_lists, tag)) == NULL)
    {
      list = g_new0 (WordList, 1);
      list->tag = g_strdup (tag);
      list->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (word_lists, list->tag, list);
      g_thread_unref (g_thread_new ("jopan-words", read_list, list));
    }
  return list;
}

/* Begins reading the dictionary of language @tag on a thread of its
 * own, so that it is ready when hyphenation first asks: a story's
 * header, fonts and photos are set meanwhile. */
void
jopan_common_words_prefetch (const char *tag)
{
  g_mutex_lock (&words_lock);
  word_list (tag);
  g_mutex_unlock (&words_lock);
}

/* Whether @word (@n bytes of UTF-8), lower-cased, is a word of the
 * dictionary of language @tag (jopan_hyphen_dict_tag()): a common word,
 * not a name. */
gboolean
jopan_common_word (const char *tag, const char *word, gsize n)
{
  g_autofree char *lower = g_utf8_strdown (word, (gssize) n);
  WordList *list;
  gpointer known;
  gboolean common;

  if (tag == NULL)
    return FALSE;
  g_mutex_lock (&words_lock);
  list = word_list (tag);
  while (!list->ready)
    g_cond_wait (&words_read, &words_lock);
  if ((known = g_hash_table_lookup (list->known, lower)) != NULL)
    common = GPOINTER_TO_INT (known) == 1;
  else
    {
      /* A name is stored capitalised: in lower case it is misspelt. */
      common = list->dict != NULL && Hunspell_spell (list->dict, lower) != 0;
      g_hash_table_insert (list->known, g_steal_pointer (&lower), GINT_TO_POINTER (common ? 1 : 2));
    }
  g_mutex_unlock (&words_lock);
  return common;
}
