/* out.h - the output layer: terminal-safe escaping of untrusted bytes, JSON
 * lines, aligned tables, colour, and the --explain channel. */
#ifndef NETBASICS_OUT_H
#define NETBASICS_OUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <netbasics/err.h>

/* How nb_escape writes a byte it will not pass through raw: the one place
 * that makes untrusted bytes (argv, stdin, files, peers) safe to show. In
 * every style no C0 control, DEL, raw byte 0x80-0xff that is not part of
 * valid UTF-8, C1 control (U+0080-U+009F), bidi control (U+202A-U+202E,
 * U+2066-U+2069) or other invisible code point ever passes: nothing read can
 * reach the terminal as an escape sequence or reorder what is shown. */
enum nb_esc_style {
    NB_ESC_C,      /* \n \r \t \\ and \xHH; valid printable UTF-8 passes */
    NB_ESC_TEXT,   /* as NB_ESC_C, but the backslash passes: for a whole message
                      that may already hold quoted, escaped text */
    NB_ESC_PYREPR, /* Python's repr() of bytes, quotes as Python picks them, no b prefix */
    NB_ESC_LINES,  /* as NB_ESC_TEXT, but \n, \t and the \r of \r\n pass: a peer's text
                      shown on a terminal as the lines it is (fetch -o - to a terminal) */
};

/* Decodes one UTF-8 sequence at p[0..n) (n at least 1): returns its length
 * and sets *cp, or 0 when it is invalid (bad lead byte, cut short, overlong,
 * a surrogate, above U+10FFFF). */
size_t nb_utf8_decode(const unsigned char *p, size_t n, uint32_t *cp);

/* Writes the escaped form of p[0..n) into buf of size bufsz, always
 * NUL-terminated (buf may be NULL when bufsz is 0). Returns the length the
 * full escaped text needs (like snprintf), so a caller can detect truncation. */
size_t nb_escape(const void *p, size_t n, enum nb_esc_style style, char *buf, size_t bufsz);

/* How a message shows untrusted text: the escaped form (NB_ESC_C) of at most
 * the first max bytes of p[0..n), with "..." when it was cut, into buf of
 * size bufsz (always NUL-terminated). Returns buf. */
char *nb_quote(const void *p, size_t n, size_t max, char *buf, size_t bufsz);

/* Writes the escaped form of p[0..n) to f. Returns 0, or -1 on a write error. */
int nb_escape_write(FILE *f, const void *p, size_t n, enum nb_esc_style style);

/* Writes p[0..n) to f as a JSON string with its quotes (RFC 8259): ", \ and
 * control bytes escaped, valid UTF-8 passed, any invalid byte written as
 * \u00XX (its Latin-1 reading), so the output is always valid UTF-8 JSON. */
int nb_json_string(FILE *f, const void *p, size_t n);

/* A JSON object or array written as it is built, one line per result. Keys are
 * trusted ASCII; values are escaped. Nesting up to 8 levels. */
struct nb_json {
    FILE *f;
    int depth;
    unsigned need_comma; /* bit d: the container at depth d has an element */
};
void nb_json_begin(struct nb_json *j, FILE *f); /* opens the top object */
void nb_json_end(struct nb_json *j);            /* closes it and writes '\n' */
void nb_json_str(struct nb_json *j, const char *key, const char *v);
void nb_json_strn(struct nb_json *j, const char *key, const void *v, size_t n);
void nb_json_int(struct nb_json *j, const char *key, int64_t v);
void nb_json_uint(struct nb_json *j, const char *key, uint64_t v);
void nb_json_bool(struct nb_json *j, const char *key, int v);
void nb_json_double(struct nb_json *j, const char *key, double v, int decimals);
void nb_json_null(struct nb_json *j, const char *key);
void nb_json_open(struct nb_json *j, const char *key, char bracket); /* '{' or '[' */
void nb_json_close(struct nb_json *j, char bracket);                 /* '}' or ']' */

/* An aligned table: cells are copied in; nb_table_print pads every column
 * but the last to its widest cell (display width of UTF-8), separated by two
 * spaces. Cells must already be safe for a terminal. Up to NB_TABLE_COLS. */
#define NB_TABLE_COLS 12
struct nb_table {
    int ncols;
    size_t nrows, cap;
    char **cells;             /* nrows * ncols */
    int right[NB_TABLE_COLS]; /* 1: right-align this column */
};
void nb_table_init(struct nb_table *t, int ncols);
/* Adds a row of ncols cells (NULL counts as ""). Returns 0, -1 on no memory. */
int nb_table_add(struct nb_table *t, const char *const *cells);
int nb_table_addf(struct nb_table *t, const char *fmt, ...)
    NB_PRINTF(2, 3); /* cells split on '\t' */
void nb_table_print(const struct nb_table *t, FILE *f, const char *indent);
void nb_table_free(struct nb_table *t);

/* Whether to colour output to fd: 1 when it is a terminal, NO_COLOR is unset
 * or empty and TERM is not "dumb"; mode "always"/"never" force it. */
