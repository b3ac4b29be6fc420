/* common.c - the printing half of the option front end: --help from the
 * command's table, and every usage error in one shape with one exit status. */
#include "cmd/cmd.h"

#include <netbasics/out.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int print_help(const struct nb_option *table, const char *usage, const char *epilog)
{
    size_t n = nb_opts_help(table, NULL, 0);
    char *list = malloc(n + 1);

    if (!list) {
        nb_errorf(NULL, "out of memory");
        return NB_EXIT_SYS;
    }
    nb_opts_help(table, list, n + 1);
    printf("%s\n%s", usage, list);
    if (epilog)
        printf("\n%s", epilog);
    free(list);
    return NB_EXIT_OK;
}

int cmd_usage(const char *cmd, const char *fmt, ...)
{
    char msg[NB_ERR_MSG_MAX + 64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nb_errorf(cmd, "%s (see 'netbasics %s --help')", msg, cmd);
    return NB_EXIT_USAGE;
}

int cmd_options(const struct nb_option *table, const char *usage, const char *epilog, int argc,
                char **argv, int *argi)
{
    struct nb_err e;
    int rc = nb_opts_parse(table, argc, argv, argi, &e);

    if (rc == NB_OPTS_HELP)
        return print_help(table, usage, epilog);
    if (rc < 0)
        return cmd_usage(argv[0], "%s", e.msg);
    return CMD_GO;
}

int cmd_arg_report(const char *cmd, const struct nb_err *e)
{
    if (e->code == NB_E_INVALID)
        return cmd_usage(cmd, "%s", e->msg);
    return nb_report(cmd, e);
}
