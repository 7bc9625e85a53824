/* SPDX-License-Identifier: MIT */
/* Guest console output as host log lines (console_line.h). */
#include "console_line.h"
#include "host_ops.h"
#include "lib/printf.h"
#include "vm.h"

void v3_console_line_init(struct v3_console_line *l, const struct v3_vm *vm)
{
	l->vm = vm;
	l->len = 0;
}

static void print_line(struct v3_console_line *l)
{
	char out[V3_CONSOLE_LINE_MAX + V3_CFG_NAME_MAX + 8];

	l->buf[l->len] = '\0';
	v3_snprintf(out, sizeof(out), "vm %s: %s", l->vm->name, l->buf);
	v3_host->print(out);
	l->len = 0;
}

void v3_console_line_putc(struct v3_console_line *l, char c)
{
	if (c == '\n') {
		print_line(l);
	} else if (c != '\r') {
		l->buf[l->len++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
		if (l->len == V3_CONSOLE_LINE_MAX - 1)
			print_line(l);
	}
}

void v3_console_line_flush(struct v3_console_line *l)
{
	if (l->len)
		print_line(l);
}
