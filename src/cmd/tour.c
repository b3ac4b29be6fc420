/* tour.c - `netbasics tour`: the whole lesson, offline, in one command: each
 * step prints the command a learner would type beside the lesson's Python,
 * then runs it (netbasics runs itself), on loopback only. */
#define _GNU_SOURCE /* pipe2 */
#include "cmd/cmd.h"

#include <netbasics/clock.h>
#include <netbasics/dns.h>
#include <netbasics/lesson.h>
#include <netbasics/io.h>
#include <netbasics/num.h>
#include <netbasics/out.h>
#include <netbasics/sock.h>
#include <netbasics/spawn.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
    "\n"
    "  STEP           run only this step (1 to 7)\n"
    "  -l, --list     list the steps\n"
    "      --keep     keep the temporary directory with the downloaded copy\n"
    "  -x, --explain  every step narrates its socket calls\n"
    "  -h, --help     this help\n"
    "\n"
    "Exit status: 0 every step went as the lesson says, 1 one did not.\n";

struct tour {
    int explain, keep;
    char dir[PATH_MAX];
    pid_t dns_pid;
    struct nb_colors c;
};


/* Prints "   $ netbasics ARGS" the way a learner would type it. */
static void show_command(const struct tour *t, const char *prefix, char *const argv[])
{
    printf("   %s$ %s%s", t->c.bold, prefix ? prefix : "", "netbasics");
    for (int i = 1; argv[i]; i++)
        printf(strpbrk(argv[i], " '\"$|<>&;*?\\") ? " '%s'" : " %s", argv[i]);
    printf("%s\n", t->c.reset);
    fflush(stdout);
}

/* argv with -x added after the command when explaining; returns it in buf. */
static char **with_explain(const struct tour *t, char *const argv[], char **buf, size_t n)
{
    size_t k = 0;
    static char x[] = "-x";

    buf[k++] = argv[0];
    buf[k++] = argv[1];
    if (t->explain)
        buf[k++] = x;
    for (int i = 2; argv[i] && k + 1 < n; i++)
        buf[k++] = argv[i];
    buf[k] = NULL;
    return buf;
}

/* Runs netbasics with argv (argv[0] is "netbasics"), stdin from in_fd (-1:
 * /dev/null). Returns its exit status, or -1 when it could not run. */
static int run_self(const struct tour *t, char *const argv[], int in_fd, const char *prefix)
{
    char *args[32];
    struct nb_err e;
    int devnull = -1, rc, fds[3] = {-1, -1, -1};
    pid_t pid;

    show_command(t, prefix, argv);
    if (in_fd < 0)
        in_fd = devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    fds[0] = in_fd;
    if (nb_spawn(nb_self_path(), with_explain(t, argv, args, 32), fds, &pid, &e) < 0) {
        if (devnull >= 0)
            close(devnull);
        nb_errorf("tour", "%s", e.msg);
        return -1;
    }
    if (devnull >= 0)
        close(devnull);
    rc = nb_wait(pid, STEP_TIMEOUT_MS, &e);
    if (rc < 0)
        nb_errorf("tour", "%s", e.msg);
    return rc;
}

/* A pipe whose read end carries text: the stdin of a step's command. */
static int text_pipe(const char *text)
{
    int p[2];
    size_t n = strlen(text);

    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    if (n > 4096 || nb_write_all(p[1], text, n) < 0) { /* fits the pipe: never blocks */
        close(p[0]);
        close(p[1]);
        return -1;
    }
    close(p[1]);
    return p[0];
}

/* Starts netbasics in the background with its narration (fd 1 or 2) on a
 * pipe, and reads lines until "Listening on ADDR:PORT": returns the port, or
 * 0 on failure. The pipe stays open in *out_fd for the rest of the output. */
