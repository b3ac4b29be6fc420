/* opts.h - the option front end: a command declares its options, and the rules
 * between them, as one table of rows (after git's parse-options); getopt_long
 * parses them, one number parser reads numbers, clashes are refused in one
 * place, and --help's option list is generated from the table. */
#ifndef NETBASICS_OPTS_H
#define NETBASICS_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include <netbasics/err.h>

/* What a row is and where its value goes. */
enum nb_opt_type {
    NB_OT_END,      /* ends a table */
    NB_OT_SET,      /* no value: *(int *)dest = value */
    NB_OT_STRING,   /* *(const char **)dest = the value */
    NB_OT_UINT,     /* the value through nb_parse_uint into an unsigned of size bytes */
    NB_OT_SECONDS,  /* the value through nb_parse_seconds into *(int64_t *)dest, in ms */
    NB_OT_CALLBACK, /* fn(dest, the value or NULL, e) */
    NB_OT_OPERAND,  /* no option: a line of --help's list about an argument */
    NB_OT_CLASH,    /* no option: rule, "--a --b ...": at most one of them may be given */
    NB_OT_NEEDS,    /* no option: rule, "--a --b": --a only together with --b */
    NB_OT_ARGS,     /* no option: min to max operands, rule says what they are */
    NB_OT_IN_ORDER, /* no option: options end at the first operand (getopt's "+") */
    NB_OT_HABIT,    /* another tool's option: refused with the rule, which says what to use */
    NB_OT_PLUS,     /* no option: dig's +WORD[=VALUE] (rule) given to the long option what */
};

/* One row of a command's option table. */
struct nb_option {
    enum nb_opt_type type;
    char short_name;       /* 0: none */
    const char *long_name; /* without the dashes; NULL: none */
    const char *argname;   /* the value's name in --help ("N", "FILE"); NULL: takes no value */
    const char *help;      /* one sentence, wrapped by the list; "": on the row before's line */
    void *dest;
    int value;         /* NB_OT_SET */
    size_t size;       /* NB_OT_UINT: sizeof *dest (1, 2, 4 or 8) */
    uint64_t min, max; /* NB_OT_UINT: the range; NB_OT_SECONDS: max is the most seconds */
    const char *what;  /* NB_OT_UINT: the number's name in messages; NB_OT_PLUS: "--long" */
    const char *rule;  /* NB_OT_CLASH, NB_OT_NEEDS, NB_OT_ARGS, NB_OT_HABIT, NB_OT_PLUS */
    int (*fn)(void *dest, const char *value, struct nb_err *e); /* NB_OT_CALLBACK */
};

/* The rows, one macro a kind: s the short letter (0: none), l the long name
 * (NULL: none), v where the value goes, arg its name in --help, h the help. */
/* clang-format off */
#define NB_OPT_END {.type = NB_OT_END}
#define NB_OPT_BOOL(s, l, v, h) \
    {.type = NB_OT_SET, .short_name = (s), .long_name = (l), .dest = (v), .value = 1, .help = (h)}
#define NB_OPT_SET_INT(s, l, v, val, h) \
    {.type = NB_OT_SET, .short_name = (s), .long_name = (l), .dest = (v), .value = (val), \
     .help = (h)}
#define NB_OPT_STRING(s, l, v, arg, h) \
    {.type = NB_OT_STRING, .short_name = (s), .long_name = (l), .dest = (v), .argname = (arg), \
     .help = (h)}
#define NB_OPT_UINT(s, l, v, arg, lo, hi, w, h) \
    {.type = NB_OT_UINT, .short_name = (s), .long_name = (l), .dest = (v), .size = sizeof *(v), \
     .argname = (arg), .min = (lo), .max = (hi), .what = (w), .help = (h)}
#define NB_OPT_SECONDS(s, l, v, arg, most, h) \
    {.type = NB_OT_SECONDS, .short_name = (s), .long_name = (l), .dest = (v), .argname = (arg), \
     .max = (most), .help = (h)}
