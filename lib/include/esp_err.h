/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * esp_err.h - ESP-IDF error codes, as far as libmemheap's ESP-IDF heap API
 * returns them.
 *
 * The values are ESP-IDF's own, so code that compares against them or
 * prints them keeps working unchanged.
 */
#ifndef MEMHEAP_ESP_ERR_H
#define MEMHEAP_ESP_ERR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An ESP-IDF status code: ESP_OK or one of the ESP_FAIL / ESP_ERR_* values. */
typedef int esp_err_t;

#define ESP_OK			0	/* success */
#define ESP_FAIL		-1	/* generic failure */

#define ESP_ERR_NO_MEM		0x101	/* out of memory */
#define ESP_ERR_INVALID_ARG	0x102	/* invalid argument */
#define ESP_ERR_INVALID_STATE	0x103	/* invalid state */
#define ESP_ERR_INVALID_SIZE	0x104	/* invalid size */
#define ESP_ERR_NOT_FOUND	0x105	/* requested resource not found */
#define ESP_ERR_NOT_SUPPORTED	0x106	/* operation or feature not supported */
#define ESP_ERR_TIMEOUT		0x107	/* operation timed out */
#define ESP_ERR_INVALID_RESPONSE 0x108	/* received response was invalid */
#define ESP_ERR_INVALID_CRC	0x109	/* CRC or checksum was invalid */
#define ESP_ERR_INVALID_VERSION	0x10A	/* version was invalid */
#define ESP_ERR_INVALID_MAC	0x10B	/* MAC address was invalid */
#define ESP_ERR_NOT_FINISHED	0x10C	/* operation has not fully completed */
#define ESP_ERR_NOT_ALLOWED	0x10D	/* operation is not allowed */

/*
 * Name of an error code ("ESP_ERR_NO_MEM"), or "UNKNOWN ERROR" for a value
 * this library does not know.  The string is static.
 */
const char *esp_err_to_name(esp_err_t code);

/*
 * Same as esp_err_to_name(), copied into @buf (at most @buflen bytes,
 * always NUL-terminated when @buflen > 0); an unknown code is written as
 * "Unknown error <code>".  Returns @buf.
 */
const char *esp_err_to_name_r(esp_err_t code, char *buf, size_t buflen);

#ifdef __cplusplus
}
#endif

#endif /* MEMHEAP_ESP_ERR_H */
