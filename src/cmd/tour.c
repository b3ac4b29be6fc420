/* tour.c - `netbasics tour`: the whole lesson, offline, in one command: each
 * step prints the command a learner would type beside the lesson's Python,
 * then runs it (netbasics runs itself), on loopback only. */
#include "cmd/cmd.h"

#include <netbasics/addr.h>
#include <netbasics/dnsresponder.h>
#include <netbasics/lesson.h>
#include <netbasics/lines.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/clock.h>
#include <netbasics/spawn.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STEP_TIMEOUT_MS 30000

static const char USAGE[] =
    "usage: netbasics tour [OPTIONS] [STEP]\n"
    "\n"
    "The lesson \"Python Networking Basics\" end to end, offline: names and the\n"
    "hosts file, octets in binary, checking ip:port, a server and a client, and a\n"
    "download. Each step shows the command a learner would type beside the line\n"
    "of the lesson's Python it stands for, then runs it. Everything happens on\n"
    "127.0.0.1, on ports the kernel picks; nothing needs the internet or root.\n"
    "On a terminal it waits after each step: Enter for the next one, q (and\n"
    "Enter) to stop. The downloaded copy, mycopy.html, stays in the current\n"
    "directory (or --dir DIR); a file of that name there is never replaced: the\n"
    "copy takes the first free name of mycopy-2.html, mycopy-3.html, ...\n";

static const char EPILOG[] = "Exit status: 0 every step went as the lesson says, 1 one did not.\n";

struct tour {
    int explain, no_pause, paced; /* explain: 0, or the level -x gave (2: -xx) */
    char self[PATH_MAX]; /* this program's real path: a child's name is netbasics, not exe */
    const char *color;
    const char *copy_dir;     /* where the downloaded copy goes: --dir, else "." */
    char copy[PATH_MAX + 32]; /* the copy's name there: mycopy.html, or the first free
                               * mycopy-N.html (a copy already there is never replaced) */
    char dir[PATH_MAX];       /* the tour's own files: resolv.conf, the web server's answer */
    struct nb_dns_responder dns;
    struct nb_colors c;
    const struct nb_tour_step *steps; /* the lesson's steps (the core's lesson.c) */
    int nsteps;
};

/* What a step has made so far: its server, and the words "$..." stand for. */
struct step_run {
    pid_t pid; /* the server, or 0 */
    int out;   /* the read end of the server's output, or -1 */
    char port[8], url[64];
    char copy[PATH_MAX + 32], response[PATH_MAX + 32];
};

/* Writes text with every "$PORT", "$URL" and "$COPY" filled in. */
static char *expand(const struct step_run *r, const char *text, char *buf, size_t n)
{
    static const char *const names[] = {"$PORT", "$URL", "$COPY"};
    const char *values[] = {r->port, r->url, r->copy};
    size_t o = 0;

    while (*text && o + 1 < n) {
        size_t k = 0;
        while (k < 3 && strncmp(text, names[k], strlen(names[k])))
            k++;
        if (k == 3) {
            buf[o++] = *text++;
            continue;
        }
        o += (size_t)snprintf(buf + o, n - o, "%s", values[k]);
        o = o < n ? o : n - 1;
        text += strlen(names[k]);
    }
    buf[o] = '\0';
    return buf;
}

/* A command line to run: "netbasics", the arguments filled in, -x added
 * after the command when explaining (shown without it). */
struct cmdline {
    char *argv[12];
    char name[sizeof "netbasics"], x[sizeof "-xx"];
    char text[8][PATH_MAX + 64];
    int x_at; /* where -x is, or 0 */
};