static unsigned start_server(const struct tour *t, char *const argv[], int in_fd, int which,
                             pid_t *pid, int *out_fd)
{
    char *args[32], buf[512];
    struct nb_err e;
    int p[2], fds[3] = {in_fd, -1, -1};
    size_t have = 0;
    struct nb_deadline d;
    struct nb_stream out;

    show_command(t, NULL, argv);
    if (pipe2(p, O_CLOEXEC) < 0)
        return 0;
    fds[which] = p[1];
    if (which == 2)
        fds[1] = p[1]; /* a raw server's stdout is what it received: show it too */
    if (nb_spawn(nb_self_path(), with_explain(t, argv, args, 32), fds, pid, &e) < 0) {
        close(p[0]);
        close(p[1]);
        return 0;
    }
    close(p[1]);
    *out_fd = p[0];
    nb_io_stream(&out, p[0], NULL);
    nb_deadline_init(&d, 10000);
    while (have < sizeof buf - 1) {
        ssize_t n = nb_stream_read(&out, buf + have, 1, nb_deadline_left(&d), &e);
        char *line;
        if (n <= 0)
            break;
        have += (size_t)n;
        buf[have] = '\0';
        if (buf[have - 1] != '\n')
            continue;
        printf("   %s", buf); /* the server's own words, as they come */
        line = strstr(buf, "Listening on ");
        if (line) {
            char *colon = strrchr(line, ':');
            unsigned long port = colon ? strtoul(colon + 1, NULL, 10) : 0;
            return port > 0 && port < 65536 ? (unsigned)port : 0;
        }
        have = 0;
    }
    return 0;
}

/* Copies what a background server still prints, indented, until it ends. */
static void drain(int fd)
{
    char buf[4096];
    ssize_t n;
    int bol = 1;

    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (bol)
                fputs("   ", stdout);
            putchar(buf[i]);
            bol = buf[i] == '\n';
        }
    close(fd);
}

/* A name server for the tour that knows nothing: it answers NXDOMAIN, as a
 * real one does for "localhost", which is what nslookup then shows. */
static unsigned start_dns(struct tour *t)
{
    struct nb_sockaddr sa, local;
    struct nb_addr lo;
    struct nb_err e;
    int fd;
    pid_t pid;

    nb_ip4_parse("127.0.0.1", 9, &lo, NULL);
    if (nb_sockaddr_from_addr(&lo, 0, &sa, &e) < 0 || (fd = nb_sock_udp_bind(&sa, NULL, &e)) < 0 ||
        nb_sock_local(fd, &local, &e) < 0)
        return 0;
    pid = fork();
    if (pid < 0) {
        close(fd);
        return 0;
    }
    if (pid == 0) {
        /* answer at most 50 queries in at most 5 minutes, then go */
        int64_t end = nb_now_ms() + 300000;
        for (int i = 0; i < 50 && nb_now_ms() < end; i++) {
            uint8_t q[512], r[512];
            struct nb_sockaddr peer;
            ssize_t n = nb_sock_recvfrom(fd, q, sizeof q, end - nb_now_ms(), &peer, &e);
            size_t rl;
            if (n < 0)
                break;
            rl = nb_dns_nxdomain(q, (size_t)n, r, sizeof r);
            if (rl)
                nb_sock_sendto(fd, r, rl, &peer, &e);
        }
        _exit(0);
    }
    close(fd);
    t->dns_pid = pid;
    return nb_sockaddr_port(&local);
}

static int step_hosts(struct tour *t)
{
    char *argv[] = {"netbasics", "resolve", "localhost", NULL};
    int rc = run_self(t, argv, -1, NULL);
    printf("   Python's socket module (getaddrinfo) reads the hosts file before asking DNS, as "
           "above.\n");
    return rc == 0;
}

static int step_dns(struct tour *t)
{
    char *argv[] = {"netbasics", "resolve", "--dns-only", "localhost", NULL};
    int rc = run_self(t, argv, -1, NULL);
    printf("   nslookup asks a name server only. The tour's own name server (on 127.0.0.1)\n"
           "   has never heard of 'localhost' and says NXDOMAIN, as many real ones do: that\n"
           "   is why nslookup and Python can disagree about a name.\n");
    return rc == 1;
}

static int step_octets_lo(struct tour *t)
{
    char *argv[] = {"netbasics", "octets", "127.0.0.1", NULL};
    return run_self(t, argv, -1, NULL) == 0;
}

