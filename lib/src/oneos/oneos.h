/* SPDX-License-Identifier: MIT */
/* oneos.h - what the OneOS sources share. */
#ifndef MHL_ONEOS_H
#define MHL_ONEOS_H

#include <os_memory.h>

#include "../core/core.h"

/* OS_MEM_ALG_* to the engine's algorithm; -1 for an unknown value. */
int mhl_oneos_algo(enum os_mem_alg alg, enum mh_algo *out);

/* MHL_* to the OneOS code the documentation gives for it. */
os_err_t mhl_oneos_err(int mhl_rc);

#endif /* MHL_ONEOS_H */
