/* edition.h — the `jopan edition` command. */
#ifndef JOPAN_CLI_EDITION_H
#define JOPAN_CLI_EDITION_H

/* Runs `jopan edition …` (@argv[1] is "edition"); returns the exit code. */
int jopan_cli_edition (int argc, char **argv);

#endif