static char **cmdline_build(const struct tour *t, const struct step_run *r,
                            const char *const args[], size_t nargs, struct cmdline *c)
{
    size_t k = 0;

    memcpy(c->name, "netbasics", sizeof c->name);
    snprintf(c->x, sizeof c->x, "%s", t->explain >= NB_EXPLAIN_PACKETS ? "-xx" : "-x");
    c->argv[k++] = c->name;
    c->x_at = 0;
    for (size_t i = 0; i < nargs && args[i] && i < 8; i++) {
        c->argv[k++] = expand(r, args[i], c->text[i], sizeof c->text[i]);
        if (i == 0 && t->explain) {
            c->x_at = (int)k;
            c->argv[k++] = c->x;
        }
    }
    c->argv[k] = NULL;
    return c->argv;
}

/* Prints "   $ netbasics ARGS" the way a learner would type it. */
static void show_command(const struct tour *t, const char *prefix, const struct cmdline *c)
{
    printf("   %s$ %s%s", t->c.bold, prefix ? prefix : "", "netbasics");
    for (int i = 1; c->argv[i]; i++)
        if (i != c->x_at)
            printf(strpbrk(c->argv[i], " '\"$|<>&;*?\\") ? " '%s'" : " %s", c->argv[i]);
    printf("%s\n", t->c.reset);
    fflush(stdout);
}

/* Prints text (filled in) when there is any. */
static void say(const struct step_run *r, const char *text)
{
    char buf[PATH_MAX + 512];

    if (text)
        fputs(expand(r, text, buf, sizeof buf), stdout);
}

/* Copies what a child writes to the pipe fd, line by line, until it ends
 * (or ms pass) or, with stop, until a line holding stop, which it returns in
 * line. Narration ("* ...") goes to stderr with the side's label ("server: ",
 * "client: ") so the two sides of a step can be told apart; the rest goes to
 * rest: stdout indented, or stderr as it came. Returns 1 when stop was seen, else 0. */
static int relay(int fd, const char *label, FILE *rest, const char *stop, int64_t ms, char *line,
                 size_t n)
{
    size_t have = 0;
    struct nb_deadline end;
    struct nb_err e;

    nb_deadline_init(&end, ms);
    for (;;) {
        ssize_t got = nb_pipe_read(fd, line + have, 1, nb_deadline_left(&end), &e);
        if (got > 0 && line[have] != '\n' && have + 2 < n) {
            have++;
            continue;
        }
        if (got > 0 && line[have] != '\n')
            have++; /* a line longer than the buffer: shown in pieces */
        if (got <= 0 && have == 0)
            return 0;
        line[have] = '\0';
        /* a child's lines are already escaped; the writers keep them so */
        if (line[0] == '*' && line[1] == ' ')
            nb_notef("   %s%s", label, line);
        else if (rest == stdout)
            printf("   %s\n", line);
        else
            nb_notef("%s", line);
        fflush(stdout);
        if (stop && strstr(line, stop))
            return 1;
        if (got <= 0)
            return 0;
        have = 0;
    }
}

/* Runs one command of a step and waits for it. With label (under -x, in a
 * step with a server) its stderr is relayed labelled; else it is the
 * tour's. Returns its exit status, or -1 when it could not run. */
static int run_cmd(const struct tour *t, const struct step_run *r, const struct nb_tour_cmd *cmd,
                   const char *label)
{
    struct cmdline c;
    struct nb_err e;
    pid_t pid;
    int rc, in = NB_SPAWN_DEVNULL, fds[3] = {NB_SPAWN_DEVNULL, -1, -1}, out = -1;
    char line[4096];

    say(r, cmd->before);
    cmdline_build(t, r, cmd->args, sizeof cmd->args / sizeof cmd->args[0], &c);
    if (cmd->input && (in = nb_pipe_text(cmd->input, &e)) < 0)
        in = NB_SPAWN_DEVNULL;
    show_command(t, cmd->shown, &c);
    fds[0] = in;
    if (label)
        rc = nb_spawn_piped(t->self, c.argv, in, 2, &pid, &out, &e);
    else
        rc = nb_spawn(t->self, c.argv, fds, &pid, &e);
    if (in >= 0)
        close(in);
    if (rc == 0 && out >= 0) {
        relay(out, label, stderr, NULL, STEP_TIMEOUT_MS, line, sizeof line);
        close(out);
    }
    if (rc == 0)
        rc = nb_wait(pid, STEP_TIMEOUT_MS, &e);
    if (rc < 0)
        nb_errorf("tour", "%s", e.msg);
    say(r, cmd->after);
    return rc;
}

