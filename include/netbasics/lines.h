/* lines.h - a bounded line reader over a file descriptor, and a filter of
 * lines into a buffered writer (io.h), for commands that stream one item per
 * line at pipeline speed. */
#ifndef NETBASICS_LINES_H
#define NETBASICS_LINES_H

#include <stddef.h>

#include <netbasics/err.h>
#include <netbasics/io.h>

#define NB_LINE_MAX 4096 /* longest line kept; a longer one is cut and flagged */

struct nb_lines {
    int fd;
    char *buf;
    size_t cap, start, end;
    int eof;
    int skip; /* the last line was cut: drop input up to the next newline */
    unsigned long lineno;
};

/* Sets up a reader of fd with a 64 KiB buffer. Returns 0, or -1 (no memory). */
int nb_lines_open(struct nb_lines *r, int fd, struct nb_err *e);

/* The next line without its '\n' (and without one '\r' before it when
 * strip_cr): returns 1 and sets *line and *len (valid until the next call), 0 at
 * the end of input, -1 on a read error. A line longer than NB_LINE_MAX is
 * returned cut to NB_LINE_MAX bytes with *toolong set; the rest is skipped. */
int nb_lines_next(struct nb_lines *r, int strip_cr, const char **line, size_t *len, int *toolong,
                  struct nb_err *e);

void nb_lines_close(struct nb_lines *r);

/* A pipeline filter at memory speed: reads fd_in to its end and writes to w
 * every line for which keep(line, len) is true, unchanged and with its
 * newline (a last line without one gets one). keep sees the line without its
 * '\n' and without one '\r' before it; a line longer than NB_LINE_MAX is
 * never kept. Runs of kept lines are copied in one piece (w NULL: nowhere,
 * only *all is wanted). Sets *all to 1 when
 * every line was kept. Returns 0, or -1 with e set (read error). */
int nb_lines_filter(int fd_in, struct nb_wbuf *w, int (*keep)(const char *line, size_t len),
                    int *all, struct nb_err *e);

#endif
