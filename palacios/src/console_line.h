/* SPDX-License-Identifier: MIT */
/*
 * Guest console output collected into lines for the host console: each
 * complete line reaches v3_host->print() as "vm NAME: ...". Shared by the
 * devices a guest writes text through (debug ports, UARTs). '\r' is dropped,
 * anything unprintable is shown as '?' so a guest cannot drive the host
 * terminal, and an over-long line is cut into pieces.
 */
#ifndef V3_CONSOLE_LINE_H
#define V3_CONSOLE_LINE_H

#include <v3/types.h>

struct v3_vm;

#define V3_CONSOLE_LINE_MAX 160

struct v3_console_line {
	const struct v3_vm *vm;
	char buf[V3_CONSOLE_LINE_MAX];
	unsigned int len;
};

void v3_console_line_init(struct v3_console_line *l, const struct v3_vm *vm);
/* Add one guest character; a '\n' or a full buffer prints the line. */
void v3_console_line_putc(struct v3_console_line *l, char c);
/* Print what is pending, if anything (a device being freed). */
void v3_console_line_flush(struct v3_console_line *l);

#endif /* V3_CONSOLE_LINE_H */
