/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* misuse_canary_tail: ptr[size] overwritten -> MH_ECANARY (see canary_common.h). */
#include "canary_common.h"

int main(void)
{
	canary_all(false);
	return 0;
}