int nb_color_wanted(int fd, const char *mode);

/* Whether mode is one --color takes: "auto", "always" or "never". */
int nb_color_mode_valid(const char *mode);

/* SGR colours used across commands; empty strings when colour is off. */
struct nb_colors {
    const char *bold, *red, *green, *yellow, *reset;
};
void nb_colors_init(struct nb_colors *c, int on);

/* A progress line on a terminal: "\r  12.5 MiB of 100 MiB  12%  85 MiB/s  ETA 1 s",
 * redrawn at most 5 times a second; nothing when fd is not a terminal. */
struct nb_progress {
    int fd;
    int on;
    int64_t start_ms, last_ms;
    uint64_t total; /* 0: unknown */
    int drawn;
};
void nb_progress_start(struct nb_progress *p, int fd, int on, uint64_t total, int64_t now_ms);
/* Redraws the line (at most 5 times a second) in the form that fits the
 * terminal's width now (nb_term_columns), dropping the ETA, then the rate,
 * then the sizes as it narrows; never as wide as the last column, so it never
 * wraps and "\r" always returns to its start. */
void nb_progress_update(struct nb_progress *p, uint64_t bytes, int64_t now_ms);
void nb_progress_end(struct nb_progress *p); /* clears the line */

/* The width of the terminal on fd (TIOCGWINSZ); when fd is not a terminal or
 * says 0, the COLUMNS environment variable (a number from 1 to 10000); else 80. */
unsigned nb_term_columns(int fd);

/* Writes bytes as "1023 B", "12.5 KiB", "3.2 MiB", "1.0 GiB" into buf. */
char *nb_human_bytes(double bytes, char *buf, size_t n);

/* The --explain channel: the core narrates through it and never prints.
 * A NULL channel or one without fn is silent. nb_explainf hands fn a line
 * already escaped (NB_ESC_TEXT), so no sink can pass a raw control byte.
 * level says how much: 1 (-x) narrates in words, 2 (-xx) adds the packets
 * and bytes (DNS messages as annotated hex, HTTP heads as sent, what each
 * send and recv carried); 0 with fn set counts as 1. */
struct nb_explain {
    void (*fn)(void *ctx, const char *line);
    void *ctx;
    int level;
};
#define NB_EXPLAIN_WORDS     1   /* -x: the steps in words */
#define NB_EXPLAIN_PACKETS   2   /* -xx: and the bytes that went over the wire */
#define NB_EXPLAIN_BYTES_MAX 256 /* the most bytes nb_explain_bytes shows of one send or recv */

void nb_explainf(const struct nb_explain *x, const char *fmt, ...) NB_PRINTF(2, 3);
/* Whether x narrates at all (level 1 or more). */
int nb_explaining(const struct nb_explain *x);
/* Whether x narrates at level or more (NB_EXPLAIN_WORDS, NB_EXPLAIN_PACKETS). */
int nb_explaining_at(const struct nb_explain *x, int level);
/* At NB_EXPLAIN_PACKETS only: narrates p[0..n) as the lines it holds, each
 * "  MARK TEXT" with TEXT escaped (NB_ESC_C: "\r\n" shows where a line ends,
 * any other byte that is not printable shows as \xHH), at most max bytes
 * and then how many more were not shown. mark is ">" for sent, "<" for received. */
void nb_explain_bytes(const struct nb_explain *x, const char *mark, const void *p, size_t n,
                      size_t max);

/* The standard sink for commands: writes "* line\n" to stderr (ctx unused). */
void nb_explain_to_stderr(void *ctx, const char *line);

/* Commands' shared printers: "netbasics CMD: message" on stderr. The
 * formatted message is written escaped (NB_ESC_TEXT), so an interpolated
 * byte never reaches the terminal raw; quote untrusted text with nb_escape
 * (NB_ESC_C) all the same, so the user can tell it from the message. */
void nb_errorf(const char *cmd, const char *fmt, ...) NB_PRINTF(2, 3);
/* A narration line on stderr without the prefix ("Connected to ..."),
 * escaped as nb_errorf's message is. */
void nb_notef(const char *fmt, ...) NB_PRINTF(1, 2);
/* When stdin is a terminal, says on stderr what cmd reads from it and how to
 * end it ("netbasics octets: reading addresses from the terminal, one per
 * line; Ctrl-D ends"), so a command waiting there does not look hung. Says
 * nothing when stdin is a pipe or a file. */
void nb_note_stdin(const char *cmd, const char *what);
/* Prints e's message with the prefix and returns its exit status. */
int nb_report(const char *cmd, const struct nb_err *e);

/* Flushes stdout at exit; returns NB_EXIT_SYS with a message if a write to
 * stdout failed, now or earlier, else status. A reader that is gone
 * (nb_io_reader_gone: `| head`) is not a failure: status, quietly. */
int nb_finish_stdout(const char *cmd, int status);

#endif
