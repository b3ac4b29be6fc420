/* out.c - terminal-safe escaping, JSON lines, aligned tables, colour and the
 * --explain channel: everything that shapes text for a person or a pipeline. */
#include <netbasics/buf.h>
#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/out.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

size_t nb_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
    size_t len, i;
    uint32_t c;

    if (p[0] < 0x80) {
        *cp = p[0];
        return 1;
    } else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        c = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        c = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        c = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = c << 6 | (p[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Code points that must not reach a terminal raw: C0/C1 controls, DEL, and the
 * invisible ones that reorder or hide text (bidi controls, line separators). */
static int unsafe_cp(uint32_t c)
{
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xad || c == 0x061c ||
           (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) ||
           (c >= 0x2060 && c <= 0x206f) || c == 0xfeff;
}

/* NB_ESC_C; NB_ESC_TEXT and NB_ESC_LINES pass the backslash, NB_ESC_LINES
 * line breaks and tabs too. */
static void esc_c(struct nb_builder *b, const unsigned char *p, size_t n, enum nb_esc_style style)
{
    size_t i = 0;
    int lines = style == NB_ESC_LINES;

    while (i < n) {
        uint32_t c;
        size_t len = nb_utf8_decode(p + i, n - i, &c);

        if (len == 1 && p[i] == '\\') {
            nb_builder_puts(b, style != NB_ESC_C ? "\\" : "\\\\");
        } else if (lines && len == 1 &&
                   (p[i] == '\n' || p[i] == '\t' ||
                    (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n'))) {
            nb_builder_putc(b, (char)p[i]);
        } else if (len == 1 && p[i] == '\n') {
            nb_builder_puts(b, "\\n");
        } else if (len == 1 && p[i] == '\r') {
            nb_builder_puts(b, "\\r");
        } else if (len == 1 && p[i] == '\t') {
            nb_builder_puts(b, "\\t");
        } else if (len == 0 || unsafe_cp(c)) {
            size_t k, bad = len ? len : 1;
            for (k = 0; k < bad; k++) {
                nb_builder_puts(b, "\\x");
                nb_builder_hex(b, p[i + k], 2);
            }
            i += bad;
            continue;
        } else {
            for (size_t k = 0; k < len; k++)
                nb_builder_putc(b, (char)p[i + k]);
        }
        i += len;
    }
}

static void esc_pyrepr(struct nb_builder *b, const unsigned char *p, size_t n)
{
    char quote = memchr(p, '\'', n) && !memchr(p, '"', n) ? '"' : '\'';

    nb_builder_putc(b, quote);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (c == '\\' || c == (unsigned char)quote) {
            nb_builder_putc(b, '\\');
            nb_builder_putc(b, (char)c);
        } else if (c == '\n') {
            nb_builder_puts(b, "\\n");
        } else if (c == '\r') {
            nb_builder_puts(b, "\\r");
        } else if (c == '\t') {
            nb_builder_puts(b, "\\t");
        } else if (c < 0x20 || c >= 0x7f) {
            nb_builder_puts(b, "\\x");
            nb_builder_hex(b, c, 2);
        } else {
            nb_builder_putc(b, (char)c);
        }
    }
    nb_builder_putc(b, quote);
}

size_t nb_escape(const void *p, size_t n, enum nb_esc_style style, char *buf, size_t bufsz)
{
    struct nb_builder b;

    nb_builder_init_fixed(&b, buf, bufsz);
    switch (style) {
    case NB_ESC_C:
    case NB_ESC_TEXT:
    case NB_ESC_LINES:
        esc_c(&b, p, n, style);
        break;
    case NB_ESC_PYREPR:
        esc_pyrepr(&b, p, n);
        break;
    }
    nb_builder_str(&b);
    return b.want;
}

char *nb_quote(const void *p, size_t n, size_t max, char *buf, size_t bufsz)
{
    size_t m = n < max ? n : max, need;

    if (bufsz == 0)
        return buf;
    /* shorten the input until its escaped form and "..." fit: never cut an escape */
    while (m > 0 && (need = nb_escape(p, m, NB_ESC_C, NULL, 0) + (m < n ? 3 : 0)) >= bufsz) {
        size_t over = (need - bufsz + 1) / 4; /* a byte escapes to at most 4 */
        m -= over > 0 && over < m ? over : 1;
    }
    nb_escape(p, m, NB_ESC_C, buf, bufsz);
    if (m < n && bufsz > 3)
        strcat(buf, "...");
    return buf;
}

int nb_escape_write(FILE *f, const void *p, size_t n, enum nb_esc_style style)
{
    char small[4096], *buf = small;
    size_t len = nb_escape(p, n, style, small, sizeof small);
    int rc = 0;

    if (len >= sizeof small) {
        buf = malloc(len + 1);
        if (!buf)
            return -1;
        nb_escape(p, n, style, buf, len + 1);
    }
    if (fwrite(buf, 1, len, f) != len)
        rc = -1;
    if (buf != small)
        free(buf);
    return rc;
}

int nb_json_string(FILE *f, const void *p, size_t n)
{
    const unsigned char *s = p;
    char buf[16];
    size_t i = 0;

    putc('"', f);
    while (i < n) {
        uint32_t c;
        size_t len = nb_utf8_decode(s + i, n - i, &c);

        if (len == 0) {
            snprintf(buf, sizeof buf, "\\u%04x", s[i]);
            fputs(buf, f);
            i++;
            continue;
        }
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc((int)c, f);
        } else if (c == '\n') {
            fputs("\\n", f);
        } else if (c == '\r') {
            fputs("\\r", f);
        } else if (c == '\t') {
            fputs("\\t", f);
        } else if (unsafe_cp(c)) {
            snprintf(buf, sizeof buf, "\\u%04x", (unsigned)c);
            fputs(buf, f);
        } else {
            fwrite(s + i, 1, len, f);
        }
        i += len;
    }
    return putc('"', f) == EOF ? -1 : 0;
}

static void json_sep(struct nb_json *j, const char *key)
{
    unsigned bit = 1u << j->depth;

    if (j->need_comma & bit)
        putc(',', j->f);
    j->need_comma |= bit;
    if (key) {
        nb_json_string(j->f, key, strlen(key));
        putc(':', j->f);
    }
}

void nb_json_begin(struct nb_json *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->need_comma = 0;
    putc('{', f);
}

void nb_json_end(struct nb_json *j)
{
    while (j->depth > 0)
        nb_json_close(j, '}');
    fputs("}\n", j->f);
}

void nb_json_str(struct nb_json *j, const char *key, const char *v)
{
    if (!v) {
        nb_json_null(j, key);
        return;
    }
    nb_json_strn(j, key, v, strlen(v));
}

void nb_json_strn(struct nb_json *j, const char *key, const void *v, size_t n)
{
    json_sep(j, key);
    nb_json_string(j->f, v, n);
}

void nb_json_int(struct nb_json *j, const char *key, int64_t v)
{
    json_sep(j, key);
    fprintf(j->f, "%lld", (long long)v);
}

void nb_json_uint(struct nb_json *j, const char *key, uint64_t v)
{
    json_sep(j, key);
    fprintf(j->f, "%llu", (unsigned long long)v);
}

void nb_json_double(struct nb_json *j, const char *key, double v, int decimals)
{
    json_sep(j, key);
    fprintf(j->f, "%.*f", decimals, v);
}

void nb_json_bool(struct nb_json *j, const char *key, int v)
{
    json_sep(j, key);
    fputs(v ? "true" : "false", j->f);
}

void nb_json_null(struct nb_json *j, const char *key)
{
    json_sep(j, key);
    fputs("null", j->f);
}

void nb_json_open(struct nb_json *j, const char *key, char bracket)
{
    json_sep(j, key);
    putc(bracket, j->f);
    if (j->depth < 30)
        j->depth++;
    j->need_comma &= ~(1u << j->depth);
}

void nb_json_close(struct nb_json *j, char bracket)
{
    putc(bracket, j->f);
    if (j->depth > 0)
        j->depth--;
}

void nb_table_init(struct nb_table *t, int ncols)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols > NB_TABLE_COLS ? NB_TABLE_COLS : ncols;
}

int nb_table_add(struct nb_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **c = realloc(t->cells, cap * (size_t)t->ncols * sizeof *c);
        if (!c)
            return -1;
        t->cells = c;
        t->cap = cap;
    }
    for (int i = 0; i < t->ncols; i++) {
        char *d = strdup(cells[i] ? cells[i] : "");
        if (!d) {
            for (int k = 0; k < i; k++)
                free(t->cells[t->nrows * (size_t)t->ncols + (size_t)k]);
            return -1;
        }
        t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = d;
    }
    t->nrows++;
    return 0;
}