/* Relays the server's words until "Listening on ADDR:PORT": puts the port
 * in r. Returns 0, or -1 when it never came. */
static int await_port(struct step_run *r)
{
    char buf[512];
    const char *line, *colon;
    uint64_t port;

    if (!relay(r->out, "server: ", stdout, "Listening on ", 10000, buf, sizeof buf))
        return -1;
    line = strstr(buf, "Listening on ");
    colon = strrchr(line, ':');
    if (!colon || nb_parse_uint(colon + 1, 1, 65535, "port", &port, NULL) < 0)
        return -1;
    snprintf(r->port, sizeof r->port, "%u", (unsigned)port);
    snprintf(r->url, sizeof r->url, "http://127.0.0.1:%u/", (unsigned)port);
    return 0;
}

/* Writes a new file holding text; returns 0, or -1. */
static int write_new_file(const char *path, const char *text, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

    if (fd < 0 || nb_write_all(fd, text, n) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return close(fd);
}

/* Writes the web server's ready-made answer to r->response. */
static int write_response(const char *page, const struct step_run *r)
{
    char resp[512];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     strlen(page), page);

    if (n < 0 || (size_t)n >= sizeof resp || write_new_file(r->response, resp, (size_t)n) < 0)
        return -1;
    printf("   A web server is a program that answers a request with text. Here it is\n"
           "   'listen --raw' sending a ready-made answer (%s):\n",
           r->response);
    return 0;
}

/* Starts the step's server and learns its port. Returns 0, or -1. */
static int start_server(const struct tour *t, const struct nb_tour_server *s, struct step_run *r)
{
    struct cmdline c;
    struct nb_err e;
    int in = -1, rc;

    if (s->page) {
        if (write_response(s->page, r) < 0)
            return -1;
        in = open(r->response, O_RDONLY | O_CLOEXEC);
    }
    cmdline_build(t, r, s->args, sizeof s->args / sizeof s->args[0], &c);
    show_command(t, NULL, &c);
    /* under -x its narration (stderr) comes through the pipe too, to be labelled */
    rc =
        nb_spawn_piped(t->self, c.argv, in, s->outs | (t->explain ? 2u : 0u), &r->pid, &r->out, &e);
    if (in >= 0)
        close(in);
    if (rc < 0 || await_port(r) < 0) {
        nb_errorf("tour", "the server did not start");
        return -1;
    }
    return 0;
}

/* Relays what the server still prints until it ends; then waits for it.
 * Returns its exit status, or -1. */
static int finish_server(struct step_run *r)
{
    char buf[4096];
    struct nb_err e;

    relay(r->out, "server: ", stdout, NULL, 10000, buf, sizeof buf);
    if (r->out >= 0)
        close(r->out);
    r->out = -1;
    return r->pid > 0 ? nb_wait(r->pid, 10000, &e) : -1;
}

/* The name of the downloaded copy: mycopy.html in copy_dir, or the first of
 * mycopy-2.html ... mycopy-99.html not taken yet, so no file there is lost. */
static void pick_copy_name(struct tour *t)
{
    const char *dir = strcmp(t->copy_dir, ".") ? t->copy_dir : NULL;
    struct stat st;

    for (int n = 1; n < 100; n++) {
        char name[32];
        snprintf(name, sizeof name, n == 1 ? "mycopy.html" : "mycopy-%d.html", n);
        snprintf(t->copy, sizeof t->copy, "%s%s%.31s", dir ? dir : "", dir ? "/" : "", name);
        if (lstat(t->copy, &st) < 0)
            return;
    }
}

