/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/* strerror: every mh_error has its own non-empty text; unknown codes too. */
#include "helpers.h"

int main(void)
{
	const char *s[10];

	for (int i = 0; i < 10; i++) {
		s[i] = mh_strerror(-i);
		CHECK_MSG(s[i] && s[i][0], "mh_strerror(%d) is empty", -i);
		for (int j = 0; j < i; j++)
			CHECK_MSG(strcmp(s[i], s[j]) != 0,
				  "mh_strerror(%d) == mh_strerror(%d) = \"%s\"", -i, -j, s[i]);
	}
	CHECK(mh_strerror(-1000) != NULL);
	CHECK(mh_strerror(1) != NULL);
	CHECK(mh_strerror(-10) != NULL);
	return 0;
}