int nb_table_addf(struct nb_table *t, const char *fmt, ...)
{
    char line[1024], *cells[NB_TABLE_COLS] = {0}, *p = line;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    for (int i = 0; i < t->ncols && p; i++) {
        cells[i] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = '\0';
    }
    return nb_table_add(t, (const char *const *)cells);
}

/* Columns a code point takes on a terminal: 2 for East Asian wide ones. */
static int cp_width(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf && c != 0x303f) ||
                   (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
                   (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
                   (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
                   (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd)
               ? 2
               : 1;
}

static size_t display_width(const char *s)
{
    size_t w = 0, n = strlen(s), i = 0;

    while (i < n) {
        uint32_t c;
        size_t len = nb_utf8_decode((const unsigned char *)s + i, n - i, &c);
        w += len ? (size_t)cp_width(c) : 1;
        i += len ? len : 1;
    }
    return w;
}

void nb_table_print(const struct nb_table *t, FILE *f, const char *indent)
{
    size_t width[NB_TABLE_COLS] = {0};

    for (size_t r = 0; r < t->nrows; r++)
        for (int c = 0; c < t->ncols; c++) {
            size_t w = display_width(t->cells[r * (size_t)t->ncols + (size_t)c]);
            if (w > width[c])
                width[c] = w;
        }
    for (size_t r = 0; r < t->nrows; r++) {
        int last = t->ncols - 1;
        /* trailing empty cells print nothing, so lines carry no trailing blanks */
        while (last > 0 && !t->cells[r * (size_t)t->ncols + (size_t)last][0])
            last--;
        fputs(indent ? indent : "", f);
        for (int c = 0; c <= last; c++) {
            const char *cell = t->cells[r * (size_t)t->ncols + (size_t)c];
            size_t pad = width[c] - display_width(cell);
            if (t->right[c])
                fprintf(f, "%*s", (int)pad, "");
            fputs(cell, f);
            if (c < last)
                fprintf(f, "%*s", (int)(t->right[c] ? 2 : pad + 2), "");
        }
        putc('\n', f);
    }
}

void nb_table_free(struct nb_table *t)
{
    for (size_t i = 0; i < t->nrows * (size_t)t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->nrows = t->cap = 0;
}

int nb_color_wanted(int fd, const char *mode)
{
    const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

    if (mode && !strcmp(mode, "always"))
        return 1;
    if (mode && !strcmp(mode, "never"))
        return 0;
    if (nc && *nc)
        return 0;
    if (term && !strcmp(term, "dumb"))
        return 0;
    return isatty(fd);
}

int nb_color_mode_valid(const char *mode)
{
    return !strcmp(mode, "auto") || !strcmp(mode, "always") || !strcmp(mode, "never");
}

void nb_colors_init(struct nb_colors *c, int on)
{
    c->bold = on ? "\033[1m" : "";
    c->red = on ? "\033[31m" : "";
    c->green = on ? "\033[32m" : "";
    c->yellow = on ? "\033[33m" : "";
    c->reset = on ? "\033[0m" : "";
}

char *nb_human_bytes(double bytes, char *buf, size_t n)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;

    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(buf, n, "%.0f B", bytes);
    else
        snprintf(buf, n, "%.1f %s", bytes, unit[u]);
    return buf;
}

void nb_progress_start(struct nb_progress *p, int fd, int on, uint64_t total, int64_t now_ms)
{
    p->fd = fd;
    p->on = on && isatty(fd);
    p->start_ms = p->last_ms = now_ms;
    p->total = total;
    p->drawn = 0;
}

unsigned nb_term_columns(int fd)
{
    struct winsize ws;
    const char *env = getenv("COLUMNS");
    uint64_t cols;

    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    if (env && nb_parse_uint(env, 1, 10000, "columns", &cols, NULL) == 0)
        return (unsigned)cols;
    return 80;
}

void nb_progress_update(struct nb_progress *p, uint64_t bytes, int64_t now_ms)
{
    char forms[5][160], line[176], got[32], all[32], rate[32];
    unsigned width;
    size_t nforms = 0;
    double secs;
    int n = 0, pct;

    if (!p->on || now_ms - p->last_ms < 200)
        return;
    p->last_ms = now_ms;
    secs = (double)(now_ms - p->start_ms) / 1000.0;
    nb_human_bytes((double)bytes, got, sizeof got);
    nb_human_bytes(secs > 0 ? (double)bytes / secs : 0, rate, sizeof rate);
    /* the forms, widest first: what a narrower terminal drops goes first */
    if (p->total) {
        double left = bytes && secs > 0
                          ? (double)(p->total - (bytes < p->total ? bytes : p->total)) /
                                ((double)bytes / secs)
                          : 0;
        nb_human_bytes((double)p->total, all, sizeof all);
        pct = (int)(bytes * 100 / p->total);
        snprintf(forms[nforms++], sizeof forms[0], "  %s of %s  %3d%%  %s/s  ETA %.0f s", got, all,
                 pct, rate, left);
        snprintf(forms[nforms++], sizeof forms[0], "  %s of %s  %3d%%  %s/s", got, all, pct, rate);
        snprintf(forms[nforms++], sizeof forms[0], "  %s of %s  %3d%%", got, all, pct);
        snprintf(forms[nforms++], sizeof forms[0], "%s %d%%", got, pct);
        snprintf(forms[nforms++], sizeof forms[0], "%d%%", pct);
    } else {
        snprintf(forms[nforms++], sizeof forms[0], "  %s  %s/s", got, rate);
        snprintf(forms[nforms++], sizeof forms[0], "  %s", got);
        snprintf(forms[nforms++], sizeof forms[0], "%s", got);
    }
    /* the last column stays empty: a line that reaches it wraps on many terminals */
    width = nb_term_columns(p->fd) - 1;
    for (size_t i = 0; i < nforms; i++)
        if (strlen(forms[i]) <= width) {
            n = snprintf(line, sizeof line, "\r%s\033[K", forms[i]);
            break;
        }
    if (n > 0 && write(p->fd, line, (size_t)n) == n)
        p->drawn = 1;
}

void nb_progress_end(struct nb_progress *p)
{
    if (p->on && p->drawn && write(p->fd, "\r\033[K", 4) < 0)
        p->drawn = 0;
    p->drawn = 0;
}

int nb_explaining(const struct nb_explain *x)
{
    return x && x->fn;
}

int nb_explaining_at(const struct nb_explain *x, int level)
{
    return nb_explaining(x) && (x->level > 0 ? x->level : NB_EXPLAIN_WORDS) >= level;
}

/* Formats fmt into a string of its full length: small when it fits, else
 * memory the caller frees. Returns the length, or -1 (nothing to free). */
NB_PRINTF(3, 0)
static int format_text(char *small, size_t n, const char *fmt, va_list ap, char **out)
{
    va_list aq;
    int len;

    va_copy(aq, ap);
    len = vsnprintf(small, n, fmt, aq);
    va_end(aq);
    *out = small;
    if (len < 0)
        return -1;
    if ((size_t)len >= n) {
        char *big = malloc((size_t)len + 1);
        if (!big)
            return (int)n - 1; /* too little memory: the cut text is still one line */
        vsnprintf(big, (size_t)len + 1, fmt, ap);
        *out = big;
    }
    return len;
}

/* Writes prefix, the formatted text escaped as NB_ESC_TEXT, and a newline to
 * f in one write: whatever the format interpolated, no control byte, C1 or
 * bidi control reaches the terminal raw. Every message line goes through here. */
NB_PRINTF(3, 0)
static void write_line(FILE *f, const char *prefix, const char *fmt, va_list ap)
{
    char small[1024], line[4096], *text, *out = line;
    size_t plen = strlen(prefix), need;
    int len = format_text(small, sizeof small, fmt, ap, &text);

    if (len < 0)
        return;
    need = plen + nb_escape(text, (size_t)len, NB_ESC_TEXT, NULL, 0) + 1;
    if (need >= sizeof line && !(out = malloc(need + 1)))
        out = line, need = sizeof line - 1; /* no memory: write what fits */
    memcpy(out, prefix, plen < need ? plen : need);
    if (plen < need)
        nb_escape(text, (size_t)len, NB_ESC_TEXT, out + plen, need - plen);
    out[need - 1] = '\n';
    fwrite(out, 1, need, f);
    if (out != line)
        free(out);
    if (text != small)
        free(text);
}

void nb_explainf(const struct nb_explain *x, const char *fmt, ...)
{
    char small[1024], line[4096], *text;
    va_list ap;
    int len;

    if (!nb_explaining(x))
        return;
    va_start(ap, fmt);
    len = format_text(small, sizeof small, fmt, ap, &text);
    va_end(ap);
    if (len < 0)
        return;
    /* every sink gets a line that is safe for a terminal, cut at 4 KiB */
    nb_escape(text, (size_t)len, NB_ESC_TEXT, line, sizeof line);
    if (text != small)
        free(text);
    x->fn(x->ctx, line);
}

void nb_explain_bytes(const struct nb_explain *x, const char *mark, const void *p, size_t n,
                      size_t max)
{
    const char *b = p;
    size_t shown = n < max ? n : max;

    if (!nb_explaining_at(x, NB_EXPLAIN_PACKETS))
        return;
    for (size_t at = 0; at < shown;) {
        const char *nl = memchr(b + at, '\n', shown - at);
        size_t len = nl ? (size_t)(nl - (b + at)) + 1 : shown - at;
        char esc[4 * 128 + 1];
        /* a long line goes out in pieces of 128 bytes, so none is ever cut */
        if (len > 128)
            len = 128;
        nb_escape(b + at, len, NB_ESC_C, esc, sizeof esc);
        nb_explainf(x, "  %s %s", mark, esc);
        at += len;
    }
    if (n > shown)
        nb_explainf(x, "  %s ... and %zu more bytes, not shown", mark, n - shown);
}

void nb_explain_to_stderr(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "* %s\n", line);
}

void nb_errorf(const char *cmd, const char *fmt, ...)
{
    char prefix[64];
    va_list ap;

    fflush(stdout);
    snprintf(prefix, sizeof prefix, "netbasics%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    write_line(stderr, prefix, fmt, ap);
    va_end(ap);
}

void nb_notef(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    va_start(ap, fmt);
    write_line(stderr, "", fmt, ap);
    va_end(ap);
}

void nb_note_stdin(const char *cmd, const char *what)
{
    if (isatty(0))
        nb_errorf(cmd, "reading %s from the terminal, one per line; Ctrl-D ends", what);
}

int nb_report(const char *cmd, const struct nb_err *e)
{
    nb_errorf(cmd, "%s", e->msg);
    return nb_exit_code(e->code);
}

int nb_finish_stdout(const char *cmd, int status)
{
    int failed_before = ferror(stdout), err = 0;

    errno = 0;
    if (fflush(stdout) != 0)
        err = errno;
    else if (!failed_before)
        return status;
    /* a write that failed earlier left no errno behind (err 0): ask the fd */
    if (nb_io_reader_gone(STDOUT_FILENO, err))
        return status;
    if (err)
        nb_errorf(cmd, "cannot write to standard output: %s", strerror(err));
    else
        nb_errorf(cmd, "cannot write to standard output");
    return NB_EXIT_SYS;
}
