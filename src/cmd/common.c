/* common.c - what every command's option loop ends with: one message for an
 * unknown option or a missing value, one exit status. */
#include "cmd/cmd.h"

#include <netbasics/err.h>
#include <netbasics/out.h>

#include <getopt.h>
#include <string.h>

int cmd_bad_option(const char *cmd, int ch, char **argv)
{
    const char *arg = argv[optind - 1];
    char shortopt[3] = {'-', (char)optopt, '\0'};

    /* in a cluster such as -jZ, name the one option, not the whole word */
    if (optopt && strncmp(arg, "--", 2))
        arg = shortopt;
    if (ch == ':')
        nb_errorf(cmd, "option '%s' needs a value (see 'netbasics %s --help')", arg, cmd);
    else
        nb_errorf(cmd, "unknown option '%s' (see 'netbasics %s --help')", arg, cmd);
    return NB_EXIT_USAGE;
}
