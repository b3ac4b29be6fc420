/* opts.c - the option front end: builds getopt_long's optstring and long
 * options from a command's table, stores values, refuses clashes, and formats
 * --help's option list. It never prints: errors come back in struct nb_err. */
#include <netbasics/opts.h>

#include <netbasics/cli.h>
#include <netbasics/num.h>
#include <netbasics/out.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LONG_VAL     256 /* getopt_long's answer for a long option: LONG_VAL + its row */
#define HELP_COLUMNS 79

/* Every table also takes -h/--help, listed last. */
static const struct nb_option HELP_ROW = {
    .short_name = 'h', .long_name = "help", .help = "this help"};

/* What one parse knows beyond the table: the rows given, how often. */
struct parse {
    const struct nb_option *t;
    size_t nrows;
    unsigned given[NB_OPTS_MAX];
};

/* Whether a row is an option (not a help line or a rule). */
static int is_option(const struct nb_option *r)
{
    return r->short_name || r->long_name;
}

static size_t count_rows(const struct nb_option *t)
{
    size_t n = 0;

    while (t[n].type != NB_OT_END)
        n++;
    return n;
}

/* Copies at most 40 bytes of untrusted text into buf, escaped for a message. */
static const char *shown(const char *s, size_t len, char *buf, size_t n)
{
    size_t need = nb_escape(s, len > 40 ? 40 : len, NB_ESC_C, buf, n);

    if (len > 40 && need + 4 <= n)
        strcat(buf, "...");
    return buf;
}

static void build(const struct parse *p, char *optstring, struct option *longopts)
{
    size_t o = 0, l = 0;
    int in_order = 0;

    for (size_t i = 0; i < p->nrows; i++)
        if (p->t[i].type == NB_OT_IN_ORDER)
            in_order = 1;
    if (in_order)
        optstring[o++] = '+';
    optstring[o++] = ':'; /* a missing value is told apart from an unknown option */
    for (size_t i = 0; i <= p->nrows; i++) {
        const struct nb_option *r = i < p->nrows ? &p->t[i] : &HELP_ROW;
        if (!is_option(r))
            continue;
        if (r->short_name) {
            optstring[o++] = r->short_name;
            if (r->argname)
                optstring[o++] = ':';
        }
        if (r->long_name) {
            longopts[l].name = r->long_name;
            /* another tool's --name=VALUE meets its own answer, not "takes no value" */
            longopts[l].has_arg = r->argname               ? required_argument
                                  : r->type == NB_OT_HABIT ? optional_argument
                                                           : no_argument;
            longopts[l].flag = NULL;
            longopts[l].val = LONG_VAL + (int)i;
            l++;
        }
    }
    optstring[o] = '\0';
    memset(&longopts[l], 0, sizeof longopts[l]);
}

/* The row of getopt_long's answer: LONG_VAL + its index (nrows: help), or a letter. */
static const struct nb_option *row_of(const struct parse *p, int ch)
{
    if (ch >= LONG_VAL)
        return (size_t)(ch - LONG_VAL) < p->nrows ? &p->t[ch - LONG_VAL] : &HELP_ROW;
    if (ch == 'h')
        return &HELP_ROW;
    for (size_t i = 0; i < p->nrows; i++)
        if (p->t[i].short_name == ch)
            return &p->t[i];
    return NULL;
}

/* The option as the user wrote it: "-w" or "--timeout". */
static void typed_name(const struct nb_option *r, int as_long, char *buf, size_t n)
{
    if (as_long)
        snprintf(buf, n, "--%s", r->long_name);
    else
        snprintf(buf, n, "-%c", r->short_name);
}

/* Stores one value where its row says; the message names the option typed. */
static int store(const struct nb_option *r, const char *name, const char *value, struct nb_err *e)
{
    struct nb_err why;
    uint64_t v;

    nb_err_clear(&why);
    switch (r->type) {
    case NB_OT_SET:
        *(int *)r->dest = r->value;
        return 0;
    case NB_OT_STRING:
        *(const char **)r->dest = value;
        return 0;
    case NB_OT_UINT:
        if (nb_parse_uint(value, r->min, r->max, r->what, &v, &why) < 0)
            break;
        if (r->size == 8) {
            memcpy(r->dest, &v, 8);
        } else if (r->size == 4) {
            uint32_t v32 = (uint32_t)v;
            memcpy(r->dest, &v32, 4);
        } else if (r->size == 2) {
            uint16_t v16 = (uint16_t)v;
            memcpy(r->dest, &v16, 2);
        } else {
            uint8_t v8 = (uint8_t)v;
            memcpy(r->dest, &v8, 1);
        }
        return 0;
    case NB_OT_SECONDS:
        if (nb_parse_seconds(value, r->max, 0, (int64_t *)r->dest, &why) < 0)
            break;
        return 0;
    case NB_OT_CALLBACK:
        if (r->fn(r->dest, value, &why) < 0)
            break;
        return 0;
    default:
        return 0;
    }
    return nb_err_set(e, NB_E_INVALID, "option '%s': %s", name, why.msg);
}

