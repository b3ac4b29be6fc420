/* lesson.h - the lesson's own Python rules, reproduced exactly so that
 * `checksock --lenient` can show what `isipandport` accepts and why: Python's
 * int() of a str and the function's split / inet_aton / port checks. */
#ifndef NETBASICS_LESSON_H
#define NETBASICS_LESSON_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/addr.h>

/* Python 3's int(s) for s given as UTF-8: surrounding Unicode whitespace, one
 * sign, decimal digits of any script (Unicode category Nd, Unicode 14 as in
 * Python 3.11), single underscores between digits. Returns 0 and sets *neg
 * and *mag (saturated at UINT64_MAX, *big set when it was), or -1 when int()
 * would raise ValueError (also for invalid UTF-8). */
int nb_py_int(const char *s, size_t len, int *neg, uint64_t *mag, int *big);

/* The lesson's isipandport(s), answer for answer. */
struct nb_lesson_verdict {
    int accepted;       /* what the function returns */
    int port_warning;   /* it printed 'port out of range in ...' (and still accepted) */
    struct nb_addr addr; /* what inet_aton made of the IP part, when accepted */
    unsigned quirks;    /* enum nb_ip4_quirk bits inet_aton applied */
    int port_neg, port_big;
    uint64_t port;      /* magnitude of int(port) */
    char why[320];      /* for a refusal: which step failed and why */
};
void nb_lesson_isipandport(const char *s, size_t len, struct nb_lesson_verdict *v);

/* The tour's steps in the lesson's words: a title, the lesson's sentence, and
 * the lesson's Python (or its Python 3 equivalent). Sets *n (may be NULL) to
 * how many; the table is static and constant. */
struct nb_tour_text {
    const char *title, *lesson, *python;
};
const struct nb_tour_text *nb_tour_texts(size_t *n);

#endif
