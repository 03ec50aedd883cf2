/* test-units.c — lengths with units. */
#include "jopan.h"

#include <math.h>

static void
test_units (void)
{
  static const struct {
    const char *text;
    double em, points;
  } cases[] = {
    { "12pt", 0, 12 },        { "25.4mm", 0, 72 },  { "1in", 0, 72 },
    { "2.54cm", 0, 72 },      { "1pc", 0, 12 },     { "1.5em", 10, 15 },
    { " 3 mm ", 0, 3 * 72 / 25.4 }, { "0", 0, 0 },  { "-2pt", 0, -2 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      double points = -1;
      g_assert_true (jopan_length_parse (cases[i].text, cases[i].em, &points));
      g_assert_cmpfloat_with_epsilon (points, cases[i].points, 1e-9);
    }
}

static void
test_bad_units (void)
{
  static const char *const bad[] = { "", "pt", "12", "12 furlongs", "1e999mm", "mm12", "12ptx", "nan",
                                     /* past the longest PDF page side, 14400pt */
                                     "1e308mm", "14401pt", "-20000pt", "1e300em", "1e308in" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      /* A failed parse leaves the old value: a style keeps its baseline. */
      double points = 42;
      g_test_message ("%s", bad[i]);
      g_assert_false (jopan_length_parse (bad[i], 10, &points));
      g_assert_cmpfloat (points, ==, 42);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/units/lengths", test_units);
  g_test_add_func ("/units/bad", test_bad_units);
  return g_test_run ();
}