/* An unknown option: named escaped, with the closest known one if any. */
static int unknown(const struct parse *p, const char *word, int short_c, struct nb_err *e)
{
    const char *names[NB_OPTS_MAX + 1]; /* and help */
    const char *near = NULL;
    char txt[64], hint[80] = "";
    size_t n = 0, nprefix = 0;

    if (short_c) {
        char c = (char)short_c;
        /* -O for -o: the same letter in the other case */
        char other = (char)(c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : 0);
        const struct nb_option *r = other ? row_of(p, other) : NULL;
        shown(&c, 1, txt, sizeof txt);
        if (r && r->type != NB_OT_HABIT)
            snprintf(hint, sizeof hint, "; did you mean '-%c'?", other);
        return nb_err_set(e, NB_E_INVALID, "unknown option '-%s'%s", txt, hint);
    }
    size_t len = strcspn(word + 2, "=");
    char stem[40], which[160] = "";
    snprintf(stem, sizeof stem, "%.*s", (int)(len < sizeof stem - 1 ? len : sizeof stem - 1),
             word + 2);
    for (size_t i = 0; i <= p->nrows; i++) {
        const char *name = i < p->nrows ? p->t[i].long_name : HELP_ROW.long_name;
        if (!name)
            continue;
        if (i == p->nrows || p->t[i].type != NB_OT_HABIT) /* never suggest another tool's */
            names[n++] = name;
        if (len && !strncmp(name, word + 2, len)) {
            size_t w = strlen(which);
            snprintf(which + w, sizeof which - w, "%s--%s", nprefix++ ? ", " : "", name);
        }
    }
    shown(word, 2 + len, txt, sizeof txt);
    if (nprefix > 1) /* getopt_long takes an abbreviation only when it is unique */
        return nb_err_set(e, NB_E_INVALID, "option '%s' is ambiguous: it could be %s", txt, which);
    if (len < sizeof stem - 1)
        near = nb_closest(stem, names, n);
    if (near)
        snprintf(hint, sizeof hint, "; did you mean '--%s'?", near);
    return nb_err_set(e, NB_E_INVALID, "unknown option '%s'%s", txt, hint);
}

/* The row a name in a clash or needs rule stands for ("--json", "-n"). */
static long rule_row(const struct parse *p, const char *name, size_t len);

/* One +WORD[=VALUE] operand (dig's form): given to the long option its
 * NB_OPT_PLUS row names, or refused naming it. */
static int plus_word(struct parse *p, const char *arg, struct nb_err *e)
{
    const char *word = arg + 1, *names[NB_OPTS_MAX], *value = NULL, *near;
    size_t len = strcspn(word, "="), n = 0;
    char txt[64], stem[40], hint[80] = "";

    if (word[len] == '=')
        value = word + len + 1;
    shown(arg, 1 + len, txt, sizeof txt);
    for (size_t i = 0; i < p->nrows; i++) {
        const struct nb_option *r = &p->t[i];
        long target;
        if (r->type != NB_OT_PLUS)
            continue;
        names[n++] = r->rule;
        if (strlen(r->rule) != len || strncmp(r->rule, word, len))
            continue;
        target = rule_row(p, r->what, strlen(r->what));
        if (target < 0)
            return nb_err_set(e, NB_E_INVALID, "option '%s' stands for %s, not in the table", txt,
                              r->what);
        if (p->t[target].argname && !value)
            return nb_err_set(e, NB_E_INVALID, "option '%s' needs a value: %s=%s", txt, txt,
                              p->t[target].argname);
        if (!p->t[target].argname && value)
            return nb_err_set(e, NB_E_INVALID, "option '%s' takes no value", txt);
        if (store(&p->t[target], txt, value, e) < 0)
            return -1;
        p->given[target]++;
        return 0;
    }
    snprintf(stem, sizeof stem, "%.*s", (int)(len < sizeof stem - 1 ? len : sizeof stem - 1), word);
    near = len < sizeof stem - 1 ? nb_closest(stem, names, n) : NULL;
    if (near)
        snprintf(hint, sizeof hint, "; did you mean '+%s'?", near);
    return nb_err_set(e, NB_E_INVALID, "unknown option '%s'%s", txt, hint);
}

/* Reads the +WORD operands of argv[*first..argc) when the table has NB_OPT_PLUS
 * rows, and moves them before the other operands (whose order stays), past
 * *first. */
