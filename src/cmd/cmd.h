/* cmd.h - the subcommands. To add one: write src/cmd/NAME.c exporting
 * `int cmd_NAME(int argc, char **argv)` (argv[0] is "NAME"; it parses its own
 * options and returns an exit status), declare it here, add a row to main.c. */
#ifndef NETBASICS_CMD_H
#define NETBASICS_CMD_H

int cmd_octets(int argc, char **argv);
int cmd_checksock(int argc, char **argv);
int cmd_listen(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_resolve(int argc, char **argv);
int cmd_fetch(int argc, char **argv);
int cmd_ports(int argc, char **argv);
int cmd_tour(int argc, char **argv);

/* The shared end of every command's option loop (common.c): prints "option
 * '-w' needs a value" or "unknown option '--x'" with the command's --help
 * hint and returns the usage status. ch is what getopt_long returned. */
int cmd_bad_option(const char *cmd, int ch, char **argv);

#endif