/* Runs a step's server and commands; returns 1 when each did as the lesson says. */
static int run_commands(const struct tour *t, const struct nb_tour_step *s)
{
    struct step_run r = {.out = -1};
    int ok = 1, rc;

    snprintf(r.copy, sizeof r.copy, "%s", t->copy);
    snprintf(r.response, sizeof r.response, "%s/response.http", t->dir);
    if (s->server.args[0] && start_server(t, &s->server, &r) < 0) {
        if (r.pid > 0)
            nb_spawn_stop(r.pid, 2000, NULL);
        if (r.out >= 0)
            close(r.out);
        return 0;
    }
    for (size_t i = 0; i < sizeof s->cmd / sizeof s->cmd[0]; i++)
        if (s->cmd[i].args[0])
            ok &= run_cmd(t, &r, &s->cmd[i], t->explain && s->server.args[0] ? "client: " : NULL) ==
                  s->cmd[i].expect;
    if (s->server.args[0]) {
        rc = finish_server(&r);
        ok &= s->server.expect < 0 || rc == s->server.expect;
    }
    return ok;
}

static int run_step(struct tour *t, int i)
{
    const struct nb_tour_step *s = &t->steps[i];
    int ok;

    printf("\n%s== Step %d of %d: %s%s\n", t->c.bold, i + 1, t->nsteps, s->title, t->c.reset);
    printf("   lesson:  %s\n   python:  %s\n", s->lesson, s->python);
    fflush(stdout);
    ok = run_commands(t, s);
    printf("   Check: %s%s%s, %s.\n", ok ? t->c.green : t->c.red, ok ? "passed" : "FAILED",
           t->c.reset,
           ok ? "each command did what the lesson says"
              : "a command did not do what the lesson "
                "says");
    fflush(stdout);
    return ok;
}

/* On a terminal, between two steps: waits for Enter (the next step) or q (stop).
 * Enter alone is an answer here, which the item reader (lines.c) skips by
 * policy, so this reads its one line itself. Returns 1 to go on, 0 to stop;
 * at the end of input it goes on and stops pausing. */
static int pause_step(struct tour *t, int next)
{
    char ch, first = 0;
    ssize_t n;

    printf("\n   [Enter: step %d of %d, %s; q: stop] ", next + 1, t->nsteps, t->steps[next].title);
    fflush(stdout);
    while ((n = read(0, &ch, 1)) == 1 || (n < 0 && errno == EINTR)) {
        if (n < 0)
            continue;
        if (ch == '\n')
            return first != 'q' && first != 'Q';
        if (!first && ch != ' ' && ch != '\t')
            first = ch;
    }
    t->paced = 0; /* no more input: the rest runs without pausing */
    putchar('\n');
    return 1;
}

