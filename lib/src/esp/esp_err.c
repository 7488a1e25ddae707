/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_err.c - names of the ESP-IDF error codes in esp_err.h.
 */
#include <stdio.h>
#include <string.h>

#include "esp/esp_internal.h"

static const struct {
	esp_err_t code;
	const char *name;
} names[] = {
	{ ESP_OK, "ESP_OK" },
	{ ESP_FAIL, "ESP_FAIL" },
	{ ESP_ERR_NO_MEM, "ESP_ERR_NO_MEM" },
	{ ESP_ERR_INVALID_ARG, "ESP_ERR_INVALID_ARG" },
	{ ESP_ERR_INVALID_STATE, "ESP_ERR_INVALID_STATE" },
	{ ESP_ERR_INVALID_SIZE, "ESP_ERR_INVALID_SIZE" },
	{ ESP_ERR_NOT_FOUND, "ESP_ERR_NOT_FOUND" },
	{ ESP_ERR_NOT_SUPPORTED, "ESP_ERR_NOT_SUPPORTED" },
	{ ESP_ERR_TIMEOUT, "ESP_ERR_TIMEOUT" },
	{ ESP_ERR_INVALID_RESPONSE, "ESP_ERR_INVALID_RESPONSE" },
	{ ESP_ERR_INVALID_CRC, "ESP_ERR_INVALID_CRC" },
	{ ESP_ERR_INVALID_VERSION, "ESP_ERR_INVALID_VERSION" },
	{ ESP_ERR_INVALID_MAC, "ESP_ERR_INVALID_MAC" },
	{ ESP_ERR_NOT_FINISHED, "ESP_ERR_NOT_FINISHED" },
	{ ESP_ERR_NOT_ALLOWED, "ESP_ERR_NOT_ALLOWED" },
};

static const char *lookup(esp_err_t code)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return NULL;
}

MHL_ESP_API const char *esp_err_to_name(esp_err_t code)
{
	const char *n = lookup(code);

	return n ? n : "UNKNOWN ERROR";
}

MHL_ESP_API const char *esp_err_to_name_r(esp_err_t code, char *buf, size_t buflen)
{
	const char *n = lookup(code);

	if (!buf || buflen == 0)
		return buf;
	if (n)
		snprintf(buf, buflen, "%s", n);
	else
		snprintf(buf, buflen, "Unknown error %d", code);
	return buf;
}
