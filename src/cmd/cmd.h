/* cmd.h - the subcommands and what they share.
 *
 * To add a command: write src/cmd/NAME.c exporting `int cmd_NAME(int argc,
 * char **argv)` (argv[0] is "NAME"). It begins with one table of NB_OPT_*
 * rows (<netbasics/opts.h>): each option with its help line and a pointer into
 * a local `struct NAME_opts`, the shared ones as NB_OPT__EXPLAIN, NB_OPT__JSON,
 * NB_OPT__QUIET, NB_OPT__FAMILY, NB_OPT__COLOR (-h/--help is always there),
 * then the rules: NB_OPT_CLASH, NB_OPT_NEEDS, NB_OPT_ARGS. It hands the table,
 * its hand-written usage text and epilog to cmd_options(), which parses,
 * prints --help with the option list made from the table, and reports usage
 * errors. Declare cmd_NAME here and add a row to main.c's table. */
#ifndef NETBASICS_CMD_H
#define NETBASICS_CMD_H

#include <netbasics/err.h>
#include <netbasics/opts.h>

int cmd_octets(int argc, char **argv);
int cmd_checksock(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_tour(int argc, char **argv);

#define CMD_GO (-1) /* cmd_options: the options are read, the command goes on */

/* Parses the command line by table (common.c). Returns CMD_GO with *argi the
 * first operand; or prints --help (usage, the option list, epilog if not NULL;
 * exit status 0) or the usage error, "netbasics NAME: MESSAGE (see 'netbasics
 * NAME --help')", and returns the status to exit with. NAME is argv[0]. */
int cmd_options(const struct nb_option *table, const char *usage, const char *epilog, int argc,
                char **argv, int *argi);

/* Prints a usage error of command cmd in the one shape cmd_options uses and
 * returns NB_EXIT_USAGE. */
int cmd_usage(const char *cmd, const char *fmt, ...) NB_PRINTF(2, 3);

/* Reports why an argument could not be used: a rule it broke (NB_E_INVALID)
 * is a usage error, as cmd_usage prints it; any other failure (a name that
 * does not resolve) is reported with its own exit status. */
int cmd_arg_report(const char *cmd, const struct nb_err *e);

#endif