static int step_octets_lesson(struct tour *t)
{
    char *argv[] = {"netbasics", "octets", "185.172.165.184", NULL};
    char *quiz[] = {"netbasics", "octets", "--quiz", "--count", "1", NULL};
    int in, ok = run_self(t, argv, -1, NULL) == 0;

    printf("\n   Quiz yourself:\n");
    in = text_pipe("255\n");
    ok &= run_self(t, quiz, in, "echo 255 | ") == 0;
    if (in >= 0)
        close(in);
    return ok;
}

static int step_checksock(struct tour *t)
{
    char *argv[] = {"netbasics", "checksock", "127.0.0.1:9087", "256.1.1.1:80", "1.2.3.4:70000",
                    NULL};
    char *lenient[] = {"netbasics", "checksock", "--lenient", "127.1:9087", NULL};
    int ok = run_self(t, argv, -1, NULL) == 1;

    printf("\n   The lesson's isipandport() uses inet_aton, which accepts more than it should:\n");
    ok &= run_self(t, lenient, -1, NULL) == 0;
    return ok;
}

static int step_talk(struct tour *t)
{
    char *listen[] = {"netbasics", "listen", "127.0.0.1:0", NULL};
    char port[16], *send[] = {"netbasics", "send", "127.0.0.1", port, NULL};
    struct nb_err e;
    pid_t pid;
    int out = -1, in, rc, ok;
    unsigned p = start_server(t, listen, -1, 1, &pid, &out);

    if (!p) {
        nb_errorf("tour", "the server did not start");
        if (out >= 0)
            close(out);
        return 0;
    }
    snprintf(port, sizeof port, "%u", p);
    in = text_pipe("hello\nbye\n");
    rc = run_self(t, send, in, "printf 'hello\\nbye\\n' | ");
    if (in >= 0)
        close(in);
    drain(out);
    ok = rc == 0 && nb_wait(pid, 10000, &e) == 0;
    return ok;
}

static int step_fetch(struct tour *t)
{
    static const char page[] = "<!doctype html><title>netbasics tour</title>"
                               "<h1>Hello from 127.0.0.1</h1>\n";
    char resp[512], path[PATH_MAX + 32], url[64], port[16];
    char *listen[] = {"netbasics", "listen", "--raw", "127.0.0.1:0", NULL};
    char *fetch[] = {"netbasics", "fetch", "-o", path, url, NULL};
    struct nb_err e;
    pid_t pid;
    int out = -1, in, rc, fd, n;
    unsigned p;

    n = snprintf(resp, sizeof resp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 sizeof page - 1, page);
    snprintf(path, sizeof path, "%s/response.http", t->dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || nb_write_all(fd, resp, (size_t)n) < 0) {
        if (fd >= 0)
            close(fd);
        return 0;
    }
    close(fd);
    printf("   A web server is a program that answers a request with text. Here it is\n"
           "   'listen --raw' sending a ready-made answer (%s):\n", path);
    in = open(path, O_RDONLY | O_CLOEXEC);
    p = start_server(t, listen, in, 2, &pid, &out);
    if (in >= 0)
        close(in);
    if (!p) {
        if (out >= 0)
            close(out);
        return 0;
    }
    snprintf(port, sizeof port, "%u", p);
    snprintf(url, sizeof url, "http://127.0.0.1:%s/", port);
    snprintf(path, sizeof path, "%s/mycopy.html", t->dir);
    rc = run_self(t, fetch, -1, NULL);
    nb_wait(pid, 10000, &e);
    drain(out);
    return rc == 0;
}

/* The steps' code, in the order of the lesson's texts (nb_tour_texts). */
static int (*const STEPS[])(struct tour *t) = {
    step_hosts, step_dns, step_octets_lo, step_octets_lesson, step_checksock, step_talk, step_fetch,
};
#define NSTEPS (int)(sizeof STEPS / sizeof STEPS[0])