static int plus_words(struct parse *p, int argc, char **argv, int *first, struct nb_err *e)
{
    int any = 0;

    for (size_t i = 0; i < p->nrows; i++)
        any |= p->t[i].type == NB_OT_PLUS;
    for (int i = *first; any && i < argc; i++) {
        char *word = argv[i];
        if (word[0] != '+')
            continue;
        if (plus_word(p, word, e) < 0)
            return -1;
        memmove(&argv[*first + 1], &argv[*first], (size_t)(i - *first) * sizeof *argv);
        argv[(*first)++] = word;
    }
    return 0;
}

/* The row a name in a clash or needs rule stands for ("--json", "-n"). */
static long rule_row(const struct parse *p, const char *name, size_t len)
{
    for (size_t i = 0; i < p->nrows; i++) {
        const struct nb_option *r = &p->t[i];
        if (len > 2 && name[1] == '-' && r->long_name && strlen(r->long_name) == len - 2 &&
            !strncmp(r->long_name, name + 2, len - 2))
            return (long)i;
        if (len == 2 && name[1] != '-' && r->short_name == name[1])
            return (long)i;
    }
    return -1;
}

/* The first two options of a rule's words that were given, or fewer. */
static int rule_given(const struct parse *p, const char *rule, const char *w[2], int wl[2])
{
    int found = 0;

    for (const char *s = rule; *s && found < 2;) {
        size_t len = strcspn(s, " ");
        long row = rule_row(p, s, len);
        if (row >= 0 && p->given[row]) {
            w[found] = s;
            wl[found++] = (int)len;
        }
        s += len;
        s += strspn(s, " ");
    }
    return found;
}

static int check_rules(const struct parse *p, struct nb_err *e)
{
    const char *w[2];
    int wl[2];

    for (size_t i = 0; i < p->nrows; i++) {
        const char *rule = p->t[i].rule;
        if (p->t[i].type == NB_OT_CLASH && rule_given(p, rule, w, wl) == 2)
            return nb_err_set(e, NB_E_INVALID, "cannot use %.*s with %.*s", wl[0], w[0], wl[1],
                              w[1]);
        if (p->t[i].type == NB_OT_NEEDS) {
            size_t first = strcspn(rule, " ");
            const char *other = rule + first + strspn(rule + first, " ");
            long a = rule_row(p, rule, first), b = rule_row(p, other, strlen(other));
            if (a >= 0 && b >= 0 && p->given[a] && !p->given[b])
                return nb_err_set(e, NB_E_INVALID, "cannot use %.*s without %s", (int)first, rule,
                                  other);
        }
    }
    return 0;
}

static int check_count(const struct parse *p, int n, struct nb_err *e)
{
    for (size_t i = 0; i < p->nrows; i++) {
        const struct nb_option *r = &p->t[i];
        if (r->type != NB_OT_ARGS)
            continue;
        if ((uint64_t)n < r->min)
            return nb_err_set(e, NB_E_INVALID, "needs %s", r->rule);
        if ((uint64_t)n > r->max)
            return nb_err_set(e, NB_E_INVALID, "takes %s, not %d argument%s", r->rule, n,
                              n == 1 ? "" : "s");
    }
    return 0;
}

