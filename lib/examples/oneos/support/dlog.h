/* SPDX-License-Identifier: MIT */
/*
 * dlog.h - scaffolding for building OneOS samples on Linux: the LOG_*
 * macros, printing "L/TAG: message" lines on stdout as OneOS's console
 * does.  Not part of libmemheap's API.
 */
#ifndef DLOG_H
#define DLOG_H

#include <stdio.h>

#define DLOG_PRINT_(level, tag, fmt, ...) \
	printf(level "/%s: " fmt "\n", tag, ##__VA_ARGS__)

#define LOG_E(tag, fmt, ...)	DLOG_PRINT_("E", tag, fmt, ##__VA_ARGS__)
#define LOG_W(tag, fmt, ...)	DLOG_PRINT_("W", tag, fmt, ##__VA_ARGS__)
#define LOG_I(tag, fmt, ...)	DLOG_PRINT_("I", tag, fmt, ##__VA_ARGS__)
#define LOG_D(tag, fmt, ...)	DLOG_PRINT_("D", tag, fmt, ##__VA_ARGS__)

#endif /* DLOG_H */
