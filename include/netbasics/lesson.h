/* lesson.h - the lesson's own Python rules, reproduced exactly so that
 * `checksock --lenient` can show what `isipandport` accepts and why: Python's
 * int() of a str and the function's split / inet_aton / port checks. */
#ifndef NETBASICS_LESSON_H
#define NETBASICS_LESSON_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/addr.h>

/* Python 3.11's default sys.get_int_max_str_digits(): int() of a longer str raises. */
#define NB_PY_INT_MAX_DIGITS 4300

/* Python 3's int(s) for s given as UTF-8: surrounding Unicode whitespace, one
 * sign, decimal digits of any script (Unicode category Nd, Unicode 14 as in
 * Python 3.11), single underscores between digits. Returns 0 and sets *neg
 * and *mag (saturated at UINT64_MAX, *big set when it was), -1 when int()
 * would raise ValueError for the text (also for invalid UTF-8), or -2 when it
 * would for having more than NB_PY_INT_MAX_DIGITS digits (underscores and
 * spaces do not count). */
int nb_py_int(const char *s, size_t len, int *neg, uint64_t *mag, int *big);

/* The lesson's isipandport(s), answer for answer. */
struct nb_lesson_verdict {
    int accepted;        /* what the function returns */
    int port_warning;    /* it printed 'port out of range in ...' (and still accepted) */
    struct nb_addr addr; /* what inet_aton made of the IP part, when accepted */
    unsigned quirks;     /* enum nb_ip4_quirk bits inet_aton applied */
    int port_neg, port_big;
    uint64_t port; /* magnitude of int(port) */
    char why[320]; /* for a refusal: which step failed and why */
};
void nb_lesson_isipandport(const char *s, size_t len, struct nb_lesson_verdict *v);

/* --- the tour: the lesson in steps, as data (src/cmd/tour.c runs them) --- */

/* A server a step runs in the background, started before its commands. */
struct nb_tour_server {
    const char *args[4]; /* after "netbasics"; NULL: the step needs no server */
    const char *page;    /* NULL, or the page it serves: its stdin is an HTTP response */
    unsigned outs;       /* what the tour shows of it: 1 stdout, 2 stderr */
    int expect;          /* the exit status the lesson expects of it; -1: not checked */
};

/* One command of a step: shown as a learner would type it, then run. In
 * args, before and after, "$PORT" is the server's port, "$URL" its address
 * as a URL, "$COPY" the downloaded copy in the tour's directory. */
struct nb_tour_cmd {
    const char *before;  /* printed first, or NULL */
    const char *args[6]; /* after "netbasics"; NULL args[0]: no command */
    const char *input;   /* its standard input, or NULL for none (/dev/null) */
    const char *shown;   /* how that input is shown before the command */
    int expect;          /* the exit status the lesson expects */
    const char *after;   /* printed after it, or NULL */
};

/* One step of the lesson: its words, its Python, and what does it for real. */
struct nb_tour_step {
    const char *title, *lesson, *python;
    struct nb_tour_server server;
    struct nb_tour_cmd cmd[2];
};

/* The tour's steps in the lesson's order; sets *n to how many. The table is
 * constant: each row holds the lesson's words, its Python, and the commands
 * that do it for real with the exit status each should give. */
const struct nb_tour_step *nb_tour_steps(int *n);

#endif
