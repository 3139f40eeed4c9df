/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer: compact output (no white space) to a FILE, with the
 * commas between members and elements placed by the writer. Every string,
 * keys too, goes through json_escape(), so the output is valid JSON
 * whatever the bytes of a path or a name.
 */
#ifndef MMPOLICY_JSON_H
#define MMPOLICY_JSON_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *out;
	int depth;
	bool after_key;			/* a value comes next, no comma */
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this depth */
};

void json_init(struct json *j, FILE *out);
void json_escape(FILE *out, const char *s);

void json_object_start(struct json *j);
void json_object_end(struct json *j);
void json_array_start(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);

void json_string(struct json *j, const char *s);
void json_uint(struct json *j, unsigned long long v);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_number(struct json *j, const char *text);

void json_string_field(struct json *j, const char *key, const char *s);
void json_uint_field(struct json *j, const char *key, unsigned long long v);
void json_bool_field(struct json *j, const char *key, bool v);

#endif /* MMPOLICY_JSON_H */