static int run_step(struct tour *t, int i)
{
    size_t n;
    const struct nb_tour_text *text = nb_tour_texts(&n);
    int ok;

    printf("\n%s== Step %d of %d: %s%s\n", t->c.bold, i + 1, NSTEPS, text[i].title, t->c.reset);
    printf("   lesson:  %s\n   python:  %s\n", text[i].lesson, text[i].python);
    fflush(stdout);
    ok = STEPS[i](t);
    printf("   %s%s%s\n", ok ? t->c.green : t->c.red, ok ? "(as the lesson says)" : "(this step "
                                                                                    "went wrong)",
           t->c.reset);
    fflush(stdout);
    return ok;
}

static void remove_dir(const char *dir)
{
    static const char *const files[] = {"response.http", "mycopy.html", "resolv.conf"};
    char p[PATH_MAX + 32];

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
}

int cmd_tour(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"list", no_argument, NULL, 'l'},    {"keep", no_argument, NULL, 'k'},
        {"explain", no_argument, NULL, 'x'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct tour t = {0};
    const char *tmp = getenv("TMPDIR");
    char conf[PATH_MAX + 32], text[64];
    struct nb_err e;
    uint64_t only = 0;
    unsigned dns_port;
    int ch, failed = 0, fd;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":lxh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'l':
            for (int i = 0; i < NSTEPS; i++)
                printf("%d  %s\n", i + 1, nb_tour_texts(NULL)[i].title);
            return NB_EXIT_OK;
        case 'k':
            t.keep = 1;
            break;
        case 'x':
            t.explain = 1;
            break;
        case 'h':
            fputs(USAGE, stdout);
            return NB_EXIT_OK;
        default:
            return cmd_bad_option("tour", ch, argv);
        }
    }
    if (argc - optind > 1)
        return nb_errorf("tour", "takes at most one STEP"), NB_EXIT_USAGE;
    if (optind < argc && nb_parse_uint(argv[optind], 1, NSTEPS, "step", &only, &e) < 0)
        return nb_errorf("tour", "%s", e.msg), NB_EXIT_USAGE;
    nb_colors_init(&t.c, nb_color_wanted(1, "auto"));
    snprintf(t.dir, sizeof t.dir, "%s/netbasics-tour-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(t.dir))
        return nb_errorf("tour", "cannot make a temporary directory: %s", strerror(errno)),
               NB_EXIT_SYS;
    /* resolve must never ask this machine's name server: point it at ours */
    dns_port = start_dns(&t);
    snprintf(conf, sizeof conf, "%s/resolv.conf", t.dir);
    fd = open(conf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    snprintf(text, sizeof text, "nameserver 127.0.0.1#%u\noptions timeout:2 attempts:1\n",
             dns_port);
    if (fd < 0 || nb_write_all(fd, text, strlen(text)) < 0 || !dns_port) {
        if (fd >= 0)
            close(fd);
        if (t.dns_pid > 0) {
            kill(t.dns_pid, SIGTERM);
            nb_wait(t.dns_pid, 2000, &e);
        }
        remove_dir(t.dir);
        return nb_errorf("tour", "cannot start the tour's name server"), NB_EXIT_SYS;
    }
    close(fd);
    setenv("NB_RESOLV_CONF", conf, 1);
    setenv("NO_COLOR", "1", 0);
    printf("netbasics tour: the lesson \"Python Networking Basics\", offline, on 127.0.0.1.\n"
           "(resolve uses the tour's own name server at 127.0.0.1:%u through NB_RESOLV_CONF,\n"
           "so nothing leaves this machine.)\n", dns_port);
    for (int i = 0; i < NSTEPS; i++)
        if (!only || (uint64_t)i + 1 == only)
            if (!run_step(&t, i))
                failed = failed ? failed : i + 1;
    kill(t.dns_pid, SIGTERM);
    nb_wait(t.dns_pid, 2000, &e);
    if (t.keep) {
        printf("\nThe downloaded copy stays in %s (--keep).\n", t.dir);
    } else {
        if (!only || only == NSTEPS)
            printf("\nThe tour removes its temporary directory now; 'netbasics tour --keep' "
                   "keeps the copy.\n");
        remove_dir(t.dir);
    }
    if (failed) {
        nb_errorf("tour", "step %d did not go as the lesson says", failed);
        return NB_EXIT_NEGATIVE;
    }
    printf("\nAll done: every step went as the lesson says.\n");
    return NB_EXIT_OK;
}