int nb_opts_parse(const struct nb_option *table, int argc, char **argv, int *argi, struct nb_err *e)
{
    struct parse p = {.t = table, .nrows = count_rows(table)};
    char optstring[3 + 2 * (NB_OPTS_MAX + 1) + 1];
    struct option longopts[NB_OPTS_MAX + 2];
    int ch;

    if (p.nrows > NB_OPTS_MAX)
        return nb_err_set(e, NB_E_INVALID, "more than %d rows in the table", NB_OPTS_MAX);
    build(&p, optstring, longopts);
    opterr = 0;
    optind = 0; /* glibc: start afresh, reading the optstring's '+' again */
    while ((ch = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
        const struct nb_option *r;
        char name[48];

        if (ch == '?' && optopt >= LONG_VAL) /* --force=1 */
            return nb_err_set(e, NB_E_INVALID, "option '--%s' takes no value",
                              row_of(&p, optopt)->long_name);
        if (ch == '?')
            return unknown(&p, argv[optind - 1], optopt, e);
        if (ch == ':') {
            typed_name(row_of(&p, optopt), optopt >= LONG_VAL, name, sizeof name);
            return nb_err_set(e, NB_E_INVALID, "option '%s' needs a value", name);
        }
        r = row_of(&p, ch);
        if (r == &HELP_ROW)
            return NB_OPTS_HELP;
        typed_name(r, ch >= LONG_VAL, name, sizeof name);
        if (r->type == NB_OT_HABIT)
            return nb_err_set(e, NB_E_INVALID, "option '%s' is %s", name, r->rule);
        if (store(r, name, optarg, e) < 0)
            return -1;
        p.given[r - table]++;
    }
    *argi = optind;
    if (plus_words(&p, argc, argv, argi, e) < 0 || check_rules(&p, e) < 0 ||
        check_count(&p, argc - *argi, e) < 0)
        return -1;
    return 0;
}

/* The left column of a row: "  -w, --timeout S", "      --repr", "  STEP". */
static size_t left_column(const struct nb_option *r, char *buf, size_t n)
{
    int len;

    if (r->type == NB_OT_OPERAND)
        len = snprintf(buf, n, "  %s", r->argname);
    else
        len = snprintf(buf, n, "  %s%c%s%s%s%s%s", r->short_name ? "-" : " ",
                       r->short_name ? r->short_name : ' ',
                       r->short_name && r->long_name ? ", " : "  ", r->long_name ? "--" : "",
                       r->long_name ? r->long_name : "", r->argname ? " " : "",
                       r->argname ? r->argname : "");
    while (len > 0 && buf[len - 1] == ' ') /* "  -n" without the long column */
        buf[--len] = '\0';
    return (size_t)len;
}

/* A writer into a sized buffer that counts what it could not fit. */
struct sink {
    char *buf;
    size_t n, len;
};

static void put(struct sink *s, const char *fmt, ...) NB_PRINTF(2, 3);
static void put(struct sink *s, const char *fmt, ...)
{
    va_list ap;
    int k;

    va_start(ap, fmt);
    k = vsnprintf(s->len < s->n ? s->buf + s->len : NULL, s->len < s->n ? s->n - s->len : 0, fmt,
                  ap);
    va_end(ap);
    if (k > 0)
        s->len += (size_t)k;
}

/* The help words wrapped from column col to HELP_COLUMNS. */
static void put_wrapped(struct sink *s, const char *help, size_t col)
{
    size_t at = col;

    while (*help) {
        size_t word = strcspn(help, " ");
        if (at > col && at + 1 + word > HELP_COLUMNS) {
            put(s, "\n%*s", (int)col, "");
            at = col;
        } else if (at > col) {
            put(s, " ");
            at++;
        }
        put(s, "%.*s", (int)word, help);
        at += word;
        help += word;
        help += strspn(help, " ");
    }
    put(s, "\n");
}

/* Whether row i is listed on the line of the row before it ("-4, -6"). */
static int joined(const struct nb_option *t, size_t i)
{
    return i > 0 && t[i].help && !t[i].help[0];
}

/* The row i of table, or the help row after the last. */
static const struct nb_option *listed(const struct nb_option *t, size_t n, size_t i)
{
    return i < n ? &t[i] : &HELP_ROW;
}

/* The left column of the line that row i begins, with the rows joined to it. */
static size_t line_left(const struct nb_option *t, size_t nrows, size_t i, char *buf, size_t n)
{
    size_t len = left_column(listed(t, nrows, i), buf, n);

    for (size_t j = i + 1; j < nrows && joined(t, j) && len + 2 < n; j++) {
        char more[64];
        left_column(&t[j], more, sizeof more);
        len += (size_t)snprintf(buf + len, n - len, ", %s", more + 2);
    }
    return len < n ? len : n - 1;
}

size_t nb_opts_help(const struct nb_option *table, char *buf, size_t n)
{
    size_t nrows = count_rows(table), width = 0;
    struct sink s = {buf, n, 0};
    char left[128];

    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i <= nrows; i++) {
        size_t w;
        if (!listed(table, nrows, i)->help || joined(table, i))
            continue;
        w = line_left(table, nrows, i, left, sizeof left);
        if (w > width)
            width = w;
    }
    width += 2;
    for (size_t i = 0; i <= nrows; i++) {
        const struct nb_option *r = listed(table, nrows, i);
        if (!r->help || joined(table, i))
            continue;
        line_left(table, nrows, i, left, sizeof left);
        put(&s, "%-*s", (int)width, left);
        put_wrapped(&s, r->help, width);
    }
    return s.len;
}

int nb_opts_explain(void *dest, const char *value, struct nb_err *e)
{
    struct nb_explain *x = dest;

    (void)value;
    (void)e;
    x->fn = nb_explain_to_stderr;
    if (x->level < NB_EXPLAIN_PACKETS) /* -x words, -xx (or -x -x) the packets too */
        x->level++;
    return 0;
}

int nb_opts_color(void *dest, const char *value, struct nb_err *e)
{
    if (!nb_color_mode_valid(value))
        return nb_err_set(e, NB_E_INVALID, "give auto, always or never");
    *(const char **)dest = value;
    return 0;
}
