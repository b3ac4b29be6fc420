/* cli.h - small helpers shared by the command line: spelling suggestions. */
#ifndef NETBASICS_CLI_H
#define NETBASICS_CLI_H

#include <stddef.h>

/* The word of words[0..n) closest to w by edit distance, if it is within 2
 * edits (or w is a prefix of exactly one); NULL when none is close. */
const char *nb_closest(const char *w, const char *const *words, size_t n);

#endif
