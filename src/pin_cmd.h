/*
 * pin_cmd.h - `noticegen pin verify|reissue|history|rekey`: what helpline
 * staff and the online portal do with a party's account PIN.
 */
#ifndef NG_PIN_CMD_H
#define NG_PIN_CMD_H

/*
 * Runs one pin subcommand; argv[0] is "pin", argv[1] the subcommand.
 * Prints results on stdout and one error line on stderr, and returns the
 * process's exit status (see the table at the top of pin_cmd.c).
 */
int pin_cmd_main(int argc, char **argv);

#endif