static void remove_dir(const char *dir)
{
    static const char *const files[] = {"response.http", "resolv.conf"};
    char p[PATH_MAX + 32];

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

/* Starts the tour's name server (the lesson's example, NXDOMAIN for every
 * other name) and writes a resolv.conf naming it into conf. Returns 0, or -1. */
static int start_dns(struct tour *t, char *conf, size_t n)
{
    struct nb_addr lo;
    struct nb_err e;
    char text[64];

    nb_ip4_parse("127.0.0.1", 9, &lo, NULL);
    /* at most 50 queries in at most 5 minutes, then it goes */
    if (nb_dns_responder_start(&t->dns, &lo, 50, 300000, &e) < 0)
        return -1;
    snprintf(conf, n, "%s/resolv.conf", t->dir);
    snprintf(text, sizeof text, "nameserver 127.0.0.1#%u\noptions timeout:2 attempts:1\n",
             t->dns.port);
    return write_new_file(conf, text, strlen(text));
}

int cmd_tour(int argc, char **argv)
{
    struct tour t = {.color = "auto", .copy_dir = "."};
    struct nb_explain x = {0};
    int list = 0;
    const struct nb_option options[] = {
        NB_OPT_OPERAND("STEP", "run only this step (1 to 8)"),
        NB_OPT_BOOL('l', "list", &list, "list the steps"),
        NB_OPT_STRING('d', "dir", &t.copy_dir, "DIR",
                      "save the downloaded copy in DIR (default: the current directory)"),
        NB_OPT_BOOL(0, "no-pause", &t.no_pause,
                    "run every step without waiting (the default when stdout is no terminal)"),
        NB_OPT__EXPLAIN(&x, "every step narrates its socket calls, each line labelled "
                            "server: or client: where a step has both"),
        NB_OPT__COLOR(&t.color),
        NB_OPT_ARGS(0, 1, "at most one STEP"),
        NB_OPT_END,
    };
    const char *tmp = getenv("TMPDIR");
    char conf[PATH_MAX + 32];
    struct nb_err e;
    uint64_t only = 0;
    int argi, failed = 0, stopped = 0, copied = 0, rc;

    t.steps = nb_tour_steps(&t.nsteps);
    if ((rc = cmd_options(options, USAGE, EPILOG, argc, argv, &argi)) != CMD_GO)
        return rc;
    if (list) {
        for (int i = 0; i < t.nsteps; i++)
            printf("%d  %s\n", i + 1, t.steps[i].title);
        return NB_EXIT_OK;
    }
    t.explain = nb_explaining(&x) ? x.level : 0;
    if (argi < argc && nb_parse_uint(argv[argi], 1, t.nsteps, "step", &only, &e) < 0)
        return cmd_arg_report("tour", &e);
    nb_colors_init(&t.c, nb_color_wanted(1, t.color));
    t.paced = !t.no_pause && isatty(1);
    pick_copy_name(&t);
    if (!realpath(nb_self_path(), t.self))
        snprintf(t.self, sizeof t.self, "%s", nb_self_path());
    snprintf(t.dir, sizeof t.dir, "%s/netbasics-tour-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t.dir))
        return nb_errorf("tour", "cannot make a temporary directory: %s", strerror(errno)),
               NB_EXIT_SYS;
    /* resolve must never ask this machine's name server: point it at ours */
    if (start_dns(&t, conf, sizeof conf) < 0) {
        nb_dns_responder_stop(&t.dns, &e);
        remove_dir(t.dir);
        return nb_errorf("tour", "cannot start the tour's name server"), NB_EXIT_SYS;
    }
    setenv("NB_RESOLV_CONF", conf, 1);
    setenv("NO_COLOR", "1", 0);
    printf("netbasics tour: the lesson \"Python Networking Basics\", offline, on 127.0.0.1.\n"
           "(resolve uses the tour's own name server at 127.0.0.1:%u through NB_RESOLV_CONF,\n"
           "so nothing leaves this machine.)\n",
           t.dns.port);
    for (int i = 0, ran = 0; i < t.nsteps; i++) {
        if (only && (uint64_t)i + 1 != only)
            continue;
        if (ran++ && t.paced && !pause_step(&t, i)) {
            stopped = i;
            break;
        }
        if (!run_step(&t, i))
            failed = failed ? failed : i + 1;
        if (i + 1 == t.nsteps)
            copied = 1;
    }
    nb_dns_responder_stop(&t.dns, &e);
    remove_dir(t.dir);
    if (copied) {
        char here[PATH_MAX];
        const char *d = strcmp(t.copy_dir, ".") ? "" : getcwd(here, sizeof here);
        printf("\nYour copy of the page stays in %s%s%s: open it, and do the "
               "lesson's\nlast exercise from it.\n",
               d ? d : ".", d && *d ? "/" : "", t.copy);
    }
    if (stopped) {
        printf("\nStopped before step %d of %d ('netbasics tour %d' runs it alone).\n", stopped + 1,
               t.nsteps, stopped + 1);
    }
    if (failed) {
        nb_errorf("tour", "step %d did not go as the lesson says", failed);
        return NB_EXIT_NEGATIVE;
    }
    if (!stopped)
        printf("\nAll done: every step went as the lesson says.\n");
    return NB_EXIT_OK;
}
