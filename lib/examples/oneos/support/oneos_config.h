/* SPDX-License-Identifier: MIT */
/*
 * oneos_config.h - scaffolding for building OneOS samples on Linux: the
 * configuration the memory samples were written for (system heap,
 * first-fit and buddy).  Not part of libmemheap's API.
 */
#ifndef ONEOS_CONFIG_H
#define ONEOS_CONFIG_H

#define OS_USING_SYS_HEAP	1
#define OS_USING_ALG_FIRSTFIT	1
#define OS_USING_ALG_BUDDY	1
#define OS_USING_SHELL		1

#endif /* ONEOS_CONFIG_H */
