/* main.c - the command table of netbasics and its dispatch; nothing else. */
#include "cmd/cmd.h"

#include <netbasics/cli.h>
#include <netbasics/err.h>
#include <netbasics/io.h>
#include <netbasics/out.h>
#include <netbasics/tls.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

/* In the order the lesson meets them. */
static const struct command COMMANDS[] = {
    {"tour", cmd_tour, "the whole lesson, offline, step by step, with the Python beside it"},
    {"resolve", cmd_resolve,
     "look up a name: its server, canonical names and addresses (nslookup, dig)"},
    {"octets", cmd_octets, "an address's octets in decimal, binary and hex; CIDR blocks; a quiz"},
    {"listen", cmd_listen, "the lesson's server: answer 'You said ...' until 'bye' (nc -l)"},
    {"send", cmd_send, "the lesson's netcat client: send, half-close, read to the end (nc)"},
    {"checksock", cmd_checksock, "check IP:PORT sockets, the lesson's isipandport, at grep speed"},
    {"fetch", cmd_fetch, "download a URL over HTTP/1.1 and save a local copy (curl, wget)"},
    {"ports", cmd_ports, "the sockets on this machine and who holds them (netstat -an)"},
};
#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void usage(FILE *f)
{
    size_t i;

    fprintf(f,
            "usage: netbasics COMMAND [OPTIONS] [ARGS]\n"
            "       netbasics help [COMMAND]    netbasics --version\n\n"
            "The companion of the lesson \"Python Networking Basics\": each command does one\n"
            "of the lesson's jobs for real, and -x/--explain tells what it does, step by step.\n\n"
            "commands:\n");
    for (i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f,
            "\nRun 'netbasics COMMAND --help' for a command's options; 'man netbasics' for all.\n"
            "Exit status: 0 success, 1 negative answer, 2 usage, 3 resolution failed,\n"
            "4 connection failed, 5 protocol error, 6 local error, 7 timed out,\n"
            "8 no TLS library (https needs libssl3), 9 TLS failed.\n");
}

static const struct command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(COMMANDS[i].name, name))
            return &COMMANDS[i];
    return NULL;
}

static int unknown(const char *name)
{
    const char *names[NCOMMANDS];
    const char *near;

    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = COMMANDS[i].name;
    near = nb_closest(name, names, NCOMMANDS);
    if (near)
        nb_errorf(NULL, "'%s' is not a command; did you mean '%s'? (see 'netbasics --help')", name,
                  near);
    else
        nb_errorf(NULL, "'%s' is not a command (see 'netbasics --help')", name);
    return NB_EXIT_USAGE;
}

static int run(const struct command *c, int argc, char **argv)
{
    return nb_finish_stdout(c->name, c->run(argc, argv));
}

int main(int argc, char **argv)
{
    const struct command *c;

    if (nb_io_std_open() < 0) /* a closed 0, 1 or 2 must not become a socket */
        return NB_EXIT_SYS;
    signal(SIGPIPE, SIG_IGN); /* a closed pipe or peer is an error return, not a death */
    if (argc < 2) {
        usage(stderr);
        return NB_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return nb_finish_stdout(NULL, NB_EXIT_OK);
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        const char *tls = nb_tls_version(); /* loads the library: only here and for https */
        printf("netbasics %s\n"
               "features: ipv4 ipv6 dns-stub(udp,tcp,edns0) http/1.1 explain %s%s%s\n"
               "build: %s\n",
               NB_VERSION, tls ? "tls(system OpenSSL " : "-tls (libssl.so.3 not found)",
               tls ? tls : "", tls ? ")" : "", NB_BUILD);
        return nb_finish_stdout(NULL, NB_EXIT_OK);
    }
    if (!strcmp(argv[1], "help")) {
        char help[] = "--help"; /* argv holds char *, not string literals */
        char *hargv[] = {argv[2], help, NULL};
        if (argc > 3) {
            nb_errorf(NULL, "help takes at most one COMMAND, not %d words (see 'netbasics --help')",
                      argc - 2);
            return NB_EXIT_USAGE;
        }
        if (argc < 3 || !strcmp(argv[2], "help")) { /* help help: this usage says it */
            usage(stdout);
            return nb_finish_stdout(NULL, NB_EXIT_OK);
        }
        c = find(argv[2]);
        return c ? run(c, 2, hargv) : unknown(argv[2]);
    }
    if (argv[1][0] == '-') {
        nb_errorf(NULL, "unknown option '%s' (see 'netbasics --help')", argv[1]);
        return NB_EXIT_USAGE;
    }
    c = find(argv[1]);
    return c ? run(c, argc - 1, argv + 1) : unknown(argv[1]);
}
