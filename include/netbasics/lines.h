/* lines.h - a bounded line reader over a file descriptor, and a filter of
 * lines into a buffered writer (io.h), for commands that stream one item per
 * line at pipeline speed. */
#ifndef NETBASICS_LINES_H
#define NETBASICS_LINES_H

#include <stddef.h>

#include <netbasics/err.h>
#include <netbasics/io.h>

#define NB_LINE_MAX 4096 /* longest line kept; a longer one is cut and flagged */

/* The one stdin policy for commands that read one item per line (docs/netbasics.1,
 * STANDARD INPUT). In every mode the line ending, LF or CRLF, is removed (a CR
 * anywhere else stays and is the validator's to refuse), and an empty line is
 * skipped and never counted as an item. The mode is chosen once per reader. */
enum nb_lines_mode {
    NB_LINES_EXACT, /* validators (checksock, octets) judge the text as given, blanks and all */
    NB_LINES_TRIM,  /* names (resolve) and typed answers (prompts): blanks around it go */
};

struct nb_lines {
    int fd;
    enum nb_lines_mode mode;
    char *buf;
    size_t cap, start, end;
    int eof;
    int skip;             /* the last line was cut: drop input up to the next newline */
    int crlf;             /* the last line returned ended in CRLF, not LF */
    unsigned long lineno; /* the last line's number in the input, empty lines included */
};

/* Sets up a reader of fd with a 256 KiB buffer. Returns 0, or -1 (no memory). */
int nb_lines_open(struct nb_lines *r, int fd, enum nb_lines_mode mode, struct nb_err *e);

/* The next item: a line without its ending, shaped by the reader's mode, never
 * empty. Returns 1 and sets *line and *len (valid until the next call), 0 at
 * the end of input, -1 on a read error. A line longer than NB_LINE_MAX is
 * returned cut to NB_LINE_MAX bytes, untrimmed, with *toolong set; the rest
 * of it is skipped. */
int nb_lines_next(struct nb_lines *r, const char **line, size_t *len, int *toolong,
                  struct nb_err *e);

void nb_lines_close(struct nb_lines *r);

/* A pipeline filter at memory speed over a reader that has returned no line
 * yet (NB_LINES_EXACT): reads to the end and writes to w every line for which
 * keep(line, len) is true, unchanged and with its ending (a last line without
 * one gets '\n'). keep sees the line without its LF or CRLF; empty lines are
 * skipped and never counted; a line longer than NB_LINE_MAX is never kept.
 * Runs of kept lines are copied in one piece (w NULL: nowhere, only *all is
 * wanted). Sets *all to 1 when every counted line was kept. Returns 0, or -1
 * with e set (read error). */
int nb_lines_filter(struct nb_lines *r, struct nb_wbuf *w,
                    int (*keep)(const char *line, size_t len), int *all, struct nb_err *e);

#endif
