/* lines.c - the one stdin line policy: a bounded line reader over a file
 * descriptor, and its filter fast path. */
#include <netbasics/lines.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The buffer holds a whole filter chunk, and a line of NB_LINE_MAX many times over. */
#define BUF_SIZE (1 << 18)

int nb_lines_open(struct nb_lines *r, int fd, enum nb_lines_mode mode, struct nb_err *e)
{
    memset(r, 0, sizeof *r);
    r->fd = fd;
    r->mode = mode;
    r->cap = BUF_SIZE;
    r->buf = malloc(r->cap + 1); /* + 1: the filter's newline after a last line */
    if (!r->buf)
        return nb_err_sys(e, NB_E_SYS, ENOMEM, "cannot allocate a line buffer");
    return 0;
}

/* Reads into buf[have..cap) over EINTR: returns bytes read, 0 at EOF, -1. */
static ssize_t read_more(struct nb_lines *r, size_t have)
{
    ssize_t n;

    do
        n = read(r->fd, r->buf + have, r->cap - have);
    while (n < 0 && errno == EINTR);
    return n;
}

/* Reads more input after what is buffered; returns bytes read, 0 at EOF, -1. */
static ssize_t fill(struct nb_lines *r)
{
    ssize_t n;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    n = read_more(r, r->end);
    if (n > 0)
        r->end += (size_t)n;
    return n;
}

/* Drops input up to and including the next newline (the rest of a cut line). */
static int skip_rest(struct nb_lines *r, struct nb_err *e)
{
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        ssize_t n;
        if (nl) {
            r->start = (size_t)(nl - r->buf) + 1;
            r->skip = 0;
            return 0;
        }
        r->start = r->end = 0;
        n = fill(r);
        if (n < 0)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot read input");
        if (n == 0) {
            r->eof = 1;
            r->skip = 0;
            return 0;
        }
    }
}

/* The next line as it came, without its LF or CRLF: 1, 0 at the end, -1. */
static int next_raw(struct nb_lines *r, const char **line, size_t *len, int *toolong,
                    struct nb_err *e)
{
    char *nl;

    *toolong = 0;
    r->crlf = 0;
    if (r->skip && skip_rest(r, e) < 0)
        return -1;
    for (;;) {
        size_t avail = r->end - r->start;
        nl = memchr(r->buf + r->start, '\n', avail);
        if (nl || r->eof)
            break;
        if (avail > NB_LINE_MAX) {
            /* return the first NB_LINE_MAX bytes; the next call skips the rest */
            *line = r->buf + r->start;
            *len = NB_LINE_MAX;
            *toolong = 1;
            r->start = r->end;
            r->skip = 1;
            r->lineno++;
            return 1;
        }
        ssize_t n = fill(r);
        if (n < 0)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot read input");
        if (n == 0)
            r->eof = 1;
    }
    if (!nl && r->start == r->end)
        return 0;
    *line = r->buf + r->start;
    if (nl) {
        *len = (size_t)(nl - *line);
        r->start = (size_t)(nl - r->buf) + 1;
        /* the ending is LF or CRLF; a CR at the very end of the input is no ending */
        if (*len > 0 && (*line)[*len - 1] == '\r') {
            (*len)--;
            r->crlf = 1;
        }
    } else {
        *len = r->end - r->start;
        r->start = r->end;
    }
    if (*len > NB_LINE_MAX) {
        *len = NB_LINE_MAX;
        *toolong = 1;
    }
    r->lineno++;
    return 1;
}

/* Removes the blanks (spaces and tabs) around s[0..*len): returns the new start. */
static const char *trim_blanks(const char *s, size_t *len)
{
    while (*len > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        (*len)--;
    }
    while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
        (*len)--;
    return s;
}

int nb_lines_next(struct nb_lines *r, const char **line, size_t *len, int *toolong,
                  struct nb_err *e)
{
    for (;;) {
        int got = next_raw(r, line, len, toolong, e);
        if (got <= 0)
            return got;
        if (r->mode == NB_LINES_TRIM && !*toolong)
            *line = trim_blanks(*line, len);
        if (*len > 0)
            return 1; /* an empty line is no item: skipped, never counted */
    }
}

void nb_lines_close(struct nb_lines *r)
{
    free(r->buf);
    r->buf = NULL;
}

int nb_lines_filter(struct nb_lines *r, struct nb_wbuf *w,
                    int (*keep)(const char *line, size_t len), int *all, struct nb_err *e)
{
    char *buf = r->buf;
    size_t have = r->end - r->start;
    int skipping = 0, added_nl = 0;

    memmove(buf, buf + r->start, have);
    r->start = r->end = 0;
    *all = 1;
    while (!r->eof) {
        ssize_t n = read_more(r, have);
        char *p, *end, *run;

        if (n < 0)
            return nb_err_sys(e, NB_E_SYS, errno, "cannot read input");
        if (n == 0) {
            r->eof = 1;
            if (have > 0 && !skipping) {
                buf[have++] = '\n'; /* the last line, given its newline */
                added_nl = 1;
            }
        }
        have += (size_t)(n > 0 ? n : 0);
        p = run = buf;
        end = buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t len;
            if (!nl)
                break;
            len = (size_t)(nl - p);
            if (len > 0 && p[len - 1] == '\r' && !(added_nl && nl == end - 1))
                len--; /* CRLF; a CR that ends the input is part of the line */
            if (skipping) {
                skipping = 0; /* the rest of a line too long to keep, counted when it began */
            } else if (len == 0) {
                /* an empty line: skipped, never counted */
            } else if (len <= NB_LINE_MAX && keep(p, len)) {
                p = nl + 1;
                continue; /* the run of kept lines grows */
            } else {
                *all = 0;
            }
            if (w)
                nb_wbuf_put(w, run, (size_t)(p - run));
            p = run = nl + 1;
        }
        if (w)
            nb_wbuf_put(w, run, (size_t)(p - run));
        have = (size_t)(end - p);
        if (have == r->cap) {
            /* a line as long as the buffer: not a socket; drop it to its newline,
             * or to the end of the input, and count it now */
            if (!skipping)
                *all = 0;
            skipping = 1;
            have = 0;
        } else {
            memmove(buf, p, have);
        }
    }
    return 0;
}