#define NB_OPT_CALLBACK(s, l, v, arg, f, h) \
    {.type = NB_OT_CALLBACK, .short_name = (s), .long_name = (l), .dest = (v), \
     .argname = (arg), .fn = (f), .help = (h)}
#define NB_OPT_OPERAND(name, h) {.type = NB_OT_OPERAND, .argname = (name), .help = (h)}
/* The rules, checked after parsing; without an NB_OPT_ARGS row any number of
 * operands is fine. */
#define NB_OPT_CLASH(names) {.type = NB_OT_CLASH, .rule = (names)}
#define NB_OPT_NEEDS(name, needed) {.type = NB_OT_NEEDS, .rule = name " " needed}
#define NB_OPT_ARGS(lo, hi, words) {.type = NB_OT_ARGS, .min = (lo), .max = (hi), .rule = (words)}
#define NB_OPT_IN_ORDER {.type = NB_OT_IN_ORDER}
/* Another tool's letter (and long name) as its users type it: not in --help,
 * never suggested; given, it is a usage error "option '-O' is TEXT", TEXT
 * naming the tool and what to use here ("curl's: fetch saves under the URL's
 * name by default"). It takes no value (a long one may have =VALUE): the
 * error comes first. */
#define NB_OPT_HABIT(s, l, text) \
    {.type = NB_OT_HABIT, .short_name = (s), .long_name = (l), .rule = (text)}
/* dig's +WORD, or +WORD=VALUE, standing for the long option target ("--timeout"):
 * an operand that begins with '+' is read as one of these rows wherever it
 * stands, and an unknown +WORD is a usage error naming it. */
#define NB_OPT_PLUS(word, target) {.type = NB_OT_PLUS, .rule = (word), .what = (target)}

/* The options most commands share, declared once (h: the command's own help line). */
#define NB_OPT__EXPLAIN(v, h) NB_OPT_CALLBACK('x', "explain", (v), NULL, nb_opts_explain, (h))
#define NB_OPT__JSON(v, h) NB_OPT_BOOL('j', "json", (v), (h))
#define NB_OPT__QUIET(v, h) NB_OPT_BOOL('q', "quiet", (v), (h))
#define NB_OPT__FAMILY(v, h) \
    NB_OPT_SET_INT('4', NULL, (v), 4, (h)), NB_OPT_SET_INT('6', NULL, (v), 6, "")
#define NB_OPT__COLOR(v) \
    NB_OPT_CALLBACK(0, "color", (v), "WHEN", nb_opts_color, "auto (default), always or never")
/* clang-format on */

#define NB_OPTS_MAX  64         /* rows in a table */
#define NB_ARGS_ANY  UINT64_MAX /* NB_OPT_ARGS: no upper limit */
#define NB_OPTS_HELP 1          /* nb_opts_parse's answer to -h/--help */

/* Parses argv[1..argc) by table (argv[0] is the command's name; every table
 * also takes -h/--help): stores each value where its row says, reads the
 * +WORD operands of NB_OPT_PLUS rows (moved before the other operands, which
 * keep their order), then checks the rules. Returns 0 and sets *argi to the
 * first operand, NB_OPTS_HELP when
 * -h/--help came first, or -1 with e set to NB_E_INVALID and a message such as
 * "option '-w': ..." or "unknown option '--outptu'; did you mean '--output'?"
 * (e may be NULL, as for the other sans-IO parsers). */
int nb_opts_parse(const struct nb_option *table, int argc, char **argv, int *argi,
                  struct nb_err *e);

/* Writes --help's option list of table into buf (snprintf's rules: always
 * terminated when n > 0) and returns its full length: one row a line, -h/--help
 * last, the help column aligned, help words wrapped within 79 columns. */
size_t nb_opts_help(const struct nb_option *table, char *buf, size_t n);

/* The callbacks of NB_OPT__EXPLAIN (dest: struct nb_explain *, narrated on
 * stderr; each -x or --explain raises its level by one, up to 2: -xx) and
 * NB_OPT__COLOR (dest: const char **, only auto/always/never). */
int nb_opts_explain(void *dest, const char *value, struct nb_err *e);
int nb_opts_color(void *dest, const char *value, struct nb_err *e);

#endif
