/* SPDX-License-Identifier: MIT */
/*
 * shell.h - scaffolding for building OneOS samples on Linux: SH_CMD_EXPORT
 * registers a command in this program's command table; sh_exec() echoes
 * "sh>name" and runs it, as typing it at the OneOS shell does.  Not part
 * of libmemheap's API.
 */
#ifndef SHELL_H
#define SHELL_H

#include <stdio.h>
#include <string.h>

struct sh_cmd {
	const char *name;
	void (*func)(void);
	const char *desc;
};

#define SH_MAX_CMDS	16
static struct sh_cmd sh_cmds[SH_MAX_CMDS];
static int sh_ncmds;

static inline void sh_register(const char *name, void (*func)(void),
			       const char *desc)
{
	if (sh_ncmds < SH_MAX_CMDS)
		sh_cmds[sh_ncmds++] = (struct sh_cmd){ name, func, desc };
}

#define SH_CMD_EXPORT(cmd, func, desc)					\
	__attribute__((constructor)) static void sh_register_##cmd(void) \
	{ sh_register(#cmd, func, desc); }				\
	struct sh_cmd_export_##cmd##_unused

/* 0 when the command ran, -1 when there is no such command. */
static inline int sh_exec(const char *name)
{
	for (int i = 0; i < sh_ncmds; i++) {
		if (strcmp(sh_cmds[i].name, name) == 0) {
			printf("sh>%s\n", name);
			sh_cmds[i].func();
			fflush(stdout);
			return 0;
		}
	}
	fprintf(stderr, "%s: command not found\n", name);
	return -1;
}

#endif /* SHELL_H */
